"""Forward passes over many rows in bounded memory, for prediction and validation."""

import numpy as np
import scipy.sparse as sp

from .nn import forward_logits

#: Working memory for one chunk of rows at predict time. Activations of a
#: chunk take at most this much, whatever the number of rows predicted.
PREDICT_CHUNK_BYTES = 16 * 2**20


def chunked_logits(layers, X, hidden_activation):
    """``Z[L]`` for every row of X, as an array of shape (m, n_outputs).

    Parameters
    ----------
    layers : list of dict
        As :func:`skdeep.nn.forward_logits` takes them; their dtype is the
        model's (a float32 model predicts in float32).
    X : ndarray or sparse matrix of shape (m, n_x)
        Rows are examples, scikit-learn's layout.
    hidden_activation : str

    Everything is local to this call: concurrent calls are safe.
    """
    dtype = layers[0]["W"].dtype
    if sp.issparse(X):
        X = X.tocsr()
    widths = sum(layer["W"].shape[0] for layer in layers) + (X.shape[1] if X.dtype != dtype else 0)
    chunk_rows = max(1, PREDICT_CHUNK_BYTES // (dtype.itemsize * widths))
    logits = np.empty((X.shape[0], layers[-1]["W"].shape[0]), dtype=dtype)
    # (A plain range: scikit-learn's gen_batches validates its arguments on every
    # call, which costs more than predicting a few rows.)
    for start in range(0, X.shape[0], chunk_rows):
        rows = slice(start, start + chunk_rows)
        X_chunk = X[rows].astype(dtype, copy=False)
        # sklearn's (m, n_x) rows -> the course's (n_x, m) columns: a view.
        logits[rows] = forward_logits(layers, X_chunk.T, hidden_activation).T
    return logits
