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


class RecordsData:
    """A callback whose hooks ask for X and y, keeping what they were given."""

    def setup(self, estimator, context):
        self.seen = []

    def on_fit_task_begin(self, estimator, context, *, X, y):
        self.seen.append((X, y))

    def on_fit_task_end(self, estimator, context, *, X, y):
        self.seen.append((X, y))
        return False

    def teardown(self, estimator, context):
        pass


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 3 epochs are enough here
def test_callbacks_are_shown_the_training_rows_when_early_stopping_holds_some_out(blobs):
    X, y = blobs
    recorder = RecordsData()
    model = DeepNetClassifier(max_iter=3, early_stopping=True, random_state=0).set_callbacks(recorder)
    model.fit(X, y)
    # The fit's and the 3 epochs' begin and end: 8 hooks, one copy of the 81 training rows.
    assert len(recorder.seen) == 8
    X_train, y_train = recorder.seen[0]
    assert X_train.shape == (81, 4) and y_train.shape == (81,)
    assert all(seen_X is X_train and seen_y is y_train for seen_X, seen_y in recorder.seen)
    # Each row is a row of X, with its own label, and none is held out twice.
    index = [int(np.flatnonzero((X == row).all(axis=1))[0]) for row in X_train]
    assert len(set(index)) == 81
    np.testing.assert_array_equal(y[index], y_train)


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
