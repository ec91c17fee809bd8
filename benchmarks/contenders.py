"""Workload B's problem and the contenders configured for it, shared by workloads B, D, F and G.

- :func:`b_data`: the synthetic problem (``make_classification``, 100
  features, 5 classes, fixed seed);
- :func:`skdeep_b` and :func:`mlp_b`: ``DeepNetClassifier`` and
  ``MLPClassifier`` set up alike (hidden (128, 64), relu, Adam lr 1e-3,
  alpha 1e-4, mini-batches of 200, a fixed number of epochs);
- :func:`gemm_floor`: the matrix products an epoch cannot avoid, what a NumPy
  implementation cannot go below (B's diagnostic, and F);
- :func:`torch_fit`, :func:`torch_training`, :func:`torch_predict`: a plain
  PyTorch CPU training loop as a user would write it (B and G), when PyTorch
  is installed.
"""

import itertools

import numpy as np
from measure import SEED, torch
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier

from skdeep import DeepNetClassifier

B_HIDDEN = (128, 64)
B_BATCH = 200


def b_data(n_rows, n_features=100, n_classes=5):
    """Workload B's synthetic problem (``make_classification``, fixed seed)."""
    X, y = make_classification(
        n_samples=n_rows,
        n_features=n_features,
        n_informative=50,
        n_redundant=10,
        n_classes=n_classes,
        random_state=SEED,
    )
    return X, y


def skdeep_b(hidden=B_HIDDEN, epochs=1):
    """skdeep configured as workload B: Adam, mini-batches of 200, a fixed number of epochs."""
    return DeepNetClassifier(
        hidden_layer_sizes=hidden,
        activation="relu",
        solver="adam",
        batch_size=B_BATCH,
        learning_rate=0.001,
        alpha=1e-4,
        tol=0,
        max_iter=epochs,
        early_stopping=False,  # as MLPClassifier's: every epoch trains on all 20,000 rows
        shuffle=True,
        random_state=SEED,
    )


def mlp_b(hidden=B_HIDDEN, epochs=1):
    """MLPClassifier configured as workload B (its defaults are already Adam, lr 1e-3, alpha 1e-4)."""
    return MLPClassifier(
        hidden_layer_sizes=hidden,
        activation="relu",
        solver="adam",
        batch_size=B_BATCH,
        learning_rate_init=0.001,
        alpha=1e-4,
        max_iter=epochs,
        tol=0,
        n_iter_no_change=10**9,
        shuffle=True,
        random_state=SEED,
    )


def gemm_floor(X, hidden, n_outputs, batch_size, dtype):
    """The matrix products one epoch of training needs, and nothing else.

    Returns a callable running one epoch: for each mini-batch and layer, the
    forward product ``Z[l] = W[l] A[l-1]`` and, backward, ``dW[l] = dZ[l] A[l-1]^T``
    and ``dA[l-1] = W[l]^T dZ[l]`` (not for the first layer: nothing needs the
    gradient with respect to the inputs). Buffers are preallocated and every
    product writes into them with ``out=``; the mini-batch is a transposed
    *view* of the rows of X, as in skdeep. No bias, activation, loss or update.
    """
    rng = np.random.default_rng(SEED)
    X = np.ascontiguousarray(X, dtype=dtype)
    n_rows = X.shape[0] - X.shape[0] % batch_size  # whole batches only
    dims = (X.shape[1], *hidden, n_outputs)
    L = len(dims) - 1
    W = [None] + [
        (rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])).astype(dtype) for l in range(1, L + 1)
    ]
    dW = [None] + [np.empty_like(W[l]) for l in range(1, L + 1)]
    A = [None] + [np.empty((dims[l], batch_size), dtype=dtype) for l in range(1, L + 1)]
    dZ = [None] + [(0.01 * rng.standard_normal((dims[l], batch_size))).astype(dtype) for l in range(1, L + 1)]

    def epoch():
        for start in range(0, n_rows, batch_size):
            A0 = X[start : start + batch_size].T
            for l in range(1, L + 1):
                np.matmul(W[l], A0 if l == 1 else A[l - 1], out=A[l])
            for l in range(L, 0, -1):
                np.matmul(dZ[l], (A0 if l == 1 else A[l - 1]).T, out=dW[l])
                if l > 1:
                    np.matmul(W[l].T, dZ[l], out=dZ[l - 1])

    return epoch


def torch_fit(X, y, hidden, n_classes, epochs, threads=None, learning_rate=0.001, weight_decay=1e-4):
    """A plain PyTorch CPU training loop, float32, timed whole as a user would write it.

    Returns a callable that builds the tensors from the NumPy arrays, an
    ``nn.Sequential`` of Linear + ReLU layers with ``hidden`` units and Adam,
    and trains ``epochs`` epochs of shuffled mini-batches of 200 (cross-entropy,
    Adam's L2 ``weight_decay``). ``threads`` sets PyTorch's intra-op threads for
    the call (restored after); None keeps its default.
    """

    def fit():
        previous = torch.get_num_threads()
        if threads is not None:
            torch.set_num_threads(threads)
        try:
            model, epoch = torch_training(X, y, hidden, n_classes, learning_rate, weight_decay)
            for _ in range(epochs):
                epoch()
            return model
        finally:
            torch.set_num_threads(previous)

    return fit


def torch_predict(model, X):
    """Class indices a PyTorch model predicts for X (no gradient)."""
    with torch.no_grad():
        return model(torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))).argmax(1).numpy()


def torch_training(X, y, hidden, n_classes, learning_rate=0.001, weight_decay=1e-4):
    """A fresh PyTorch model (Linear + ReLU layers with ``hidden`` units) and one epoch of its loop.

    Returns ``(model, epoch)``: each call of ``epoch()`` trains one epoch of
    shuffled mini-batches of 200 (cross-entropy, Adam with L2 ``weight_decay``),
    as a user would write the loop. Seeded from ``SEED``.
    """
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
    dims = (X.shape[1], *hidden)
    layers = []
    for n_in, n_out in itertools.pairwise(dims):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(dims[-1], n_classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, weight_decay=weight_decay)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        order = torch.randperm(len(Xt), generator=generator)
        for start in range(0, len(Xt), B_BATCH):
            rows = order[start : start + B_BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(Xt[rows]), yt[rows]).backward()
            optimizer.step()

    return model, epoch
