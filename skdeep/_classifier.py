"""The classification layer: labels, class weights, probabilities.

Binary labels train the course's single sigmoid unit, more classes a softmax,
and a label indicator matrix (multilabel) one sigmoid per label. Everything
else (validation of X, training, chunked prediction) is shared with the
regressor in :mod:`skdeep._base`.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.special import expit
from sklearn.base import ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target

from ._base import BaseNetwork, partial_fit_allowed
from ._callbacks import CallbackSupportMixin
from .nn.activations import log_sigmoid, log_softmax, softmax


class BaseNetworkClassifier(CallbackSupportMixin, ClassifierMixin, BaseNetwork):
    """Labels, class weights and probabilities for skdeep's classifiers."""

    #: Whether a 2-D indicator ``y`` (multilabel) is accepted.
    _accepts_multilabel = False

    @property
    def _accepts_multi_output(self):
        return self._accepts_multilabel

    @available_if(partial_fit_allowed)
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

    # -- labels ------------------------------------------------------------------

    def _validate_targets(self, y):
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. "
                "Please change the shape of y to (n_samples,), for example using ravel().",
                DataConversionWarning,
                stacklevel=5,
            )
            y = y.ravel()
        try:
            target_type = type_of_target(y, input_name="y")
            if y.dtype == object:
                np.unique(y)  # sorting is what mixed label types fail at
        except TypeError:
            raise ValueError(
                "y mixes labels of different types (for example strings beside numbers or None); "
                "give every label the same type."
            ) from None
        if target_type == "multiclass-multioutput":
            raise ValueError(f"{type(self).__name__} does not support multiclass-multioutput targets.")
        if target_type not in ("binary", "multiclass", "multilabel-indicator"):
            # scikit-learn's own wording, which its estimator checks look for.
            raise ValueError(
                f"Unknown label type: {target_type}. Maybe you are trying to fit a classifier, which "
                "expects discrete classes on a regression target with continuous values."
            )
        return y

    def _start_targets(self, y, classes, partial, sample_weight=None):
        """Learn the classes from the labels of y (or partial_fit's ``classes``)."""
        self._multilabel = y.ndim == 2
        if self._multilabel:
            self.classes_ = np.arange(y.shape[1])
            if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
                raise ValueError(
                    f"classes={list(classes)!r} does not match the {y.shape[1]} label columns of y: "
                    f"for a multilabel indicator y, classes are the column indices {self.classes_.tolist()}."
                )
            return
        if partial and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit (every label y can take).")
        labels = y if classes is None else np.asarray(classes)
        try:
            found = np.unique(labels)
        except TypeError:
            raise ValueError("y mixes labels of different types (for example strings and numbers).") from None
        if len(found) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {found.tolist()[0]!r}."
            )
        self.classes_ = found

    def _check_targets_match(self, y, classes, partial):
        """A continued fit (warm_start, partial_fit) keeps the first fit's classes."""
        if (y.ndim == 2) != self._multilabel:
            kind = "a multilabel indicator matrix" if self._multilabel else "1-d class labels"
            raise ValueError(f"y must be {kind}, as when the model was first fitted.")
        if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
            raise ValueError(
                f"classes={list(classes)!r} differs from classes_={self.classes_.tolist()} of the first call."
            )
        if not partial and not self._multilabel:
            found = np.unique(y)
            if not np.array_equal(found, self.classes_):
                raise ValueError(
                    "warm_start=True can only continue a fit on y with the same classes as before: "
                    f"the model has classes_={self.classes_.tolist()}, y has {found.tolist()}. "
                    "Set warm_start=False to fit a new model."
                )

    def _encode_targets(self, y, dtype, name="y"):
        """Labels -> the course's ``Y`` of shape (n_outputs, m), one column per example.

        Stored example by example, like the activations it meets, in ``dtype``.
        """
        classes = self.classes_
        if self._multilabel:
            if y.ndim != 2 or y.shape[1] != len(classes):
                raise ValueError(
                    f"{name} must have {len(classes)} label columns, as when the model was first fitted."
                )
            return np.ascontiguousarray(y.toarray() if sp.issparse(y) else y, dtype=dtype).T
        if y.ndim != 1:
            raise ValueError(f"{name} must be a 1-d array of class labels, as when the model was first fitted.")
        try:
            index = np.searchsorted(classes, y)
        except TypeError:
            raise ValueError(f"{name} mixes labels of different types (for example strings and numbers).") from None
        known = index < len(classes)
        known[known] = classes[index[known]] == y[known]
        if not known.all():
            raise ValueError(
                f"{name} has classes {np.unique(y[~known]).tolist()} that the model does not know "
                f"(classes_={classes.tolist()}); fit it anew (warm_start=False) or pass "
                "every class to the first partial_fit call."
            )
        if len(classes) == 2:  # one sigmoid unit, the course's binary setting
            return (index == 1).astype(dtype)[None, :]
        Y_rows = np.zeros((len(y), len(classes)), dtype=dtype)
        Y_rows[np.arange(len(y)), index] = 1  # one-hot rows
        return Y_rows.T

    def _check_validation_targets(self, y_val):
        if self._multilabel or y_val.ndim != 1:
            return
        unknown = np.setdiff1d(np.unique(y_val), self.classes_)
        if len(unknown):
            raise ValueError(
                f"y_val has classes {unknown.tolist()} that y does not have (classes_="
                f"{self.classes_.tolist()}): the network can only learn the classes it trains on. "
                "Remove those examples from the validation set, or add examples of them to y."
            )

    def _weigh_classes(self, Y, sample_weight):
        """``sample_weight`` times the weight of each example's class."""
        if self.class_weight is None:
            return sample_weight
        if self._multilabel:
            raise ValueError("class_weight is not supported for multilabel targets; use sample_weight.")
        class_index = _class_index(Y)
        return sample_weight * self._class_weights(class_index, sample_weight)[class_index]

    def _class_weights(self, class_index, sample_weight):
        """The weight of each class in ``classes_``, as an array."""
        n_classes = len(self.classes_)
        if isinstance(self.class_weight, str):  # "balanced": S / (n_classes * S_k)
            # With the classes' *weighted* totals S_k, so that weighting an
            # example by 2 stays the same as repeating it.
            totals = np.bincount(class_index, weights=sample_weight, minlength=n_classes)
            present = totals > 0
            weights = np.ones(n_classes)
            weights[present] = totals.sum() / (np.count_nonzero(present) * totals[present])
            return weights.astype(sample_weight.dtype)
        unknown = [label for label in self.class_weight if not np.any(self.classes_ == label)]
        if unknown:
            raise ValueError(
                f"class_weight has keys {unknown!r} that are not classes of y (classes_={self.classes_.tolist()})."
            )
        return np.array([self.class_weight.get(label, 1.0) for label in self.classes_], dtype=sample_weight.dtype)

    def _check_trainable(self, Y, sample_weight):
        if self._multilabel:
            return
        weighted = np.unique(_class_index(Y)[sample_weight > 0])
        if len(weighted) < 2:
            raise ValueError(
                f"{type(self).__name__} needs positive sample weight on at least 2 classes, but only "
                f"class {self.classes_.tolist()[weighted[0]]!r} has any (sample_weight times class_weight)."
            )

    def _output_activation(self):
        if not self._multilabel and len(self.classes_) > 2:
            return "softmax"
        return "sigmoid"  # binary (one unit, the course) or multilabel

    def _split_indices(self, y):
        """Stratified training and held-out rows for ``early_stopping``.

        Every class must be able to give one example to each side; when one
        cannot, the error says which and what helps (the outcome never
        depends on ``random_state``).
        """
        if y.ndim != 1:
            return super()._split_indices(y)
        labels, counts = np.unique(y, return_counts=True)
        n_held_out = math.ceil(self.validation_fraction * y.shape[0])
        if counts.min() < 2:
            small = labels[counts < 2].tolist()
            raise ValueError(
                "Early stopping (early_stopping=True, or 'auto' from 1,000 examples) holds out a stratified "
                f"validation_fraction of y, but class(es) {small} have a single example, which cannot be both "
                "trained on and held out. Pass a "
                "validation set (fit(X, y, X_val=..., y_val=...)), gather more examples of those classes, "
                "or set early_stopping=False."
            )
        # Every class gives at least one example to each side.
        n_held_out = max(n_held_out, len(labels))
        if y.shape[0] - n_held_out < len(labels):
            raise ValueError(
                f"Early stopping needs at least one example of each of the {len(labels)} classes on "
                f"both sides of the split, which {y.shape[0]} examples cannot give with "
                f"validation_fraction={self.validation_fraction}. Lower validation_fraction, pass X_val "
                "and y_val, or set early_stopping=False."
            )
        rng = check_random_state(getattr(self, "random_state", None))
        return train_test_split(np.arange(y.shape[0]), test_size=n_held_out, random_state=rng, stratify=y)

    # -- predict ---------------------------------------------------------------

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
        state = self.__dict__  # one model, even if a fit publishes another meanwhile
        Z = self._logits(X, state=state)
        if Z.shape[1] > 1 and not state["_multilabel"]:
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
        state = self.__dict__  # one model, even if a fit publishes another meanwhile
        Z = self._logits(X, state=state)
        if Z.shape[1] > 1 and not state["_multilabel"]:
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
        state = self.__dict__  # one model, even if a fit publishes another meanwhile
        Z = self._logits(X, state=state)
        classes = state["classes_"]
        if Z.shape[1] > 1 and not state["_multilabel"]:
            return classes[np.argmax(Z, axis=1)]
        if Z.shape[1] == 1:
            return classes[(Z[:, 0] > 0).astype(np.intp)]
        return (Z > 0).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = self._accepts_multilabel
        return tags


def _class_index(Y):
    """Index in ``classes_`` of each example's class, from the encoded ``Y``."""
    return Y[0].astype(np.intp) if Y.shape[0] == 1 else np.argmax(Y, axis=0)

