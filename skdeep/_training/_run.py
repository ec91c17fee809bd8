"""What one training run does: a plain description the estimators build from their hyperparameters."""

from __future__ import annotations

from dataclasses import dataclass

from ..nn.schedules import ADAPTIVE_MIN_LEARNING_RATE

#: How a run decides it has converged (``RunSpec.stopping``).
STOPPING_RULES = (
    # The monitored score (validation score, or the training cost) has not
    # improved by tol for n_iter_no_change epochs; the adaptive schedule's rule.
    "improvement",
    # The largest gradient entry is <= tol (full batch, convex problems).
    "gradient",
    # The step strategy's own test (L-BFGS, accelerated gradient).
    "solver",
)


@dataclass(frozen=True)
class RunSpec:
    """What one training run does, read from the estimator's hyperparameters.

    ``alpha`` and ``alpha_l1`` are the course's lambda: the loop divides
    them by the data's total weight, the course's m. ``n_iter_no_change`` may
    be ``inf`` (the stopping rule never fires).
    """

    max_epochs: int
    learning_rate: float
    batch_size: int
    shuffle: bool = False
    schedule: str = "constant"
    #: The adaptive schedule stops once its rate falls below this.
    min_learning_rate: float = ADAPTIVE_MIN_LEARNING_RATE
    decay_rate: float = 0.0
    decay_steps: int = 1
    alpha: float = 0.0
    alpha_l1: float = 0.0
    input_noise: float = 0.0
    tol: float = 0.0
    n_iter_no_change: float = 1
    stopping: str = "improvement"
    #: Early stopping: the model ends with the weights of its best epoch.
    restore_best: bool = False
    #: Warn (ConvergenceWarning) when max_epochs end the run, and refuse a
    #: run that ends worse than it started; off for partial_fit's one epoch.
    whole_fit: bool = True
    #: Refuse a run that converges to a model worse on its training data than
    #: the best constant prediction, and warn when it is no better (networks;
    #: a convex model that fits the constant has found its optimum).
    judge_against_constant: bool = False
    max_iter: int = 1
    verbose: int = 0
    name: str = "model"

    @property
    def stopping_rule_active(self):
        """Whether a convergence test can end the run before ``max_epochs``."""
        if self.stopping == "improvement":
            return self.tol > 0 or self.restore_best or self.schedule == "adaptive"
        return self.tol > 0
