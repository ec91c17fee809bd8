"""A first look at candidate changes for issue 25, on a tuning half only.

Usage::

    python benchmarks/candidate_defaults.py [--output probe.md]      # batch 4's tuning half
    python benchmarks/candidate_defaults.py --batch 0 --task classification --variants defaults,bins

skdeep's defaults are not changed: each candidate is imitated from outside
the estimator, on the folds and the preprocessing of ``real_data.py`` (5-fold,
shuffled with ``random_state=0``, one BLAS thread), so that the next round
knows which ones are worth building in:

- ``defaults``: ``DeepNetClassifier()`` / ``DeepNetRegressor()`` as they are;
- ``temperature``: the classifier fitted on 90% of the training fold, its
  probabilities raised to the power ``1/T`` (and renormalized), ``T`` chosen
  on the other 10% (the lowest log-loss on a grid);
- ``quantile``: numeric columns mapped by their training quantiles to a
  normal distribution instead of standardized (outlying values are pulled in);
- ``bins``: standardized numeric columns, plus a one-hot of each numeric
  column's quantile bin (8 bins), a piecewise encoding the network can use
  as a tree uses thresholds (sets with at most 100 numeric columns);
- ``wide_alpha``: ``alpha`` multiplied by ``max(1, n_features / 100)``, a
  stronger penalty where there are many more weights than examples;
- ``ensemble5``: the mean prediction of 5 models (``random_state`` 0 to 4).

Only tuning sets are run (batch 4's by default, ``--batch 0`` for every
batch's): the held-out half is never read here. ``defaults`` is skdeep as
it is, so its rows follow skdeep's defaults of the day (the batch 4 report
predates calibration; the every-batch bins report was run with it).
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from datasets import CLASSIFICATION, DATASETS, names  # noqa: E402
from real_data import preprocessor  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.metrics import accuracy_score, log_loss, r2_score  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline, make_union  # noqa: E402
from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, QuantileTransformer, StandardScaler  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import skdeep  # noqa: E402
from skdeep import DeepNetClassifier, DeepNetRegressor  # noqa: E402

SEED = 0
VARIANTS = ("defaults", "temperature", "quantile", "bins", "wide_alpha", "ensemble5")
MAX_BINNED_COLUMNS = 100
TEMPERATURES = np.logspace(-1, 1.5, 51)


def _numeric_and_categorical(X):
    categorical = [c for c in X.columns if X[c].dtype == object]
    return [c for c in X.columns if c not in categorical], categorical


def _prep(X, numeric_part):
    numeric, categorical = _numeric_and_categorical(X)
    parts = [("numeric", numeric_part, numeric)] if numeric else []
    if categorical:
        parts.append(("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical))
    return ColumnTransformer(parts)


def _quantile_prep(X, n_train):
    quantiles = QuantileTransformer(n_quantiles=min(1000, n_train), output_distribution="normal", random_state=SEED)
    return _prep(X, make_pipeline(SimpleImputer(strategy="median"), quantiles))


def _bins_prep(X):
    numeric, _ = _numeric_and_categorical(X)
    if len(numeric) > MAX_BINNED_COLUMNS:
        return None
    scaled = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    # quantile_method: the default changes in scikit-learn 1.9; say which one so nothing warns.
    binned = make_pipeline(
        SimpleImputer(strategy="median"),
        KBinsDiscretizer(n_bins=8, encode="onehot-dense", strategy="quantile", quantile_method="averaged_inverted_cdf"),
    )
    return _prep(X, make_union(scaled, binned))


def _model(task, seed=SEED, **params):
    estimator = DeepNetClassifier if task == CLASSIFICATION else DeepNetRegressor
    return estimator(random_state=seed).set_params(**params)


def _predict(task, models, X):
    if task == CLASSIFICATION:
        return np.mean([m.predict_proba(X) for m in models], axis=0)
    return np.mean([m.predict(X) for m in models], axis=0)


def _temper(proba, temperature):
    logits = np.log(np.clip(proba, 1e-15, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    scaled = np.exp(logits)
    return scaled / scaled.sum(axis=1, keepdims=True)


def _fit(models, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for m in models:
            m.fit(X, y)
    return len(caught)


def run_variant(variant, task, X, y, train, test):
    """One fold of one variant: ``(score, log_loss or nan, fit seconds, warnings)``, or None when it does not apply."""
    X_tr, X_te = X.iloc[train], X.iloc[test]
    y_tr, y_te = y.iloc[train].to_numpy(), y.iloc[test].to_numpy()
    if variant == "quantile":
        prep = _quantile_prep(X, len(train))
    elif variant == "bins":
        prep = _bins_prep(X)
        if prep is None:
            return None
    else:
        prep = preprocessor(X)
    prep.fit(X_tr)
    A_tr, A_te = prep.transform(X_tr), prep.transform(X_te)
    params = {}
    if variant == "wide_alpha":
        base = _model(task).alpha
        params["alpha"] = base * max(1.0, A_tr.shape[1] / 100)
    seeds = range(5) if variant == "ensemble5" else [SEED]
    models = [_model(task, seed, **params) for seed in seeds]
    start = time.perf_counter()
    if variant == "temperature":
        if task != CLASSIFICATION:
            return None
        A_fit, A_dev, y_fit, y_dev = train_test_split(A_tr, y_tr, test_size=0.1, stratify=y_tr, random_state=SEED)
        n_warnings = _fit(models, A_fit, y_fit)
        dev = models[0].predict_proba(A_dev)
        losses = [log_loss(y_dev, _temper(dev, t), labels=models[0].classes_) for t in TEMPERATURES]
        temperature = TEMPERATURES[int(np.argmin(losses))]
    else:
        n_warnings = _fit(models, A_tr, y_tr)
        temperature = 1.0
    elapsed = time.perf_counter() - start
    prediction = _predict(task, models, A_te)
    if task == CLASSIFICATION:
        proba = _temper(prediction, temperature)
        classes = models[0].classes_
        score = 100 * accuracy_score(y_te, classes[np.argmax(proba, axis=1)])
        return score, log_loss(y_te, proba, labels=classes), elapsed, n_warnings
    return r2_score(y_te, prediction), np.nan, elapsed, n_warnings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", help="also write the Markdown table to this file")
    parser.add_argument("--batch", type=int, default=4, help="the tuning sets of this batch (0: every batch)")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated variants to run")
    parser.add_argument("--task", help="only the sets of this task (classification or regression)")
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}; choose from {list(VARIANTS)}")
    lines = [
        "## Candidate changes for issue 25, the tuning half of "
        + (f"batch {args.batch}" if args.batch else "every batch"),
        "",
        f"- {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; skdeep {skdeep.__version__}, "
        f"scikit-learn {sklearn.__version__}, NumPy {np.__version__}; one BLAS/OpenMP thread",
        "- 5-fold cross-validation (stratified for classification), shuffled, random_state=0; score: accuracy "
        "(points) or R^2, the mean over the folds; fit s: the mean fit time of a fold (every member for "
        "ensemble5); warnings: raised in the fits of all folds; the variants are described in "
        "benchmarks/candidate_defaults.py",
        "",
        "| set | task | variant | score | log-loss | fit s | warnings |",
        "|---|---|---|---|---|---|---|",
    ]
    with threadpool_limits(limits=1):
        for name in names(task=args.task, half="tuning", batch=args.batch or None):  # the tuning half only
            entry = DATASETS[name]
            X, y = entry.load()
            task = entry.task
            if task == CLASSIFICATION:
                folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED).split(X, y)
            else:
                folds = KFold(n_splits=5, shuffle=True, random_state=SEED).split(X, y)
            folds = list(folds)
            for variant in variants:
                results = [run_variant(variant, task, X, y, train, test) for train, test in folds]
                if any(r is None for r in results):
                    continue
                score, loss, seconds, n_warnings = (np.mean([r[i] for r in results]) for i in range(4))
                fmt = f"{score:.2f}" if task == CLASSIFICATION else f"{score:.3f}"
                loss_text = f"{loss:.3f}" if np.isfinite(loss) else "—"
                total_warnings = round(n_warnings * len(folds))
                row = f"| {name} | {task[:5]} | {variant} | {fmt} | {loss_text} | {seconds:.3f} | {total_warnings} |"
                lines.append(row)
                print(row, flush=True)
    if args.output:
        Path(args.output).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
