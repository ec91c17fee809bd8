"""skdeep inside the rest of scikit-learn: meta-estimators, dataframes, routing, inspection."""

import numpy as np
import pytest
import sklearn
from sklearn import config_context
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import StackingClassifier
from sklearn.inspection import permutation_importance
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from skdeep import LogisticRegressionGD

from .conftest import ESTIMATORS


@pytest.fixture
def data(blobs):
    X, y = blobs
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_dataframes_give_feature_names(make_estimator, data, library):
    frames = pytest.importorskip(library)
    if library == "polars" and parse_version(sklearn.__version__) < parse_version("1.7"):
        pytest.skip("scikit-learn < 1.7 reads no feature names from polars frames")
    X, y = data
    columns = ["height", "width", "depth", "mass"]
    frame = frames.DataFrame({name: X[:, i] for i, name in enumerate(columns)})
    model = make_estimator().fit(frame, y)
    assert list(model.feature_names_in_) == columns
    # A dataframe's values may arrive column-major: BLAS then sums in another
    # order, so equal to rounding, not to the bit.
    np.testing.assert_allclose(model.predict_proba(frame), make_estimator().fit(X, y).predict_proba(X), rtol=1e-12)
    renamed = frame.rename({"mass": "weight"}) if library == "polars" else frame.rename(columns={"mass": "weight"})
    with pytest.raises(ValueError, match="feature names"):
        model.predict(renamed)


def test_calibrated_classifier(make_estimator, data):
    X, y = data
    calibrated = CalibratedClassifierCV(make_estimator(), cv=3).fit(X, y)
    proba = calibrated.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    assert calibrated.score(X, y) > 0.85


def test_stacking_classifier(data):
    X, y = data
    stack = StackingClassifier(
        [("logistic", ESTIMATORS["logistic"]()), ("deepnet", ESTIMATORS["deepnet"]())],
        final_estimator=LogisticRegressionGD(),
        cv=3,
    ).fit(X, y)
    assert stack.score(X, y) > 0.85


def test_one_vs_rest(make_estimator, data):
    X, y = data
    ovr = OneVsRestClassifier(make_estimator()).fit(X, y)
    assert len(ovr.estimators_) == 3 and all(est.n_outputs_ == 1 for est in ovr.estimators_)
    assert ovr.score(X, y) > 0.85


def test_permutation_importance_finds_the_informative_features(make_estimator, data):
    X, y = data
    X = np.column_stack([X[:, :2], np.random.RandomState(0).standard_normal((len(y), 2))])
    model = make_estimator().fit(X, y)
    result = permutation_importance(model, X, y, n_repeats=5, random_state=0)
    assert result.importances_mean[:2].min() > result.importances_mean[2:].max()


def test_metadata_routing_of_sample_weight(make_estimator, data):
    X, y = data
    weights = np.where(y == 0, 5.0, 1.0)
    with config_context(enable_metadata_routing=True):
        estimator = make_estimator().set_fit_request(sample_weight=True).set_score_request(sample_weight=True)
        routed = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), estimator)
        routed.fit(X, y, sample_weight=weights)
        search = GridSearchCV(clone(estimator), {"max_iter": [10, 20]}, cv=3).fit(X, y, sample_weight=weights)
        scores = cross_validate(clone(estimator), X, y, cv=3, params={"sample_weight": weights})
    direct = make_estimator().fit(StandardScaler().fit_transform(X), y, sample_weight=weights)
    np.testing.assert_allclose(routed[-1].predict_proba(X), direct.predict_proba(X), rtol=1e-10)
    assert search.best_params_["max_iter"] in (10, 20)
    assert len(scores["test_score"]) == 3


def test_clone_and_html_repr(make_estimator, data):
    X, y = data
    model = make_estimator().fit(X, y)
    fresh = clone(model)
    assert fresh.get_params() == model.get_params() and not hasattr(fresh, "parameters_")
    html = model._repr_html_()
    assert type(model).__name__ in html and "fitted" in html.lower()
