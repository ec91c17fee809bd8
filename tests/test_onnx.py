"""ONNX export: ONNX Runtime's outputs against predict and predict_proba.

Labels must equal ``predict`` exactly; probabilities and regression
predictions must agree within the bound that the arithmetic of both
implementations allows (:func:`error_bound`). The tests that convert need
skl2onnx and onnxruntime (the ``onnx`` extra) and skip without them.
"""

import dataclasses
import importlib
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdeep import DeepNetClassifier, DeepNetRegressor, LogisticRegressionGD, to_onnx
from skdeep.nn import prediction_layers
from skdeep.nn.network import BATCH_NORM_EPSILON

# Tiny models trained for a few epochs: their convergence is beside the point.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

DTYPES = [np.float32, np.float64]
ACTIVATIONS = ["relu", "tanh", "sigmoid", "logistic", "leaky_relu", "identity"]

#: How far apart ONNX Runtime's and NumPy/SciPy's tanh, sigmoid and exp can be,
#: in units of the dtype's eps, on values of magnitude at most 1: measured over
#: [-30, 30], ONNX Runtime is within 4.5 eps of the exact value (tanh in float64,
#: 2.7 in float32) and SciPy/NumPy within 1 eps.
TRANSCENDENTAL_EPS = 6


@pytest.fixture(scope="module")
def onnxruntime():
    pytest.importorskip("skl2onnx")
    return pytest.importorskip("onnxruntime")


def run(onnxruntime, onnx_model, inputs):
    """ONNX Runtime's outputs, by name, for an array (fed to the single input) or a dict of inputs."""
    session = onnxruntime.InferenceSession(onnx_model.SerializeToString(), providers=["CPUExecutionProvider"])
    if not isinstance(inputs, dict):
        inputs = {session.get_inputs()[0].name: inputs}
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(None, inputs), strict=True))


def _gamma(n, u):
    """Higham's ``gamma_n = n u / (1 - n u)``: the relative error bound of an n-term sum."""
    return n * u / (1 - n * u)


def error_bound(model, X, input_error=0.0):
    """Entry by entry, a bound on |ONNX Runtime's output - predict_proba's (or predict's)|.

    Both evaluate the same formulas in the model's dtype (unit roundoff
    ``u = eps / 2``), in different orders:

    * a layer's dot products of n terms plus the bias are each within
      ``gamma_{n+1} (|W| |a| + |b|)`` of the exact value (Higham, *Accuracy and
      Stability of Numerical Algorithms*, 2002, eq. 3.5), whatever the
      summation order, so the two are within twice that;
    * a difference ``d`` in a layer's input is at most ``|W| d`` after it: the
      activations are 1-Lipschitz and batch norm multiplies by ``|scale|``;
    * each rounded elementwise operation adds ``u`` of its result's magnitude
      on each side; tanh, sigmoid and exp ``TRANSCENDENTAL_EPS`` eps;
    * then sigmoid is 1/4-Lipschitz, and softmax moves a probability by at
      most twice the largest change of a logit.

    ``input_error`` bounds the difference in the estimator's inputs (for
    preprocessing converted to ONNX), relative to their magnitude.
    """
    dtype = model.parameters_["W1"].dtype
    eps = float(np.finfo(dtype).eps)
    u = eps / 2
    layers = prediction_layers(model.parameters_, model.batch_norm_stats_, model.n_layers_ - 1)
    activation = {"logistic": "sigmoid"}.get(getattr(model, "activation", None), getattr(model, "activation", None))
    size = np.abs(np.asarray(X, dtype=dtype)).astype(np.float64)  # magnitude of each layer's input
    diff = input_error * size
    for l, layer in enumerate(layers, start=1):
        W = np.abs(layer["W"].T).astype(np.float64)
        size = size @ W + np.abs(layer["b"].ravel())
        diff = diff @ W + 2 * _gamma(W.shape[0] + 1, u) * size
        if l == len(layers):
            break
        if "gamma" in layer:
            scale = np.abs(layer["gamma"] / np.sqrt(layer["var"] + BATCH_NORM_EPSILON)).ravel()
            size = (size + np.abs(layer["mean"].ravel())) * scale + np.abs(layer["beta"].ravel())
            diff = diff * scale + 2 * 3 * u * size  # subtract, multiply, add
        if activation in ("tanh", "sigmoid"):
            size = np.minimum(size, 1.0)
            diff = diff + TRANSCENDENTAL_EPS * eps
        elif activation == "leaky_relu":
            diff = diff + 2 * u * size  # the rounded 0.01 z
    if hasattr(model, "target_scale_"):
        prediction_size = size * model.target_scale_ + np.abs(model.target_mean_)
        return diff * model.target_scale_ + 2 * 2 * u * prediction_size  # multiply, add
    if model.out_activation_ == "softmax":
        n_classes = diff.shape[1]
        rounding = (TRANSCENDENTAL_EPS * eps + (n_classes + 1) * u) * 2  # exp, sum, divide
        return np.repeat(2 * diff.max(axis=1, keepdims=True), n_classes, axis=1) + rounding
    diff = diff / 4 + TRANSCENDENTAL_EPS * eps
    return np.hstack([diff, diff]) if diff.shape[1] == 1 else diff


def assert_close(actual, expected, bound):
    """|actual - expected| <= bound entry by entry (after checking the bound says something)."""
    assert actual.shape == expected.shape
    assert np.all(bound < 1e-3 * max(1.0, float(np.max(np.abs(expected))))), "the bound is too loose to test anything"
    excess = np.abs(actual.astype(np.float64) - expected.astype(np.float64)) - bound
    assert np.all(excess <= 0), f"differs by up to {excess.max():.3g} beyond the bound"


def data(dtype=np.float64, n=48, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features)).astype(dtype)
    return X, rng


def check_classifier(onnxruntime, model, X, **convert_options):
    """ONNX Runtime's label and probabilities (zipmap=False) against predict and predict_proba."""
    onnx_model = to_onnx(model, X, options={"zipmap": False}, **convert_options)
    outputs = run(onnxruntime, onnx_model, X)
    assert list(outputs) == ["label", "probabilities"]
    assert_array_equal(outputs["label"], model.predict(X))
    assert outputs["probabilities"].dtype == model.parameters_["W1"].dtype
    assert_close(outputs["probabilities"], model.predict_proba(X), error_bound(model, X))
    return onnx_model, outputs


def fitted_classifier(X, y, **params):
    params = {"hidden_layer_sizes": (5, 4), "max_iter": 30, "random_state": 0, **params}
    return DeepNetClassifier(**params).fit(X, y)


# -- classifiers ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_binary_classifier_with_string_labels_every_activation(onnxruntime, activation, dtype):
    X, _ = data(dtype)
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    model = fitted_classifier(X, y, activation=activation)
    _, outputs = check_classifier(onnxruntime, model, X)
    assert set(outputs["label"]) == {"yes", "no"}


@pytest.mark.parametrize("dtype", DTYPES)
def test_multiclass_classifier_with_integer_labels(onnxruntime, dtype):
    X, _ = data(dtype)
    y = np.array([3, 7, 11])[np.argmax(X[:, :3], axis=1)]
    model = fitted_classifier(X, y, activation="tanh", max_iter=150)
    _, outputs = check_classifier(onnxruntime, model, X)
    assert outputs["label"].dtype == np.int64
    assert set(outputs["label"]) == {3, 7, 11}


@pytest.mark.parametrize("dtype", DTYPES)
def test_multilabel_classifier(onnxruntime, dtype):
    X, _ = data(dtype)
    Y = (X[:, :3] > 0).astype(int)
    model = fitted_classifier(X, Y)
    assert model.out_activation_ == "sigmoid" and model.n_outputs_ == 3
    _, outputs = check_classifier(onnxruntime, model, X)
    assert outputs["label"].shape == (len(X), 3)


def test_boolean_and_whole_float_labels_become_int64(onnxruntime):
    X, _ = data()
    for y in (X[:, 0] > 0, np.where(X[:, 0] > 0, 2.0, -1.0)):
        _, outputs = check_classifier(onnxruntime, fitted_classifier(X, y), X)
        assert outputs["label"].dtype == np.int64


@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_norm_uses_the_running_statistics(onnxruntime, dtype):
    X, _ = data(dtype)
    X = X * 3 + 1  # batch statistics far from (0, 1)
    y = np.where(X[:, 0] > 1, "a", np.where(X[:, 1] > 1, "b", "c"))
    model = fitted_classifier(X, y, batch_norm=True)
    assert np.abs(model.batch_norm_stats_["mean1"]).max() > 0.1
    check_classifier(onnxruntime, model, X)


def test_dropout_is_inactive(onnxruntime):
    X, _ = data()
    y = np.where(X[:, 0] > 0, "a", "b")
    model = fitted_classifier(X, y, dropout=0.3, batch_norm=True)
    onnx_model, _ = check_classifier(onnxruntime, model, X)
    operators = {node.op_type for node in onnx_model.graph.node}
    assert not operators & {"Dropout", "RandomUniform", "RandomUniformLike", "Bernoulli"}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("labels", [["no", "yes"], ["x", "y", "z"]])
def test_logistic_regression_binary_and_softmax(onnxruntime, dtype, labels):
    X, _ = data(dtype)
    y = np.array(labels)[np.argmax(X[:, : len(labels)], axis=1)]
    model = LogisticRegressionGD().fit(X, y)
    check_classifier(onnxruntime, model, X)


@pytest.mark.parametrize("dtype", DTYPES)
def test_graph_computes_in_the_model_dtype_whatever_the_input(onnxruntime, dtype):
    from onnx import TensorProto

    X, _ = data(dtype)
    y = np.where(X[:, 0] > 0, "a", "b")
    model = fitted_classifier(X, y)
    other = np.float64 if dtype == np.float32 else np.float32
    X_other = X.astype(other)  # predict casts it to the model's dtype, the graph too
    onnx_model, _ = check_classifier(onnxruntime, model, X_other)
    expected = TensorProto.FLOAT if dtype == np.float32 else TensorProto.DOUBLE
    weights = [tensor for tensor in onnx_model.graph.initializer if tensor.name.startswith("W")]
    assert weights and all(tensor.data_type == expected for tensor in weights)
    assert onnx_model.graph.input[0].type.tensor_type.elem_type != expected  # the input kept X_sample's type


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_zipmap_default_gives_one_dict_per_row(onnxruntime, dtype, target):
    X, _ = data(dtype)
    if target == "multilabel":  # label k -> the probability that label k is present
        y, keys = (X[:, :3] > 0).astype(int), [0, 1, 2]
    else:
        keys = ["a", "b"] if target == "binary" else ["a", "b", "c"]
        y = np.array(keys)[np.argmax(X[:, : len(keys)], axis=1)]
    model = fitted_classifier(X, y)
    outputs = run(onnxruntime, to_onnx(model, X), X)
    assert list(outputs) == ["output_label", "output_probability"]
    assert_array_equal(outputs["output_label"], model.predict(X))
    rows = outputs["output_probability"]
    assert [sorted(row) for row in rows] == [keys] * len(X)
    probabilities = np.array([[row[key] for key in keys] for row in rows])
    # ZipMap holds float32: a double model's probabilities are rounded to it once more.
    bound = error_bound(model, X) + np.finfo(np.float32).eps / 2
    assert_close(probabilities, model.predict_proba(X), bound)


def test_zipmap_columns_gives_one_output_per_class(onnxruntime):
    X, _ = data()
    y = np.array([0, 4, 9])[np.argmax(X[:, :3], axis=1)]
    model = fitted_classifier(X, y)
    outputs = run(onnxruntime, to_onnx(model, X, options={"zipmap": "columns"}), X)
    assert list(outputs) == ["output_label", "i0", "i4", "i9"]
    assert_array_equal(outputs["output_label"], model.predict(X))
    probabilities = np.column_stack([outputs["i0"], outputs["i4"], outputs["i9"]])
    assert_close(probabilities, model.predict_proba(X), error_bound(model, X))


# -- regressors -----------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", ["relu", "tanh", "leaky_relu"])
def test_regressor_several_targets_with_their_scaling_undone(onnxruntime, dtype, activation):
    X, _ = data(dtype)
    Y = np.column_stack([100 * X[:, 0] + 50, -0.01 * X[:, 1], X[:, 2] * X[:, 3]])
    model = DeepNetRegressor(
        hidden_layer_sizes=(6, 5), activation=activation, batch_norm=True, max_iter=30, random_state=0
    ).fit(X, Y)
    assert np.all(np.abs(model.target_scale_ - 1) > 0.1)  # the scaling is in play
    outputs = run(onnxruntime, to_onnx(model, X), X)
    assert list(outputs) == ["variable"]
    prediction = outputs["variable"]
    assert prediction.shape == (len(X), 3) and prediction.dtype == dtype
    assert_close(prediction, model.predict(X), error_bound(model, X))


@pytest.mark.parametrize("y_shape", ["1d", "column"])
def test_regressor_single_target_gives_one_column_as_skl2onnx_does(onnxruntime, y_shape):
    X, _ = data(np.float32)
    y = 10 * X[:, 0] + 3
    model = DeepNetRegressor(hidden_layer_sizes=(4,), max_iter=30, random_state=0)
    model.fit(X, y if y_shape == "1d" else y[:, None])
    prediction = run(onnxruntime, to_onnx(model), X)["variable"]  # no X_sample: the model's dtype and width
    assert prediction.shape == (len(X), 1)
    assert_close(prediction[:, 0], model.predict(X), error_bound(model, X)[:, 0])


# -- pipelines, and skl2onnx's own entry points ---------------------------------------


def _frame():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(1)
    n = 60
    frame = pd.DataFrame(
        {
            "age": rng.uniform(18, 80, n),
            "income": rng.lognormal(10, 1, n),
            "city": rng.choice(["oslo", "rome", "lima"], n),
        }
    )
    inputs = {name: frame[[name]].to_numpy() for name in ("age", "income")}
    inputs["city"] = frame[["city"]].to_numpy().astype(object)
    return frame, inputs


def _preprocessing():
    return ColumnTransformer([("numbers", StandardScaler(), ["age", "income"]), ("city", OneHotEncoder(), ["city"])])


def test_pipeline_with_column_transformer_and_classifier(onnxruntime):
    frame, inputs = _frame()
    y = np.where((frame["age"] > 45) ^ (frame["city"] == "rome"), "buy", "wait")
    pipeline = make_pipeline(_preprocessing(), DeepNetClassifier(hidden_layer_sizes=(5,), max_iter=40, random_state=0))
    pipeline.fit(frame, y)
    onnx_model = to_onnx(pipeline, frame[:1], options={"zipmap": False})
    assert [i.name for i in onnx_model.graph.input] == ["age", "income", "city"]
    outputs = run(onnxruntime, onnx_model, inputs)
    assert_array_equal(outputs["label"], pipeline.predict(frame))
    Xt = pipeline[:-1].transform(frame)
    # The scaler's subtract and divide, rounded in ONNX as in NumPy: 2 u relative.
    bound = error_bound(pipeline[-1], Xt, input_error=2 * np.finfo(np.float64).eps)
    assert_close(outputs["probabilities"], pipeline.predict_proba(frame), bound)


def test_pipeline_with_column_transformer_and_regressor(onnxruntime):
    frame, inputs = _frame()
    y = 0.3 * frame["age"] - 0.5 * (frame["city"] == "lima") * frame["age"]
    pipeline = make_pipeline(_preprocessing(), DeepNetRegressor(hidden_layer_sizes=(5,), max_iter=40, random_state=0))
    pipeline.fit(frame, y)
    prediction = run(onnxruntime, to_onnx(pipeline, frame[:1]), inputs)["variable"]
    Xt = pipeline[:-1].transform(frame)
    bound = error_bound(pipeline[-1], Xt, input_error=2 * np.finfo(np.float64).eps)
    assert_close(prediction[:, 0], pipeline.predict(frame), bound[:, 0])


def test_skl2onnx_converts_skdeep_estimators_once_registered(onnxruntime):
    import skl2onnx
    from skl2onnx.common.data_types import FloatTensorType

    importlib.import_module("skdeep._onnx_converters")  # what skdeep.to_onnx's first call imports
    X, _ = data(np.float32)
    y = np.where(X[:, 0] > 0, "a", "b")
    pipeline = make_pipeline(StandardScaler(), LogisticRegressionGD()).fit(X, y)
    onnx_model = skl2onnx.convert_sklearn(pipeline, initial_types=[("input", FloatTensorType([None, 4]))])
    outputs = run(onnxruntime, onnx_model, X)
    assert_array_equal(outputs["output_label"], pipeline.predict(X))
    regressor = DeepNetRegressor(hidden_layer_sizes=(3,), max_iter=10, random_state=0).fit(X, X[:, 0])
    prediction = run(onnxruntime, skl2onnx.to_onnx(regressor, X), X)["variable"]
    assert_close(prediction[:, 0], regressor.predict(X), error_bound(regressor, X)[:, 0])


def test_dataframe_or_sparse_sample_for_a_bare_estimator_gives_one_input(onnxruntime):
    import scipy.sparse as sp

    frame, _ = _frame()
    numbers = frame[["age", "income"]] / 100
    model = LogisticRegressionGD().fit(numbers, frame["city"])
    for sample in (numbers[:3], sp.csr_matrix(numbers.to_numpy()[:3])):
        onnx_model = to_onnx(model, sample, options={"zipmap": False})
        assert [node.name for node in onnx_model.graph.input] == ["X"]
        outputs = run(onnxruntime, onnx_model, numbers.to_numpy())
        assert_array_equal(outputs["label"], model.predict(numbers))


@pytest.mark.parametrize("target_opset", [9, 13])
def test_older_target_opsets(onnxruntime, target_opset):
    X, _ = data()
    y = np.array(["a", "b", "c"])[np.argmax(X[:, :3], axis=1)]
    model = fitted_classifier(X, y, activation="leaky_relu", batch_norm=True)
    onnx_model, _ = check_classifier(onnxruntime, model, X, target_opset=target_opset)
    assert {opset.domain: opset.version for opset in onnx_model.opset_import}[""] == target_opset


# -- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("package", ["skl2onnx", "onnx"])
def test_missing_package_names_the_extra(monkeypatch, package):
    X, _ = data()
    model = LogisticRegressionGD().fit(X, X[:, 0] > 0)
    monkeypatch.setitem(sys.modules, package, None)  # makes `import package` fail
    with pytest.raises(ImportError, match=r'pip install "scikit-deep\[onnx\]"') as caught:
        to_onnx(model, X)
    assert repr(package) in str(caught.value)


def test_unfitted_model_is_refused(onnxruntime):
    with pytest.raises(NotFittedError):
        to_onnx(DeepNetClassifier(), np.zeros((1, 3)))


def test_fractional_float_labels_are_refused(onnxruntime):
    X, _ = data()
    model = fitted_classifier(X, np.where(X[:, 0] > 0, 0.0, 1.0))
    # fit refuses such labels; a model edited by hand may hold them
    from skdeep._labels import ClassLabels

    model.model_ = dataclasses.replace(model.model_, targets=ClassLabels(np.array([0.5, 1.5]), False))
    with pytest.raises(ValueError, match="not whole numbers"):
        to_onnx(model, X)


def test_input_width_must_match_the_model(onnxruntime):
    from skl2onnx.common.data_types import FloatTensorType

    X, _ = data()
    model = fitted_classifier(X, X[:, 0] > 0)
    with pytest.raises(ValueError, match="fitted on 4 features"):
        to_onnx(model, initial_types=[("X", FloatTensorType([None, 3]))])


def test_model_fitted_on_named_columns_needs_x_sample(onnxruntime):
    frame, _ = _frame()
    numbers = frame[["age", "income"]]
    model = make_pipeline(StandardScaler(), LogisticRegressionGD()).fit(numbers, frame["city"])
    with pytest.raises(ValueError, match="pass X_sample"):
        to_onnx(model)
