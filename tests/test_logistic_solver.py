"""LogisticRegressionGD's accelerated solver (solver="agd") against independent computations."""

import warnings

import numpy as np
import pytest
import scipy.optimize
import scipy.sparse as sp
from scipy.special import log_expit, logsumexp
from sklearn.exceptions import ConvergenceWarning

from skdeep import LogisticRegressionGD

from . import course
from .asserts import run_plan


def objective(coef, intercept, X, y, alpha, sample_weight=None):
    """The documented cost, written independently: weighted mean log-loss + alpha/(2 m) ||W||^2."""
    w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    Z = np.asarray(X @ coef.T) + intercept
    if coef.shape[0] == 1:
        z = Z[:, 0]
        losses = -np.where(y == 1, log_expit(z), log_expit(-z))
    else:
        losses = logsumexp(Z, axis=1) - Z[np.arange(len(y)), y]
    return float(np.dot(w, losses) / w.sum() + 0.5 * alpha / w.sum() * np.sum(coef**2))


def scipy_optimum(X, y, alpha, n_outputs, sample_weight=None, start=None):
    """The optimum from scipy's L-BFGS-B run to machine precision.

    Started from ``start`` (a model) when given: if that model were more than
    tol above the optimum, L-BFGS would find the lower cost.
    """
    n = X.shape[1]
    w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    Y = np.eye(max(n_outputs, 2))[y][:, -n_outputs:] if n_outputs > 1 else y[:, None].astype(float)

    def f(theta):
        W, b = theta[: n_outputs * n].reshape(n_outputs, n), theta[n_outputs * n :]
        Z = np.asarray(X @ W.T) + b
        if n_outputs == 1:
            P = 1 / (1 + np.exp(-Z))
        else:
            P = np.exp(Z - logsumexp(Z, axis=1, keepdims=True))
        R = (P - Y) * (w / w.sum())[:, None]
        grad_W = np.asarray(X.T @ R).T + alpha / w.sum() * W
        return objective(W, b, X, y, alpha, w), np.concatenate([grad_W.ravel(), R.sum(axis=0)])

    x0 = np.zeros(n_outputs * (n + 1)) if start is None else np.concatenate([start.coef_.ravel(), start.intercept_])
    result = scipy.optimize.minimize(
        f, x0, jac=True, method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 20_000}
    )
    return result.fun


@pytest.fixture(scope="module")
def binary():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((300, 8)) * [1, 2, 5, 10, 0.1, 1, 3, 50] + [0, 0, 3, -1, 0, 10, 0, 100]
    y = (X[:, 0] + 0.3 * X[:, 1] - 0.1 * X[:, 2] + rng.standard_normal(300) > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def four_classes():
    rng = np.random.RandomState(1)
    X = rng.standard_normal((400, 6)) * [1, 3, 0.5, 7, 1, 2]
    y = np.argmax(X[:, :4] * [1, 0.3, 2, 0.2] + rng.standard_normal((400, 4)), axis=1)
    return X, y


@pytest.mark.parametrize("alpha", [1.0, 0.05])
@pytest.mark.parametrize("weighted", [False, True])
def test_converged_fit_is_within_tol_of_the_optimum(binary, four_classes, alpha, weighted):
    """tol bounds J - J*: checked against scipy's optimum of the objective written here."""
    for X, y, k in [(*binary, 1), (*four_classes, 4)]:
        weights = np.random.RandomState(2).uniform(0.2, 3, len(y)) if weighted else None
        tol = 1e-6
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            model = LogisticRegressionGD(alpha=alpha, tol=tol).fit(X, y, sample_weight=weights)
        optimum = scipy_optimum(X, y, alpha, k, weights, start=model)
        gap = objective(model.coef_, model.intercept_, X, y, alpha, weights) - optimum
        assert -1e-9 <= gap <= tol


def test_matches_sklearn_logistic_regression(four_classes):
    from sklearn.linear_model import LogisticRegression

    X, y = four_classes
    model = LogisticRegressionGD(alpha=2.0, tol=1e-12).fit(X, y)
    reference = LogisticRegression(C=0.5, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-4)
    # softmax's intercepts are defined up to a common shift: compare the centred ones
    np.testing.assert_allclose(
        model.intercept_ - model.intercept_.mean(), reference.intercept_ - reference.intercept_.mean(), atol=1e-4
    )


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_converges_like_dense(fmt):
    rng = np.random.RandomState(3)
    X = sp.random(2000, 300, density=0.02, format=fmt, random_state=rng, data_rvs=rng.standard_normal)
    w = rng.standard_normal(300) * 2
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-(X @ w)))).astype(int)
    tol = 1e-5
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        sparse_model = LogisticRegressionGD(tol=tol).fit(X, y)
    dense_model = LogisticRegressionGD(tol=tol).fit(X.toarray(), y)
    optimum = scipy_optimum(X.tocsr(), y, 1.0, 1, start=dense_model)
    for model in (sparse_model, dense_model):
        assert objective(model.coef_, model.intercept_, X, y, 1.0) - optimum <= tol
    np.testing.assert_allclose(sparse_model.coef_, dense_model.coef_, atol=1e-6)


def test_numeric_learning_rate_keeps_the_course_loop(binary):
    """solver="auto" with a number is the course's gradient descent, bit for bit."""
    X, y = binary
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w, _, costs = course.logistic_optimize(X.T, y.reshape(1, -1), 40, 0.1)
    for solver in ("auto", "gd"):
        model = LogisticRegressionGD(solver=solver, learning_rate=0.1, max_iter=40, tol=0, alpha=0).fit(X, y)
        np.testing.assert_allclose(model.loss_curve_, costs, rtol=1e-12)
        np.testing.assert_allclose(model.coef_, w.T, rtol=0, atol=1e-10)


def test_tol_zero_runs_every_iteration(binary):
    X, y = binary
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegressionGD(max_iter=37, tol=0).fit(X, y)
    assert model.n_iter_ == 37 == len(model.loss_curve_)
    assert model.loss_curve_[0] == pytest.approx(np.log(2), abs=1e-15)  # from zeros, sigmoid(0) = 1/2


def test_float32_stays_float32_and_agrees_with_float64(four_classes):
    X, y = four_classes
    single = LogisticRegressionGD().fit(X.astype(np.float32), y)
    double = LogisticRegressionGD().fit(X, y)
    assert single.coef_.dtype == np.float32 and single.intercept_.dtype == np.float32
    assert single.predict_proba(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(single.coef_, double.coef_, atol=2e-3)


def test_warm_start_continues_from_the_optimum(binary):
    X, y = binary
    model = LogisticRegressionGD(warm_start=True, tol=1e-6).fit(X, y)
    first_iterations, coef = model.n_iter_, model.coef_.copy()
    model.fit(X, y)
    assert model.n_iter_ - first_iterations <= 2  # already certified: one iteration checks it
    assert len(model.loss_curve_) == model.n_iter_
    np.testing.assert_allclose(model.coef_, coef, atol=1e-4)


def test_without_regularization_the_gradient_norm_is_bounded(four_classes):
    """alpha=0: no strong convexity, tol bounds the standardized gradient's norm."""
    X, y = four_classes
    X = X[:, :2]  # overlapping classes: a finite optimum exists
    model = LogisticRegressionGD(alpha=0.0, tol=1e-6).fit(X, y)
    optimum = scipy_optimum(X, y, 0.0, 4, start=model)
    assert objective(model.coef_, model.intercept_, X, y, 0.0) - optimum < 1e-8


def test_partial_fit_is_one_course_step_with_the_accelerated_default(binary):
    X, y = binary
    model = LogisticRegressionGD().partial_fit(X, y, classes=[0, 1])
    assert model.n_iter_ == 1 and model.loss_curve_[0] == pytest.approx(np.log(2), abs=1e-15)
    step = run_plan(LogisticRegressionGD(solver="gd"), X).spec.learning_rate
    full = LogisticRegressionGD(solver="gd", learning_rate=step, max_iter=1, tol=0).fit(X, y)
    np.testing.assert_array_equal(model.coef_, full.coef_)


@pytest.mark.parametrize("n_features", [20, 1100])
@pytest.mark.parametrize("scale", [1e154, 1e200, 1e300])
def test_huge_inputs_fit_as_the_same_problem_rescaled(scale, n_features):
    """X * s with alpha is X with alpha / s^2 (here ~0) and coefficients / s."""
    rng = np.random.RandomState(4)
    X = rng.standard_normal((120, n_features))
    y = (X[:, 0] - X[:, 1] + rng.standard_normal(120) > 0).astype(int)
    reference = LogisticRegressionGD(alpha=0.0, max_iter=15, tol=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        huge = LogisticRegressionGD(max_iter=15, tol=0).fit(X * scale, y)
        LogisticRegressionGD().fit(X * scale, y)  # converges, no warning
    np.testing.assert_allclose(huge.coef_ * scale, reference.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(huge.predict(X * scale), reference.predict(X))


@pytest.mark.parametrize("scale", [1e154, 1e200])
def test_plain_gradient_descent_refuses_huge_inputs_naming_their_scale(scale):
    rng = np.random.RandomState(5)
    X = rng.standard_normal((50, 1100)) * scale
    y = rng.randint(0, 2, 50)
    with pytest.raises(ValueError, match="X's scale"):
        LogisticRegressionGD(solver="gd").fit(X, y)


def test_solver_is_validated(binary):
    with pytest.raises(ValueError, match="solver must be one of"):
        LogisticRegressionGD(solver="newton").fit(*binary)


def test_column_major_input_ends_at_the_same_point(four_classes):
    """Past convergence only gradients steer: rounding differences do not grow."""
    X, y = four_classes
    a = LogisticRegressionGD(max_iter=300, tol=0).fit(X, y)
    b = LogisticRegressionGD(max_iter=300, tol=0).fit(np.asfortranarray(X), y)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-12, atol=1e-14)


def test_sparse_float32_stays_sparse_and_float32():
    rng = np.random.RandomState(6)
    X = sp.random(500, 80, density=0.05, format="csr", random_state=rng, dtype=np.float32)
    y = rng.randint(0, 3, 500)
    model = LogisticRegressionGD().fit(X, y)
    assert model.coef_.dtype == np.float32
    reference = LogisticRegressionGD().fit(X.astype(np.float64).toarray(), y)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=2e-3)


def test_numeric_learning_rate_with_agd_is_only_the_first_step_tried(binary):
    X, y = binary
    slow_start = LogisticRegressionGD(solver="agd", learning_rate=1e-6, tol=1e-8).fit(X, y)
    auto = LogisticRegressionGD(solver="agd", tol=1e-8).fit(X, y)
    np.testing.assert_allclose(slow_start.coef_, auto.coef_, atol=1e-3)
