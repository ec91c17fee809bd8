"""Weight initialization, drawn exactly as the course's notebooks draw it.

With ``rng = numpy.random.RandomState(seed)`` the weights are drawn layer by
layer from ``l = 1``: ``W[l] = rng.standard_normal((n_l, n_{l-1})) * scale``,
and every ``b[l]`` is zero. That is what ``np.random.seed(1)`` followed by
``np.random.randn(...)`` gives in the course, so a fit configured like the
course reproduces its costs.
"""

import numpy as np


def zeros_scale(n_prev):
    """No draw at all: all weights zero (enough for logistic regression; a
    network with hidden layers never breaks the symmetry, the course's point)."""
    return 0.0


def small_scale(n_prev):
    """The course's "small random" initialization: ``0.01 * N(0, 1)``."""
    return 0.01


def xavier_scale(n_prev):
    """``N(0, 1) / sqrt(n_{l-1})``, the course's deep-network initialization."""
    return 1.0 / np.sqrt(n_prev)


def he_scale(n_prev):
    """``N(0, 1) * sqrt(2 / n_{l-1})``, He et al. (2015), suited to ReLU."""
    return np.sqrt(2.0 / n_prev)


#: Initializer name -> function of ``n_{l-1}`` giving the weights' scale.
INITIALIZERS = {
    "zeros": zeros_scale,
    "small": small_scale,
    "xavier": xavier_scale,
    "he": he_scale,
}


def initialize_parameters(network, method, rng):
    """Fill ``network``'s weights in place; biases are set to zero.

    With batch norm, ``gamma = 1`` and ``beta = 0``.

    Parameters
    ----------
    network : Network
    method : {"zeros", "small", "xavier", "he"} or float
        A name above, or a number: the scale of every layer's standard-normal
        draws (the course's "large random" initialization is 10).
    rng : numpy.random.RandomState
        Drawn from in the order W[1], W[2], ..., W[L] (none for "zeros").
    """
    network.params[:] = 0
    network.reset_batch_norm_transform()
    if isinstance(method, str) and method == "zeros":
        return
    for l in range(1, network.n_layers + 1):
        W = network.W[l]
        scale = INITIALIZERS[method](W.shape[1]) if isinstance(method, str) else float(method)
        # Draw in float64 (as the course does), then store in the network's dtype.
        W[...] = rng.standard_normal(W.shape) * scale
