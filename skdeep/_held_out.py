"""The held-out set a fit monitors each epoch: given (``X_val``, ``y_val``) or split off (early stopping)."""

from __future__ import annotations

import copy

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.utils import _safe_indexing, check_random_state

from ._fitted import FittedModel, fitted_attributes
from ._inputs import warn_if_unlike
from ._training import Validation

#: Early stopping refuses to follow fewer held-out examples than this (MLPRegressor's rule;
#: the targets' split holds out at least as many).
MIN_HELD_OUT = 2


def held_out_data(estimator, hp, inputs, targets, X_in, X, y, Y, sample_weight, X_val, y_val, sample_weight_val):
    """``(rows, y, Y, sample_weight, validation)``: the held-out set, and what trains.

    ``rows`` are the rows of ``X`` that train (None: all of them), with their
    targets and weights. The training rows of ``X`` are not copied: the
    loop gathers its batches through ``rows``.
    """
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be passed together.")
    if X_val is not None:
        rows, X_val_in = None, X_val
        X_val, y_val = estimator._validated(inputs, X_val, y_val)
        targets.check_validation(y_val)
        Y_val = targets.encode(y_val, X.dtype)
        weight_val = estimator._example_weights(X_val, Y_val, sample_weight_val, targets, hp)
        warn_if_unlike(X, X_val)
    else:
        if sample_weight_val is not None:
            raise ValueError("sample_weight_val needs X_val and y_val.")
        rng = check_random_state(hp["random_state"])
        train, held_out = targets.split(y, hp["validation_fraction"], rng)
        # Y is (n_outputs, m) stored by example: take examples as rows of Y^T.
        X_val, y_val, Y_val, weight_val = X[held_out], y[held_out], Y.T[held_out].T, sample_weight[held_out]
        rows, y, Y, sample_weight = train, y[train], Y.T[train].T, sample_weight[train]
        if len(held_out) < MIN_HELD_OUT:
            raise ValueError(
                f"The validation set is too small: early stopping holds out validation_fraction="
                f"{hp['validation_fraction']} of the {X.shape[0]} training examples, {len(held_out)} example, "
                "too few to follow a score on. Raise validation_fraction, pass X_val and y_val, "
                "or set early_stopping=False."
            )
        # A data frame's rows, for a scorer: predict then sees the column names fit saw.
        X_val_in = _safe_indexing(X_in, held_out) if hasattr(X_in, "columns") else X_val
        if not weight_val.sum() > 0:
            raise ValueError(
                "The held-out validation examples all have zero weight (from sample_weight or "
                "class_weight); raise validation_fraction or pass X_val and y_val."
            )
    score = network_scorer(estimator, hp["scoring"], inputs.schema(), targets, X_val_in, y_val, weight_val)
    return rows, y, Y, sample_weight, Validation(X_val, Y_val, weight_val, score)


def network_scorer(estimator, scoring, schema, targets, X_val, y_val, weight_val):
    """``score(network)`` with the ``scoring`` scorer on the validation data as fit
    received it (a DataFrame keeps its column names), or None for the validation loss."""
    if scoring is None:
        return None
    scorer = check_scoring(estimator, scoring=scoring)

    def score(network):
        # A copy of the estimator holding the current weights: the scorer calls
        # its predict; the estimator being fitted is not touched.
        model = FittedModel.of_network(network, targets)
        snapshot = copy.copy(estimator)
        vars(snapshot).update(fitted_attributes(schema, model))
        try:
            value = scorer(snapshot, X_val, y_val, sample_weight=weight_val)
        except ValueError as error:
            raise ValueError(
                f"Early stopping could not score the {len(y_val)} validation examples with "
                f"scoring={scoring!r}: {error} Use a larger validation set "
                "(validation_fraction, or X_val/y_val), or scoring=None (the validation loss)."
            ) from error
        if not np.isfinite(value):
            raise ValueError(
                f"Early stopping's scoring={scoring!r} gave {value} on the {len(y_val)} validation "
                "examples: the score is not defined there (R^2 needs at least two examples of "
                "different targets, for one). Use a larger validation set (validation_fraction, or "
                "X_val/y_val), or scoring=None (the validation loss)."
            )
        return value

    return score
