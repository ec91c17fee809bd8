"""Benchmark skdeep against its peers, side by side, in one command.

Usage::

    python benchmarks/run.py                 # everything (< 10 minutes on 2 cores)
    python benchmarks/run.py --quick         # reduced sizes (< 2 minutes)
    python benchmarks/run.py --only B,C      # some workloads only
    python benchmarks/run.py --output out.md # also write the Markdown report to a file
    python benchmarks/run.py --threads 1     # limit BLAS (and PyTorch) threads

Each workload (A to G, described in benchmarks/README.md and in the docstring
of its module, listed in ``WORKLOAD_RUNNERS`` below) runs skdeep and its
reference implementations in the same process, on the same data, and reports
*ratios* next to the raw times, so that a result can be read without knowing
the speed of the machine. Every check of the project's speed targets is
gathered in a summary table with the measured value, the target and PASS/FAIL.

This file is the driver: the command line, the settings of a full and a quick
run, the header describing the machine, and the report. How the benchmark
times (best of N, contenders in turns, fixed seeds) is in ``measure.py``, the
report's tables in ``reporting.py``, workload B's problem and the peers
configured for it in ``contenders.py``. The exit status is 0 when every target
passes, 1 otherwise.
"""

import argparse
import contextlib
import os
import platform
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# The skdeep measured is the installed one (or the one on PYTHONPATH), else the checkout
# this file belongs to; the header of the report says which.
try:
    import skdeep
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import skdeep

import scipy
import sklearn
from digits_cv import workload_a
from epoch_scaling import workload_f
from logistic_gd import workload_e
from measure import threadpoolctl, torch
from memory_peaks import workload_d
from reporting import Report
from time_to_accuracy import workload_g
from whole_fit import workload_b
from wide_full_batch import workload_c

WORKLOADS = "ABCDEFG"
#: The function that runs each workload, from the module that holds it.
WORKLOAD_RUNNERS = {
    "A": workload_a,  # digits_cv.py
    "B": workload_b,  # whole_fit.py
    "C": workload_c,  # wide_full_batch.py
    "D": workload_d,  # memory_peaks.py
    "E": workload_e,  # logistic_gd.py
    "F": workload_f,  # epoch_scaling.py
    "G": workload_g,  # time_to_accuracy.py
}


# ---------------------------------------------------------------------------
# Settings: the full run and the --quick one differ only in sizes and repeats
# ---------------------------------------------------------------------------


@dataclass
class Settings:
    quick: bool
    repeats: int  # repeats of short timings (the best is kept)
    b_epochs: int  # epochs of a whole fit in workload B (the targets are set for 10)
    tight_repeats: int  # repeats for the tightest ratio targets (B, and E1)
    g_epochs: int  # epochs each contender trains in workload G
    c_iterations: int  # gradient-descent iterations timed in workload C
    d_rows: int  # rows predicted in workload D
    e_iterations: int  # gradient-descent iterations timed in workload E
    f_rows: tuple  # dataset sizes of workload F
    time_limit: float  # seconds the whole run should stay within
    start: float = field(default_factory=time.perf_counter)

    @classmethod
    def make(cls, quick):
        if quick:
            return cls(
                True,
                repeats=2,
                b_epochs=10,
                tight_repeats=2,
                g_epochs=6,
                c_iterations=60,
                d_rows=250_000,
                e_iterations=20,
                f_rows=(10_000, 100_000),
                time_limit=110,
            )
        return cls(
            False,
            repeats=3,
            b_epochs=10,
            tight_repeats=5,
            g_epochs=15,
            c_iterations=300,
            d_rows=1_000_000,
            e_iterations=60,
            f_rows=(10_000, 100_000, 1_000_000),
            time_limit=570,
        )

    def time_left(self):
        return self.time_limit - (time.perf_counter() - self.start)


# ---------------------------------------------------------------------------
# Machine description and entry point
# ---------------------------------------------------------------------------


def load_average():
    """The 1, 5 and 15 minute load averages: how busy the machine is with other work."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def machine_info():
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    blas = "unknown (pip install threadpoolctl)"
    if threadpoolctl is not None:
        info = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        blas = (
            "; ".join(
                f"{i['internal_api']} {i['version']} ({i.get('architecture')}, {i['num_threads']} threads)"
                for i in info
            )
            or "none found"
        )
    torch_version = f"{torch.__version__} ({torch.get_num_threads()} threads)" if torch else "not installed"
    lines = [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; load average at start: {load_average()}",
        (
            f"- Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}, "
            f"scikit-learn {sklearn.__version__}, PyTorch {torch_version}"
        ),
        f"- BLAS: {blas}",
        # The version only: the report is published in the docs, where a checkout's path says nothing.
        f"- skdeep {skdeep.__version__}",
    ]
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="reduced sizes and repeats (< 2 minutes)")
    parser.add_argument("--only", default=WORKLOADS, help="comma-separated workloads to run, e.g. A,B (default: all)")
    parser.add_argument("--output", type=Path, help="also write the Markdown report to this file")
    parser.add_argument("--threads", type=int, help="limit BLAS (and PyTorch) threads (default: library defaults)")
    args = parser.parse_args(argv)
    args.only = [w for w in args.only.upper() if not (w.isspace() or w == ",")]  # "A,B", "A B" or "AB"
    unknown = [w for w in args.only if w not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; choose among {', '.join(WORKLOADS)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    settings = Settings.make(args.quick)
    limits = contextlib.nullcontext()
    if args.threads:
        if threadpoolctl is None:
            sys.exit("--threads needs threadpoolctl")
        limits = threadpoolctl.threadpool_limits(args.threads)
        if torch is not None:
            torch.set_num_threads(args.threads)
    report = Report()
    mode = "quick" if settings.quick else "full"
    header = (
        f"## skdeep benchmarks ({mode} run, workloads {','.join(args.only)})\n\n"
        f"Ratios are skdeep's time (or memory) over the reference's: below 1 means skdeep is faster.\n\n"
    )
    start = time.perf_counter()
    with limits:
        info = machine_info()  # inside the limits, so the BLAS thread count shown is the one in force
        if hasattr(os, "getloadavg") and os.getloadavg()[0] > 0.5:
            info += (
                "\n\n> **The machine is busy** (load average above). Multithreaded BLAS slows down sharply, "
                "and erratically, when other processes compete for the cores: re-run on an idle machine, or "
                "compare with `--threads 1`."
            )
        print(header + info, flush=True)
        for name in args.only:
            t0 = time.perf_counter()
            try:
                WORKLOAD_RUNNERS[name](settings, report)
            except Exception as exc:
                traceback.print_exc()
                report.add(f"{name}. ERROR", f"`{type(exc).__name__}: {exc}`")
                report.errors.append(name)
            print(f"\n({name} took {time.perf_counter() - t0:.0f} s)", flush=True)
    footer = f"Total time: {time.perf_counter() - start:.0f} s; load average at end: {load_average()}"
    summary = report.summary()
    if report.diagnostics:
        summary += "\n\n" + report.diagnostics_table()
    print(f"\n### Targets\n\n{summary}\n\n{footer}", flush=True)
    if args.output:
        body = "\n\n".join(f"### {title}\n\n{text}" for title, text in report.sections)
        args.output.write_text(f"{header}{info}\n\n### Targets\n\n{summary}\n\n{body}\n\n{footer}\n")
        print(f"Report written to {args.output}")
    return 0 if all(c.passed for c in report.checks) and not report.errors else 1


if __name__ == "__main__":
    sys.exit(main())
