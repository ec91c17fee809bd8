import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_iris
from sklearn.preprocessing import StandardScaler


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
