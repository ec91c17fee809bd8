"""The training loop: one for every solver.

A :class:`TrainingLoop` is given a network, its data, a plain description
of the run (:class:`RunSpec`), the record to write into
(:class:`TrainingRecord`) and the random stream; a step strategy
(:mod:`skdeep._training._steps`) computes the epochs. Whatever the
strategy, the loop alone records each epoch, checks for divergence, scores
the validation set, keeps the best weights, applies the stopping rule and
the adaptive schedule, tells scikit-learn's callbacks, prints progress,
warns when ``max_iter`` ends a run, and handles Ctrl-C. It knows nothing of
the estimators, and tests build it with none.
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from .._predict import chunked_logits
from .._warnings import warn
from ..nn.losses import best_constant_loss
from ..nn.schedules import ADAPTIVE_DIVISOR, SCHEDULES
from . import _observe
from ._data import weighted_loss

#: A cost this many times the cost of the first epoch on the current data
#: means the fit diverged, even while it stays finite: no healthy fit
#: climbs that far above its start.
DIVERGENCE_FACTOR = 10.0
#: A fit that ends with its cost this many times its first cost has gone
#: backwards: it ends in a DivergenceError rather than on those weights.
WORSE_THAN_START_FACTOR = 2.0

#: Why a run ends when its convergence test passed (the model it keeps is its answer).
CONVERGED = frozenset({"tol", "validation", "learning_rate", "gradient", "solver", "lbfgs"})
#: A converged model whose training loss is above the best constant prediction's
#: by this share (and by CONSTANT_MARGIN) is "worse"; within the share below, "no better".
#: The record's estimate of the loss decides alone when it is below this share of the
#: constant's; above, the model's loss on its training rows is computed exactly.
WORSE_THAN_CONSTANT = 0.05
NO_BETTER_THAN_CONSTANT = 0.01
CHECK_EXACTLY_ABOVE = 0.5
CONSTANT_MARGIN = 0.01

STOP_REASONS = {
    "max_iter": "max_iter={max_iter} epochs reached",
    "tol": "the training loss did not improve by more than tol={tol} for {patience} consecutive epochs",
    "validation": "the validation score did not improve by more than tol={tol} for {patience} consecutive epochs",
    "gradient": "the gradient fell below tol={tol}",
    "learning_rate": (
        "the {monitored} did not improve by more than tol={tol} for {patience} consecutive epochs "
        "at the adaptive schedule's last learning rate, {last_rate:.3g}"
    ),
    "callback": "a callback asked to stop",
    "interrupted": "interrupted (Ctrl-C)",
    "lbfgs": "L-BFGS stopped: {message}",
    "solver": "the solver's convergence test passed (tol={tol})",
    "partial_fit": "one epoch (partial_fit)",
}


class DivergenceError(ValueError):
    """Training diverged: the cost became infinite or NaN, or climbed far above where it started."""


def divergence_message(learning_rate, epoch, what):
    return (
        f"Training diverged at epoch {epoch}: {what}. learning_rate={learning_rate!r} is too large "
        "for this data; lower it, or scale the inputs (for example with "
        "sklearn.preprocessing.StandardScaler)."
    )


class TrainingLoop:
    """Runs a step strategy's epochs of ``network`` on ``data`` as ``spec`` says, into ``record``.

    Parameters
    ----------
    network : skdeep.nn.Network
    data : TrainingData
    spec : RunSpec
    record : TrainingRecord
        Updated in place epoch by epoch (so an interrupted run leaves it consistent).
    rng : numpy.random.RandomState
        For shuffling, dropout masks and input noise.
    validation : Validation or None
        Held-out data to score after each epoch.
    reporter : object or None
        Told when each epoch begins and ends (``begin_epoch()``,
        ``end_epoch(network) -> stop?``): scikit-learn's callbacks.
    """

    def __init__(self, network, data, spec, record, rng, validation=None, reporter=None):
        self.network, self.data, self.spec, self.record, self.rng = network, data, spec, record, rng
        self.validation, self.reporter = validation, reporter
        total = data.total_weight
        # The course's L2 term lambda/(2m) sum ||W||^2 (and L1's lambda/m sum |W|),
        # with m the total weight of the data: the same regularization whatever
        # the batch size.
        self.l2 = spec.alpha / total
        self.l1 = spec.alpha_l1 / total
        #: The gradient buffer the strategies fill (the gradient rule reads it).
        self.grad = np.empty(network.n_params, dtype=network.dtype)
        self._epoch_start = None
        self._epoch_begun = False
        if record.adaptive_learning_rate is None:
            record.adaptive_learning_rate = spec.learning_rate

    # -- the run -------------------------------------------------------------------

    def run(self, steps):
        """Train with ``steps`` until its epochs end or the stopping rule fires.

        On Ctrl-C the strategy decides which weights the network keeps (the
        best so far, for the epoch-based ones), ``record.stop_reason`` says
        so, and KeyboardInterrupt propagates.
        """
        spec, record = self.spec, self.record
        if _observe.listening():
            _observe.notify("run_begin", loop=self)
        self._epoch_start = time.perf_counter()
        try:
            # A diverging fit overflows; it is reported as one clear error
            # naming learning_rate, not as a stream of RuntimeWarnings.
            with np.errstate(over="ignore", invalid="ignore"):
                record.stop_reason, detail = steps.run(self)
                steps.finish(self)
            if spec.whole_fit:
                self._refuse_going_backwards()
                if spec.judge_against_constant and record.stop_reason in CONVERGED:
                    self._judge_against_constant()
        except KeyboardInterrupt:
            record.stop_reason = "interrupted"
            steps.interrupted(self)
            raise
        finally:
            if _observe.listening():
                _observe.notify("run_end", loop=self)
        if spec.verbose:
            print(self.stop_message(detail))
        if spec.whole_fit and record.stop_reason == "max_iter" and spec.stopping_rule_active:
            warn(
                f"{spec.name}: max_iter={spec.max_iter} {steps.unit} reached before the optimization "
                f"converged (tol={spec.tol}). Increase max_iter, or check the data's scaling.",
                ConvergenceWarning,
            )

    def learning_rate(self):
        """The current epoch's learning rate under the schedule."""
        spec = self.spec
        if spec.schedule == "adaptive":
            return self.record.adaptive_learning_rate
        decay = SCHEDULES[spec.schedule]
        return decay(spec.learning_rate, self.record.n_iter, spec.decay_rate, spec.decay_steps)

    def ran_out(self):
        """Why a run ends when its epochs are all done."""
        return "max_iter" if self.spec.whole_fit else "partial_fit"

    # -- epoch by epoch --------------------------------------------------------------

    def begin_epoch(self):
        """An epoch starts (the strategies that run epochs of their own say so)."""
        self._epoch_start = time.perf_counter()
        if self.reporter is not None:
            self.reporter.begin_epoch()
            self._epoch_begun = True

    def end_epoch(self, cost, learning_rate, weights=None, keep_best=True):
        """Record an epoch of training cost ``cost``; return why training stops now, or None.

        ``weights`` are the parameters the epoch ended with (default: the
        network's); ``keep_best=False`` for a strategy whose cost is not the
        cost of those weights (the best weights are then not kept).
        """
        spec, record = self.spec, self.record
        if not math.isfinite(cost):
            raise DivergenceError(divergence_message(learning_rate, record.n_iter + 1, f"the cost became {cost}"))
        record.add_epoch(cost, self.data.n_samples)
        self._check_divergence(cost, learning_rate)
        previous_best = record.best_score
        if keep_best:
            score = self._monitored_score(cost, self.network.params if weights is None else weights)
        else:
            score = -cost
            record.best_epoch = record.n_iter
        now = time.perf_counter()
        seconds, self._epoch_start = now - self._epoch_start, now
        if spec.verbose:
            self._print_progress(cost, seconds)
        if _observe.listening():
            _observe.notify("epoch_end", loop=self, cost=cost, learning_rate=learning_rate, seconds=seconds)
        if self.reporter is not None:
            if not self._epoch_begun:
                self.reporter.begin_epoch()
            self._epoch_begun = False
            if self.reporter.end_epoch(self.network):
                return "callback"
        if spec.stopping == "gradient":
            # Convex full-batch problems: self.grad is the gradient at the start of this epoch.
            return "gradient" if spec.tol > 0 and np.max(np.abs(self.grad)) <= spec.tol else None
        if spec.stopping != "improvement" or not spec.stopping_rule_active:
            return None  # the strategy's own test; or tol=0: every epoch runs, as in the course
        if score > previous_best + spec.tol:
            record.no_improvement_count = 0
        else:
            record.no_improvement_count += 1
        if record.no_improvement_count < spec.n_iter_no_change:
            return None
        if spec.schedule != "adaptive":
            return "validation" if self.validation is not None else "tol"
        record.adaptive_learning_rate /= ADAPTIVE_DIVISOR
        record.no_improvement_count = 0
        if record.adaptive_learning_rate < spec.min_learning_rate:
            return "learning_rate"
        if spec.verbose:
            print(
                f"No improvement for {spec.n_iter_no_change} epochs: learning rate divided by "
                f"{ADAPTIVE_DIVISOR:g}, to {record.adaptive_learning_rate:.3g}"
            )
        return None

    def _monitored_score(self, cost, weights):
        """Score of the epoch (greater is better); keeps the best weights."""
        record = self.record
        if self.validation is None:
            score = -cost
        else:
            loss, score = self.validation.evaluate(self.network)
            record.add_validation(loss, score)
        if score > record.best_score:
            record.best_score = score
            record.keep_best(weights, self.network.get_batch_norm_stats(), self.network.dtype)
        return score

    # -- divergence --------------------------------------------------------------------

    def _check_divergence(self, cost, learning_rate):
        """A finite cost that climbs far above the first cost on this data is divergence too."""
        record = self.record
        start = record.reference_cost
        if cost > DIVERGENCE_FACTOR * start and cost > start + 1:
            raise DivergenceError(
                divergence_message(
                    learning_rate,
                    record.n_iter,
                    f"the cost climbed from {start:.6g} (epoch {record.reference_epoch + 1}) to {cost:.6g}",
                )
            )

    def _refuse_going_backwards(self):
        """A fit never ends, silently, on weights far worse than where it started on this data."""
        record = self.record
        start = record.reference_cost
        if start is None or self.spec.restore_best:
            return  # nothing ran, or the best epoch's weights were restored
        last = record.loss_curve[-1]
        if last > WORSE_THAN_START_FACTOR * start and last > start + 0.1:
            raise DivergenceError(
                divergence_message(
                    self.learning_rate(),
                    record.n_iter,
                    f"the fit ended with its cost at {last:.6g}, above the {start:.6g} it started from",
                )
            )

    def _judge_against_constant(self):
        """Warn when a converged fit is no better on its training data than ignoring the inputs.

        The record estimates the model's training loss (the cost of the epoch
        whose weights it keeps, less the regularization term); unless that is
        far below the constant's, one pass over the training rows computes it
        exactly. Worse than the best constant prediction:
        a step so large it switched every ReLU unit off, a run stopped by its
        tol rule at a peak of an oscillating cost, inputs so unscaled that the
        units saturate. No better: a model that learned nothing (no signal in
        X, or too much regularization). Either way the fit says so, and what helps.
        """
        record, network, data = self.record, self.network, self.data
        constant = best_constant_loss(data.Y, data.sample_weight / data.total_weight, network.output_activation)
        # The record's estimate: the cost of the epoch whose weights the model keeps,
        # less the regularization term. Far below the constant, nothing more is needed;
        # otherwise the model's own loss on its training rows is computed (one pass).
        kept = record.loss_curve[record.best_epoch - 1] if record.restored_best else record.loss_curve[-1]
        loss = kept - network.penalty(self.l2, self.l1)
        if loss <= CHECK_EXACTLY_ABOVE * constant:
            return
        loss = weighted_loss(network, data.training_X(), data.Y, data.sample_weight / data.total_weight)
        what = "the targets' mean" if network.output_activation == "identity" else "the class frequencies"
        compared = f"its training loss is {loss:.4g}, predicting {what} gives {constant:.4g}"
        if loss > constant * (1 + WORSE_THAN_CONSTANT) + CONSTANT_MARGIN:
            warn(
                f"{self.spec.name} converged (epoch {record.n_iter}) to a model worse than one that ignores X: "
                f"{compared}. learning_rate={self.learning_rate()!r} is probably too large for this data (a "
                "step that large can switch every ReLU unit off for good, or leave the cost oscillating), or "
                "the inputs are unscaled; lower learning_rate, or scale the inputs (for example with "
                "sklearn.preprocessing.StandardScaler).",
                ConvergenceWarning,
            )
        # (A constant target, or one class, leaves nothing to learn: no warning.)
        elif loss > constant * (1 - NO_BETTER_THAN_CONSTANT) and constant > CONSTANT_MARGIN:
            warn(
                f"{self.spec.name} learned nothing from X: {compared}. If X has signal, scale the inputs "
                "(for example with sklearn.preprocessing.StandardScaler), or lower alpha or learning_rate.",
                ConvergenceWarning,
            )

    def ensure_finite_outputs(self, learning_rate):
        """Never leave a model that predicts NaN.

        The last update is applied after the last cost was measured. A bound
        on the outputs from the weights alone (no pass over the data) almost
        always shows they are finite; only when it cannot are the final
        weights checked on the training data, and if they overflow the
        weights of the best epoch come back (with a warning), and if those
        overflow too, fit fails with a clear error.
        """
        if self._outputs_finite():
            return
        if self.record.best_params is not None:
            self.restore_best()
            if self._outputs_finite():
                warn(
                    f"The last updates overflowed (learning_rate={learning_rate!r} is too large "
                    "for this data); the model keeps the weights of its best epoch. Lower "
                    "learning_rate or scale the inputs."
                )
                return
        raise DivergenceError(
            divergence_message(learning_rate, self.record.n_iter, "the model's outputs are no longer finite")
        )

    def _outputs_finite(self):
        # All of X, held-out rows included: the model a fit leaves must be
        # finite on every row the fit was given.
        network, X = self.network, self.data.X
        if not np.all(np.isfinite(network.params)):
            return False
        values = X.data if sp.issparse(X) else X
        input_bound = max(abs(float(values.max(initial=0))), abs(float(values.min(initial=0))))
        # Well inside the dtype's range: no intermediate can overflow.
        if network.output_bound(input_bound) < np.finfo(network.dtype).max / 16:
            return True
        with np.errstate(over="ignore", invalid="ignore"):
            logits = chunked_logits(network.prediction_layers(), X, network.hidden_activation)
        return bool(np.all(np.isfinite(logits)))

    def restore_best(self):
        """Put the best epoch's weights (and batch statistics) back into the network."""
        record = self.record
        if record.best_params is not None:
            self.network.params[...] = record.best_params
            self.network.set_batch_norm_stats(record.best_stats)
            record.restored_best = True

    # -- what the user sees -----------------------------------------------------------

    def _print_progress(self, cost, seconds):
        record = self.record
        line = f"Epoch {record.n_iter}, loss = {cost:.8f}"
        if self.validation is not None:
            line += f", validation score = {record.validation_scores[-1]:.6f}"
        print(f"{line}, {seconds:.2f}s")

    def stop_message(self, detail=""):
        """Why training stopped, and which epoch's weights the model keeps."""
        spec, record = self.spec, self.record
        reason = STOP_REASONS[record.stop_reason].format(
            max_iter=spec.max_iter,
            tol=spec.tol,
            patience=spec.n_iter_no_change,
            monitored="validation score" if self.validation is not None else "training loss",
            last_rate=(record.adaptive_learning_rate or 0.0) * ADAPTIVE_DIVISOR,
            message=detail,
        )
        message = f"Training stopped after epoch {record.n_iter}: {reason}."
        if record.restored_best and record.best_epoch != record.n_iter:
            message += f" The model keeps the weights of epoch {record.best_epoch}, its best."
        return message
