"""
Calibrated probabilities: temperature scaling
=============================================

A network trained until its training cost stops falling is usually too sure
of itself. On small data with many columns it can fit every training example,
and its logits keep growing: the probabilities it gives crowd towards 0 and 1,
and each wrong answer then costs a large log-loss.

:class:`~skdeep.DeepNetClassifier` corrects this by default
(``calibration="auto"``): after training, it divides the output layer's
logits by one number, ``temperature_``, chosen for the lowest cross-entropy
on predictions for examples the network did not train on. Here the fit has
fewer than 1,000 examples and no dev set, so those predictions come from a
cross-fit: three more networks, each trained like the fitted one on two
thirds of the examples, predict the third they did not see. The fitted
network's weights, and so its labels, are those of a fit without
calibration: only the probabilities change.

This example compares ``calibration=None`` (the network's own
probabilities, as ``MLPClassifier`` gives them) with the default, on test
examples neither saw. It takes a few seconds.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.datasets import make_classification
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier

# %%
# Small, wide and noisy
# ---------------------
#
# 300 training examples with 120 columns, of which 8 carry the signal, and a
# tenth of the labels flipped at random: the kind of data where a network is
# overconfident.

X, y = make_classification(
    n_samples=2300,
    n_features=120,
    n_informative=8,
    n_redundant=0,
    flip_y=0.1,
    random_state=3,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=300, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

# %%
# The same network, with and without calibration
# ----------------------------------------------

models = {
    "calibration=None": DeepNetClassifier(calibration=None, random_state=0),
    'calibration="auto" (default)': DeepNetClassifier(random_state=0),
}
for name, model in models.items():
    model.fit(X_train, y_train)
    proba = model.predict_proba(X_test)
    print(
        f"{name:30s} temperature {model.temperature_:.2f}   "
        f"test accuracy {accuracy_score(y_test, model.predict(X_test)):.3f}   "
        f"test log-loss {log_loss(y_test, proba):.3f}"
    )
same = np.array_equal(*(m.predict(X_test) for m in models.values()))
print(f"\nThe two models predict the same labels: {same}")

# %%
# A reliability diagram
# ---------------------
#
# Test examples are grouped by the probability a model gives to class 1; for
# a calibrated model, the share of class 1 in each group is that probability
# (the diagonal). The network's own probabilities sit below the diagonal on
# the right and above it on the left: too sure. Divided by the temperature,
# they come close to it.

fig, (ax_curve, ax_hist) = plt.subplots(1, 2, figsize=(10, 4.2))
ax_curve.plot([0, 1], [0, 1], color="0.6", linestyle=":", label="calibrated")
for (name, model), color in zip(models.items(), ("tab:red", "tab:blue"), strict=True):
    proba = model.predict_proba(X_test)[:, 1]
    share, predicted = calibration_curve(y_test, proba, n_bins=10, strategy="quantile")
    ax_curve.plot(predicted, share, marker="o", color=color, label=name)
    ax_hist.hist(proba, bins=20, range=(0, 1), histtype="step", linewidth=2, color=color, label=name)
ax_curve.set(
    xlabel="probability of class 1 (mean in the group)",
    ylabel="share of class 1 in the group",
    title="Reliability on the test set",
)
ax_curve.legend(loc="upper left")
ax_hist.set(
    xlabel="probability of class 1",
    ylabel="test examples",
    title="Where the probabilities fall",
)
ax_hist.legend(loc="upper center")
fig.tight_layout()
plt.show()
