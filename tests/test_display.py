"""LossCurveDisplay draws what the estimator recorded."""

import numpy as np
import pytest

from skdeep import DeepNetClassifier, LogisticRegressionGD, LossCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_training_and_validation_curves_with_the_best_epoch(blobs):
    X, y = blobs
    net = DeepNetClassifier(early_stopping=True, n_iter_no_change=3, max_iter=60, random_state=0).fit(X, y)
    display = LossCurveDisplay.from_estimator(net)
    np.testing.assert_array_equal(display.lines_["training"].get_ydata(), net.loss_curve_)
    np.testing.assert_array_equal(display.lines_["validation"].get_ydata(), net.validation_loss_curve_)
    assert display.best_epoch == int(np.argmax(net.validation_scores_)) + 1
    assert display.ax_.get_xlabel() == "epoch" and display.figure_ is display.ax_.figure


def test_training_curve_only_on_a_given_axes(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    model = LogisticRegressionGD(max_iter=20, tol=0).fit(X, y)
    _, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(model, ax=ax, name="course")
    assert display.ax_ is ax and set(display.lines_) == {"training"}
    assert display.lines_["training"].get_label() == "course: training"
    assert display.lines_["training"].get_xdata()[0] == 1


def test_an_unfitted_estimator_is_refused():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(DeepNetClassifier())
