"""A classifier's targets: class labels, their encoding as the course's ``Y``, class weights.

Binary labels train the course's single sigmoid unit, more classes a
softmax, and a label indicator matrix (multilabel) one sigmoid per label.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import DataConversionWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import type_of_target

from ._warnings import warn


def check_labels(y, estimator_name):
    """y as class labels (a 1-d array, or a 2-d indicator matrix); clear errors otherwise."""
    if y.ndim == 2 and y.shape[1] == 1:
        warn(
            "A column-vector y was passed when a 1d array was expected. "
            "Please change the shape of y to (n_samples,), for example using ravel().",
            DataConversionWarning,
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
        raise ValueError(f"{estimator_name} does not support multiclass-multioutput targets.")
    if target_type not in ("binary", "multiclass", "multilabel-indicator"):
        # scikit-learn's own wording, which its estimator checks look for.
        raise ValueError(
            f"Unknown label type: {target_type}. Maybe you are trying to fit a classifier, which "
            "expects discrete classes on a regression target with continuous values."
        )
    return y


@dataclass(frozen=True)
class ClassLabels:
    """The classes a classifier knows, how labels become the course's ``Y``, and how
    the network's outputs become probabilities (``temperature``, see
    :mod:`skdeep.nn.calibration`: 1.0 until a fit calibrates them)."""

    classes: np.ndarray
    multilabel: bool
    temperature: float = 1.0

    #: The attributes :meth:`to_state` stores.
    STATE = ("classes_", "_multilabel", "temperature_")

    @classmethod
    def from_training(cls, y, classes, partial, estimator_name):
        """The classes of y (or of partial_fit's ``classes``)."""
        if y.ndim == 2:
            found = np.arange(y.shape[1])
            if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), found):
                raise ValueError(
                    f"classes={list(classes)!r} does not match the {y.shape[1]} label columns of y: "
                    f"for a multilabel indicator y, classes are the column indices {found.tolist()}."
                )
            return cls(found, True)
        if partial and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit (every label y can take).")
        labels = y if classes is None else np.asarray(classes)
        try:
            found = np.unique(labels)
        except TypeError:
            raise ValueError("y mixes labels of different types (for example strings and numbers).") from None
        if len(found) < 2:
            raise ValueError(
                f"{estimator_name} needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {found.tolist()[0]!r}."
            )
        return cls(found, False)

    def check_continued(self, y, classes, partial):
        """A continued fit (warm_start, partial_fit) keeps the first fit's classes."""
        if (y.ndim == 2) != self.multilabel:
            kind = "a multilabel indicator matrix" if self.multilabel else "1-d class labels"
            raise ValueError(f"y must be {kind}, as when the model was first fitted.")
        if classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes):
            raise ValueError(
                f"classes={list(classes)!r} differs from classes_={self.classes.tolist()} of the first call."
            )
        if not partial and not self.multilabel:
            found = np.unique(y)
            if not np.array_equal(found, self.classes):
                raise ValueError(
                    "warm_start=True can only continue a fit on y with the same classes as before: "
                    f"the model has classes_={self.classes.tolist()}, y has {found.tolist()}. "
                    "Set warm_start=False to fit a new model."
                )
        return self

    @property
    def output_activation(self):
        if not self.multilabel and len(self.classes) > 2:
            return "softmax"
        return "sigmoid"  # binary (one unit, the course) or multilabel

    def encode(self, y, dtype, name="y"):
        """Labels -> the course's ``Y`` of shape (n_outputs, m), one column per example.

        Stored example by example, like the activations it meets, in ``dtype``.
        """
        classes = self.classes
        if self.multilabel:
            if y.ndim != 2 or y.shape[1] != len(classes):
                raise ValueError(f"{name} must have {len(classes)} label columns, as when the model was first fitted.")
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

    def check_validation(self, y_val):
        """Refuse a validation set with classes the network cannot learn."""
        if self.multilabel or y_val.ndim != 1:
            return
        unknown = np.setdiff1d(np.unique(y_val), self.classes)
        if len(unknown):
            raise ValueError(
                f"y_val has classes {unknown.tolist()} that y does not have (classes_="
                f"{self.classes.tolist()}): the network can only learn the classes it trains on. "
                "Remove those examples from the validation set, or add examples of them to y."
            )

    # -- class weights -----------------------------------------------------------------

    def weigh(self, Y, sample_weight, class_weight):
        """``sample_weight`` times the weight of each example's class."""
        if class_weight is None:
            return sample_weight
        if self.multilabel:
            raise ValueError("class_weight is not supported for multilabel targets; use sample_weight.")
        class_index = _class_index(Y)
        weights = self._class_weights(class_weight, class_index, sample_weight)[class_index]
        # Products beyond the dtype's range are refused right after, with a message
        # that says what to do (see example_weights), not as an overflow warning.
        with np.errstate(over="ignore"):
            return sample_weight * weights

    def _class_weights(self, class_weight, class_index, sample_weight):
        """The weight of each class in ``classes``, as an array."""
        n_classes = len(self.classes)
        if isinstance(class_weight, str):  # "balanced": S / (n_classes * S_k)
            # With the classes' *weighted* totals S_k, so that weighting an
            # example by 2 stays the same as repeating it.
            totals = np.bincount(class_index, weights=sample_weight, minlength=n_classes)
            present = totals > 0
            weights = np.ones(n_classes)
            weights[present] = totals.sum() / (np.count_nonzero(present) * totals[present])
            return weights.astype(sample_weight.dtype)
        unknown = [label for label in class_weight if not np.any(self.classes == label)]
        if unknown:
            raise ValueError(
                f"class_weight has keys {unknown!r} that are not classes of y (classes_={self.classes.tolist()})."
            )
        return np.array([class_weight.get(label, 1.0) for label in self.classes], dtype=sample_weight.dtype)

    def check_trainable(self, Y, sample_weight, estimator_name):
        """Refuse weights that leave a single class to learn from."""
        if self.multilabel:
            return
        weighted = np.unique(_class_index(Y)[sample_weight > 0])
        if len(weighted) < 2:
            raise ValueError(
                f"{estimator_name} needs positive sample weight on at least 2 classes, but only "
                f"class {self.classes.tolist()[weighted[0]]!r} has any (sample_weight times class_weight)."
            )

    # -- early stopping's split ----------------------------------------------------------

    def split(self, y, validation_fraction, rng):
        """Stratified training and held-out rows for early stopping.

        Every class must be able to give one example to each side; when one
        cannot, the error says which and what helps (the outcome never
        depends on ``random_state``).
        """
        if y.ndim != 1:
            return train_test_split(np.arange(y.shape[0]), test_size=validation_fraction, random_state=rng)
        labels, counts = np.unique(y, return_counts=True)
        n_held_out = math.ceil(validation_fraction * y.shape[0])
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
                f"validation_fraction={validation_fraction}. Lower validation_fraction, pass X_val "
                "and y_val, or set early_stopping=False."
            )
        return train_test_split(np.arange(y.shape[0]), test_size=n_held_out, random_state=rng, stratify=y)

    def calibrated(self, temperature):
        """These labels, with the network's logits divided by ``temperature`` before its output activation."""
        return replace(self, temperature=float(temperature))

    # -- the stored form -----------------------------------------------------------------

    def to_state(self):
        return {"classes_": self.classes, "_multilabel": self.multilabel, "temperature_": self.temperature}

    @classmethod
    def from_state(cls, state):
        # Files written before calibration existed hold no temperature: theirs was 1.
        return cls(state["classes_"], bool(state["_multilabel"]), float(state.get("temperature_", 1.0)))


def _class_index(Y):
    """Index in ``classes`` of each example's class, from the encoded ``Y``."""
    return Y[0].astype(np.intp) if Y.shape[0] == 1 else np.argmax(Y, axis=0)
