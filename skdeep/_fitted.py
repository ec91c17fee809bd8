"""The fitted model: what a fit learned, as one object published in one assignment.

``estimator.model_`` is a :class:`FittedModel`: the network's parameters and
batch-norm statistics, its activations, the target encoding (a classifier's
labels, a regressor's scaling), the run's record and what a warm start
continues from (the optimizer's state and the random stream). A fit builds a
new one and assigns it once, so a ``predict`` running meanwhile in another
thread reads the old model or the new one, never a mix, and a fit that fails
leaves the old one untouched. The scikit-learn attributes (``coefs_``,
``loss_curve_``, ``classes_``, ...) are read from it.

Persistence (pickle, skops and :func:`skdeep.save`) stores the model as the
flat attributes :meth:`FittedModel.to_state` lists, and rebuilds it from them
through :meth:`FittedModel.from_state`: the one place that maps the model to
its stored form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._training import TrainingRecord
from .nn import prediction_layers

#: Names of the stored attributes of the run's record, and of the state a warm start continues from.
RECORD_STATE = (
    "loss_curve_",
    "loss_",
    "best_loss_",
    "n_iter_",
    "t_",
    "validation_loss_curve_",
    "validation_scores_",
    "best_validation_score_",
    "_stopping_state",
)
MODEL_STATE = ("parameters_", "batch_norm_stats_", "n_layers_", "n_outputs_", "out_activation_")
RESUME_STATE = ("_optimizer_state", "_rng")


@dataclass(frozen=True)
class FittedModel:
    """A fitted network and everything that goes with it.

    Attributes
    ----------
    parameters : dict
        ``{"W1": ..., "b1": ..., ...}`` (and ``gamma[l]``, ``beta[l]`` with
        batch norm), in the course's shapes.
    batch_norm_stats : dict
        The running ``mean[l]`` and ``var[l]`` prediction uses.
    hidden_activation, out_activation : str
    targets : ClassLabels or TargetScaling
        How labels or targets map to the network's outputs and back.
    record : TrainingRecord or None
        The run's record (None for the throwaway models a scorer predicts with).
    optimizer_state : tuple or None
        ``(optimizer class name, its state)`` for a warm start.
    rng : numpy.random.RandomState or None
        The random stream a warm start continues.
    layers : list of dict
        The parameters as :func:`skdeep.nn.forward_logits` takes them, built once.
    """

    parameters: dict
    batch_norm_stats: dict
    hidden_activation: str
    out_activation: str
    targets: object
    record: TrainingRecord | None = None
    optimizer_state: tuple | None = None
    rng: object = None
    layers: list = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        n_layers = sum(name.startswith("W") for name in self.parameters)
        object.__setattr__(self, "layers", prediction_layers(self.parameters, self.batch_norm_stats, n_layers))

    @property
    def n_layers(self):
        """Layers including the input layer, ``L + 1`` (MLPClassifier's ``n_layers_``)."""
        return len(self.layers) + 1

    @property
    def n_features(self):
        return self.layers[0]["W"].shape[1]

    @property
    def n_outputs(self):
        return self.layers[-1]["W"].shape[0]

    @property
    def hidden_layer_sizes(self):
        return tuple(layer["W"].shape[0] for layer in self.layers[:-1])

    @classmethod
    def of_network(cls, network, targets, record=None, optimizer=None, rng=None, copy=False):
        """The model ``network`` holds now.

        Its parameters are views of the network's flat buffer: once a fit
        publishes them nothing else keeps the network, so a copy would only add
        to the fit's peak memory. ``copy=True`` for a snapshot taken while the
        network still trains.
        """
        params = network.params.copy() if copy else network.params
        return cls(
            parameters=network.named_views(params),
            batch_norm_stats=network.get_batch_norm_stats(),
            hidden_activation=network.hidden_activation,
            out_activation=network.output_activation,
            targets=targets,
            record=record,
            optimizer_state=None if optimizer is None else (type(optimizer).__name__, optimizer.get_state()),
            rng=rng,
        )

    # -- the stored form -------------------------------------------------------------

    def to_state(self):
        """The model as the flat attributes pickle, skops and skdeep.save store."""
        record = self.record
        state = {
            "parameters_": self.parameters,
            "batch_norm_stats_": self.batch_norm_stats,
            "n_layers_": self.n_layers,
            "n_outputs_": self.n_outputs,
            "out_activation_": self.out_activation,
            "loss_curve_": record.loss_curve,
            "loss_": record.loss_curve[-1] if record.loss_curve else None,
            "best_loss_": record.best_loss,
            "n_iter_": record.n_iter,
            "t_": record.t,
            "validation_loss_curve_": record.validation_loss_curve,
            "validation_scores_": record.validation_scores,
            "best_validation_score_": record.best_validation_score,
            "_stopping_state": {
                "early_stopping": record.restored_best,
                "best_score": record.best_score,
                "no_improvement_count": record.no_improvement_count,
                "adaptive_learning_rate": record.adaptive_learning_rate,
            },
            "_optimizer_state": self.optimizer_state,
            "_rng": self.rng,
        }
        state.update(self.targets.to_state())
        return state

    @classmethod
    def from_state(cls, state, hidden_activation, targets_type):
        """The model stored as ``state`` (the attributes :meth:`to_state` gives), checked by the caller."""
        stopping = state["_stopping_state"]
        record = TrainingRecord(
            loss_curve=list(state["loss_curve_"]),
            validation_loss_curve=_list_or_none(state.get("validation_loss_curve_")),
            validation_scores=_list_or_none(state.get("validation_scores_")),
            best_loss=state["best_loss_"],
            best_validation_score=state.get("best_validation_score_"),
            n_iter=state["n_iter_"],
            t=state["t_"],
            best_score=stopping["best_score"],
            no_improvement_count=stopping["no_improvement_count"],
            adaptive_learning_rate=stopping["adaptive_learning_rate"],
            restored_best=bool(stopping["early_stopping"]),
        )
        return cls(
            parameters=dict(state["parameters_"]),
            batch_norm_stats=dict(state["batch_norm_stats_"]),
            hidden_activation=hidden_activation,
            out_activation=state["out_activation_"],
            targets=targets_type.from_state(state),
            record=record,
            optimizer_state=state["_optimizer_state"],
            rng=state["_rng"],
        )

    @classmethod
    def state_names(cls, targets_type):
        """Every attribute name :meth:`to_state` gives for models with targets of ``targets_type``."""
        return (*MODEL_STATE, *RECORD_STATE, *RESUME_STATE, *targets_type.STATE)


def fitted_attributes(schema, model):
    """The instance attributes that make a copy of an estimator the fitted one with ``model``:
    the input schema (``feature_names_in_`` None unless X had names) and the model."""
    return {"feature_names_in_": None, **schema, "model_": model}


def _list_or_none(values):
    return None if values is None else list(values)
