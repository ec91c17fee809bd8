"""skdeep configured like the course reproduces the course's own loops."""

import numpy as np
import pytest

from skdeep import DeepNetClassifier, LogisticRegressionGD

from . import course


@pytest.fixture
def binary_data():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((60, 8))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 - X[:, 2] > 0.3).astype(int)
    return X, y


def test_logistic_regression_matches_course_loop(binary_data):
    X, y = binary_data
    n_iter, learning_rate = 300, 0.05
    w, b, costs = course.logistic_optimize(X.T, y.reshape(1, -1), n_iter, learning_rate)

    model = LogisticRegressionGD(learning_rate=learning_rate, max_iter=n_iter, tol=0, alpha=0).fit(X, y)

    assert model.n_iter_ == n_iter
    np.testing.assert_allclose(model.coef_, w.T, rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, [b], rtol=0, atol=1e-10)
    np.testing.assert_allclose(model.loss_curve_, costs, rtol=1e-12)
    # Zero initialization: sigmoid(0) = 1/2 for every example.
    assert model.loss_curve_[0] == pytest.approx(np.log(2), abs=1e-15)


def test_multiclass_logistic_regression_starts_at_log_k():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 3))
    y = rng.randint(0, 4, size=40)
    model = LogisticRegressionGD(max_iter=3, tol=0).fit(X, y)
    assert model.loss_curve_[0] == pytest.approx(np.log(4), abs=1e-15)
    assert model.coef_.shape == (4, 3)


@pytest.mark.parametrize(
    "init, hidden, learning_rate",
    [("xavier", (6, 4, 3), 0.075), ("small", (5,), 0.5)],
    ids=["L_layer_model", "two_layer_model"],
)
def test_deep_net_reproduces_course_model(binary_data, init, hidden, learning_rate):
    X, y = binary_data
    n_iter = 200
    layers_dims = (X.shape[1], *hidden, 1)
    parameters, costs = course.L_layer_model(
        X.T, y.reshape(1, -1), layers_dims, learning_rate, n_iter, seed=1, scale=init
    )

    model = DeepNetClassifier(
        hidden_layer_sizes=hidden,
        activation="relu",
        init=init,
        solver="gd",
        learning_rate=learning_rate,
        batch_size=None,
        max_iter=n_iter,
        tol=0,
        alpha=0,
        random_state=1,
    ).fit(X, y)

    np.testing.assert_allclose(model.loss_curve_, costs, rtol=1e-10)
    assert model.loss_curve_[-1] < 0.8 * model.loss_curve_[0]  # it did learn
    for name, value in parameters.items():
        np.testing.assert_allclose(model.parameters_[name], value, rtol=0, atol=1e-8, err_msg=name)


def test_initialization_draws_like_the_course():
    X = np.random.RandomState(0).standard_normal((10, 5))
    y = np.arange(10) % 2
    model = DeepNetClassifier(hidden_layer_sizes=(4, 3), init="xavier", max_iter=1, random_state=1)
    # Reconstruct the very first draw: weights before any update.
    expected = course.initialize_parameters_deep((5, 4, 3, 1), seed=1)
    model.set_params(solver="gd", learning_rate=1e-300, tol=0, batch_size=None).fit(X, y)
    for name, value in expected.items():
        np.testing.assert_allclose(model.parameters_[name], value, rtol=1e-12, atol=1e-300)
