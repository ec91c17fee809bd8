"""
The course's deep network, trained the course's way
===================================================

The course builds an L-layer network ``[LINEAR -> RELU] x (L-1) -> LINEAR ->
SIGMOID`` and trains it with full-batch gradient descent, printing the cost
every 100 iterations. :class:`~skdeep.DeepNetClassifier` configured as the
course does (``solver="gd"``, ``batch_size=None``, ``init="xavier"``, no L2
penalty, ``tol=0`` so that every iteration runs, ``random_state=1`` for the
course's ``np.random.seed(1)``) computes exactly the same iterations. Here it
trains the course's 4-layer shape ``layers_dims = [n_x, 20, 7, 5, 1]`` with
its learning rate of 0.0075 on the breast cancer data that ships with
scikit-learn, then prints the costs the way the course's notebook does.
"""

import time

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier

# sphinx_gallery_thumbnail_path = "_static/thumbnails/course_deep_net.png"

# %%
# The data
# --------
#
# scikit-learn hands the data as ``(m, n_x)``, one row per example; skdeep
# transposes it to the course's ``(n_x, m)`` internally, so nothing changes on
# the caller's side. The features are standardized, fit on the training part
# only.

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
m_train, n_x = X_train.shape
print(f"Training examples: m = {m_train}, features: n_x = {n_x}")
print(f"Test examples: {X_test.shape[0]}")

# %%
# L_layer_model, as in the course
# -------------------------------
#
# ``max_iter`` is the course's ``num_iterations``: with ``batch_size=None``
# each "epoch" is one gradient-descent step on the whole training set.

layers_dims = [n_x, 20, 7, 5, 1]
num_iterations = 2500
model = DeepNetClassifier(
    hidden_layer_sizes=layers_dims[1:-1],
    activation="relu",
    init="xavier",
    solver="gd",
    learning_rate=0.0075,
    batch_size=None,
    max_iter=num_iterations,
    alpha=0.0,
    tol=0.0,
    random_state=1,
)
start = time.perf_counter()
model.fit(X_train, y_train)
elapsed = time.perf_counter() - start

# %%
# The costs, printed as the course prints them
# --------------------------------------------
#
# ``loss_curve_[i]`` is the cost computed by forward propagation at iteration
# ``i``, before that iteration's update: the course's ``costs``.

costs = model.loss_curve_
for i, cost in enumerate(costs):
    if i % 100 == 0 or i == num_iterations - 1:
        print(f"Cost after iteration {i}: {cost:f}")
print(f"\n{model.n_iter_} iterations of full-batch gradient descent in {elapsed:.2f} s")

# %%
# Accuracy and the learned parameters
# -----------------------------------
#
# ``parameters_`` is the course's ``parameters`` dictionary, with
# ``W[l]`` of shape ``(n_l, n_{l-1})`` and ``b[l]`` of shape ``(n_l, 1)``;
# ``coefs_`` holds the same weights transposed, as MLPClassifier lays them out.

print(f"Train accuracy: {model.score(X_train, y_train):.4f}")
print(f"Test accuracy:  {model.score(X_test, y_test):.4f}")

print("\nparameters_ (course shapes):")
for name, value in model.parameters_.items():
    print(f"  {name}: {value.shape}")
print("coefs_ (MLPClassifier layout):", [W.shape for W in model.coefs_])
