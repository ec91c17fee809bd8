"""scikit-learn glue shared by LogisticRegressionGD and DeepNetClassifier.

The estimators validate data, encode the labels, transpose scikit-learn's
``(m, n_x)`` input to the course's ``(n_x, m)`` (a view, never a copy), pick
the dtype, run the epochs and expose fitted attributes. The math itself lives
in :mod:`skdeep.nn`.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._callbacks import CallbackSupportMixin, callback_management_context, fit_context
from ._training import Trainer, Validation
from .nn import Network, forward_logits, initialize_parameters
from .nn.activations import log_sigmoid, log_softmax, softmax

#: Working memory for one chunk of rows at predict time. Activations of a
#: chunk take at most this much, whatever the number of rows predicted.
PREDICT_CHUNK_BYTES = 16 * 2**20


class BaseNetworkClassifier(CallbackSupportMixin, ClassifierMixin, BaseEstimator):
    """Validation, training and prediction shared by skdeep's classifiers.

    Subclasses store their hyperparameters in ``__init__`` and describe the
    network and its training through the ``_spec_*`` hooks below.
    """

    #: Whether a 2-D indicator ``y`` (multilabel) is accepted.
    _accepts_multilabel = False
    #: Stop when the largest gradient entry is <= tol (full batch, convex
    #: problems) rather than when the cost stops improving by tol.
    _stop_on_gradient = False
    #: Fitted attributes derived from ``parameters_``: rebuilt, not pickled.
    _derived_attributes = ("coefs_", "intercepts_", "coef_", "intercept_")

    # -- hooks for subclasses ------------------------------------------------

    def _check_hyperparameters(self):
        raise NotImplementedError

    def _spec_hidden_layers(self):
        """Sizes of the hidden layers, a tuple (empty for logistic regression)."""
        raise NotImplementedError

    def _spec_activation(self):
        raise NotImplementedError

    def _spec_init(self):
        raise NotImplementedError

    def _spec_optimizer(self, n_params, dtype):
        """A new optimizer from :mod:`skdeep.nn.optimizers` (None for lbfgs)."""
        raise NotImplementedError

    def _spec_batch_size(self, n_samples):
        raise NotImplementedError

    def _spec_learning_rate(self, X, sample_weight, n_outputs):
        raise NotImplementedError

    def _spec_batch_norm(self):
        return False

    def _spec_keep_prob(self, n_hidden):
        """Dropout's keep probability per hidden layer (None: no dropout)."""
        return None

    def _set_layer_attributes(self):
        """Fitted attributes derived from ``parameters_`` (views, no copies)."""

    # -- fit -----------------------------------------------------------------

    def partial_fit(
        self, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None, sample_weight: ArrayLike | None = None
    ) -> BaseNetworkClassifier:
        """Train for one epoch on the given data, continuing from the current model.

        For out-of-core learning: call it once per chunk of data. The first
        call builds the network; later calls continue from its weights,
        optimizer state and random stream. The L2/L1 terms use the chunk's
        total weight as the course's ``m``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), default=None
            Every label y can take. Required on the first call (except for a
            multilabel indicator y), ignored or checked afterwards.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, classes=classes, partial=True)

    def _fit(
        self, X, y, sample_weight=None, X_val=None, y_val=None, sample_weight_val=None, classes=None, partial=False
    ):
        # Training appends to the history lists and advances the random stream
        # in place: those are copied; everything else is replaced, not mutated.
        saved_state = {
            key: list(value) if isinstance(value, list) else copy.deepcopy(value) if key == "_rng" else value
            for key, value in vars(self).items()
        }
        try:
            # Callbacks' teardown runs inside, before any rollback below.
            with callback_management_context(self):
                return self._fit_or_raise(X, y, sample_weight, X_val, y_val, sample_weight_val, classes, partial)
        except BaseException:
            # Bad input or a diverging fit leaves the estimator as it was
            # (unfitted, or the previous model): never half-trained or NaN.
            vars(self).clear()
            vars(self).update(saved_state)
            raise

    def _fit_or_raise(self, X, y, sample_weight, X_val, y_val, sample_weight_val, classes, partial):
        self._check_hyperparameters()
        warm = (partial or bool(self.warm_start)) and hasattr(self, "parameters_")
        X, y = self._validate_training_data(X, y, reset=not warm)
        if not warm:
            if partial and classes is None and y.ndim == 1:
                raise ValueError("classes must be passed on the first call to partial_fit (every label y can take).")
            self._start_label_encoding(y if classes is None else np.asarray(classes))
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"classes={list(classes)!r} differs from classes_={self.classes_.tolist()} of the first call."
            )
        Y = self._encode_targets(y, X.dtype)
        sample_weight = self._example_weights(X, Y, sample_weight)
        if not partial and not self._multilabel:
            weighted = np.unique(_class_index(Y)[sample_weight > 0])
            if len(weighted) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs positive sample weight on at least 2 classes, but only "
                    f"class {self.classes_.tolist()[weighted[0]]!r} has any (sample_weight times class_weight)."
                )
        validation = None
        if not partial:
            X, y, Y, sample_weight, validation = self._validation_data(
                X, y, Y, sample_weight, X_val, y_val, sample_weight_val, warm
            )
        network = self._build_network(X.shape[1], Y.shape[0], X.dtype)
        optimizer = self._spec_optimizer(network.n_params, X.dtype)
        self._learning_rate = self._spec_learning_rate(X, sample_weight, Y.shape[0])
        if warm:
            rng = self._restore_for_warm_start(network, optimizer)
        else:
            # The course's randomness: one RandomState, weights drawn first,
            # then shuffling and dropout, so random_state=1 reproduces the
            # course's numbers.
            rng = check_random_state(getattr(self, "random_state", None))
            initialize_parameters(network, self._spec_init(), rng)
            self.loss_curve_ = []
            self.n_iter_ = 0
            self.best_loss_ = np.inf
            self._adaptive_learning_rate = self._learning_rate
        if not (partial and warm):
            # A new training run: the stopping rule starts afresh (partial_fit
            # calls continue one run).
            self._best_score = -np.inf
            self._no_improvement_count = 0
        self._expose(network)
        max_epochs = 1 if partial else self.max_iter
        callbacks = fit_context(self, max_epochs)
        if callbacks is not None:
            callbacks.call_on_fit_task_begin(estimator=self, X=X, y=y)
        trainer = Trainer(self, network, optimizer, X, Y, sample_weight, rng, validation, callbacks, y)
        if getattr(self, "_run_own_solver", lambda trainer, partial: False)(trainer, partial):
            pass  # the estimator ran its own solver (LogisticRegressionGD's accelerated gradient)
        elif optimizer is None:
            trainer.run_lbfgs()
        else:
            trainer.run(max_epochs=max_epochs, warn_on_max_iter=not partial)
        self._rng = rng
        self._optimizer_state = (type(optimizer).__name__, optimizer.get_state()) if optimizer else None
        self._finalize(network)
        if callbacks is not None:
            callbacks.call_on_fit_task_end(estimator=self, X=X, y=y, reconstruction_attributes={})
        return self

    def _build_network(self, n_features, n_outputs, dtype):
        """The untrained network this configuration describes."""
        hidden = self._spec_hidden_layers()
        return Network(
            (n_features, *hidden, n_outputs),
            self._spec_activation(),
            self._output_activation(),
            dtype,
            batch_norm=self._spec_batch_norm(),
            keep_prob=self._spec_keep_prob(len(hidden)),
        )

    def _validate_training_data(self, X, y, reset):
        X, y = _validate_numeric(
            self,
            X,
            y,
            accept_sparse=("csr", "csc"),
            dtype=(np.float64, np.float32),
            multi_output=self._accepts_multilabel,
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn(
                "A column-vector y was passed when a 1d array was expected. "
                "Please change the shape of y to (n_samples,), for example using ravel().",
                DataConversionWarning,
                stacklevel=4,
            )
            y = y.ravel()
        target_type = type_of_target(y, input_name="y")
        if target_type == "multiclass-multioutput":
            raise ValueError(f"{type(self).__name__} does not support multiclass-multioutput targets.")
        if target_type not in ("binary", "multiclass", "multilabel-indicator"):
            # scikit-learn's own wording, which its estimator checks look for.
            raise ValueError(
                f"Unknown label type: {target_type}. Maybe you are trying to fit a classifier, which "
                "expects discrete classes on a regression target with continuous values."
            )
        return X, y

    def _start_label_encoding(self, labels):
        """Learn the classes from the labels of y (or partial_fit's ``classes``).

        A 2-d ``labels`` is a (validated) multilabel indicator matrix.
        """
        self._multilabel = labels.ndim == 2
        if self._multilabel:
            self.classes_ = np.arange(labels.shape[1])
            return
        try:
            classes = np.unique(labels)
        except TypeError:
            raise ValueError("y mixes labels of different types (for example strings and numbers).") from None
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {classes.tolist()[0]!r}."
            )
        self.classes_ = classes

    def _encode_targets(self, y, dtype):
        """Labels -> the course's ``Y`` of shape (n_outputs, m), one column per example.

        Stored example by example, like the activations it meets, in ``dtype``.
        """
        classes = self.classes_
        if self._multilabel:
            if y.ndim != 2 or y.shape[1] != len(classes):
                raise ValueError(f"y must have {len(classes)} label columns, as when the model was first fitted.")
            return np.ascontiguousarray(y.toarray() if sp.issparse(y) else y, dtype=dtype).T
        if y.ndim != 1:
            raise ValueError("y must be a 1-d array of class labels, as when the model was first fitted.")
        try:
            index = np.searchsorted(classes, y)
        except TypeError:
            raise ValueError("y mixes labels of different types (for example strings and numbers).") from None
        known = index < len(classes)
        known[known] = classes[index[known]] == y[known]
        if not known.all():
            raise ValueError(
                f"y has classes {np.unique(y[~known]).tolist()} that the model does not know "
                f"(classes_={classes.tolist()}); fit it anew (warm_start=False) or pass "
                "every class to the first partial_fit call."
            )
        if len(classes) == 2:  # one sigmoid unit, the course's binary setting
            return (index == 1).astype(dtype)[None, :]
        Y_rows = np.zeros((len(y), len(classes)), dtype=dtype)
        Y_rows[np.arange(len(y)), index] = 1  # one-hot rows
        return Y_rows.T

    def _example_weights(self, X, Y, sample_weight):
        """Per-example weights: ``sample_weight`` times the weight of the example's class."""
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        if self.class_weight is not None:
            if self._multilabel:
                raise ValueError("class_weight is not supported for multilabel targets; use sample_weight.")
            class_index = _class_index(Y)
            sample_weight = sample_weight * self._class_weights(class_index, sample_weight)[class_index]
        if not sample_weight.sum() > 0:
            raise ValueError(
                "The sample weights (times class_weight, if any) sum to zero: at least one "
                "example needs a positive weight."
            )
        return sample_weight

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

    def _output_activation(self):
        if not self._multilabel and len(self.classes_) > 2:
            return "softmax"
        return "sigmoid"  # binary (one unit, the course) or multilabel

    def _validation_data(self, X, y, Y, sample_weight, X_val, y_val, sample_weight_val, warm):
        """The held-out set monitored each epoch: given, split off, or none."""
        early_stopping = getattr(self, "early_stopping", False)
        if X_val is None and y_val is None and not early_stopping:
            return X, y, Y, sample_weight, None
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be passed together.")
        if X_val is not None:
            X_val, y_val = self._validate_training_data(X_val, y_val, reset=False)
            Y_val = self._encode_targets(y_val, X.dtype)
            weight_val = self._example_weights(X_val, Y_val, sample_weight_val)
        else:
            if sample_weight_val is not None:
                raise ValueError("sample_weight_val needs X_val and y_val.")
            rng = check_random_state(getattr(self, "random_state", None))
            stratify = y if y.ndim == 1 else None
            try:
                split = train_test_split(
                    np.arange(X.shape[0]), test_size=self.validation_fraction, random_state=rng, stratify=stratify
                )
            except ValueError:  # a class too small to stratify
                split = train_test_split(np.arange(X.shape[0]), test_size=self.validation_fraction, random_state=rng)
            train, held_out = split
            if y.ndim == 1 and len(np.unique(y[train])) < 2:
                raise ValueError("validation_fraction leaves a single class in the training part; lower it.")
            # Y is (n_outputs, m) stored by example: take examples as rows of Y^T.
            X_val, y_val, Y_val, weight_val = X[held_out], y[held_out], Y.T[held_out].T, sample_weight[held_out]
            X, y, Y, sample_weight = X[train], y[train], Y.T[train].T, sample_weight[train]
            if not weight_val.sum() > 0:
                raise ValueError(
                    "The held-out validation examples all have zero weight (from sample_weight or "
                    "class_weight); raise validation_fraction or pass X_val and y_val."
                )
        if not warm or not hasattr(self, "validation_loss_curve_"):
            self.validation_loss_curve_ = []
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
        scoring = getattr(self, "scoring", None)
        scorer = None if scoring is None else check_scoring(self, scoring=scoring)
        return X, y, Y, sample_weight, Validation(X_val, Y_val, y_val, weight_val, scorer)

    def _restore_for_warm_start(self, network, optimizer):
        """Load the previous fit's weights, optimizer state and random stream."""
        expected = {name: W.shape for name, W in self.parameters_.items()}
        current = {name: view.shape for name, view in network.named_views(network.params).items()}
        if expected != current:
            raise ValueError(
                "warm_start=True, but the network's shape changed since the last fit "
                f"({expected} before, {current} now); set warm_start=False to train a new network."
            )
        network.set_parameters(self.parameters_)
        network.set_batch_norm_stats(self.batch_norm_stats_)
        name, state = self._optimizer_state or (None, None)
        if optimizer is not None and name == type(optimizer).__name__:
            optimizer.set_state(state)
        return self._rng

    def _expose(self, network):
        """Fitted attributes as live views of the network, so that scorers
        (early stopping on a metric) can call predict while training runs.
        (Batch norm's statistics are refreshed by the trainer before scoring.)"""
        self.parameters_ = network.named_views(network.params)
        self.batch_norm_stats_ = network.get_batch_norm_stats()
        self.n_layers_ = network.n_layers + 1
        self.n_outputs_ = network.layer_dims[-1]
        self.out_activation_ = network.output_activation

    def _finalize(self, network):
        """Replace the live views by the final copies."""
        self.parameters_ = network.get_parameters()
        self.batch_norm_stats_ = network.get_batch_norm_stats()
        self._set_layer_attributes()

    def __getstate__(self):
        state = super().__getstate__()
        for name in self._derived_attributes:
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "parameters_" in state:
            self._set_layer_attributes()

    # -- predict ---------------------------------------------------------------

    def _logits(self, X, validate=True):
        """``Z[L]`` for every row of X, as an array of shape (m, n_outputs).

        Rows are processed in chunks so memory stays bounded whatever m is.
        Everything is local to this call: concurrent calls are safe. The
        model's own dtype is used (a float32 model predicts in float32).
        """
        check_is_fitted(self)
        if validate:
            X = _validate_numeric(self, X, accept_sparse=("csr", "csc"), dtype=(np.float64, np.float32), reset=False)
        layers = self._layers_for_prediction()
        dtype = layers[0]["W"].dtype
        if sp.issparse(X):
            X = X.tocsr()
        widths = sum(layer["W"].shape[0] for layer in layers) + (X.shape[1] if X.dtype != dtype else 0)
        chunk_rows = max(1, PREDICT_CHUNK_BYTES // (dtype.itemsize * widths))
        logits = np.empty((X.shape[0], self.n_outputs_), dtype=dtype)
        activation = self._spec_activation()
        for rows in gen_batches(X.shape[0], chunk_rows):
            X_chunk = X[rows].astype(dtype, copy=False)
            # sklearn's (m, n_x) rows -> the course's (n_x, m) columns: a view.
            logits[rows] = forward_logits(layers, X_chunk.T, activation).T
        return logits

    def _layers_for_prediction(self):
        layers = []
        for l in range(1, self.n_layers_):
            layer = {"W": self.parameters_[f"W{l}"], "b": self.parameters_[f"b{l}"]}
            if f"gamma{l}" in self.parameters_:
                layer["gamma"] = self.parameters_[f"gamma{l}"]
                layer["beta"] = self.parameters_[f"beta{l}"]
                layer["mean"] = self.batch_norm_stats_[f"mean{l}"]
                layer["var"] = self.batch_norm_stats_[f"var{l}"]
            layers.append(layer)
        return layers

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
        Z = self._logits(X)
        if self.out_activation_ == "softmax":
            softmax(Z.T)  # in place, column-wise on the course's (n, m) view
            return Z
        if self.n_outputs_ == 1 and len(self.classes_) == 2:
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
        Z = self._logits(X)
        if self.out_activation_ == "softmax":
            return np.ascontiguousarray(log_softmax(Z.T).T)
        if self.n_outputs_ == 1 and len(self.classes_) == 2:
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
        Z = self._logits(X)
        if self.out_activation_ == "softmax":
            return self.classes_[np.argmax(Z, axis=1)]
        if self.n_outputs_ == 1 and len(self.classes_) == 2:
            return self.classes_[(Z[:, 0] > 0).astype(np.intp)]
        return (Z > 0).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = self._accepts_multilabel
        return tags


def _class_index(Y):
    """Index in ``classes_`` of each example's class, from the encoded ``Y``."""
    return Y[0].astype(np.intp) if Y.shape[0] == 1 else np.argmax(Y, axis=0)


def _validate_numeric(estimator, *args, **kwargs):
    """``validate_data``, with a clear message when X holds non-numeric values."""
    try:
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
