"""LogisticRegressionGD against scikit-learn's LogisticRegression(lbfgs), whole fits.

For each data set, both estimators fit the same objective (``alpha = 1 / C``,
the intercept not penalized) at their defaults, on one BLAS thread. Reported:

* ``lr s``: LogisticRegression's fit time (best of ``--repeat`` runs);
* ``gd s``: LogisticRegressionGD's fit time, also best of ``--repeat``;
* ``ratio``: ``gd s / lr s``, the target being at most 1.5 in geometric mean
  and at most 3 on every set, *provided* LogisticRegressionGD's training
  log-loss is within 1e-3 of LogisticRegression's (``dloss``) and it did not
  warn (``conv``);
* ``gap``: LogisticRegressionGD's objective minus the optimum (from a tight
  L-BFGS fit), which ``tol`` bounds;
* ``to-target``: the time LogisticRegressionGD takes to reach
  LogisticRegression's training log-loss + 1e-3 (a fit with ``tol=0`` and
  ``max_iter`` the first iteration whose cost is below that), over ``lr s``.

Run from the repository root::

    python benchmarks/logistic_speed.py            # every set
    python benchmarks/logistic_speed.py --quick    # without the sparse 100,000 x 10,000 set
    python benchmarks/logistic_speed.py --real     # the 22 real sets of benchmarks/real_data.py

``--real`` takes the classification sets of ``benchmarks/datasets.py`` (the
``benchmark`` extra), preprocessed as ``benchmarks/real_data.py`` does
(imputed, scaled, one-hot), whole: the comparison is of training fits.
"""

import argparse
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from skdeep import LogisticRegressionGD


def planted_sparse(n_samples=120_000, n_features=10_000, nnz_per_row=10, seed=0):
    """A sparse CSR problem with labels drawn from a planted logistic model.

    The first 100,000 rows are for training (1M non-zeros at the default
    ``nnz_per_row=10``), the rest held out.
    """
    rng = np.random.RandomState(seed)
    X = sp.random(
        n_samples,
        n_features,
        density=nnz_per_row / n_features,
        format="csr",
        random_state=rng,
        data_rvs=rng.standard_normal,
    )
    w = rng.standard_normal(n_features)
    y = (rng.uniform(size=n_samples) < expit(X @ w)).astype(int)
    return X[:100_000], y[:100_000], X[100_000:], y[100_000:]


def data_sets(quick):
    scale = StandardScaler().fit_transform
    for name, loader in [
        ("digits", load_digits),
        ("breast_cancer", load_breast_cancer),
        ("wine", load_wine),
        ("iris", load_iris),
    ]:
        X, y = loader(return_X_y=True)
        yield f"{name} (scaled)", scale(X), y, None
    X, y = load_digits(return_X_y=True)
    yield "digits (raw 0..16)", X.astype(float), y, None
    X, y = make_classification(20_000, n_features=20, n_informative=10, random_state=0)
    yield "make_classification 20000x20", X, y, None
    X, y = make_classification(
        10_000, n_features=50, n_informative=30, n_classes=32, n_clusters_per_class=1, random_state=0
    )
    yield "32 classes 10000x50", X, y, None
    if not quick:
        X, y, X_test, y_test = planted_sparse()
        yield "sparse 100000x10000 (1M nnz)", X, y, (X_test, y_test)


def real_data_sets():
    """The real classification sets of the benchmark, preprocessed as real_data.py does."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from datasets import DATASETS, names
    from real_data import preprocessor

    for name in names("classification"):
        X, y = DATASETS[name].load()
        yield name, preprocessor(X).fit_transform(X), np.asarray(y), None


def timed_fit(make, X, y, repeat):
    best, model, warned = math.inf, None, False
    for _ in range(repeat):
        model = make()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(X, y)
            best = min(best, time.perf_counter() - start)
        warned = warned or any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return model, best, warned


def time_to_target(X, y, C, target, max_iter, repeat):
    """Seconds for LogisticRegressionGD to reach a training log-loss at most ``target``, and the iterations.

    The fit with ``tol=0`` and ``max_iter=k``, for the first ``k`` whose model
    has that log-loss (searched from the first iteration whose cost, the
    log-loss plus the penalty, is below it).
    """
    curve = LogisticRegressionGD(alpha=1 / C, tol=0, max_iter=max_iter).fit(X, y).loss_curve_
    below = np.flatnonzero(np.asarray(curve) <= target)
    n_iter = max(int(below[0]), 1) if below.size else 1  # loss_curve_[k] is the cost after k updates
    while n_iter <= max_iter:
        model = LogisticRegressionGD(alpha=1 / C, tol=0, max_iter=n_iter).fit(X, y)
        if log_loss(y, model.predict_proba(X)) <= target:
            break
        n_iter += max(1, n_iter // 20)
    else:
        return math.inf, None
    _, seconds, _ = timed_fit(lambda: LogisticRegressionGD(alpha=1 / C, tol=0, max_iter=n_iter), X, y, repeat)
    return seconds, n_iter


def objective(model, X, y, C):
    """Mean log-loss + ||coef||^2 / (2 C m): both estimators' objective."""
    return log_loss(y, model.predict_proba(X)) + 0.5 * float(np.sum(model.coef_**2)) / (C * X.shape[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the sparse 100,000 x 10,000 set")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tol", type=float, default=None, help="LogisticRegressionGD's tol (default: its own)")
    parser.add_argument("--real", action="store_true", help="the real classification sets of real_data.py instead")
    args = parser.parse_args()
    C = 1.0
    rows, ratios, target_ratios = [], [], []
    header = (
        f"{'data set':32} {'lr s':>8} {'gd s':>8} {'ratio':>6} {'to-target':>9} {'dloss':>9} {'gap':>9} "
        f"{'iters':>6} {'conv':>5}"
    )
    print(header)
    with threadpool_limits(limits=1, user_api="blas"):
        for name, X, y, held_out in real_data_sets() if args.real else data_sets(args.quick):
            repeat = 1 if X.shape[0] > 50_000 else args.repeat
            ref, t_ref, ref_warned = timed_fit(lambda: LogisticRegression(C=C), X, y, repeat)
            options = {"alpha": 1 / C} if args.tol is None else {"alpha": 1 / C, "tol": args.tol}
            ours, t_ours, warned = timed_fit(lambda options=options: LogisticRegressionGD(**options), X, y, repeat)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                tight = LogisticRegression(C=C, tol=1e-10, max_iter=10_000).fit(X, y)
            d_loss = log_loss(y, ours.predict_proba(X)) - log_loss(y, ref.predict_proba(X))
            gap = objective(ours, X, y, C) - objective(tight, X, y, C)
            ratio = t_ours / t_ref
            ratios.append(ratio)
            target = log_loss(y, ref.predict_proba(X)) + 1e-3
            t_target, _ = time_to_target(X, y, C, target, 2 * ours.n_iter_ + 10, repeat)
            target_ratios.append(t_target / t_ref)
            line = (
                f"{name:32} {t_ref:8.4f} {t_ours:8.4f} {ratio:6.2f} {t_target / t_ref:9.2f} {d_loss:9.1e} {gap:9.1e} "
                f"{ours.n_iter_:6d} {'no' if warned else 'yes':>5}"
            )
            if ref_warned:
                line += "  (LogisticRegression warned)"
            if held_out is not None:
                X_test, y_test = held_out
                line += f"  held-out acc {ours.score(X_test, y_test):.3f} vs {ref.score(X_test, y_test):.3f}"
            print(line, flush=True)
            rows.append(line)
    for what, values in [("whole converged fit", ratios), ("time to LogisticRegression's loss + 1e-3", target_ratios)]:
        print(f"{what}: geometric mean ratio {math.exp(np.mean(np.log(values))):.2f}, worst {max(values):.2f}")


if __name__ == "__main__":
    main()
