"""scikit-learn's callback API (``sklearn.callback``, experimental since 1.9), where it exists.

With scikit-learn 1.9 or newer the estimators accept ``set_callbacks`` and
report a root task per fit and one subtask per epoch, so scikit-learn's own
``ProgressBar`` and ``ScoringMonitor`` work on them (also inside Pipeline and
GridSearchCV). With an older scikit-learn none of this exists and nothing
changes.
"""

from contextlib import nullcontext

try:
    from sklearn.callback import CallbackSupportMixin
    from sklearn.callback._callback_support import callback_management_context
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """Stand-in: no callback API in this scikit-learn."""

    def callback_management_context(estimator):
        return nullcontext()


#: Instance attributes of the callback machinery: runtime state, not model state.
CALLBACK_ATTRIBUTES = ("_skl_callbacks", "_skl_callbacks_to_teardown", "_callback_fit_ctx", "_parent_callback_ctx")


def fit_context(estimator, max_epochs):
    """The root callback context of a fit, or None without the callback API."""
    if not hasattr(estimator, "_init_callback_context"):
        return None
    return estimator._init_callback_context(max_subtasks=max_epochs)


class EpochReporter:
    """Tells scikit-learn's callbacks when each epoch begins and ends.

    The training loop knows only ``begin_epoch()`` and ``end_epoch(network)``;
    this glue holds the estimator and data the callbacks are given (``X`` may
    be a callable returning it: the callback context calls it only for a hook
    that takes ``X``) and ``fitted_state()``, the attributes that make a copy
    of the estimator a fitted one with the current weights (computed only if
    a callback asks for the fitted estimator).
    """

    def __init__(self, context, estimator, X, y, fitted_state):
        self.context, self.estimator, self.X, self.y = context, estimator, X, y
        self.fitted_state = fitted_state
        self._epoch = None

    def begin_epoch(self):
        self._epoch = self.context.subcontext(task_name="epoch")
        self._epoch.call_on_fit_task_begin(estimator=self.estimator, X=self.X, y=self.y)

    def end_epoch(self, network):
        """End the epoch's callback task; True when a callback asks to stop."""
        return self._epoch.call_on_fit_task_end(
            estimator=self.estimator, X=self.X, y=self.y, reconstruction_attributes=self.fitted_state
        )
