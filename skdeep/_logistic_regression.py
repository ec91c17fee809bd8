"""LogisticRegressionGD: the course's logistic regression, trained by gradient descent."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from ._estimator import fitted_attribute
from ._hyperparameters import CLASS_WEIGHT_ROW, SHARED_ROWS, AutoOr, Interval, is_auto
from ._logistic_step import curvature, gradient_descent_step, l2_coefficient, shares
from ._network_classifier import BaseNetworkClassifier
from ._run_plan import NetworkLayout, RunPlan
from ._training import AcceleratedSteps, MiniBatchSteps, RunSpec
from .nn.accelerated import LinearModelCost, standardization
from .nn.optimizers import GradientDescent

SOLVERS = ("auto", "agd", "gd")


def solver_rule(value, name, checked):
    if not isinstance(value, str) or value not in SOLVERS:
        raise ValueError(f"{name} must be one of {list(SOLVERS)}; got {value!r}.")
    return value


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
    model_ : FittedModel
        Everything the fit learned, in one object published in one assignment:
        the parameters, batch-norm statistics, target encoding and the run's
        record. The attributes below are read from it.
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

    _hyperparameter_table = MappingProxyType(
        {
            "learning_rate": AutoOr(
                Interval(low=0, low_open=True), "{name} must be a positive float or 'auto'; got {value!r}."
            ),
            "solver": solver_rule,
            "max_iter": SHARED_ROWS["max_iter"],
            "tol": SHARED_ROWS["tol"],
            "alpha": SHARED_ROWS["alpha"],
            **CLASS_WEIGHT_ROW,
            "verbose": SHARED_ROWS["verbose"],
            "warm_start": SHARED_ROWS["warm_start"],
        }
    )

    coef_ = fitted_attribute(lambda model: model.parameters["W1"])
    intercept_ = fitted_attribute(lambda model: model.parameters["b1"].ravel())

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

    def _architecture(self, hp, declared_hidden):
        return (), False

    def _plan(self, hp, setting):
        # "auto" keeps the course's plain gradient descent for a numeric
        # learning rate, and accelerates otherwise; partial_fit takes one
        # step of gradient descent.
        auto_rate = is_auto(hp["learning_rate"])
        solver = hp["solver"] if hp["solver"] != "auto" else "agd" if auto_rate else "gd"
        accelerated = solver == "agd" and not setting.partial
        if accelerated:
            learning_rate = 0.0  # the accelerated solver searches its own step
        elif auto_rate:
            learning_rate = gradient_descent_step(setting.X, setting.sample_weight, setting.n_outputs, hp["alpha"])
        else:
            learning_rate = float(hp["learning_rate"])
        spec = RunSpec(
            max_epochs=1 if setting.partial else hp["max_iter"],
            learning_rate=learning_rate,
            batch_size=setting.n_train,
            alpha=float(hp["alpha"]),
            tol=float(hp["tol"]),
            # gd: stop when the largest gradient entry is <= tol (a convex, full-batch cost).
            stopping="solver" if accelerated else "gradient",
            whole_fit=not setting.partial,
            max_iter=hp["max_iter"],
            verbose=hp["verbose"],
            name=type(self).__name__,
        )

        def steps(network, data, optimizer):
            if not accelerated:
                return MiniBatchSteps(optimizer)
            return self._accelerated_steps(network, data, hp)

        return RunPlan(
            layout=NetworkLayout(hidden=(), activation="identity", init="zeros"),
            spec=spec,
            optimizer=lambda n_params, dtype: GradientDescent(n_params, dtype),
            steps=steps,
        )

    @staticmethod
    def _accelerated_steps(network, data, hp):
        """The accelerated solver on the whole data, in standardized inputs."""
        X, Y = data.training_X(), data.Y
        r = shares(data.sample_weight)
        center, column_scale = standardization(X, r)
        l2 = l2_coefficient(hp["alpha"], data.sample_weight)
        cost = LinearModelCost(X, Y, r, l2, network.output_activation, center, column_scale)
        if is_auto(hp["learning_rate"]):
            # On standardized inputs, the trace bound on the curvature: one
            # per feature plus the intercept's column (the step search then
            # finds the actual curvature in a few iterations).
            lipschitz = curvature(Y.shape[0]) * (X.shape[1] + 1) + cost.strong_convexity
        else:
            lipschitz = 1.0 / float(hp["learning_rate"])
        theta = cost.solver_parameters(network.params.astype(np.float64), np.empty(network.n_params))
        return AcceleratedSteps(cost, theta, lipschitz)

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
        _, Z = self._logits(X)
        return Z.ravel() if Z.shape[1] == 1 else Z
