"""The two matrix products that touch the input ``X = A[0]``.

``X`` may be a dense array or a scipy sparse matrix. Inside the network it is
always the course's ``(n_x, m)``; for dense input it is the transpose *view*
of scikit-learn's ``(m, n_x)`` array (Fortran-ordered, which BLAS reads
without a copy), and for sparse input the transpose of a CSR matrix is a CSC
matrix, again without a copy.
"""

import numpy as np
import scipy.sparse as sp


def input_product(W, X, out):
    """``out = W @ X`` for the first layer, X dense or sparse."""
    if sp.issparse(X):
        # sparse @ dense is the product scipy provides: (X^T W^T)^T = W X.
        out[...] = (X.T @ W.T).T
        return out
    return np.matmul(W, X, out=out)


def input_weight_gradient(dZ, X, out):
    """``out = dZ @ X^T`` (``dW[1]`` before any regularization), X dense or sparse."""
    if sp.issparse(X):
        out[...] = (X @ dZ.T).T
        return out
    return np.matmul(dZ, X.T, out=out)
