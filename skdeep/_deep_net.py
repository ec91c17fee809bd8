"""What DeepNetClassifier and DeepNetRegressor share: their hyperparameters and the run they describe.

The table of their hyperparameters' checks (each error names the parameter,
the value and what it accepts, and where MLPClassifier spells a setting
differently, the skdeep parameter that does it), the ``"auto"`` rules, and
their translation into a :class:`~skdeep._run_plan.RunPlan`: the network,
the optimizer and the run.
"""

import math
import numbers

import numpy as np
import scipy.sparse as sp

from ._estimator import fitted_attribute
from ._hyperparameters import (
    NON_NEGATIVE,
    POSITIVE_INTEGER,
    SHARED_ROWS,
    Anything,
    AutoOr,
    Flag,
    Interval,
    Options,
    check_number,
    check_option,
    check_sequence,
    is_auto,
)
from ._run_plan import NetworkLayout, RunPlan
from ._training import LbfgsSteps, MiniBatchSteps, RunSpec
from ._warnings import warn
from .nn.activations import HIDDEN_ACTIVATIONS
from .nn.optimizers import Adagrad, Adam, GradientDescent, Momentum, RMSProp
from .nn.schedules import ADAPTIVE_DIVISOR, ADAPTIVE_MIN_LEARNING_RATE

SOLVERS = ("gd", "momentum", "rmsprop", "adagrad", "adam", "lbfgs")
#: ``learning_rate="auto"``: each solver's step size. Each trains the moons of
#: tests/test_defaults.py to 0.95 training accuracy; Adam's won on the tuning
#: half of benchmarks/real_data.py (against 1e-3, with early stopping).
AUTO_LEARNING_RATES = {"adam": 0.01, "rmsprop": 0.003, "adagrad": 0.05, "momentum": 0.3, "gd": 0.3}
#: ... but plain gradient descent and momentum take steps in the gradient's own
#: units, which grow with the inputs' square (the first layer's curvature): their
#: "auto" rate is divided by the inputs' mean square over AUTO_MEAN_SQUARE when it
#: is above (standardized inputs, mean square 1, keep the rate); momentum, whose
#: velocity multiplies the step by up to 1 / (1 - beta_1), by its square. On inputs
#: near 100 (scikit-learn's check_fit_idempotent) the rates of standardized data
#: diverged; gd's 0.3 / 2500 and momentum's 0.3 / 2500**2 fit there. (Batch norm
#: makes the hidden layers' inputs scale-free: with it the rate stays 0.3.)
INPUT_SCALED_SOLVERS = {"gd": 1, "momentum": 2}
AUTO_MEAN_SQUARE = 4.0
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
#: ``early_stopping="auto"`` is on from this many training examples. Chosen on the
#: tuning half of benchmarks/real_data.py: on every set of 1,000 rows or more, the
#: validation loss was lowest within the first tenth of the epochs a fit ran.
AUTO_EARLY_STOPPING_MIN_SAMPLES = 1000
#: lr_schedule="auto" with early stopping: when the validation score stalls
#: for n_iter_no_change epochs, divide the rate by 5 and go on; stop at the
#: next stall. On the tuning half of benchmarks/real_data.py (3 seeds) this
#: lifted the large sets whose validation loss still fell slowly when a
#: constant 0.01 stopped them (txhousing -2.55 -> +0.79, diseases -1.11 ->
#: +0.26 points against MLPClassifier); 2 or 5 divisions gained 0.02 points
#: more and left fits at max_iter.
AUTO_ADAPTIVE_DECAYS = 1
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
OPTIMIZERS = {
    "gd": lambda n, dtype, hp: GradientDescent(n, dtype),
    "momentum": lambda n, dtype, hp: Momentum(n, dtype, beta=hp["beta_1"]),
    "rmsprop": lambda n, dtype, hp: RMSProp(n, dtype, beta=hp["beta_2"], epsilon=hp["epsilon"]),
    "adagrad": lambda n, dtype, hp: Adagrad(n, dtype, epsilon=hp["epsilon"]),
    "adam": lambda n, dtype, hp: Adam(n, dtype, beta_1=hp["beta_1"], beta_2=hp["beta_2"], epsilon=hp["epsilon"]),
    "lbfgs": lambda n, dtype, hp: None,  # scipy drives the updates
}


# -- the rules of the table --------------------------------------------------------------


class MlpSpelled:
    """``rule``, after refusing an MLPClassifier spelling with the skdeep parameter that does it."""

    def __init__(self, rule):
        self.rule = rule

    def __call__(self, value, name, checked):
        if isinstance(value, str) and (name, value) in MLP_SPELLINGS:
            raise ValueError(
                f"{name}={value!r} is MLPClassifier's spelling; in skdeep use {MLP_SPELLINGS[name, value]}."
            )
        return self.rule(value, name, checked)


def hidden_layer_sizes_rule(sizes, name, checked):
    """A tuple of positive sizes, or "auto"."""
    if isinstance(sizes, str):
        if sizes == "auto":
            return "auto"
        raise ValueError(f"{name} must be a tuple of positive integers or 'auto'; got {sizes!r}.")
    if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
        sizes = (sizes,)
    sizes = check_sequence(sizes, name, "a tuple of positive integers or 'auto'")
    for i, size in enumerate(sizes):
        check_number(size, f"{name}[{i}]", integer=True, low=1)
    return tuple(int(size) for size in sizes)


def init_rule(value, name, checked):
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return check_number(value, name, low=0)
    return check_option(value, name, INITS)


def patience_rule(value, name, checked):
    if isinstance(value, numbers.Real) and value == np.inf:
        return value
    return check_number(value, name, integer=True, low=1)


def decay_rate_rule(value, name, checked):
    exponential = checked["lr_schedule"] == "exponential"
    return check_number(value, name, low=0, high=1 if exponential else None, high_open=True)


def dropout_rule(rates, name, checked):
    """One rate for every hidden layer, or a tuple of one per layer (its length checked when the depth is fixed)."""
    if isinstance(rates, numbers.Real) and not isinstance(rates, bool):
        return check_number(rates, name, low=0, high=1, high_open=True)
    rates = check_sequence(rates, name, "a float or a tuple of floats (one per hidden layer)")
    for i, rate in enumerate(rates):
        check_number(rate, f"{name}[{i}]", low=0, high=1, high_open=True)
    hidden = checked["hidden_layer_sizes"]
    if not is_auto(hidden):  # with "auto", the depth a tuple must match is known at fit
        keep_probabilities(rates, len(hidden), auto=False)
    return rates


def early_stopping_rule(value, name, checked):
    if not (isinstance(value, (bool, np.bool_)) or is_auto(value)):
        raise TypeError(f"{name} must be True, False or 'auto', got {value!r}.")
    return value if is_auto(value) else bool(value)


def scoring_rule(value, name, checked):
    if value is not None and not isinstance(value, str) and not callable(value):
        raise ValueError(f"{name} must be None, a scorer name or a callable; got {value!r}.")
    return value


#: The table: the rows both deep networks have, in the order they are checked.
DEEP_NET_ROWS = {
    "hidden_layer_sizes": hidden_layer_sizes_rule,
    "activation": Options(HIDDEN_ACTIVATIONS, ACTIVATION_ALIASES),
    "init": init_rule,
    "solver": MlpSpelled(Options(SOLVERS)),
    "learning_rate": MlpSpelled(
        AutoOr(Interval(low=0, low_open=True), "{name} must be a positive number or 'auto'; got {value!r}.")
    ),
    "batch_size": AutoOr(POSITIVE_INTEGER, "{name} must be a positive integer, 'auto' or None; got {value!r}.", True),
    "max_iter": SHARED_ROWS["max_iter"],
    "tol": SHARED_ROWS["tol"],
    "n_iter_no_change": patience_rule,
    "alpha": SHARED_ROWS["alpha"],
    "verbose": SHARED_ROWS["verbose"],
    "beta_1": Interval(low=0, high=1, high_open=True),
    "beta_2": Interval(low=0, high=1, high_open=True),
    "epsilon": Interval(low=0, low_open=True),
    "lr_schedule": Options(SCHEDULES),
    "decay_rate": decay_rate_rule,
    "decay_steps": POSITIVE_INTEGER,
    "alpha_l1": NON_NEGATIVE,
    "dropout": dropout_rule,
    "input_noise": NON_NEGATIVE,
    "batch_norm": Flag(),
    "shuffle": Flag(),
    "warm_start": SHARED_ROWS["warm_start"],
    "early_stopping": early_stopping_rule,
    "validation_fraction": Interval(low=0, low_open=True, high=1, high_open=True),
    "scoring": scoring_rule,
    "random_state": Anything(),
}


def check_deep_net_together(hp):
    if hp["solver"] == "lbfgs" and (hp["input_noise"] > 0 or np.any(np.asarray(hp["dropout"]) > 0)):
        raise ValueError(
            "solver='lbfgs' minimizes one deterministic full-batch cost; dropout and input_noise "
            "need a stochastic solver (gd, momentum, rmsprop, adagrad or adam)."
        )


def keep_probabilities(rates, n_hidden, auto):
    """Dropout's keep probability for each of ``n_hidden`` hidden layers (None: no dropout)."""
    if not isinstance(rates, tuple):
        return None if rates == 0 else (1.0 - rates,) * n_hidden
    if len(rates) != n_hidden:
        chosen = ""
        if auto:
            chosen = (
                f" (hidden_layer_sizes='auto' builds {len(AUTO_HIDDEN_LAYERS)} below "
                f"{AUTO_DEEP_MIN_SAMPLES} training examples and {len(AUTO_DEEP_HIDDEN_LAYERS)} from there on: "
                "give dropout as one float for every layer, or set hidden_layer_sizes)"
            )
        raise ValueError(f"dropout has {len(rates)} rates but the network has {n_hidden} hidden layers{chosen}.")
    return None if all(rate == 0 for rate in rates) else tuple(1.0 - rate for rate in rates)


def hidden_layers(hp, n_samples=None, previous=None):
    """Sizes of the hidden layers of a fit on ``n_samples`` examples.

    ``"auto"`` keeps ``previous`` (the sizes of the network a warm fit
    continues) and otherwise follows the data's size; ``n_samples=None``
    (partial_fit, which never sees the whole data) builds one layer.
    """
    sizes = hp["hidden_layer_sizes"]
    if not is_auto(sizes):
        return sizes
    if previous is not None:
        return tuple(previous)
    if n_samples is not None and n_samples >= AUTO_DEEP_MIN_SAMPLES:
        return AUTO_DEEP_HIDDEN_LAYERS
    return AUTO_HIDDEN_LAYERS


class DeepNetwork:
    """The deep networks' hyperparameters and run, for DeepNetClassifier and DeepNetRegressor."""

    _hyperparameter_table = DEEP_NET_ROWS
    _check_together = staticmethod(check_deep_net_together)

    coefs_ = fitted_attribute(lambda model: [layer["W"].T for layer in model.layers])
    intercepts_ = fitted_attribute(lambda model: [layer["b"].ravel() for layer in model.layers])
    hidden_layer_sizes_ = fitted_attribute(lambda model: model.hidden_layer_sizes)

    def _check_partial_fit(self):
        if self.solver == "lbfgs":
            raise AttributeError(
                "partial_fit trains one epoch of mini-batches, which solver='lbfgs' does not have "
                "(it minimizes the whole data's cost at once): use solver='adam' (or another "
                "stochastic solver) for partial_fit, or fit for lbfgs."
            )
        if self.early_stopping is True:
            raise AttributeError(
                "partial_fit trains one epoch on the chunk it is given and holds nothing out, so "
                "early_stopping=True cannot apply: set early_stopping=False for partial_fit (and "
                "monitor a held-out set yourself), or use fit."
            )

    def _hidden_activation(self):
        return ACTIVATION_ALIASES.get(self.activation, self.activation)

    def _architecture(self, hp, declared_hidden):
        """``(hidden sizes, batch_norm)`` of a stored model whose weights declare ``declared_hidden``."""
        return hidden_layers(hp, previous=declared_hidden), hp["batch_norm"]

    def _early_stopping(self, hp, n_samples, partial):
        """Whether a fit on ``n_samples`` examples holds out a validation share and stops on it.

        ``early_stopping="auto"`` switches it on from ``AUTO_EARLY_STOPPING_MIN_SAMPLES``
        examples (with less data, the held-out share is too small to follow),
        for the stochastic solvers (L-BFGS has no epochs to stop).
        """
        if is_auto(hp["early_stopping"]):
            return n_samples >= AUTO_EARLY_STOPPING_MIN_SAMPLES and hp["solver"] != "lbfgs"
        return hp["early_stopping"]

    def _monitors_validation(self, hp):
        if hp["solver"] != "lbfgs":
            return True
        # As MLPClassifier does: fit, and say that early stopping does not apply
        # (a grid mixing solvers, or scikit-learn's own examples, must not fail).
        warn(
            "solver='lbfgs' minimizes the whole training cost at once and has no epochs to monitor: "
            "early stopping and X_val/y_val do not apply, and the model is fitted on all the training "
            "data. Use a stochastic solver (adam, gd, momentum, rmsprop or adagrad) to stop early."
        )
        return False

    def _plan(self, hp, setting):
        solver = hp["solver"]
        # Sized by the examples fit was given (before any validation split).
        hidden = hidden_layers(hp, None if setting.partial else setting.n_samples, setting.previous_hidden)
        layout = NetworkLayout(
            hidden=hidden,
            activation=hp["activation"],
            # xavier for every activation, ReLU too: on unscaled inputs (feature
            # std 3) He's larger draws learned much slower (13 epochs to the
            # held-out accuracy MLPClassifier reaches in 10; xavier took 8).
            init="xavier" if is_auto(hp["init"]) else hp["init"],
            batch_norm=hp["batch_norm"],
            keep_prob=keep_probabilities(hp["dropout"], len(hidden), is_auto(hp["hidden_layer_sizes"])),
        )
        if is_auto(hp["learning_rate"]):
            learning_rate = AUTO_LEARNING_RATES.get(solver, 0.0)
            if solver in INPUT_SCALED_SOLVERS and not hp["batch_norm"]:
                learning_rate /= max(1.0, mean_square(setting.X) / AUTO_MEAN_SQUARE) ** INPUT_SCALED_SOLVERS[solver]
        else:
            learning_rate = hp["learning_rate"]
        learning_rate = float(learning_rate)
        schedule, min_learning_rate = _schedule(hp["lr_schedule"], learning_rate, setting.early_stopping)
        spec = RunSpec(
            max_epochs=1 if setting.partial else hp["max_iter"],
            learning_rate=learning_rate,
            batch_size=_batch_size(hp["batch_size"], solver, setting.n_train),
            shuffle=hp["shuffle"],
            schedule=schedule,
            min_learning_rate=min_learning_rate,
            decay_rate=float(hp["decay_rate"]),
            decay_steps=int(hp["decay_steps"]),
            alpha=float(hp["alpha"]),
            alpha_l1=float(hp["alpha_l1"]),
            input_noise=float(hp["input_noise"]),
            tol=float(hp["tol"]),
            n_iter_no_change=hp["n_iter_no_change"],
            stopping="solver" if solver == "lbfgs" else "improvement",
            restore_best=setting.early_stopping,
            whole_fit=not setting.partial,
            judge_against_constant=True,
            max_iter=hp["max_iter"],
            verbose=hp["verbose"],
            name=type(self).__name__,
        )
        return RunPlan(
            layout=layout,
            spec=spec,
            optimizer=lambda n_params, dtype: OPTIMIZERS[solver](n_params, dtype, hp),
            steps=lambda network, data, optimizer: LbfgsSteps() if solver == "lbfgs" else MiniBatchSteps(optimizer),
            random_state=hp["random_state"],
        )


def mean_square(X):
    """The mean of the squared entries of X (dense or sparse), without a copy of X."""
    if sp.issparse(X):
        values = X.data.astype(np.float64)
        return float(np.dot(values, values)) / max(1, X.shape[0] * X.shape[1])
    total = 0.0
    for start in range(0, X.shape[0], 4096):  # float64 sums, chunk by chunk
        chunk = np.asarray(X[start : start + 4096], dtype=np.float64)
        total += float(np.einsum("ij,ij->", chunk, chunk))
    return total / max(1, X.size)


def _batch_size(batch_size, solver, n_train):
    if batch_size is None or solver == "lbfgs":
        return n_train
    if is_auto(batch_size):
        return min(200, n_train, max(AUTO_BATCH_MIN_SIZE, math.ceil(n_train / AUTO_BATCH_MIN_STEPS)))
    return min(batch_size, n_train)


def _schedule(lr_schedule, learning_rate, early_stopping):
    """``(schedule, min_learning_rate)``: ``lr_schedule="auto"`` resolved for this run.

    "auto" is the adaptive schedule when a validation set is monitored, cut
    short after ``AUTO_ADAPTIVE_DECAYS`` divisions of the rate; otherwise
    constant (on the training cost of small data, the divisions drew fits
    out to ``max_iter`` on the tuning half).
    """
    if not is_auto(lr_schedule):
        return lr_schedule, ADAPTIVE_MIN_LEARNING_RATE
    if not early_stopping:
        return "constant", ADAPTIVE_MIN_LEARNING_RATE
    # Stop at the stall after the last division: the rate's floor lies between the last two rates.
    return "adaptive", learning_rate / ADAPTIVE_DIVISOR ** (AUTO_ADAPTIVE_DECAYS + 0.5)
