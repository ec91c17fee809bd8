"""
Regularization: L2, dropout and early stopping
==============================================

The course's "Regularization" assignment trains a 3-layer network
``[LINEAR -> RELU] x 2 -> LINEAR -> SIGMOID`` (layers_dims ``[2, 20, 3, 1]``)
on a small 2-D data set, sees it fit the noise of the training points, then
tames it with an L2 penalty (``lambd``) and with dropout (``keep_prob``).
This example does the same with :class:`~skdeep.DeepNetClassifier` on a noisy
two-moons data set with only 100 training examples, and a held-out
validation (dev) set passed to ``fit`` as ``X_val``/``y_val`` so that each
epoch's validation loss is recorded next to the training cost. It ends with
the third remedy, early stopping, which keeps the weights of the epoch with
the best validation loss. It takes a few seconds.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

from skdeep import DeepNetClassifier

start = time.perf_counter()

# %%
# A data set that is easy to overfit
# -----------------------------------
#
# 400 noisy moon points: 100 for training, the other 300 held out for
# validation. With so few examples, a network has room to draw a boundary
# around individual noisy points.

X, y = make_moons(n_samples=400, noise=0.35, random_state=0)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, train_size=100, stratify=y, random_state=0
)
print(
    f"Two moons: {len(y_train)} training examples, {len(y_val)} validation examples\n"
)

# %%
# Four trainings of the same network
# ----------------------------------
#
# Every model has the course's hidden layers ``(20, 3)`` and is trained on the
# full batch for 2000 epochs with ``tol=0`` (no stopping on the training
# cost). The course uses plain gradient descent for 30000 iterations; Adam
# takes its place here so that the example runs in seconds. ``alpha`` is the
# course's ``lambd`` and ``dropout`` is the course's ``1 - keep_prob``.
# DeepNetClassifier's default ``alpha`` is not 0, so the unregularized model
# sets ``alpha=0`` explicitly.
#
# ``early_stopping=True`` monitors the validation set passed to ``fit``; it
# stops once the validation loss has not improved for ``n_iter_no_change=100``
# epochs and restores the weights of the best epoch. It is otherwise the
# unregularized model, with the same ``random_state``: its curves are the
# first epochs of that model's.


def validation_loss(model):
    """Cross-entropy of the fitted model on the validation set.

    Computed from ``predict_log_proba`` (labels 0 and 1 are its columns), so
    it is exact even for very confident mistakes, where
    :func:`sklearn.metrics.log_loss` clips the probabilities.
    """
    return -np.mean(model.predict_log_proba(X_val)[np.arange(len(y_val)), y_val])


common = {
    "hidden_layer_sizes": (20, 3),
    "solver": "adam",
    "learning_rate": 0.01,
    "batch_size": None,
    "max_iter": 2000,
    "tol": 0.0,
    "random_state": 0,
}
settings = {
    "No regularization": {"alpha": 0.0},
    "L2, alpha=1": {"alpha": 1.0},
    "Dropout 0.5": {"alpha": 0.0, "dropout": 0.5},
    "Early stopping": {"alpha": 0.0, "early_stopping": True, "n_iter_no_change": 100},
}
models = {}
print(f"{'':17}  train acc.  validation acc.  validation loss  epochs")
for name, params in settings.items():
    model = DeepNetClassifier(**common, **params)
    model.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    models[name] = model
    train_acc, val_acc = model.score(X_train, y_train), model.score(X_val, y_val)
    print(
        f"{name:>17}  {train_acc:10.3f}  {val_acc:15.3f}  "
        f"{validation_loss(model):15.3f}  {model.n_iter_:6d}"
    )

# ``validation_scores_`` is what early stopping follows: the negative
# validation loss (``scoring=None``), greater is better. The model it returns
# has the weights of the best epoch, hence its validation loss above.
stopped = models["Early stopping"]
best_epoch = int(np.argmax(stopped.validation_scores_)) + 1
print(
    f"\nEarly stopping ran {stopped.n_iter_} epochs and restored epoch {best_epoch} "
    f"(validation loss {stopped.validation_loss_curve_[best_epoch - 1]:.3f})."
)

# %%
# Training and validation losses
# ------------------------------
#
# ``loss_curve_`` is the cost being minimized, so it includes the L2 term for
# the L2 model and is computed with units dropped for the dropout model;
# ``validation_loss_curve_`` is the plain cross-entropy of the full network
# on the validation set. Without regularization the training cost keeps
# falling while the validation loss, after a minimum early on, climbs steadily:
# the network grows ever more confident on the noise of its 100 points. L2
# and dropout keep the two curves together. Early stopping cuts the
# unregularized training at its validation minimum (the dotted line; note
# that panel's shorter epoch axis).

fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), sharey=True)
for ax, (name, model) in zip(axes.flat, models.items(), strict=True):
    epochs = np.arange(1, model.n_iter_ + 1)
    ax.plot(epochs, model.loss_curve_, label="training cost")
    ax.plot(epochs, model.validation_loss_curve_, label="validation loss")
    ax.set_title(name)
    ax.set_xlabel("epoch")
    ax.set_xlim(0, model.n_iter_)
last = axes[-1, -1]
last.axvline(best_epoch, color="k", linestyle=":", label=f"best epoch ({best_epoch})")
for ax in axes[:, 0]:
    ax.set_ylabel("cross-entropy")
axes[0, 0].set_ylim(0, 1.2)
last.legend()
fig.tight_layout()

# %%
# Decision boundaries
# -------------------
#
# The training points are drawn filled, the validation points as small
# crosses. The unregularized network bends its boundary around single noisy
# training points; L2 and dropout draw smoother boundaries that follow the
# moons. Early stopping, after little more than a hundred epochs, has not
# bent its boundary much yet, and still does about as well on the
# validation set.

x0, x1 = np.meshgrid(
    np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 300),
    np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 300),
)
grid = np.column_stack([x0.ravel(), x1.ravel()])

fig, axes = plt.subplots(2, 2, figsize=(10, 9), sharex=True, sharey=True)
for ax, (name, model) in zip(axes.flat, models.items(), strict=True):
    ax.contourf(
        x0, x1, model.predict(grid).reshape(x0.shape), cmap=plt.cm.Spectral, alpha=0.6
    )
    ax.scatter(
        X_val[:, 0],
        X_val[:, 1],
        c=y_val,
        cmap=plt.cm.Spectral,
        marker="x",
        s=12,
        linewidths=0.8,
    )
    ax.scatter(
        X_train[:, 0],
        X_train[:, 1],
        c=y_train,
        cmap=plt.cm.Spectral,
        edgecolors="k",
        s=25,
    )
    train_score, val_score = model.score(X_train, y_train), model.score(X_val, y_val)
    ax.set_title(f"{name}\ntrain {train_score:.3f}, validation {val_score:.3f}")
for ax in axes[-1, :]:
    ax.set_xlabel("$x_1$")
for ax in axes[:, 0]:
    ax.set_ylabel("$x_2$")
fig.tight_layout()

print(f"\nDone in {time.perf_counter() - start:.1f} s.")
plt.show()
