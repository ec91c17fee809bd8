"""Scaling out on dask (the optional ``distributed`` extra): search on a cluster, out-of-core training.

The cluster is a LocalCluster of two worker processes on the loopback
address, with no dashboard.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV

from skdeep import DeepNetClassifier, LogisticRegressionGD

from .asserts import assert_same_parameters

distributed = pytest.importorskip("distributed", reason="needs the extra: pip install 'scikit-deep[distributed]'")
dask_array = pytest.importorskip("dask.array")
joblib = pytest.importorskip("joblib")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=300, n_features=8, random_state=0)


@pytest.mark.parametrize(
    "estimator, grid",
    [
        (
            DeepNetClassifier(hidden_layer_sizes=(8,), max_iter=30, tol=0, random_state=0),
            {"alpha": [0.1, 1.0, 3.0], "learning_rate": [0.003, 0.03]},
        ),
        (LogisticRegressionGD(max_iter=100, tol=0), {"alpha": [0.01, 1.0, 100.0]}),
    ],
    ids=["deepnet", "logistic"],
)
def test_grid_search_on_a_dask_cluster_matches_the_default_backend(client, data, estimator, grid):
    X, y = data
    local = GridSearchCV(estimator, grid, cv=3).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = GridSearchCV(estimator, grid, cv=3, n_jobs=-1).fit(X, y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"])


def test_partial_fit_over_the_chunks_of_a_dask_array(client, data):
    X, y = data
    X_chunks = dask_array.from_array(X, chunks=(60, 8))
    y_chunks = dask_array.from_array(y, chunks=60)
    params = dict(hidden_layer_sizes=(8,), batch_size=60, shuffle=False, alpha=0, tol=0, random_state=0)
    streamed = DeepNetClassifier(**params)
    for X_block, y_block in zip(X_chunks.blocks, y_chunks.blocks, strict=True):
        X_part, y_part = client.compute([X_block, y_block], sync=True)  # one chunk in memory at a time
        streamed.partial_fit(X_part, y_part, classes=[0, 1])
    in_memory = DeepNetClassifier(max_iter=1, **params).fit(X, y)
    assert_same_parameters(streamed.parameters_, in_memory.parameters_)


def test_predict_on_a_dask_array_block_by_block(client, data):
    X, y = data
    model = DeepNetClassifier(hidden_layer_sizes=(8,), max_iter=20, tol=0, random_state=0).fit(X, y)
    X_chunks = dask_array.from_array(X, chunks=(100, 8))
    proba = X_chunks.map_blocks(model.predict_proba, dtype=float, chunks=(100, 2)).compute()
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=1e-12)
