"""The classification layer: labels, class weights, probabilities.

What skdeep's classifiers share on top of :mod:`skdeep._estimator`: their
targets are class labels (:class:`~skdeep._labels.ClassLabels`), weighted
by ``class_weight``, and their outputs become labels and probabilities.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit
from sklearn.base import ClassifierMixin
from sklearn.utils.metaestimators import available_if

from ._callbacks import CallbackSupportMixin
from ._estimator import BaseNetwork, fitted_attribute, partial_fit_available
from ._labels import ClassLabels, check_labels
from .nn.activations import log_sigmoid, log_softmax, softmax


class BaseNetworkClassifier(CallbackSupportMixin, ClassifierMixin, BaseNetwork):
    """Labels, class weights and probabilities for skdeep's classifiers."""

    _targets_type = ClassLabels
    #: Whether a 2-D indicator ``y`` (multilabel) is accepted.
    _accepts_multilabel = False

    @property
    def _accepts_multi_output(self):
        return self._accepts_multilabel

    classes_ = fitted_attribute(lambda model: model.targets.classes)

    @available_if(partial_fit_available)
    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None, sample_weight: ArrayLike | None = None
    ) -> BaseNetworkClassifier:
        """Train for one epoch on the given data, continuing from the current model.

        For out-of-core learning: call it once per chunk of data. The first
        call builds the network; later calls continue from its weights,
        optimizer state and random stream. The L2/L1 terms use the chunk's
        total weight as the course's ``m``. ``n_iter_`` counts the calls
        (one epoch each). With ``solver="lbfgs"`` or ``early_stopping=True``
        there is no ``partial_fit`` (AttributeError, as MLPClassifier does
        for lbfgs): neither applies to one epoch on one chunk.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), default=None
            Every label y can take. Required on the first call (for a
            multilabel indicator y it may be given as the label indices
            ``range(n_labels)``), checked against ``classes_`` afterwards.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, classes=classes, partial=True)

    # -- targets -------------------------------------------------------------------

    def _check_targets(self, y):
        return check_labels(y, type(self).__name__)

    def _new_targets(self, y, classes, partial, sample_weight, hyperparameters):
        return ClassLabels.from_training(y, classes, partial, type(self).__name__)

    def _class_weight(self, hyperparameters):
        return hyperparameters["class_weight"]

    # -- predict ---------------------------------------------------------------

    def _calibrated_logits(self, X):
        """``(model, Z / T)``: the logits the probabilities come from, divided by the fitted
        temperature (:mod:`skdeep.nn.calibration`; labels come from the logits themselves)."""
        model, Z = self._logits(X)
        temperature = model.targets.temperature
        if temperature != 1.0:
            Z /= np.asarray(temperature, dtype=Z.dtype)
        return model, Z

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Probability estimates.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Column k is the probability of ``classes_[k]``; for a multilabel
            model, column k is the probability that label k is present.
        """
        model, Z = self._calibrated_logits(X)
        if Z.shape[1] > 1 and not model.targets.multilabel:
            softmax(Z.T)  # in place, column-wise on the course's (n, m) view
            return Z
        if Z.shape[1] == 1:
            z = Z[:, 0]
            return np.column_stack([expit(-z), expit(z)])
        return expit(Z)

    def predict_log_proba(self, X: ArrayLike) -> np.ndarray:
        """Logarithm of the probability estimates, computed without ``log(0)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        model, Z = self._calibrated_logits(X)
        if Z.shape[1] > 1 and not model.targets.multilabel:
            return np.ascontiguousarray(log_softmax(Z.T).T)
        if Z.shape[1] == 1:
            z = Z[:, 0]
            return np.column_stack([log_sigmoid(-z), log_sigmoid(z)])
        return log_sigmoid(Z)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels of the same type as those seen in fit; a 0/1 indicator
            matrix for a multilabel model.
        """
        model, Z = self._logits(X)
        classes = model.targets.classes
        if Z.shape[1] > 1 and not model.targets.multilabel:
            return classes[np.argmax(Z, axis=1)]
        if Z.shape[1] == 1:
            return classes[(Z[:, 0] > 0).astype(np.intp)]
        return (Z > 0).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = self._accepts_multilabel
        return tags
