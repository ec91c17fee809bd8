"""The course's second part: optimizers, schedules, regularization, dev sets, incremental training."""

import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import skdeep._predict
from skdeep import DeepNetClassifier, LogisticRegressionGD, gradient_check
from skdeep._training import observe
from skdeep.nn.activations import HIDDEN_ACTIVATIONS
from skdeep.nn.schedules import SCHEDULES

from .asserts import assert_same_parameters


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(n_samples=300, noise=0.2, random_state=0)
    return StandardScaler().fit_transform(X), y


def _moons_net(**params):
    defaults = dict(hidden_layer_sizes=(32, 16), batch_size=32, max_iter=150, tol=0, random_state=0)
    defaults.update(params)
    return DeepNetClassifier(**defaults)


SOLVER_LEARNING_RATES = {"gd": 0.3, "momentum": 0.3, "rmsprop": 0.005, "adagrad": 0.1, "adam": 0.01, "lbfgs": 0.01}


@pytest.mark.parametrize("solver", sorted(SOLVER_LEARNING_RATES))
def test_every_solver_fits_noisy_moons(moons, solver):
    X, y = moons
    model = _moons_net(solver=solver, learning_rate=SOLVER_LEARNING_RATES[solver]).fit(X, y)
    assert model.score(X, y) >= 0.95


@pytest.mark.parametrize("schedule", [*sorted(SCHEDULES), "adaptive"])
@pytest.mark.parametrize("solver", ["gd", "adam"])
def test_every_schedule_fits_noisy_moons(moons, schedule, solver):
    X, y = moons
    params = dict(solver=solver, learning_rate=SOLVER_LEARNING_RATES[solver], lr_schedule=schedule, decay_rate=0.01)
    if schedule == "adaptive":
        params.update(tol=1e-4, n_iter_no_change=5, max_iter=400)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _moons_net(**params).fit(X, y)
    assert model.score(X, y) >= 0.95


@pytest.mark.parametrize(
    "name, expected",
    [
        ("constant", [0.1, 0.1, 0.1, 0.1]),
        ("inverse_time", [0.1 / (1 + 0.5 * t) for t in range(4)]),
        ("exponential", [0.1 * 0.5**t for t in range(4)]),
        ("step", [0.1, 0.1, 0.1 / 1.5, 0.1 / 1.5]),
    ],
)
def test_schedules_follow_the_course_formulas(name, expected):
    rates = [SCHEDULES[name](0.1, t, 0.5, 2) for t in range(4)]
    np.testing.assert_allclose(rates, expected)


def test_schedule_drives_the_optimizer_epoch_by_epoch(moons):
    """With plain gd on the full batch, the step of epoch t is exactly lr_t * gradient."""
    X, y = moons
    seen = []

    def listen(event, learning_rate=None, **details):
        if event == "epoch_end":
            seen.append(learning_rate)

    with observe(listen):
        # calibration=None: the fit's own run alone (a cross-fit would run three more).
        _moons_net(
            solver="gd", learning_rate=0.2, lr_schedule="inverse_time", decay_rate=0.5, max_iter=4, calibration=None
        ).fit(X, y)
    np.testing.assert_allclose(seen, [0.2 / (1 + 0.5 * t) for t in range(4)])


def test_adaptive_schedule_divides_by_five_and_stops(moons):
    X, y = moons
    model = _moons_net(solver="adam", lr_schedule="adaptive", tol=1e-2, n_iter_no_change=2, max_iter=500)
    model.fit(X, y)
    assert model.n_iter_ < 500
    rate = model.model_.record.adaptive_learning_rate
    assert rate < 1e-6 <= rate * 5


# -- regularization ----------------------------------------------------------------


def test_l1_drives_weights_to_zero(moons):
    X, y = moons
    plain = _moons_net(solver="adam", learning_rate=0.01, alpha=0).fit(X, y)
    sparse_net = _moons_net(solver="adam", learning_rate=0.01, alpha=0, alpha_l1=3.0).fit(X, y)
    small = [np.mean(np.abs(model.parameters_["W2"]) < 1e-2) for model in (plain, sparse_net)]
    assert small[1] > small[0] + 0.3


def test_l2_shrinks_weights(moons):
    X, y = moons
    norms = [
        np.linalg.norm(_moons_net(alpha=a, solver="adam", learning_rate=0.01).fit(X, y).parameters_["W1"])
        for a in (0, 30)
    ]
    assert norms[1] < 0.7 * norms[0]


@pytest.mark.parametrize(
    "params",
    [
        dict(dropout=0.3),
        dict(dropout=(0.1, 0.5)),
        dict(batch_norm=True),
        dict(batch_norm=True, dropout=0.2),
        dict(input_noise=0.3),
    ],
    ids=["dropout", "dropout-per-layer", "batch-norm", "batch-norm-dropout", "input-noise"],
)
def test_regularized_predictions_are_deterministic_and_batch_invariant(moons, params, monkeypatch):
    X, y = moons
    model = _moons_net(solver="adam", learning_rate=0.01, max_iter=40, **params).fit(X, y)
    whole = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict_proba(X), whole)
    one_by_one = np.vstack([model.predict_proba(X[i : i + 1]) for i in range(0, 300, 37)])
    np.testing.assert_allclose(one_by_one, whole[::37], rtol=1e-12)
    monkeypatch.setattr(skdeep._predict, "PREDICT_CHUNK_BYTES", 100)
    np.testing.assert_allclose(model.predict_proba(X), whole, rtol=1e-12)
    assert model.score(X, y) > 0.9


def test_dropout_masks_follow_random_state(moons):
    X, y = moons
    fits = [_moons_net(dropout=0.5, max_iter=3, random_state=s).fit(X, y) for s in (1, 1, 2)]
    np.testing.assert_array_equal(fits[0].parameters_["W1"], fits[1].parameters_["W1"])
    assert not np.array_equal(fits[0].loss_curve_, fits[2].loss_curve_)


def test_dropout_is_inverted_dropout():
    """Units are kept with probability keep_prob and scaled by 1/keep_prob."""
    from skdeep.nn import Network

    network = Network((3, 2000, 1), "identity", "sigmoid", keep_prob=(0.8,))
    ws = network.workspace(50)
    ws.draw_masks(np.random.RandomState(0))
    mask = ws.mask[1]
    assert set(np.unique(mask)) == {0.0, 1 / 0.8}
    assert np.mean(mask > 0) == pytest.approx(0.8, abs=0.01)


def test_batch_norm_uses_running_statistics_at_predict(moons):
    X, y = moons
    model = _moons_net(batch_norm=True, max_iter=30).fit(X * 10 + 5, y)
    assert set(model.batch_norm_stats_) == {"mean1", "var1", "mean2", "var2"}
    assert set(model.parameters_) >= {"gamma1", "beta1", "gamma2", "beta2"}
    np.testing.assert_array_equal(model.parameters_["b1"], 0)  # beta replaces b
    # Population statistics of layer 1 under the final weights, approximately.
    Z1 = (X * 10 + 5) @ model.parameters_["W1"].T
    np.testing.assert_allclose(model.batch_norm_stats_["mean1"].ravel(), Z1.mean(axis=0), rtol=0.2, atol=0.5)


# -- dev set and early stopping ---------------------------------------------------


def test_validation_set_is_monitored_every_epoch(moons):
    X, y = moons
    # calibration=None: the network's own probabilities, whose loss the curve records.
    model = _moons_net(max_iter=12, calibration=None).fit(X[:200], y[:200], X_val=X[200:], y_val=y[200:])
    assert len(model.validation_loss_curve_) == len(model.validation_scores_) == 12
    np.testing.assert_allclose(model.validation_scores_, -np.array(model.validation_loss_curve_))
    assert model.best_validation_score_ == max(model.validation_scores_)
    final_loss = -np.mean(np.log(model.predict_proba(X[200:])[np.arange(100), y[200:]]))
    assert model.validation_loss_curve_[-1] == pytest.approx(final_loss, rel=1e-10)


def test_early_stopping_restores_the_best_weights(moons):
    X, y = moons
    # A net that overfits 60 noisy examples, so the validation loss turns up.
    model = DeepNetClassifier(
        hidden_layer_sizes=(128, 128),
        learning_rate=0.01,
        alpha=0,
        batch_size=None,
        max_iter=500,
        early_stopping=True,
        n_iter_no_change=25,
        lr_schedule="constant",  # "auto" would divide the rate at the first stall and go on
        calibration=None,  # the network's own probabilities, whose loss the curve records
        random_state=0,
    ).fit(X[:60], y[:60], X_val=X[60:], y_val=y[60:])
    best_epoch = int(np.argmax(model.validation_scores_))
    assert model.n_iter_ == best_epoch + 1 + 25  # stopped after 25 epochs without improvement
    final_loss = -np.mean(np.log(model.predict_proba(X[60:])[np.arange(240), y[60:]]))
    assert final_loss == pytest.approx(model.validation_loss_curve_[best_epoch], rel=1e-10)
    assert final_loss < model.validation_loss_curve_[-1]


def test_early_stopping_with_a_scorer(moons):
    X, y = moons
    model = _moons_net(early_stopping=True, scoring="accuracy", validation_fraction=0.2, tol=0, max_iter=80)
    model.fit(X, y)
    assert all(0 <= score <= 1 for score in model.validation_scores_)
    assert model.best_validation_score_ >= 0.9
    assert len(model.validation_scores_) == model.n_iter_ < 80


# Two epochs are enough to see the split; early stopping then warns that
# max_iter ended the fit, which is beside the point here.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_early_stopping_splits_off_validation_fraction(moons, monkeypatch):
    X, y = moons
    sizes = []

    def listen(event, loop=None, **details):
        if event != "run_begin":
            return
        data, validation = loop.data, loop.validation
        sizes.append((data.n_samples, data.Y.shape[1], data.sample_weight.shape[0], validation.X.shape[0]))
        # The training rows are read from the validated input, not copied.
        assert data.X.shape[0] == 300 and len(np.unique(data.rows)) == 225
        assert not np.isin(data.rows, held_out_rows(validation, data.X)).any()

    def held_out_rows(validation, X):
        return [int(np.flatnonzero((X == row).all(axis=1))[0]) for row in validation.X]

    with observe(listen):
        _moons_net(early_stopping=True, validation_fraction=0.25, max_iter=2).fit(X, y)
    assert sizes == [(225, 225, 225, 75)]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_early_stopping_does_not_copy_the_training_rows():
    """The split copies the held-out tenth; the nine tenths that train are read in place."""
    X = np.random.RandomState(0).standard_normal((20_000, 50))  # 8 MB
    y = (X[:, 0] > 0).astype(int)
    model = DeepNetClassifier(hidden_layer_sizes=(16,), max_iter=1, early_stopping=True, random_state=0)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        model.fit(X, y)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert len(model.validation_scores_) == 1
    # A copy of the training rows alone would be 0.9 X.nbytes.
    assert peak < 0.5 * X.nbytes


# -- warm start and partial_fit ------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="adam"),
        dict(solver="momentum", lr_schedule="inverse_time"),
        dict(solver="rmsprop", shuffle=True, dropout=0.2),
        dict(solver="adagrad", batch_norm=True),
    ],
    ids=["adam", "momentum-schedule", "rmsprop-shuffle-dropout", "adagrad-batch-norm"],
)
def test_warm_start_two_fits_of_five_equal_one_of_ten(moons, params):
    X, y = moons
    params = {"shuffle": False, "learning_rate": 0.01, **params}
    warm = _moons_net(max_iter=5, warm_start=True, **params)
    warm.fit(X, y)
    warm.fit(X, y)
    once = _moons_net(max_iter=10, **params).fit(X, y)
    assert warm.n_iter_ == 10
    np.testing.assert_array_equal(warm.loss_curve_, once.loss_curve_)
    assert_same_parameters(warm.parameters_, once.parameters_)


def test_partial_fit_repeated_equals_fit_epochs(moons):
    X, y = moons
    params = dict(solver="adam", learning_rate=0.01, shuffle=False, alpha=0.5, lr_schedule="step", decay_steps=2)
    incremental = _moons_net(**params)
    for _ in range(6):
        incremental.partial_fit(X, y, classes=[0, 1])
    full = _moons_net(max_iter=6, **params).fit(X, y)
    assert incremental.n_iter_ == 6
    np.testing.assert_array_equal(incremental.loss_curve_, full.loss_curve_)
    assert_same_parameters(incremental.parameters_, full.parameters_)


def test_partial_fit_over_chunks_equals_one_epoch_of_mini_batches(moons):
    X, y = moons
    params = dict(solver="adam", learning_rate=0.01, shuffle=False, alpha=0, batch_size=50)
    incremental = _moons_net(**params)
    for start in range(0, 300, 50):
        incremental.partial_fit(X[start : start + 50], y[start : start + 50], classes=np.array([0, 1]))
    full = _moons_net(max_iter=1, **params).fit(X, y)
    assert_same_parameters(incremental.parameters_, full.parameters_)


def test_partial_fit_needs_classes_on_the_first_call(moons):
    X, y = moons
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        DeepNetClassifier().partial_fit(X, y)
    model = DeepNetClassifier(random_state=0).partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    model.partial_fit(X[y == 1], y[y == 1])
    assert list(model.classes_) == [0, 1]
    with pytest.raises(ValueError, match="differs from classes_"):
        model.partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="does not know"):
        model.partial_fit(X, np.where(y == 1, 5, y))


def test_logistic_regression_partial_fit_is_one_gradient_step(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    incremental = LogisticRegressionGD(learning_rate=0.1)
    for _ in range(3):
        incremental.partial_fit(X, y, classes=[0, 1])
    full = LogisticRegressionGD(learning_rate=0.1, max_iter=3, tol=0).fit(X, y)
    np.testing.assert_array_equal(incremental.coef_, full.coef_)


def test_lbfgs_records_its_iterations_and_rejects_dropout(moons):
    X, y = moons
    model = _moons_net(solver="lbfgs", max_iter=30).fit(X, y)
    assert len(model.loss_curve_) == model.n_iter_ <= 30
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    with pytest.raises(ValueError, match="dropout and input_noise need a stochastic solver"):
        _moons_net(solver="lbfgs", dropout=0.2).fit(X, y)


# -- gradient checking --------------------------------------------------------------


def _problem(kind):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((24, 4))
    if kind == "binary":
        return X, (X[:, 0] + X[:, 1] > 0).astype(int)
    if kind == "multiclass":
        return X, rng.randint(0, 3, 24)
    return X, (rng.rand(24, 3) > 0.5).astype(int)


@pytest.mark.parametrize("activation", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize(
    "regularization",
    [dict(alpha=0), dict(alpha=2.0), dict(alpha_l1=0.5), dict(batch_norm=True), dict(dropout=(0.3, 0.5))],
    ids=["none", "l2", "l1", "batch-norm", "dropout"],
)
def test_gradient_check_for_every_configuration(activation, kind, regularization):
    X, y = _problem(kind)
    net = DeepNetClassifier(hidden_layer_sizes=(5, 4), activation=activation, random_state=0, **regularization)
    assert gradient_check(net, X, y) < 1e-7


def test_gradient_check_of_fitted_and_logistic_models(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    X, y = X[:40, :6], y[:40]
    assert gradient_check(LogisticRegressionGD(alpha=0.5), X, y) < 1e-7
    fitted = DeepNetClassifier(hidden_layer_sizes=(4,), batch_norm=True, max_iter=20, tol=0, random_state=0).fit(X, y)
    assert gradient_check(fitted, X, y) < 1e-7
    weights = np.linspace(0.5, 2, 40)
    assert gradient_check(fitted, X, y, sample_weight=weights) < 1e-7


def test_gradient_check_detects_a_wrong_gradient(monkeypatch):
    X, y = _problem("binary")
    import skdeep.nn.network as network_module

    broken = dict(network_module.DERIVATIVES)
    broken["tanh"] = lambda dA, A: dA  # forgets g'
    monkeypatch.setattr(network_module, "DERIVATIVES", broken)
    assert gradient_check(DeepNetClassifier(hidden_layer_sizes=(5,), activation="tanh", random_state=0), X, y) > 1e-3


def test_a_scorer_that_fails_on_the_validation_set_says_so():
    rng = np.random.RandomState(0)
    X, y = rng.standard_normal((12, 2)), np.array([0, 1] * 6)
    # A dev set of one class: the log-loss scorer cannot score it.
    with pytest.raises(ValueError, match="could not score the 2 validation examples with scoring='neg_log_loss'"):
        DeepNetClassifier(early_stopping=True, scoring="neg_log_loss").fit(X, y, X_val=X[:3:2], y_val=y[:3:2])


def test_a_failed_warm_fit_leaves_the_model_and_its_random_stream_as_they_were(moons):
    X, y = moons
    model = _moons_net(max_iter=3, warm_start=True, shuffle=True, dropout=0.2).fit(X, y)
    before = {name: value.copy() for name, value in model.parameters_.items()}
    rng_state = model.model_.rng.get_state()[1].copy()
    with pytest.raises(ValueError, match="Training diverged"):
        model.set_params(solver="gd", learning_rate=1e30).fit(X * 1e3, y)
    assert_same_parameters(model.parameters_, before)
    np.testing.assert_array_equal(model.model_.rng.get_state()[1], rng_state)
    assert model.n_iter_ == 3 and len(model.loss_curve_) == 3
