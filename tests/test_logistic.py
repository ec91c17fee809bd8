"""LogisticRegressionGD's own behaviour."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from skdeep import LogisticRegressionGD

from .asserts import run_plan


def test_defaults_converge_without_warning(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegressionGD().fit(X, y)
    assert model.n_iter_ == len(model.loss_curve_) < 5000
    assert np.max(np.abs(model.decision_function(X) - X @ model.coef_[0] - model.intercept_[0])) < 1e-10
    reference = LogisticRegression(C=1.0).fit(X, y)
    assert (model.predict(X) == reference.predict(X)).mean() > 0.99


def test_course_gradient_descent_never_increases_the_cost(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    model = LogisticRegressionGD(solver="gd", max_iter=5000).fit(X, y)
    assert model.n_iter_ < 5000
    assert np.max(np.diff(model.loss_curve_)) <= 1e-12  # 1.9 / (L + mu) steps never increase the cost


def test_converges_to_the_objective_of_sklearn_logistic_regression(scaled_breast_cancer):
    """alpha = 1/C: the same objective as LogisticRegression(C), so the same optimum."""
    X, y = scaled_breast_cancer
    model = LogisticRegressionGD(alpha=1.0, tol=1e-12, max_iter=100_000).fit(X, y)
    reference = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-4)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-5)


def test_auto_learning_rate_is_below_two_over_lipschitz(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    model = LogisticRegressionGD(solver="gd")
    step = run_plan(model, X).spec.learning_rate
    X1 = np.column_stack([X, np.ones(len(y))])
    mu = 1.0 / len(y)
    lipschitz = 0.25 * np.linalg.eigvalsh(X1.T @ X1 / len(y))[-1] + mu
    assert step == pytest.approx(1.9 / (lipschitz + mu), rel=1e-10)
    assert step < 2 / lipschitz


def test_auto_learning_rate_for_wide_sparse_data_uses_lanczos():
    rng = np.random.RandomState(0)
    import scipy.sparse as sp

    X = sp.random(200, 1500, density=0.01, random_state=rng, format="csr")
    y = rng.randint(0, 2, 200)
    step = run_plan(LogisticRegressionGD(solver="gd"), X).spec.learning_rate
    X1 = np.column_stack([X.toarray(), np.ones(200)])
    exact = 1.9 / (0.25 * np.linalg.eigvalsh(X1.T @ X1 / 200)[-1] + 2 / 200)
    assert step == pytest.approx(exact, rel=1e-2)
    LogisticRegressionGD(solver="gd", max_iter=20, tol=0).fit(X, y)


def test_multiclass_is_softmax_regression(iris):
    X, y = iris
    model = LogisticRegressionGD(max_iter=200, tol=0).fit(X, y)
    assert model.coef_.shape == (3, 4) and model.intercept_.shape == (3,)
    Z = X @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(model.decision_function(X), Z, rtol=1e-10)
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(model.predict_proba(X), P / P.sum(axis=1, keepdims=True), rtol=1e-10)


def test_binary_decision_function_and_parameters(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    model = LogisticRegressionGD(max_iter=100, tol=0).fit(X, y)
    scores = model.decision_function(X)
    assert scores.shape == (len(y),)
    np.testing.assert_allclose(scores, X @ model.coef_[0] + model.intercept_[0], rtol=1e-10)
    np.testing.assert_array_equal(model.predict(X), (scores > 0).astype(int))
    assert model.parameters_["W1"].shape == (1, X.shape[1]) and model.parameters_["b1"].shape == (1, 1)


def test_tol_zero_runs_every_iteration_without_warning(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegressionGD(max_iter=50, tol=0).fit(X, y)
    assert model.n_iter_ == 50 == len(model.loss_curve_)


def test_convergence_warning_when_max_iter_is_too_small(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    with pytest.warns(ConvergenceWarning, match="max_iter=5"):
        LogisticRegressionGD(max_iter=5).fit(X, y)


def test_alpha_shrinks_the_weights(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    norms = [np.linalg.norm(LogisticRegressionGD(alpha=a, max_iter=300, tol=0).fit(X, y).coef_) for a in (0.1, 10, 100)]
    assert norms[0] > norms[1] > norms[2]


def test_class_weight_moves_the_decision_towards_the_light_class(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    plain = LogisticRegressionGD(max_iter=200, tol=0).fit(X, y)
    heavy = LogisticRegressionGD(max_iter=200, tol=0, class_weight={0: 20}).fit(X, y)
    assert (heavy.predict(X) == 0).sum() > (plain.predict(X) == 0).sum()
    weights = np.where(y == 0, 20.0, 1.0)
    same = LogisticRegressionGD(max_iter=200, tol=0).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(heavy.coef_, same.coef_, rtol=1e-12)


def test_verbose_prints_the_cost(scaled_breast_cancer, capsys):
    X, y = scaled_breast_cancer
    LogisticRegressionGD(max_iter=3, tol=0, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("Epoch 1, loss = 0.69314718")
    assert lines[-1] == "Training stopped after epoch 3: max_iter=3 epochs reached."
