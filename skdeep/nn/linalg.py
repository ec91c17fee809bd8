"""Matrix products in the course's notation, laid out for BLAS.

Activations are the course's ``(n_l, m)`` arrays, stored example by example
(Fortran order): that is exactly how scikit-learn's ``(m, n_x)`` input sits
in memory, so ``X = A[0]`` is its transpose *view*, and a mini-batch's
columns are contiguous. BLAS writes C-ordered results, so a product into an
example-major ``out`` is computed as ``out^T = B^T A^T`` (:func:`matmul`).

``X`` may also be a scipy sparse matrix; the transpose of a CSR matrix is a
CSC matrix, again without a copy.
"""

import numpy as np
import scipy.sparse as sp


def matmul(A, B, out):
    """``out = A @ B`` written in place, whatever ``out``'s memory order."""
    if out.flags.f_contiguous and not out.flags.c_contiguous:
        np.matmul(B.T, A.T, out=out.T)  # out^T = B^T A^T, a C-ordered result
    else:
        np.matmul(A, B, out=out)
    return out


def columns(n, m, dtype):
    """An uninitialized ``(n, m)`` array stored example by example (Fortran order)."""
    return np.empty((m, n), dtype=dtype).T


def input_product(W, X, out):
    """``out = W @ X`` for the first layer, X dense or sparse."""
    if not isinstance(X, np.ndarray) and sp.issparse(X):
        # sparse @ dense is the product scipy provides: (X^T W^T)^T = W X.
        out[...] = (X.T @ W.T).T
        return out
    return matmul(W, X, out)


def input_weight_gradient(dZ, X, out):
    """``out = dZ @ X^T`` (``dW[1]`` before any regularization), X dense or sparse."""
    if not isinstance(X, np.ndarray) and sp.issparse(X):
        out[...] = (X @ dZ.T).T
        return out
    return matmul(dZ, X.T, out)
