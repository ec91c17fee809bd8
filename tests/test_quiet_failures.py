"""Fits that used to be quietly wrong, and the edges scikit-learn users meet (issue 24)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_fit_idempotent

from skdeep import DeepNetClassifier, DeepNetRegressor, LogisticRegressionGD
from skdeep.nn.losses import best_constant_loss

SOLVERS = ("gd", "momentum", "rmsprop", "adagrad", "adam", "lbfgs")


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)  # unscaled, as the cases


# -- no better than ignoring X ------------------------------------------------------------------


def test_the_best_constant_prediction_is_the_entropy_or_half_the_variance():
    r = np.full(4, 0.25)
    one_hot = np.eye(2)[[0, 0, 0, 1]].T
    assert best_constant_loss(one_hot, r, "softmax") == pytest.approx(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)))
    assert best_constant_loss(one_hot[1:], r, "sigmoid") == pytest.approx(best_constant_loss(one_hot, r, "softmax"))
    assert best_constant_loss(np.array([[1.0, 3.0, 1.0, 3.0]]), r, "identity") == pytest.approx(0.5)
    assert best_constant_loss(np.ones((1, 4)), r, "sigmoid") == 0.0  # one class: nothing to learn


def test_a_step_so_large_that_every_unit_dies_is_not_silent(iris):
    X, y = iris
    said = r"(worse than one that ignores X|learned nothing from X).*predicting the class frequencies"
    with pytest.warns(ConvergenceWarning, match=said):
        model = DeepNetClassifier(solver="gd", learning_rate=10, random_state=0).fit(X, y)
    assert model.score(X, y) == pytest.approx(1 / 3)  # one class predicted: every ReLU unit is dead


def test_adam_at_a_huge_rate_warns_whenever_it_ends_no_better_than_the_constant(iris):
    """Adam at learning_rate=10 ends near the constant or a little above it, by NumPy version: never silently."""
    X, y = iris
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = DeepNetClassifier(solver="adam", learning_rate=10, random_state=0).fit(X, y)
    said = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    fitted = model.model_
    Y = fitted.targets.encode(y, np.float64)
    proba = np.clip(model.predict_proba(X), 1e-300, 1)
    loss = -np.mean(np.log(proba[np.arange(len(y)), y]))
    constant = best_constant_loss(Y, np.full(len(y), 1 / len(y)), "softmax")
    if loss >= constant:
        assert said, f"a model no better than the constant (log-loss {loss:.3g} >= {constant:.3g}) passed silently"


def test_a_fit_that_learned_nothing_says_so(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="learned nothing from X.*StandardScaler"):
        DeepNetClassifier(solver="gd", learning_rate=1, random_state=0).fit(X, y)


def test_a_regression_stopped_at_the_peak_of_an_oscillation_is_not_silent(iris):
    X, y = iris
    model = DeepNetRegressor(solver="momentum", learning_rate=0.01, batch_size=None, random_state=0)
    with pytest.warns(ConvergenceWarning, match=r"worse than one that ignores X.*the targets' mean"):
        model.fit(X, y)


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
def test_healthy_default_fits_do_not_warn(iris, Estimator):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = Estimator(random_state=0).fit(StandardScaler().fit_transform(X), y)
    assert model.score(StandardScaler().fit_transform(X), y) > 0.9


# -- learning_rate="auto" on unscaled inputs ---------------------------------------------------------


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
def test_the_automatic_rate_is_safe_on_inputs_near_a_hundred(Estimator, solver):
    """scikit-learn's check_fit_idempotent fits X ~ N(100, 1): every solver's "auto" rate must not diverge."""
    check_fit_idempotent(Estimator.__name__, Estimator(solver=solver))


@pytest.mark.parametrize("solver", ["gd", "momentum"])
def test_the_automatic_rate_of_plain_steps_follows_the_inputs_scale(iris, solver):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        unscaled = DeepNetClassifier(solver=solver, random_state=0).fit(X, y)
    assert unscaled.score(X, y) > 0.9
    from .asserts import run_plan

    scaled = StandardScaler().fit_transform(X)
    assert run_plan(DeepNetClassifier(solver=solver), scaled).spec.learning_rate == 0.3


# -- logistic regression's edges ------------------------------------------------------------------


def test_float32_converges_as_float64_does():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        single = LogisticRegressionGD().fit(X.astype(np.float32), y)
        double = LogisticRegressionGD().fit(X, y)
    assert single.n_iter_ <= 2 * double.n_iter_
    assert single.loss_curve_[-1] == pytest.approx(double.loss_curve_[-1], rel=1e-5)


@pytest.mark.parametrize("scale", [1e-200, 1e-300, 1e-310])
def test_tiny_inputs_give_no_division_by_zero(iris, scale):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegressionGD().fit(X * scale, y)
    # With alpha=1 the penalty outweighs inputs this small: the optimum ignores them.
    assert model.n_iter_ < 10 and np.all(np.isfinite(model.predict_proba(X * scale)))


def test_class_weights_beyond_the_dtypes_range_are_refused_clearly(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for model in (LogisticRegressionGD(class_weight={0: 1e10}), DeepNetClassifier(class_weight={0: 1e10})):
            with pytest.raises(ValueError, match=r"sample_weight ranges from .* rescale them"):
                model.fit(X, y, sample_weight=np.full(len(y), 1e300))


# -- early stopping's edges -----------------------------------------------------------------------


def test_early_stopping_on_ten_rows_holds_out_two():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((10, 3))
    y = X[:, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepNetRegressor(early_stopping=True, scoring="r2", random_state=0).fit(X, y)
    assert model.t_ == 8 * model.n_iter_
    assert np.all(np.isfinite(model.validation_scores_)) and np.isfinite(model.best_validation_score_)
    with pytest.raises(ValueError, match="n_samples=2 cannot give"):
        DeepNetRegressor(early_stopping=True).fit(X[:2], y[:2])


def test_a_score_that_is_not_defined_on_the_held_out_rows_is_refused():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 3))
    y = X[:, 0]
    model = DeepNetRegressor(scoring="r2", random_state=0)
    with (
        pytest.raises(ValueError, match="scoring='r2' gave nan on the 1 validation examples"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # scikit-learn's own warning about R^2 on one example
        model.fit(X, y, X_val=X[:1], y_val=y[:1])


# -- warnings point at the user's line ---------------------------------------------------------------


def test_warnings_point_at_the_callers_line(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning) as caught:
        DeepNetClassifier(solver="gd", learning_rate=1, random_state=0).fit(X, y)
    with pytest.warns(ConvergenceWarning) as caught_logistic:
        LogisticRegressionGD(max_iter=2).fit(X, y)
    assert {record.filename for record in [*caught, *caught_logistic]} == {__file__}
