"""DeepNetRegressor: the course's network with an identity output and the squared-error cost."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_regression
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetRegressor, gradient_check

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=120, n_features=6, noise=5.0, random_state=0)
    return X, y


def _relu(Z):
    return np.maximum(Z, 0)


def test_one_gradient_step_is_the_course_equations(regression):
    """Forward, cost, backward and update written out independently, for one full-batch step."""
    X, y = regression
    model = DeepNetRegressor(
        hidden_layer_sizes=(5,), init="he", solver="gd", batch_size=None, learning_rate=0.1, alpha=0.0, max_iter=1,
        tol=0, standardize_target=False, random_state=0,
    ).fit(X, y)
    # The same initial draws: W1 then W2 from RandomState(0), He scale for ReLU.
    rng = np.random.RandomState(0)
    W1 = rng.standard_normal((5, 6)) * np.sqrt(2 / 6)
    W2 = rng.standard_normal((1, 5)) * np.sqrt(2 / 5)
    b1, b2 = np.zeros((5, 1)), np.zeros((1, 1))
    A0, Y, m = X.T, y.reshape(1, -1), X.shape[0]
    Z1 = W1 @ A0 + b1
    A1 = _relu(Z1)
    A2 = W2 @ A1 + b2  # identity output
    J = np.sum((A2 - Y) ** 2) / (2 * m)
    dZ2 = A2 - Y
    dW2, db2 = dZ2 @ A1.T / m, dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    dW1, db1 = dZ1 @ A0.T / m, dZ1.sum(axis=1, keepdims=True) / m
    assert model.loss_curve_[0] == pytest.approx(J, rel=1e-12)
    for name, value in {"W1": W1 - 0.1 * dW1, "b1": b1 - 0.1 * db1, "W2": W2 - 0.1 * dW2, "b2": b2 - 0.1 * db2}.items():
        np.testing.assert_allclose(model.parameters_[name], value, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "params",
    [dict(), dict(activation="tanh", alpha=1.0, alpha_l1=0.1), dict(batch_norm=True, hidden_layer_sizes=(4, 3))],
    ids=["relu", "tanh-l2-l1", "batch-norm"],
)
def test_gradient_check(regression, params):
    X, y = regression
    X = StandardScaler().fit_transform(X)[:30]
    params = {"hidden_layer_sizes": (4,), **params}
    assert gradient_check(DeepNetRegressor(random_state=0, **params), X, y[:30]) < 1e-7


def test_standardized_targets_equal_a_transformed_target_regressor(regression):
    X, y = regression
    y = 1e4 * y + 5e5  # targets far from unit scale
    params = dict(hidden_layer_sizes=(8,), max_iter=30, tol=0, random_state=0)
    inside = DeepNetRegressor(**params).fit(X, y)
    outside = TransformedTargetRegressor(
        DeepNetRegressor(standardize_target=False, **params), transformer=StandardScaler()
    ).fit(X, y)
    np.testing.assert_allclose(inside.predict(X), outside.predict(X), rtol=1e-9)
    assert inside.target_mean_[0] == pytest.approx(y.mean()) and inside.target_scale_[0] == pytest.approx(y.std())


def test_multi_output_float32_and_sparse(regression):
    X, y = regression
    Y = np.column_stack([y, -2 * y + 3])
    model = DeepNetRegressor(hidden_layer_sizes=(8,), max_iter=20, tol=0, random_state=0)
    dense = model.fit(X.astype(np.float32), Y).predict(X.astype(np.float32))
    assert dense.shape == (120, 2) and dense.dtype == np.float32 and model.n_outputs_ == 2
    assert model.parameters_["W1"].dtype == np.float32
    one = DeepNetRegressor(hidden_layer_sizes=(8,), max_iter=20, tol=0, random_state=0)
    # Sparse products sum in another order: equal to rounding.
    np.testing.assert_allclose(one.fit(sp.csr_matrix(X), y).predict(X), one.fit(X, y).predict(X), rtol=1e-12)
    assert one.predict(X).shape == (120,)


def test_mlp_regressor_attributes(regression):
    X, y = regression
    model = DeepNetRegressor(max_iter=5, tol=0, random_state=0).fit(X, y)
    assert model.out_activation_ == "identity" and model.n_outputs_ == 1
    assert model.loss_ == model.loss_curve_[-1] and model.best_loss_ == min(model.loss_curve_)
    assert model.n_iter_ == 5 and model.t_ == 5 * 120
    assert [W.shape for W in model.coefs_] == [(6, 100), (100, 1)]
    assert model.validation_scores_ is None


def test_early_stopping_warm_start_and_partial_fit(regression):
    X, y = regression
    stopped = DeepNetRegressor(early_stopping=True, random_state=0, max_iter=500).fit(X, y)
    assert stopped.n_iter_ < 500 and len(stopped.validation_loss_curve_) == stopped.n_iter_
    scored = DeepNetRegressor(early_stopping=True, scoring="r2", max_iter=20, random_state=0).fit(X, y)
    assert all(score <= 1 for score in scored.validation_scores_)
    warm = DeepNetRegressor(max_iter=3, tol=0, warm_start=True, random_state=0).fit(X, y).fit(X, y)
    whole = DeepNetRegressor(max_iter=6, tol=0, random_state=0).fit(X, y)
    np.testing.assert_array_equal(warm.parameters_["W1"], whole.parameters_["W1"])
    chunked = DeepNetRegressor(random_state=0, shuffle=False, batch_size=30)
    for start in range(0, 120, 60):
        chunked.partial_fit(X[start : start + 60], y[start : start + 60])
    assert chunked.n_iter_ == 2
    with pytest.raises(ValueError, match="2 target column"):
        chunked.partial_fit(X, np.column_stack([y, y]))


def test_diabetes_at_defaults_learns():
    X, y = load_diabetes(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = DeepNetRegressor(random_state=0).fit(X[:350], y[:350])
    assert model.score(X[350:], y[350:]) > 0.3


def test_targets_must_be_numbers():
    with pytest.raises(ValueError):
        DeepNetRegressor().fit(np.ones((4, 2)), np.array(["a", "b", "c", "d"], dtype=object))


def test_skops_round_trip_with_the_regressor_trusted(regression, tmp_path):
    sio = pytest.importorskip("skops.io")
    X, y = regression
    model = DeepNetRegressor(hidden_layer_sizes=(6,), max_iter=5, tol=0, random_state=0).fit(X, y)
    sio.dump(model, tmp_path / "model.skops")
    trusted = ["skdeep.DeepNetRegressor"]
    assert sio.get_untrusted_types(file=tmp_path / "model.skops") == trusted
    np.testing.assert_array_equal(sio.load(tmp_path / "model.skops", trusted=trusted).predict(X), model.predict(X))


def test_one_target_column_predicts_a_vector_as_mlp_regressor_does(regression):
    X, y = regression
    model = DeepNetRegressor(hidden_layer_sizes=(4,), max_iter=3, tol=0, random_state=0)
    column = model.fit(X, y[:, None]).predict(X)
    assert column.shape == (120,)
    np.testing.assert_array_equal(column, model.fit(X, y).predict(X))
