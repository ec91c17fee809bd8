"""Hyperparameter checks, declared as tables.

Each estimator lists its hyperparameters in a table, ``name -> rule``, in
the order they are checked; rows shared by several estimators are shared
objects. :func:`check_hyperparameters` runs the table at the start of
``fit`` and returns the checked values (an ``"auto"`` stays ``"auto"``; an
alias such as ``activation="logistic"`` becomes the name skdeep uses). The
estimators read their hyperparameters from that result, never from
``self`` with a fallback default.

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


def is_auto(value):
    """Whether a hyperparameter is the string ``"auto"`` (never an array's elementwise comparison)."""
    return isinstance(value, str) and value == "auto"


# -- rules: callables ``rule(value, name, checked) -> checked value`` -----------------
#
# ``checked`` holds the values of the rows above, for the few rules whose
# range depends on another hyperparameter.


class Interval:
    """A number in an interval (see :func:`check_number`)."""

    def __init__(self, *, integer=False, low=None, low_open=False, high=None, high_open=False):
        self.bounds = dict(integer=integer, low=low, low_open=low_open, high=high, high_open=high_open)

    def __call__(self, value, name, checked):
        return check_number(value, name, **self.bounds)


class Options:
    """One of a few strings; ``aliases`` maps other accepted spellings to them."""

    def __init__(self, options, aliases=None):
        self.options, self.aliases = tuple(options), dict(aliases or {})

    def __call__(self, value, name, checked):
        check_option(value, name, (*self.options, *self.aliases))
        return self.aliases.get(value, value)


class Flag:
    """True or False (NumPy booleans too)."""

    def __call__(self, value, name, checked):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r}.")
        return bool(value)


class AutoOr:
    """``"auto"``, or a value the ``rule`` accepts; another string gets ``message``."""

    def __init__(self, rule, message, none=False):
        self.rule, self.message, self.none = rule, message, none

    def __call__(self, value, name, checked):
        if is_auto(value) or (self.none and value is None):
            return value
        if isinstance(value, str):
            raise ValueError(self.message.format(name=name, value=value))
        return self.rule(value, name, checked)


class Verbosity:
    """``verbose``: a bool or a non-negative integer."""

    def __call__(self, value, name, checked):
        if isinstance(value, (bool, np.bool_)):
            return int(value)
        return check_number(value, name, integer=True, low=0)


class ClassWeight:
    """``class_weight``: None, "balanced" or a dict of class -> weight >= 0."""

    def __call__(self, value, name, checked):
        if value is None or (isinstance(value, str) and value == "balanced"):
            return value
        if not isinstance(value, dict):
            raise ValueError(
                f"class_weight must be None, 'balanced' or a dict mapping classes to weights; got {value!r}."
            )
        for label, weight in value.items():
            check_number(weight, f"class_weight[{label!r}]", low=0)
        return value


class Anything:
    """A value passed through unchecked (``random_state``: ``check_random_state`` checks it at use)."""

    def __call__(self, value, name, checked):
        return value


def check_hyperparameters(estimator, table, check_together=None):
    """Run ``table`` on ``estimator``'s hyperparameters; return the checked values.

    Parameters
    ----------
    estimator : BaseEstimator
    table : dict
        ``name -> rule``, in the order the checks run. Every parameter of the
        estimator must have a row: a parameter without one is a bug, caught here.
    check_together : callable, optional
        ``check_together(checked)`` for the rules that involve several
        hyperparameters, run after the table.

    Returns
    -------
    checked : dict
    """
    values = estimator.get_params(deep=False)
    missing = set(values) - set(table)
    if missing:  # a new __init__ argument without a row in the table
        raise RuntimeError(f"{type(estimator).__name__} has no check for {sorted(missing)}.")
    checked = {}
    for name, rule in table.items():
        checked[name] = rule(values[name], name, checked)
    if check_together is not None:
        check_together(checked)
    return checked


# -- rows shared by every estimator ----------------------------------------------------

POSITIVE_INTEGER = Interval(integer=True, low=1)
NON_NEGATIVE = Interval(low=0)
SHARED_ROWS = {
    "max_iter": POSITIVE_INTEGER,
    "tol": NON_NEGATIVE,
    "alpha": NON_NEGATIVE,
    "warm_start": Flag(),
    "verbose": Verbosity(),
}
CLASS_WEIGHT_ROW = {"class_weight": ClassWeight()}
