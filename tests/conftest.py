import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.preprocessing import StandardScaler

import skdeep
from skdeep import DeepNetClassifier, LogisticRegressionGD

# One small configuration of each estimator, with fixed iteration counts
# (tol=0): the tests using it are about the plumbing, not the optimum.
ESTIMATORS = {
    "logistic": lambda: LogisticRegressionGD(solver="gd", max_iter=500, tol=0),
    "deepnet": lambda: DeepNetClassifier(hidden_layer_sizes=(16,), random_state=0, max_iter=60, tol=0),
}


@pytest.fixture(params=sorted(ESTIMATORS))
def make_estimator(request):
    """A factory of each estimator in turn."""
    return ESTIMATORS[request.param]


@pytest.fixture(scope="session")
def breast_cancer():
    return load_breast_cancer(return_X_y=True)


@pytest.fixture(scope="session")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="session")
def digits():
    return load_digits(return_X_y=True)


@pytest.fixture(scope="session")
def scaled_breast_cancer(breast_cancer):
    X, y = breast_cancer
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def blobs():
    """A small 3-class problem, standardized."""
    rng = np.random.RandomState(0)
    centers = np.array([[0, 0, 0, 0], [3, 3, 0, 0], [0, 3, 3, 0]])
    y = rng.randint(0, 3, 90)
    X = centers[y] + rng.standard_normal((90, 4))
    return X, y


@pytest.fixture
def training_batches(monkeypatch):
    """The list of every input ``X`` (course layout, one column per example) the cost and gradient see."""
    seen = []
    original = skdeep.nn.network.Network.cost_and_gradient

    def spy(self, X, *args, **kwargs):
        seen.append(X)
        return original(self, X, *args, **kwargs)

    monkeypatch.setattr(skdeep.nn.network.Network, "cost_and_gradient", spy)
    return seen
