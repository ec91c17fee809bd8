"""Both estimators inside scikit-learn's tooling: Pipeline, search, CV, persistence."""

import io
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdeep._predict
from skdeep import DeepNetClassifier, LogisticRegressionGD

from .asserts import assert_same_parameters


def test_cross_validate_in_pipeline(make_estimator, scaled_breast_cancer):
    X, y = scaled_breast_cancer
    result = cross_validate(make_estimator(), X, y, cv=3, scoring=["accuracy", "neg_log_loss"])
    assert result["test_accuracy"].mean() > 0.95
    assert np.all(np.isfinite(result["test_neg_log_loss"]))


def test_joblib_round_trip_gives_identical_probabilities(make_estimator, blobs, tmp_path):
    X, y = blobs
    model = make_estimator().fit(X, y)
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    buffer = io.BytesIO()
    pickle.dump(model, buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(pickle.load(buffer).predict_proba(X), model.predict_proba(X))


def test_string_labels_come_back_as_given(make_estimator, blobs):
    X, y = blobs
    labels = np.array(["setosa", "versicolor", "virginica"], dtype=object)[y]
    model = make_estimator().fit(X, labels)
    assert list(model.classes_) == ["setosa", "versicolor", "virginica"]
    predicted = model.predict(X)
    assert set(predicted) <= set(labels)
    assert (predicted == labels).mean() > 0.8
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], predicted)


@pytest.mark.parametrize("labels", [[False, True], [-1.0, 1.0], [3, 7]], ids=["bool", "float", "int"])
def test_binary_label_types_round_trip(make_estimator, scaled_breast_cancer, labels):
    X, y = scaled_breast_cancer
    y_typed = np.asarray(labels)[y]
    predicted = make_estimator().fit(X, y_typed).predict(X)
    assert predicted.dtype == y_typed.dtype
    assert set(np.unique(predicted)) <= set(labels)


def test_float32_is_kept_end_to_end(make_estimator, blobs):
    X, y = blobs
    model = make_estimator().fit(X.astype(np.float32), y)
    assert all(value.dtype == np.float32 for value in model.parameters_.values())
    assert model.predict_proba(X.astype(np.float32)).dtype == np.float32
    reference = clone(model).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X), atol=2e-3)


def _full_batch_params(make_estimator):
    """Full batch, and the fit's own run alone (a calibrating cross-fit trains on its folds' rows)."""
    names = make_estimator().get_params()
    return {
        **({"batch_size": None} if "batch_size" in names else {}),
        **({"calibration": None} if "calibration" in names else {}),
    }


def test_training_reads_the_input_through_a_transposed_view(make_estimator, blobs, training_batches):
    """sklearn's (m, n_x) becomes the course's (n_x, m) without a copy (full batch)."""
    X, y = blobs
    X = np.ascontiguousarray(X)
    seen = training_batches
    make_estimator().set_params(max_iter=2, **_full_batch_params(make_estimator)).fit(X, y)
    assert seen and all(x.shape == (X.shape[1], X.shape[0]) and np.shares_memory(x, X) for x in seen)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_equals_dense(make_estimator, blobs, fmt):
    X, y = blobs
    X = np.where(np.abs(X) < 0.5, 0, X)
    dense = make_estimator().fit(X, y)
    sparse = make_estimator().fit(sp.csr_matrix(X).asformat(fmt), y)
    np.testing.assert_allclose(sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X), rtol=1e-8, atol=1e-10)


def test_sample_weight_two_equals_a_repeated_row(make_estimator, blobs):
    """Exact with full-batch training (with mini-batches it holds in expectation)."""
    X, y = blobs
    weights = np.ones(len(y))
    weights[:10] = 2
    params = {"max_iter": 30, **_full_batch_params(make_estimator)}
    weighted = make_estimator().set_params(**params).fit(X, y, sample_weight=weights)
    X_repeated = np.vstack([X, X[:10]])
    y_repeated = np.concatenate([y, y[:10]])
    repeated = make_estimator().set_params(**params).fit(X_repeated, y_repeated)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-7)


def test_predict_is_chunked_and_chunking_changes_nothing(make_estimator, blobs, monkeypatch):
    X, y = blobs
    model = make_estimator().fit(X, y)
    whole = model.predict_proba(X)
    monkeypatch.setattr(skdeep._predict, "PREDICT_CHUNK_BYTES", 64)  # a few rows per chunk
    np.testing.assert_allclose(model.predict_proba(X), whole, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), whole.argmax(axis=1))


def test_concurrent_predictions_equal_sequential(make_estimator, blobs, monkeypatch):
    X, y = blobs
    model = make_estimator().fit(X, y)
    monkeypatch.setattr(skdeep._predict, "PREDICT_CHUNK_BYTES", 256)
    expected = model.predict_proba(X)
    barrier = threading.Barrier(16)

    def predict(_):
        barrier.wait()
        return model.predict_proba(X)

    with ThreadPoolExecutor(16) as pool:
        for result in pool.map(predict, range(16)):
            np.testing.assert_array_equal(result, expected)


def test_predict_log_proba_is_log_of_predict_proba(make_estimator, blobs):
    X, y = blobs
    model = make_estimator().fit(X, y)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X)), model.predict_proba(X), rtol=1e-10)
    far = X * 1e4  # saturated outputs: log-probabilities stay finite
    assert np.all(np.isfinite(model.predict_log_proba(far)))


def test_warm_start_continues_from_the_fitted_model(make_estimator, blobs):
    X, y = blobs
    model = make_estimator().set_params(max_iter=5, tol=0, warm_start=True)
    if isinstance(model, DeepNetClassifier):
        model.set_params(shuffle=False)
    model.fit(X, y)
    model.fit(X, y)
    once = make_estimator().set_params(max_iter=10, tol=0)
    if isinstance(once, DeepNetClassifier):
        once.set_params(shuffle=False)
    once.fit(X, y)
    assert model.n_iter_ == 10
    np.testing.assert_array_equal(model.loss_curve_, once.loss_curve_)
    assert_same_parameters(model.parameters_, once.parameters_)


# Some grid points (learning_rate=0.1) reach max_iter before tol; the test is
# about the parallel search (scikit-learn hands the filter to its workers).
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_with_two_jobs(blobs):
    X, y = blobs
    search = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegressionGD()),
        {"logisticregressiongd__learning_rate": ["auto", 0.1], "logisticregressiongd__alpha": [0.1, 1.0]},
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    assert search.best_score_ > 0.85
    assert search.best_params_["logisticregressiongd__alpha"] in (0.1, 1.0)


def test_deepnet_grid_search_with_two_jobs_is_deterministic(blobs):
    X, y = blobs
    grid = {
        "hidden_layer_sizes": [(8,), (16, 8)],
        "learning_rate": [0.003, 0.03],
        "alpha": [1e-3, 1.0],
    }
    searches = [
        GridSearchCV(DeepNetClassifier(random_state=0, max_iter=40, tol=0), grid, cv=3, n_jobs=n_jobs).fit(X, y)
        for n_jobs in (1, 2)
    ]
    assert searches[0].best_params_ == searches[1].best_params_
    np.testing.assert_array_equal(
        searches[0].cv_results_["mean_test_score"], searches[1].cv_results_["mean_test_score"]
    )
    assert_same_parameters(searches[1].best_estimator_.parameters_, searches[0].best_estimator_.parameters_)
    assert searches[1].best_score_ > 0.85


def test_cross_val_score_meets_course_targets(breast_cancer, iris):
    for (X, y), target in ((breast_cancer, 0.97), (iris, 0.93)):
        scores = cross_val_score(make_pipeline(StandardScaler(), LogisticRegressionGD()), X, y, cv=5)
        assert scores.mean() >= target


def test_serving_shortcut_gives_what_full_validation_gives(blobs):
    """A clean float ndarray skips validate_data; every other input still meets it, with its messages."""
    X, y = blobs
    model = DeepNetClassifier(hidden_layer_sizes=(8,), max_iter=5, tol=0, random_state=0).fit(X, y)
    expected = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict_proba(X.tolist()), expected)
    np.testing.assert_array_equal(model.predict_proba(np.asfortranarray(X)), expected)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(bad)
    with pytest.raises(ValueError, match="X has 3 features, but DeepNetClassifier is expecting 4"):
        model.predict(X[:, :3])
