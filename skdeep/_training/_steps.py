"""Step strategies: what differs between solvers inside the one training loop.

A strategy computes epochs and hands each one's cost to the loop
(``loop.end_epoch``), which records it and says whether to stop. It also
says which weights the model ends with (``finish``) and keeps on Ctrl-C
(``interrupted``), and what its epochs are called in messages (``unit``).

- :class:`MiniBatchSteps`: epochs of mini-batches, one optimizer step per
  batch (the course's gradient descent, momentum, RMSProp, Adagrad, Adam).
- :class:`LbfgsSteps`: scipy's L-BFGS-B on the full-batch cost; each of its
  iterations is an epoch.
- :class:`AcceleratedSteps`: accelerated gradient on a convex model's cost
  (:mod:`skdeep.nn.accelerated`); each iteration is an epoch.
"""

from __future__ import annotations

import math
from contextlib import ExitStack

import numpy as np
import scipy.optimize
import scipy.sparse as sp

from .._threads import blas_threads_for
from ..nn.accelerated import accelerated_gradient
from ._loop import DivergenceError, divergence_message


class MiniBatchSteps:
    """Epochs of mini-batches: shuffled, with fresh dropout masks and optional input noise."""

    unit = "epochs"

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self._workspaces = {}
        self._gathered = {}
        self._cached_shares = {}
        self._equal_weights = None

    def run(self, loop):
        spec = loop.spec
        weight = loop.data.sample_weight
        self._equal_weights = bool(np.all(weight == weight[0]))
        for _ in range(spec.max_epochs):
            loop.begin_epoch()
            learning_rate = loop.learning_rate()
            # Threads chosen epoch by epoch (see skdeep._threads).
            with blas_threads_for(loop.network, spec.batch_size):
                cost = self.epoch(loop, learning_rate)
            reason = loop.end_epoch(cost, learning_rate)
            if reason is not None:
                return reason, ""
        return loop.ran_out(), ""

    def finish(self, loop):
        if loop.spec.restore_best:
            loop.restore_best()
        loop.ensure_finite_outputs(loop.learning_rate())

    def interrupted(self, loop):
        loop.restore_best()

    # -- one epoch -------------------------------------------------------------------

    def epoch(self, loop, learning_rate):
        """One pass over the data at ``learning_rate``; returns the epoch's cost."""
        network, grad = loop.network, loop.grad
        epoch_cost = 0.0
        for X_batch, Y_batch, r, share in self._batches(loop):
            if loop.spec.input_noise:
                X_batch = self._with_noise(loop, X_batch)
            ws = self._workspace(network, X_batch.shape[1])
            ws.draw_masks(loop.rng)
            cost = network.cost_and_gradient(X_batch, Y_batch, r, ws, grad, loop.l2, loop.l1, network.batch_norm)
            if not math.isfinite(cost):
                raise DivergenceError(
                    divergence_message(learning_rate, loop.record.n_iter + 1, f"the cost became {cost}")
                )
            self.optimizer.update(network.params, grad, learning_rate)
            epoch_cost += share * cost
        return epoch_cost

    def _workspace(self, network, m):
        if m not in self._workspaces:
            self._workspaces[m] = network.workspace(m)
        return self._workspaces[m]

    def _batches(self, loop):
        """Yield ``(X_batch^T, Y_batch, r, share)``.

        ``r`` holds the examples' shares of the batch cost (summing to 1) and
        ``share`` the batch's share of the epoch. A shuffled batch's arrays are
        buffers that the next batch overwrites.
        """
        data = loop.data
        X, Y, X_rows = data.X, data.Y, data.rows
        n_samples = data.n_samples
        batch_size = loop.spec.batch_size
        if batch_size >= n_samples:
            # Full batch, the course's setting: X.T is a view of the input
            # (of the training rows' one copy, when some rows are held out).
            yield data.training_X().T, Y, *self._batch_shares(data, slice(None), n_samples)
            return
        Y_rows = Y.T  # one row per example, like X: batches are row selections
        order = loop.rng.permutation(n_samples) if loop.spec.shuffle else None
        if X_rows is not None and order is not None:
            X_rows = X_rows[order]  # a batch's positions index Y and the weights; X_rows maps them to X
        for start in range(0, n_samples, batch_size):
            stop = min(start + batch_size, n_samples)
            rows = slice(start, stop) if order is None else order[start:stop]
            x_rows = rows if X_rows is None else X_rows[start:stop]
            shares = self._batch_shares(data, rows, stop - start)
            if shares is None:
                continue  # only zero-weight examples: nothing to learn from
            if order is None or sp.issparse(X):
                X_batch, Y_batch = X[x_rows], Y_rows[rows]
            else:
                # Shuffled rows are copied into buffers reused from batch to batch.
                # (mode="clip": the indices are valid, and take's default mode
                # would first write to a temporary copy of ``out``.)
                X_batch, Y_batch = self._gather_buffers(data, stop - start)
                X.take(x_rows, axis=0, out=X_batch, mode="clip")
                Y_rows.take(rows, axis=0, out=Y_batch, mode="clip")
            yield X_batch.T, Y_batch.T, *shares

    def _batch_shares(self, data, rows, m):
        """``(r, share)`` for the batch of ``m`` examples ``rows``; None if its weight is 0."""
        if m in self._cached_shares:
            return self._cached_shares[m]
        weight = data.sample_weight
        batch_weight = weight[rows]
        batch_total = float(batch_weight.sum())
        if batch_total == 0:
            return None
        shares = batch_weight / batch_total, batch_total / data.total_weight
        if self._equal_weights or m == weight.shape[0]:
            # Computed once: the full batch's shares are the same every epoch,
            # and with equal weights so are those of every batch of m examples
            # (the same sum of the same values, so bit for bit).
            self._cached_shares[m] = shares
        return shares

    def _gather_buffers(self, data, m):
        """``(m, n_x)`` and ``(m, n_out)`` arrays to copy a shuffled batch's rows into."""
        if m not in self._gathered:
            X, Y = data.X, data.Y
            self._gathered[m] = (
                np.empty((m, X.shape[1]), dtype=X.dtype),
                np.empty((m, Y.shape[0]), dtype=Y.dtype),
            )
        return self._gathered[m]

    @staticmethod
    def _with_noise(loop, X_batch):
        """Gaussian input noise, the course's data augmentation, on a copy of the batch."""
        if sp.issparse(X_batch):
            X_batch = X_batch.toarray()
        noise = loop.rng.standard_normal(X_batch.shape).astype(X_batch.dtype, copy=False)
        # A Python float: a NumPy float64 scalar (from a parameter grid, say)
        # would promote the float32 noise arithmetic to float64.
        noise *= float(loop.spec.input_noise)
        noise += X_batch
        return noise


class LbfgsSteps:
    """scipy's L-BFGS-B on the full-batch cost (no learning rate, no mini-batches)."""

    unit = "iterations"

    def run(self, loop):
        spec, network, data = loop.spec, loop.network, loop.data
        self._X_t = X_t = data.training_X().T
        self._r = r = data.sample_weight / data.total_weight
        self._ws = ws = network.workspace(X_t.shape[1])
        grad, stop = loop.grad, []

        def cost_and_gradient(theta):
            network.params[...] = theta
            with blas_threads_for(network, X_t.shape[1]):
                cost = network.cost_and_gradient(X_t, data.Y, r, ws, grad, loop.l2, loop.l1)
            return cost, grad.astype(np.float64)

        def end_iteration(intermediate_result):
            # The accepted iterate: its cost, and its weights kept as the best so far.
            reason = loop.end_epoch(float(intermediate_result.fun), spec.learning_rate, intermediate_result.x)
            if reason is not None:
                stop.append(reason)
                raise StopIteration

        self._result = scipy.optimize.minimize(
            cost_and_gradient,
            network.params.astype(np.float64),
            jac=True,
            method="L-BFGS-B",
            callback=end_iteration,
            options={"maxiter": spec.max_iter, "gtol": spec.tol, "maxfun": 15 * spec.max_iter + 100},
        )
        if stop:
            return stop[0], ""
        return ("max_iter" if self._result.status == 1 else "lbfgs"), str(self._result.message)

    def finish(self, loop):
        loop.network.params[...] = self._result.x
        self._refresh_batch_statistics(loop)
        loop.ensure_finite_outputs("lbfgs")

    def interrupted(self, loop):
        loop.restore_best()
        if hasattr(self, "_ws"):
            self._refresh_batch_statistics(loop)

    def _refresh_batch_statistics(self, loop):
        network = loop.network
        if network.batch_norm:
            # Full batch: the population statistics are those of the whole
            # data under the final weights (one update of fresh averages).
            network.reset_batch_norm_stats()
            network.forward(self._X_t, self._ws, self._r, update_batch_norm_stats=True)


class AcceleratedSteps:
    """Accelerated gradient on a convex model's full-batch cost, each iteration an epoch.

    Parameters
    ----------
    cost : skdeep.nn.accelerated.LinearModelCost
        The cost, in the solver's own parametrization.
    theta : ndarray
        The starting point in that parametrization (updated in place).
    lipschitz : float
        A first guess of the gradient's Lipschitz constant.
    """

    unit = "iterations"

    def __init__(self, cost, theta, lipschitz):
        self.cost, self.theta, self.lipschitz = cost, theta, lipschitz

    def run(self, loop):
        spec, network = loop.spec, loop.network
        stop = []
        self._first_epoch = loop.record.n_iter

        def on_iteration(cost_before_update):
            # The cost is that of the weights before this iteration's update,
            # so it names no weights to keep as the best.
            self.cost.model_parameters(self.theta, network.params)
            reason = loop.end_epoch(cost_before_update, spec.learning_rate, keep_best=False)
            if reason is not None:
                stop.append(reason)
            # The BLAS thread count is taken iteration by iteration, as the other
            # strategies take it epoch by epoch: a call of another thread that needs
            # another count waits for one iteration, not for the whole solve.
            threads.close()
            threads.enter_context(blas_threads_for(network, loop.data.n_samples))
            return reason is not None

        with np.errstate(over="ignore", under="ignore", invalid="ignore"), ExitStack() as threads:
            threads.enter_context(blas_threads_for(network, loop.data.n_samples))
            _, converged = accelerated_gradient(
                self.cost, self.theta, self.lipschitz, spec.max_iter, float(spec.tol), on_iteration
            )
        if converged:
            return "solver", ""
        if stop:
            return stop[0], ""
        if loop.record.n_iter - self._first_epoch < spec.max_iter:
            # The solver gave up before max_iter without converging: its cost was no longer finite.
            raise DivergenceError(
                f"Training diverged at iteration {loop.record.n_iter + 1}: the cost is no longer finite."
            )
        return "max_iter", ""

    def finish(self, loop):
        record = loop.record
        if not (np.all(np.isfinite(loop.network.params)) and all(map(math.isfinite, record.loss_curve[-1:]))):
            raise DivergenceError(
                f"Training diverged at iteration {record.n_iter}: the cost or the weights are no longer finite."
            )

    def interrupted(self, loop):
        pass  # the weights of the last completed iteration stay
