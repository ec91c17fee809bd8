"""The regression layer: targets, their scaling, an identity output.

The course's network carries over unchanged: an identity output ``A[L] = Z[L]``
with the cost ``J = 1/(2m) sum_i ||a(i) - y(i)||^2`` has the same fused output
gradient ``dZ[L] = A[L] - Y`` as a sigmoid or softmax with cross-entropy.
The targets' scaling is :class:`~skdeep._target_scaling.TargetScaling`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from ._callbacks import CallbackSupportMixin
from ._estimator import BaseNetwork, fitted_attribute, partial_fit_available
from ._target_scaling import TargetScaling, check_targets


class BaseNetworkRegressor(CallbackSupportMixin, RegressorMixin, BaseNetwork):
    """Targets, their scaling and predictions for skdeep's regressors."""

    _targets_type = TargetScaling
    _accepts_multi_output = True
    _numeric_targets = True

    target_mean_ = fitted_attribute(lambda model: model.targets.mean)
    target_scale_ = fitted_attribute(lambda model: model.targets.scale)

    @available_if(partial_fit_available)
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

    def _check_targets(self, y):
        return check_targets(y, type(self).__name__)

    def _new_targets(self, y, classes, partial, sample_weight, hyperparameters):
        return TargetScaling.from_training(y, sample_weight, hyperparameters["standardize_target"])

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
        model, Z = self._logits(X)
        return model.targets.decode(Z)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags
