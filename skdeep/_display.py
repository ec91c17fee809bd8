"""LossCurveDisplay: the course's cost plot, in the manner of scikit-learn's Displays."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted


class LossCurveDisplay:
    """Training (and validation) loss per epoch of a fitted skdeep estimator.

    Build it with :meth:`from_estimator`; matplotlib is needed only to plot
    (install it with ``pip install "scikit-deep[plots]"``).

    Parameters
    ----------
    loss_curve : sequence of float
        The training cost per epoch (``loss_curve_``).
    validation_loss_curve : sequence of float, default=None
        The validation loss per epoch (``validation_loss_curve_``).
    best_epoch : int, default=None
        The epoch (1-based) whose weights the model kept, marked on the plot.
    estimator_name : str, default=None
        Used in the legend.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : dict of matplotlib Line2D
        ``"training"`` and, when there is one, ``"validation"``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_moons
    >>> from skdeep import DeepNetClassifier, LossCurveDisplay
    >>> X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    >>> net = DeepNetClassifier(early_stopping=True, random_state=0).fit(X, y)
    >>> display = LossCurveDisplay.from_estimator(net)
    >>> sorted(display.lines_)
    ['training', 'validation']
    """

    def __init__(self, *, loss_curve, validation_loss_curve=None, best_epoch=None, estimator_name=None):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.best_epoch = best_epoch
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator: BaseEstimator, *, ax=None, name: str | None = None) -> LossCurveDisplay:
        """Plot the loss curves of a fitted skdeep estimator.

        Parameters
        ----------
        estimator : fitted skdeep estimator, Pipeline or search
            A fitted LogisticRegressionGD, DeepNetClassifier or
            DeepNetRegressor; a fitted Pipeline ending in one (its last
            step is plotted); or a fitted GridSearchCV / RandomizedSearchCV
            (or any search with ``best_estimator_``) over either.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        name : str, default=None
            Name for the legend; the estimator's class name by default.

        Returns
        -------
        display : LossCurveDisplay
        """
        estimator = _network_of(estimator)
        check_is_fitted(estimator, "loss_curve_")
        validation = estimator.validation_loss_curve_ or None
        best_epoch = None
        if validation and estimator.model_.record.restored_best:  # early stopping kept the best epoch
            best_epoch = int(np.argmax(estimator.validation_scores_)) + 1
        display = cls(
            loss_curve=list(estimator.loss_curve_),
            validation_loss_curve=validation,
            best_epoch=best_epoch,
            estimator_name=name or type(estimator).__name__,
        )
        return display.plot(ax=ax)

    def plot(self, ax=None) -> LossCurveDisplay:
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None

        Returns
        -------
        self : LossCurveDisplay
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError(
                'LossCurveDisplay needs matplotlib: pip install matplotlib (or the "plots" extra, '
                'pip install ".[plots]" from a checkout).'
            ) from None
        if ax is None:
            _, ax = plt.subplots()
        epochs = np.arange(1, len(self.loss_curve) + 1)
        label = f"{self.estimator_name}: training" if self.estimator_name else "training"
        (training,) = ax.plot(epochs, self.loss_curve, label=label)
        self.lines_ = {"training": training}
        if self.validation_loss_curve:
            validation_epochs = np.arange(1, len(self.validation_loss_curve) + 1)
            (line,) = ax.plot(
                validation_epochs, self.validation_loss_curve, label=label.replace("training", "validation")
            )
            self.lines_["validation"] = line
        if self.best_epoch is not None:
            ax.axvline(self.best_epoch, linestyle=":", color="gray", label=f"best epoch ({self.best_epoch})")
        ax.set_xlabel("epoch")
        ax.set_ylabel("cost")
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _network_of(estimator):
    """The skdeep estimator inside a fitted search and/or Pipeline."""
    if hasattr(estimator, "best_estimator_"):
        estimator = estimator.best_estimator_
    elif hasattr(estimator, "cv_results_") or (hasattr(estimator, "estimator") and hasattr(estimator, "refit")):
        check_is_fitted(estimator, "best_estimator_")  # a search not refitted, or not fitted
    if isinstance(estimator, Pipeline):
        estimator = estimator[-1]
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
    return estimator
