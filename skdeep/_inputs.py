"""Validating X (and y, X_val) as scikit-learn does, without touching the estimator being fitted.

``validate_data`` records ``n_features_in_`` and ``feature_names_in_`` on the
estimator it is given. A fit must not change the estimator until it
publishes its result (a refused fit leaves it exactly as it was), so a fit
validates through a probe: a new instance with the same hyperparameters,
carrying the input schema of the model being continued, if any. The schema
the probe ends with is published with the model.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import validate_data

from ._warnings import warn

#: The attributes of the input schema that ``validate_data`` records.
SCHEMA = ("n_features_in_", "feature_names_in_")
DTYPES = (np.float64, np.float32)


def validate_numeric(estimator, *args, **kwargs):
    """``validate_data``, with a clear message when X holds non-numeric values."""
    try:
        # Values near the dtype's maximum overflow in the finiteness check's
        # sum; the check then looks closer, so the warning is noise.
        with np.errstate(over="ignore", invalid="ignore"):
            return validate_data(estimator, *args, **kwargs)
    except (ValueError, TypeError) as error:
        if "could not convert" not in str(error) and "argument must be a string or a" not in str(error):
            raise
        # Keep the exception's type (TypeError for objects that are not
        # numbers at all, as scikit-learn's checks expect), add the why.
        raise type(error)(
            f"{type(estimator).__name__} needs numeric X, but X holds a value that is not a number "
            f"({error}). Encode text or categorical columns first, for example with "
            "sklearn.preprocessing.OneHotEncoder in a ColumnTransformer."
        ) from error


class InputProbe:
    """Validates a fit's inputs on a stand-in for the estimator; ``schema()`` is what it saw.

    Parameters
    ----------
    estimator : BaseNetwork
    continued : bool
        Whether the fit continues the estimator's model (the schema must match it).
    """

    def __init__(self, estimator, continued):
        self.probe = type(estimator)(**estimator.get_params(deep=False))
        self.reset = not continued
        if continued:
            for name in SCHEMA:
                if name in vars(estimator):
                    setattr(self.probe, name, vars(estimator)[name])

    def training_data(self, X, y, *, multi_output, y_numeric):
        """``(X, y)`` validated; the first call of a new fit records the schema."""
        X, y = validate_numeric(
            self.probe,
            X,
            y,
            accept_sparse=("csr", "csc"),
            dtype=DTYPES,
            multi_output=multi_output,
            y_numeric=y_numeric,
            reset=self.reset,
        )
        self.reset = False
        return X, y

    def schema(self):
        """``{"n_features_in_": ..., "feature_names_in_": ...}`` (names only if X had them)."""
        return {name: vars(self.probe)[name] for name in SCHEMA if name in vars(self.probe)}


#: X_val whose feature means sit this many of X's standard deviations away
#: (the median over features) was almost surely not preprocessed like X.
UNLIKE_TRAINING_Z = 3.0


def warn_if_unlike(X, X_val):
    """Warn when X_val does not look preprocessed like X (a Pipeline's dev set, say)."""
    if sp.issparse(X) or X.shape[0] < 2 or X_val.shape[0] < 1:
        return
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        std = X.std(axis=0)
        shift = np.abs(X_val.mean(axis=0) - X.mean(axis=0))
        varying = std > 0
        if not np.any(varying):
            return
        z = float(np.median(shift[varying] / std[varying]))
    if z > UNLIKE_TRAINING_Z:
        warn(
            f"X_val does not look like X: its feature means lie a median {z:.1f} of X's standard "
            "deviations away from X's. If the network is the last step of a Pipeline, X_val did not "
            "go through the earlier steps: use Pipeline(..., transform_input=['X_val']) with metadata "
            "routing enabled (see the user guide)."
        )
