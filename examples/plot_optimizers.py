"""
Optimization methods: gradient descent, momentum and Adam
=========================================================

The course's "Optimization methods" assignment trains the same 3-layer
network ``[LINEAR -> RELU] x 2 -> LINEAR -> SIGMOID`` (layers_dims
``[2, 5, 2, 1]``, He initialization) on a noisy two-moons data set with
mini-batches of 64 examples and a learning rate of 0.0007, once with each
optimizer. Plain mini-batch gradient descent and momentum barely get past a
rough linear-looking split in that many epochs, while Adam, whose per-weight
step sizes adapt to the gradients' scale, fits the moons' shape. Here
:class:`~skdeep.DeepNetClassifier` runs the three trainings with the course's
settings (``solver="gd"``, ``"momentum"`` and ``"adam"``), then plots their
cost curves and decision boundaries. It runs in seconds.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons

from skdeep import DeepNetClassifier

start = time.perf_counter()

# %%
# The data
# --------
#
# The course's ``load_dataset()``: 300 points of two interleaving half moons
# with Gaussian noise. The inputs are already of order one, so they are not
# rescaled.

X, y = make_moons(n_samples=300, noise=0.2, random_state=3)
classes = np.unique(y).tolist()
print(f"Two moons: {X.shape[0]} examples, {X.shape[1]} features, classes {classes}\n")

# %%
# One network, three optimizers
# -----------------------------
#
# Everything but ``solver`` is the course's: ``hidden_layer_sizes=(5, 2)``,
# ``init="he"``, ``batch_size=64``, ``learning_rate=0.0007``,
# ``max_iter=5000`` epochs, no L2 penalty, and ``tol=0`` so that every epoch
# runs. ``beta_1=0.9`` is momentum's ``beta`` and Adam's ``beta1``;
# ``beta_2=0.999`` and ``epsilon=1e-8`` are Adam's, all defaults. The same
# ``random_state`` gives every run the same initial weights and the same
# mini-batches, so only the update rule differs.

solvers = {"gd": "Gradient descent", "momentum": "Momentum", "adam": "Adam"}
models = {}
for solver, title in solvers.items():
    model = DeepNetClassifier(
        hidden_layer_sizes=(5, 2),
        activation="relu",
        init="he",
        solver=solver,
        learning_rate=0.0007,
        batch_size=64,
        max_iter=5000,
        alpha=0.0,
        tol=0.0,
        random_state=2,
    )
    fit_start = time.perf_counter()
    model.fit(X, y)
    models[solver] = model
    print(
        f"{title:>16}: training accuracy {model.score(X, y):.3f}, "
        f"cost {model.loss_curve_[0]:.4f} -> {model.loss_curve_[-1]:.4f} "
        f"after {model.n_iter_} epochs ({time.perf_counter() - fit_start:.1f} s)"
    )

# %%
# The costs
# ---------
#
# ``loss_curve_`` holds one cost per epoch: the mean of the mini-batch costs,
# the course's ``cost_total / m``. Momentum follows gradient descent almost
# exactly (its dashed curve lies on top of gradient descent's): with such a
# small learning rate, averaging the gradients changes little. Adam's cost
# drops much faster and much lower.

fig, ax = plt.subplots(figsize=(7, 4.5))
styles = {"gd": {"linewidth": 3}, "momentum": {"linestyle": "--"}, "adam": {}}
for solver, title in solvers.items():
    ax.plot(models[solver].loss_curve_, label=title, **styles[solver])
ax.set_xlabel("epoch")
ax.set_ylabel("cost (cross-entropy)")
ax.set_title("Training cost, mini-batches of 64, learning rate 0.0007")
ax.set_ylim(0, None)
ax.legend()
fig.tight_layout()

# %%
# The decision boundaries
# -----------------------
#
# The course's ``plot_decision_boundary``: the predicted class on a grid
# around the data, with the training points on top.

x0, x1 = np.meshgrid(
    np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 300),
    np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 300),
)
grid = np.column_stack([x0.ravel(), x1.ravel()])

fig, axes = plt.subplots(1, len(models), figsize=(10.5, 3.8), sharex=True, sharey=True)
for ax, (solver, title) in zip(axes, solvers.items(), strict=True):
    model = models[solver]
    ax.contourf(
        x0, x1, model.predict(grid).reshape(x0.shape), cmap=plt.cm.Spectral, alpha=0.8
    )
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=plt.cm.Spectral, edgecolors="k", s=18)
    ax.set_title(f"{title}: accuracy {model.score(X, y):.3f}")
    ax.set_xlabel("$x_1$")
axes[0].set_ylabel("$x_2$")
fig.tight_layout()

print(f"\nDone in {time.perf_counter() - start:.1f} s.")
plt.show()
