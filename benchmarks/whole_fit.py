"""Workload B: whole fits as a user times them, and the anatomy of skdeep's fit.

Measures a complete ``fit`` of 10 epochs (``tol=0``), from the NumPy arrays
to the trained model, on 20,000 x 100 ``make_classification`` data with 5
classes, hidden (128, 64), relu, Adam (lr 1e-3), alpha 1e-4, mini-batches of
200 (:mod:`contenders`): ``DeepNetClassifier`` on float32 and on float64
input against ``MLPClassifier`` on float64, at its default BLAS threads and
on one (the faster counts), and, when installed, a plain PyTorch CPU loop on
float32 (the same network), at PyTorch's default threads and on one (the
faster counts). Then the anatomy of skdeep's fit (:func:`fit_anatomy`, through
:func:`probes.trainer_probe`): the share of its time and of its memory that
goes around the epochs and, as a diagnostic, its median epoch against the
GEMM floor on one thread.

Targets: skdeep f32 <= 0.35x MLP f64; skdeep f64 <= 0.6x MLP f64; skdeep f32
<= 0.6x the PyTorch loop; time around the epochs <= 10% of the fit; memory
beyond the epochs' peak <= 5% of the fit's peak (each for f32 and f64).
"""

import gc
import tracemalloc

import numpy as np
from contenders import B_BATCH, B_HIDDEN, b_data, gemm_floor, mlp_b, skdeep_b, torch_fit
from measure import MB, RACE_BUDGET_SECONDS, one_thread, quiet, race, threadpool_limits_or_nothing, time_once, torch
from probes import trainer_probe
from reporting import fmt_s, fmt_x, md_table, ratio


def fit_anatomy(estimator, X, y, repeats):
    """Where a whole skdeep fit's time and memory go, around its epochs.

    Time: ``overhead = whole fit - epochs x median epoch``: everything a fit
    does besides its steady-state epochs (validation, label encoding,
    buffers, the first epoch's warm-up, any pass after the last step), as a
    share of the whole fit (the median over ``repeats`` fits). The median
    epoch also gives the per-epoch diagnostic against the GEMM floor.

    Memory (one more fit, under tracemalloc): the fit's peak extra memory,
    and how far the peaks before and after the epochs rise above the peak
    during them: what the work around the epochs allocates beyond the
    buffers the epochs themselves hold (the data's encoded targets and
    weights, the network, the optimizer's state, the batch workspaces).
    """
    shares, epochs = [], []
    for _ in range(repeats):
        with trainer_probe() as record:
            total = time_once(lambda: estimator.fit(X, y))
        median = float(np.median(record["epochs"]))
        shares.append(1 - len(record["epochs"]) * median / total)
        epochs.append(median)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        with trainer_probe(trace_memory=True) as record:
            estimator.fit(X, y)
        after = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    peak = max(record["setup"], record["epochs_peak"], after) - base
    beyond = max(0, max(record["setup"], after) - record["epochs_peak"])
    return {
        "overhead": float(np.median(shares)),
        "epoch": float(np.median(epochs)),
        "peak_mb": peak / MB,
        "beyond_mb": beyond / MB,
        "memory_share": beyond / peak if peak > 0 else float("nan"),
    }


# The deeplearning.ai course's L-layer network, written as the course's


def workload_b(settings, report):
    """B. Whole fits as a user times them: 20,000 x 100, 5 classes, hidden (128, 64), relu, Adam, batch 200.

    Each contender is a complete ``fit`` of ``settings.b_epochs`` epochs (10),
    from the NumPy arrays to the trained model: skdeep on float32 and on
    float64 input, MLPClassifier on float64 (its only dtype), and where
    PyTorch is installed a plain PyTorch CPU loop on float32 (the same
    network, Adam, batch 200), at PyTorch's default threads and on one
    thread (the target compares with the faster). Then, for skdeep, the
    anatomy of a fit (:func:`fit_anatomy`): the share of its time and of its
    memory that goes around the epochs, and, as a diagnostic, its median
    epoch against the GEMM floor on one thread (skdeep's choice at batch 200).
    """
    X, y = b_data(20_000)
    X32 = X.astype(np.float32)
    epochs = settings.b_epochs
    n_classes = len(np.unique(y))
    numpy_fits = {
        "MLP f64": (lambda: mlp_b(epochs=epochs).fit(X, y)),
        "MLP f64 (1 thread)": (lambda: one_thread(lambda: mlp_b(epochs=epochs).fit(X, y))),
        "skdeep f64": (lambda: skdeep_b(epochs=epochs).fit(X, y)),
        "skdeep f32": (lambda: skdeep_b(epochs=epochs).fit(X32, y)),
    }
    with quiet():
        times = race(numpy_fits, settings.tight_repeats, budget=2 * RACE_BUDGET_SECONDS)
    torch_times = {}
    if torch is not None:
        # A race of its own, after the NumPy one: PyTorch's OpenMP threads keep
        # spinning for a while after each call, which would steal cycles from
        # the fits after it. skdeep f32 runs again in this race so that the
        # ratio compares times taken in the same rounds.
        torch_fits = {
            "skdeep f32": numpy_fits["skdeep f32"],
            f"torch f32 ({torch.get_num_threads()} threads)": torch_fit(X32, y, B_HIDDEN, n_classes, epochs),
            "torch f32 (1 thread)": torch_fit(X32, y, B_HIDDEN, n_classes, epochs, threads=1),
        }
        with quiet():
            torch_times = race(torch_fits, settings.tight_repeats, budget=2 * RACE_BUDGET_SECONDS)
    # The faster MLPClassifier: on a busy machine its default (multithreaded)
    # BLAS can be many times slower than one thread, which would flatter skdeep.
    mlp = min(times["MLP f64"], times["MLP f64 (1 thread)"])
    rows = [[name, fmt_s(t), fmt_x(ratio(t, mlp)), ""] for name, t in times.items()]
    torch_best = float("nan")
    if torch_times:
        sk_again = torch_times.pop("skdeep f32")
        torch_best = min(torch_times.values())
        rows.append(["skdeep f32 (again, in the PyTorch race)", fmt_s(sk_again), "", "1.00x"])
        rows += [[name, fmt_s(t), "", fmt_x(ratio(t, sk_again))] for name, t in torch_times.items()]
        torch_ratio = ratio(sk_again, torch_best)
    else:
        rows.append(["PyTorch", "not installed", "", ""])
        torch_ratio = float("nan")
    report.add(
        f"B. Whole fit of {epochs} epochs, 20,000 x 100, 5 classes, hidden {B_HIDDEN}, relu, Adam, batch {B_BATCH} "
        f"(best of up to {settings.tight_repeats})",
        md_table(["Implementation", "Whole fit", "vs the faster MLP f64", "vs skdeep f32 (PyTorch race)"], rows),
    )
    report.check("B", "whole fit: skdeep f32 / MLP f64 (faster threads)", ratio(times["skdeep f32"], mlp), "<=", 0.35)
    report.check("B", "whole fit: skdeep f64 / MLP f64 (faster threads)", ratio(times["skdeep f64"], mlp), "<=", 0.6)
    report.check("B", "whole fit: skdeep f32 / PyTorch loop f32 (faster threads)", torch_ratio, "<=", 0.6)

    # The anatomy of skdeep's fit, and the per-epoch diagnostic.
    anatomy_rows = []
    for bits, data in ((32, X32), (64, X)):
        with quiet():
            a = fit_anatomy(skdeep_b(epochs=epochs), data, y, settings.repeats)
        dtype = np.float32 if bits == 32 else np.float64
        with threadpool_limits_or_nothing(1):
            floor = race({"floor": gemm_floor(data, B_HIDDEN, n_classes, B_BATCH, dtype)}, settings.repeats)["floor"]
        anatomy_rows.append(
            [
                f"skdeep f{bits}",
                f"{100 * a['overhead']:.1f}%",
                f"{a['peak_mb']:.2f} MB",
                f"{a['beyond_mb']:.3f} MB ({100 * a['memory_share']:.1f}%)",
                fmt_s(a["epoch"]),
                fmt_s(floor),
                fmt_x(ratio(a["epoch"], floor)),
            ]
        )
        report.check("B", f"fit f{bits}: time around the epochs / whole fit", a["overhead"], "<=", 0.10, unit="%")
        report.check(
            "B", f"fit f{bits}: memory beyond the epochs' buffers / peak", a["memory_share"], "<=", 0.05, unit="%"
        )
        report.diagnostic("B", f"epoch f{bits} / GEMM floor f{bits} (1 thread)", ratio(a["epoch"], floor))
    report.add(
        f"B (anatomy). Where skdeep's {epochs}-epoch fit goes (median of {settings.repeats} fits; memory: tracemalloc)",
        md_table(
            [
                "Fit",
                "Time around the epochs",
                "Peak extra memory",
                "Memory beyond the epochs' peak",
                "Median epoch",
                "GEMM floor (1 thread)",
                "Epoch x floor",
            ],
            anatomy_rows,
        ),
    )
