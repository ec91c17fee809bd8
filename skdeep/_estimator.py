"""scikit-learn glue shared by every skdeep estimator: validate, describe, train, publish.

A fit checks the hyperparameters (each estimator's table,
:mod:`skdeep._hyperparameters`), validates the data without touching the
estimator (:mod:`skdeep._inputs`), encodes the targets (a classifier's
labels, :mod:`skdeep._labels`, or a regressor's scaling,
:mod:`skdeep._target_scaling`), asks the estimator for a
:class:`~skdeep._run_plan.RunPlan` (its one description of the run), trains
with the one training loop (:mod:`skdeep._training`) and publishes a
:class:`~skdeep._fitted.FittedModel` in one assignment, ``self.model_``.
The estimator is not changed before that assignment: a fit that is refused
or fails leaves it exactly as it was, and a ``predict`` running meanwhile in
another thread reads one model or the other, never a mix.

What a subclass supplies: ``_hyperparameter_table`` (and
``_check_together``), ``_early_stopping`` and ``_plan`` (the run), and, in
the classification and regression layers, ``_targets_type`` and
``_new_targets``.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ._calibration import temperature as calibration_temperature
from ._callbacks import CALLBACK_ATTRIBUTES, EpochReporter, callback_management_context, fit_context
from ._fitted import FittedModel, fitted_attributes
from ._held_out import held_out_data
from ._hyperparameters import check_hyperparameters
from ._inputs import DTYPES, SCHEMA, InputProbe, validate_numeric
from ._memory import check_memory
from ._predict import chunked_logits
from ._run_plan import FitSetting
from ._threads import blas_threads_for_rows
from ._training import TrainingData, TrainingLoop, TrainingRecord
from ._warnings import warn
from .nn import initialize_parameters


def fitted_attribute(read, doc=None):
    """A read-only attribute computed from the fitted model (AttributeError before fit)."""

    def get(self):
        model = vars(self).get("model_")
        if model is None:
            raise AttributeError(f"This {type(self).__name__} instance is not fitted yet: call fit first.")
        return read(model)

    return property(get, doc=doc)


@dataclass
class PreparedFit:
    """A fit up to its first epoch: everything :meth:`BaseNetwork._fit` trains and publishes."""

    hyperparameters: dict
    schema: dict
    y: object
    targets: object
    data: TrainingData
    validation: object
    plan: object
    network: object
    optimizer: object
    record: TrainingRecord
    rng: object
    #: How the fit calibrates its probabilities after training (see BaseNetwork._calibration).
    calibration: str | None = None


class BaseNetwork(BaseEstimator):
    """Validation, training and prediction shared by skdeep's estimators."""

    #: ``name -> rule``, checked in this order (see :mod:`skdeep._hyperparameters`).
    _hyperparameter_table = MappingProxyType({})
    #: Whether a 2-D ``y`` (multilabel or multi-output) is accepted.
    _accepts_multi_output = False
    #: Whether y must be numeric (regression) rather than labels.
    _numeric_targets = False

    # -- what a subclass describes -------------------------------------------------------

    @staticmethod
    def _check_together(hyperparameters):
        """Checks that involve several hyperparameters (after the table's)."""

    def _early_stopping(self, hyperparameters, n_samples, partial):
        """Whether a fit on ``n_samples`` examples holds out ``validation_fraction`` and stops on it."""
        return False

    def _calibration(self, hyperparameters, n_samples, validation, warm):
        """How a whole fit calibrates its probabilities (classifiers): None, or
        "held out" (a temperature fitted on ``validation``) or "cross-fit"
        (on out-of-fold predictions; see :mod:`skdeep._calibration`). ``warm``:
        the fit continues the published model (whose temperature None keeps)."""
        return None

    def _monitors_validation(self, hyperparameters):
        """Whether a run with these hyperparameters can follow a validation set (warns if not)."""
        return True

    def _class_weight(self, hyperparameters):
        """The ``class_weight`` the targets weigh examples by (classifiers only)."""
        return None

    def _architecture(self, hyperparameters, declared_hidden):
        """``(hidden sizes, batch_norm)`` a stored model must have, its weights declaring ``declared_hidden``."""
        raise NotImplementedError

    def _check_partial_fit(self):
        """Raise AttributeError saying why ``partial_fit`` does not apply to these hyperparameters."""

    def _plan(self, hyperparameters, setting):
        """The :class:`~skdeep._run_plan.RunPlan` for a fit described by ``setting``."""
        raise NotImplementedError

    # -- hyperparameters -----------------------------------------------------------------

    def _checked_hyperparameters(self):
        return check_hyperparameters(self, self._hyperparameter_table, self._check_together)

    # -- fit -----------------------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, X_val=None, y_val=None, sample_weight_val=None, partial=False, **kw):
        with callback_management_context(self):
            fit = self._prepare(X, y, sample_weight, X_val, y_val, sample_weight_val, partial, **kw)
            spec = fit.plan.spec
            callbacks = fit_context(self, spec.max_epochs)
            reporter = None
            if callbacks is not None:
                # The callbacks' X is the training examples as one array, given
                # lazily: with rows held out, they are copied only if a callback
                # asks for X (TrainingData keeps that one copy).
                training_X = fit.data.training_X
                callbacks.call_on_fit_task_begin(estimator=self, X=training_X, y=fit.y)
                reporter = EpochReporter(callbacks, self, training_X, fit.y, lambda: self._snapshot_state(fit))
            loop = TrainingLoop(fit.network, fit.data, spec, fit.record, fit.rng, fit.validation, reporter)
            steps = fit.plan.steps(fit.network, fit.data, fit.optimizer)
            first_epoch = fit.record.n_iter
            try:
                loop.run(steps)
                targets = self._calibrated_targets(fit)
            except KeyboardInterrupt:
                if fit.record.n_iter > first_epoch:
                    # The best weights so far are a usable model: keep them, then
                    # let Ctrl-C stop the user's program (a search, a script).
                    self._publish(fit.schema, self._model_of(fit, fit.record.finished()))
                    message = f"{loop.stop_message()} Training interrupted: the model keeps these weights."
                else:
                    message = "Training interrupted before its first epoch ended: the estimator is left as it was."
                warn(message)
                raise
            model = self._model_of(fit, fit.record.finished(), targets)
            if callbacks is not None:
                fitted = fitted_attributes(fit.schema, model)
                callbacks.call_on_fit_task_end(estimator=self, X=training_X, y=fit.y, reconstruction_attributes=fitted)
        self._publish(fit.schema, model)
        return self

    def _prepare(self, X, y, sample_weight, X_val, y_val, sample_weight_val, partial, classes=None):
        """Everything a fit does before its first epoch; changes nothing on ``self``."""
        hp = self._checked_hyperparameters()
        previous = vars(self).get("model_")
        warm = (partial or hp["warm_start"]) and previous is not None
        inputs = InputProbe(self, continued=warm)
        X_in = X
        X, y = self._validated(inputs, X, y)
        if warm:
            targets = previous.targets.check_continued(y, classes, partial)
        else:
            targets = self._new_targets(y, classes, partial, sample_weight, hp)
        Y = targets.encode(y, X.dtype)
        sample_weight = self._example_weights(X, Y, sample_weight, targets, hp)
        if not partial:
            targets.check_trainable(Y, sample_weight, type(self).__name__)
        n_samples = X.shape[0]
        early_stopping = not partial and self._early_stopping(hp, n_samples, partial)
        given = X_val is not None or y_val is not None
        if (given or early_stopping) and not self._monitors_validation(hp):
            early_stopping = given = False
        rows, validation = None, None
        if given or early_stopping:
            rows, y, Y, sample_weight, validation = held_out_data(
                self, hp, inputs, targets, X_in, X, y, Y, sample_weight, X_val, y_val, sample_weight_val
            )
        data = TrainingData(X, Y, sample_weight, rows)
        setting = FitSetting(
            X=X,
            sample_weight=sample_weight,
            n_samples=n_samples,
            n_train=data.n_samples,
            n_outputs=Y.shape[0],
            partial=partial,
            validation=validation is not None,
            early_stopping=early_stopping,
            previous_hidden=previous.hidden_layer_sizes if warm else None,
        )
        plan = self._plan(hp, setting)
        layout = plan.layout
        dims = layout.layer_dims(X.shape[1], Y.shape[0])
        check_memory(dims, X.dtype, plan.spec.batch_size, layout.keep_prob, layout.batch_norm)
        network = layout.build(X.shape[1], Y.shape[0], targets.output_activation, X.dtype)
        optimizer = plan.optimizer(network.n_params, X.dtype)
        # A continued fit (warm start, partial_fit) on the same data as the last one
        # goes on comparing with that data's first cost; new data starts afresh
        # (see TrainingRecord.reference_epoch).
        digest = data.digest() if partial or hp["warm_start"] else None
        if warm:
            rng = restore(network, optimizer, previous)
            same_data = digest is not None and digest == previous.record.data_digest
            record = previous.record.next_run(continue_stopping_rule=partial, same_data=same_data)
        else:
            # The course's randomness: one RandomState, weights drawn first,
            # then shuffling and dropout, so random_state=1 reproduces the
            # course's numbers.
            rng = check_random_state(plan.random_state)
            initialize_parameters(network, layout.init, rng)
            record = TrainingRecord()
        record.data_digest = digest
        if validation is not None:
            record.monitor_validation()
        elif not (hp["warm_start"] and previous is not None):
            record.forget_validation()
        calibration = None if partial else self._calibration(hp, n_samples, validation, warm)
        return PreparedFit(
            hp, inputs.schema(), y, targets, data, validation, plan, network, optimizer, record, rng, calibration
        )

    def _example_weights(self, X, Y, sample_weight, targets, hp):
        return example_weights(X, Y, sample_weight, targets, self._class_weight(hp))

    def _validated(self, inputs, X, y):
        X, y = inputs.training_data(X, y, multi_output=self._accepts_multi_output, y_numeric=self._numeric_targets)
        return X, self._check_targets(y)

    def _model_of(self, fit, record=None, targets=None):
        """The fitted model the network of ``fit`` holds now (with ``targets``, calibrated, if given)."""
        targets = fit.targets if targets is None else targets
        return FittedModel.of_network(fit.network, targets, record, fit.optimizer, fit.rng)

    def _calibrated_targets(self, fit):
        """The fit's targets, with the temperature its calibration finds (the previous
        model's, or 1, when it has none or cannot find one)."""
        if fit.calibration is None:
            return fit.targets
        temperature = calibration_temperature(fit)
        return fit.targets if temperature is None else fit.targets.calibrated(temperature)

    def _publish(self, schema, model):
        """Make a fit's result this estimator's: its input schema, then the model in one assignment."""
        for name in SCHEMA:
            if name not in schema:
                vars(self).pop(name, None)
        vars(self).update(schema)
        self.model_ = model

    def _snapshot_state(self, fit):
        """Attributes that make a copy of this estimator a fitted one with the network's current
        weights (scikit-learn's callbacks predict with it)."""
        return fitted_attributes(fit.schema, FittedModel.of_network(fit.network, fit.targets, copy=True))

    # -- persistence: the fitted model is stored as flat attributes ----------------------

    def _fitted_state(self):
        """The fitted state as flat attributes (input schema and model): what persistence stores."""
        state = {name: vars(self)[name] for name in SCHEMA if name in vars(self)}
        model = vars(self).get("model_")
        if model is not None:
            state.update(model.to_state())
        return state

    def _restore_fitted_state(self, state):
        """Make this estimator the fitted one ``state`` (from :meth:`_fitted_state`) describes."""
        state = dict(state)
        names = FittedModel.state_names(self._targets_type)
        fitted = {name: state.pop(name) for name in names if name in state}
        vars(self).update(state)
        if fitted:
            self.model_ = FittedModel.from_state(fitted, self._hidden_activation(), self._targets_type)

    def __copy__(self):
        # A shallow copy shares the (immutable) fitted model: copy.copy would
        # otherwise go through the stored form below (early stopping's scorer and
        # scikit-learn's callbacks copy the estimator every epoch).
        copied = type(self).__new__(type(self))
        vars(copied).update(vars(self))
        return copied

    def __getstate__(self):
        state = {
            name: value
            for name, value in super().__getstate__().items()
            if name != "model_" and name not in CALLBACK_ATTRIBUTES
        }
        state.update(self._fitted_state())
        return state

    def __setstate__(self, state):
        names = set(FittedModel.state_names(self._targets_type))
        super().__setstate__({name: value for name, value in state.items() if name not in names})
        self._restore_fitted_state({name: value for name, value in state.items() if name in names})

    def _hidden_activation(self):
        """The hidden layers' activation, from the hyperparameters (to rebuild a stored model)."""
        return "identity"

    def __sklearn_is_fitted__(self):
        return "model_" in vars(self)

    # -- what the fitted model shows ---------------------------------------------------

    parameters_ = fitted_attribute(lambda model: model.parameters)
    batch_norm_stats_ = fitted_attribute(lambda model: model.batch_norm_stats)
    n_layers_ = fitted_attribute(lambda model: model.n_layers)
    n_outputs_ = fitted_attribute(lambda model: model.n_outputs)
    out_activation_ = fitted_attribute(lambda model: model.out_activation)
    loss_curve_ = fitted_attribute(lambda model: model.record.loss_curve)
    loss_ = fitted_attribute(lambda model: model.record.loss_curve[-1] if model.record.loss_curve else None)
    best_loss_ = fitted_attribute(lambda model: model.record.best_loss)
    n_iter_ = fitted_attribute(lambda model: model.record.n_iter)
    t_ = fitted_attribute(lambda model: model.record.t)
    validation_loss_curve_ = fitted_attribute(lambda model: model.record.validation_loss_curve)
    validation_scores_ = fitted_attribute(lambda model: model.record.validation_scores)
    best_validation_score_ = fitted_attribute(lambda model: model.record.best_validation_score)

    # -- predict -------------------------------------------------------------------------

    def _logits(self, X):
        """``(model, Z[L])``: the fitted model, read once, and its logits for every row of X, ``(m, n_outputs)``.

        Rows are processed in chunks so memory stays bounded whatever m is.
        """
        model = vars(self).get("model_")
        if model is None:
            check_is_fitted(self)
        if not _plain_rows(X, vars(self)):
            X = validate_numeric(self, X, accept_sparse=("csr", "csc"), dtype=DTYPES, reset=False)
        if X.shape[1] != model.n_features:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                f"{model.n_features} features as input."
            )
        with blas_threads_for_rows(model.layers, X.shape[0]):
            return model, chunked_logits(model.layers, X, model.hidden_activation)


def _plain_rows(X, fitted):
    """Whether X is what ``validate_data`` would pass through unchanged and without a word.

    A 2-D float64 or float32 ndarray of finite values with the features fit saw,
    for a model fitted without feature names: the common case of serving, where
    ``validate_data``'s own checks cost several times the prediction of a few rows.
    Anything else goes through ``validate_data``, for its conversions, warnings
    and messages.
    """
    return (
        type(X) is np.ndarray
        and X.ndim == 2
        and X.dtype in DTYPES
        and X.shape[0] > 0
        and X.shape[1] == fitted.get("n_features_in_")
        and "feature_names_in_" not in fitted
        and math.isfinite(X.sum())  # NaN or inf (or an overflowing sum): the full check says which
    )


def partial_fit_available(estimator):
    """For :func:`sklearn.utils.metaestimators.available_if`: as MLPClassifier does for
    lbfgs, ``partial_fit`` is absent (AttributeError, saying why) where it cannot work."""
    estimator._check_partial_fit()
    return True


def example_weights(X, Y, sample_weight, targets, class_weight):
    """Per-example weights: ``sample_weight`` (times the class weights, for a classifier)."""
    sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
    sample_weight = targets.weigh(Y, sample_weight, class_weight)
    with np.errstate(over="ignore"):
        total = float(np.sum(sample_weight, dtype=np.float64))
    if not total > 0:
        raise ValueError(
            "The sample weights (times class_weight, if any) sum to zero: at least one example needs a positive weight."
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


def restore(network, optimizer, previous):
    """Load the previous model's weights, optimizer state and random stream into a new run."""
    expected = {name: W.shape for name, W in previous.parameters.items()}
    current = {name: view.shape for name, view in network.named_views(network.params).items()}
    if expected != current:
        raise ValueError(
            "warm_start=True, but the network's shape changed since the last fit "
            f"({expected} before, {current} now); set warm_start=False to train a new network."
        )
    network.set_parameters(previous.parameters)
    network.set_batch_norm_stats(previous.batch_norm_stats)
    name, state = previous.optimizer_state or (None, None)
    if optimizer is not None and name == type(optimizer).__name__:
        optimizer.set_state(state)
    # A copy: the published model's stream must not move until this fit is.
    return copy.deepcopy(previous.rng)
