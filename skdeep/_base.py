"""scikit-learn glue shared by LogisticRegressionGD and DeepNetClassifier.

The estimators validate data, encode the labels, transpose scikit-learn's
``(m, n_x)`` input to the course's ``(n_x, m)`` (a view, never a copy), pick
the dtype, run the epochs and expose fitted attributes. The math itself lives
in :mod:`skdeep.nn`.
"""

import time
import warnings

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from .nn import Network, forward_logits, initialize_parameters
from .nn.activations import log_softmax, softmax

#: Working memory for one chunk of rows at predict time. Activations of a
#: chunk take at most this much, whatever the number of rows predicted.
PREDICT_CHUNK_BYTES = 16 * 2**20


class BaseNetworkClassifier(ClassifierMixin, BaseEstimator):
    """Training loop and prediction shared by skdeep's classifiers.

    Subclasses store their hyperparameters in ``__init__`` and describe the
    network and its training through the ``_spec_*`` hooks below.
    """

    #: Whether a 2-D indicator ``y`` (multilabel) is accepted.
    _accepts_multilabel = False
    #: Stop when the largest gradient entry is <= tol (full batch, convex
    #: problems) rather than when the loss stops improving by tol.
    _stop_on_gradient = False

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
        """A new optimizer from :mod:`skdeep.nn.optimizers`."""
        raise NotImplementedError

    def _spec_batch_size(self, n_samples):
        raise NotImplementedError

    def _spec_learning_rate(self, X, sample_weight, n_outputs):
        raise NotImplementedError

    # -- fit -----------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Fit the model to data X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 data is trained in float32; anything else
            numeric in float64. Sparse CSR/CSC matrices are not densified.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Target labels (a label indicator matrix for multilabel
            classification, where supported).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each example. The cost is the weighted
            mean of the per-example losses, so a weight of 2 is the same as
            repeating the example.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._check_hyperparameters()
        warm = bool(self.warm_start) and hasattr(self, "parameters_")
        X, y = self._validate_training_data(X, y, reset=not warm)
        Y = self._encode_targets(y, warm)
        sample_weight = self._example_weights(X, Y, sample_weight)
        self._train(X, Y, sample_weight, warm)
        return self

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
                stacklevel=3,
            )
            y = y.ravel()
        check_classification_targets(y)
        target_type = type_of_target(y)
        if target_type not in ("binary", "multiclass", "multilabel-indicator"):
            raise ValueError(f"{type(self).__name__} does not support {target_type} targets.")
        return X, y

    def _encode_targets(self, y, warm):
        """Labels -> the course's ``Y`` of shape (n_outputs, m), one column per example."""
        if warm:
            binarizer = self._label_binarizer
            if binarizer.y_type_ == "multilabel-indicator":
                if y.ndim != 2 or y.shape[1] != len(self.classes_):
                    raise ValueError(
                        f"warm_start=True: y must have {len(self.classes_)} label columns as in the previous fit."
                    )
            else:
                unseen = np.setdiff1d(np.unique(y), self.classes_)
                if unseen.size:
                    raise ValueError(
                        f"warm_start=True: y has classes {unseen.tolist()} not seen in the "
                        f"previous fit (classes_={self.classes_.tolist()}); set warm_start=False."
                    )
        else:
            binarizer = LabelBinarizer().fit(y)
            if binarizer.y_type_ != "multilabel-indicator" and len(binarizer.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                    f"but the data contains only one class: {binarizer.classes_.tolist()[0]!r}."
                )
            self._label_binarizer = binarizer
            self.classes_ = binarizer.classes_
        Y = binarizer.transform(y)
        if sp.issparse(Y):
            Y = Y.toarray()
        return np.ascontiguousarray(Y.T)

    def _example_weights(self, X, Y, sample_weight):
        """Per-example weights: ``sample_weight`` times the weight of the example's class."""
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        if self.class_weight is not None:
            if self._label_binarizer.y_type_ == "multilabel-indicator":
                raise ValueError("class_weight is not supported for multilabel targets; use sample_weight.")
            class_index = Y[0].astype(np.intp) if Y.shape[0] == 1 else np.argmax(Y, axis=0)
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
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax"
        return "sigmoid"  # binary (one unit, the course) or multilabel

    def _train(self, X, Y, sample_weight, warm):
        n_samples, n_features = X.shape
        dtype = X.dtype
        layer_dims = (n_features, *self._spec_hidden_layers(), Y.shape[0])
        network = Network(layer_dims, self._spec_activation(), self._output_activation(), dtype)
        # The course's randomness: one RandomState, weights drawn first, then
        # any shuffling, so random_state=1 reproduces the course's numbers.
        rng = check_random_state(getattr(self, "random_state", None))
        optimizer = self._spec_optimizer(network.n_params, dtype)
        if warm:
            self._restore_for_warm_start(network, optimizer)
        else:
            initialize_parameters(network, self._spec_init(), rng)
            self.loss_curve_ = []
            self.n_iter_ = 0
            self.best_loss_ = np.inf
        learning_rate = self._spec_learning_rate(X, sample_weight, Y.shape[0])
        batch_size = self._spec_batch_size(n_samples)
        if sp.issparse(X) and batch_size < n_samples:
            X = X.tocsr()  # row slicing for mini-batches
        loop = _EpochLoop(self, network, optimizer, learning_rate, X, Y, sample_weight, batch_size, rng)
        loop.run()
        self.parameters_ = network.get_parameters()
        self._optimizer_state = (type(optimizer).__name__, optimizer.get_state())
        self.n_layers_ = network.n_layers + 1
        self.n_outputs_ = Y.shape[0]
        self.out_activation_ = network.output_activation
        self._set_layer_attributes()

    def _restore_for_warm_start(self, network, optimizer):
        expected = {name: W.shape for name, W in self.parameters_.items()}
        for l in range(1, network.n_layers + 1):
            for name, array in ((f"W{l}", network.W[l]), (f"b{l}", network.b[l])):
                if expected.get(name) != array.shape:
                    raise ValueError(
                        "warm_start=True, but the network's shape changed since the last fit "
                        f"({name}: {expected.get(name)} before, {array.shape} now); "
                        "set warm_start=False to train a new network."
                    )
        if len(expected) != 2 * network.n_layers:
            raise ValueError(
                "warm_start=True, but the number of layers changed since the last fit; "
                "set warm_start=False to train a new network."
            )
        network.set_parameters(self.parameters_)
        name, state = getattr(self, "_optimizer_state", (None, None))
        if name == type(optimizer).__name__:
            optimizer.set_state(state)

    def _set_layer_attributes(self):
        """Fitted attributes derived from ``parameters_`` (views, no copies)."""

    # -- predict ---------------------------------------------------------------

    def _logits(self, X):
        """``Z[L]`` for every row of X, as an array of shape (m, n_outputs).

        Rows are processed in chunks so memory stays bounded whatever m is.
        Everything is local to this call: concurrent calls are safe.
        """
        check_is_fitted(self)
        X = _validate_numeric(self, X, accept_sparse=("csr", "csc"), dtype=(np.float64, np.float32), reset=False)
        n_layers = self.n_layers_ - 1
        W = [None] + [self.parameters_[f"W{l}"] for l in range(1, n_layers + 1)]
        b = [None] + [self.parameters_[f"b{l}"] for l in range(1, n_layers + 1)]
        dtype = W[1].dtype
        if sp.issparse(X):
            X = X.tocsr()
        widths = sum(w.shape[0] for w in W[1:]) + (X.shape[1] if X.dtype != dtype else 0)
        chunk_rows = max(1, PREDICT_CHUNK_BYTES // (dtype.itemsize * widths))
        logits = np.empty((X.shape[0], self.n_outputs_), dtype=dtype)
        for rows in gen_batches(X.shape[0], chunk_rows):
            X_chunk = X[rows].astype(dtype, copy=False)
            # sklearn's (m, n_x) rows -> the course's (n_x, m) columns: a view.
            logits[rows] = forward_logits(W, b, X_chunk.T, self._spec_activation()).T
        return logits

    def predict_proba(self, X):
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

    def predict_log_proba(self, X):
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
            return np.column_stack([log_expit(-z), log_expit(z)])
        return log_expit(Z)

    def predict(self, X):
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


class _EpochLoop:
    """The training loop: epochs of (mini-)batches, stopping, interruption.

    Appends to the estimator's ``loss_curve_``, ``n_iter_`` and ``best_loss_``
    as it goes, so an interrupted fit still leaves them consistent.
    """

    def __init__(self, estimator, network, optimizer, learning_rate, X, Y, sample_weight, batch_size, rng):
        self.estimator = estimator
        self.network = network
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size = batch_size
        self.rng = rng
        self.total_weight = float(sample_weight.sum())
        # The course's L2 term lambda/(2m) sum ||W||^2, with m the total weight
        # of the training set: the same regularization whatever the batch size.
        self.l2 = estimator.alpha / self.total_weight
        self.grad = np.empty(network.n_params, dtype=network.dtype)
        self._workspaces = {}

    def _workspace(self, m):
        if m not in self._workspaces:
            self._workspaces[m] = self.network.workspace(m)
        return self._workspaces[m]

    def _batches(self):
        """Yield ``(X_batch^T, Y_batch, r)`` with ``r`` the examples' shares of the cost."""
        X, Y, weight = self.X, self.Y, self.sample_weight
        n_samples = X.shape[0]
        if self.batch_size >= n_samples:
            # Full batch: the course's setting; X.T is a view of the input.
            yield X.T, Y, weight / self.total_weight, 1.0
            return
        shuffle = getattr(self.estimator, "shuffle", False)
        order = self.rng.permutation(n_samples) if shuffle else None
        for start in range(0, n_samples, self.batch_size):
            rows = slice(start, start + self.batch_size) if order is None else order[start : start + self.batch_size]
            batch_weight = weight[rows]
            batch_total = float(batch_weight.sum())
            if batch_total == 0:
                continue  # only zero-weight examples: nothing to learn from
            yield X[rows].T, Y[:, rows], batch_weight / batch_total, batch_total / self.total_weight

    def _epoch(self):
        """One pass over the data; returns the epoch's cost."""
        network, grad = self.network, self.grad
        epoch_cost = 0.0
        for X_batch, Y_batch, r, share in self._batches():
            cost = network.cost_and_gradient(X_batch, Y_batch, r, self._workspace(X_batch.shape[1]), grad, self.l2)
            if not np.isfinite(cost):
                raise ValueError(
                    f"Training diverged: the cost became {cost} at epoch {self.estimator.n_iter_ + 1}. "
                    f"learning_rate={self.learning_rate!r} is too large for this data; lower it, "
                    "or scale the inputs (for example with sklearn.preprocessing.StandardScaler)."
                )
            self.optimizer.update(network.params, grad, self.learning_rate)
            epoch_cost += share * cost
        return epoch_cost

    def run(self):
        """Run up to ``max_iter`` epochs; stop early on convergence or Ctrl-C."""
        est = self.estimator
        self.best_params = None
        try:
            # A diverging fit overflows; it is reported below as a clear error
            # naming learning_rate, not as a stream of RuntimeWarnings.
            with np.errstate(over="ignore", invalid="ignore"):
                converged = self._run_epochs()
        except KeyboardInterrupt:
            warnings.warn(
                f"Training interrupted at epoch {est.n_iter_ + 1}: the model keeps the "
                "weights of the epoch with the lowest cost so far.",
                UserWarning,
                stacklevel=4,
            )
            if self.best_params is not None:
                self.network.params[...] = self.best_params
            return
        if not np.all(np.isfinite(self.network.params)):
            raise ValueError(
                f"Training diverged: the weights are no longer finite. learning_rate={self.learning_rate!r} "
                "is too large for this data; lower it, or scale the inputs (for example with StandardScaler)."
            )
        if est.tol > 0 and not converged:
            warnings.warn(
                f"{type(est).__name__}: max_iter={est.max_iter} epochs reached before the "
                f"optimization converged (tol={est.tol}). Increase max_iter, or check the data's scaling.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _run_epochs(self):
        """The epochs themselves; returns whether the stopping rule was met."""
        est = self.estimator
        tol = est.tol
        patience = getattr(est, "n_iter_no_change", 1)
        no_improvement = 0
        for _ in range(est.max_iter):
            start = time.perf_counter()
            cost = self._epoch()
            est.loss_curve_.append(cost)
            est.n_iter_ += 1
            if est.verbose:
                print(f"Epoch {est.n_iter_}, loss = {cost:.8f}, {time.perf_counter() - start:.2f}s")
            improved_by_tol = cost <= est.best_loss_ - tol
            if cost < est.best_loss_:
                est.best_loss_ = cost
                self.best_params = self.network.params.copy()
            if tol <= 0:
                continue  # tol=0: run every iteration, as the course does
            if est._stop_on_gradient:
                # self.grad is the full-batch gradient at the start of the epoch.
                if np.max(np.abs(self.grad)) <= tol:
                    return True
            else:
                no_improvement = 0 if improved_by_tol else no_improvement + 1
                if no_improvement >= patience:
                    return True
        return False
