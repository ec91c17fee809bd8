"""What an estimator tells the shared fit: the network to build and the run to train it with.

Each estimator turns its checked hyperparameters and the data's sizes into
one :class:`RunPlan` (``_plan``), the only thing the shared fit asks of it
about training.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ._training import RunSpec
from .nn import Network


@dataclass(frozen=True)
class NetworkLayout:
    """The network a fit builds, but for its input and output sizes."""

    hidden: tuple
    activation: str
    init: object
    batch_norm: bool = False
    #: Dropout's keep probability per hidden layer (None: no dropout).
    keep_prob: tuple | None = None

    def layer_dims(self, n_features, n_outputs):
        return (n_features, *self.hidden, n_outputs)

    def build(self, n_features, n_outputs, output_activation, dtype):
        """The untrained network."""
        return Network(
            self.layer_dims(n_features, n_outputs),
            self.activation,
            output_activation,
            dtype,
            batch_norm=self.batch_norm,
            keep_prob=self.keep_prob,
        )


@dataclass(frozen=True)
class FitSetting:
    """What the estimator is told about a fit when it plans the run.

    ``n_samples`` are the examples fit was given, ``n_train`` those that
    train (early stopping holds the others out); ``X`` and ``sample_weight``
    are the training data (the full-batch solvers' step depends on them).
    """

    X: object
    sample_weight: object
    n_samples: int
    n_train: int
    n_outputs: int
    partial: bool
    validation: bool
    early_stopping: bool
    #: The hidden sizes of the network a warm fit continues (None: a new network).
    previous_hidden: tuple | None = None


@dataclass(frozen=True)
class RunPlan:
    """A run: the network's layout, the run's description, and its step strategy.

    ``optimizer(n_params, dtype)`` makes the optimizer whose state a warm
    start restores (None for solvers without one); ``steps(network, data,
    optimizer)`` makes the step strategy.
    """

    layout: NetworkLayout
    spec: RunSpec
    optimizer: Callable
    steps: Callable
    #: Seeds the weights' initialization and the run's random stream.
    random_state: object = None
