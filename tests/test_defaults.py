"""The defaults: what each 'auto' resolves to, and that each solver's step trains."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine, make_moons
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier, DeepNetRegressor
from skdeep._network_params import AUTO_LEARNING_RATES


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
    assert large._stopping_state["early_stopping"] and not small._stopping_state["early_stopping"]
    # partial_fit holds nothing out, whatever the size.
    chunked = Estimator(hidden_layer_sizes=(4,), random_state=0)
    chunked.partial_fit(X, y, **({"classes": [0, 1]} if Estimator is DeepNetClassifier else {}))
    assert chunked.validation_scores_ is None


def test_auto_resolves_to_the_documented_values():
    model = DeepNetClassifier()
    assert model._spec_init() == "xavier"
    assert model.set_params(activation="tanh")._spec_init() == "xavier"
    X, w = np.ones((10, 2)), np.ones(10)
    for solver, rate in AUTO_LEARNING_RATES.items():
        assert model.set_params(solver=solver)._spec_learning_rate(X, w, 1, False) == rate
    assert DeepNetClassifier(learning_rate=0.2)._spec_learning_rate(X, w, 1, False) == 0.2


@pytest.mark.parametrize("load", [load_iris, load_wine], ids=["iris", "wine"])
def test_small_data_at_defaults_converges_without_a_warning(load):
    X, y = load(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = DeepNetClassifier(random_state=0).fit(X, y)
    assert model.n_iter_ < model.max_iter and model.score(X, y) > 0.95


def test_lbfgs_has_no_epochs_to_stop_early():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((1200, 3))
    y = (X[:, 0] > 0).astype(int)
    model = DeepNetClassifier(solver="lbfgs", hidden_layer_sizes=(4,), max_iter=5, tol=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)  # 'auto' stays off: all 1,200 rows train
    assert model.validation_scores_ is None and model.t_ == 1200 * model.n_iter_
    for kwargs, params in [({"X_val": X[:50], "y_val": y[:50]}, {}), ({}, {"early_stopping": True})]:
        with pytest.raises(ValueError, match=r"solver='lbfgs' .* has no epochs to monitor"):
            DeepNetClassifier(solver="lbfgs", **params).fit(X, y, **kwargs)
