"""The run's record: what training did, and the state the next run continues from.

One :class:`TrainingRecord` owns everything a fit records: the loss and
validation curves, the best epoch (and, while a run goes on, its weights),
the stopping rule's counters, the adaptive learning rate, why the last run
stopped, and where the divergence checks take their reference. A fit
creates one; ``warm_start`` and ``partial_fit`` continue a copy of the
previous fit's. The estimators' ``loss_curve_``, ``n_iter_``,
``validation_scores_`` and the like are read from it, never copied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np


@dataclass
class TrainingRecord:
    """Everything a run records, epoch by epoch.

    Attributes
    ----------
    loss_curve : list of float
        The training cost of each epoch.
    validation_loss_curve, validation_scores : list of float or None
        The validation loss and the score the stopping rule follows, each
        epoch (None for a model never fitted with a validation set).
    best_loss : float
    best_validation_score : float or None
    n_iter : int
        Epochs over every run.
    t : int
        Training examples seen, MLPClassifier's ``t_``.
    best_score, no_improvement_count : float, int
        The stopping rule's state: the best monitored score, and the epochs since.
    best_epoch : int
        The epoch whose weights ``best_params`` holds.
    adaptive_learning_rate : float or None
        The adaptive schedule's current rate.
    restored_best : bool
        Whether the last run put its best epoch's weights back into the model
        (early stopping).
    stop_reason : str or None
        Why the last run ended (a key of ``STOP_REASONS``).
    reference_epoch : int
        The index in ``loss_curve`` of the first epoch on the current data:
        the divergence checks compare with its cost. A warm start on the same
        data keeps it, so that the same epochs split over several calls get
        the same verdict; new data (another ``fit``, each ``partial_fit``
        chunk) starts from its own first epoch.
    data_digest : str or None
        A digest of the data of the last fit with ``warm_start``, to tell a
        continuation on the same data from one on new data.
    best_params, best_stats : ndarray and dict, or None
        A copy of the best epoch's weights and batch statistics, kept while
        a run goes on (for early stopping and Ctrl-C); dropped when it ends.
    """

    loss_curve: list = field(default_factory=list)
    validation_loss_curve: list | None = None
    validation_scores: list | None = None
    best_loss: float = math.inf
    best_validation_score: float | None = None
    n_iter: int = 0
    t: int = 0
    best_score: float = -math.inf
    no_improvement_count: int = 0
    best_epoch: int = 0
    adaptive_learning_rate: float | None = None
    restored_best: bool = False
    stop_reason: str | None = None
    reference_epoch: int = 0
    data_digest: str | None = None
    best_params: np.ndarray | None = field(default=None, repr=False)
    best_stats: dict | None = field(default=None, repr=False)

    # -- the record a new run writes into ---------------------------------------

    def next_run(self, *, continue_stopping_rule, same_data):
        """A copy for the next run on the same model: the curves go on.

        ``continue_stopping_rule`` (``partial_fit``'s next chunk) keeps the
        stopping rule's best score and patience count; a new ``fit`` run
        starts them afresh. ``same_data`` keeps the divergence reference.
        """
        record = replace(
            self,
            loss_curve=list(self.loss_curve),
            validation_loss_curve=_copy(self.validation_loss_curve),
            validation_scores=_copy(self.validation_scores),
            stop_reason=None,
            restored_best=False,
            best_params=None,
            best_stats=None,
        )
        if not continue_stopping_rule:
            record.best_score, record.no_improvement_count, record.best_epoch = -math.inf, 0, 0
        if not same_data:
            record.reference_epoch = self.n_iter
        return record

    def monitor_validation(self):
        """Start (or go on) recording a validation set's curves."""
        if self.validation_scores is None:
            self.validation_loss_curve, self.validation_scores = [], []
        if self.best_validation_score is None:
            self.best_validation_score = -math.inf

    def forget_validation(self):
        """A fit without a validation set on a new model: MLPClassifier's ``None``s."""
        self.validation_loss_curve = self.validation_scores = self.best_validation_score = None

    # -- epoch by epoch -------------------------------------------------------------

    def add_epoch(self, cost, n_examples):
        self.loss_curve.append(cost)
        self.n_iter += 1
        self.t += n_examples
        self.best_loss = min(self.best_loss, cost)

    def add_validation(self, loss, score):
        self.validation_loss_curve.append(loss)
        self.validation_scores.append(score)
        self.best_validation_score = max(self.best_validation_score, score)

    def keep_best(self, params, stats, dtype):
        """Remember the current epoch as the best, with a copy of its weights (in ``dtype``)."""
        self.best_epoch = self.n_iter
        self.best_params = np.array(params, dtype=dtype)  # one copy, converted if need be
        self.best_stats = stats

    @property
    def reference_cost(self):
        """The cost of the first epoch on the current data (None before it)."""
        curve = self.loss_curve
        return curve[self.reference_epoch] if len(curve) > self.reference_epoch else None

    def finished(self):
        """The record as a fitted model keeps it: without the best weights' copy."""
        self.best_params = self.best_stats = None
        return self


def _copy(values):
    return None if values is None else list(values)
