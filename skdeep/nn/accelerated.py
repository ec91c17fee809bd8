"""Nesterov's accelerated gradient for logistic and softmax regression.

The course's gradient descent, with four additions that make it fast:

* **Momentum** (Nesterov; Beck and Teboulle's FISTA sequence): the gradient is
  taken at a point ``y`` extrapolated from the last two iterates,
  ``y = x_k + beta (x_k - x_{k-1})``. ``beta`` follows FISTA's sequence,
  capped at ``(sqrt(L) - sqrt(mu)) / (sqrt(L) + sqrt(mu))``, the optimal
  constant for a ``mu``-strongly convex cost.
* **Adaptive restart** (O'Donoghue and Candes): momentum is dropped when the
  cost goes up or when the gradient points along the last move, so the method
  adapts to the curvature near the optimum, which is often much larger than
  ``mu``.
* **Standardized inputs**, folded into the weights (see
  :class:`LinearModelCost`): the course's "normalizing inputs", without
  touching X.
* **Backtracking on the step** ``1/L``: each iteration first tries a step a
  little longer than the last accepted one, and halves it until the cost
  decreases by at least ``||g||^2 / (2 L)`` (the decrease that a step of
  ``1/L`` guarantees when ``L`` bounds the curvature). Near the optimum the
  sigmoid flattens, the local curvature drops, and longer steps are taken.

The model is linear in its parameters, so the logits ``Z = X W^T + b`` of any
combination of points is the same combination of their logits. The solver
keeps the logits of ``x`` and ``y`` and, each iteration, computes the logits
of the gradient ``X G_W^T + g_b`` once: trying a step length, the next
iterate and the next extrapolated point then cost elementwise work only, and
an iteration costs two matrix products, the same as one gradient-descent
step. (The logits are recomputed from the parameters every
``REFRESH_EVERY`` iterations so that rounding errors do not accumulate.)

X keeps scikit-learn's layout (``(m, n)``, dense or sparse): the iterations
never copy it (sparse X is never densified; computing the standardization
makes a temporary float64 copy of a sparse X's non-zeros, and of dense X's
row chunks). The logits are the course's ``(k, m)``, stored class by class.

Stopping (``tol``): once the cheap test at the extrapolated point passes,
the intercept is set to its optimum for the current weights (Newton steps on
the intercept alone, elementwise work only) and the test is made there,
where it certifies ``J - J* <= tol`` (see
:meth:`LinearModelCost.stopping_measure`).
"""

import math

import numpy as np
import scipy.sparse as sp

#: Recompute the cached logits from the parameters this often (iterations).
REFRESH_EVERY = 100
#: Each iteration first tries a step this much longer than the last one.
STEP_GROWTH = 1.25
#: The smallest column scale the solver divides its weights by (see standardization).
MIN_COLUMN_SCALE = 1e-150
#: Give up halving the step after this many tries (a step of 2^-60 times the
#: last one that still does not decrease the cost means rounding noise).
MAX_HALVINGS = 60


class LinearModelCost:
    """The cost of logistic (sigmoid) or softmax regression and its gradient.

    ``J(W, b) = sum_i r_i loss(z_i, y_i) + l2/2 ||W||^2`` with
    ``z_i = W x_i + b``, the course's cost, computed in the coordinates of
    *standardized* inputs: the solver's parameters ``theta = (W', b')`` are
    those of the model on ``(x - center) / column_scale``, that is
    ``W = W' / column_scale`` and ``b = b' - W center``. The same cost, better
    conditioned (the course's "normalizing inputs"), and never a copy of X:
    the standardization is folded into the weights. Inputs of any magnitude
    give parameters, gradients and curvature of order one.

    The logits are ``(k, m)`` arrays, class by class (C order), so that the
    softmax's reductions over the classes run along whole rows.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (m, n)
    Y : ndarray of shape (k, m)
        Targets in the course's layout: 0/1 for one sigmoid unit (k=1) or
        one-hot columns for softmax.
    r : ndarray of shape (m,)
        Each example's share of the cost, summing to 1.
    l2 : float
        The L2 coefficient ``alpha / m`` on the model's weights ``W``.
    output : {"sigmoid", "softmax"}
    center, column_scale : ndarray of shape (n,)
        From :func:`standardization`.
    """

    def __init__(self, X, Y, r, l2, output, center, column_scale):
        self.X = X.tocsr() if sp.issparse(X) and X.format not in ("csr", "csc") else X
        self.dtype = X.dtype
        self.r = np.asarray(r, dtype=self.dtype)
        # The cost's sums over the examples accumulate in float64 whatever the
        # dtype: in float32, a float32 sum's rounding (which depends on the BLAS
        # kernel's order) hides the decreases the step search and the
        # certificate must see near the optimum.
        self._r64 = np.asarray(r, dtype=np.float64)
        self.l2 = float(l2)
        self.softmax = output == "softmax"
        if self.softmax:
            # One-hot targets are kept as the flat index of each example's
            # class in the (k, m) logits: the cost's linear term
            # sum_i r_i z_{y_i, i} is then a gather, and no (k, m) copy of Y.
            m = X.shape[0]
            self._target_index = np.argmax(Y, axis=0) * m + np.arange(m)
        elif Y.shape[0] == 1:
            self.y = np.ascontiguousarray(Y[0], dtype=self.dtype)
            self.ry = self.y * self.r
            self._ry64 = self.y.astype(np.float64) * self._r64
        else:
            raise ValueError("LinearModelCost handles one sigmoid unit or a softmax, not several sigmoid units.")
        self.center = np.asarray(center, dtype=np.float64)
        self.column_scale = np.asarray(column_scale, dtype=np.float64)
        # The strong convexity in the solver's coordinates: l2 / c_j^2 along W'_j.
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            strong_convexity = self.l2 / np.max(self.column_scale) ** 2 if self.l2 else 0.0
        # Inputs so small (|x| near 1e-154 or below) that l2 / c^2 overflows: the
        # penalty pins the weights at zero; the largest float keeps the step
        # search and the momentum's bound finite.
        self.strong_convexity = float(min(strong_convexity, np.finfo(np.float64).max))
        self.n_outputs, self.n_features = Y.shape[0], X.shape[1]
        self.n_weights = self.n_outputs * self.n_features
        shape = (self.n_outputs, X.shape[0])
        # Intermediate results of the last evaluated point, from which its
        # activations follow in a pass or two (see ``activations``).
        self._exp = np.empty(shape, dtype=self.dtype)
        self._work = np.empty(shape, dtype=self.dtype)
        self._column = np.empty(shape[1], dtype=self.dtype)
        self._A = np.empty(shape, dtype=self.dtype)
        self._last_Z = None

    def split(self, theta):
        """Views ``(W, b)`` of a flat parameter vector (``W`` row by row, then ``b``)."""
        return theta[: self.n_weights].reshape(self.n_outputs, self.n_features), theta[self.n_weights :]

    def model_parameters(self, theta, out):
        """The model's own ``(W, b)`` (flat, in ``out``) from the solver's ``theta``."""
        W_prime, b_prime = self.split(theta)
        W, b = self.split(out)
        # X's entries may be near the largest float: dividing the weights, not
        # the products, keeps everything finite.
        W_model = W_prime / self.column_scale
        W[...] = W_model
        b[...] = b_prime - W_model @ self.center
        return out

    def solver_parameters(self, params, out):
        """The solver's ``theta`` (in ``out``) from the model's flat ``(W, b)``."""
        W, b = self.split(params)
        W_prime, b_prime = self.split(out)
        W_prime[...] = W * self.column_scale
        b_prime[...] = b + W.astype(np.float64) @ self.center
        return out

    def logits(self, theta, out=None):
        """``Z = W X^T + b`` for the model of ``theta``, of shape (k, m)."""
        W_prime, b_prime = self.split(theta)
        W = (W_prime / self.column_scale).astype(self.dtype, copy=False)
        b = (b_prime - W.astype(np.float64) @ self.center).astype(self.dtype)
        if sp.issparse(self.X):
            Z = np.asarray(self.X @ W.T).T
        else:
            Z = np.dot(W, self.X.T)
        if out is None:
            out = np.empty((self.n_outputs, self.X.shape[0]), dtype=self.dtype)
        out[...] = Z
        out += b[:, None]
        return out

    def cost(self, theta, Z):
        """The cost at ``theta`` whose logits are ``Z`` (left unchanged).

        Keeps what ``gradient`` needs to find the activations at this point.
        """
        e, work = self._exp, self._work
        if self.softmax:
            # logsumexp(z) - y.z, with the column maximum taken out of the exp.
            z_max = self._column
            np.maximum.reduce(Z, axis=0, out=z_max)
            np.subtract(Z, z_max, out=e)
            np.exp(e, out=e)
            total = np.add.reduce(e, axis=0, out=work[0])  # kept for the activations
            log_total = np.log(total, out=work[1])  # softmax has k >= 3 rows
            loss = _dot64(log_total, self._r64) + _dot64(z_max, self._r64)
        else:
            # softplus(z) - y z, softplus(z) = max(z, 0) + log(1 + exp(-|z|)).
            # (log(1 + t) rather than log1p(t): t <= 1, so the absolute error
            # is below one rounding unit, and log is several times faster.)
            z, t = Z[0], e[0]
            np.abs(z, out=t)
            np.negative(t, out=t)
            np.exp(t, out=t)
            d = work[0]
            np.add(t, 1.0, out=d)
            np.log(d, out=self._column)
            loss = _dot64(self._column, self._r64)
            np.maximum(z, 0.0, out=self._column)
            loss += _dot64(self._column, self._r64)
        if self.softmax:
            loss -= _dot64(np.ravel(Z).take(self._target_index), self._r64)
        else:
            loss -= _dot64(Z[0], self._ry64)
        if self.l2:
            W = (self.split(theta)[0] / self.column_scale).ravel()
            loss += 0.5 * self.l2 * float(np.dot(W, W))
        self._last_Z = Z
        return loss

    def activations(self):
        """The activations ``A`` (k, m) at the point last passed to ``cost``.

        Written into a buffer that the next call overwrites.
        """
        e, work, A = self._exp, self._work, self._A
        if self.softmax:
            np.divide(e, work[0], out=A)  # exp(z - z_max) / sum
        else:
            # sigmoid(z) = exp(min(z, 0)) / (1 + exp(-|z|)), exact in both tails.
            np.minimum(self._last_Z[0], 0.0, out=A[0])
            np.exp(A[0], out=A[0])
            A[0] /= work[0]
        return A

    def _subtract_targets(self, A):
        """``A - Y`` in place."""
        if self.softmax:
            flat = A.reshape(-1)  # a view: A is C-contiguous
            flat[self._target_index] -= 1
        else:
            A[0] -= self.y
        return A

    def gradient(self, theta, grad):
        """The gradient at the point last passed to ``cost``, written to ``grad``."""
        dZ = self.activations()
        self._subtract_targets(dZ)
        dZ *= self.r  # (a - y) r_i: the weighted mean's gradient in z
        G_W, g_b = self.split(grad)
        if sp.issparse(self.X):
            G_data = np.asarray(self.X.T @ dZ.T).T
        else:
            G_data = np.dot(dZ, self.X)
        np.add.reduce(dZ, axis=1, out=g_b)
        # d/dW' of the data term: (dZ X - g_b center^T) / c; of the penalty: l2 W / c.
        G = G_data - np.outer(g_b, self.center)
        if self.l2:
            G += self.l2 * (self.split(theta)[0] / self.column_scale)
        G /= self.column_scale
        G_W[...] = G
        return grad

    def stopping_measure(self, grad):
        """What ``tol`` bounds, from the gradient ``grad`` (solver's coordinates).

        With the intercept at its optimum, ``||grad_W J||^2 / (2 l2)`` bounds
        ``J - J*`` (``J`` is ``l2``-strongly convex in ``W`` once ``b`` is
        minimized out), with ``grad_W J = c * G_W' + g_b center^T`` the
        gradient in the model's own weights. Without that strong convexity
        (``l2 = 0``, or ``l2`` too small against the inputs' scale for the bound
        to be reachable in floating point), the norm of the gradient in the
        standardized coordinates.
        """
        eps = float(np.finfo(self.dtype).eps)
        if self.strong_convexity > 0 and 2 * self.strong_convexity >= eps**2:
            G_W, g_b = self.split(grad)
            with np.errstate(over="ignore"):
                G_model = G_W * self.column_scale + np.outer(g_b, self.center)
                return float(np.sum(np.square(G_model))) / (2 * self.l2)
        return math.sqrt(float(np.dot(grad, grad)))

    def optimize_intercept(self, theta, Z, f, max_steps=20):
        """Minimize the cost over the intercept alone, by Newton's method.

        ``theta``'s intercept and the logits ``Z`` are updated in place; the
        weights do not move, so no matrix product is needed. Returns the new
        cost, and leaves ``cost`` ready for ``gradient`` at the new point.

        With the intercept at its optimum for the weights ``W``, the cost is
        ``h(W) = min_b J(W, b)``, which is ``l2``-strongly convex in ``W``:
        then ``J - J* <= ||grad_W J||^2 / (2 l2)``, the convergence test.
        """
        _, b = self.split(theta)
        for _ in range(max_steps):
            A = self.activations().astype(np.float64)
            residual = self._subtract_targets(A.copy())
            g = residual @ self.r.astype(np.float64)
            rA = A * self.r
            if self.softmax:
                # sum_i r_i (diag(a_i) - a_i a_i^T); singular along (1, ..., 1),
                # along which the softmax does not change and g has no component.
                H = np.diag(rA.sum(axis=1)) - rA @ A.T
            else:
                H = np.array([[float(np.dot(rA[0], 1.0 - A[0]))]])
            if not np.all(np.isfinite(H)) or not np.any(g):
                break
            delta = -np.linalg.lstsq(H, g, rcond=None)[0]
            if self.softmax:
                # Adding a constant to every class changes nothing: no such
                # move (rounding could make it large along the flat direction).
                delta -= delta.mean()
            if not np.all(np.isfinite(delta)) or float(np.abs(delta).max()) < 1e-12 * max(1.0, float(np.abs(b).max())):
                break
            decrease = float(np.dot(g, delta))  # < 0: a descent direction
            if -0.5 * decrease <= 8 * float(np.finfo(self.dtype).eps) * max(abs(f), 1.0):
                break  # what a step would gain is lost in the cost's rounding noise
            step, improved = 1.0, False
            b_old, Z_old = b.copy(), Z.copy()
            for _ in range(20):  # damped Newton: halve until the cost decreases
                b[...] = b_old + step * delta
                np.add(Z_old, (step * delta).astype(self.dtype)[:, None], out=Z)
                f_new = self.cost(theta, Z)
                if f_new <= f + 0.25 * step * decrease:
                    improved = True
                    break
                step /= 2
            if not improved:
                b[...] = b_old
                Z[...] = Z_old
                f = self.cost(theta, Z)
                break
            f = f_new
            if float(np.abs(g).max()) < 1e-10:
                break
        return f


def _dot64(values, weights):
    """``values . weights`` accumulated in float64 (``weights`` is float64; float64 values are not copied)."""
    return float(np.dot(values.astype(np.float64, copy=False), weights))


def standardization(X, r):
    """Weighted column means and standard deviations of X, without overflow.

    Computed in float64 on ``X / s``, with ``s`` a power of two near
    ``max |X|`` (an exact division), then scaled back: the squares of inputs
    near the largest float stay finite. Columns that do not vary get a
    scale of 1.

    Returns
    -------
    center, column_scale : ndarrays of shape (n,)
    """
    if sp.issparse(X):
        largest = float(np.max(np.abs(X.data))) if X.nnz else 0.0
    else:
        largest = float(np.max(np.abs(X))) if X.size else 0.0
    s = math.ldexp(1.0, math.frexp(largest)[1]) if largest > 0 and math.isfinite(largest) else 1.0
    r = np.asarray(r, dtype=np.float64)
    if sp.issparse(X):
        X_s = X.astype(np.float64) * (1.0 / s)
        mean = np.asarray(X_s.T @ r).ravel()
        mean_square = np.asarray(X_s.multiply(X_s).T @ r).ravel()
        variance = np.maximum(mean_square - mean**2, 0.0)
    else:
        mean = np.zeros(X.shape[1])
        for start in range(0, X.shape[0], 4096):  # float64 copies of chunks only
            mean += r[start : start + 4096] @ (X[start : start + 4096].astype(np.float64) / s)
        variance = np.zeros(X.shape[1])
        for start in range(0, X.shape[0], 4096):
            deviation = X[start : start + 4096].astype(np.float64) / s - mean
            variance += r[start : start + 4096] @ (deviation * deviation)
    deviation = np.sqrt(variance)
    # A column whose spread is rounding noise against its values is constant.
    constant = ~(deviation > 1e-7 * np.maximum(np.abs(mean), 1e-300))
    deviation[constant] = 1.0 / s
    # Inputs near 1e-300 and below: a model weight W = W' / scale would overflow
    # for solver weights W' of order one. Such columns are scaled by MIN_COLUMN_SCALE
    # instead (the same problem, written with smaller solver weights).
    return mean * s, np.maximum(deviation * s, MIN_COLUMN_SCALE)


def accelerated_gradient(cost, theta, lipschitz, max_iter, tol, on_iteration):
    """Minimize ``cost`` from ``theta`` (updated in place) by accelerated gradient.

    Parameters
    ----------
    cost : LinearModelCost
    theta : ndarray of shape (n_params,)
        The starting point; holds the current iterate ``x_k`` throughout, so a
        callback (or an interruption) always sees a consistent model.
    lipschitz : float
        A first guess of the gradient's Lipschitz constant (the step search
        corrects it both ways).
    max_iter : int
    tol : float
        Stop when ``cost.stopping_measure`` is at most ``tol`` at an iterate
        whose intercept is optimal (``J - J* <= tol`` when the cost is
        strongly convex in the weights); 0 runs every iteration.
    on_iteration : callable
        Called after each update as ``on_iteration(cost_before_update)``;
        returning True stops the solver.

    Returns
    -------
    n_iter : int
    converged : bool
        Whether the tolerance was met (False at ``max_iter`` or when
        ``on_iteration`` stopped the solver).
    """
    eps = float(np.finfo(theta.dtype).eps)
    x_previous = theta.copy()
    y = theta.copy()
    x_next = np.empty_like(theta)
    grad = np.empty_like(theta)
    Z_x = cost.logits(theta)
    Z_y = Z_x.copy()
    Z_next = np.empty_like(Z_x)
    Z_grad = np.empty_like(Z_x)
    f_x = f_y = cost.cost(theta, Z_x)  # also leaves cost ready for the gradient at y = x
    evaluated_y = True
    have_gradient = False
    L = float(lipschitz)
    t = 1.0
    # Until a step first fails, the first guess of L may be far too large
    # (the trace bound): the step grows fast, then by STEP_GROWTH.
    growth = 4.0
    mu = cost.strong_convexity
    retry_below = tol  # the cheap test at y that triggers a certification
    for iteration in range(max_iter):
        if iteration and iteration % REFRESH_EVERY == 0:
            # Rounding errors of the running combinations are dropped.
            cost.logits(theta, out=Z_x)
            cost.logits(y, out=Z_y)
            evaluated_y = False
        if not evaluated_y:
            f_y = cost.cost(y, Z_y)
        if not have_gradient:
            cost.gradient(y, grad)
        have_gradient = False
        if not math.isfinite(f_y):
            return iteration, False  # the caller reports it
        g_norm2 = float(np.dot(grad, grad))
        # Worth certifying? (The intercept's gradient does not count: the
        # certificate first optimizes the intercept.)
        measure_at_y = cost.stopping_measure(grad) if tol > 0 else math.inf
        candidate = measure_at_y <= retry_below
        cost.logits(grad, out=Z_grad)
        # The step search: the longest step 1/L (from a little longer than the
        # last one) with the decrease that a curvature bound L guarantees.
        slack = 8 * eps * max(abs(f_y), 1.0)  # rounding noise in the costs
        # Once the decrease a step promises is lost in the costs' rounding
        # noise, comparing costs decides nothing: the step stays as it is and
        # only gradients steer (a contraction towards the optimum), so that
        # equal problems written differently end at the same point.
        in_noise = 0.5 * g_norm2 / L <= slack
        if not in_noise:
            L /= growth
        for _ in range(MAX_HALVINGS):
            np.multiply(Z_grad, np.asarray(-1.0 / L, dtype=Z_grad.dtype), out=Z_next)
            Z_next += Z_y
            np.multiply(grad, -1.0 / L, out=x_next)
            x_next += y
            f_next = cost.cost(x_next, Z_next)
            if in_noise or f_next <= f_y - 0.5 * g_norm2 / L + slack:
                break
            L *= 2.0
            growth = STEP_GROWTH
        # Restart (O'Donoghue and Candes): the cost went up, or the gradient
        # at y has a positive component along the move x_k -> x_{k+1}.
        np.subtract(x_next, theta, out=x_previous)
        # (Rounding noise does not count: equal problems, written differently
        # (weights or repeated rows), must take the same decisions.)
        restart = (f_next > f_x + slack and not in_noise) or float(np.dot(grad, x_previous)) > 0
        x_previous[...] = theta
        theta[...] = x_next
        f_before, f_x = f_x, f_next
        Z_x, Z_next = Z_next, Z_x  # Z_x: logits of theta; Z_next: of x_previous
        converged = False
        if candidate:
            f_x = cost.optimize_intercept(theta, Z_x, f_x)  # Z_x follows
            cost.gradient(theta, grad)
            certified = cost.stopping_measure(grad)
            converged = certified <= tol
            # Not yet: momentum goes on (the intercept's move changes the
            # logits of theta only, consistently); the next try waits until
            # the cheap test has fallen as far as this one missed by.
            retry_below = measure_at_y * tol / certified if certified > 0 else tol
            have_gradient = restart  # the gradient at theta is the next one if y = theta
        if on_iteration(f_before):
            return iteration + 1, False
        if converged:
            return iteration + 1, True
        beta = 0.0
        if restart:
            t = 1.0
        else:
            t_next = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * t * t))
            beta = (t - 1.0) / t_next
            if mu > 0:
                beta = min(beta, (math.sqrt(L) - math.sqrt(mu)) / (math.sqrt(L) + math.sqrt(mu)))
            t = t_next
        if beta == 0.0:
            # y = x_{k+1}, whose cost was just evaluated: the gradient follows.
            y[...] = theta
            Z_y[...] = Z_x
            f_y = f_x
            evaluated_y = True
            continue
        # y = x_{k+1} + beta (x_{k+1} - x_k), and the same for the logits.
        np.subtract(theta, x_previous, out=y)
        y *= beta
        y += theta
        np.subtract(Z_x, Z_next, out=Z_y)
        Z_y *= np.asarray(beta, dtype=Z_y.dtype)
        Z_y += Z_x
        evaluated_y = False
    return max_iter, False
