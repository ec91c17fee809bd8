"""Assertions shared by the tests."""

import numpy as np


def assert_same_parameters(actual, expected):
    """Two ``parameters_`` dicts hold the same arrays under the same names, bit for bit."""
    assert actual.keys() == expected.keys()
    for name, value in expected.items():
        np.testing.assert_array_equal(actual[name], value, err_msg=name)


def run_plan(estimator, X=None, y=None, partial=False):
    """The RunPlan ``estimator`` describes for a fit on ``X`` (default: 10 rows of 2 features), as its fit asks it."""
    from skdeep._run_plan import FitSetting

    X = np.ones((10, 2)) if X is None else X
    weight = np.ones(X.shape[0])
    n_outputs = 1 if y is None or len(np.unique(y)) <= 2 else len(np.unique(y))
    setting = FitSetting(
        X=X,
        sample_weight=weight,
        n_samples=X.shape[0],
        n_train=X.shape[0],
        n_outputs=n_outputs,
        partial=partial,
        validation=False,
        early_stopping=False,
    )
    return estimator._plan(estimator._checked_hyperparameters(), setting)
