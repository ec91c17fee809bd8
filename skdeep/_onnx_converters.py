"""skl2onnx converters, shape calculators and a parser for skdeep's estimators.

Importing this module registers them with skl2onnx (through its public
``update_registered_converter``), once: from then on skl2onnx's own
``to_onnx`` and ``convert_sklearn`` convert skdeep estimators, alone or as
the last step of a Pipeline. :func:`skdeep.to_onnx` imports it; nothing else
in skdeep does, so ``import skdeep`` never needs skl2onnx.

The graph repeats ``predict`` operation for operation, reading only the
fitted model: ``model_`` (its layers and hidden activation, as ``predict``
reads them) and the public attributes ``out_activation_``, ``n_outputs_``,
``classes_``, ``target_mean_`` and ``target_scale_``:

* the input is cast to the model's dtype, as ``predict`` casts X, and every
  weight and operation stays in it (a float32 model gives a float graph, a
  float64 model a double graph, whatever the input's type);
* each layer is ``Z = A W^T + b``; a batch-normalized hidden layer then
  computes ``(Z - mean) * scale + beta`` with ``scale = gamma / sqrt(var +
  eps)`` formed in NumPy exactly as ``predict`` forms it (running
  statistics; dropout is off at prediction time and leaves no trace);
* probabilities come from the logits divided by the fitted temperature
  (``temperature_``, see :mod:`skdeep.nn.calibration`), as ``predict_proba``
  divides them;
* labels come from the logits, as ``predict`` takes them: ``Z > 0`` for one
  sigmoid unit or a multilabel model, the arg max of ``Z`` for softmax. (A
  label read off rounded probabilities could differ where a probability
  rounds to 0.5 or two round to the same value.)

The outputs are those skl2onnx gives MLPClassifier and MLPRegressor: a
classifier's label and probabilities (through a ZipMap by default; option
``zipmap`` False or ``"columns"`` as for any skl2onnx classifier), a
regressor's predictions of shape (n, n_outputs), (n, 1) for one target.
"""

import numbers

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import (
    BooleanTensorType,
    DictionaryType,
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    SequenceType,
    StringTensorType,
)
from skl2onnx.common.utils import check_input_and_output_numbers, check_input_and_output_types
from sklearn.base import is_classifier

from ._deep_net_classifier import DeepNetClassifier
from ._deep_net_regressor import DeepNetRegressor
from ._logistic_regression import LogisticRegressionGD
from .nn.activations import LEAKY_SLOPE
from .nn.network import batch_norm_scale

#: skl2onnx's options for classifiers that these converters implement.
CLASSIFIER_OPTIONS = {"zipmap": [True, False, "columns"]}
_INPUT_TYPES = [FloatTensorType, DoubleTensorType, Int64TensorType, BooleanTensorType]


# -- what the fitted model holds ------------------------------------------------


def model_dtype(model):
    """The dtype the model predicts in: float32 or float64, its weights' dtype."""
    return model.parameters_["W1"].dtype


def _tensor_type(dtype):
    return DoubleTensorType if dtype == np.float64 else FloatTensorType


def _proto_type(dtype):
    return TensorProto.DOUBLE if dtype == np.float64 else TensorProto.FLOAT


def _output_kind(model):
    """``"binary"``, ``"multiclass"``, ``"multilabel"`` or ``"regression"``."""
    if not is_classifier(model):
        return "regression"
    if model.out_activation_ == "softmax":
        return "multiclass"
    return "binary" if model.n_outputs_ == 1 else "multilabel"


def class_labels(model):
    """``classes_`` as ONNX holds labels: int64 or strings, as skl2onnx does.

    Integer and boolean labels become int64; float labels too when every one
    is a whole number (skl2onnx's rule). Returns ``(labels, is_string)``.
    """
    classes = np.asarray(model.classes_)
    if classes.dtype.kind in "biu":
        return classes.astype(np.int64), False
    if classes.dtype.kind == "f":
        if np.all(np.isfinite(classes)) and np.array_equal(classes, np.round(classes)):
            return classes.astype(np.int64), False
        raise ValueError(
            f"The model's class labels {classes.tolist()} are floats that are not whole numbers; ONNX "
            "label outputs are int64 or string tensors (as in skl2onnx). Fit the model on integer or "
            "string labels, for example through sklearn.preprocessing.LabelEncoder."
        )
    values = classes.tolist()
    if all(isinstance(value, str) for value in values):
        return np.array(values, dtype=object), True
    if all(isinstance(value, numbers.Integral) for value in values):
        return np.array(values, dtype=np.int64), False
    raise ValueError(
        f"The model's class labels {values!r} are neither all strings nor all integers; ONNX label "
        "outputs are int64 or string tensors. Fit the model on integer or string labels."
    )


def _zipmap_option(scope, model):
    """skl2onnx's ``zipmap`` option for this model: True, False or ``"columns"``."""
    zipmap = scope.get_options(model, {"zipmap": True})["zipmap"]
    return zipmap if isinstance(zipmap, str) else bool(zipmap)


def _column_names(model):
    """Output names of ``zipmap="columns"``, skl2onnx's: ``i<label>`` or ``s<label>``."""
    labels, is_string = class_labels(model)
    if _output_kind(model) == "multilabel":
        labels, is_string = np.asarray(model.classes_), False
    return [("s" if is_string else "i") + str(label) for label in labels]


# -- parser and shape calculators -------------------------------------------------


def _classifier_output_types(model, zipmap, n_rows=None):
    """The classifier's output types: the label, then the probabilities
    (one tensor, one sequence of maps, or one tensor per class)."""
    labels, is_string = class_labels(model)
    kind = _output_kind(model)
    n_columns = model.n_outputs_ if kind == "multilabel" else len(labels)
    if kind == "multilabel":
        label_type = Int64TensorType([n_rows, n_columns])  # the 0/1 indicator predict returns
    else:
        label_type = (StringTensorType if is_string else Int64TensorType)([n_rows])
    probability_type = _tensor_type(model_dtype(model))
    if zipmap is True:
        key_type = StringTensorType([]) if is_string and kind != "multilabel" else Int64TensorType([])
        # ZipMap holds float values only: a double model's probabilities are cast for it.
        return [label_type, SequenceType(DictionaryType(key_type, FloatTensorType()))]
    if zipmap == "columns":
        return [label_type] + [probability_type([n_rows]) for _ in range(n_columns)]
    return [label_type, probability_type([n_rows, n_columns])]


def parse_classifier(scope, model, inputs, custom_parsers=None):
    """Declare a skdeep classifier's operator and its outputs, as skl2onnx names them.

    With ZipMap (the default) the outputs are ``output_label`` and
    ``output_probability``; with ``zipmap=False``, ``label`` and
    ``probabilities``; with ``"columns"``, ``output_label`` and one output per class.
    """
    zipmap = _zipmap_option(scope, model)
    operator = scope.declare_local_operator(_ALIASES[type(model)], model)
    operator.inputs = inputs
    types = _classifier_output_types(model, zipmap)
    if zipmap is True:
        names = ["output_label", "output_probability"]
    elif zipmap == "columns":
        names = ["output_label", *_column_names(model)]
    else:
        names = ["label", "probabilities"]
    for name, output_type in zip(names, types, strict=True):
        operator.outputs.append(scope.declare_local_variable(name, output_type))
    return operator.outputs


def _check_input(operator):
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    model = operator.raw_operator
    n_features = model.parameters_["W1"].shape[1]
    shape = operator.inputs[0].type.shape
    if len(shape) == 2 and isinstance(shape[1], numbers.Integral) and shape[1] != n_features:
        raise ValueError(
            f"The ONNX input of {type(model).__name__} has {shape[1]} columns, but the model was fitted "
            f"on {n_features} features: give to_onnx an X_sample (or initial_types) with {n_features} columns."
        )


def calculate_classifier_shapes(operator):
    """Types and shapes of a classifier's outputs: label (n,) or (n, n_labels), probabilities."""
    model = operator.raw_operator
    zipmap = _zipmap_option(operator.scope_inst, model)
    n_outputs = 1 + len(_column_names(model)) if zipmap == "columns" else 2
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=n_outputs)
    _check_input(operator)
    n_rows = operator.inputs[0].get_first_dimension()
    for output, output_type in zip(operator.outputs, _classifier_output_types(model, zipmap, n_rows), strict=True):
        output.type = output_type


def calculate_regressor_shapes(operator):
    """Type and shape of a regressor's predictions: (n, n_outputs), in the model's dtype."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    _check_input(operator)
    model = operator.raw_operator
    n_rows = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _tensor_type(model_dtype(model))([n_rows, model.n_outputs_])


# -- converters ---------------------------------------------------------------------


class _GraphWriter:
    """Adds named constants and nodes to skl2onnx's container, in one dtype."""

    def __init__(self, scope, container, dtype):
        self.scope, self.container, self.dtype = scope, container, np.dtype(dtype)

    def constant(self, seed, value, dtype=None):
        value = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        name = self.scope.get_unique_variable_name(seed)
        if value.dtype == object:
            content = [str(v).encode("utf-8") for v in value.ravel()]
            self.container.add_initializer(name, TensorProto.STRING, list(value.shape), content)
        else:
            proto = {np.dtype(np.int64): TensorProto.INT64}.get(value.dtype, _proto_type(value.dtype))
            self.container.add_initializer(name, proto, list(value.shape), value.ravel().tolist())
        return name

    def node(self, op_type, inputs, output=None, op_domain="", **attributes):
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        name = self.scope.get_unique_operator_name(op_type)
        if op_domain:
            attributes["op_version"] = 1
        self.container.add_node(op_type, inputs, output, op_domain=op_domain, name=name, **attributes)
        return output


def _logits(writer, model, input_name):
    """``Z[L]`` of shape (n, n_outputs), computed as ``predict`` computes it."""
    dtype = writer.dtype
    A = writer.node("Cast", [input_name], to=_proto_type(dtype))
    # The fitted model's own layers and activation, as predict reads them (not the
    # hyperparameters, which set_params may have changed since the fit).
    fitted = model.model_
    layers, activation = fitted.layers, fitted.hidden_activation
    for l, layer in enumerate(layers, start=1):
        Z = writer.node("MatMul", [A, writer.constant(f"W{l}_T", layer["W"].T)])
        Z = writer.node("Add", [Z, writer.constant(f"b{l}", layer["b"].ravel())])
        if l == len(layers):
            return Z
        if "gamma" in layer:
            # The same NumPy computation, in the same dtype, as predict's forward pass.
            scale = batch_norm_scale(layer)
            Z = writer.node("Sub", [Z, writer.constant(f"mean{l}", layer["mean"].ravel())])
            Z = writer.node("Mul", [Z, writer.constant(f"scale{l}", scale.ravel())])
            Z = writer.node("Add", [Z, writer.constant(f"beta{l}", layer["beta"].ravel())])
        A = _activation(writer, activation, Z)
    raise AssertionError("unreachable: the loop returns at the output layer")


def _activation(writer, activation, Z):
    if activation == "relu":
        return writer.node("Relu", [Z])
    if activation == "tanh":
        return writer.node("Tanh", [Z])
    if activation == "sigmoid":
        return writer.node("Sigmoid", [Z])
    if activation == "leaky_relu":
        # max(z, 0.01 z) with the slope in the model's dtype, as predict computes it
        # (LeakyRelu's alpha attribute is always a float32).
        return writer.node("Max", [Z, writer.node("Mul", [Z, writer.constant("leaky_slope", LEAKY_SLOPE)])])
    if activation == "identity":
        return Z
    raise ValueError(
        f"activation={activation!r} has no ONNX conversion; skdeep's activations are "
        "'relu', 'tanh', 'sigmoid' ('logistic'), 'leaky_relu' and 'identity'."
    )


def convert_classifier(scope, operator, container):
    """Labels and probabilities of a skdeep classifier (binary, multiclass or multilabel)."""
    model = operator.raw_operator
    writer = _GraphWriter(scope, container, model_dtype(model))
    Z = _logits(writer, model, operator.inputs[0].full_name)
    kind = _output_kind(model)
    zipmap = _zipmap_option(scope, model)
    outputs = [output.full_name for output in operator.outputs]
    probabilities = outputs[1] if zipmap is False else None
    labels, is_string = class_labels(model)
    # Probabilities come from the logits divided by the fitted temperature, in the
    # model's dtype as predict_proba divides them; labels from the logits themselves.
    temperature = model.model_.targets.temperature
    P = Z if temperature == 1.0 else writer.node("Div", [Z, writer.constant("temperature", temperature)])
    if kind == "multiclass":
        probabilities = writer.node("Softmax", [P], probabilities, axis=1)
        index = writer.node("ArgMax", [Z], axis=1, keepdims=0)
    else:
        if kind == "binary":
            # [sigmoid(-z), sigmoid(z)], as predict_proba: no cancellation in 1 - p.
            negative = writer.node("Sigmoid", [writer.node("Neg", [P])])
            probabilities = writer.node("Concat", [negative, writer.node("Sigmoid", [P])], probabilities, axis=1)
        else:
            probabilities = writer.node("Sigmoid", [P], probabilities)
        positive = writer.node("Greater", [Z, writer.constant("zero", 0)])
        positive = writer.node("Cast", [positive], to=TensorProto.INT64)
        if kind == "multilabel":
            writer.node("Identity", [positive], outputs[0])
        else:
            index = writer.node("Reshape", [positive, writer.constant("rows", [-1], np.int64)])
    if kind != "multilabel":
        writer.node("Gather", [writer.constant("classes", labels, labels.dtype), index], outputs[0], axis=0)
    if zipmap is True:
        keys = {"classlabels_strings": [str(label) for label in labels]} if is_string and kind != "multilabel" else {}
        keys = keys or {"classlabels_int64s": [int(label) for label in np.asarray(model.classes_)]}
        as_float = writer.node("Cast", [probabilities], to=TensorProto.FLOAT)
        writer.node("ZipMap", [as_float], outputs[1], op_domain="ai.onnx.ml", **keys)
    elif zipmap == "columns":
        for k, output in enumerate(outputs[1:]):
            writer.node("Gather", [probabilities, writer.constant("column", k, np.int64)], output, axis=1)


def convert_regressor(scope, operator, container):
    """A skdeep regressor's predictions: the network's outputs with the target scaling undone."""
    model = operator.raw_operator
    writer = _GraphWriter(scope, container, model_dtype(model))
    Z = _logits(writer, model, operator.inputs[0].full_name)
    Z = writer.node("Mul", [Z, writer.constant("target_scale", model.target_scale_)])
    writer.node("Add", [Z, writer.constant("target_mean", model.target_mean_)], operator.outputs[0].full_name)


#: The alias each estimator is registered under with skl2onnx.
_ALIASES = {
    DeepNetClassifier: "SkdeepDeepNetClassifier",
    LogisticRegressionGD: "SkdeepLogisticRegressionGD",
    DeepNetRegressor: "SkdeepDeepNetRegressor",
}


def _register():
    for estimator, alias in _ALIASES.items():
        if is_classifier(estimator()):
            update_registered_converter(
                estimator,
                alias,
                calculate_classifier_shapes,
                convert_classifier,
                parser=parse_classifier,
                options=CLASSIFIER_OPTIONS,
            )
        else:
            update_registered_converter(estimator, alias, calculate_regressor_shapes, convert_regressor)


_register()
