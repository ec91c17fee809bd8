"""scikit-learn glue shared by every skdeep estimator.

The estimators validate data, transpose scikit-learn's ``(m, n_x)`` input to
the course's ``(n_x, m)`` (a view, never a copy), pick the dtype, describe
the run to the trainer and expose its outcome as fitted attributes. What
differs between classification and regression (labels or targets, the
output layer) lives in :mod:`skdeep._classifier` and :mod:`skdeep._regressor`;
the training loop in :mod:`skdeep._training`; the math in :mod:`skdeep.nn`.

A fit trains a shallow copy of the estimator and publishes the result in one
step at the end (the instance's ``__dict__`` is swapped), so a ``predict``
running in another thread meanwhile sees the old model or the new one, never
a mix, and a fit that fails leaves the estimator exactly as it was.
"""

from __future__ import annotations

import copy
import itertools
import os
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._callbacks import CALLBACK_ATTRIBUTES, EpochReporter, callback_management_context, fit_context
from ._predict import chunked_logits
from ._threads import blas_threads_for_rows
from ._training import History, RunSpec, Trainer, TrainingData, Validation
from .nn import Network, initialize_parameters, prediction_layers, training_bytes
from .nn.schedules import ADAPTIVE_DIVISOR, ADAPTIVE_MIN_LEARNING_RATE

#: ``early_stopping="auto"`` is on from this many training examples. Chosen on the
#: tuning half of benchmarks/real_data.py: on every set of 1,000 rows or more, the
#: validation loss was lowest within the first tenth of the epochs a fit ran.
AUTO_EARLY_STOPPING_MIN_SAMPLES = 1000
#: lr_schedule="auto" with early stopping: when the validation score stalls
#: for n_iter_no_change epochs, divide the rate by 5 and go on; stop at the
#: next stall. On the tuning half of benchmarks/real_data.py (3 seeds) this
#: lifted the large sets whose validation loss still fell slowly when a
#: constant 0.01 stopped them (txhousing -2.55 -> +0.79, diseases -1.11 ->
#: +0.26 points against MLPClassifier); 2 or 5 divisions gained 0.02 points
#: more and left fits at max_iter.
AUTO_ADAPTIVE_DECAYS = 1
#: A fit may plan to use at most this share of the memory available when it starts.
MEMORY_SHARE = 0.9


class BaseNetwork(BaseEstimator):
    """Validation, training and prediction shared by skdeep's estimators.

    Subclasses store their hyperparameters in ``__init__`` and describe the
    network and its training through the ``_spec_*`` hooks; the classifier
    and regressor layers supply the target hooks (``_validate_targets``,
    ``_start_targets``, ``_encode_targets``, ``_output_activation``).
    """

    #: Stop when the largest gradient entry is <= tol (full batch, convex
    #: problems) rather than when the cost stops improving by tol.
    _stop_on_gradient = False
    #: Whether a 2-D ``y`` (multilabel or multi-output) is accepted.
    _accepts_multi_output = False
    #: Whether y must be numeric (regression) rather than labels.
    _numeric_targets = False
    #: Fitted attributes derived from ``parameters_``: rebuilt, not pickled.
    _derived_attributes = ("coefs_", "intercepts_", "coef_", "intercept_", "hidden_layer_sizes_")

    # -- hooks for subclasses ------------------------------------------------

    def _check_hyperparameters(self):
        raise NotImplementedError

    def _spec_hidden_layers(self, n_samples=None, previous=None):
        """Sizes of the hidden layers, a tuple (empty for logistic regression), of a fit on
        ``n_samples`` examples (None: not known) continuing a network of hidden sizes ``previous``."""
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

    def _spec_learning_rate(self, X, sample_weight, n_outputs, partial):
        raise NotImplementedError

    def _spec_batch_norm(self):
        return False

    def _spec_keep_prob(self, n_hidden):
        """Dropout's keep probability per hidden layer (None: no dropout)."""
        return None

    def _set_layer_attributes(self):
        """Fitted attributes derived from ``parameters_`` (views, no copies)."""

    def _early_stopping_on(self, n_samples):
        """Whether a fit on ``n_samples`` examples holds out a validation share and stops on it.

        ``early_stopping="auto"`` switches it on from ``AUTO_EARLY_STOPPING_MIN_SAMPLES``
        examples (with less data, the held-out share is too small to follow),
        for the stochastic solvers.
        """
        early_stopping = getattr(self, "early_stopping", False)
        if isinstance(early_stopping, str):  # "auto"; L-BFGS has no epochs to stop
            return n_samples >= AUTO_EARLY_STOPPING_MIN_SAMPLES and getattr(self, "solver", None) != "lbfgs"
        return bool(early_stopping)

    def _spec_schedule(self, learning_rate, early_stopping):
        """``(schedule, min_learning_rate)``: ``lr_schedule="auto"`` resolved for this run.

        "auto" is the adaptive schedule when a validation set is monitored, cut
        short after ``AUTO_ADAPTIVE_DECAYS`` divisions of the rate; otherwise
        constant (on the training cost of small data, the divisions drew fits
        out to ``max_iter`` on the tuning half).
        """
        schedule = getattr(self, "lr_schedule", "constant")
        if schedule != "auto":
            return schedule, ADAPTIVE_MIN_LEARNING_RATE
        if not early_stopping:
            return "constant", ADAPTIVE_MIN_LEARNING_RATE
        # Stop at the stall after the last division: the rate's floor lies between the last two rates.
        return "adaptive", learning_rate / ADAPTIVE_DIVISOR ** (AUTO_ADAPTIVE_DECAYS + 0.5)

    def _spec_run(self, n_samples, learning_rate, partial, early_stopping=False):
        """The :class:`RunSpec` these hyperparameters describe."""
        schedule, min_learning_rate = self._spec_schedule(learning_rate, early_stopping)
        return RunSpec(
            max_epochs=1 if partial else self.max_iter,
            learning_rate=learning_rate,
            batch_size=self._spec_batch_size(n_samples),
            shuffle=bool(getattr(self, "shuffle", False)),
            schedule=schedule,
            min_learning_rate=min_learning_rate,
            decay_rate=float(getattr(self, "decay_rate", 0.0)),
            decay_steps=int(getattr(self, "decay_steps", 1)),
            alpha=float(self.alpha),
            alpha_l1=float(getattr(self, "alpha_l1", 0.0)),
            input_noise=float(getattr(self, "input_noise", 0.0)),
            tol=float(self.tol),
            n_iter_no_change=getattr(self, "n_iter_no_change", 1),
            early_stopping=early_stopping,
            stop_on_gradient=self._stop_on_gradient,
            whole_fit=not partial,
            max_iter=self.max_iter,
            verbose=int(self.verbose),
            name=type(self).__name__,
        )

    # -- fit -----------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, X_val=None, y_val=None, sample_weight_val=None, partial=False, **kw):
        # Train a shallow copy; publish it only when it is a model worth having.
        work = copy.copy(self)
        try:
            # Callbacks' teardown runs inside, before the result is published.
            with callback_management_context(work):
                work._fit_or_raise(X, y, sample_weight, X_val, y_val, sample_weight_val, partial, **kw)
        except KeyboardInterrupt:
            if getattr(work, "_interrupted_with_progress", False):
                # The best weights so far are a usable model: keep them, then
                # let Ctrl-C stop the user's program (a search, a script).
                del work._interrupted_with_progress
                self._publish(work)
            raise
        self._publish(work)
        return self

    def _publish(self, work):
        """Make ``work``'s state this estimator's, in one step."""
        state = {key: value for key, value in vars(work).items() if key not in CALLBACK_ATTRIBUTES}
        for key in CALLBACK_ATTRIBUTES:
            if key in vars(self):
                state[key] = vars(self)[key]
        self.__dict__ = state

    def _fit_or_raise(self, X, y, sample_weight, X_val, y_val, sample_weight_val, partial, classes=None):
        self._check_hyperparameters()
        warm = (partial or bool(self.warm_start)) and hasattr(self, "parameters_")
        X_in = X
        X, y = self._validate_training_data(X, y, reset=not warm)
        if warm:
            self._check_targets_match(y, classes, partial)
        else:
            self._start_targets(y, classes, partial, sample_weight)
        Y = self._encode_targets(y, X.dtype)
        sample_weight = self._example_weights(X, Y, sample_weight)
        if not partial:
            self._check_trainable(Y, sample_weight)
        validation, rows = None, None
        n_samples = X.shape[0]
        early_stopping = not partial and self._early_stopping_on(n_samples)
        # From the data fit was given: LogisticRegressionGD's step depends on
        # X, the networks' does not, and only the networks hold rows out.
        learning_rate = self._spec_learning_rate(X, sample_weight, Y.shape[0], partial)
        if partial:
            self._reset_validation_attributes()  # one epoch on a chunk: nothing is held out
        else:
            rows, y, Y, sample_weight, validation = self._validation_data(
                X_in, X, y, Y, sample_weight, X_val, y_val, sample_weight_val, early_stopping
            )
        data = TrainingData(X, Y, sample_weight, rows)
        spec = self._spec_run(data.n_samples, learning_rate, partial, early_stopping)
        # Sized by the examples fit was given (before any validation split).
        hidden = self._spec_hidden_layers(
            None if partial else n_samples, getattr(self, "hidden_layer_sizes_", None) if warm else None
        )
        self._check_memory((X.shape[1], *hidden, Y.shape[0]), X.dtype, spec.batch_size)
        network = self._build_network(X.shape[1], hidden, Y.shape[0], X.dtype)
        optimizer = self._spec_optimizer(network.n_params, X.dtype)
        if warm:
            rng = self._restore_for_warm_start(network, optimizer)
            history = self._history().continued() if partial else self._history().new_run()
        else:
            # The course's randomness: one RandomState, weights drawn first,
            # then shuffling and dropout, so random_state=1 reproduces the
            # course's numbers.
            rng = check_random_state(getattr(self, "random_state", None))
            initialize_parameters(network, self._spec_init(), rng)
            history = History()
        if validation is not None:
            history.validation_loss_curve = list(history.validation_loss_curve or [])
            history.validation_scores = list(history.validation_scores or [])
            if history.best_validation_score is None:
                history.best_validation_score = -np.inf
        self._set_architecture(network)
        callbacks = fit_context(self, spec.max_epochs)
        reporter = None
        if callbacks is not None:
            # The callbacks' X is the training examples as one array, given
            # lazily: with rows held out, they are copied only if a callback
            # asks for X (TrainingData keeps that one copy).
            training_X = data.training_X
            callbacks.call_on_fit_task_begin(estimator=self, X=training_X, y=y)
            reporter = EpochReporter(callbacks, self, training_X, y)
        trainer = Trainer(network, optimizer, data, spec, history, rng, validation, reporter)
        first_epoch = history.n_iter
        try:
            self._train(trainer, partial)
        except KeyboardInterrupt:
            if history.n_iter > first_epoch:
                self._record(network, optimizer, history, rng, spec)
                self._interrupted_with_progress = True
                message = f"{trainer.stop_message()} Training interrupted: the model keeps these weights."
            else:
                message = "Training interrupted before its first epoch ended: the estimator is left as it was."
            warnings.warn(message, UserWarning, stacklevel=4)
            raise
        self._record(network, optimizer, history, rng, spec)
        if callbacks is not None:
            callbacks.call_on_fit_task_end(estimator=self, X=training_X, y=y, reconstruction_attributes={})

    def _train(self, trainer, partial):
        """Run the trainer: scipy's L-BFGS, or epochs of the optimizer's steps."""
        if trainer.optimizer is None:
            trainer.run_lbfgs()
        else:
            trainer.run()

    def _check_memory(self, layer_dims, dtype, batch_size):
        """Refuse, before allocating anything, a run that cannot fit in memory."""
        hidden = layer_dims[1:-1]
        # Counted with Adam's two state vectors, the most any optimizer keeps
        # (L-BFGS's history is of the same order).
        needed = training_bytes(
            layer_dims, dtype, batch_size, 2, self._spec_keep_prob(len(hidden)), self._spec_batch_norm()
        )
        available = _available_memory()
        if available is not None and needed > MEMORY_SHARE * available:
            n_weights = sum(a * b for a, b in itertools.pairwise(layer_dims))
            raise MemoryError(
                f"Training this network needs about {needed / 2**30:.1f} GiB ({n_weights:,} weights with "
                f"their gradient and optimizer state, and batches of {batch_size} examples through layers "
                f"{list(layer_dims)}), but only {available / 2**30:.1f} GiB of memory is available. "
                "Use smaller hidden_layer_sizes or batch_size."
            )

    def _build_network(self, n_features, hidden, n_outputs, dtype):
        """The untrained network this configuration describes, with hidden layers of sizes ``hidden``."""
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
            multi_output=self._accepts_multi_output,
            y_numeric=self._numeric_targets,
            reset=reset,
        )
        return X, self._validate_targets(y)

    def _example_weights(self, X, Y, sample_weight):
        """Per-example weights: ``sample_weight`` (times the class weights, for a classifier)."""
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        sample_weight = self._weigh_classes(Y, sample_weight)
        with np.errstate(over="ignore"):
            total = float(np.sum(sample_weight, dtype=np.float64))
        if not total > 0:
            raise ValueError(
                "The sample weights (times class_weight, if any) sum to zero: at least one "
                "example needs a positive weight."
            )
        positive = sample_weight[sample_weight > 0]
        tiny = np.finfo(sample_weight.dtype).tiny
        if not np.isfinite(total) or positive.min() < tiny or total * np.finfo(sample_weight.dtype).eps < tiny:
            raise ValueError(
                f"sample_weight ranges from {positive.min():.3g} to {positive.max():.3g}, summing to "
                f"{total:.3g}: beyond what {sample_weight.dtype} arithmetic can train with. The "
                "weights' total is the course's m (it scales the L2 and L1 terms), so rescale "
                "them to a sensible range, for example divide them by their mean."
            )
        return sample_weight

    def _weigh_classes(self, Y, sample_weight):
        return sample_weight

    def _check_trainable(self, Y, sample_weight):
        """Refuse data that cannot train a model (a classifier's single class)."""

    def _validation_data(self, X_in, X, y, Y, sample_weight, X_val, y_val, sample_weight_val, early_stopping):
        """The held-out set monitored each epoch: given, split off, or none.

        Returns ``(rows, y, Y, sample_weight, validation)``: the rows of ``X``
        that train (None: all of them) and their targets and weights. The
        training rows of ``X`` are not copied: the trainer gathers its batches
        through ``rows``.
        """
        if X_val is None and y_val is None and not early_stopping:
            self._reset_validation_attributes()
            return None, y, Y, sample_weight, None
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be passed together.")
        if getattr(self, "solver", None) == "lbfgs":
            raise ValueError(
                "solver='lbfgs' minimizes the whole training cost at once and has no epochs to monitor: "
                "a validation set (X_val/y_val, or early_stopping=True) needs a stochastic solver "
                "(adam, gd, momentum, rmsprop or adagrad)."
            )
        if X_val is not None:
            rows, X_val_in = None, X_val
            X_val, y_val = self._validate_training_data(X_val, y_val, reset=False)
            self._check_validation_targets(y_val)
            Y_val = self._encode_targets(y_val, X.dtype)
            weight_val = self._example_weights(X_val, Y_val, sample_weight_val)
            _warn_if_unlike(X, X_val)
        else:
            if sample_weight_val is not None:
                raise ValueError("sample_weight_val needs X_val and y_val.")
            train, held_out = self._split_indices(y)
            # Y is (n_outputs, m) stored by example: take examples as rows of Y^T.
            X_val, y_val, Y_val, weight_val = X[held_out], y[held_out], Y.T[held_out].T, sample_weight[held_out]
            rows, y, Y, sample_weight = train, y[train], Y.T[train].T, sample_weight[train]
            # A data frame's rows, for a scorer: predict then sees the column names fit saw.
            X_val_in = _safe_indexing(X_in, held_out) if hasattr(X_in, "columns") else X_val
            if not weight_val.sum() > 0:
                raise ValueError(
                    "The held-out validation examples all have zero weight (from sample_weight or "
                    "class_weight); raise validation_fraction or pass X_val and y_val."
                )
        score_network = self._network_scorer(X_val_in, y_val, weight_val)
        return rows, y, Y, sample_weight, Validation(X_val, Y_val, weight_val, score_network)

    def _reset_validation_attributes(self):
        """A fit without a validation set: MLPClassifier's ``None``s."""
        if not (self.warm_start and hasattr(self, "parameters_")):
            self.validation_loss_curve_ = None
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _split_indices(self, y):
        """Training and held-out rows for ``early_stopping`` (deterministic for a random_state)."""
        rng = check_random_state(getattr(self, "random_state", None))
        return train_test_split(np.arange(y.shape[0]), test_size=self.validation_fraction, random_state=rng)

    def _check_validation_targets(self, y_val):
        """Refuse a validation set the model cannot be scored on."""

    def _network_scorer(self, X_val, y_val, weight_val):
        """``score(network)`` with the ``scoring`` scorer on the validation data as
        fit received it (a DataFrame keeps its column names), or None."""
        scoring = getattr(self, "scoring", None)
        if scoring is None:
            return None
        scorer = check_scoring(self, scoring=scoring)

        def score(network):
            # A throwaway estimator holding the current weights: the scorer
            # calls its predict; the estimator being fitted is not touched.
            snapshot = copy.copy(self)
            snapshot.parameters_ = network.named_views(network.params)
            snapshot.batch_norm_stats_ = network.get_batch_norm_stats()
            snapshot._set_layer_attributes()
            try:
                return scorer(snapshot, X_val, y_val, sample_weight=weight_val)
            except ValueError as error:
                raise ValueError(
                    f"Early stopping could not score the {len(y_val)} validation examples with "
                    f"scoring={self.scoring!r}: {error} Use a larger validation set "
                    "(validation_fraction, or X_val/y_val), or scoring=None (the validation loss)."
                ) from error

        return score

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
        # A copy: the published model's stream must not move until this fit is.
        return copy.deepcopy(self._rng)

    def _history(self):
        """The previous runs' :class:`History`, from the fitted attributes."""
        stopping = self._stopping_state
        return History(
            loss_curve=list(self.loss_curve_),
            validation_loss_curve=getattr(self, "validation_loss_curve_", None),
            validation_scores=getattr(self, "validation_scores_", None),
            best_loss=self.best_loss_,
            best_validation_score=getattr(self, "best_validation_score_", None),
            n_iter=self.n_iter_,
            t=self.t_,
            best_score=stopping["best_score"],
            no_improvement_count=stopping["no_improvement_count"],
            adaptive_learning_rate=stopping["adaptive_learning_rate"],
        )

    def _set_architecture(self, network):
        self.n_layers_ = network.n_layers + 1
        self.n_outputs_ = network.layer_dims[-1]
        self.out_activation_ = network.output_activation

    def _record(self, network, optimizer, history, rng, spec):
        """The trainer's outcome as fitted attributes."""
        # Views of the network's flat buffer, not copies: the run is over and
        # nothing else keeps the network, so a copy would only add to the fit's peak memory.
        self.parameters_ = network.named_views(network.params)
        self.batch_norm_stats_ = network.get_batch_norm_stats()
        self.loss_curve_ = history.loss_curve
        self.loss_ = history.loss_curve[-1] if history.loss_curve else None
        self.best_loss_ = history.best_loss
        self.n_iter_ = history.n_iter
        self.t_ = history.t
        if history.validation_scores is not None:
            self.validation_loss_curve_ = history.validation_loss_curve
            self.validation_scores_ = history.validation_scores
            self.best_validation_score_ = history.best_validation_score
        self._stopping_state = {
            "early_stopping": spec.early_stopping,
            "best_score": history.best_score,
            "no_improvement_count": history.no_improvement_count,
            "adaptive_learning_rate": history.adaptive_learning_rate,
        }
        self._rng = rng
        self._optimizer_state = (type(optimizer).__name__, optimizer.get_state()) if optimizer else None
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

    def _logits(self, X, validate=True, state=None):
        """``Z[L]`` for every row of X, as an array of shape (m, n_outputs).

        Rows are processed in chunks so memory stays bounded whatever m is.
        ``state`` is the fitted state the caller read once (``self.__dict__``,
        by default read here): a fit publishing a new model meanwhile swaps
        that dict, so one call never mixes two models.
        """
        check_is_fitted(self)
        state = self.__dict__ if state is None else state
        if validate:
            X = _validate_numeric(self, X, accept_sparse=("csr", "csc"), dtype=(np.float64, np.float32), reset=False)
        layers = prediction_layers(state["parameters_"], state["batch_norm_stats_"], state["n_layers_"] - 1)
        if X.shape[1] != layers[0]["W"].shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{layers[0]['W'].shape[1]} features as input."
            )
        with blas_threads_for_rows(layers, X.shape[0]):
            return chunked_logits(layers, X, self._spec_activation())


def partial_fit_allowed(estimator):
    """Whether ``partial_fit`` applies; raises AttributeError saying why not.

    For :func:`sklearn.utils.metaestimators.available_if`: as MLPClassifier
    does for lbfgs, the method is absent where it cannot work.
    """
    if getattr(estimator, "solver", None) == "lbfgs":
        raise AttributeError(
            "partial_fit trains one epoch of mini-batches, which solver='lbfgs' does not have "
            "(it minimizes the whole data's cost at once): use solver='adam' (or another "
            "stochastic solver) for partial_fit, or fit for lbfgs."
        )
    if getattr(estimator, "early_stopping", False) is True:
        raise AttributeError(
            "partial_fit trains one epoch on the chunk it is given and holds nothing out, so "
            "early_stopping=True cannot apply: set early_stopping=False for partial_fit (and "
            "monitor a held-out set yourself), or use fit."
        )
    return True


def _available_memory():
    """Bytes of memory available now (None where the system does not say)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


#: X_val whose feature means sit this many of X's standard deviations away
#: (the median over features) was almost surely not preprocessed like X.
UNLIKE_TRAINING_Z = 3.0


def _warn_if_unlike(X, X_val):
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
        warnings.warn(
            f"X_val does not look like X: its feature means lie a median {z:.1f} of X's standard "
            "deviations away from X's. If the network is the last step of a Pipeline, X_val did not "
            "go through the earlier steps: use Pipeline(..., transform_input=['X_val']) with metadata "
            "routing enabled (see the user guide).",
            UserWarning,
            stacklevel=5,
        )


def _validate_numeric(estimator, *args, **kwargs):
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

