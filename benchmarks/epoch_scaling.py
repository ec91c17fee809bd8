"""Workload F: how skdeep's epoch scales in rows and in width (no peer).

Measures the time of one epoch of ``DeepNetClassifier`` in workload B's
configuration on float32 input, (fit of 1 + E epochs - fit of 1 epoch) / E so
that what a fit does once does not weigh on the 1-epoch large sizes: at 10k,
100k and 1M rows (1M not with ``--quick``), as time per row, and at widths
(64,), (128, 64), (512, 256) on 20k rows against their GEMM floor (on one
thread, as skdeep at batch 200). A size whose projected time would pass the
run's time limit is skipped, saying so in the table.

Target: time per row at the largest size <= 1.5x that at 10k rows (the
benchmark's reading of "stays linear in rows").
"""

import numpy as np
from contenders import B_BATCH, B_HIDDEN, b_data, gemm_floor, skdeep_b
from measure import quiet, race, threadpool_limits_or_nothing
from reporting import fmt_s, fmt_us, fmt_x, md_table, ratio


def skdeep_epoch_time(X, y, hidden, epochs, repeats):
    """Time of one skdeep epoch: (fit of 1 + epochs) - (fit of 1), divided by epochs.

    The difference cancels what a fit does once (validation, label encoding,
    initialization), which would otherwise weigh on the largest, 1-epoch sizes.
    """
    fits = {k: (lambda k=k: skdeep_b(hidden=hidden, epochs=k).fit(X, y)) for k in (1, 1 + epochs)}
    with quiet():
        t = race(fits, repeats)
    if t[1 + epochs] <= t[1]:  # only when the machine's load swamps the measurement
        return float("nan")
    return (t[1 + epochs] - t[1]) / epochs


def workload_f(settings, report):
    """F. Scaling of skdeep's epoch (workload B's configuration, float32) in rows and in width."""
    rows, per_row = [], {}
    smallest = settings.f_rows[0]
    for n in settings.f_rows:
        # Enough epochs for ~60,000 rows per timing, and at least 2 so that the
        # difference of two fits is not one epoch's noise; 2 repeats at the largest size.
        epochs, repeats = max(2, 60_000 // n), settings.repeats if n <= 100_000 else 2
        rate = max((v for v in per_row.values() if np.isfinite(v)), default=None)
        if rate is not None:
            # Fits of 1 and 1 + epochs epochs, from the per-row time measured so far (x2 for setup).
            projected = 2 * (2 + epochs) * n * rate
            if projected > settings.time_left():
                note = f"skipped: would take ~{projected:.0f} s, past the run's time limit (machine busy?)"
                rows.append([f"{n:,} rows", str(B_HIDDEN), note, "", "", ""])
                continue
        X, y = b_data(n)
        X = X.astype(np.float32)
        t = skdeep_epoch_time(X, y, B_HIDDEN, epochs, repeats)
        per_row[n] = t / n
        rows.append(
            [
                f"{n:,} rows",
                str(B_HIDDEN),
                fmt_s(t),
                fmt_us(t / n),
                fmt_x(per_row[n] / per_row[smallest]),
                "",
            ]
        )
        del X, y
    X, y = b_data(20_000)
    X = X.astype(np.float32)
    for hidden in ((64,), (128, 64), (512, 256)):
        if settings.time_left() < 30:
            rows.append(["20,000 rows", str(hidden), "skipped: past the run's time limit (machine busy?)", "", "", ""])
            continue
        t = skdeep_epoch_time(X, y, hidden, 2, settings.repeats)
        with threadpool_limits_or_nothing(1):  # skdeep's own choice at batch 200
            floor = race({"floor": gemm_floor(X, hidden, 5, B_BATCH, np.float32)}, settings.repeats)["floor"]
        rows.append(["20,000 rows", str(hidden), fmt_s(t), fmt_us(t / 20_000), "", fmt_x(ratio(t, floor))])
    header = [
        "Data",
        "Hidden layers",
        "Time / epoch",
        "Time / row",
        f"Per row vs {smallest:,}",
        "x GEMM floor f32 (1 thread)",
    ]
    report.add("F. Scaling of skdeep's epoch (B's configuration, float32)", md_table(header, rows))
    largest = max((n for n, v in per_row.items() if np.isfinite(v)), default=smallest)
    report.check(
        "F",
        f"scaling: time per row at {largest:,} / at {smallest:,} rows",
        per_row[largest] / per_row[smallest],
        "<=",
        1.5,
    )
