"""A regressor's targets: their scaling, and the identity output.

Targets are standardized inside the estimator (``standardize_target``):
the network learns ``(y - mean) / std``, which keeps the initial cost near
1/2 and the course's learning rates sensible whatever the targets' units,
and ``predict`` maps the outputs back. It is what
``TransformedTargetRegressor(regressor, transformer=StandardScaler())``
does outside the estimator, with the sample weights taken into account.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _check_sample_weight


def check_targets(y, estimator_name):
    """y as numbers."""
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.number):
        raise ValueError(f"{estimator_name} needs numeric targets y; got dtype {y.dtype}.")
    return y


#: Early stopping holds out at least this many examples (fewer have no spread to score).
MIN_HELD_OUT = 2


@dataclass(frozen=True)
class TargetScaling:
    """The targets' (weighted) mean and standard deviation, per output."""

    mean: np.ndarray
    scale: np.ndarray
    #: One target column predicts a 1-d array, as MLPRegressor does.
    single_output: bool

    #: The attributes :meth:`to_state` stores.
    STATE = ("target_mean_", "target_scale_", "_single_output")
    output_activation = "identity"

    @classmethod
    def from_training(cls, y, sample_weight, standardize):
        single_output = y.ndim == 1 or y.shape[1] == 1
        Y_rows = y.reshape(y.shape[0], -1).astype(np.float64)
        if not standardize:
            return cls(np.zeros(Y_rows.shape[1]), np.ones(Y_rows.shape[1]), single_output)
        weight = _check_sample_weight(sample_weight, Y_rows, dtype=np.float64, ensure_non_negative=True)
        if not weight.sum() > 0:
            weight = np.ones_like(weight)  # refused with a clear message right after
        with np.errstate(over="ignore", invalid="ignore"):
            mean = np.average(Y_rows, axis=0, weights=weight)
            scale = np.sqrt(np.average((Y_rows - mean) ** 2, axis=0, weights=weight))
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(scale))):
            raise ValueError(
                "y's mean or spread overflows float64 (targets near 1e154 or beyond): rescale y, "
                "for example with sklearn.compose.TransformedTargetRegressor."
            )
        # A constant target: nothing to scale by.
        scale[scale < np.finfo(np.float64).tiny / np.finfo(np.float64).eps] = 1.0
        return cls(mean, scale, single_output)

    def check_continued(self, y, classes, partial):
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if n_outputs != len(self.mean):
            raise ValueError(
                f"y has {n_outputs} target column(s), but the model was fitted on {len(self.mean)}; "
                "set warm_start=False to fit a new model."
            )
        return self

    def encode(self, y, dtype, name="y"):
        """Targets -> the course's standardized ``Y`` of shape (n_outputs, m)."""
        Y_rows = y.reshape(y.shape[0], -1)
        if Y_rows.shape[1] != len(self.mean):
            raise ValueError(f"{name} has {Y_rows.shape[1]} target column(s); the model has {len(self.mean)}.")
        # Stored example by example, like the activations the targets meet.
        return np.ascontiguousarray((Y_rows - self.mean) / self.scale, dtype=dtype).T

    def decode(self, Z):
        """The network's outputs ``(m, n_outputs)`` (overwritten) -> predictions in y's units."""
        Z *= self.scale.astype(Z.dtype)
        Z += self.mean.astype(Z.dtype)
        return Z[:, 0] if self.single_output else Z

    def check_validation(self, y_val):
        pass

    def weigh(self, Y, sample_weight, class_weight):
        return sample_weight

    def check_trainable(self, Y, sample_weight, estimator_name):
        pass

    def split(self, y, validation_fraction, rng):
        """Training and held-out rows for early stopping, at random.

        At least two examples are held out (one validation example has no
        spread to score, R^2 for one), and at least one trains.
        """
        n_samples = y.shape[0]
        n_held_out = max(math.ceil(validation_fraction * n_samples), MIN_HELD_OUT)
        if n_samples - n_held_out < 1:
            raise ValueError(
                f"Early stopping holds out at least {MIN_HELD_OUT} examples to follow a validation score, "
                f"which n_samples={n_samples} cannot give and still train on one. Pass X_val and y_val, "
                "or set early_stopping=False."
            )
        return train_test_split(np.arange(n_samples), test_size=n_held_out, random_state=rng)

    def to_state(self):
        return {"target_mean_": self.mean, "target_scale_": self.scale, "_single_output": self.single_output}

    @classmethod
    def from_state(cls, state):
        return cls(state["target_mean_"], state["target_scale_"], bool(state["_single_output"]))
