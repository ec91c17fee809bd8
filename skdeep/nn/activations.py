"""Activation functions g and their derivatives, in the course's notation.

Every function works in place on a ``(n_l, m)`` array (one column per example)
so that the training loop allocates nothing per mini-batch:

* ``forward[name](Z)`` overwrites ``Z`` with ``A = g(Z)``;
* ``backward[name](dA, A)`` overwrites ``dA`` with ``dZ = dA * g'(Z)``.

``g'`` is written in terms of the *output* ``A`` rather than ``Z``
(``sigmoid' = A (1 - A)``, ``tanh' = 1 - A**2``, ``relu' = [A > 0]``), so the
forward pass needs to keep only ``A[l]`` for backpropagation, not ``Z[l]``.
"""

import numpy as np
from scipy.special import expit, log_expit

#: Slope of leaky ReLU for negative inputs, the course's ``max(0.01 z, z)``.
LEAKY_SLOPE = 0.01


def sigmoid(Z):
    """``A = 1 / (1 + exp(-Z))``, in place; stable for any magnitude of Z."""
    return expit(Z, out=Z)


def tanh(Z):
    """``A = tanh(Z)``, in place."""
    return np.tanh(Z, out=Z)


def relu(Z):
    """``A = max(0, Z)``, in place."""
    return np.maximum(Z, 0, out=Z)


def leaky_relu(Z):
    """``A = max(0.01 Z, Z)``, in place."""
    # Arithmetic rather than boolean-mask assignment: several times faster.
    return np.maximum(Z, LEAKY_SLOPE * Z, out=Z)


def identity(Z):
    """``A = Z``."""
    return Z


def softmax(Z):
    """Column-wise softmax, in place; each column of the result sums to 1.

    The column maximum is subtracted first so that ``exp`` never overflows.
    """
    Z -= Z.max(axis=0)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=0)
    return Z


def sigmoid_derivative(dA, A):
    """``dZ = dA * A (1 - A)``, in place in ``dA``."""
    dA *= A
    dA *= 1 - A
    return dA


def tanh_derivative(dA, A):
    """``dZ = dA * (1 - A**2)``, in place in ``dA``."""
    dA *= 1 - A * A
    return dA


def relu_derivative(dA, A):
    """``dZ = dA * [Z > 0]``, in place in ``dA`` (``A > 0`` exactly when ``Z > 0``)."""
    # Multiplying by the 0/1 mask is about 10x faster than dA[A <= 0] = 0.
    return np.multiply(dA, A > 0, out=dA)


def leaky_relu_derivative(dA, A):
    """``dZ = dA * (1 if Z > 0 else 0.01)``, in place in ``dA``."""
    slope = (A > 0).astype(dA.dtype)
    slope *= 1 - LEAKY_SLOPE
    slope += LEAKY_SLOPE
    return np.multiply(dA, slope, out=dA)


def identity_derivative(dA, A):
    """``dZ = dA``."""
    return dA


def log_sigmoid(Z):
    """``log(sigmoid(Z))`` computed without forming ``sigmoid(Z)`` (no ``log(0)``)."""
    return log_expit(Z)


def log_softmax(Z):
    """Column-wise ``log(softmax(Z))`` through the log-sum-exp of each column."""
    shifted = Z - Z.max(axis=0)
    return shifted - np.log(np.exp(shifted).sum(axis=0))


#: Hidden-layer activations: name -> in-place ``g``.
HIDDEN_ACTIVATIONS = {
    "relu": relu,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "leaky_relu": leaky_relu,
    "identity": identity,
}

#: Name -> in-place ``dZ = dA * g'(Z)`` expressed through ``A``.
DERIVATIVES = {
    "relu": relu_derivative,
    "tanh": tanh_derivative,
    "sigmoid": sigmoid_derivative,
    "leaky_relu": leaky_relu_derivative,
    "identity": identity_derivative,
}
