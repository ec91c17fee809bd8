"""LogisticRegressionGD: the course's logistic regression, trained by gradient descent."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.linalg import eigvalsh
from scipy.sparse.linalg import LinearOperator, eigsh
from sklearn.utils import gen_batches

from ._classifier import BaseNetworkClassifier
from ._params import check_class_weight, check_number
from .nn.optimizers import GradientDescent

#: Up to this many features the Gram matrix is formed and its largest
#: eigenvalue computed exactly; beyond, Lanczos iterations estimate it.
_EXACT_GRAM_MAX_FEATURES = 1000


class LogisticRegressionGD(BaseNetworkClassifier):
    """Logistic regression trained by batch gradient descent, as in the course.

    Binary targets use the course's model exactly: zero initialization,
    ``Z = w^T X + b``, ``A = sigmoid(Z)``, ``dw = X dZ^T / m``,
    ``db = mean(dZ)`` and ``w -= learning_rate * dw``. Multiclass targets use
    softmax regression on the same code (one weight row per class). It is the
    L = 1 case of :class:`DeepNetClassifier`.

    Parameters
    ----------
    learning_rate : float or "auto", default="auto"
        The course's ``alpha``, the gradient-descent step. ``"auto"`` uses
        ``1.9 / (L + mu)``, with ``L`` the Lipschitz constant of the cost's
        gradient computed from the data and ``mu = alpha / m`` its strong
        convexity: below ``2 / L``, so gradient descent always converges and
        the cost never increases.
    max_iter : int, default=5000
        Maximum number of gradient-descent iterations (the course's
        ``num_iterations``).
    tol : float, default=1e-4
        Stop when the largest absolute entry of the gradient is at most
        ``tol``. With ``tol=0`` all ``max_iter`` iterations run, as in the
        course.
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
        ``loss_curve_[i]`` is the cost before update ``i``.
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
    sklearn.linear_model.LogisticRegression : Second-order solvers.

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

    _stop_on_gradient = True

    def __init__(
        self,
        learning_rate="auto",
        max_iter=5000,
        tol=1e-4,
        alpha=1.0,
        class_weight=None,
        warm_start=False,
        verbose=0,
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.alpha = alpha
        self.class_weight = class_weight
        self.warm_start = warm_start
        self.verbose = verbose

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> LogisticRegressionGD:
        """Fit the model by gradient descent.

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
        check_number(self.max_iter, "max_iter", integer=True, low=1)
        check_number(self.tol, "tol", low=0)
        check_number(self.alpha, "alpha", low=0)
        check_class_weight(self.class_weight)
        check_number(self.verbose, "verbose", integer=True, low=0)

    def _spec_hidden_layers(self):
        return ()

    def _spec_activation(self):
        return "identity"  # no hidden layer: unused

    def _spec_init(self):
        return "zeros"

    def _spec_optimizer(self, n_params, dtype):
        return GradientDescent(n_params, dtype)

    def _spec_batch_size(self, n_samples):
        return n_samples

    def _spec_learning_rate(self, X, sample_weight, n_outputs):
        if not (isinstance(self.learning_rate, str) and self.learning_rate == "auto"):
            return float(self.learning_rate)
        r = sample_weight / sample_weight.sum()
        # Curvature of the loss in the logits: sigmoid'(z) <= 1/4; the softmax
        # cross-entropy's Hessian diag(p) - p p^T has eigenvalues <= 1/2.
        curvature = 0.25 if n_outputs == 1 else 0.5
        strong_convexity = self.alpha / float(sample_weight.sum())
        lipschitz = curvature * _largest_eigenvalue_of_weighted_gram(X, r) + strong_convexity
        # 2 / (L + mu) is gradient descent's best constant step for a smooth,
        # strongly convex cost; a 5% margin keeps it safely below 2 / L.
        return 1.9 / (lipschitz + strong_convexity)

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


def _largest_eigenvalue_of_weighted_gram(X, r):
    """``lambda_max`` of ``X~^T diag(r) X~``, with ``X~ = [X, 1]`` (the intercept column)."""
    n_features = X.shape[1]
    if n_features <= _EXACT_GRAM_MAX_FEATURES:
        gram = np.zeros((n_features + 1, n_features + 1))
        # Accumulated over row chunks so that no copy of X is ever made whole.
        for rows in gen_batches(X.shape[0], 2048):
            X_chunk = X[rows]
            X_chunk = X_chunk.toarray() if sp.issparse(X_chunk) else X_chunk
            X_chunk = np.column_stack([X_chunk.astype(np.float64), np.ones(X_chunk.shape[0])])
            gram += X_chunk.T @ (X_chunk * r[rows, None])
        return float(eigvalsh(gram, subset_by_index=[n_features, n_features])[0])

    def matvec(v):
        v = np.asarray(v, dtype=np.float64).ravel()
        z = X @ v[:-1] + v[-1]
        rz = r * z
        return np.append(X.T @ rz, rz.sum())

    operator = LinearOperator((n_features + 1, n_features + 1), matvec=matvec, dtype=np.float64)
    # A fixed start vector keeps fits deterministic.
    return float(eigsh(operator, k=1, which="LA", v0=np.ones(n_features + 1), tol=1e-3, return_eigenvectors=False)[0])
