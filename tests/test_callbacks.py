"""scikit-learn's callback API (experimental since scikit-learn 1.9), where it exists."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdeep
from skdeep import DeepNetClassifier, LogisticRegressionGD

from .asserts import assert_same_parameters

callback = pytest.importorskip("sklearn.callback")


class StopAfter:
    """A callback asking training to stop at the end of its ``n``-th epoch."""

    def __init__(self, n):
        self.n = n

    def setup(self, estimator, context):
        self.epochs = 0

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name != "epoch":
            return False
        self.epochs += 1
        return self.epochs >= self.n

    def teardown(self, estimator, context):
        self.torn_down = True


def _epoch_scores(monitor):
    return [entry["accuracy"] for entry in monitor.get_logs().data if entry["task_name"] == "epoch"]


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, LogisticRegressionGD])
def test_scoring_monitor_scores_every_epoch_inside_a_pipeline(Estimator, blobs):
    X, y = blobs
    monitor = callback.ScoringMonitor(scoring="accuracy")
    model = Estimator(max_iter=6, tol=0).set_callbacks(monitor)
    make_pipeline(StandardScaler(), model).fit(X, y)
    scores = _epoch_scores(monitor)
    assert len(scores) == 6 and all(0 <= s <= 1 for s in scores)
    final = [entry for entry in monitor.get_logs().data if entry["task_name"] == "fit"]
    assert final[-1]["accuracy"] == pytest.approx(scores[-1])


def test_callbacks_inside_grid_search(blobs):
    X, y = blobs
    monitor = callback.ScoringMonitor(scoring="accuracy")
    net = DeepNetClassifier(max_iter=3, tol=0, random_state=0).set_callbacks(monitor)
    GridSearchCV(net, {"alpha": [0.1, 1.0]}, cv=2).fit(X, y)
    # 2 candidates x 2 folds + the refit, each with 3 epochs.
    assert len(_epoch_scores(monitor)) == 5 * 3


def test_a_callback_can_stop_training(blobs):
    X, y = blobs
    stopper = StopAfter(4)
    model = DeepNetClassifier(max_iter=50, tol=0, random_state=0).set_callbacks(stopper).fit(X, y)
    assert model.n_iter_ == 4 and stopper.torn_down
    assert np.all(np.isfinite(model.predict_proba(X)))


def test_callbacks_observe_without_changing_the_fit(blobs, tmp_path):
    X, y = blobs
    plain = DeepNetClassifier(max_iter=5, tol=0, random_state=0).fit(X, y)
    watched = DeepNetClassifier(max_iter=5, tol=0, random_state=0)
    watched.set_callbacks(callback.ScoringMonitor(scoring="accuracy")).fit(X, y)
    assert_same_parameters(watched.parameters_, plain.parameters_)
    skdeep.save(watched, tmp_path / "m.skdeep")  # callbacks are runtime tools, not saved
    assert not hasattr(skdeep.load(tmp_path / "m.skdeep"), "_skl_callbacks")


def test_progress_bar(blobs):
    pytest.importorskip("rich")
    X, y = blobs
    DeepNetClassifier(max_iter=3, tol=0).set_callbacks(callback.ProgressBar()).fit(X, y)


def test_the_regressor_reports_every_epoch_and_can_be_stopped(blobs):
    X, y = blobs
    target = X[:, 0] + y
    monitor = callback.ScoringMonitor(scoring="r2")
    model = skdeep.DeepNetRegressor(max_iter=4, tol=0, random_state=0).set_callbacks(monitor)
    make_pipeline(StandardScaler(), model).fit(X, target)
    epochs = [entry for entry in monitor.get_logs().data if entry["task_name"] == "epoch"]
    assert len(epochs) == 4
    stopped = skdeep.DeepNetRegressor(max_iter=50, tol=0, random_state=0).set_callbacks(StopAfter(3))
    assert stopped.fit(X, target).n_iter_ == 3
