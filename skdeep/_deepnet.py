"""DeepNetClassifier: the course's L-layer network as a scikit-learn classifier."""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike

from ._base import BaseNetworkClassifier
from ._params import check_class_weight, check_number, check_option, check_sequence
from .nn.activations import HIDDEN_ACTIVATIONS
from .nn.optimizers import Adagrad, Adam, GradientDescent, Momentum, RMSProp

SOLVERS = ("gd", "momentum", "rmsprop", "adagrad", "adam", "lbfgs")
SCHEDULES = ("constant", "inverse_time", "exponential", "step", "adaptive")
INITS = ("auto", "he", "xavier", "small")


class DeepNetClassifier(BaseNetworkClassifier):
    """An L-layer fully connected neural network classifier, as in the course.

    The network computes ``Z[l] = W[l] A[l-1] + b[l]`` and
    ``A[l] = g(Z[l])`` for each hidden layer, then a sigmoid output for binary
    targets (one unit, the course's setting), a softmax for multiclass
    targets, or independent sigmoids for a multilabel indicator matrix; it is
    trained on the matching cross-entropy by backpropagation.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Number of units of each hidden layer, the course's ``layers_dims``
        without the input and output sizes. ``()`` gives logistic regression.
    activation : {"relu", "tanh", "sigmoid", "leaky_relu", "identity"}, default="relu"
        Activation of the hidden layers.
    init : {"auto", "he", "xavier", "small"}, default="auto"
        Weight initialization: ``W[l] = N(0, 1) * scale`` with scale
        ``sqrt(2 / n_{l-1})`` (he), ``1 / sqrt(n_{l-1})`` (xavier, the course's
        deep-network init) or ``0.01`` (small, the course's two-layer init).
        ``"auto"`` is he for the relu family and xavier otherwise. Biases
        start at zero.
    solver : {"adam", "gd", "momentum", "rmsprop", "adagrad", "lbfgs"}, default="adam"
        Optimizer. ``"gd"`` is the course's (mini-)batch gradient descent
        (stochastic with ``batch_size=1``); ``"momentum"``, ``"rmsprop"``,
        ``"adagrad"`` and ``"adam"`` are the course's second-part optimizers;
        ``"lbfgs"`` is scipy's quasi-Newton method on the full batch (no
        learning rate, no mini-batches, no dropout or input noise), often best
        for small data sets.
    learning_rate : float, default=0.01
        Step size, the course's ``learning_rate`` (``alpha``). Plain ``"gd"``
        typically wants a larger one (0.01 to 0.1) than ``"adam"``.
    lr_schedule : {"constant", "inverse_time", "exponential", "step", "adaptive"}, default="constant"
        Learning-rate decay over epochs t = 0, 1, ..., for every solver but
        lbfgs: ``lr / (1 + decay_rate t)`` (inverse_time),
        ``lr (1 - decay_rate)^t`` (exponential), ``lr / (1 + decay_rate
        floor(t / decay_steps))`` (step, the course's fixed-interval
        scheduling); ``"adaptive"`` divides the rate by 5 each time the
        monitored cost fails to improve by ``tol`` for ``n_iter_no_change``
        epochs and stops when it falls below 1e-6.
    decay_rate : float, default=0.05
        The ``decay_rate`` of the schedules above.
    decay_steps : int, default=10
        Epochs between two decays of the "step" schedule.
    batch_size : int, "auto" or None, default="auto"
        Examples per mini-batch. ``None`` trains on the full batch, as the
        course does; ``"auto"`` uses ``min(200, n_samples)``.
    max_iter : int, default=200
        Maximum number of epochs (passes over the data).
    tol : float, default=1e-4
        Training stops when the epoch's cost (or, with a validation set and
        ``early_stopping``, the validation score) has not improved by at least
        ``tol`` for ``n_iter_no_change`` consecutive epochs. With ``tol=0``,
        no early stopping and no adaptive schedule, every one of the
        ``max_iter`` epochs runs, as in the course.
    n_iter_no_change : int, default=10
        Patience of the stopping rule above, in epochs.
    alpha : float, default=0.3
        L2 regularization strength, the course's ``lambda``: the cost is
        ``J + alpha / (2 m) * sum_l ||W[l]||_F^2`` with ``m`` the (weighted)
        number of training examples, whatever the batch size.
    alpha_l1 : float, default=0.0
        L1 regularization strength: adds ``alpha_l1 / m * sum_l |W[l]|`` to
        the cost, which drives weights to zero.
    dropout : float or tuple of float, default=0.0
        Inverted dropout: the probability of dropping each hidden unit during
        training (the course's ``1 - keep_prob``), one rate for every hidden
        layer or one per hidden layer. Off at prediction time.
    batch_norm : bool, default=False
        Batch-normalize every hidden layer: ``Z_norm = (Z - mu) / sqrt(var +
        eps)``, then ``gamma Z_norm + beta`` with learned ``gamma`` and
        ``beta`` (``beta`` replaces ``b``, which stays 0). Predictions use the
        running averages of the batch statistics.
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to the inputs of each
        training batch (data augmentation for tabular data; inputs are best
        standardized). Off at prediction time.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified),
        or use ``X_val``/``y_val`` passed to fit, and stop when the
        validation score has not improved by ``tol`` for ``n_iter_no_change``
        epochs; the weights of the best epoch are restored.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True`` and
        no validation set is passed to fit.
    scoring : str, callable or None, default=None
        What early stopping follows: ``None`` for the validation loss
        (cross-entropy), or any scikit-learn scorer name or callable.
    shuffle : bool, default=True
        Reshuffle the examples before each epoch of mini-batches.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialization and the shuffling. ``random_state=1``
        with the course's configuration reproduces its costs.
    warm_start : bool, default=False
        Continue from the previous fit's weights and optimizer state.
    verbose : int, default=0
        Print the cost of each epoch when positive.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``
        (not for multilabel targets).
    beta_1 : float, default=0.9
        Decay of the first-moment (velocity) average: Adam's ``beta_1`` and
        the ``beta`` of momentum.
    beta_2 : float, default=0.999
        Decay of the squared-gradient average: Adam's ``beta_2`` and the
        ``beta`` of RMSProp.
    epsilon : float, default=1e-8
        Numerical-stability term of Adam, RMSProp and Adagrad.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (label indices for multilabel targets).
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
    loss_curve_ : list of float
        The cost of each epoch (for full batch, ``loss_curve_[i]`` is the cost
        before update ``i``; for mini-batches, the weighted mean of the
        mini-batch costs).
    best_loss_ : float
        The lowest cost reached.
    validation_loss_curve_ : list of float
        The validation cross-entropy after each epoch (with a validation set
        or ``early_stopping=True``), computed exactly from the logits (unlike
        :func:`sklearn.metrics.log_loss`, which clips probabilities) and
        without the L2/L1 terms that ``loss_curve_`` includes.
    validation_scores_ : list of float
        The score early stopping follows after each epoch (greater is better;
        the negative validation loss when ``scoring=None``).
    best_validation_score_ : float
        The best value in ``validation_scores_``.
    n_iter_ : int
        Number of epochs run (over all fits when ``warm_start=True``).
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

    _accepts_multilabel = True

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        init="auto",
        solver="adam",
        learning_rate=0.01,
        lr_schedule="constant",
        decay_rate=0.05,
        decay_steps=10,
        batch_size="auto",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        alpha=0.3,
        alpha_l1=0.0,
        dropout=0.0,
        batch_norm=False,
        input_noise=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        scoring=None,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=0,
        class_weight=None,
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
            ``early_stopping``. In a Pipeline, note that X_val does not go
            through the pipeline's earlier steps.
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation examples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val, y_val, sample_weight_val)

    def _check_hyperparameters(self):
        self._spec_hidden_layers()
        check_option(self.activation, "activation", tuple(HIDDEN_ACTIVATIONS))
        check_option(self.init, "init", INITS)
        check_option(self.solver, "solver", SOLVERS)
        check_number(self.learning_rate, "learning_rate", low=0, low_open=True)
        if self.batch_size is not None and self.batch_size != "auto":
            if isinstance(self.batch_size, str):
                raise ValueError(f"batch_size must be a positive integer, 'auto' or None; got {self.batch_size!r}.")
            check_number(self.batch_size, "batch_size", integer=True, low=1)
        check_number(self.max_iter, "max_iter", integer=True, low=1)
        check_number(self.tol, "tol", low=0)
        check_number(self.n_iter_no_change, "n_iter_no_change", integer=True, low=1)
        check_number(self.alpha, "alpha", low=0)
        check_number(self.verbose, "verbose", integer=True, low=0)
        check_class_weight(self.class_weight)
        check_number(self.beta_1, "beta_1", low=0, high=1, high_open=True)
        check_number(self.beta_2, "beta_2", low=0, high=1, high_open=True)
        check_number(self.epsilon, "epsilon", low=0, low_open=True)
        check_option(self.lr_schedule, "lr_schedule", SCHEDULES)
        check_number(
            self.decay_rate, "decay_rate", low=0, high=1 if self.lr_schedule == "exponential" else None, high_open=True
        )
        check_number(self.decay_steps, "decay_steps", integer=True, low=1)
        check_number(self.alpha_l1, "alpha_l1", low=0)
        self._spec_keep_prob(len(self._spec_hidden_layers()))
        check_number(self.input_noise, "input_noise", low=0)
        if not isinstance(self.batch_norm, (bool, np.bool_)):
            raise TypeError(f"batch_norm must be True or False, got {self.batch_norm!r}.")
        if not isinstance(self.early_stopping, (bool, np.bool_)):
            raise TypeError(f"early_stopping must be True or False, got {self.early_stopping!r}.")
        check_number(self.validation_fraction, "validation_fraction", low=0, low_open=True, high=1, high_open=True)
        if self.scoring is not None and not isinstance(self.scoring, str) and not callable(self.scoring):
            raise ValueError(f"scoring must be None, a scorer name or a callable; got {self.scoring!r}.")
        if self.solver == "lbfgs" and (self.input_noise > 0 or self._spec_keep_prob(1) is not None):
            raise ValueError(
                "solver='lbfgs' minimizes one deterministic full-batch cost; dropout and input_noise "
                "need a stochastic solver (gd, momentum, rmsprop, adagrad or adam)."
            )

    def _spec_hidden_layers(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        sizes = check_sequence(sizes, "hidden_layer_sizes", "a tuple of positive integers")
        for i, size in enumerate(sizes):
            check_number(size, f"hidden_layer_sizes[{i}]", integer=True, low=1)
        return tuple(int(size) for size in sizes)

    def _spec_activation(self):
        return self.activation

    def _spec_init(self):
        if self.init == "auto":
            return "he" if self.activation in ("relu", "leaky_relu") else "xavier"
        return self.init

    def _spec_optimizer(self, n_params, dtype):
        if self.solver == "gd":
            return GradientDescent(n_params, dtype)
        if self.solver == "momentum":
            return Momentum(n_params, dtype, beta=self.beta_1)
        if self.solver == "rmsprop":
            return RMSProp(n_params, dtype, beta=self.beta_2, epsilon=self.epsilon)
        if self.solver == "lbfgs":
            return None  # scipy drives the updates
        if self.solver == "adagrad":
            return Adagrad(n_params, dtype, epsilon=self.epsilon)
        return Adam(n_params, dtype, beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)

    def _spec_keep_prob(self, n_hidden):
        rates = self.dropout
        if isinstance(rates, numbers.Real) and not isinstance(rates, bool):
            check_number(rates, "dropout", low=0, high=1, high_open=True)
            return None if rates == 0 else (1.0 - rates,) * n_hidden
        rates = check_sequence(rates, "dropout", "a float or a tuple of floats (one per hidden layer)")
        if len(rates) != n_hidden:
            raise ValueError(f"dropout has {len(rates)} rates but the network has {n_hidden} hidden layers.")
        for i, rate in enumerate(rates):
            check_number(rate, f"dropout[{i}]", low=0, high=1, high_open=True)
        return None if all(rate == 0 for rate in rates) else tuple(1.0 - rate for rate in rates)

    def _spec_batch_norm(self):
        return bool(self.batch_norm)

    def _spec_batch_size(self, n_samples):
        if self.batch_size is None or self.solver == "lbfgs":
            return n_samples
        if self.batch_size == "auto":
            return min(200, n_samples)
        return min(self.batch_size, n_samples)

    def _spec_learning_rate(self, X, sample_weight, n_outputs):
        return float(self.learning_rate)

    def _set_layer_attributes(self):
        n_layers = self.n_layers_ - 1
        self.coefs_ = [self.parameters_[f"W{l}"].T for l in range(1, n_layers + 1)]
        self.intercepts_ = [self.parameters_[f"b{l}"].ravel() for l in range(1, n_layers + 1)]
