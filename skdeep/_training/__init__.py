"""Training: one loop for every solver, the run's record, the data it trains on.

- :mod:`._run`: :class:`RunSpec`, the plain description of a run the estimators build;
- :mod:`._record`: :class:`TrainingRecord`, everything a run records;
- :mod:`._data`: :class:`TrainingData` and the held-out :class:`Validation`;
- :mod:`._loop`: :class:`TrainingLoop`, recording, stopping, warnings and Ctrl-C;
- :mod:`._steps`: the step strategies (mini-batch optimizers, L-BFGS, accelerated gradient);
- :mod:`._observe`: listeners for tests and benchmarks.

Nothing here imports the estimators.
"""

from ._data import TrainingData, Validation, prediction_logits
from ._loop import STOP_REASONS, DivergenceError, TrainingLoop
from ._observe import observe
from ._record import TrainingRecord
from ._run import RunSpec
from ._steps import AcceleratedSteps, LbfgsSteps, MiniBatchSteps

__all__ = [
    "STOP_REASONS",
    "AcceleratedSteps",
    "DivergenceError",
    "LbfgsSteps",
    "MiniBatchSteps",
    "RunSpec",
    "TrainingData",
    "TrainingLoop",
    "TrainingRecord",
    "Validation",
    "observe",
    "prediction_logits",
]
