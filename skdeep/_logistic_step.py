"""Logistic regression's step sizes: the curvature bounds its gradient-descent steps follow from.

The course's gradient descent converges for any step below ``2 / L``, with
``L`` the Lipschitz constant of the cost's gradient; for the logistic (or
softmax) cost, ``L`` is the loss's curvature bound times the largest
eigenvalue of the weighted Gram matrix of ``[X, 1]``, plus the L2 term's
``alpha / m``.
"""

import math

import numpy as np
import scipy.sparse as sp
from scipy.linalg import eigvalsh
from scipy.sparse.linalg import LinearOperator, eigsh
from sklearn.utils import gen_batches

#: Up to this many features the Gram matrix is formed and its largest
#: eigenvalue computed exactly; beyond, Lanczos iterations estimate it.
_EXACT_GRAM_MAX_FEATURES = 1000


def gradient_descent_step(X, sample_weight, n_outputs, alpha):
    """The course's automatic step for plain gradient descent, ``1.9 / (L + mu)``.

    ``L`` is the Lipschitz constant of the cost's gradient computed from the
    data and ``mu = alpha / m`` its strong convexity: gradient descent with
    this step always converges and the cost never increases.
    """
    r = shares(sample_weight)
    strong_convexity = l2_coefficient(alpha, sample_weight)
    scale = _power_of_two_scale(X)
    # lambda_max of [X, 1]^T R [X, 1] is scale^2 lambda_max of
    # [X / scale, 1 / scale]^T R [X / scale, 1 / scale], whose entries are
    # at most 1: computed so, it cannot overflow, only the product can.
    with np.errstate(over="ignore"):
        gram_max = float(np.float64(scale) ** 2 * _largest_eigenvalue_of_weighted_gram(X, r, scale))
        lipschitz = curvature(n_outputs) * gram_max + strong_convexity
    step = 1.9 / (lipschitz + strong_convexity)
    if not (math.isfinite(lipschitz) and step > 0 and math.isfinite(step) and step >= np.finfo(np.float64).tiny):
        raise ValueError(
            f"X's scale (largest |value| {_max_abs(X):.3g}) is too large for plain gradient "
            "descent's automatic learning rate: the step 1/L would underflow. Use solver='agd' "
            "(it works on rescaled inputs) or scale X (for example with sklearn.preprocessing.MaxAbsScaler)."
        )
    return step


def curvature(n_outputs):
    """Bound on the loss's curvature in the logits: sigmoid'(z) <= 1/4; the
    softmax cross-entropy's Hessian diag(p) - p p^T has eigenvalues <= 1/2."""
    return 0.25 if n_outputs == 1 else 0.5


def shares(sample_weight):
    """``r = w / sum(w)`` in float64, without overflow in the sum."""
    w = np.asarray(sample_weight, dtype=np.float64)
    w = w / np.max(w)
    return w / w.sum()


def l2_coefficient(alpha, sample_weight):
    """``alpha / sum(w)``, the course's ``lambda / m``, without overflow in the sum."""
    w = np.asarray(sample_weight, dtype=np.float64)
    largest = float(np.max(w))
    with np.errstate(over="ignore"):
        return float(alpha) / float((w / largest).sum()) / largest


def _max_abs(X):
    if sp.issparse(X):
        return float(np.max(np.abs(X.data))) if X.nnz else 0.0
    return float(np.max(np.abs(X))) if X.size else 0.0


#: Inputs larger than this are divided by a power of two inside the solver.
_RESCALE_ABOVE = 2.0**20


def _power_of_two_scale(X):
    """1, or for inputs beyond ``_RESCALE_ABOVE``, the power of two just above ``max |X|``.

    Dividing by a power of two is exact, so the rescaled problem is the same
    problem; it keeps squares of the inputs (in the curvature) finite.
    """
    largest = _max_abs(X)
    if not largest > _RESCALE_ABOVE:
        return 1.0
    return math.ldexp(1.0, math.frexp(largest)[1])


def _largest_eigenvalue_of_weighted_gram(X, r, scale=1.0):
    """``lambda_max`` of ``X~^T diag(r) X~``, with ``X~ = [X, 1] / scale`` (the intercept column)."""
    n_features = X.shape[1]
    if n_features <= _EXACT_GRAM_MAX_FEATURES:
        gram = np.zeros((n_features + 1, n_features + 1))
        # Accumulated over row chunks so that no copy of X is ever made whole.
        for rows in gen_batches(X.shape[0], 2048):
            X_chunk = X[rows]
            X_chunk = X_chunk.toarray() if sp.issparse(X_chunk) else X_chunk
            X_chunk = np.column_stack([X_chunk.astype(np.float64), np.ones(X_chunk.shape[0])])
            if scale != 1:
                X_chunk /= scale
            gram += X_chunk.T @ (X_chunk * r[rows, None])
        return float(eigvalsh(gram, subset_by_index=[n_features, n_features])[0])

    def matvec(v):
        v = np.asarray(v, dtype=np.float64).ravel() / scale
        z = X @ v[:-1] + v[-1]
        rz = r * z
        rz /= scale
        return np.append(X.T @ rz, rz.sum())

    operator = LinearOperator((n_features + 1, n_features + 1), matvec=matvec, dtype=np.float64)
    # A fixed start vector keeps fits deterministic.
    return float(eigsh(operator, k=1, which="LA", v0=np.ones(n_features + 1), tol=1e-3, return_eigenvectors=False)[0])
