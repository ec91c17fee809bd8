"""Workload D: the peak extra memory (tracemalloc) of predicting on many rows and of an early-stopping fit.

Measures, against ``MLPClassifier``:

- ``predict_proba`` on 1,000,000 x 100 float32 rows (250,000 with
  ``--quick``) of models with hidden layers (256, 128) and 5 classes,
  fitted 1 epoch on 2,000 rows: its peak extra memory (the input excluded,
  the output included) and its time (best of 2, 1 with ``--quick``);
- a fit of one epoch with ``early_stopping=True`` on 200,000 x 100 float64
  rows (50,000 with ``--quick``), workload B's network: its peak extra
  memory, the input excluded.

- ``predict_proba``'s latency on 1, 10 and 100 rows (a request when serving),
  digits-sized models.

Targets: skdeep's predict_proba peak <= 64 MB and its time <= MLPClassifier's;
its latency on 1, 10 and 100 rows <= MLPClassifier's; the early-stopping
fit's peak <= 0.5x the input (a copy of the training rows alone is 0.9x).
"""

import gc
import tracemalloc

import numpy as np
from contenders import B_HIDDEN, b_data, mlp_b, skdeep_b
from measure import MB, SEED, quiet, race
from reporting import fmt_s, fmt_x, md_table, ratio


def peak_extra_mb(fn):
    """The peak memory ``fn()`` allocates beyond what is already there, in MB (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fn()
        return (tracemalloc.get_traced_memory()[1] - before) / MB
    finally:
        tracemalloc.stop()


def workload_d(settings, report):
    """D. predict_proba on many float32 rows: peak extra memory (tracemalloc) and time.

    Both models have hidden layers (256, 128) and are fitted for one epoch on
    2,000 rows; the prediction input is created before tracing starts, so the
    peak is the extra memory predict_proba allocates (its output included).
    """
    n_rows = settings.d_rows
    X_small, y_small = b_data(2_000)
    X_small = X_small.astype(np.float32)
    X_big = np.random.default_rng(SEED).standard_normal((n_rows, 100), dtype=np.float32)
    with quiet():
        models = {
            "skdeep DeepNetClassifier": skdeep_b(hidden=(256, 128), epochs=1).fit(X_small, y_small),
            "sklearn MLPClassifier": mlp_b(hidden=(256, 128), epochs=1).fit(X_small, y_small),
        }
    peaks = {name: peak_extra_mb(lambda m=model: m.predict_proba(X_big)) for name, model in models.items()}
    times = race(
        {name: (lambda m=model: m.predict_proba(X_big)) for name, model in models.items()}, settings.repeats - 1
    )
    sk, mlp = models
    rows = [
        [name, f"{peaks[name]:.1f} MB", fmt_s(times[name]), fmt_x(ratio(times[name], times[mlp]))] for name in models
    ]
    report.add(
        f"D. predict_proba on {n_rows:,} x 100 float32 rows, hidden (256, 128), 5 classes "
        f"(input: {X_big.nbytes / MB:.0f} MB, not counted)",
        md_table(["Model", "Peak extra memory", "Time", "Time vs MLP"], rows),
    )
    report.check("D", "predict_proba: skdeep peak extra memory", peaks[sk], "<=", 64, unit="MB")
    report.check("D", "predict_proba: skdeep time / MLP time", ratio(times[sk], times[mlp]), "<=", 1.0)
    serving_latency(settings, report)
    early_stopping_memory(settings, report)


#: Rows per request in the latency table: one request is one row when serving.
LATENCY_ROWS = (1, 10, 100)


def serving_latency(settings, report):
    """D (latency). predict_proba on 1, 10 and 100 rows: the time of one call, as a server pays it.

    Digits-sized models (64 features, hidden (100,), 10 classes), fitted for a
    few epochs; each time is the best mean over repeated batches of calls.
    """
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X / 16
    with quiet():
        models = {
            "skdeep DeepNetClassifier": skdeep_b(hidden=(100,), epochs=5).fit(X, y),
            "sklearn MLPClassifier": mlp_b(hidden=(100,), epochs=5).fit(X, y),
        }
    calls = 300 if settings.quick else 2000
    sk, mlp = models
    rows, ratios = [], {}
    for n_rows in LATENCY_ROWS:
        request = np.ascontiguousarray(X[:n_rows])
        times = race({name: _requests(model, request, calls) for name, model in models.items()}, settings.repeats + 2)
        per_call = {name: times[name] / calls for name in models}
        ratios[n_rows] = ratio(per_call[sk], per_call[mlp])
        rows.append([f"{n_rows}", *(f"{per_call[name] * 1e6:.0f} us" for name in models), fmt_x(ratios[n_rows])])
    report.add(
        "D (latency). predict_proba on a few rows (digits: 64 features, hidden (100,), 10 classes), time per call",
        md_table(["Rows", *models, "skdeep / MLP"], rows),
    )
    for n_rows in LATENCY_ROWS:
        report.check("D", f"predict_proba latency, {n_rows} row(s): skdeep / MLP", ratios[n_rows], "<=", 1.0)


def _requests(model, request, calls):
    """A callable serving ``calls`` requests of ``request`` with ``model.predict_proba``."""

    def serve():
        for _ in range(calls):
            model.predict_proba(request)

    return serve


def early_stopping_memory(settings, report):
    """D (fit). The peak extra memory of a one-epoch fit with early stopping on float64 rows.

    Early stopping holds a tenth of the rows out; the input is created before
    tracing starts, so the peak is what the fit allocates: the held-out copy,
    and for a model that copies its training rows, those nine tenths too.
    """
    X, y = b_data(settings.d_rows // 5)
    fits = {
        "skdeep DeepNetClassifier": skdeep_b(epochs=1).set_params(early_stopping=True),
        "sklearn MLPClassifier": mlp_b(epochs=1).set_params(early_stopping=True),
    }
    with quiet():
        peaks = {name: peak_extra_mb(lambda m=model: m.fit(X, y)) for name, model in fits.items()}
    input_mb = X.nbytes / MB
    rows = [[name, f"{peaks[name]:.1f} MB", f"{peaks[name] / input_mb:.2f}x"] for name in fits]
    report.add(
        f"D (fit). One epoch with early_stopping=True on {X.shape[0]:,} x 100 float64 rows, hidden {B_HIDDEN} "
        f"(input: {input_mb:.0f} MB, not counted)",
        md_table(["Model", "Peak extra memory", "vs the input"], rows),
    )
    # A copy of the training rows alone would be 0.9x.
    skdeep_share = peaks["skdeep DeepNetClassifier"] / input_mb
    report.check("D", "fit with early stopping: skdeep peak extra memory / input", skdeep_share, "<=", 0.5)
