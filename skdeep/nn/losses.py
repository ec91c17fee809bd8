"""Cross-entropy costs computed from the output layer's pre-activation ``Z[L]``.

Working from the logits rather than from ``A[L]`` keeps the cost finite for
saturated units: ``log(sigmoid(z))`` is ``-log1p(exp(-z))`` for large ``z`` and
never ``log(0)``. Each function returns the per-example loss (a vector of
length m) and turns ``Z`` into ``A[L]`` in place, because the fused output
gradient ``dZ[L] = A[L] - Y`` needs ``A[L]`` right after.
"""

import numpy as np

from .activations import sigmoid


def sigmoid_cross_entropy(Z, Y):
    """Binary cross-entropy of sigmoid outputs, summed over output units.

    ``L = -[y log a + (1 - y) log(1 - a)]`` with ``a = sigmoid(z)`` equals
    ``softplus(z) - y z`` with ``softplus(z) = max(z, 0) + log1p(exp(-|z|))``,
    which never overflows (``exp(-|z|)`` is at most 1).

    Parameters
    ----------
    Z : ndarray of shape (n_out, m)
        Logits; overwritten with ``A = sigmoid(Z)``.
    Y : ndarray of shape (n_out, m)
        Targets in [0, 1].

    Returns
    -------
    loss : ndarray of shape (m,)
        Per-example loss.
    """
    loss = np.abs(Z)
    np.negative(loss, out=loss)
    np.exp(loss, out=loss)
    np.log1p(loss, out=loss)
    loss += np.maximum(Z, 0)
    loss -= Y * Z
    sigmoid(Z)
    return np.add.reduce(loss, axis=0)


def softmax_cross_entropy(Z, Y):
    """Categorical cross-entropy of softmax outputs.

    ``L = -sum_k y_k log a_k = logsumexp(z) - sum_k y_k z_k``, with the column
    maximum subtracted inside the log-sum-exp.

    Parameters
    ----------
    Z : ndarray of shape (n_classes, m)
        Logits; overwritten with ``A = softmax(Z)``.
    Y : ndarray of shape (n_classes, m)
        One-hot targets.

    Returns
    -------
    loss : ndarray of shape (m,)
        Per-example loss.
    """
    target_logit = (Y * Z).sum(axis=0)
    z_max = Z.max(axis=0)
    Z -= z_max
    np.exp(Z, out=Z)
    normalizer = Z.sum(axis=0)  # >= 1: the largest term is exp(0)
    Z /= normalizer  # Z now holds A = softmax(Z)
    return z_max + np.log(normalizer) - target_logit


#: Output activation -> per-example loss from logits.
LOSSES = {
    "sigmoid": sigmoid_cross_entropy,
    "softmax": softmax_cross_entropy,
}


def output_gradient(A, Y, example_weight, out):
    """The fused output gradient ``dZ[L] = (A[L] - Y) * r``.

    For a sigmoid output with binary cross-entropy, and for a softmax output
    with categorical cross-entropy, ``dL/dZ[L]`` simplifies to ``A - Y``. The
    course then divides by m; here each column is scaled by its example weight
    ``r_i = s_i / sum(s)`` instead (``1/m`` when all weights are equal), so every
    gradient computed from it is already a (weighted) mean over the batch.

    Parameters
    ----------
    A : ndarray of shape (n_out, m)
    Y : ndarray of shape (n_out, m)
    example_weight : ndarray of shape (m,)
        ``r``, summing to 1.
    out : ndarray of shape (n_out, m)
        Where ``dZ[L]`` is written (may be ``A`` itself).

    Returns
    -------
    dZ : ndarray of shape (n_out, m)
    """
    np.subtract(A, Y, out=out)
    out *= example_weight
    return out
