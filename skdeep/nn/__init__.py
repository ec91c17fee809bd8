"""The course's math in plain NumPy: no scikit-learn in here.

Arrays follow the course's column-major notation: ``X`` is ``(n_x, m)``, one
column per example; ``W[l]`` is ``(n_l, n_{l-1})``; ``b[l]`` is ``(n_l, 1)``.
The estimators in :mod:`skdeep` validate data, transpose scikit-learn's
``(m, n_x)`` input once (as a view) and drive these pieces.
"""

from .activations import DERIVATIVES, HIDDEN_ACTIVATIONS
from .initializers import INITIALIZERS, initialize_parameters
from .losses import LOSSES, output_gradient
from .network import Network, Workspace, forward_logits, prediction_layers, training_bytes
from .optimizers import OPTIMIZERS

__all__ = [
    "DERIVATIVES",
    "HIDDEN_ACTIVATIONS",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "Network",
    "Workspace",
    "forward_logits",
    "initialize_parameters",
    "output_gradient",
    "prediction_layers",
    "training_bytes",
]
