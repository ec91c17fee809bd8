"""The training loop: epochs of mini-batches, schedules, stopping, interruption.

Kept apart from the estimators' validation code so the loop reads on its own:
an epoch draws the batches (shuffled, with fresh dropout masks and optional
input noise), takes one optimizer step per batch at the epoch's learning rate,
then records the cost and the validation metrics and applies the stopping
rule. ``solver="lbfgs"`` hands the full-batch cost to scipy instead.
"""

import math
import time
import warnings
from contextlib import nullcontext
from functools import cache

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

from .nn.losses import LOSSES
from .nn.schedules import ADAPTIVE_DIVISOR, ADAPTIVE_MIN_LEARNING_RATE, SCHEDULES

#: Below this many floating-point operations per mini-batch forward pass, BLAS
#: runs on one thread. A second thread speeds up products this small, but not
#: the step: the elementwise work after each product then reads results written
#: from the other core, and on a busy machine a second thread stalls (measured
#: at batch 200: a float32 epoch is no faster on two threads, and in most runs slower).
SINGLE_THREAD_FLOPS = 20e6


@cache
def _thread_pools():
    """The process's thread pools, inspected once (0.4 ms a time, too slow per fit)."""
    return ThreadpoolController()


class DivergenceError(ValueError):
    """Training produced an infinite or NaN cost (the learning rate is too large)."""


def _divergence_message(learning_rate, epoch, what):
    return (
        f"Training diverged at epoch {epoch}: {what}. learning_rate={learning_rate!r} is too large "
        "for this data; lower it, or scale the inputs (for example with "
        "sklearn.preprocessing.StandardScaler)."
    )


class Trainer:
    """Runs epochs on ``network`` for ``estimator`` and records its history.

    Appends to the estimator's ``loss_curve_``, ``n_iter_``, ``best_loss_``
    (and the validation curves) as it goes, so an interrupted fit still
    leaves them consistent.

    Parameters
    ----------
    estimator : BaseNetworkClassifier
        Supplies the hyperparameters and receives the history.
    network : skdeep.nn.Network
    optimizer : object from skdeep.nn.optimizers, or None for lbfgs
    X : ndarray or sparse matrix of shape (m, n_x)
        Training inputs in scikit-learn's layout (rows are examples).
    Y : ndarray of shape (n_out, m)
        Encoded targets in the course's layout.
    sample_weight : ndarray of shape (m,)
    rng : numpy.random.RandomState
        For shuffling, dropout masks and input noise.
    validation : Validation or None
        Held-out data to monitor each epoch.
    callbacks : sklearn.callback.CallbackContext or None
        The fit's root callback context: each epoch is one of its subtasks.
    y : array-like or None
        The labels, for the callbacks.
    """

    def __init__(
        self, estimator, network, optimizer, X, Y, sample_weight, rng, validation=None, callbacks=None, y=None
    ):
        self.est = estimator
        self.network = network
        self.optimizer = optimizer
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.rng = rng
        self.validation = validation
        self.callbacks, self.y = callbacks, y  # scikit-learn's callback context, labels
        self.total_weight = float(sample_weight.sum())
        # The course's L2 term lambda/(2m) sum ||W||^2 (and L1's lambda/m sum |W|),
        # with m the total weight of the data: the same regularization whatever
        # the batch size.
        self.l2 = estimator.alpha / self.total_weight
        self.l1 = getattr(estimator, "alpha_l1", 0.0) / self.total_weight
        # A Python float: a NumPy float64 scalar (from a parameter grid, say)
        # would promote the float32 noise arithmetic to float64.
        self.input_noise = float(getattr(estimator, "input_noise", 0.0))
        self.batch_size = estimator._spec_batch_size(X.shape[0])
        self.grad = np.empty(network.n_params, dtype=network.dtype)
        self.best_params = None
        self._workspaces = {}
        self._gathered = {}
        self._equal_weights = bool(np.all(sample_weight == sample_weight[0]))
        self._cached_shares = {}

    # -- one epoch -------------------------------------------------------------

    def _workspace(self, m):
        if m not in self._workspaces:
            self._workspaces[m] = self.network.workspace(m)
        return self._workspaces[m]

    def _batches(self):
        """Yield ``(X_batch^T, Y_batch, r, share)``.

        ``r`` holds the examples' shares of the batch cost (summing to 1) and
        ``share`` the batch's share of the epoch. A shuffled batch's arrays are
        buffers that the next batch overwrites.
        """
        X, Y = self.X, self.Y
        n_samples = X.shape[0]
        if self.batch_size >= n_samples:
            # Full batch, the course's setting: X.T is a view of the input.
            yield X.T, Y, *self._batch_shares(slice(None), n_samples)
            return
        Y_rows = Y.T  # one row per example, like X: batches are row selections
        order = self.rng.permutation(n_samples) if getattr(self.est, "shuffle", False) else None
        for start in range(0, n_samples, self.batch_size):
            stop = min(start + self.batch_size, n_samples)
            rows = slice(start, stop) if order is None else order[start:stop]
            shares = self._batch_shares(rows, stop - start)
            if shares is None:
                continue  # only zero-weight examples: nothing to learn from
            if order is None or sp.issparse(X):
                X_batch, Y_batch = X[rows], Y_rows[rows]
            else:
                # Shuffled rows are copied into buffers reused from batch to batch.
                # (mode="clip": the indices are valid, and take's default mode
                # would first write to a temporary copy of ``out``.)
                X_batch, Y_batch = self._gather_buffers(stop - start)
                X.take(rows, axis=0, out=X_batch, mode="clip")
                Y_rows.take(rows, axis=0, out=Y_batch, mode="clip")
            yield X_batch.T, Y_batch.T, *shares

    def _batch_shares(self, rows, m):
        """``(r, share)`` for the batch of ``m`` examples ``rows``; None if its weight is 0."""
        if m in self._cached_shares:
            return self._cached_shares[m]
        batch_weight = self.sample_weight[rows]
        batch_total = float(batch_weight.sum())
        if batch_total == 0:
            return None
        shares = batch_weight / batch_total, batch_total / self.total_weight
        if self._equal_weights or m == self.X.shape[0]:
            # Computed once: the full batch's shares are the same every epoch,
            # and with equal weights so are those of every batch of m examples
            # (the same sum of the same values, so bit for bit).
            self._cached_shares[m] = shares
        return shares

    def _gather_buffers(self, m):
        """``(m, n_x)`` and ``(m, n_out)`` arrays to copy a shuffled batch's rows into."""
        if m not in self._gathered:
            self._gathered[m] = (
                np.empty((m, self.X.shape[1]), dtype=self.X.dtype),
                np.empty((m, self.Y.shape[0]), dtype=self.Y.dtype),
            )
        return self._gathered[m]

    def _with_noise(self, X_batch):
        """Gaussian input noise, the course's data augmentation, on a copy of the batch."""
        if sp.issparse(X_batch):
            X_batch = X_batch.toarray()
        noise = self.rng.standard_normal(X_batch.shape).astype(X_batch.dtype, copy=False)
        noise *= self.input_noise
        noise += X_batch
        return noise

    def epoch(self, learning_rate):
        """One pass over the data at ``learning_rate``; returns the epoch's cost."""
        network, grad = self.network, self.grad
        epoch_cost = 0.0
        for X_batch, Y_batch, r, share in self._batches():
            if self.input_noise:
                X_batch = self._with_noise(X_batch)
            ws = self._workspace(X_batch.shape[1])
            ws.draw_masks(self.rng)
            cost = network.cost_and_gradient(X_batch, Y_batch, r, ws, grad, self.l2, self.l1, network.batch_norm)
            if not math.isfinite(cost):
                raise DivergenceError(
                    _divergence_message(learning_rate, self.est.n_iter_ + 1, f"the cost became {cost}")
                )
            self.optimizer.update(network.params, grad, learning_rate)
            epoch_cost += share * cost
        return epoch_cost

    # -- the loop ----------------------------------------------------------------

    def learning_rate(self):
        """The current epoch's learning rate under the estimator's schedule."""
        est = self.est
        schedule = getattr(est, "lr_schedule", "constant")
        if schedule == "adaptive":
            return est._adaptive_learning_rate
        decay = SCHEDULES[schedule]
        return decay(est._learning_rate, est.n_iter_, getattr(est, "decay_rate", 0.0), getattr(est, "decay_steps", 1))

    def _blas_threads(self):
        """One BLAS thread for small mini-batches, the library's default otherwise."""
        flops = 2 * min(self.batch_size, self.X.shape[0]) * self.network.n_weights
        return _thread_pools().limit(limits=1, user_api="blas") if flops < SINGLE_THREAD_FLOPS else nullcontext()

    def run(self, max_epochs, warn_on_max_iter=True):
        """Run up to ``max_epochs`` epochs; stop early on the stopping rule or Ctrl-C."""
        est = self.est
        try:
            # A diverging fit overflows; it is reported as one clear error
            # naming learning_rate, not as a stream of RuntimeWarnings.
            with np.errstate(over="ignore", invalid="ignore"), self._blas_threads():
                converged = self._run_epochs(max_epochs)
        except KeyboardInterrupt:
            warnings.warn(
                f"Training interrupted at epoch {est.n_iter_ + 1}: the model keeps the weights it "
                "had at the end of its best epoch so far (lowest cost, or best validation score).",
                UserWarning,
                stacklevel=5,
            )
            self.restore_best()
            return
        if getattr(est, "early_stopping", False):
            self.restore_best()
        self.ensure_finite_outputs(self.learning_rate())
        if warn_on_max_iter and self._stopping_rule_active() and not converged:
            warnings.warn(
                f"{type(est).__name__}: max_iter={est.max_iter} epochs reached before the "
                f"optimization converged (tol={est.tol}). Increase max_iter, or check the data's scaling.",
                ConvergenceWarning,
                stacklevel=5,
            )

    def _stopping_rule_active(self):
        est = self.est
        return est.tol > 0 or getattr(est, "early_stopping", False) or getattr(est, "lr_schedule", "") == "adaptive"

    def _run_epochs(self, max_epochs):
        """The epochs themselves; returns whether the stopping rule ended them."""
        est = self.est
        patience = getattr(est, "n_iter_no_change", 1)
        for _ in range(max_epochs):
            start = time.perf_counter()
            epoch_callbacks = self._begin_epoch_callbacks()
            learning_rate = self.learning_rate()
            cost = self.epoch(learning_rate)
            est.loss_curve_.append(cost)
            est.n_iter_ += 1
            est.best_loss_ = min(est.best_loss_, cost)
            previous_best = est._best_score
            score = self._monitored_score(cost)
            if est.verbose:
                self._print_progress(cost, time.perf_counter() - start)
            if epoch_callbacks is not None and self._end_epoch_callbacks(epoch_callbacks):
                return True  # a callback asked to stop
            if est._stop_on_gradient:
                # Convex full-batch problems: self.grad is the gradient at the
                # start of this epoch.
                if est.tol > 0 and np.max(np.abs(self.grad)) <= est.tol:
                    return True
                continue
            if not self._stopping_rule_active():
                continue  # tol=0: run every epoch, as the course does
            if score > previous_best + est.tol:
                est._no_improvement_count = 0
            else:
                est._no_improvement_count += 1
            if est._no_improvement_count >= patience:
                if getattr(est, "lr_schedule", "") == "adaptive":
                    est._adaptive_learning_rate /= ADAPTIVE_DIVISOR
                    est._no_improvement_count = 0
                    if est._adaptive_learning_rate >= ADAPTIVE_MIN_LEARNING_RATE:
                        continue
                return True
        return False

    def _begin_epoch_callbacks(self):
        if self.callbacks is None:
            return None
        context = self.callbacks.subcontext(task_name="epoch")
        context.call_on_fit_task_begin(estimator=self.est, X=self.X, y=self.y)
        return context

    def _end_epoch_callbacks(self, context):
        """End the epoch's callback task; True when a callback asks to stop."""
        network = self.network
        return context.call_on_fit_task_end(
            estimator=self.est,
            X=self.X,
            y=self.y,
            # Computed only if a callback asks for the fitted estimator.
            reconstruction_attributes=lambda: {
                "parameters_": network.get_parameters(),
                "batch_norm_stats_": network.get_batch_norm_stats(),
            },
        )

    def _monitored_score(self, cost):
        """Score of the epoch (greater is better); snapshots the best weights."""
        est = self.est
        if self.validation is None:
            score = -cost
        else:
            if self.network.batch_norm:
                est.batch_norm_stats_ = self.network.get_batch_norm_stats()
            loss, score = self.validation.evaluate(est)
            est.validation_loss_curve_.append(loss)
            est.validation_scores_.append(score)
            est.best_validation_score_ = max(est.best_validation_score_, score)
        if score > est._best_score:
            est._best_score = score
            self.best_params = self.network.params.copy()
            self.best_stats = self.network.get_batch_norm_stats()
        return score

    def ensure_finite_outputs(self, learning_rate):
        """Never leave a model that predicts NaN.

        The last update is applied after the last cost was measured, so the
        final weights are checked on the training data: if they overflow,
        the weights of the best epoch come back (with a warning), and if
        those overflow too, fit fails with a clear error.
        """
        est = self.est
        for attempt in ("final", "best"):
            if attempt == "best":
                if self.best_params is None:
                    break
                self.restore_best()
            if np.all(np.isfinite(self.network.params)):
                est.batch_norm_stats_ = self.network.get_batch_norm_stats()
                with np.errstate(over="ignore", invalid="ignore"):
                    finite = np.all(np.isfinite(est._logits(self.X, validate=False)))
                if finite:
                    if attempt == "best":
                        warnings.warn(
                            f"The last updates overflowed (learning_rate={learning_rate!r} is too large "
                            "for this data); the model keeps the weights of its best epoch. Lower "
                            "learning_rate or scale the inputs.",
                            UserWarning,
                            stacklevel=5,
                        )
                    return
        raise DivergenceError(
            _divergence_message(learning_rate, est.n_iter_, "the model's outputs are no longer finite")
        )

    def restore_best(self):
        if self.best_params is not None:
            self.network.params[...] = self.best_params
            self.network.set_batch_norm_stats(self.best_stats)

    def _print_progress(self, cost, seconds):
        est = self.est
        line = f"Epoch {est.n_iter_}, loss = {cost:.8f}"
        if self.validation is not None:
            line += f", validation score = {est.validation_scores_[-1]:.6f}"
        print(f"{line}, {seconds:.2f}s")

    # -- L-BFGS ------------------------------------------------------------------

    def run_lbfgs(self):
        """Minimize the full-batch cost with scipy's L-BFGS-B (no learning rate)."""
        est, network = self.est, self.network
        X_t = self.X.T
        r = self.sample_weight / self.total_weight
        ws = self._workspace(self.X.shape[0])
        grad = self.grad
        last_cost = [np.nan]

        def cost_and_gradient(theta):
            network.params[...] = theta
            cost = network.cost_and_gradient(X_t, self.Y, r, ws, grad, self.l2, self.l1)
            last_cost[0] = cost
            return cost, grad.astype(np.float64)

        def record_iteration(*_):
            est.loss_curve_.append(last_cost[0])
            est.n_iter_ += 1
            est.best_loss_ = min(est.best_loss_, last_cost[0])
            if est.verbose:
                print(f"Epoch {est.n_iter_}, loss = {last_cost[0]:.8f}")

        with np.errstate(over="ignore", invalid="ignore"):
            result = scipy.optimize.minimize(
                cost_and_gradient,
                network.params.astype(np.float64),
                jac=True,
                method="L-BFGS-B",
                callback=record_iteration,
                options={"maxiter": est.max_iter, "gtol": est.tol, "maxfun": 15 * est.max_iter + 100},
            )
        network.params[...] = result.x
        if network.batch_norm:
            # Full batch: the population statistics are those of the whole
            # data under the final weights (one update of fresh averages).
            network.reset_batch_norm_stats()
            network.forward(X_t, ws, r, update_batch_norm_stats=True)
        self.ensure_finite_outputs("lbfgs")
        if result.status == 1 and est.tol > 0:
            warnings.warn(
                f"{type(est).__name__}: lbfgs reached max_iter={est.max_iter} iterations before "
                f"converging (tol={est.tol}). Increase max_iter, or check the data's scaling.",
                ConvergenceWarning,
                stacklevel=5,
            )


class Validation:
    """Held-out data scored after each epoch: the validation loss and a score.

    The score is ``-loss`` (``scoring=None``) or a scikit-learn scorer's
    value; greater is better in both cases.
    """

    def __init__(self, X, Y, y, sample_weight, scorer):
        self.X, self.Y, self.y = X, Y, y
        self.sample_weight = sample_weight
        self.r = sample_weight / sample_weight.sum()
        self.scorer = scorer

    def evaluate(self, estimator):
        logits = estimator._logits(self.X, validate=False).T
        losses = LOSSES[estimator.out_activation_](np.array(logits, dtype=np.float64), self.Y)
        loss = float(np.dot(losses, self.r))
        if self.scorer is None:
            return loss, -loss
        try:
            score = self.scorer(estimator, self.X, self.y, sample_weight=self.sample_weight)
        except ValueError as error:
            raise ValueError(
                f"Early stopping could not score the {self.X.shape[0]} validation examples with "
                f"scoring={estimator.scoring!r}: {error} Use a larger validation set "
                "(validation_fraction, or X_val/y_val), or scoring=None (the validation loss)."
            ) from error
        return loss, float(score)
