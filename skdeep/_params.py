"""Checks of hyperparameters, run at the start of ``fit``.

Each error names the parameter, the value it got and what it accepts, so a
mistake in a grid of hundreds of candidates is found from the message alone.
"""

import numbers

import numpy as np


def check_number(value, name, *, integer=False, low=None, low_open=False, high=None, high_open=False):
    """Check a real (or integer) hyperparameter against an interval.

    Parameters
    ----------
    value : object
        The hyperparameter's value.
    name : str
        Its name, used in the error message.
    integer : bool
        Require an integer rather than any real number.
    low, high : float or None
        Bounds of the accepted interval (None: unbounded).
    low_open, high_open : bool
        Whether the bound itself is excluded.

    Returns
    -------
    value : int or float

    Raises
    ------
    TypeError
        If the value is not a number (bools are not accepted as numbers).
    ValueError
        If it is NaN, infinite or outside the interval.
    """
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        expected = "an integer" if integer else "a real number"
        raise TypeError(f"{name} must be {expected}, got {value!r} of type {type(value).__name__}.")
    # Python integers are always finite (and may exceed what np.isfinite takes).
    if not isinstance(value, numbers.Integral) and not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.")
    too_low = low is not None and (value < low or (low_open and value == low))
    too_high = high is not None and (value > high or (high_open and value == high))
    if too_low or too_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        low_text = "-inf" if low is None else repr(low)
        high_text = "inf" if high is None else repr(high)
        raise ValueError(f"{name} must be in {left}{low_text}, {high_text}{right}, got {value!r}.")
    return value


def check_sequence(value, name, description):
    """A tuple from a sequence hyperparameter; a string is not taken as a sequence of characters."""
    try:
        if isinstance(value, str):
            raise TypeError
        return tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be {description}; got {value!r}.") from None


def check_option(value, name, options):
    """Check that a string hyperparameter is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}.")
    return value


def check_class_weight(class_weight):
    """``class_weight`` is None, "balanced" or a dict of class -> weight >= 0."""
    if class_weight is None or class_weight == "balanced":
        return class_weight
    if not isinstance(class_weight, dict):
        raise ValueError(
            f"class_weight must be None, 'balanced' or a dict mapping classes to weights; got {class_weight!r}."
        )
    for label, weight in class_weight.items():
        check_number(weight, f"class_weight[{label!r}]", low=0)
    return class_weight
