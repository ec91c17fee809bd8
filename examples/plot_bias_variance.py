"""
=====================================================
Bias and variance with scikit-learn's learning curves
=====================================================

The course diagnoses a model by comparing its training and dev-set errors:
high error on both is *bias* (the model is too simple, or too regularized),
a large gap between them is *variance* (it fits the training set's noise).
scikit-learn's :class:`~sklearn.model_selection.LearningCurveDisplay` draws
both as the training set grows. Here, on the digits data set, three
networks: one too small and too regularized, one too large and not
regularized at all, and the default. It runs in seconds.
"""

# %%
# Three networks, from high bias to high variance
# ------------------------------------------------
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import LearningCurveDisplay, ShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier

X, y = load_digits(return_X_y=True)
default = DeepNetClassifier(random_state=0)
networks = {
    "high bias\n2 hidden units, alpha=30": DeepNetClassifier(
        hidden_layer_sizes=(2,), alpha=30.0, max_iter=100, random_state=0
    ),
    "high variance\n(128, 128), alpha=0": DeepNetClassifier(
        hidden_layer_sizes=(128, 128), alpha=0.0, max_iter=100, random_state=0
    ),
    f"default\n{default.hidden_layer_sizes}, alpha={default.alpha}": default,
}

# %%
# Training and validation accuracy as the training set grows
# ----------------------------------------------------------
# The high-bias network stays poor on both curves however much data it gets:
# more data does not cure bias, a bigger (or less regularized) network does.
# The high-variance network fits its training set perfectly; the gap to its
# validation accuracy is widest with little data and closes as the training set
# grows, the course's first cure for variance (the second is regularization,
# which keeps the default network's gap narrower with few examples).
cv = ShuffleSplit(n_splits=2, test_size=0.2, random_state=0)
# The tiny high-bias network can reach max_iter before its cost settles; more
# epochs would not cure its bias, so the warning is not worth reporting here.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
fig, axes = plt.subplots(1, 3, figsize=(10, 4.2), sharey=True)
for ax, (title, net) in zip(axes, networks.items(), strict=True):
    LearningCurveDisplay.from_estimator(
        make_pipeline(StandardScaler(), net),
        X,
        y,
        train_sizes=[0.1, 0.3, 0.6, 1.0],
        cv=cv,
        score_type="both",
        score_name="accuracy",
        ax=ax,
    )
    ax.set_title(title)
    ax.set_xlabel("training examples")
    ax.legend(loc="lower right")
for ax in axes[1:]:
    ax.set_ylabel("")
fig.tight_layout()
plt.show()
