"""DeepNetClassifier's calibration: a temperature that makes its probabilities honest.

The math (skdeep.nn.calibration) is checked against a brute-force search; the
glue (skdeep._calibration) against what it promises: no label moves, the
fitted network is the one an uncalibrated fit gives, the held-out or
out-of-fold examples decide the temperature, and weights, sparse input and
float32 give the same temperature as their plain counterparts.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, softmax
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler

import skdeep
import skdeep._calibration
from skdeep import DeepNetClassifier
from skdeep._calibration import content_folds
from skdeep._persistence._schema import check_params
from skdeep.nn.calibration import MAX_TEMPERATURE, MIN_TEMPERATURE, fit_temperature, temperature_cost


@pytest.fixture(scope="module")
def small_wide():
    """Few rows, many noisy columns: a network that fits its training data is overconfident."""
    X, y = make_classification(
        n_samples=700, n_features=120, n_informative=8, n_redundant=0, flip_y=0.1, random_state=3
    )
    X = StandardScaler().fit_transform(X)
    return X[:250], y[:250], X[250:], y[250:]


def _forward_logits(model, X):
    A = X
    for l, (W, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True), start=1):
        Z = A @ W + b
        A = np.maximum(Z, 0) if l < len(model.coefs_) else Z
    return Z


# -- the math ------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_fit_temperature_finds_the_lowest_cross_entropy(output):
    rng = np.random.RandomState(0)
    n_out, m = (4, 300) if output == "softmax" else (1, 300)
    Z = 4 * rng.standard_normal((n_out, m))
    if output == "softmax":
        Y = np.eye(n_out)[np.where(rng.rand(m) < 0.6, Z.argmax(axis=0), rng.randint(n_out, size=m))].T
    else:
        Y = (Z + 3 * rng.standard_normal(Z.shape) > 0).astype(float)
    r = rng.rand(m)
    r /= r.sum()
    found = fit_temperature(Z, Y, r, output)
    grid = np.geomspace(MIN_TEMPERATURE, MAX_TEMPERATURE, 4001)
    costs = [temperature_cost(t, Z, Y, r, output) for t in grid]
    assert temperature_cost(found, Z, Y, r, output) <= min(costs) + 1e-12
    assert found == pytest.approx(grid[int(np.argmin(costs))], rel=2e-3)


def test_fit_temperature_stays_within_its_bounds():
    Z = np.array([[5.0, -5.0, 4.0, -6.0]])
    right = (Z > 0).astype(float)
    r = np.full(4, 0.25)
    # Every example right: sharper is always better, but a temperature only softens.
    assert fit_temperature(Z, right, r, "sigmoid") == MIN_TEMPERATURE == 1.0
    # Every example wrong: softer is always better, so the softest allowed.
    assert fit_temperature(Z, 1 - right, r, "sigmoid") == MAX_TEMPERATURE
    # Nothing to scale.
    assert fit_temperature(np.zeros((3, 4)), np.eye(3)[[0, 1, 2, 0]].T, r, "softmax") == 1.0


def test_fit_temperature_leaves_the_logits_alone():
    Z = np.random.RandomState(1).standard_normal((3, 50))
    kept = Z.copy()
    fit_temperature(Z, np.eye(3)[np.arange(50) % 3].T, np.full(50, 0.02), "softmax")
    np.testing.assert_array_equal(Z, kept)


# -- what predict_proba gives ----------------------------------------------------------


def test_probabilities_are_the_logits_divided_by_the_temperature(small_wide):
    X, y, X_test, _ = small_wide
    model = DeepNetClassifier(random_state=0).fit(X, y)
    assert model.temperature_ != 1.0
    z = _forward_logits(model, X_test)[:, 0] / model.temperature_
    np.testing.assert_allclose(model.predict_proba(X_test)[:, 1], expit(z), rtol=1e-9)
    np.testing.assert_allclose(model.predict_log_proba(X_test), np.log(model.predict_proba(X_test)), rtol=1e-9)


def test_calibration_moves_no_label_and_no_weight(small_wide):
    X, y, X_test, _ = small_wide
    plain = DeepNetClassifier(calibration=None, random_state=0).fit(X, y)
    calibrated = DeepNetClassifier(random_state=0).fit(X, y)
    assert plain.temperature_ == 1.0
    for name, value in plain.parameters_.items():
        np.testing.assert_array_equal(calibrated.parameters_[name], value)
    assert calibrated.loss_curve_ == plain.loss_curve_
    np.testing.assert_array_equal(calibrated.predict(X_test), plain.predict(X_test))
    # The random stream a warm start continues is not drawn from.
    more = dict(warm_start=True, max_iter=5, tol=0)
    plain.set_params(**more).fit(X, y)
    calibrated.set_params(**more).fit(X, y)
    np.testing.assert_array_equal(calibrated.parameters_["W1"], plain.parameters_["W1"])


def test_calibration_lowers_an_overconfident_log_loss(small_wide):
    X, y, X_test, y_test = small_wide
    plain = DeepNetClassifier(calibration=None, random_state=0).fit(X, y)
    calibrated = DeepNetClassifier(random_state=0).fit(X, y)
    assert calibrated.temperature_ > 1.5  # it softens an overconfident network
    before, after = log_loss(y_test, plain.predict_proba(X_test)), log_loss(y_test, calibrated.predict_proba(X_test))
    assert after < 0.8 * before


def test_multiclass_and_multilabel_are_calibrated():
    X, y = make_classification(300, 20, n_informative=6, n_classes=4, n_clusters_per_class=1, random_state=0)
    model = DeepNetClassifier(random_state=0).fit(X, y)
    z = _forward_logits(model, X) / model.temperature_
    np.testing.assert_allclose(model.predict_proba(X), softmax(z, axis=1), rtol=1e-9)
    Y = np.column_stack([y == 0, y >= 2, y % 2 == 1]).astype(int)
    multilabel = DeepNetClassifier(random_state=0).fit(X, Y)
    assert multilabel.temperature_ != 1.0
    z = _forward_logits(multilabel, X) / multilabel.temperature_
    np.testing.assert_allclose(multilabel.predict_proba(X), expit(z), rtol=1e-9)


# -- where the held-out predictions come from ---------------------------------------------


def test_a_validation_set_calibrates(small_wide):
    X, y, X_test, y_test = small_wide
    X_val, y_val = X_test[:200], y_test[:200]
    calibrated = DeepNetClassifier(random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    plain = DeepNetClassifier(calibration=None, random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    Z = _forward_logits(plain, X_val).T
    expected = fit_temperature(Z, y_val[None, :].astype(float), np.full(200, 1 / 200), "sigmoid")
    assert calibrated.temperature_ == pytest.approx(expected, rel=1e-9)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_auto_cross_fits_only_small_data():
    X, y = make_classification(1200, 10, random_state=0)
    cross_fits, temperatures = [], []
    out_of_fold, fit = skdeep._calibration._out_of_fold, skdeep._calibration.fit_temperature

    def spy_out_of_fold(prepared):
        cross_fits.append(prepared.data.n_samples)
        return out_of_fold(prepared)

    def spy_fit(Z, *args):
        temperatures.append(Z.shape[1])
        return fit(Z, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(skdeep._calibration, "_out_of_fold", spy_out_of_fold)
        patch.setattr(skdeep._calibration, "fit_temperature", spy_fit)
        # 1,000 examples and more: early stopping holds a tenth out, which calibrates.
        DeepNetClassifier(random_state=0, max_iter=30).fit(X, y)
        assert cross_fits == [] and temperatures == [120]
        # ... and without early stopping "auto" does not pay for a cross-fit.
        model = DeepNetClassifier(early_stopping=False, random_state=0, max_iter=30).fit(X, y)
        assert model.temperature_ == 1.0 and cross_fits == [] and temperatures == [120]
        # "temperature" does, predicting every example out of fold.
        DeepNetClassifier(calibration="temperature", early_stopping=False, random_state=0, max_iter=30).fit(X, y)
        assert cross_fits == [1200] and temperatures == [120, 1200]
        # Below 1,000 examples "auto" cross-fits.
        DeepNetClassifier(random_state=0, max_iter=30).fit(X[:999], y[:999])
        assert cross_fits == [1200, 999] and temperatures == [120, 1200, 999]
        # None never calibrates.
        DeepNetClassifier(calibration=None, random_state=0, max_iter=30).fit(X[:999], y[:999])
        assert temperatures == [120, 1200, 999]


def test_lbfgs_is_calibrated_by_a_cross_fit(small_wide):
    X, y, _, _ = small_wide
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = DeepNetClassifier(solver="lbfgs", max_iter=50, random_state=0).fit(X, y)
    assert model.temperature_ != 1.0


def test_partial_fit_keeps_the_temperature_it_has(small_wide):
    X, y, _, _ = small_wide
    built = DeepNetClassifier(random_state=0).partial_fit(X, y, classes=[0, 1])
    assert built.temperature_ == 1.0
    model = DeepNetClassifier(random_state=0).fit(X, y)
    temperature = model.temperature_
    model.partial_fit(X, y)
    assert model.temperature_ == temperature


def test_a_warm_start_keeps_its_temperature_unless_it_holds_examples_out(small_wide, monkeypatch):
    X, y, X_test, y_test = small_wide
    model = DeepNetClassifier(random_state=0, warm_start=True, max_iter=20, tol=0).fit(X, y)
    temperature = model.temperature_

    def no_cross_fit(fit):
        raise AssertionError("a warm start cross-fitted")

    monkeypatch.setattr(skdeep._calibration, "_out_of_fold", no_cross_fit)
    model.fit(X, y)  # continued: the cross-fit's networks would start afresh
    assert model.temperature_ == temperature and model.n_iter_ == 40
    model.fit(X, y, X_val=X_test[:200], y_val=y_test[:200])  # a dev set calibrates the continued network
    assert model.temperature_ != temperature


# -- the folds -------------------------------------------------------------------------


def test_folds_follow_the_examples_not_their_positions():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 3))
    Y = np.eye(2)[np.arange(40) % 2].T
    folds = content_folds(X, Y, np.ones(40), 3, np.random.RandomState(7))
    assert sorted(np.bincount(folds)) == [13, 13, 14]
    # Each example repeated: every copy lands in its original's fold.
    doubled = content_folds(np.vstack([X, X]), np.hstack([Y, Y]), np.ones(80), 3, np.random.RandomState(7))
    np.testing.assert_array_equal(doubled, np.concatenate([folds, folds]))
    # Weight zero: in no fold, and the others' folds unchanged.
    X_extra = np.vstack([X, rng.standard_normal((5, 3))])
    Y_extra = np.hstack([Y, np.eye(2)[[0, 1, 0, 1, 0]].T])
    weight = np.r_[np.ones(40), np.zeros(5)]
    with_zeros = content_folds(X_extra, Y_extra, weight, 3, np.random.RandomState(7))
    np.testing.assert_array_equal(with_zeros, np.r_[folds, [-1] * 5])
    # Fewer distinct examples than folds: no cross-fit.
    assert content_folds(np.ones((10, 3)), np.eye(2)[np.zeros(10, int)].T, np.ones(10), 3, rng) is None


def test_weights_equal_repeated_examples_and_zero_weight_equals_absence():
    X, y = make_classification(60, 5, random_state=1)
    params = dict(batch_size=None, max_iter=30, tol=0, random_state=0)
    weight = np.ones(60)
    weight[:15] = 2
    weighted = DeepNetClassifier(**params).fit(X, y, sample_weight=weight)
    repeated = DeepNetClassifier(**params).fit(np.vstack([X, X[:15]]), np.r_[y, y[:15]])
    assert weighted.temperature_ == pytest.approx(repeated.temperature_, rel=1e-7)
    zeros = np.r_[np.ones(60), np.zeros(10)]
    extra = np.vstack([X, np.random.RandomState(2).standard_normal((10, 5))])
    with_zeros = DeepNetClassifier(**params).fit(extra, np.r_[y, np.arange(10) % 2], sample_weight=zeros)
    without = DeepNetClassifier(**params).fit(X, y)
    assert with_zeros.temperature_ == pytest.approx(without.temperature_, rel=1e-7)


@pytest.mark.parametrize("form", ["csr", "csc", "float32"])
def test_sparse_and_float32_inputs_get_the_same_temperature(form):
    X, y = make_classification(150, 8, random_state=4)
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    dense = DeepNetClassifier(random_state=0).fit(X, y)
    other = X.astype(np.float32) if form == "float32" else sp.csr_matrix(X).asformat(form)
    model = DeepNetClassifier(random_state=0).fit(other, y)
    assert model.temperature_ == pytest.approx(dense.temperature_, rel=1e-9 if form != "float32" else 1e-3)


def test_the_same_random_state_gives_the_same_temperature(small_wide):
    X, y, _, _ = small_wide
    first = DeepNetClassifier(random_state=5).fit(X, y).temperature_
    assert DeepNetClassifier(random_state=5).fit(X, y).temperature_ == first
    generator = np.random.RandomState(5)
    assert np.isfinite(DeepNetClassifier(random_state=generator).fit(X, y).temperature_)


def test_cross_fit_runs_are_quiet():
    X, y = make_classification(200, 10, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DeepNetClassifier(max_iter=3, random_state=0).fit(X, y)
    # One max_iter warning, the fit's own: the three out-of-fold runs say nothing.
    assert sum(issubclass(w.category, ConvergenceWarning) for w in caught) == 1


def test_ctrl_c_during_the_calibration_keeps_the_trained_network(small_wide, monkeypatch):
    X, y, _, _ = small_wide

    def interrupted(fit):
        raise KeyboardInterrupt

    monkeypatch.setattr(skdeep._calibration, "_out_of_fold", interrupted)
    model = DeepNetClassifier(random_state=0)
    with pytest.warns(UserWarning, match="interrupted"), pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    assert model.temperature_ == 1.0 and model.n_iter_ > 0


# -- hyperparameter and persistence -----------------------------------------------------


@pytest.mark.parametrize("value", ["platt", "Temperature", True, 1.5])
def test_a_bad_calibration_is_refused_by_name(value):
    X, y = make_classification(50, 4, random_state=0)
    with pytest.raises(ValueError, match="calibration must be 'auto', 'temperature' or None"):
        DeepNetClassifier(calibration=value).fit(X, y)


def test_the_temperature_is_saved_and_loaded(tmp_path, small_wide):
    X, y, X_test, _ = small_wide
    model = DeepNetClassifier(random_state=0).fit(X, y)
    path = tmp_path / "model.skdeep"
    skdeep.save(model, path)
    loaded = skdeep.load(path)
    assert loaded.temperature_ == model.temperature_
    np.testing.assert_array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))


def test_files_from_before_calibration_load_with_temperature_one(small_wide):
    X, y, _, _ = small_wide
    model = DeepNetClassifier(calibration=None, random_state=0).fit(X, y)
    params = model.get_params()
    del params["calibration"]
    assert check_params(DeepNetClassifier, params)["calibration"] == "auto"
    state = model._fitted_state()
    del state["temperature_"]
    restored = DeepNetClassifier()
    restored._restore_fitted_state(state)
    assert restored.temperature_ == 1.0
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
