"""The defaults: what each 'auto' resolves to, and that each solver's step trains."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine, make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier, DeepNetRegressor
from skdeep._deep_net import (
    AUTO_DEEP_HIDDEN_LAYERS,
    AUTO_DEEP_MIN_SAMPLES,
    AUTO_HIDDEN_LAYERS,
    AUTO_LEARNING_RATES,
)

from .asserts import run_plan


@pytest.mark.parametrize("solver", sorted(AUTO_LEARNING_RATES))
def test_each_solvers_default_step_trains_the_moons(solver):
    """make_moons(400, noise=0.2, random_state=3), hidden (16, 8), 400 epochs: >= 0.95 training accuracy."""
    X, y = make_moons(400, noise=0.2, random_state=3)
    model = DeepNetClassifier(hidden_layer_sizes=(16, 8), solver=solver, max_iter=400, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the warning (or not) is beside the point here
        model.fit(X, y)
    assert model.score(X, y) >= 0.95


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
def test_early_stopping_auto_switches_on_from_a_thousand_examples(Estimator):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1000, 3))
    y = (X[:, 0] > 0).astype(int)
    params = dict(hidden_layer_sizes=(4,), max_iter=3, tol=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = Estimator(**params).fit(X[:999], y[:999])
        large = Estimator(**params).fit(X, y)
    assert small.validation_scores_ is None and small.t_ == 3 * 999
    assert len(large.validation_scores_) == large.n_iter_ and large.t_ == large.n_iter_ * 900
    assert large.model_.record.restored_best and not small.model_.record.restored_best
    # partial_fit holds nothing out, whatever the size.
    chunked = Estimator(hidden_layer_sizes=(4,), random_state=0)
    chunked.partial_fit(X, y, **({"classes": [0, 1]} if Estimator is DeepNetClassifier else {}))
    assert chunked.validation_scores_ is None


def test_auto_resolves_to_the_documented_values():
    model = DeepNetClassifier()
    assert run_plan(model).layout.init == "xavier"
    assert run_plan(model.set_params(activation="tanh")).layout.init == "xavier"
    for solver, rate in AUTO_LEARNING_RATES.items():
        assert run_plan(model.set_params(solver=solver)).spec.learning_rate == rate
    assert run_plan(DeepNetClassifier(learning_rate=0.2)).spec.learning_rate == 0.2


def test_several_steps_an_epoch_converge_more_often_on_small_many_class_data():
    """Why batch_size="auto" cuts small data into several mini-batches.

    Small many-class sets like glass and ais (6 to 9 classes, about 200 rows)
    warned in every fold with one full-batch step per epoch, MLPClassifier's
    "auto". Several steps an epoch make the warning rarer, not impossible: a
    network that can memorize such data keeps lowering its cost slowly.
    """
    warned = {"one step": 0, "auto": 0}
    for seed in range(8):
        X, y = make_classification(180, 8, n_informative=6, n_redundant=0, n_classes=6, flip_y=0.1, random_state=seed)
        X = StandardScaler().fit_transform(X)
        for name, batch_size in [("one step", len(y)), ("auto", "auto")]:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                DeepNetClassifier(batch_size=batch_size, random_state=0).fit(X, y)
            warned[name] += any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert warned["one step"] == 8 and warned["auto"] <= 5


@pytest.mark.parametrize("load", [load_iris, load_wine], ids=["iris", "wine"])
def test_small_data_at_defaults_converges_without_a_warning(load):
    X, y = load(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = DeepNetClassifier(random_state=0).fit(X, y)
    assert model.n_iter_ < model.max_iter and model.score(X, y) > 0.95


@pytest.mark.parametrize(
    "n_samples, batch", [(10, 10), (64, 64), (65, 64), (150, 64), (256, 64), (400, 100), (800, 200), (5000, 200)]
)
def test_auto_batch_size_gives_several_steps_an_epoch(n_samples, batch, training_batches):
    """min(200, m, max(64, ceil(m / 4))): full batch up to 64 rows, 4 steps an epoch up to 800."""
    X = np.random.RandomState(0).standard_normal((n_samples, 2))
    y = np.arange(n_samples) % 2
    # calibration=None: the fit's own run alone (a cross-fit's runs train on folds).
    DeepNetClassifier(hidden_layer_sizes=(3,), max_iter=1, tol=0, early_stopping=False, calibration=None).fit(X, y)
    widths = [batch_X.shape[1] for batch_X in training_batches]
    assert widths[0] == batch and sum(widths) == n_samples


def test_lbfgs_has_no_epochs_to_stop_early():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1200, 3))
    y = (X[:, 0] > 0).astype(int)
    model = DeepNetClassifier(solver="lbfgs", hidden_layer_sizes=(4,), max_iter=5, tol=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)  # 'auto' stays off: all 1,200 rows train
    assert model.validation_scores_ is None and model.t_ == 1200 * model.n_iter_
    # As MLPClassifier does, early stopping (or a validation set) does not apply: it fits, and says so.
    for kwargs, params in [({"X_val": X[:50], "y_val": y[:50]}, {}), ({}, {"early_stopping": True})]:
        lbfgs = DeepNetClassifier(solver="lbfgs", hidden_layer_sizes=(4,), max_iter=5, tol=0, random_state=0)
        with pytest.warns(UserWarning, match=r"solver='lbfgs' .* has no epochs to monitor: early stopping"):
            lbfgs.set_params(**params).fit(X, y, **kwargs)
        assert lbfgs.validation_scores_ is None and lbfgs.t_ == 1200 * lbfgs.n_iter_
        np.testing.assert_array_equal(lbfgs.coefs_[0], model.coefs_[0])


def test_auto_schedule_divides_the_rate_once_with_early_stopping(capsys):
    """lr_schedule="auto": adaptive, stopping at the second stall, when a validation set is monitored."""
    X, y = make_moons(1200, noise=0.3, random_state=0)
    model = DeepNetClassifier(hidden_layer_sizes=(16,), n_iter_no_change=3, verbose=1, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    assert model.validation_scores_ is not None  # "auto" early stopping is on at 1,200 rows
    divisions = [line for line in out.splitlines() if "learning rate divided by 5" in line]
    assert [line.rsplit(" ", 1)[-1] for line in divisions] == ["0.002"]
    assert out.strip().splitlines()[-1].startswith(
        f"Training stopped after epoch {model.n_iter_}: the validation score did not improve by more than "
        "tol=0.0001 for 3 consecutive epochs at the adaptive schedule's last learning rate, 0.002"
    )


@pytest.mark.parametrize("early_stopping", [False, "auto"])
def test_auto_schedule_is_constant_without_a_validation_set(early_stopping):
    X, y = make_moons(300, noise=0.3, random_state=0)  # "auto" early stopping is off below 1,000 rows
    auto = DeepNetClassifier(hidden_layer_sizes=(8,), early_stopping=early_stopping, random_state=0).fit(X, y)
    constant = DeepNetClassifier(
        hidden_layer_sizes=(8,), early_stopping=early_stopping, lr_schedule="constant", random_state=0
    ).fit(X, y)
    assert auto.n_iter_ == constant.n_iter_
    np.testing.assert_array_equal(auto.coefs_[0], constant.coefs_[0])


@pytest.fixture(scope="module")
def three_thousand():
    X, y = make_classification(3000, 6, n_informative=4, random_state=0)
    return X, y


def _quick(Estimator, **params):
    """Two epochs: the architecture, not the fit, is under test."""
    return Estimator(max_iter=2, tol=0, early_stopping=False, random_state=0, **params)


def test_the_classifier_grows_its_network_by_default_and_the_regressor_keeps_mlps():
    assert DeepNetClassifier().hidden_layer_sizes == "auto"
    assert DeepNetRegressor().hidden_layer_sizes == (100,)


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
def test_auto_hidden_layers_grow_with_the_data(Estimator, three_thousand):
    X, y = three_thousand
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        small = _quick(Estimator, hidden_layer_sizes="auto").fit(X[:2999], y[:2999])
        large = _quick(Estimator, hidden_layer_sizes="auto").fit(X, y)
        fixed = _quick(Estimator, hidden_layer_sizes=(7, 5)).fit(X, y)
    assert small.hidden_layer_sizes_ == AUTO_HIDDEN_LAYERS == (100,)
    assert large.hidden_layer_sizes_ == AUTO_DEEP_HIDDEN_LAYERS == (100, 100, 100)
    assert AUTO_DEEP_MIN_SAMPLES == 3000
    assert small.n_layers_ == 3 and large.n_layers_ == 5
    assert [W.shape for W in large.coefs_] == [(6, 100), (100, 100), (100, 100), (100, large.n_outputs_)]
    assert fixed.hidden_layer_sizes_ == (7, 5)
    # The parameter itself is never rewritten: a clone refits by the same rule.
    assert large.get_params()["hidden_layer_sizes"] == "auto"


def test_auto_hidden_layers_count_the_examples_given_to_fit(three_thousand):
    """The size is that of the data passed to fit, before early stopping holds a share out."""
    X, y = three_thousand
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepNetClassifier(max_iter=2, tol=0, early_stopping=True, random_state=0).fit(X, y)
    assert model.t_ == 2 * 2700 and model.hidden_layer_sizes_ == (100, 100, 100)


def test_auto_hidden_layers_keep_the_network_a_warm_fit_continues(three_thousand):
    X, y = three_thousand
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _quick(DeepNetClassifier, warm_start=True).fit(X, y)
        first = model.coefs_[1].copy()
        # A warm fit on fewer rows than the rule's threshold continues the deep network.
        model.fit(X[:500], y[:500])
    assert model.hidden_layer_sizes_ == (100, 100, 100) and model.n_iter_ == 4
    assert not np.array_equal(first, model.coefs_[1])
    # Without warm_start the rule is applied afresh.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.set_params(warm_start=False).fit(X[:500], y[:500])
    assert model.hidden_layer_sizes_ == (100,)


def test_partial_fit_builds_one_layer_whatever_the_chunk(three_thousand):
    X, y = three_thousand
    model = DeepNetClassifier(random_state=0).partial_fit(X, y, classes=[0, 1])
    model.partial_fit(X[:500], y[:500])
    assert model.hidden_layer_sizes_ == (100,)


def test_auto_dropout_rates_per_layer_follow_the_chosen_depth(three_thousand):
    X, y = three_thousand
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _quick(DeepNetClassifier, dropout=(0.1, 0.2, 0.3)).fit(X, y)
    assert model.hidden_layer_sizes_ == (100, 100, 100)
    with pytest.raises(ValueError, match="dropout has 3 rates but the network has 1 hidden layers"):
        _quick(DeepNetClassifier, dropout=(0.1, 0.2, 0.3)).fit(X[:100], y[:100])
