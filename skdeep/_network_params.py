"""Hyperparameters shared by DeepNetClassifier and DeepNetRegressor.

Their checks (each error names the parameter, the value and what it
accepts, and where MLPClassifier spells a setting differently, the skdeep
parameter that does it) and their translation into the network, the
optimizer and the run. The docstrings' shared parameter section lives here too.
"""

import math
import numbers

import numpy as np

from ._params import check_number, check_option, check_sequence
from .nn.activations import HIDDEN_ACTIVATIONS
from .nn.optimizers import Adagrad, Adam, GradientDescent, Momentum, RMSProp

SOLVERS = ("gd", "momentum", "rmsprop", "adagrad", "adam", "lbfgs")
#: ``learning_rate="auto"``: each solver's step size. Each trains the moons of
#: tests/test_defaults.py to 0.95 training accuracy; Adam's won on the tuning
#: half of benchmarks/real_data.py (against 1e-3, with early stopping).
AUTO_LEARNING_RATES = {"adam": 0.01, "rmsprop": 0.003, "adagrad": 0.05, "momentum": 0.3, "gd": 0.3}
#: batch_size="auto" cuts an epoch into at least this many mini-batches. With
#: MLPClassifier's min(200, m), an epoch on a few hundred rows is a single
#: step: 200 epochs are 200 steps, too few for the cost to settle (every fold
#: of the small many-class sets of benchmarks/real_data.py warned), and the
#: stopping rule's patience of n_iter_no_change epochs is as many steps. Four
#: was the fewest steps an epoch, of 1, 2, 4 and 8 tried on the tuning half,
#: that left no warning there.
AUTO_BATCH_MIN_STEPS = 4
#: ... but a batch of "auto" never has fewer examples than this: on tiny data
#: (up to 64 rows) training stays full batch, deterministic, and a weight of 2
#: stays exactly the same as a repeated row.
AUTO_BATCH_MIN_SIZE = 64
#: hidden_layer_sizes="auto": MLPClassifier's one hidden layer of 100 units
#: below AUTO_DEEP_MIN_SAMPLES training examples, three from there on. On
#: the tuning half of benchmarks/real_data.py, depth lost on the small sets
#: (ais, beps, leaf, wine: too little data to fit more weights) and won on
#: the large ones (txhousing +10, diseases +6 points over one layer). Any
#: threshold from 2,000 to 5,000 examples scored the same there (no tuning
#: set lies between); 3,000 is their middle on a log scale.
AUTO_HIDDEN_LAYERS = (100,)
AUTO_DEEP_HIDDEN_LAYERS = (100, 100, 100)
AUTO_DEEP_MIN_SAMPLES = 3000
SCHEDULES = ("auto", "constant", "inverse_time", "exponential", "step", "adaptive")
INITS = ("auto", "he", "xavier", "small", "zeros")
#: MLPClassifier's activation names that skdeep spells differently.
ACTIVATION_ALIASES = {"logistic": "sigmoid"}
#: MLPClassifier spellings with another skdeep name: what to write instead.
MLP_SPELLINGS = {
    ("solver", "sgd"): "solver='gd' (plain mini-batch gradient descent) or solver='momentum'",
    ("learning_rate", "constant"): "lr_schedule='constant' (learning_rate is the step size, a number)",
    ("learning_rate", "invscaling"): "lr_schedule='inverse_time' with decay_rate (learning_rate is the step size)",
    ("learning_rate", "adaptive"): "lr_schedule='adaptive' (learning_rate is the step size, a number)",
}

PARAMETERS_DOC = """    Parameters
    ----------
    hidden_layer_sizes : tuple of int or "auto", default={hidden_layer_sizes}
        Number of units of each hidden layer, the course's ``layers_dims``
        without the input and output sizes. ``()`` gives logistic regression.
        ``"auto"`` grows the network with the data: one hidden layer of 100
        units (MLPClassifier's default) below 3,000 training examples, three
        hidden layers of 100 from 3,000 (more data can fit a deeper network;
        see :doc:`/defaults`). ``partial_fit``, which sees one chunk at a
        time, builds one layer of 100; a warm start keeps the network it
        continues. The sizes fit chose are ``hidden_layer_sizes_``.{hidden_layer_sizes_note}
    activation : {"relu", "tanh", "sigmoid", "logistic", "leaky_relu", "identity"}, default="relu"
        Activation of the hidden layers (``"logistic"`` is MLPClassifier's
        name for ``"sigmoid"``).
    init : {"auto", "he", "xavier", "small", "zeros"} or float, default="auto"
        Weight initialization: ``W[l] = N(0, 1) * scale`` with scale
        ``sqrt(2 / n_{l-1})`` (he), ``1 / sqrt(n_{l-1})`` (xavier, the course's
        deep-network init) or ``0.01`` (small, the course's two-layer init);
        a number is the scale itself (the course's "large random"
        initialization is 10); ``"zeros"`` sets every weight to 0 (which, as
        the course shows, never breaks the symmetry between hidden units).
        ``"auto"`` is xavier (also for ReLU: it is robust to unscaled
        inputs, where He's larger draws learn slower). Biases start at zero.
    solver : {"adam", "gd", "momentum", "rmsprop", "adagrad", "lbfgs"}, default="adam"
        Optimizer. ``"gd"`` is the course's (mini-)batch gradient descent
        (stochastic with ``batch_size=1``); ``"momentum"``, ``"rmsprop"``,
        ``"adagrad"`` and ``"adam"`` are the course's second-part optimizers;
        ``"lbfgs"`` is scipy's quasi-Newton method on the full batch (no
        learning rate, no mini-batches, no dropout or input noise), often best
        for small data sets.
    learning_rate : float or "auto", default="auto"
        Step size, the course's ``learning_rate`` (``alpha``). ``"auto"`` is
        each solver's own: 0.01 for adam, 0.003 for rmsprop, 0.05 for
        adagrad, 0.3 for gd and momentum (unused by lbfgs). Plain gradient
        descent wants a much larger step than the adaptive methods.
    lr_schedule : {"auto", "constant", "inverse_time", "exponential", "step", "adaptive"}, default="auto"
        Learning-rate decay over epochs t = 0, 1, ..., for every solver but
        lbfgs: ``lr / (1 + decay_rate t)`` (inverse_time),
        ``lr (1 - decay_rate)^t`` (exponential), ``lr / (1 + decay_rate
        floor(t / decay_steps))`` (step, the course's fixed-interval
        scheduling); ``"adaptive"`` divides the rate by 5 each time the
        monitored cost fails to improve by ``tol`` for ``n_iter_no_change``
        epochs and stops when it falls below 1e-6. ``"auto"``: with early
        stopping on, adaptive, but stopping at the second stall (the rate
        divided by 5 once); without, constant.
    decay_rate : float, default=0.05
        The ``decay_rate`` of the schedules above.
    decay_steps : int, default=10
        Epochs between two decays of the "step" schedule.
    batch_size : int, "auto" or None, default="auto"
        Examples per mini-batch. ``None`` trains on the full batch, as the
        course does; ``"auto"`` uses ``min(200, n_samples, max(64,
        ceil(n_samples / 4)))``: above 64 examples an epoch takes two or
        more steps, four or more from 193, where MLPClassifier's ``"auto"``,
        ``min(200, n_samples)``, takes a single one below 200; data of up to
        64 examples train on the full batch.
    max_iter : int, default=200
        Maximum number of epochs (passes over the data).
    tol : float, default=1e-4
        Training stops when the epoch's cost (or, with a validation set and
        ``early_stopping``, the validation score) has not improved by at least
        ``tol`` for ``n_iter_no_change`` consecutive epochs. With ``tol=0``,
        no early stopping and no adaptive schedule, every one of the
        ``max_iter`` epochs runs, as in the course.
    n_iter_no_change : int or inf, default=10
        Patience of the stopping rule above, in epochs (``np.inf``: never
        stop on it).
    alpha : float, default={alpha}
        L2 regularization strength, the course's ``lambda``: the cost is
        ``J + alpha / (2 m) * sum_l ||W[l]||_F^2`` with ``m`` the (weighted)
        number of training examples, whatever the batch size. (So the penalty
        per example shrinks as data grows; on large data early stopping
        does most of the regularizing.) {alpha_note}
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
{early_stopping}    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True`` and
        no validation set is passed to fit.
{scoring}    shuffle : bool, default=True
        Reshuffle the examples before each epoch of mini-batches.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialization and the shuffling. ``random_state=1``
        with the course's configuration reproduces its costs.
    warm_start : bool, default=False
        Continue from the previous fit's weights and optimizer state.
    verbose : int or bool, default=0
        Print the cost of each epoch when positive, and why training
        stopped (and which epoch's weights the model keeps).
    beta_1 : float, default=0.9
        Decay of the first-moment (velocity) average: Adam's ``beta_1`` and
        the ``beta`` of momentum.
    beta_2 : float, default=0.999
        Decay of the squared-gradient average: Adam's ``beta_2`` and the
        ``beta`` of RMSProp.
    epsilon : float, default=1e-8
        Numerical-stability term of Adam, RMSProp and Adagrad.

"""


def parameters_doc(scoring, early_stopping, alpha, alpha_note, hidden_layer_sizes, hidden_layer_sizes_note=""):
    """The shared Parameters section, with the estimator's own ``scoring``, ``early_stopping``,
    ``alpha`` and ``hidden_layer_sizes``."""
    return (
        PARAMETERS_DOC.replace("{hidden_layer_sizes}", repr(hidden_layer_sizes))
        .replace("{hidden_layer_sizes_note}", hidden_layer_sizes_note)
        .replace("{scoring}", scoring)
        .replace("{early_stopping}", early_stopping)
        .replace("{alpha}", repr(alpha))
        .replace("{alpha_note}", alpha_note)
    )


def _mlp_spelling(value, name):
    """Raise a ValueError naming the skdeep parameter for an MLPClassifier spelling."""
    if isinstance(value, str) and (name, value) in MLP_SPELLINGS:
        raise ValueError(
            f"{name}={value!r} is MLPClassifier's spelling; in skdeep use {MLP_SPELLINGS[name, value]}."
        )


class DeepNetworkMixin:
    """Checks and specs of the deep networks' hyperparameters (``_spec_*`` hooks)."""

    def _check_hyperparameters(self):
        self._fixed_hidden_layers()
        check_option(self._spec_activation(), "activation", (*HIDDEN_ACTIVATIONS, *ACTIVATION_ALIASES))
        if not (isinstance(self.init, numbers.Real) and not isinstance(self.init, (bool, np.bool_))):
            check_option(self.init, "init", INITS)
        else:
            check_number(self.init, "init", low=0)
        _mlp_spelling(self.solver, "solver")
        check_option(self.solver, "solver", SOLVERS)
        _mlp_spelling(self.learning_rate, "learning_rate")
        if not (isinstance(self.learning_rate, str) and self.learning_rate == "auto"):
            if isinstance(self.learning_rate, str):
                raise ValueError(f"learning_rate must be a positive number or 'auto'; got {self.learning_rate!r}.")
            check_number(self.learning_rate, "learning_rate", low=0, low_open=True)
        if self.batch_size is not None and self.batch_size != "auto":
            if isinstance(self.batch_size, str):
                raise ValueError(f"batch_size must be a positive integer, 'auto' or None; got {self.batch_size!r}.")
            check_number(self.batch_size, "batch_size", integer=True, low=1)
        check_number(self.max_iter, "max_iter", integer=True, low=1)
        check_number(self.tol, "tol", low=0)
        if not (isinstance(self.n_iter_no_change, numbers.Real) and self.n_iter_no_change == np.inf):
            check_number(self.n_iter_no_change, "n_iter_no_change", integer=True, low=1)
        check_number(self.alpha, "alpha", low=0)
        if not isinstance(self.verbose, (bool, np.bool_)):
            check_number(self.verbose, "verbose", integer=True, low=0)
        check_number(self.beta_1, "beta_1", low=0, high=1, high_open=True)
        check_number(self.beta_2, "beta_2", low=0, high=1, high_open=True)
        check_number(self.epsilon, "epsilon", low=0, low_open=True)
        check_option(self.lr_schedule, "lr_schedule", SCHEDULES)
        check_number(
            self.decay_rate, "decay_rate", low=0, high=1 if self.lr_schedule == "exponential" else None, high_open=True
        )
        check_number(self.decay_steps, "decay_steps", integer=True, low=1)
        check_number(self.alpha_l1, "alpha_l1", low=0)
        dropout = self._dropout_rates()
        fixed_layers = self._fixed_hidden_layers()
        if fixed_layers is not None:  # with "auto", the depth a tuple must match is known at fit
            self._spec_keep_prob(len(fixed_layers))
        check_number(self.input_noise, "input_noise", low=0)
        for flag in ("batch_norm", "shuffle", "warm_start"):
            if not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise TypeError(f"{flag} must be True or False, got {getattr(self, flag)!r}.")
        if not (isinstance(self.early_stopping, (bool, np.bool_)) or self.early_stopping == "auto"):
            raise TypeError(f"early_stopping must be True, False or 'auto', got {self.early_stopping!r}.")
        check_number(self.validation_fraction, "validation_fraction", low=0, low_open=True, high=1, high_open=True)
        if self.scoring is not None and not isinstance(self.scoring, str) and not callable(self.scoring):
            raise ValueError(f"scoring must be None, a scorer name or a callable; got {self.scoring!r}.")
        if self.solver == "lbfgs" and (self.input_noise > 0 or np.any(np.asarray(dropout) > 0)):
            raise ValueError(
                "solver='lbfgs' minimizes one deterministic full-batch cost; dropout and input_noise "
                "need a stochastic solver (gd, momentum, rmsprop, adagrad or adam)."
            )

    def _fixed_hidden_layers(self):
        """The hidden layer sizes given, checked: a tuple, or None for "auto"."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, str):
            if sizes == "auto":
                return None
            raise ValueError(f"hidden_layer_sizes must be a tuple of positive integers or 'auto'; got {sizes!r}.")
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        sizes = check_sequence(sizes, "hidden_layer_sizes", "a tuple of positive integers or 'auto'")
        for i, size in enumerate(sizes):
            check_number(size, f"hidden_layer_sizes[{i}]", integer=True, low=1)
        return tuple(int(size) for size in sizes)

    def _spec_hidden_layers(self, n_samples=None, previous=None):
        """Sizes of the hidden layers of a fit on ``n_samples`` examples.

        ``"auto"`` keeps ``previous`` (the sizes of the network a warm fit
        continues) and otherwise follows the data's size; ``n_samples=None``
        (partial_fit, which never sees the whole data) builds one layer.
        """
        fixed = self._fixed_hidden_layers()
        if fixed is not None:
            return fixed
        if previous is not None:
            return tuple(previous)
        if n_samples is not None and n_samples >= AUTO_DEEP_MIN_SAMPLES:
            return AUTO_DEEP_HIDDEN_LAYERS
        return AUTO_HIDDEN_LAYERS

    def _spec_activation(self):
        return ACTIVATION_ALIASES.get(self.activation, self.activation)

    def _spec_init(self):
        if isinstance(self.init, str) and self.init == "auto":
            # xavier for every activation, ReLU too: on unscaled inputs (feature
            # std 3) He's larger draws learned much slower (13 epochs to the
            # held-out accuracy MLPClassifier reaches in 10; xavier took 8).
            return "xavier"
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

    def _dropout_rates(self):
        """``dropout`` checked: one rate for every hidden layer, or a tuple of one per layer."""
        rates = self.dropout
        if isinstance(rates, numbers.Real) and not isinstance(rates, bool):
            check_number(rates, "dropout", low=0, high=1, high_open=True)
            return rates
        rates = check_sequence(rates, "dropout", "a float or a tuple of floats (one per hidden layer)")
        for i, rate in enumerate(rates):
            check_number(rate, f"dropout[{i}]", low=0, high=1, high_open=True)
        return rates

    def _spec_keep_prob(self, n_hidden):
        """Dropout's keep probability for each of ``n_hidden`` hidden layers (None: no dropout)."""
        rates = self._dropout_rates()
        if not isinstance(rates, tuple):
            return None if rates == 0 else (1.0 - rates,) * n_hidden
        if len(rates) != n_hidden:
            chosen = ""
            if self._fixed_hidden_layers() is None:
                chosen = (
                    f" (hidden_layer_sizes='auto' builds {len(AUTO_HIDDEN_LAYERS)} below "
                    f"{AUTO_DEEP_MIN_SAMPLES} training examples and {len(AUTO_DEEP_HIDDEN_LAYERS)} from there on: "
                    "give dropout as one float for every layer, or set hidden_layer_sizes)"
                )
            raise ValueError(
                f"dropout has {len(rates)} rates but the network has {n_hidden} hidden layers{chosen}."
            )
        return None if all(rate == 0 for rate in rates) else tuple(1.0 - rate for rate in rates)

    def _spec_batch_norm(self):
        return bool(self.batch_norm)

    def _spec_batch_size(self, n_samples):
        if self.batch_size is None or self.solver == "lbfgs":
            return n_samples
        if self.batch_size == "auto":
            return min(200, n_samples, max(AUTO_BATCH_MIN_SIZE, math.ceil(n_samples / AUTO_BATCH_MIN_STEPS)))
        return min(self.batch_size, n_samples)

    def _spec_learning_rate(self, X, sample_weight, n_outputs, partial):
        if isinstance(self.learning_rate, str):  # "auto"
            return AUTO_LEARNING_RATES.get(self.solver, 0.0)  # lbfgs: no learning rate
        return float(self.learning_rate)

    def _set_layer_attributes(self):
        n_layers = self.n_layers_ - 1
        self.hidden_layer_sizes_ = tuple(self.parameters_[f"W{l}"].shape[0] for l in range(1, n_layers))
        self.coefs_ = [self.parameters_[f"W{l}"].T for l in range(1, n_layers + 1)]
        self.intercepts_ = [self.parameters_[f"b{l}"].ravel() for l in range(1, n_layers + 1)]
