"""
========================================
DeepNetRegressor against MLPRegressor
========================================

:class:`~skdeep.DeepNetRegressor` is the course's L-layer network with an
identity output, trained on the squared-error cost
:math:`J = \\frac{1}{2m} \\sum_i \\lVert a^{(i)} - y^{(i)} \\rVert^2`; by default
it learns the standardized targets and maps its predictions back. Here it
meets scikit-learn's :class:`~sklearn.neural_network.MLPRegressor` on
scikit-learn's diabetes data (442 patients, 10 features, a disease-progression
score from 25 to 346), both at their defaults behind a
:class:`~sklearn.preprocessing.StandardScaler`, except that ``MLPRegressor``
gets ``max_iter=2000`` instead of 200. Each is scored by 5-fold
cross-validated :math:`R^2` and timed, and the figure shows the out-of-fold
predictions and the training cost of each epoch. Most of its running time is
``MLPRegressor``'s 2000 epochs.
"""

# %%
# Five folds, the same for both
# -----------------------------
# ``cross_validate`` keeps each fold's fitted pipeline and test indices, so
# the out-of-fold predictions for the figure need no second round of fits.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, cross_validate
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetRegressor

X, y = load_diabetes(return_X_y=True)
cv = KFold(n_splits=5, shuffle=True, random_state=0)
models = {
    "DeepNetRegressor()": DeepNetRegressor(random_state=0),
    "MLPRegressor(max_iter=2000)": MLPRegressor(max_iter=2000, random_state=0),
}

results = {}
for name, net in models.items():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        results[name] = cross_validate(
            make_pipeline(StandardScaler(), net),
            X,
            y,
            cv=cv,
            return_train_score=True,
            return_estimator=True,
            return_indices=True,
        )
    # A fold that ends at max_iter warns (ConvergenceWarning): count them.
    results[name]["max_iter_hit"] = sum(
        issubclass(w.category, ConvergenceWarning) for w in caught
    )

print(f"{'':28} {'test R2':>15} {'train R2':>9} {'fit time':>9} {'epochs':>7}")
for name, res in results.items():
    test, train = res["test_score"], res["train_score"]
    epochs = np.mean([pipe[-1].n_iter_ for pipe in res["estimator"]])
    print(
        f"{name:28} {test.mean():7.3f} +- {test.std():.3f} {train.mean():9.3f} "
        f"{res['fit_time'].mean():8.3f}s {epochs:7.0f}"
    )
    print(f"{'':28} folds ending at max_iter: {res['max_iter_hit']} of 5")
skdeep, mlp = results.values()
r2_gap = skdeep["test_score"].mean() - mlp["test_score"].mean()
time_ratio = skdeep["fit_time"].mean() / mlp["fit_time"].mean()
print(f"\nDeepNetRegressor's mean test R2 minus MLPRegressor's: {r2_gap:+.3f}")
print(f"DeepNetRegressor's mean fit time / MLPRegressor's: {time_ratio:.2f}x")

# %%
# What the numbers say
# --------------------
# The table above is the one this build measured. At its defaults, skdeep is
# level with ``MLPRegressor`` on this data set: the difference of their mean
# test :math:`R^2` is far inside the folds' spread (the ``+-`` column), while
# each of its fits takes a small fraction of ``MLPRegressor``'s time, in a
# fraction of the epochs; ``MLPRegressor``'s end at ``max_iter`` without
# meeting its stopping rule, as its warnings count. With only about 350
# training rows per fold, the defaults' L2 penalty (``alpha=3``, the course's
# :math:`\lambda`, divided by m) keeps the training and test scores close: a
# 100-unit network would otherwise fit the folds' noise, the course's picture
# of *variance*. On 1,000 rows or more, ``early_stopping="auto"`` holds out a
# validation share and stops there instead. On the seven regression sets of
# ``benchmarks/real_data.py``, skdeep against ``MLPRegressor`` is on the
# :ref:`defaults page <defaults>`.

# %%
# Out-of-fold predictions and training curves
# -------------------------------------------
# Left: every patient's prediction by the fold that did not train on it. Right:
# the training cost of each epoch of the first fold, in the units of ``y``
# squared. skdeep trains on standardized targets, so its ``loss_curve_`` is
# multiplied by ``target_scale_ ** 2`` here to be comparable; both costs
# include their L2 term (scaled differently: see the names page).
fig, (ax_pred, ax_loss) = plt.subplots(1, 2, figsize=(11, 4.6))
for (name, res), color in zip(results.items(), ("C0", "C1"), strict=True):
    predicted = np.empty_like(y)
    for pipe, test_rows in zip(res["estimator"], res["indices"]["test"], strict=True):
        predicted[test_rows] = pipe.predict(X[test_rows])
    ax_pred.scatter(y, predicted, s=10, alpha=0.6, color=color, label=name)

    net = res["estimator"][0][-1]
    curve = np.asarray(net.loss_curve_)
    if isinstance(net, DeepNetRegressor):
        curve = curve * net.target_scale_[0] ** 2
    ax_loss.plot(np.arange(1, len(curve) + 1), curve, color=color, label=name)

limits = [y.min(), y.max()]
ax_pred.plot(limits, limits, color="0.4", linewidth=1, linestyle="--", label="perfect")
ax_pred.set(
    xlabel="true disease progression",
    ylabel="predicted (out of fold)",
    title="Predicted against true",
)
ax_pred.legend(loc="upper left")
ax_loss.set(
    xscale="log",
    yscale="log",
    xlabel="epoch",
    ylabel="training cost, in y's units squared",
    title="Training cost per epoch (first fold)",
)
ax_loss.legend()
fig.tight_layout()
plt.show()
