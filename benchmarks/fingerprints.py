"""Fingerprints of fits, to show that a refactoring changes no result.

Fits a fixed list of configurations (every solver, early stopping, warm
start, partial_fit, batch norm, dropout, float32, sparse input, the
regressor, LogisticRegressionGD's agd and gd, the course's configurations)
and records, for each, what a fit produces: the SHA-1 of the weights and
batch statistics, the loss curve, the validation scores, ``n_iter_``,
``t_`` and the SHA-1 of the predictions. Two recordings made before and
after a change are compared bit for bit::

    python benchmarks/fingerprints.py record before.json   # on the old code
    python benchmarks/fingerprints.py record after.json    # on the new code
    python benchmarks/fingerprints.py compare before.json after.json

Run both recordings on the same machine with the same BLAS thread count
(the script pins BLAS to one thread): float32 products may round
differently on another kernel or thread count.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_digits, load_iris, make_moons, make_regression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits


def _sha1(*arrays):
    digest = hashlib.sha1()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(str(array.dtype).encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _floats(values):
    return None if values is None else [float(v).hex() for v in values]


def fingerprint(model, X):
    """What a fitted model is, bit for bit."""
    parameters = [model.parameters_[name] for name in sorted(model.parameters_)]
    stats = [model.batch_norm_stats_[name] for name in sorted(model.batch_norm_stats_)]
    outputs = model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)
    return {
        "weights": _sha1(*parameters),
        "batch_norm_stats": _sha1(*stats),
        "loss_curve": _floats(model.loss_curve_),
        "validation_scores": _floats(getattr(model, "validation_scores_", None)),
        "validation_loss_curve": _floats(getattr(model, "validation_loss_curve_", None)),
        "best_loss": float(model.best_loss_).hex(),
        "n_iter": int(model.n_iter_),
        "t": int(getattr(model, "t_", -1)),
        "predictions": _sha1(outputs, model.predict(X)),
    }


def _data():
    digits_X, digits_y = load_digits(return_X_y=True)
    digits_X = StandardScaler().fit_transform(digits_X)
    iris_X, iris_y = load_iris(return_X_y=True)
    moons_X, moons_y = make_moons(300, noise=0.25, random_state=0)
    reg_X, reg_y = make_regression(400, 6, n_targets=2, noise=5.0, random_state=0)
    rng = np.random.RandomState(0)
    big_X = rng.standard_normal((2400, 20))
    big_y = (big_X[:, 0] + big_X[:, 1] ** 2 > 1).astype(int) + (big_X[:, 2] > 0.5)
    return {
        "digits": (digits_X, digits_y),
        "iris": (iris_X, iris_y),
        "iris_scaled": (StandardScaler().fit_transform(iris_X), iris_y),
        "moons": (moons_X, moons_y),
        "regression": (StandardScaler().fit_transform(reg_X), reg_y),
        "big": (big_X, big_y),
    }


def _configurations():
    """``name -> (data name, make estimator, how to fit)``."""
    from skdeep import DeepNetClassifier, DeepNetRegressor, LogisticRegressionGD

    def net(**params):
        defaults = dict(hidden_layer_sizes=(16, 8), max_iter=40, random_state=0, early_stopping=False)
        defaults.update(params)
        return lambda: DeepNetClassifier(**defaults)

    def course(**params):
        """The course's notebooks: full-batch gradient descent, random_state=1, no regularization."""
        settings = dict(solver="gd", learning_rate=0.0075, batch_size=None, max_iter=300, tol=0, alpha=0)
        settings.update(early_stopping=False, lr_schedule="constant", shuffle=False, random_state=1, **params)
        return lambda: DeepNetClassifier(**settings)

    configs = {}
    for solver in ("gd", "momentum", "rmsprop", "adagrad", "adam", "lbfgs"):
        configs[f"solver-{solver}"] = ("moons", net(solver=solver), "fit")
    configs.update(
        {
            "defaults-digits": ("digits", lambda: DeepNetClassifier(random_state=0, max_iter=30), "fit"),
            "defaults-big": ("big", lambda: DeepNetClassifier(random_state=0, max_iter=15), "fit"),
            "early-stopping": ("digits", net(early_stopping=True, n_iter_no_change=3, max_iter=200), "fit"),
            "early-stopping-accuracy": ("digits", net(early_stopping=True, scoring="accuracy"), "fit"),
            "adaptive": ("moons", net(lr_schedule="adaptive", tol=1e-2, n_iter_no_change=2, max_iter=300), "fit"),
            "schedules": ("moons", net(solver="gd", lr_schedule="inverse_time", decay_rate=0.3), "fit"),
            "tol-zero": ("moons", net(tol=0, batch_size=None, solver="gd", learning_rate=0.5), "fit"),
            "warm-start": ("digits", net(warm_start=True, max_iter=10), "fit3"),
            "warm-start-es": ("digits", net(warm_start=True, early_stopping=True, max_iter=10), "fit3"),
            "partial-fit": ("digits", net(), "partial"),
            "verbose-callbacks-free": (
                "iris_scaled",
                net(verbose=0, tol=1e-3, n_iter_no_change=2, max_iter=300),
                "fit",
            ),
            "partial-fit-regressor": (
                "regression",
                lambda: DeepNetRegressor(hidden_layer_sizes=(12,), random_state=0, early_stopping=False),
                "partial",
            ),
            "batch-norm": ("digits", net(batch_norm=True), "fit"),
            "batch-norm-lbfgs": ("moons", net(batch_norm=True, solver="lbfgs"), "fit"),
            "dropout": ("digits", net(dropout=(0.2, 0.1)), "fit"),
            "batch-norm-dropout": ("digits", net(batch_norm=True, dropout=0.3), "fit"),
            "input-noise": ("moons", net(input_noise=0.2), "fit"),
            "l1": ("moons", net(alpha_l1=0.5), "fit"),
            "class-weight": ("iris_scaled", net(class_weight="balanced"), "fit"),
            "sample-weight": ("iris_scaled", net(), "weighted"),
            "float32": ("digits", net(), "float32"),
            "float32-es": ("digits", net(early_stopping=True), "float32"),
            "sparse": ("digits", net(), "sparse"),
            "sparse-es": ("digits", net(early_stopping=True), "sparse"),
            "multilabel": ("iris_scaled", net(), "multilabel"),
            "x-val": ("digits", net(), "x_val"),
            "regressor": ("regression", lambda: DeepNetRegressor(random_state=0, max_iter=50), "fit"),
            "regressor-es": (
                "regression",
                lambda: DeepNetRegressor(random_state=0, early_stopping=True, max_iter=100),
                "fit",
            ),
            "regressor-lbfgs": ("regression", lambda: DeepNetRegressor(solver="lbfgs", random_state=0), "fit"),
            "regressor-float32": ("regression", lambda: DeepNetRegressor(random_state=0, max_iter=30), "float32"),
            "logistic-agd": ("digits", lambda: LogisticRegressionGD(), "fit"),
            "logistic-agd-binary": ("moons", lambda: LogisticRegressionGD(alpha=0.1), "fit"),
            "logistic-gd": ("iris_scaled", lambda: LogisticRegressionGD(solver="gd", learning_rate=0.5), "fit"),
            "logistic-gd-auto": ("moons", lambda: LogisticRegressionGD(solver="gd", max_iter=300), "fit"),
            "logistic-float32": ("digits", lambda: LogisticRegressionGD(max_iter=200), "float32"),
            "logistic-sparse": ("digits", lambda: LogisticRegressionGD(), "sparse"),
            "logistic-warm": ("moons", lambda: LogisticRegressionGD(warm_start=True, max_iter=20, tol=0), "fit3"),
            "logistic-partial": ("moons", lambda: LogisticRegressionGD(), "partial"),
            # The course's configurations: full batch gradient descent, random_state=1, no regularization.
            "course-two-layer": ("moons", course(hidden_layer_sizes=(7,), init="small"), "fit"),
            "course-deep": ("moons", course(hidden_layer_sizes=(20, 7, 5), init="xavier"), "fit"),
            "course-logistic": (
                "moons",
                lambda: LogisticRegressionGD(solver="gd", learning_rate=0.005, alpha=0, max_iter=2000, tol=0),
                "fit",
            ),
        }
    )
    return configs


def _fit(how, make, X, y):
    model = make()
    if how == "fit":
        return model.fit(X, y), X
    if how == "fit3":
        for _ in range(3):
            model.fit(X, y)
        return model, X
    if how == "partial":
        chunks = np.array_split(np.arange(len(y)), 5)
        classes = np.unique(y) if y.ndim == 1 and not np.issubdtype(y.dtype, np.floating) else None
        for _ in range(2):
            for rows in chunks:
                if classes is not None:
                    model.partial_fit(X[rows], y[rows], classes=classes)
                else:
                    model.partial_fit(X[rows], y[rows])
        return model, X
    if how == "weighted":
        weight = np.random.RandomState(0).uniform(0, 3, len(y))
        return model.fit(X, y, sample_weight=weight), X
    if how == "float32":
        X32 = X.astype(np.float32)
        return model.fit(X32, y), X32
    if how == "sparse":
        Xs = sp.csr_matrix(np.where(np.abs(X) < 0.5, 0.0, X))
        return model.fit(Xs, y), Xs
    if how == "multilabel":
        Y = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
        return model.fit(X, Y), X
    if how == "x_val":
        return model.fit(X[:1400], y[:1400], X_val=X[1400:], y_val=y[1400:]), X
    raise ValueError(how)


def record(path):
    data = _data()
    results = {}
    with threadpool_limits(1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (data_name, make, how) in _configurations().items():
            X, y = data[data_name]
            try:
                model, X_seen = _fit(how, make, X, y)
                results[name] = fingerprint(model, X_seen)
            except Exception as error:  # a refused fit is a result too
                results[name] = {"error": f"{type(error).__name__}: {error}"}
            print(name, "error" if "error" in results[name] else results[name]["weights"][:12], flush=True)
    with open(path, "w") as file:
        json.dump(results, file, indent=1, sort_keys=True)


def compare(before_path, after_path):
    with open(before_path) as file:
        before = json.load(file)
    with open(after_path) as file:
        after = json.load(file)
    differ = 0
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name), after.get(name)
        if a == b:
            print(f"same       {name}")
            continue
        differ += 1
        keys = sorted(k for k in set(a or {}) | set(b or {}) if (a or {}).get(k) != (b or {}).get(k))
        print(f"DIFFERENT  {name}: {', '.join(keys)}")
    print(f"{len(set(before) | set(after)) - differ} same, {differ} different")
    return differ


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("record").add_argument("path")
    compare_parser = commands.add_parser("compare")
    compare_parser.add_argument("before")
    compare_parser.add_argument("after")
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.path)
        return 0
    return 1 if compare(args.before, args.after) else 0


if __name__ == "__main__":
    sys.exit(main())
