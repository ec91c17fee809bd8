"""DeepNetClassifier: the course's L-layer network as a scikit-learn classifier."""

from __future__ import annotations

from types import MappingProxyType

from numpy.typing import ArrayLike

from ._deep_net import AUTO_EARLY_STOPPING_MIN_SAMPLES, DEEP_NET_ROWS, DeepNetwork
from ._deep_net_docs import parameters_doc
from ._estimator import fitted_attribute
from ._hyperparameters import CLASS_WEIGHT_ROW
from ._network_classifier import BaseNetworkClassifier

_CLASSIFIER_SCORING = """    scoring : str, callable or None, default=None
        What early stopping follows: ``None`` for the validation loss
        (cross-entropy), or any scikit-learn scorer name or callable
        (``"accuracy"`` follows what MLPClassifier follows).
"""
_CLASSIFIER_EARLY_STOPPING = """    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data (stratified),
        or use ``X_val``/``y_val`` passed to fit, and stop when the
        validation score has not improved by ``tol`` for ``n_iter_no_change``
        epochs; the weights of the best epoch are restored. ``"auto"`` is on
        from 1,000 training examples (below, the held-out share is too small
        to follow), off for ``partial_fit`` and for ``solver="lbfgs"`` (which
        refuses a validation set: it has no epochs to monitor).
"""
#: The default L2 strength, chosen on the tuning half of benchmarks/real_data.py
#: (1, 1.5, 2 and 3 compared at the other defaults, three seeds each: 1.5 had
#: the best mean accuracy and no set a point behind MLPClassifier; 2 and 3
#: over-regularize the small many-class sets).
DEFAULT_ALPHA = 1.5
_ALPHA_NOTE = """The regressor's default is 3.0:
        its squared error on a standardized target weighs the penalty
        differently from the cross-entropy."""
CALIBRATIONS = ("auto", "temperature")
#: calibration="auto" cross-fits (trains CROSS_FIT_FOLDS more networks) below this many
#: examples; from there on early_stopping="auto" holds a validation share out, which
#: calibrates for free.
AUTO_CROSS_FIT_MAX_SAMPLES = AUTO_EARLY_STOPPING_MIN_SAMPLES


def _calibration_rule(value, name, checked):
    """``calibration``: "auto", "temperature" or None."""
    if value is None or (isinstance(value, str) and value in CALIBRATIONS):
        return value
    raise ValueError(f"{name} must be 'auto', 'temperature' or None; got {value!r}.")


CALIBRATION_ROW = {"calibration": _calibration_rule}
_CALIBRATION = """    calibration : {"auto", "temperature"} or None, default="auto"
        How ``predict_proba`` turns the network's outputs into probabilities.
        A network trained until its cost stops falling is usually too sure of
        itself; temperature scaling divides its logits by one number,
        ``temperature_`` (between 1 and 20: it only softens), chosen for the
        lowest cross-entropy on examples the network did not train on (see
        :mod:`skdeep.nn.calibration`). No label changes: ``predict`` is the
        same with any temperature.

        - ``"temperature"``: on the held-out examples when the fit has some
          (early stopping's share, or ``X_val``); otherwise by a cross-fit:
          three more networks, each trained as this one on two thirds of the
          examples, predict the third they did not see. The fitted network
          is the same as without calibration.
        - ``"auto"``: the same, but the cross-fit (about three times the fit's
          time) only below 1,000 examples, where fits are cheap; from 1,000
          examples ``early_stopping="auto"`` holds examples out anyway. With
          ``early_stopping=False`` on more data, no calibration.
        - ``None``: the network's own probabilities (``temperature_`` is 1),
          as MLPClassifier gives them.

        ``partial_fit`` does not calibrate, nor does a ``warm_start`` fit
        without held-out examples (the cross-fit's networks train from
        scratch, unlike the continued one): both keep the temperature of the
        fit before them (1 for a model built by ``partial_fit``).
"""
_CLASS_WEIGHT = """    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``
        (not for multilabel targets).
"""


class DeepNetClassifier(DeepNetwork, BaseNetworkClassifier):
    _accepts_multilabel = True
    _hyperparameter_table = MappingProxyType({**DEEP_NET_ROWS, **CLASS_WEIGHT_ROW, **CALIBRATION_ROW})

    temperature_ = fitted_attribute(lambda model: model.targets.temperature)

    def _calibration(self, hp, n_samples, validation, warm):
        """How this fit calibrates: on its held-out set when it has one; otherwise by a
        cross-fit, with ``"auto"`` only below ``AUTO_CROSS_FIT_MAX_SAMPLES`` examples.
        A warm start without a held-out set keeps the temperature it has: a cross-fit
        trains from scratch, so its networks would not be like the one continued."""
        if hp["calibration"] is None:
            return None
        if validation is not None:
            return "held out"
        if warm:
            return None
        if hp["calibration"] == "temperature" or n_samples < AUTO_CROSS_FIT_MAX_SAMPLES:
            return "cross-fit"
        return None

    def __init__(
        self,
        hidden_layer_sizes="auto",
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
        class_weight=None,
        calibration="auto",
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
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
        self.class_weight = class_weight
        self.calibration = calibration
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        X_val: ArrayLike | None = None,
        y_val: ArrayLike | None = None,
        sample_weight_val: ArrayLike | None = None,
    ) -> DeepNetClassifier:
        """Fit the network to data X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained in float32; anything else
            numeric in float64. Sparse CSR/CSC matrices are not densified.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Target labels, or a label indicator matrix for multilabel
            classification.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each example. The cost is the weighted
            mean of the per-example losses, so a weight of 2 is the same as
            repeating the example.
        X_val, y_val : array-like, default=None
            An explicit validation (dev) set, monitored after each epoch
            (``validation_loss_curve_``, ``validation_scores_``) and used by
            ``early_stopping``. In a Pipeline, route it through the earlier
            steps with ``Pipeline(..., transform_input=["X_val"])`` and
            metadata routing (see the user guide).
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation examples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)


DeepNetClassifier.__doc__ = (
    """An L-layer fully connected neural network classifier, as in the course.

    The network computes ``Z[l] = W[l] A[l-1] + b[l]`` and
    ``A[l] = g(Z[l])`` for each hidden layer, then a sigmoid output for binary
    targets (one unit, the course's setting), a softmax for multiclass
    targets, or independent sigmoids for a multilabel indicator matrix; it is
    trained on the matching cross-entropy by backpropagation.

"""
    + parameters_doc(
        scoring=_CLASSIFIER_SCORING,
        early_stopping=_CLASSIFIER_EARLY_STOPPING,
        alpha=DEFAULT_ALPHA,
        alpha_note=_ALPHA_NOTE,
        hidden_layer_sizes="auto",
    )
    + _CLASS_WEIGHT
    + _CALIBRATION
    + """
    Attributes
    ----------
    model_ : FittedModel
        Everything the fit learned, in one object published in one assignment:
        the parameters, batch-norm statistics, target encoding and the run's
        record. The attributes below are read from it.
    classes_ : ndarray of shape (n_classes,)
        Class labels (label indices for multilabel targets).
    temperature_ : float
        What the logits are divided by before the output's sigmoid or
        softmax in ``predict_proba`` (see ``calibration``; 1.0 when the fit
        did not calibrate).
    parameters_ : dict
        ``{"W1": ..., "b1": ..., ..., "WL": ..., "bL": ...}`` in the course's
        shapes: ``W[l]`` is ``(n_l, n_{l-1})``, ``b[l]`` is ``(n_l, 1)``.
    coefs_ : list of ndarray
        ``coefs_[i]`` is ``W[i+1]`` transposed, MLPClassifier's layout.
    intercepts_ : list of ndarray
        ``intercepts_[i]`` is ``b[i+1]`` as a 1-d array.
    batch_norm_stats_ : dict
        Batch norm's running statistics ``{"mean1": ..., "var1": ...}`` used
        at prediction time (empty without batch norm).
    loss_ : float
        The last epoch's training cost, ``loss_curve_[-1]`` (MLPClassifier's
        ``loss_``).
    loss_curve_ : list of float
        The cost of each epoch (for full batch, ``loss_curve_[i]`` is the cost
        before update ``i``; for mini-batches, the weighted mean of the
        mini-batch costs).
    best_loss_ : float
        The lowest cost reached.
    validation_loss_curve_ : list of float or None
        The validation cross-entropy after each epoch (with a validation set
        or ``early_stopping=True``; None without), computed exactly from the logits (unlike
        :func:`sklearn.metrics.log_loss`, which clips probabilities) and
        without the L2/L1 terms that ``loss_curve_`` includes.
    validation_scores_ : list of float or None
        The score early stopping follows after each epoch (greater is better;
        the negative validation loss when ``scoring=None``, so unlike
        MLPClassifier's accuracies these are negative numbers); None without
        a validation set.
    best_validation_score_ : float or None
        The best value in ``validation_scores_``.
    n_iter_ : int
        Number of epochs run (over all fits when ``warm_start=True``; one per
        ``partial_fit`` call).
    t_ : int
        Number of training examples seen by the solver, MLPClassifier's
        ``t_``: the training rows times the epochs.
    hidden_layer_sizes_ : tuple of int
        Units of each hidden layer of the fitted network: ``hidden_layer_sizes``,
        or the sizes ``"auto"`` chose for the data.
    n_layers_ : int
        Number of layers including the input layer, ``L + 1``.
    n_outputs_ : int
        Number of output units.
    out_activation_ : str
        ``"sigmoid"`` or ``"softmax"``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    DeepNetRegressor : The same network for regression.
    LogisticRegressionGD : The network without hidden layers.
    sklearn.neural_network.MLPClassifier : scikit-learn's own network.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skdeep import DeepNetClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), DeepNetClassifier(random_state=0))
    >>> model.fit(X, y).score(X, y) > 0.99
    True
    """
)
