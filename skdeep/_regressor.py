"""The regression layer: targets, their scaling, an identity output.

The course's network carries over unchanged: an identity output ``A[L] = Z[L]``
with the cost ``J = 1/(2m) sum_i ||a(i) - y(i)||^2`` has the same fused output
gradient ``dZ[L] = A[L] - Y`` as a sigmoid or softmax with cross-entropy.

Targets are standardized inside the estimator (``standardize_target``):
the network learns ``(y - mean) / std``, which keeps the initial cost near
1/2 and the course's learning rates sensible whatever the targets' units,
and ``predict`` maps the outputs back. It is what
``TransformedTargetRegressor(regressor, transformer=StandardScaler())``
does outside the estimator, with the sample weights taken into account.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import _check_sample_weight

from ._base import BaseNetwork, partial_fit_allowed
from ._callbacks import CallbackSupportMixin


class BaseNetworkRegressor(CallbackSupportMixin, RegressorMixin, BaseNetwork):
    """Targets, their scaling and predictions for skdeep's regressors."""

    _accepts_multi_output = True
    _numeric_targets = True

    @available_if(partial_fit_allowed)
    def partial_fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> BaseNetworkRegressor:
        """Train for one epoch on the given data, continuing from the current model.

        For out-of-core learning: call it once per chunk of data. The first
        call builds the network and fixes the targets' scaling (from that
        first chunk); later calls continue from its weights, optimizer state
        and random stream. ``n_iter_`` counts the calls (one epoch each).
        With ``solver="lbfgs"`` or ``early_stopping=True`` there is no
        ``partial_fit`` (AttributeError): neither applies to one epoch on one chunk.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, partial=True)

    # -- targets -------------------------------------------------------------------

    def _validate_targets(self, y):
        y = np.asarray(y)
        if not np.issubdtype(y.dtype, np.number):
            raise ValueError(f"{type(self).__name__} needs numeric targets y; got dtype {y.dtype}.")
        return y

    def _start_targets(self, y, classes, partial, sample_weight=None):
        """Fix the targets' scaling: their (weighted) mean and standard deviation."""
        # One target column predicts a 1-d array, as MLPRegressor does.
        self._single_output = y.ndim == 1 or y.shape[1] == 1
        Y_rows = y.reshape(y.shape[0], -1).astype(np.float64)
        if not self.standardize_target:
            self.target_mean_ = np.zeros(Y_rows.shape[1])
            self.target_scale_ = np.ones(Y_rows.shape[1])
            return
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
        self.target_mean_, self.target_scale_ = mean, scale

    def _check_targets_match(self, y, classes, partial):
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if n_outputs != len(self.target_mean_):
            raise ValueError(
                f"y has {n_outputs} target column(s), but the model was fitted on {len(self.target_mean_)}; "
                "set warm_start=False to fit a new model."
            )

    def _encode_targets(self, y, dtype, name="y"):
        """Targets -> the course's standardized ``Y`` of shape (n_outputs, m)."""
        Y_rows = y.reshape(y.shape[0], -1)
        if Y_rows.shape[1] != len(self.target_mean_):
            raise ValueError(f"{name} has {Y_rows.shape[1]} target column(s); the model has {len(self.target_mean_)}.")
        # Stored example by example, like the activations the targets meet.
        return np.ascontiguousarray((Y_rows - self.target_mean_) / self.target_scale_, dtype=dtype).T

    def _output_activation(self):
        return "identity"

    # -- predict ---------------------------------------------------------------

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            In the model's dtype (float32 for a model trained on float32 X).
        """
        state = self.__dict__  # one model, even if a fit publishes another meanwhile
        Z = self._logits(X, state=state)
        Z *= state["target_scale_"].astype(Z.dtype)
        Z += state["target_mean_"].astype(Z.dtype)
        return Z[:, 0] if state["_single_output"] else Z

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags
