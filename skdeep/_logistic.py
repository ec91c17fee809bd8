"""LogisticRegressionGD: the course's logistic regression, trained by gradient descent."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.linalg import eigvalsh
from scipy.sparse.linalg import LinearOperator, eigsh
from sklearn.utils import gen_batches

from ._classifier import BaseNetworkClassifier
from ._params import check_class_weight, check_number
from .nn.accelerated import LinearModelCost, accelerated_gradient, standardization
from .nn.optimizers import GradientDescent

SOLVERS = ("auto", "agd", "gd")

#: Up to this many features the Gram matrix is formed and its largest
#: eigenvalue computed exactly; beyond, Lanczos iterations estimate it.
_EXACT_GRAM_MAX_FEATURES = 1000


class LogisticRegressionGD(BaseNetworkClassifier):
    """Logistic regression trained by (accelerated) batch gradient descent.

    Binary targets use the course's model exactly: zero initialization,
    ``Z = w^T X + b``, ``A = sigmoid(Z)``, ``dw = X dZ^T / m``,
    ``db = mean(dZ)``. Multiclass targets use softmax regression on the same
    code (one weight row per class). It is the L = 1 case of
    :class:`DeepNetClassifier`. The cost is the (weighted) mean
    cross-entropy plus ``alpha / (2 m) ||w||^2``.

    Two solvers minimize it:

    * ``"gd"``, the course's gradient descent ``w -= learning_rate * dw``,
      update for update (``tol=0`` runs all ``max_iter`` iterations, as the
      course does);
    * ``"agd"``, Nesterov's accelerated gradient: the gradient is taken at a
      point extrapolated along the last move (momentum), the step ``1/L`` is
      searched each iteration (the longest that decreases the cost as a
      curvature bound ``L`` guarantees), and momentum restarts when the cost
      rises or the gradient turns against the move (O'Donoghue and Candes).
      It works on standardized inputs internally (the course's "normalizing
      inputs", folded into the weights: X is never copied, and sparse X stays
      sparse) and returns the model of the original inputs. An iteration
      costs two matrix products, like a gradient-descent step, and a fit
      typically needs tens to hundreds of them.

    Parameters
    ----------
    learning_rate : float or "auto", default="auto"
        The course's ``alpha``, the gradient-descent step. ``"auto"``: for
        ``"gd"``, ``1.9 / (L + mu)``, with ``L`` the Lipschitz constant of the
        cost's gradient computed from the data and ``mu = alpha / m`` its
        strong convexity, so that gradient descent always converges and the
        cost never increases; ``"agd"`` searches its own step. With
        ``solver="agd"``, a number is the first step tried.
    max_iter : int, default=5000
        Maximum number of iterations (the course's ``num_iterations``).
    tol : float, default=1e-4
        When to stop. For ``solver="agd"`` (with ``alpha > 0``): when the cost
        ``J`` is provably within ``tol`` of its minimum ``J*``. The intercept
        is first set to its optimum for the current weights (a few Newton
        steps on the intercept alone), which makes the cost ``alpha/m``-strongly
        convex in the weights, so that ``J - J* <= m ||dJ/dw||^2 / (2 alpha)``;
        the fit stops when this bound is at most ``tol``. With ``alpha=0``
        (or ``alpha / m`` too small against the inputs' scale for the bound
        to be reached in floating point), it stops when the gradient with
        respect to the weights of the standardized inputs and the intercept
        has norm at most ``tol``. For ``solver="gd"``: when the largest
        absolute entry of the gradient is at most ``tol``. With ``tol=0``
        all ``max_iter`` iterations run.
    alpha : float, default=1.0
        L2 regularization strength, the course's ``lambda``: the cost is
        ``J + alpha / (2 m) * ||w||^2`` (the intercept is not penalized).
        ``alpha = 1 / C`` makes the objective that of
        :class:`sklearn.linear_model.LogisticRegression` with parameter ``C``;
        ``alpha=0`` is the course's unregularized model.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.
        ``"balanced"`` uses ``n_samples / (n_classes * np.bincount(y))``.
    warm_start : bool, default=False
        Continue from the previous fit's coefficients instead of zeros.
    verbose : int, default=0
        Print the cost at each iteration when positive.
    solver : {"auto", "agd", "gd"}, default="auto"
        ``"auto"`` is ``"agd"`` with ``learning_rate="auto"`` and the course's
        ``"gd"`` with a numeric learning rate. ``partial_fit`` always takes
        one step of ``"gd"``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        The weights, the course's ``w^T`` (one row per class for multiclass).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        The bias ``b``.
    parameters_ : dict
        ``{"W1": coef_, "b1": intercept_[:, None]}``, the course's
        ``parameters``.
    loss_curve_ : list of float
        The cost at each iteration, the course's ``costs``;
        ``loss_curve_[i]`` is the cost before update ``i``. (With ``"agd"``
        it may rise at an iteration where momentum then restarts.)
    best_loss_ : float
        The lowest value in ``loss_curve_``.
    n_iter_ : int
        Number of iterations run (over all fits when ``warm_start=True``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    DeepNetClassifier : The same model with hidden layers.
    sklearn.linear_model.LogisticRegression : Quasi-Newton and second-order solvers.

    Notes
    -----
    Inputs of any finite magnitude are accepted by ``"agd"`` (it standardizes
    them, in a way that does not overflow); ``"gd"`` with
    ``learning_rate="auto"`` refuses inputs so large that its step ``1/L``
    underflows (about ``|x| > 1e154``).

    References
    ----------
    Y. Nesterov, "A method for solving the convex programming problem with
    convergence rate O(1/k^2)", 1983. A. Beck and M. Teboulle, "A fast
    iterative shrinkage-thresholding algorithm", 2009. B. O'Donoghue and
    E. Candes, "Adaptive restart for accelerated gradient schemes", 2015.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeep import LogisticRegressionGD
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), LogisticRegressionGD()).fit(X, y)
    >>> model.score(X, y) > 0.97
    True
    """

    _stop_on_gradient = True  # solver="gd" (the shared training loop): max |grad| <= tol

    def __init__(
        self,
        learning_rate="auto",
        max_iter=5000,
        tol=1e-4,
        alpha=1.0,
        class_weight=None,
        warm_start=False,
        verbose=0,
        solver="auto",
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.alpha = alpha
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.verbose = verbose
        self.solver = solver

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> LogisticRegressionGD:
        """Fit the model by (accelerated) gradient descent.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained in float32; anything else
            numeric in float64. Sparse CSR/CSC matrices are not densified.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each example. The cost is the weighted
            mean of the per-example losses, so a weight of 2 is the same as
            repeating the example.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    def _check_hyperparameters(self):
        if not (isinstance(self.learning_rate, str) and self.learning_rate == "auto"):
            if isinstance(self.learning_rate, str):
                raise ValueError(f"learning_rate must be a positive float or 'auto'; got {self.learning_rate!r}.")
            check_number(self.learning_rate, "learning_rate", low=0, low_open=True)
        if not isinstance(self.solver, str) or self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {list(SOLVERS)}; got {self.solver!r}.")
        check_number(self.max_iter, "max_iter", integer=True, low=1)
        check_number(self.tol, "tol", low=0)
        check_number(self.alpha, "alpha", low=0)
        check_class_weight(self.class_weight)
        if not isinstance(self.verbose, (bool, np.bool_)):
            check_number(self.verbose, "verbose", integer=True, low=0)

    def _auto_learning_rate(self):
        return isinstance(self.learning_rate, str) and self.learning_rate == "auto"

    def _resolved_solver(self):
        """``"agd"`` or ``"gd"``: ``"auto"`` keeps the course's plain gradient
        descent for a numeric learning rate, and accelerates otherwise."""
        if self.solver == "auto":
            return "agd" if self._auto_learning_rate() else "gd"
        return self.solver

    def _spec_hidden_layers(self, n_samples=None, previous=None):
        return ()

    def _spec_activation(self):
        return "identity"  # no hidden layer: unused

    def _spec_init(self):
        return "zeros"

    def _spec_optimizer(self, n_params, dtype):
        return GradientDescent(n_params, dtype)

    def _spec_batch_size(self, n_samples):
        return n_samples

    def _spec_learning_rate(self, X, sample_weight, n_outputs, partial):
        if self._resolved_solver() == "agd" and not partial:
            # The accelerated solver searches its own step (a finite
            # placeholder; partial_fit computes the course's step when it
            # needs one, see _train).
            return 0.0
        return self._gradient_descent_step(X, sample_weight, n_outputs)

    def _gradient_descent_step(self, X, sample_weight, n_outputs):
        """The course's step: the given learning rate, or ``1.9 / (L + mu)``."""
        if not self._auto_learning_rate():
            return float(self.learning_rate)
        r = _shares(sample_weight)
        strong_convexity = _l2_coefficient(self.alpha, sample_weight)
        scale = _power_of_two_scale(X)
        # lambda_max of [X, 1]^T R [X, 1] is scale^2 lambda_max of
        # [X / scale, 1 / scale]^T R [X / scale, 1 / scale], whose entries are
        # at most 1: computed so, it cannot overflow, only the product can.
        with np.errstate(over="ignore"):
            gram_max = float(np.float64(scale) ** 2 * _largest_eigenvalue_of_weighted_gram(X, r, scale))
            lipschitz = _curvature(n_outputs) * gram_max + strong_convexity
        step = 1.9 / (lipschitz + strong_convexity)
        if not (math.isfinite(lipschitz) and step > 0 and math.isfinite(step) and step >= np.finfo(np.float64).tiny):
            raise ValueError(
                f"X's scale (largest |value| {_max_abs(X):.3g}) is too large for plain gradient "
                "descent's automatic learning rate: the step 1/L would underflow. Use solver='agd' "
                "(it works on rescaled inputs) or scale X (for example with sklearn.preprocessing.MaxAbsScaler)."
            )
        return step

    # -- the accelerated solver ---------------------------------------------------

    def _train(self, trainer, partial):
        """The accelerated solver on the whole data; the course's gradient
        descent (the shared training loop) for ``solver="gd"`` and partial_fit."""
        if partial or self._resolved_solver() == "gd":
            return super()._train(trainer, partial)
        network, data = trainer.network, trainer.data
        X, Y = data.training_X(), data.Y
        r = _shares(data.sample_weight)
        center, column_scale = standardization(X, r)
        l2 = _l2_coefficient(self.alpha, data.sample_weight)
        cost = LinearModelCost(X, Y, r, l2, network.output_activation, center, column_scale)
        if self._auto_learning_rate():
            # On standardized inputs, the trace bound on the curvature: one
            # per feature plus the intercept's column (the step search then
            # finds the actual curvature in a few iterations).
            lipschitz = _curvature(Y.shape[0]) * (X.shape[1] + 1) + cost.strong_convexity
        else:
            lipschitz = 1.0 / float(self.learning_rate)
        theta = cost.solver_parameters(network.params.astype(np.float64), np.empty(network.n_params))

        def solve(record):
            def on_iteration(cost_before_update):
                cost.model_parameters(theta, network.params)
                return record(cost_before_update)

            _, converged = accelerated_gradient(cost, theta, lipschitz, self.max_iter, float(self.tol), on_iteration)
            return converged

        trainer.run_solver(solve)

    def _set_layer_attributes(self):
        self.coef_ = self.parameters_["W1"]
        self.intercept_ = self.parameters_["b1"].ravel()

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The logits ``Z = w^T x + b`` of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For binary problems, positive scores predict ``classes_[1]``.
        """
        Z = self._logits(X)
        return Z.ravel() if Z.shape[1] == 1 else Z


def _curvature(n_outputs):
    """Bound on the loss's curvature in the logits: sigmoid'(z) <= 1/4; the
    softmax cross-entropy's Hessian diag(p) - p p^T has eigenvalues <= 1/2."""
    return 0.25 if n_outputs == 1 else 0.5


def _shares(sample_weight):
    """``r = w / sum(w)`` in float64, without overflow in the sum."""
    w = np.asarray(sample_weight, dtype=np.float64)
    w = w / np.max(w)
    return w / w.sum()


def _l2_coefficient(alpha, sample_weight):
    """``alpha / sum(w)``, the course's ``lambda / m``, without overflow in the sum."""
    w = np.asarray(sample_weight, dtype=np.float64)
    largest = float(np.max(w))
    with np.errstate(over="ignore"):
        return float(alpha) / float((w / largest).sum()) / largest


def _max_abs(X):
    if sp.issparse(X):
        return float(np.max(np.abs(X.data))) if X.nnz else 0.0
    return float(np.max(np.abs(X))) if X.size else 0.0


#: Inputs larger than this are divided by a power of two inside the solver.
_RESCALE_ABOVE = 2.0**20


def _power_of_two_scale(X):
    """1, or for inputs beyond ``_RESCALE_ABOVE``, the power of two just above ``max |X|``.

    Dividing by a power of two is exact, so the rescaled problem is the same
    problem; it keeps squares of the inputs (in the curvature) finite.
    """
    largest = _max_abs(X)
    if not largest > _RESCALE_ABOVE:
        return 1.0
    return math.ldexp(1.0, math.frexp(largest)[1])


def _largest_eigenvalue_of_weighted_gram(X, r, scale=1.0):
    """``lambda_max`` of ``X~^T diag(r) X~``, with ``X~ = [X, 1] / scale`` (the intercept column)."""
    n_features = X.shape[1]
    if n_features <= _EXACT_GRAM_MAX_FEATURES:
        gram = np.zeros((n_features + 1, n_features + 1))
        # Accumulated over row chunks so that no copy of X is ever made whole.
        for rows in gen_batches(X.shape[0], 2048):
            X_chunk = X[rows]
            X_chunk = X_chunk.toarray() if sp.issparse(X_chunk) else X_chunk
            X_chunk = np.column_stack([X_chunk.astype(np.float64), np.ones(X_chunk.shape[0])])
            if scale != 1:
                X_chunk /= scale
            gram += X_chunk.T @ (X_chunk * r[rows, None])
        return float(eigvalsh(gram, subset_by_index=[n_features, n_features])[0])

    def matvec(v):
        v = np.asarray(v, dtype=np.float64).ravel() / scale
        z = X @ v[:-1] + v[-1]
        rz = r * z
        rz /= scale
        return np.append(X.T @ rz, rz.sum())

    operator = LinearOperator((n_features + 1, n_features + 1), matvec=matvec, dtype=np.float64)
    # A fixed start vector keeps fits deterministic.
    return float(eigsh(operator, k=1, which="LA", v0=np.ones(n_features + 1), tol=1e-3, return_eigenvectors=False)[0])
