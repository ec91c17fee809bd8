"""
Quickstart: skdeep in a scikit-learn workflow
=============================================

skdeep's two estimators, :class:`~skdeep.LogisticRegressionGD` and
:class:`~skdeep.DeepNetClassifier`, are ordinary scikit-learn classifiers: they
go into a :class:`~sklearn.pipeline.Pipeline`, are cross-validated with
:func:`~sklearn.model_selection.cross_validate`, tuned with
:class:`~sklearn.model_selection.GridSearchCV` and saved with :mod:`joblib`.
This example does all of that on two datasets that ship with scikit-learn: the
breast cancer data (binary) for logistic regression and the handwritten digits
(10 classes) for the deep network. It runs in seconds, and prints how long it
took at the end.

The searches run in this process. ``n_jobs=2`` would spread their fits over
two worker processes; for fits this short, starting the workers costs more
than it saves.
"""

import os
import tempfile
import time

import joblib
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier, LogisticRegressionGD

start = time.perf_counter()

# sphinx_gallery_thumbnail_path = "_static/thumbnails/quickstart.png"


def print_grid_results(search, param_names):
    """One line per candidate of a fitted GridSearchCV, best first."""
    results = search.cv_results_
    columns = [
        [str(value) for value in results["param_" + name]] for name in param_names
    ]
    widths = [
        max(len(name), *map(len, values))
        for name, values in zip(param_names, columns, strict=True)
    ]
    header = "  ".join(
        name.ljust(width) for name, width in zip(param_names, widths, strict=True)
    )
    print(f"    {header}  accuracy (std)  rank")
    for i in np.argsort(results["rank_test_score"], kind="stable"):
        values = "  ".join(
            column[i].ljust(width)
            for column, width in zip(columns, widths, strict=True)
        )
        mean, std = results["mean_test_score"][i], results["std_test_score"][i]
        print(
            f"    {values}  {mean:.3f} ({std:.3f})  {results['rank_test_score'][i]:4d}"
        )


# %%
# Logistic regression, cross-validated
# ------------------------------------
#
# The inputs are standardized first: gradient descent, the course's optimizer,
# converges much faster on features of similar scale. ``LogisticRegressionGD``
# picks its step size from the data by default (``learning_rate="auto"``).
# A quarter of the data is held out for a final test.

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"Breast cancer data: {X.shape[0]} examples, {X.shape[1]} features, 2 classes")
print(f"  train / test split: {len(y_train)} / {len(y_test)} examples\n")

logreg = Pipeline([("scale", StandardScaler()), ("logreg", LogisticRegressionGD())])
cv = cross_validate(logreg, X_train, y_train, cv=5, scoring="accuracy")
scores = cv["test_score"]
print("1. Pipeline(StandardScaler(), LogisticRegressionGD()), 5-fold cross-validation")
print(f"  accuracy per fold: {np.array2string(scores, precision=3)}")
print(f"  mean accuracy:     {scores.mean():.3f} (std {scores.std():.3f})")
print(f"  mean fit time:     {cv['fit_time'].mean():.3f} s\n")

# %%
# Tuning the step and the L2 penalty
# ----------------------------------
#
# ``learning_rate`` is the course's ``alpha`` (the gradient-descent step) and
# ``alpha`` is the course's ``lambda`` (the L2 penalty), named as in
# scikit-learn. Step names prefix the parameters inside a pipeline.

logreg_grid = {
    "logreg__learning_rate": ["auto", 1.0],
    "logreg__alpha": [1.0, 3.0, 10.0],
}
logreg_search = GridSearchCV(logreg, logreg_grid, cv=5, scoring="accuracy")
logreg_search.fit(X_train, y_train)
print("2. GridSearchCV over LogisticRegressionGD's learning_rate and alpha (5-fold)")
print_grid_results(logreg_search, list(logreg_grid))
best_logreg = logreg_search.best_estimator_
print(f"  best parameters:        {logreg_search.best_params_}")
print(f"  iterations of the refit: {best_logreg[-1].n_iter_}")
print(f"  held-out test accuracy: {best_logreg.score(X_test, y_test):.3f}\n")

# %%
# A deep network on the digits
# ----------------------------
#
# ``DeepNetClassifier`` takes MLPClassifier's ``hidden_layer_sizes``; the
# output layer (here a 10-way softmax) is chosen from the targets. It trains
# with Adam on mini-batches by default.

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
n_classes = len(np.unique(y))
print(f"Digits data: {X.shape[0]} examples, {X.shape[1]} features, {n_classes} classes")
print(f"  train / test split: {len(y_train)} / {len(y_test)} examples\n")

net = Pipeline(
    [("scale", StandardScaler()), ("net", DeepNetClassifier(random_state=0))]
)
net_grid = {"net__hidden_layer_sizes": [(64,), (128,)], "net__alpha": [0.3, 3.0]}
net_search = GridSearchCV(net, net_grid, cv=3, scoring="accuracy")
net_search.fit(X_train, y_train)
print("3. GridSearchCV over DeepNetClassifier's hidden_layer_sizes and alpha (3-fold)")
print_grid_results(net_search, list(net_grid))
best_net = net_search.best_estimator_
shapes = ", ".join(
    f"{name} {W.shape}"
    for name, W in best_net[-1].parameters_.items()
    if name.startswith("W")
)
print(f"  best parameters:        {net_search.best_params_}")
refit = best_net[-1]
print(
    f"  epochs of the refit:    {refit.n_iter_}, final loss {refit.loss_curve_[-1]:.4f}"
)
print(f"  weights (course shapes): {shapes}")
print(f"  held-out test accuracy: {best_net.score(X_test, y_test):.3f}\n")

# %%
# Saving and loading with joblib
# ------------------------------
#
# A fitted model is a plain Python object: :func:`joblib.dump` saves it and
# :func:`joblib.load` gives back a model whose predictions are bit-for-bit
# the same.

print("4. joblib round trip")
with tempfile.TemporaryDirectory() as tmp:
    for name, model, X_check in (
        ("logreg", best_logreg, load_breast_cancer().data),
        ("deepnet", best_net, X_test),
    ):
        path = os.path.join(tmp, f"{name}.joblib")
        joblib.dump(model, path)
        size_kb = os.path.getsize(path) / 1024
        reloaded = joblib.load(path)
        identical = np.array_equal(
            model.predict_proba(X_check), reloaded.predict_proba(X_check)
        )
        print(
            f"  {name + '.joblib':>15} ({size_kb:5.1f} kB): "
            f"predict_proba identical after reload: {identical}"
        )
        if not identical:
            raise SystemExit(f"The reloaded {name} model predicts differently.")

print(f"\nDone in {time.perf_counter() - start:.1f} s.")
