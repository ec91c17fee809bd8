"""Assertions shared by the tests."""

import numpy as np


def assert_same_parameters(actual, expected):
    """Two ``parameters_`` dicts hold the same arrays under the same names, bit for bit."""
    assert actual.keys() == expected.keys()
    for name, value in expected.items():
        np.testing.assert_array_equal(actual[name], value, err_msg=name)
