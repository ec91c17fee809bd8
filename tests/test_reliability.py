"""Numerical faults, determinism across processes, and properties over random inputs."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning

from skdeep import DeepNetClassifier, LogisticRegressionGD
from skdeep._training import DivergenceError

HUGE_INPUT_MODELS = {
    "logistic": lambda: LogisticRegressionGD(max_iter=50),
    "relu-adam": lambda: DeepNetClassifier(max_iter=20, random_state=0),
    "tanh": lambda: DeepNetClassifier(activation="tanh", max_iter=20, random_state=0),
    "sigmoid-batch-norm": lambda: DeepNetClassifier(activation="sigmoid", batch_norm=True, max_iter=20, random_state=0),
    "lbfgs": lambda: DeepNetClassifier(solver="lbfgs", max_iter=20, random_state=0),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(HUGE_INPUT_MODELS))
def test_inputs_of_a_million_give_no_warning_and_no_nan(name, dtype):
    rng = np.random.RandomState(0)
    X = (rng.standard_normal((200, 5)) * 1e6).astype(dtype)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = HUGE_INPUT_MODELS[name]().fit(X, y)
        proba = model.predict_proba(X)
        log_proba = model.predict_log_proba(X)
    assert np.all(np.isfinite(proba)) and np.all(np.isfinite(log_proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gradient_descent_on_inputs_of_a_million_diverges_with_a_clear_error(dtype):
    """Unscaled inputs of 1e6 make plain gd climb; the fit says so instead of keeping the weights."""
    rng = np.random.RandomState(0)
    X = (rng.standard_normal((200, 5)) * 1e6).astype(dtype)
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    model = DeepNetClassifier(solver="gd", learning_rate=1e-3, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError, match=r"learning_rate=0.001 is too large.*StandardScaler"):
            model.fit(X, y)
    assert not hasattr(model, "parameters_")


def _fit_parameters(seed, X, y):
    model = DeepNetClassifier(
        hidden_layer_sizes=(16, 8), dropout=0.1, batch_size=32, max_iter=5, tol=0, random_state=seed
    )
    return model.fit(X, y).parameters_


def test_same_random_state_gives_bit_identical_parameters_across_processes():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((150, 6))
    y = rng.randint(0, 3, 150)
    here = _fit_parameters(7, X, y)
    elsewhere = Parallel(n_jobs=2, backend="loky")(delayed(_fit_parameters)(7, X, y) for _ in range(2))
    for other in elsewhere:
        for name, value in here.items():
            np.testing.assert_array_equal(other[name], value, err_msg=name)


# -- properties over random problems -------------------------------------------------

LABEL_KINDS = {
    "int": lambda k: np.arange(k) * 3 - 2,
    "str": lambda k: np.array([f"class {i}" for i in range(k)], dtype=object),
    "float": lambda k: np.arange(k, dtype=float) * 2 - 1,  # integer-valued floats
    "bool": lambda k: np.array([False, True]),
}


@st.composite
def problems(draw):
    kind = draw(st.sampled_from(sorted(LABEL_KINDS)))
    n_classes = 2 if kind == "bool" else draw(st.integers(2, 4))
    n_samples = draw(st.integers(n_classes + 2, 40))
    n_features = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    X = (rng.standard_normal((n_samples, n_features)) * draw(st.sampled_from([1e-3, 1.0, 1e3]))).astype(dtype)
    index = np.concatenate([np.arange(n_classes), rng.randint(0, n_classes, n_samples - n_classes)])
    labels = LABEL_KINDS[kind](n_classes)
    return X, labels[index], labels


@st.composite
def estimators(draw):
    if draw(st.booleans()):
        return LogisticRegressionGD(max_iter=draw(st.integers(1, 30)), alpha=draw(st.sampled_from([0.0, 1.0])))
    return DeepNetClassifier(
        hidden_layer_sizes=draw(st.lists(st.integers(1, 8), min_size=0, max_size=2).map(tuple)),
        activation=draw(st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu", "identity"])),
        solver=draw(st.sampled_from(["gd", "momentum", "rmsprop", "adagrad", "adam"])),
        batch_size=draw(st.sampled_from([None, 4, "auto"])),
        batch_norm=draw(st.booleans()),
        dropout=draw(st.sampled_from([0.0, 0.3])),
        max_iter=draw(st.integers(1, 8)),
        random_state=draw(st.integers(0, 100)),
    )


PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@PROPERTY_SETTINGS
@given(problem=problems(), estimator=estimators())
def test_probabilities_are_finite_distributions_and_predict_is_their_argmax(problem, estimator):
    X, y, _ = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow, no invalid value
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # kept its best epoch after an overflow
        try:
            estimator.fit(X, y)
        except DivergenceError:
            return  # a clear error is a valid outcome; a NaN model is not
        proba = estimator.predict_proba(X)
    assert proba.shape == (len(X), len(estimator.classes_))
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    predicted = estimator.predict(X)
    assert predicted.dtype == np.asarray(y).dtype
    np.testing.assert_array_equal(predicted, estimator.classes_[np.argmax(proba, axis=1)])


@PROPERTY_SETTINGS
@given(problem=problems(), estimator=estimators())
def test_renaming_the_classes_renames_the_predictions_and_nothing_else(problem, estimator):
    X, y, labels = problem
    # An order-preserving renaming (classes_ is sorted), so column k stays column k.
    renamed_labels = np.array([f"renamed {i:02d}" for i in range(len(labels))], dtype=object)
    renaming = dict(zip(labels.tolist(), renamed_labels.tolist(), strict=True))
    renamed_y = np.array([renaming[label] for label in y.tolist()], dtype=object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        try:
            original = estimator.fit(X, y)
        except DivergenceError:
            return
        proba, predicted = original.predict_proba(X), original.predict(X)
        other = estimator.__class__(**estimator.get_params()).fit(X, renamed_y)
    np.testing.assert_array_equal(other.predict_proba(X), proba)
    np.testing.assert_array_equal(other.predict(X), [renaming[label] for label in predicted.tolist()])
