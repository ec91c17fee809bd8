"""DeepNetRegressor: the course's L-layer network with an identity output, for regression."""

from __future__ import annotations

from types import MappingProxyType

from numpy.typing import ArrayLike

from ._deep_net import DEEP_NET_ROWS, DeepNetwork
from ._deep_net_docs import parameters_doc
from ._hyperparameters import Flag
from ._network_regressor import BaseNetworkRegressor

#: The default L2 strength, chosen on benchmarks/real_data.py's regression sets:
#: 1 lost 0.08 R^2 on diabetes against 3.
DEFAULT_ALPHA = 3.0
_ALPHA_NOTE = """The classifier's default is 1.5:
        3.0 suits the squared error on a standardized target."""
#: The regressor keeps MLPRegressor's network: of its benchmark's sets only
#: cps1988 has 3,000 training examples, and there the classifier's "auto"
#: (three layers) scored the same R^2 as one layer in 1.7x MLPRegressor's time.
DEFAULT_HIDDEN_LAYER_SIZES = (100,)
_HIDDEN_LAYER_SIZES_NOTE = """
        The regressor's default is ``(100,)``, MLPRegressor's: on the one
        regression set of the benchmark with 3,000 training examples or
        more, three layers gave the same :math:`R^2` in more time."""
_REGRESSOR_SCORING = """    scoring : str, callable or None, default=None
        What early stopping follows: ``None`` for the validation loss (half
        the mean squared error of the standardized targets), or any
        scikit-learn scorer name or callable (``"r2"`` follows what
        MLPRegressor follows).
"""
_REGRESSOR_EARLY_STOPPING = """    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data (at random),
        or use ``X_val``/``y_val`` passed to fit, and stop when the
        validation score has not improved by ``tol`` for ``n_iter_no_change``
        epochs; the weights of the best epoch are restored. ``"auto"`` is on
        from 1,000 training examples (below, the held-out share is too small
        to follow), off for ``partial_fit`` and for ``solver="lbfgs"`` (which
        refuses a validation set: it has no epochs to monitor).
"""
_STANDARDIZE_TARGET = """    standardize_target : bool, default=True
        Train on ``(y - mean) / std`` (weighted by ``sample_weight``, per
        output) and map predictions back, so that targets in any units train
        with the same learning rates; the same as wrapping the model in
        ``TransformedTargetRegressor(transformer=StandardScaler())``. With
        False, the network learns y as it is, as the course would.
"""


class DeepNetRegressor(DeepNetwork, BaseNetworkRegressor):
    _hyperparameter_table = MappingProxyType({**DEEP_NET_ROWS, "standardize_target": Flag()})

    def __init__(
        self,
        hidden_layer_sizes=DEFAULT_HIDDEN_LAYER_SIZES,
        activation="relu",
        init="auto",
        solver="adam",
        learning_rate="auto",
        lr_schedule="auto",
        decay_rate=0.05,
        decay_steps=10,
        batch_size="auto",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        alpha=DEFAULT_ALPHA,
        alpha_l1=0.0,
        dropout=0.0,
        batch_norm=False,
        input_noise=0.0,
        early_stopping="auto",
        validation_fraction=0.1,
        scoring=None,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        standardize_target=True,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.init = init
        self.solver = solver
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.alpha = alpha
        self.alpha_l1 = alpha_l1
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.input_noise = input_noise
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.scoring = scoring
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.standardize_target = standardize_target

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        X_val: ArrayLike | None = None,
        y_val: ArrayLike | None = None,
        sample_weight_val: ArrayLike | None = None,
    ) -> DeepNetRegressor:
        """Fit the network to data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained in float32; anything else
            numeric in float64. Sparse CSR/CSC matrices are not densified.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values (several columns: one output unit each).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each example. The cost is the weighted
            mean of the per-example losses, so a weight of 2 is the same as
            repeating the example.
        X_val, y_val : array-like, default=None
            An explicit validation (dev) set, monitored after each epoch and
            used by ``early_stopping``. In a Pipeline, route it through the
            earlier steps with ``Pipeline(..., transform_input=["X_val"])``
            and metadata routing (see the user guide).
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation examples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)



DeepNetRegressor.__doc__ = (
    """An L-layer fully connected neural network regressor, as in the course.

    The network computes ``Z[l] = W[l] A[l-1] + b[l]`` and ``A[l] = g(Z[l])``
    for each hidden layer, then an identity output ``A[L] = Z[L]`` with one
    unit per target, trained by backpropagation on the course's squared-error
    cost ``J = 1/(2m) sum_i ||a(i) - y(i)||^2`` (plus the L2/L1 terms). Its
    output gradient is ``dZ[L] = A[L] - Y``, as for the classifiers' outputs.

"""
    + parameters_doc(
        scoring=_REGRESSOR_SCORING,
        early_stopping=_REGRESSOR_EARLY_STOPPING,
        alpha=DEFAULT_ALPHA,
        alpha_note=_ALPHA_NOTE,
        hidden_layer_sizes=DEFAULT_HIDDEN_LAYER_SIZES,
        hidden_layer_sizes_note=_HIDDEN_LAYER_SIZES_NOTE,
    )
    + _STANDARDIZE_TARGET
    + """
    Attributes
    ----------
    model_ : FittedModel
        Everything the fit learned, in one object published in one assignment:
        the parameters, batch-norm statistics, target encoding and the run's
        record. The attributes below are read from it.
    parameters_ : dict
        ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}`` in the course's
        shapes: ``W[l]`` is ``(n_l, n_{l-1})``, ``b[l]`` is ``(n_l, 1)``. The
        output layer predicts the standardized targets.
    coefs_ : list of ndarray
        ``coefs_[i]`` is ``W[i+1]`` transposed, MLPRegressor's layout.
    intercepts_ : list of ndarray
        ``intercepts_[i]`` is ``b[i+1]`` as a 1-d array.
    target_mean_ : ndarray of shape (n_outputs,)
        The targets' (weighted) mean, added back at prediction (0 with
        ``standardize_target=False``).
    target_scale_ : ndarray of shape (n_outputs,)
        The targets' (weighted) standard deviation, multiplied back at
        prediction (1 with ``standardize_target=False``, or for a constant target).
    batch_norm_stats_ : dict
        Batch norm's running statistics used at prediction time (empty
        without batch norm).
    loss_ : float
        The last epoch's training cost, ``loss_curve_[-1]``.
    loss_curve_ : list of float
        The cost of each epoch, on the standardized targets (MLPRegressor's
        is on y itself: multiply by ``target_scale_ ** 2`` to compare, for
        one output).
    best_loss_ : float
        The lowest cost reached.
    validation_loss_curve_ : list of float or None
        Half the validation mean squared error (standardized targets) after
        each epoch, with a validation set or ``early_stopping=True``.
    validation_scores_ : list of float or None
        The score early stopping follows after each epoch (greater is better).
    best_validation_score_ : float or None
        The best value in ``validation_scores_``.
    n_iter_ : int
        Number of epochs run (over all fits when ``warm_start=True``; one per
        ``partial_fit`` call).
    t_ : int
        Number of training examples seen by the solver.
    hidden_layer_sizes_ : tuple of int
        Units of each hidden layer of the fitted network: ``hidden_layer_sizes``,
        or the sizes ``"auto"`` chose for the data.
    n_layers_ : int
        Number of layers including the input layer, ``L + 1``.
    n_outputs_ : int
        Number of outputs.
    out_activation_ : str
        ``"identity"``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    DeepNetClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : scikit-learn's own network.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.model_selection import KFold, cross_val_score
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeep import DeepNetRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), DeepNetRegressor(alpha=3.0, random_state=0))
    >>> cv = KFold(5, shuffle=True, random_state=0)
    >>> bool(cross_val_score(model, X, y, cv=cv).mean() > 0.45)
    True
    """
)
