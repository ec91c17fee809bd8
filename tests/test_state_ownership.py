"""One owner for every piece of state: refused fits change nothing, the record is the one record,
and the divergence verdict depends on the epochs, not on how they are split across calls."""

import ast
import dataclasses
import pathlib
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import skdeep
from skdeep import DeepNetClassifier, DeepNetRegressor, DivergenceError, LogisticRegressionGD


def _same(a, b, path="vars"):
    """Deep, bit-for-bit equality of estimator state; raises naming the first difference."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        assert a.tobytes() == b.tobytes(), path
    elif isinstance(a, np.random.RandomState):
        _same(a.get_state(legacy=False)["state"]["key"], b.get_state(legacy=False)["state"]["key"], path)
        assert a.get_state()[2:] == b.get_state()[2:], path
    elif dataclasses.is_dataclass(a):
        for field in dataclasses.fields(a):
            _same(getattr(a, field.name), getattr(b, field.name), f"{path}.{field.name}")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _same(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), path
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def _snapshot(estimator):
    """A deep copy of everything the estimator holds, to compare with later."""
    import copy

    return copy.deepcopy(dict(vars(estimator)))


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


REFUSALS = {
    "warm start on another network": (
        dict(hidden_layer_sizes=(5,), warm_start=True),
        lambda m, X, y: m.set_params(hidden_layer_sizes=(6,)).fit(X, y),
        "network's shape changed",
    ),
    "warm start on other classes": (
        dict(hidden_layer_sizes=(5,), warm_start=True),
        lambda m, X, y: m.fit(X[y < 2], y[y < 2]),
        "same classes as before",
    ),
    "partial_fit of a new class": (
        dict(hidden_layer_sizes=(5,)),
        lambda m, X, y: m.partial_fit(X, np.where(y == 2, 7, y)),
        r"classes \[7\] that the model does not know",
    ),
    "a bad hyperparameter": (
        dict(hidden_layer_sizes=(5,)),
        lambda m, X, y: m.set_params(alpha=-1).fit(X, y),
        "alpha must be in",
    ),
    "X with other features": (
        dict(hidden_layer_sizes=(5,), warm_start=True),
        lambda m, X, y: m.fit(X[:, :3], y),
        "features",
    ),
    "a diverging warm start": (
        dict(hidden_layer_sizes=(5,), warm_start=True, dropout=0.2, shuffle=True),
        lambda m, X, y: m.set_params(solver="gd", learning_rate=1e30).fit(X * 1e3, y),
        "Training diverged",
    ),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_refused_fit_leaves_the_estimator_exactly_as_it_was(iris, name):
    params, refused_call, message = REFUSALS[name]
    X, y = iris
    model = DeepNetClassifier(max_iter=5, tol=0, random_state=0, early_stopping=False, **params).fit(X, y)
    model.partial_fit(X, y)  # a record with a partial_fit in it, and a moved random stream
    before = _snapshot(model)
    with pytest.raises(ValueError, match=message):
        refused_call(model, X, y)
    model.set_params(**{key: before[key] for key in model.get_params()})
    _same(dict(vars(model)), before)


def test_a_refused_regressor_partial_fit_leaves_it_as_it_was():
    X, y = make_regression(60, 3, n_targets=2, random_state=0)
    model = DeepNetRegressor(hidden_layer_sizes=(4,), random_state=0).partial_fit(X, y)
    before = _snapshot(model)
    with pytest.raises(ValueError, match="target column"):
        model.partial_fit(X, y[:, 0])
    _same(dict(vars(model)), before)


def test_the_fitted_model_is_one_object_and_the_attributes_read_it(iris):
    X, y = iris
    model = DeepNetClassifier(hidden_layer_sizes=(5,), max_iter=3, tol=0, random_state=0).fit(X, y)
    fitted = model.model_
    assert set(vars(model)) - set(model.get_params()) == {"model_", "n_features_in_"}
    assert model.loss_curve_ is fitted.record.loss_curve and model.n_iter_ == fitted.record.n_iter == 3
    assert model.parameters_ is fitted.parameters and model.classes_ is fitted.targets.classes
    np.testing.assert_array_equal(model.coefs_[0], fitted.parameters["W1"].T)
    model.fit(X, y)
    assert model.model_ is not fitted and fitted.record.n_iter == 3  # a new fit publishes a new model
    # After set_params, predictions still follow the fitted network, not the new hyperparameters.
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(model.set_params(activation="tanh").predict_proba(X), proba)
    with pytest.raises(AttributeError, match="not fitted yet"):
        DeepNetClassifier().loss_curve_  # noqa: B018


def test_the_divergence_verdict_does_not_depend_on_how_the_epochs_are_split():
    """The issue's case: unscaled iris, momentum, full batch. 30 epochs at once, or 10 then 20."""
    X, y = load_iris(return_X_y=True)
    params = dict(solver="momentum", learning_rate=0.01, batch_size=None, alpha=1e-4, tol=0, random_state=0)
    cold = DeepNetRegressor(max_iter=30, **params).fit(X, y)
    warm = DeepNetRegressor(max_iter=10, warm_start=True, **params).fit(X, y)
    warm.set_params(max_iter=20).fit(X, y)
    assert warm.loss_curve_ == cold.loss_curve_ and warm.n_iter_ == 30
    np.testing.assert_array_equal(warm.predict(X), cold.predict(X))
    # ... and a run that does diverge is refused either way.
    params.update(learning_rate=3.0)
    with pytest.raises(DivergenceError):
        DeepNetRegressor(max_iter=30, **params).fit(X, y)
    warm = DeepNetRegressor(max_iter=2, warm_start=True, **params)
    with pytest.raises(DivergenceError):
        for _ in range(15):
            warm.fit(X, y)


def test_a_stream_whose_targets_drift_is_not_a_divergence():
    X, y = make_regression(1000, 5, noise=1, random_state=0)
    model = DeepNetRegressor(random_state=0)
    for k in range(5):
        rows = slice(200 * k, 200 * (k + 1))
        for _ in range(10):
            model.partial_fit(X[rows], y[rows] + k * 5 * y.std())
    assert model.n_iter_ == 50
    # It follows the stream: the last chunk's predictions sit near its drifted targets.
    drifted = y[800:] + 4 * 5 * y.std()
    assert abs(model.predict(X[800:]).mean() - drifted.mean()) < 0.2 * abs(drifted.mean() - y[800:].mean())


def test_new_data_after_a_fit_is_not_a_divergence():
    model = DeepNetRegressor(hidden_layer_sizes=(42,), random_state=42, learning_rate=0.01, alpha=1e-4)
    model.fit([[2.0]], [4.0]).partial_fit([[2.0]], [1.0])
    assert model.n_iter_ > 1 and np.isfinite(model.predict([[2.0]])).all()


def test_a_warm_start_on_new_data_is_compared_with_its_own_start():
    """Chunks of a growing data set, each fitted warm: not a divergence, whatever the first chunk's cost."""
    X, y = make_regression(600, 4, noise=0.5, random_state=1)
    model = DeepNetRegressor(hidden_layer_sizes=(8,), warm_start=True, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in range(3):
            model.fit(X[: 200 * (k + 1)], y[: 200 * (k + 1)] * (1 + 3 * k))
    assert model.model_.record.reference_epoch > 0


# -- the structure that keeps it so ------------------------------------------------------------

PACKAGE = pathlib.Path(skdeep.__file__).parent
GLUE = sorted(path for path in PACKAGE.rglob("*.py") if "nn" not in path.relative_to(PACKAGE).parts)


def test_no_glue_module_is_a_hub():
    for path in GLUE:
        text = path.read_text()
        assert len(text.splitlines()) <= 460, f"{path.name} has grown past about 450 lines"
        assert "__dict__ =" not in text, f"{path.name} swaps an instance's __dict__"
        assert "getattr(self," not in text, f"{path.name} reads a hyperparameter with a fallback default"


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_import_graph_has_no_cycles_and_the_math_imports_no_glue():
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                for alias in node.names:
                    full = f"{target}.{alias.name}"
                    imported.add(full if full in modules else target)
        graph[name] = {target for target in imported if target in modules and target != name}
    for name, targets in graph.items():
        if name.startswith("skdeep.nn"):
            assert all(target.startswith("skdeep.nn") for target in targets), f"{name} imports glue"
    # Depth-first search for a cycle; a package's __init__ re-exporting its own modules is not one.
    state = {}

    def visit(name, trail):
        state[name] = "open"
        for target in graph[name]:
            if name.startswith(target + ".") or target.startswith(name + "."):
                continue
            if state.get(target) == "open":
                raise AssertionError(f"import cycle: {' -> '.join([*trail, name, target])}")
            if target not in state:
                visit(target, [*trail, name])
        state[name] = "done"

    for name in graph:
        if name not in state:
            visit(name, [])


def test_every_hyperparameter_has_one_row_in_its_estimators_table():
    for Estimator in (LogisticRegressionGD, DeepNetClassifier, DeepNetRegressor):
        assert list(Estimator._hyperparameter_table) == list(Estimator._hyperparameter_table)
        assert set(Estimator._hyperparameter_table) == set(Estimator().get_params())


def test_a_shallow_copy_shares_the_fitted_model(iris):
    import copy

    X, y = iris
    model = DeepNetClassifier(hidden_layer_sizes=(5,), max_iter=3, tol=0, random_state=0).fit(X, y)
    copied = copy.copy(model)
    assert copied.model_ is model.model_ and copied.get_params() == model.get_params()
    np.testing.assert_array_equal(copied.predict_proba(X), model.predict_proba(X))
