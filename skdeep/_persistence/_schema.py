"""What a model file may hold, and the checks its contents pass before any array is read.

The allow-list below is the one place that says which estimator classes a
file may name and which fitted attributes each may store. Everything else in
a manifest is refused with :class:`ModelFileError`; array shapes and dtypes
are checked against the network the hyperparameters describe.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._deep_net_classifier import DeepNetClassifier
from .._deep_net_regressor import DeepNetRegressor
from .._logistic_regression import LogisticRegressionGD
from ._archive import ModelFileError
from ._codec import ArrayRef, RngRef

# == The allow-list: extend it here ===========================================
#
# FITTED_ATTRIBUTES maps each class a model file may hold to its fitted
# attributes, each with the kind of value it must be (the kinds are checked
# in _KINDS at the end of this module). Attributes in OPTIONAL_ATTRIBUTES may
# be absent from a fitted model; the others must all be there.
#
# - A new estimator class: import it and add one line to FITTED_ATTRIBUTES
#   (reusing NETWORK_CLASSIFIER_STATE, or a dict of its own such as
#   {**NETWORK_STATE, "my_attribute_": "finite float"}).
# - A new fitted attribute: one line in the dict of the classes that have it.
#   skdeep.save refuses an attribute that is not listed, so a new one cannot
#   be forgotten silently.

#: The state every network estimator has once fitted.
NETWORK_STATE = {
    "n_features_in_": "positive count",
    "feature_names_in_": "feature names",
    "n_layers_": "layer count",
    "n_outputs_": "positive count",
    "out_activation_": "output activation",
    "parameters_": "network parameters",
    "batch_norm_stats_": "batch norm statistics",
    "loss_curve_": "float list",
    "loss_": "float",
    "best_loss_": "float",
    "n_iter_": "count",
    "t_": "count",
    "validation_loss_curve_": "float list or None",
    "validation_scores_": "float list or None",
    "best_validation_score_": "float or None",
    "_stopping_state": "stopping state",
    "_optimizer_state": "optimizer state",
    "_rng": "random state",
}
#: ... and a classifier's labels.
NETWORK_CLASSIFIER_STATE = {
    **NETWORK_STATE,
    "classes_": "labels",
    "_multilabel": "bool",
    "temperature_": "positive float",
}
#: ... or a regressor's target scaling.
NETWORK_REGRESSOR_STATE = {
    **NETWORK_STATE,
    "target_mean_": "target vector",
    "target_scale_": "target vector",
    "_single_output": "bool",
}

FITTED_ATTRIBUTES = {
    LogisticRegressionGD: NETWORK_CLASSIFIER_STATE,
    DeepNetClassifier: NETWORK_CLASSIFIER_STATE,
    DeepNetRegressor: NETWORK_REGRESSOR_STATE,
}
OPTIONAL_ATTRIBUTES = frozenset(
    # temperature_: files from before calibration existed (their temperature was 1).
    {"feature_names_in_", "validation_loss_curve_", "validation_scores_", "best_validation_score_", "temperature_"}
)
#: Hyperparameters added after the first model files were written, with the value a
#: file without them loads with (the default): class -> {name: value}.
ADDED_PARAMETERS = {DeepNetClassifier: {"calibration": "auto"}}
#: An optimizer's state (``_optimizer_state``): class name -> its flat state
#: vectors (one value per network parameter) and its integer counters.
OPTIMIZER_STATE = {
    "GradientDescent": ((), ()),
    "Momentum": (("velocity",), ()),
    "RMSProp": (("square_avg",), ()),
    "Adagrad": (("square_sum",), ()),
    "Adam": (("gradient_sum", "square_sum"), ("t",)),
}
# ==============================================================================

CLASSES = {cls.__name__: cls for cls in FITTED_ATTRIBUTES}
#: Limits on hyperparameter values: no skdeep hyperparameter is a long list.
MAX_PARAM_ITEMS = 1024
PARAMETER_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_INT64_MAX = 2**63 - 1


def check_params(cls, params):
    """The hyperparameters of a file: exactly the class's own names, with plain, small values.

    Returns them as given (a ``random_state`` generator still a ``RngRef``);
    :func:`check_built_estimator` then runs the class's own checks.
    """
    names = set(cls._get_param_names())
    if isinstance(params, dict):
        # A file from before a hyperparameter existed: it takes its default.
        params = {**{name: value for name, value in ADDED_PARAMETERS.get(cls, {}).items() if name in names}, **params}
    if not isinstance(params, dict) or set(params) != names:
        got = set(params) if isinstance(params, dict) else set()
        raise ModelFileError(
            f"The file's hyperparameters do not match {cls.__name__}'s: unknown "
            f"{sorted(map(str, got - names))}, missing {sorted(names - got)}."
        )
    for name, value in params.items():
        if name == "random_state" and isinstance(value, RngRef):
            _random_state(value, "random_state")
        elif name == "random_state" and not (value is None or (_is_int(value) and 0 <= value < 2**32)):
            raise ModelFileError(f"random_state in the file is {value!r}, not a seed or a RandomState.")
        else:
            _plain_value(value, f"hyperparameter {name}")
    return params


def check_built_estimator(estimator):
    """Run the estimator's own hyperparameter checks (those fit runs) on a loaded one."""
    try:
        estimator._checked_hyperparameters()
    except Exception as error:  # any failure of the check means the file is not skdeep's
        raise ModelFileError(f"The file's hyperparameters are invalid: {error}") from None


def check_state(estimator, state):
    """The fitted attributes of a file, checked against the allow-list and the architecture."""
    if not isinstance(state, dict) or not all(isinstance(name, str) for name in state):
        raise ModelFileError("The file's fitted state is not a mapping of attribute names.")
    if not state:
        return  # an unfitted estimator
    allowed = FITTED_ATTRIBUTES[type(estimator)]
    unknown = sorted(set(state) - set(allowed))
    if unknown:
        raise ModelFileError(f"The file holds attributes {unknown} that {type(estimator).__name__} does not have.")
    missing = sorted(set(allowed) - set(state) - OPTIONAL_ATTRIBUTES)
    if missing:
        raise ModelFileError(f"The file's fitted {type(estimator).__name__} lacks {missing}.")
    try:
        # hidden_layer_sizes="auto": the sizes fit chose, as the file declares them.
        hidden, batch_norm = estimator._architecture(
            estimator._checked_hyperparameters(), _declared_hidden_sizes(state)
        )
    except Exception as error:
        raise ModelFileError(f"The file's hyperparameters are invalid: {error}") from None
    context = _Context(state, hidden, batch_norm)
    # Plain values first: the architecture's checks rely on them.
    for name in sorted(state, key=lambda name: _check_order(allowed[name])):
        _KINDS[allowed[name]](state[name], name, context)
    if "classes_" in state:
        _check_classifier_outputs(state)
    if "target_mean_" in state and state["out_activation_"] != "identity":
        raise ModelFileError(f"The file's regressor has out_activation_={state['out_activation_']!r}, not 'identity'.")


def check_values(state):
    """Checks that need the arrays' values (after reading them): finite weights, sorted labels,
    a regressor's finite target mean and positive scale."""
    for name in ("target_mean_", "target_scale_"):
        if name in state and not np.all(np.isfinite(state[name])):
            raise ModelFileError(f"{name} holds non-finite values; a fitted skdeep model never does.")
    if "target_scale_" in state and not np.all(state["target_scale_"] > 0):
        raise ModelFileError("target_scale_ holds values that are not positive; fit never leaves such a scale.")
    for name, array in state.get("parameters_", {}).items():
        if not np.all(np.isfinite(array)):
            raise ModelFileError(f"parameters_[{name!r}] holds non-finite values; a fitted skdeep model never does.")
    for name, array in state.get("batch_norm_stats_", {}).items():
        if not np.all(np.isfinite(array)) or (name.startswith("var") and np.any(array < 0)):
            raise ModelFileError(f"batch_norm_stats_[{name!r}] holds values no batch statistics can take.")
    classes = state.get("classes_")
    if classes is not None:
        if classes.dtype.kind == "f" and not np.all(np.isfinite(classes)):
            raise ModelFileError("classes_ holds non-finite labels.")
        if len(np.unique(classes)) != len(classes) or np.any(np.asarray(np.unique(classes)) != classes):
            raise ModelFileError("classes_ is not sorted and unique, as fit leaves it.")
        if state.get("_multilabel") and not np.array_equal(classes, np.arange(len(classes))):
            raise ModelFileError("classes_ of a multilabel model must be 0, 1, ..., n_labels - 1.")


def _declared_hidden_sizes(state):
    """The hidden layer sizes the shapes of the file's weights declare, or None if they
    declare none (every shape is then checked against the sizes taken)."""
    parameters, n_layers = state.get("parameters_"), state.get("n_layers_")
    if not isinstance(parameters, dict) or not _is_int(n_layers) or not 2 <= n_layers <= len(parameters) + 2:
        return None
    sizes = []
    for l in range(1, n_layers - 1):
        weights = parameters.get(f"W{l}")
        if not isinstance(weights, ArrayRef) or len(weights.shape) != 2 or not weights.shape[0] >= 1:
            return None
        sizes.append(int(weights.shape[0]))
    return tuple(sizes)


class _Context:
    def __init__(self, state, hidden, batch_norm):
        self.state, self.hidden, self.batch_norm = state, hidden, batch_norm

    def layer_sizes(self):
        return (self.state["n_features_in_"], *self.hidden, self.state["n_outputs_"])

    def parameter_shapes(self):
        sizes = self.layer_sizes()
        shapes = {}
        for l in range(1, len(sizes)):
            shapes[f"W{l}"] = (sizes[l], sizes[l - 1])
            shapes[f"b{l}"] = (sizes[l], 1)
        if self.batch_norm:
            for l in range(1, len(sizes) - 1):
                shapes[f"gamma{l}"] = shapes[f"beta{l}"] = (sizes[l], 1)
        return shapes


# -- the kinds of values ------------------------------------------------------------


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _count(value, name, context=None, low=0):
    if not _is_int(value) or not low <= value <= _INT64_MAX:
        raise ModelFileError(f"{name} in the file is {value!r}, not an integer >= {low}.")


def _positive_count(value, name, context):
    _count(value, name, context, low=1)


def _layer_count(value, name, context):
    if value != len(context.hidden) + 2 or not _is_int(value):
        raise ModelFileError(
            f"{name} in the file is {value!r}; the network of {len(context.hidden)} hidden layers has "
            f"{len(context.hidden) + 2}."
        )


def _bool(value, name, context):
    if not isinstance(value, bool):
        raise ModelFileError(f"{name} in the file is {value!r}, not True or False.")


def _float(value, name, context, finite=False):
    if not isinstance(value, float) or (finite and not np.isfinite(value)):
        raise ModelFileError(f"{name} in the file is {value!r}, not a {'finite ' if finite else ''}float.")


def _finite_float(value, name, context):
    _float(value, name, context, finite=True)


def _positive_float(value, name, context):
    if not (isinstance(value, float) and np.isfinite(value) and value > 0):
        raise ModelFileError(f"{name} in the file is {value!r}, not a positive finite float.")


def _float_list(value, name, context):
    if not isinstance(value, list) or not set(map(type, value)) <= {float}:
        raise ModelFileError(f"{name} in the file is not a list of floats.")


def _float_list_or_none(value, name, context):
    if value is not None:
        _float_list(value, name, context)


def _float_or_none(value, name, context):
    if value is not None:
        _float(value, name, context)


def _stopping_state(value, name, context):
    """The stopping rule's state: its best score, its patience count, the adaptive rate."""
    keys = {"early_stopping", "best_score", "no_improvement_count", "adaptive_learning_rate"}
    if not isinstance(value, dict) or set(value) != keys:
        raise ModelFileError(f"{name} in the file is not the stopping rule's state.")
    _bool(value["early_stopping"], f"{name}.early_stopping", context)
    _float(value["best_score"], f"{name}.best_score", context)
    _count(value["no_improvement_count"], f"{name}.no_improvement_count")
    _finite_float(value["adaptive_learning_rate"], f"{name}.adaptive_learning_rate", context)


def _target_vector(value, name, context):
    """A regressor's per-output mean or scale: float64, one value per output."""
    _array(value, name, kinds="f", ndim=1, shape=(context.state["n_outputs_"],))


def _output_activation(value, name, context):
    if value not in ("sigmoid", "softmax", "identity") or not isinstance(value, str):
        raise ModelFileError(f"{name} in the file is {value!r}, not an output activation skdeep uses.")


def _array(value, name, kinds="f", ndim=None, shape=None):
    """An ``ArrayRef`` with a dtype of one of ``kinds`` (``"f"``: float32 or float64)."""
    if not isinstance(value, ArrayRef):
        raise ModelFileError(f"{name} in the file is {value!r}, not an array.")
    dtype = value.dtype
    allowed_dtype = dtype in PARAMETER_DTYPES if kinds == "f" else dtype.kind in kinds
    if not allowed_dtype or dtype.byteorder == ">" or (value.as_object and dtype.kind != "U"):
        raise ModelFileError(f"{name} in the file is an array of {dtype}, which skdeep never stores there.")
    if ndim is not None and len(value.shape) != ndim:
        raise ModelFileError(f"{name} in the file has shape {value.shape}; expected {ndim} dimension(s).")
    if shape is not None and tuple(value.shape) != tuple(shape):
        raise ModelFileError(f"{name} in the file has shape {value.shape}; the network needs {tuple(shape)}.")


def _labels(value, name, context):
    _array(value, name, kinds="biufU", ndim=1)
    if value.shape[0] < 1:
        raise ModelFileError(f"{name} in the file is empty.")


def _feature_names(value, name, context):
    _array(value, name, kinds="U", shape=(context.state["n_features_in_"],))
    if not value.as_object:
        raise ModelFileError(f"{name} in the file is not stored as feature names are.")


def _string_keyed(value, name):
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise ModelFileError(f"{name} in the file is not a mapping of names to arrays.")


def _network_parameters(value, name, context):
    _string_keyed(value, name)
    expected = context.parameter_shapes()
    if set(value) != set(expected):
        raise ModelFileError(
            f"{name} in the file holds {sorted(value)}; the network its hyperparameters describe "
            f"has {sorted(expected)}."
        )
    for key, shape in expected.items():
        _array(value[key], f"{name}[{key!r}]", shape=shape)
    dtypes = {array.dtype for array in value.values()}
    if len(dtypes) > 1:
        raise ModelFileError(f"{name} in the file mixes dtypes {sorted(map(str, dtypes))}.")


def _parameter_dtype(context):
    return next(iter(context.state["parameters_"].values())).dtype


def _batch_norm_statistics(value, name, context):
    _string_keyed(value, name)
    hidden_sizes = context.layer_sizes()[1:-1] if context.batch_norm else ()
    expected = {f"{stat}{l}": (size, 1) for l, size in enumerate(hidden_sizes, 1) for stat in ("mean", "var")}
    if set(value) != set(expected):
        raise ModelFileError(f"{name} in the file holds {sorted(value)}; the network needs {sorted(expected)}.")
    for key, shape in expected.items():
        _array(value[key], f"{name}[{key!r}]", shape=shape)
        if value[key].dtype != _parameter_dtype(context):
            raise ModelFileError(f"{name}[{key!r}] in the file is {value[key].dtype}, unlike the parameters.")


def _optimizer_state(value, name, context):
    if value is None:
        return
    if not (isinstance(value, tuple) and len(value) == 2 and value[0] in OPTIMIZER_STATE):
        raise ModelFileError(f"{name} in the file is not the state of an optimizer skdeep has.")
    optimizer, state = value
    vectors, counters = OPTIMIZER_STATE[optimizer]
    _string_keyed(state, name)
    if set(state) != set(vectors) | set(counters):
        raise ModelFileError(
            f"{name} in the file holds {sorted(state)}; {optimizer} keeps {sorted(vectors + counters)}."
        )
    n_params = sum(rows * columns for rows, columns in context.parameter_shapes().values())
    for key in vectors:
        _array(state[key], f"{name}[{key!r}]", shape=(n_params,))
        if state[key].dtype != _parameter_dtype(context):
            raise ModelFileError(f"{name}[{key!r}] in the file is {state[key].dtype}, unlike the parameters.")
    for key in counters:
        _count(state[key], f"{name}[{key!r}]")


def _random_state(value, name, context=None):
    """A ``RandomState`` as ``get_state()`` gives it: ("MT19937", 624 uint32 keys, pos, has_gauss, gauss)."""
    state = value.state if isinstance(value, RngRef) else None
    if not (isinstance(state, tuple) and len(state) == 5 and state[0] == "MT19937"):
        raise ModelFileError(f"{name} in the file is not the state of a numpy RandomState.")
    _, keys, position, has_gauss, cached_gaussian = state
    _array(keys, f"{name} keys", kinds="u", shape=(624,))
    if keys.dtype != np.uint32:
        raise ModelFileError(f"{name} keys in the file are {keys.dtype}, not uint32.")
    if not (_is_int(position) and 0 <= position <= 624 and has_gauss in (0, 1) and _is_int(has_gauss)):
        raise ModelFileError(f"{name} in the file has an impossible position or Gaussian flag.")
    _float(cached_gaussian, f"{name} cached Gaussian", context, finite=True)


def _plain_value(value, name, depth=0):
    """A hyperparameter value: JSON scalars, tuples, lists and dicts of them, small."""
    if isinstance(value, int) and not -_INT64_MAX - 1 <= value <= _INT64_MAX:
        raise ModelFileError(f"The file's {name} is {value:.3g}, beyond any integer skdeep uses.")
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    if isinstance(value, (list, tuple)) and len(value) <= MAX_PARAM_ITEMS and depth < 4:
        for item in value:
            _plain_value(item, name, depth + 1)
        return
    if isinstance(value, dict) and len(value) <= MAX_PARAM_ITEMS and depth < 4:
        for key, item in value.items():
            _plain_value(key, name, depth + 1)
            _plain_value(item, name, depth + 1)
        return
    raise ModelFileError(f"The file's {name} holds {type(value).__name__} {value!r:.80}, not a plain value.")


def _check_classifier_outputs(state):
    n_classes, n_outputs = state["classes_"].shape[0], state["n_outputs_"]
    if state["_multilabel"]:
        expected = (n_classes, "sigmoid")
    elif n_classes < 2:
        raise ModelFileError("classes_ in the file holds fewer than 2 classes.")
    else:
        expected = (1, "sigmoid") if n_classes == 2 else (n_classes, "softmax")
    if (n_outputs, state["out_activation_"]) != expected:
        raise ModelFileError(
            f"The file's classifier has {n_classes} classes but n_outputs_={n_outputs} and "
            f"out_activation_={state['out_activation_']!r} (expected {expected[0]} and {expected[1]!r})."
        )


_KINDS = {
    "count": _count,
    "positive count": _positive_count,
    "layer count": _layer_count,
    "bool": _bool,
    "float": _float,
    "finite float": _finite_float,
    "positive float": _positive_float,
    "float list": _float_list,
    "float list or None": _float_list_or_none,
    "float or None": _float_or_none,
    "stopping state": _stopping_state,
    "target vector": _target_vector,
    "output activation": _output_activation,
    "labels": _labels,
    "feature names": _feature_names,
    "network parameters": _network_parameters,
    "batch norm statistics": _batch_norm_statistics,
    "optimizer state": _optimizer_state,
    "random state": _random_state,
}
#: Kinds checked last, in this order, once the plain values they rely on are known good.
_ARCHITECTURE_KINDS = ("network parameters", "feature names", "batch norm statistics", "optimizer state")


def _check_order(kind):
    return _ARCHITECTURE_KINDS.index(kind) + 1 if kind in _ARCHITECTURE_KINDS else 0
