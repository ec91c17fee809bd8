"""The training loop: epochs of mini-batches, schedules, stopping, interruption.

The trainer is given a plain description of the run (a :class:`RunSpec`, the
network, the optimizer, the data, a :class:`History` to continue) and knows
nothing of the estimators: it owns the history and the stopping rule's state
while it runs, and the estimator copies the outcome into its fitted
attributes afterwards. An epoch draws the batches (shuffled, with fresh
dropout masks and optional input noise), takes one optimizer step per batch
at the epoch's learning rate, then records the cost and the validation
metrics and applies the stopping rule. ``solver="lbfgs"`` hands the
full-batch cost to scipy instead.
"""

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ._predict import chunked_logits
from ._threads import blas_threads_for, blas_threads_for_rows
from .nn.losses import LOSSES
from .nn.schedules import ADAPTIVE_DIVISOR, ADAPTIVE_MIN_LEARNING_RATE, SCHEDULES

#: A cost this many times the run's first cost means the fit diverged, even
#: while it stays finite: no healthy fit climbs that far above its start.
DIVERGENCE_FACTOR = 10.0
#: A fit that ends with its cost this many times its first cost has gone
#: backwards: it ends in a DivergenceError rather than on those weights.
WORSE_THAN_START_FACTOR = 2.0


class DivergenceError(ValueError):
    """Training diverged: the cost became infinite or NaN, or climbed far above where it started."""


def _divergence_message(learning_rate, epoch, what):
    return (
        f"Training diverged at epoch {epoch}: {what}. learning_rate={learning_rate!r} is too large "
        "for this data; lower it, or scale the inputs (for example with "
        "sklearn.preprocessing.StandardScaler)."
    )


@dataclass(frozen=True)
class RunSpec:
    """What one training run does, read from the estimator's hyperparameters.

    ``alpha`` and ``alpha_l1`` are the course's lambda: the trainer divides
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
    early_stopping: bool = False
    stop_on_gradient: bool = False
    #: Warn (ConvergenceWarning) when max_epochs end the run, and refuse a
    #: run that ends worse than it started; off for partial_fit's one epoch.
    whole_fit: bool = True
    max_iter: int = 1
    verbose: int = 0
    name: str = "model"

    @property
    def stopping_rule_active(self):
        return self.tol > 0 or self.early_stopping or self.schedule == "adaptive"


@dataclass
class History:
    """Everything a run records, and the stopping rule's state to continue from.

    Continued by ``warm_start`` and ``partial_fit``: the estimator hands the
    previous run's history to the next trainer.
    """

    loss_curve: list = field(default_factory=list)
    validation_loss_curve: list | None = None
    validation_scores: list | None = None
    best_loss: float = np.inf
    best_validation_score: float | None = None
    n_iter: int = 0
    #: Training examples seen, MLPClassifier's ``t_``.
    t: int = 0
    #: The stopping rule's state: its best score, and the epochs since.
    best_score: float = -np.inf
    no_improvement_count: int = 0
    #: The epoch whose weights the trainer kept as the best so far.
    best_epoch: int = 0
    adaptive_learning_rate: float | None = None
    #: Why the last run ended (see ``STOP_REASONS``).
    stop_reason: str | None = None

    def new_run(self):
        """The history for a new run of ``fit`` on warm-started weights:
        the curves go on, the stopping rule starts afresh."""
        return History(
            loss_curve=list(self.loss_curve),
            validation_loss_curve=None if self.validation_loss_curve is None else list(self.validation_loss_curve),
            validation_scores=None if self.validation_scores is None else list(self.validation_scores),
            best_loss=self.best_loss,
            best_validation_score=self.best_validation_score,
            n_iter=self.n_iter,
            t=self.t,
            adaptive_learning_rate=self.adaptive_learning_rate,
        )

    def continued(self):
        """The history for the next ``partial_fit`` call: one run goes on."""
        history = self.new_run()
        history.best_score, history.no_improvement_count = self.best_score, self.no_improvement_count
        return history


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


@dataclass
class TrainingData:
    """Training inputs in scikit-learn's layout, and targets in the course's.

    ``X`` has one row per example. ``rows``, when given, are the rows of
    ``X`` that train, in order (early stopping holds the others out): the
    batches are gathered from ``X`` through them, so that the training
    rows, most of a large data set, are never copied as a whole. Without
    ``rows`` every row of ``X`` trains. For the ``m`` training examples,
    ``Y`` is ``(n_out, m)`` and ``sample_weight`` is ``(m,)``, positive in
    total.
    """

    X: object
    Y: np.ndarray
    sample_weight: np.ndarray
    rows: np.ndarray | None = None
    _training_X: object = field(default=None, init=False, repr=False)

    @property
    def n_samples(self):
        """The number of training examples (rows of X that train), whatever their weights."""
        return self.X.shape[0] if self.rows is None else self.rows.shape[0]

    def training_X(self):
        """The training examples as one ``(m, n_x)`` array: ``X`` itself, or a copy of
        its ``rows``, made on the first call (a full-batch step or a callback needs it)."""
        if self.rows is None:
            return self.X
        if self._training_X is None:
            self._training_X = self.X[self.rows]
        return self._training_X

    @property
    def total_weight(self):
        """The course's m: the data's total weight (a float, maybe huge, never inf for valid data)."""
        return float(self.sample_weight.sum())


class Trainer:
    """Runs epochs of ``network`` on ``data`` as ``spec`` says, recording into ``history``.

    Parameters
    ----------
    network : skdeep.nn.Network
    optimizer : object from skdeep.nn.optimizers, or None for lbfgs
    data : TrainingData
    spec : RunSpec
    history : History
        The run's record, updated in place epoch by epoch (so an
        interrupted run leaves it consistent).
    rng : numpy.random.RandomState
        For shuffling, dropout masks and input noise.
    validation : Validation or None
        Held-out data to monitor each epoch.
    reporter : object or None
        Told when each epoch begins and ends (``begin_epoch()``,
        ``end_epoch(network) -> stop?``): scikit-learn's callbacks.
    """

    def __init__(self, network, optimizer, data, spec, history, rng, validation=None, reporter=None):
        self.network = network
        self.optimizer = optimizer
        self.data = data
        self.spec = spec
        self.history = history
        self.rng = rng
        self.validation = validation
        self.reporter = reporter
        self._reference_epoch = 0  # the epoch whose cost the divergence checks compare with (set by run)
        total = data.total_weight
        # The course's L2 term lambda/(2m) sum ||W||^2 (and L1's lambda/m sum |W|),
        # with m the total weight of the data: the same regularization whatever
        # the batch size.
        self.l2 = spec.alpha / total
        self.l1 = spec.alpha_l1 / total
        self.grad = np.empty(network.n_params, dtype=network.dtype)
        self.best_params = None
        self.best_stats = None
        self._workspaces = {}
        self._gathered = {}
        weight = data.sample_weight
        self._equal_weights = bool(np.all(weight == weight[0]))
        self._cached_shares = {}
        if history.adaptive_learning_rate is None:
            history.adaptive_learning_rate = spec.learning_rate

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
        X, Y, X_rows = self.data.X, self.data.Y, self.data.rows
        n_samples = self.data.n_samples
        batch_size = self.spec.batch_size
        if batch_size >= n_samples:
            # Full batch, the course's setting: X.T is a view of the input
            # (of the training rows' one copy, when some rows are held out).
            yield self.data.training_X().T, Y, *self._batch_shares(slice(None), n_samples)
            return
        Y_rows = Y.T  # one row per example, like X: batches are row selections
        order = self.rng.permutation(n_samples) if self.spec.shuffle else None
        if X_rows is not None and order is not None:
            X_rows = X_rows[order]  # a batch's positions index Y and the weights; X_rows maps them to X
        for start in range(0, n_samples, batch_size):
            stop = min(start + batch_size, n_samples)
            rows = slice(start, stop) if order is None else order[start:stop]
            x_rows = rows if X_rows is None else X_rows[start:stop]
            shares = self._batch_shares(rows, stop - start)
            if shares is None:
                continue  # only zero-weight examples: nothing to learn from
            if order is None or sp.issparse(X):
                X_batch, Y_batch = X[x_rows], Y_rows[rows]
            else:
                # Shuffled rows are copied into buffers reused from batch to batch.
                # (mode="clip": the indices are valid, and take's default mode
                # would first write to a temporary copy of ``out``.)
                X_batch, Y_batch = self._gather_buffers(stop - start)
                X.take(x_rows, axis=0, out=X_batch, mode="clip")
                Y_rows.take(rows, axis=0, out=Y_batch, mode="clip")
            yield X_batch.T, Y_batch.T, *shares

    def _batch_shares(self, rows, m):
        """``(r, share)`` for the batch of ``m`` examples ``rows``; None if its weight is 0."""
        if m in self._cached_shares:
            return self._cached_shares[m]
        weight = self.data.sample_weight
        batch_weight = weight[rows]
        batch_total = float(batch_weight.sum())
        if batch_total == 0:
            return None
        shares = batch_weight / batch_total, batch_total / self.data.total_weight
        if self._equal_weights or m == weight.shape[0]:
            # Computed once: the full batch's shares are the same every epoch,
            # and with equal weights so are those of every batch of m examples
            # (the same sum of the same values, so bit for bit).
            self._cached_shares[m] = shares
        return shares

    def _gather_buffers(self, m):
        """``(m, n_x)`` and ``(m, n_out)`` arrays to copy a shuffled batch's rows into."""
        if m not in self._gathered:
            X, Y = self.data.X, self.data.Y
            self._gathered[m] = (
                np.empty((m, X.shape[1]), dtype=X.dtype),
                np.empty((m, Y.shape[0]), dtype=Y.dtype),
            )
        return self._gathered[m]

    def _with_noise(self, X_batch):
        """Gaussian input noise, the course's data augmentation, on a copy of the batch."""
        if sp.issparse(X_batch):
            X_batch = X_batch.toarray()
        noise = self.rng.standard_normal(X_batch.shape).astype(X_batch.dtype, copy=False)
        # A Python float: a NumPy float64 scalar (from a parameter grid, say)
        # would promote the float32 noise arithmetic to float64.
        noise *= float(self.spec.input_noise)
        noise += X_batch
        return noise

    def epoch(self, learning_rate):
        """One pass over the data at ``learning_rate``; returns the epoch's cost."""
        network, grad = self.network, self.grad
        epoch_cost = 0.0
        for X_batch, Y_batch, r, share in self._batches():
            if self.spec.input_noise:
                X_batch = self._with_noise(X_batch)
            ws = self._workspace(X_batch.shape[1])
            ws.draw_masks(self.rng)
            cost = network.cost_and_gradient(X_batch, Y_batch, r, ws, grad, self.l2, self.l1, network.batch_norm)
            if not math.isfinite(cost):
                raise DivergenceError(
                    _divergence_message(learning_rate, self.history.n_iter + 1, f"the cost became {cost}")
                )
            self.optimizer.update(network.params, grad, learning_rate)
            epoch_cost += share * cost
        return epoch_cost

    # -- the loop ----------------------------------------------------------------

    def learning_rate(self):
        """The current epoch's learning rate under the schedule."""
        spec = self.spec
        if spec.schedule == "adaptive":
            return self.history.adaptive_learning_rate
        decay = SCHEDULES[spec.schedule]
        return decay(spec.learning_rate, self.history.n_iter, spec.decay_rate, spec.decay_steps)

    def run(self):
        """Run up to ``spec.max_epochs`` epochs; stop early on the stopping rule.

        On Ctrl-C the best weights so far come back into the network,
        ``history.stop_reason`` says so, and KeyboardInterrupt propagates.
        """
        spec, history = self.spec, self.history
        first_epoch = history.n_iter
        # The divergence checks compare with this fit's first cost: a warm
        # start on other data (or another regularization) has a cost of its
        # own. The partial_fit calls of one stream share the first chunk's
        # (see _check_divergence for their chunks' differing L2 terms).
        self._reference_epoch = first_epoch if spec.whole_fit else 0
        try:
            # A diverging fit overflows; it is reported as one clear error
            # naming learning_rate, not as a stream of RuntimeWarnings.
            with np.errstate(over="ignore", invalid="ignore"):
                history.stop_reason = self._run_epochs()
            if spec.early_stopping:
                self.restore_best()
            self.ensure_finite_outputs(self.learning_rate())
            if spec.whole_fit:
                self._refuse_going_backwards(first_epoch)
        except KeyboardInterrupt:
            history.stop_reason = "interrupted"
            self.restore_best()
            raise
        if spec.verbose:
            print(self.stop_message())
        if spec.whole_fit and history.stop_reason == "max_iter" and spec.stopping_rule_active:
            warnings.warn(
                f"{spec.name}: max_iter={spec.max_iter} epochs reached before the optimization "
                f"converged (tol={spec.tol}). Increase max_iter, or check the data's scaling.",
                ConvergenceWarning,
                stacklevel=5,
            )

    def _run_epochs(self):
        """The epochs themselves; returns why they ended (a key of ``STOP_REASONS``)."""
        spec, history = self.spec, self.history
        for _ in range(spec.max_epochs):
            start = time.perf_counter()
            if self.reporter is not None:
                self.reporter.begin_epoch()
            learning_rate = self.learning_rate()
            # Threads chosen epoch by epoch: load arriving mid-fit costs one epoch at most.
            with blas_threads_for(self.network, spec.batch_size):
                cost = self.epoch(learning_rate)
            history.loss_curve.append(cost)
            history.n_iter += 1
            history.t += self.data.n_samples
            history.best_loss = min(history.best_loss, cost)
            self._check_divergence(cost, learning_rate)
            previous_best = history.best_score
            score = self._monitored_score(cost)
            if spec.verbose:
                self._print_progress(cost, time.perf_counter() - start)
            if self.reporter is not None and self.reporter.end_epoch(self.network):
                return "callback"
            if spec.stop_on_gradient:
                # Convex full-batch problems: self.grad is the gradient at the
                # start of this epoch.
                if spec.tol > 0 and np.max(np.abs(self.grad)) <= spec.tol:
                    return "gradient"
                continue
            if not spec.stopping_rule_active:
                continue  # tol=0: run every epoch, as the course does
            if score > previous_best + spec.tol:
                history.no_improvement_count = 0
            else:
                history.no_improvement_count += 1
            if history.no_improvement_count >= spec.n_iter_no_change:
                if spec.schedule == "adaptive":
                    history.adaptive_learning_rate /= ADAPTIVE_DIVISOR
                    history.no_improvement_count = 0
                    if history.adaptive_learning_rate >= spec.min_learning_rate:
                        if spec.verbose:
                            print(
                                f"No improvement for {spec.n_iter_no_change} epochs: learning rate divided by "
                                f"{ADAPTIVE_DIVISOR:g}, to {history.adaptive_learning_rate:.3g}"
                            )
                        continue
                    return "learning_rate"
                return "validation" if self.validation is not None else "tol"
        return "max_iter" if spec.whole_fit else "partial_fit"

    def _check_divergence(self, cost, learning_rate):
        """A finite cost that climbs far above the run's first one is divergence too."""
        start, what = self.history.loss_curve[self._reference_epoch], "the cost"
        if not self.spec.whole_fit:
            # A partial_fit chunk's L2 term scales with 1 / its size: a small
            # last chunk is not a divergence. Its fit to the data is compared.
            cost -= self.network.penalty(self.l2, self.l1)
            what = "the cost without its regularization term"
        if cost > DIVERGENCE_FACTOR * start and cost > start + 1:
            raise DivergenceError(
                _divergence_message(
                    learning_rate,
                    self.history.n_iter,
                    f"{what} climbed from {start:.6g} (epoch {self._reference_epoch + 1}) to {cost:.6g}",
                )
            )

    def _refuse_going_backwards(self, first_epoch):
        """A fit never ends, silently, on weights far worse than where it started."""
        curve = self.history.loss_curve
        if len(curve) <= first_epoch or self.spec.early_stopping:
            return  # nothing ran, or the best epoch's weights were restored
        start, last = curve[first_epoch], curve[-1]
        if last > WORSE_THAN_START_FACTOR * start and last > start + 0.1:
            raise DivergenceError(
                _divergence_message(
                    self.learning_rate(),
                    self.history.n_iter,
                    f"the fit ended with its cost at {last:.6g}, above the {start:.6g} it started from",
                )
            )

    def _monitored_score(self, cost):
        """Score of the epoch (greater is better); snapshots the best weights."""
        history = self.history
        if self.validation is None:
            score = -cost
        else:
            loss, score = self.validation.evaluate(self.network)
            history.validation_loss_curve.append(loss)
            history.validation_scores.append(score)
            history.best_validation_score = max(history.best_validation_score, score)
        if score > history.best_score:
            history.best_score = score
            history.best_epoch = history.n_iter
            self.best_params = self.network.params.copy()
            self.best_stats = self.network.get_batch_norm_stats()
        return score

    def ensure_finite_outputs(self, learning_rate):
        """Never leave a model that predicts NaN.

        The last update is applied after the last cost was measured. A bound
        on the outputs from the weights alone (no pass over the data) almost
        always shows they are finite; only when it cannot are the final
        weights checked on the training data, and if they overflow the
        weights of the best epoch come back (with a warning), and if those
        overflow too, fit fails with a clear error.
        """
        network = self.network
        if not np.all(np.isfinite(network.params)):
            finite = False
        else:
            finite = self._outputs_finite()
        if finite:
            return
        if self.best_params is not None:
            self.restore_best()
            if self._outputs_finite():
                warnings.warn(
                    f"The last updates overflowed (learning_rate={learning_rate!r} is too large "
                    "for this data); the model keeps the weights of its best epoch. Lower "
                    "learning_rate or scale the inputs.",
                    UserWarning,
                    stacklevel=5,
                )
                return
        raise DivergenceError(
            _divergence_message(learning_rate, self.history.n_iter, "the model's outputs are no longer finite")
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
        if self.best_params is not None:
            self.network.params[...] = self.best_params
            self.network.set_batch_norm_stats(self.best_stats)

    def _print_progress(self, cost, seconds):
        history = self.history
        line = f"Epoch {history.n_iter}, loss = {cost:.8f}"
        if self.validation is not None:
            line += f", validation score = {history.validation_scores[-1]:.6f}"
        print(f"{line}, {seconds:.2f}s")

    def stop_message(self, detail=""):
        """Why training stopped, and which epoch's weights the model keeps."""
        spec, history = self.spec, self.history
        reason = STOP_REASONS[history.stop_reason].format(
            max_iter=spec.max_iter,
            tol=spec.tol,
            patience=spec.n_iter_no_change,
            monitored="validation score" if self.validation is not None else "training loss",
            last_rate=(history.adaptive_learning_rate or 0.0) * ADAPTIVE_DIVISOR,
            message=detail,
        )
        message = f"Training stopped after epoch {history.n_iter}: {reason}."
        restored = history.stop_reason == "interrupted" or spec.early_stopping
        if restored and self.best_params is not None and history.best_epoch != history.n_iter:
            message += f" The model keeps the weights of epoch {history.best_epoch}, its best."
        return message

    # -- L-BFGS ------------------------------------------------------------------

    def run_lbfgs(self):
        """Minimize the full-batch cost with scipy's L-BFGS-B (no learning rate)."""
        spec, history, network = self.spec, self.history, self.network
        X_t = self.data.training_X().T
        r = self.data.sample_weight / self.data.total_weight
        ws = self._workspace(X_t.shape[1])
        grad = self.grad
        last_cost = [np.nan]

        def cost_and_gradient(theta):
            network.params[...] = theta
            with blas_threads_for(network, X_t.shape[1]):
                cost = network.cost_and_gradient(X_t, self.data.Y, r, ws, grad, self.l2, self.l1)
            last_cost[0] = cost
            return cost, grad.astype(np.float64)

        def record_iteration(intermediate_result):
            # The accepted iterate: kept as the best so far, for Ctrl-C.
            cost = float(intermediate_result.fun)
            history.loss_curve.append(cost)
            history.n_iter += 1
            history.t += self.data.n_samples
            history.best_loss = min(history.best_loss, cost)
            history.best_epoch = history.n_iter
            self.best_params = np.array(intermediate_result.x, dtype=network.dtype)  # a copy: scipy may reuse x
            self.best_stats = network.get_batch_norm_stats()
            if spec.verbose:
                print(f"Epoch {history.n_iter}, loss = {cost:.8f}")

        try:
            with np.errstate(over="ignore", invalid="ignore"):
                result = scipy.optimize.minimize(
                    cost_and_gradient,
                    network.params.astype(np.float64),
                    jac=True,
                    method="L-BFGS-B",
                    callback=record_iteration,
                    options={"maxiter": spec.max_iter, "gtol": spec.tol, "maxfun": 15 * spec.max_iter + 100},
                )
            network.params[...] = result.x
            self._refresh_full_batch_statistics(X_t, ws, r)
            self.ensure_finite_outputs("lbfgs")
        except KeyboardInterrupt:
            history.stop_reason = "interrupted"
            self.restore_best()
            self._refresh_full_batch_statistics(X_t, ws, r)
            raise
        history.stop_reason = "max_iter" if result.status == 1 else "lbfgs"
        if spec.verbose:
            print(self.stop_message(str(result.message)))
        if result.status == 1 and spec.tol > 0:
            warnings.warn(
                f"{spec.name}: lbfgs reached max_iter={spec.max_iter} iterations before "
                f"converging (tol={spec.tol}). Increase max_iter, or check the data's scaling.",
                ConvergenceWarning,
                stacklevel=5,
            )

    # -- a solver of its own ---------------------------------------------------

    def run_solver(self, solve):
        """Run a full-batch solver of the estimator's own, recording each iteration as an epoch.

        ``solve(record)`` runs the iterations and returns whether its
        convergence test passed; after each one it writes the weights into
        ``self.network`` and calls ``record(cost)`` with the cost before that
        iteration's update, which returns True when a callback asks to stop.
        """
        spec, history = self.spec, self.history
        last = [time.perf_counter()]

        def record(cost):
            history.loss_curve.append(cost)
            history.n_iter += 1
            history.t += self.data.n_samples
            history.best_loss = min(history.best_loss, cost)
            history.best_epoch = history.n_iter
            if spec.verbose:
                now = time.perf_counter()
                self._print_progress(cost, now - last[0])
                last[0] = now
            if self.reporter is None:
                return False
            self.reporter.begin_epoch()
            return self.reporter.end_epoch(self.network)

        try:
            with np.errstate(over="ignore", under="ignore", invalid="ignore"), blas_threads_for(
                self.network, self.data.n_samples
            ):
                converged = solve(record)
        except KeyboardInterrupt:
            history.stop_reason = "interrupted"  # the weights of the last completed iteration stay
            raise
        if not (np.all(np.isfinite(self.network.params)) and all(map(math.isfinite, history.loss_curve[-1:]))):
            raise DivergenceError(
                f"Training diverged at iteration {history.n_iter}: the cost or the weights are no longer finite."
            )
        stopped_by_callback = self.reporter is not None and len(history.loss_curve) < spec.max_epochs and not converged
        history.stop_reason = "solver" if converged else "callback" if stopped_by_callback else "max_iter"
        if spec.verbose:
            print(self.stop_message())
        if spec.tol > 0 and history.stop_reason == "max_iter":
            warnings.warn(
                f"{spec.name}: max_iter={spec.max_iter} iterations reached before the optimization "
                f"converged (tol={spec.tol}). Increase max_iter, or check the data's scaling.",
                ConvergenceWarning,
                stacklevel=5,
            )

    def _refresh_full_batch_statistics(self, X_t, ws, r):
        if self.network.batch_norm:
            # Full batch: the population statistics are those of the whole
            # data under the final weights (one update of fresh averages).
            self.network.reset_batch_norm_stats()
            self.network.forward(X_t, ws, r, update_batch_norm_stats=True)


class Validation:
    """Held-out data scored after each epoch: the validation loss and a score.

    The score is ``-loss`` (``scoring=None``) or a scorer's value; greater is
    better in both cases. ``score_network`` (given by the estimator) scores
    the network's current weights with a scikit-learn scorer on the data as
    ``fit`` received it (a DataFrame keeps its column names).
    """

    def __init__(self, X, Y, sample_weight, score_network=None):
        self.X, self.Y = X, Y
        self.r = sample_weight / sample_weight.sum()
        self.score_network = score_network

    def evaluate(self, network):
        layers = network.prediction_layers()
        with blas_threads_for_rows(layers, self.X.shape[0]):
            logits = chunked_logits(layers, self.X, network.hidden_activation).T
        losses = LOSSES[network.output_activation](np.array(logits, dtype=np.float64), self.Y)
        loss = float(np.dot(losses, self.r))
        if self.score_network is None:
            return loss, -loss
        return loss, float(self.score_network(network))
