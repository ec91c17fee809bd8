"""Benchmark skdeep against its peers, side by side, in one command.

Usage::

    python benchmarks/run.py                 # everything (< 10 minutes on 2 cores)
    python benchmarks/run.py --quick         # reduced sizes (< 2 minutes)
    python benchmarks/run.py --only B,C      # some workloads only
    python benchmarks/run.py --output out.md # also write the Markdown report to a file
    python benchmarks/run.py --threads 1     # limit BLAS (and PyTorch) threads

Each workload (A to G, described in benchmarks/README.md and in the docstring
of its function below) runs skdeep and its reference implementations in the
same process, on the same data, and reports *ratios* next to the raw times,
so that a result can be read without knowing the speed of the machine. Every
check of the project's speed targets is gathered in a summary table with the
measured value, the target and PASS/FAIL.

Timing rules: ``time.perf_counter``; short measurements are repeated and the
best (minimum) is kept, the usual estimate of the cost without the noise of
other processes; contenders of one workload are run in turns (A, B, A, B...)
rather than one after the other, so that a burst of load on the machine hits
them alike. Every random draw uses a fixed seed. The exit status is 0 when
every target passes, 1 otherwise.
"""

import argparse
import contextlib
import gc
import itertools
import math
import os
import platform
import sys
import time
import traceback
import tracemalloc
import warnings
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
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier, LogisticRegressionGD

try:  # Optional: PyTorch CPU as a reference in workloads B and G.
    import torch
except ImportError:  # pragma: no cover - depends on the environment
    torch = None

try:  # Optional: BLAS name/threads in the header, and --threads.
    import threadpoolctl
except ImportError:  # pragma: no cover
    threadpoolctl = None

SEED = 0
#: Repeats of a measurement stop once they would take longer than this (see ``race``).
RACE_BUDGET_SECONDS = 30
WORKLOADS = "ABCDEFG"
MB = 2**20


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
# Results: detail tables per workload plus one summary row per target
# ---------------------------------------------------------------------------


@dataclass
class Check:
    """One of the project's targets: a measured value against a threshold."""

    workload: str
    what: str
    value: float
    op: str  # "<=", "<" or ">="
    threshold: float
    unit: str = "x"  # how value and threshold are printed: "x" (a ratio), "%" (a share), "MB" or "" (a number)

    @property
    def passed(self):
        if not np.isfinite(self.value):
            return False
        return {
            "<=": self.value <= self.threshold,
            "<": self.value < self.threshold,
            ">=": self.value >= self.threshold,
        }[self.op]

    def fmt(self, v):
        if not np.isfinite(v):
            return "n/a"
        if self.unit == "x":
            return f"{v:.2f}x"
        if self.unit == "MB":
            return f"{v:.1f} MB"
        if self.unit == "%":
            return f"{100 * v:.1f}%"
        return f"{v:.4f}"


@dataclass
class Report:
    sections: list = field(default_factory=list)  # (title, markdown text)
    checks: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # workloads that raised
    diagnostics: list = field(default_factory=list)  # (workload, what, ratio): reported, no target

    def add(self, title, text):
        self.sections.append((title, text))
        print(f"\n### {title}\n\n{text}", flush=True)

    def check(self, *args, **kwargs):
        self.checks.append(Check(*args, **kwargs))

    def diagnostic(self, workload, what, value):
        self.diagnostics.append((workload, what, value))

    def diagnostics_table(self):
        return md_table(
            ["Workload", "Diagnostic (no target)", "Measured"], [[w, what, fmt_x(v)] for w, what, v in self.diagnostics]
        )

    def summary(self):
        rows = [
            [c.workload, c.what, c.fmt(c.value), f"{c.op} {c.fmt(c.threshold)}", "PASS" if c.passed else "**FAIL**"]
            for c in self.checks
        ]
        rows += [[name, "the workload raised an exception (see above)", "", "", "**ERROR**"] for name in self.errors]
        return md_table(["Workload", "Target", "Measured", "Target value", "Result"], rows)


def md_table(header, rows):
    """A Markdown table (pipes, aligned columns so it also reads as plain text)."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(header)]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def fmt_s(seconds):
    """A duration with a unit that keeps 3 significant digits readable."""
    if not np.isfinite(seconds):
        return "n/a"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} us"


def fmt_x(value):
    """A ratio, as ``0.42x``."""
    return f"{value:.2f}x" if np.isfinite(value) else "n/a"


def fmt_us(seconds):
    """A small duration in microseconds (per-row times)."""
    return f"{seconds * 1e6:.2f} us" if np.isfinite(seconds) else "n/a"


def ratio(a, b):
    return a / b if b > 0 else float("nan")


# ---------------------------------------------------------------------------
# Timing helpers
# ---------------------------------------------------------------------------


def time_once(fn):
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def race(contenders, repeats, budget=RACE_BUDGET_SECONDS):
    """Best time of each contender over ``repeats`` rounds, contenders taking turns.

    ``contenders`` maps a name to a no-argument callable. A new round starts
    only if it should end within ``budget`` seconds of the first round's
    start: on a machine so busy that everything runs many times slower, the
    benchmark stays within its time limit (with fewer repeats).
    """
    best = {name: float("inf") for name in contenders}
    start = time.perf_counter()
    for done in range(repeats):
        elapsed = time.perf_counter() - start
        if done and elapsed + elapsed / done > budget:
            break
        for name, fn in contenders.items():
            best[name] = min(best[name], time_once(fn))
    return best


@contextlib.contextmanager
def quiet():
    """Silence the convergence warnings that short, fixed-length fits raise on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# ---------------------------------------------------------------------------
# Shared data and reference implementations
# ---------------------------------------------------------------------------

B_HIDDEN = (128, 64)
B_BATCH = 200


def b_data(n_rows, n_features=100, n_classes=5):
    """Workload B's synthetic problem (``make_classification``, fixed seed)."""
    X, y = make_classification(
        n_samples=n_rows,
        n_features=n_features,
        n_informative=50,
        n_redundant=10,
        n_classes=n_classes,
        random_state=SEED,
    )
    return X, y


def skdeep_b(hidden=B_HIDDEN, epochs=1):
    """skdeep configured as workload B: Adam, mini-batches of 200, a fixed number of epochs."""
    return DeepNetClassifier(
        hidden_layer_sizes=hidden,
        activation="relu",
        solver="adam",
        batch_size=B_BATCH,
        learning_rate=0.001,
        alpha=1e-4,
        tol=0,
        max_iter=epochs,
        early_stopping=False,  # as MLPClassifier's: every epoch trains on all 20,000 rows
        shuffle=True,
        random_state=SEED,
    )


def mlp_b(hidden=B_HIDDEN, epochs=1):
    """MLPClassifier configured as workload B (its defaults are already Adam, lr 1e-3, alpha 1e-4)."""
    return MLPClassifier(
        hidden_layer_sizes=hidden,
        activation="relu",
        solver="adam",
        batch_size=B_BATCH,
        learning_rate_init=0.001,
        alpha=1e-4,
        max_iter=epochs,
        tol=0,
        n_iter_no_change=10**9,
        shuffle=True,
        random_state=SEED,
    )


def gemm_floor(X, hidden, n_outputs, batch_size, dtype):
    """The matrix products one epoch of training needs, and nothing else.

    Returns a callable running one epoch: for each mini-batch and layer, the
    forward product ``Z[l] = W[l] A[l-1]`` and, backward, ``dW[l] = dZ[l] A[l-1]^T``
    and ``dA[l-1] = W[l]^T dZ[l]`` (not for the first layer: nothing needs the
    gradient with respect to the inputs). Buffers are preallocated and every
    product writes into them with ``out=``; the mini-batch is a transposed
    *view* of the rows of X, as in skdeep. No bias, activation, loss or update.
    """
    rng = np.random.default_rng(SEED)
    X = np.ascontiguousarray(X, dtype=dtype)
    n_rows = X.shape[0] - X.shape[0] % batch_size  # whole batches only
    dims = (X.shape[1], *hidden, n_outputs)
    L = len(dims) - 1
    W = [None] + [
        (rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])).astype(dtype) for l in range(1, L + 1)
    ]
    dW = [None] + [np.empty_like(W[l]) for l in range(1, L + 1)]
    A = [None] + [np.empty((dims[l], batch_size), dtype=dtype) for l in range(1, L + 1)]
    dZ = [None] + [(0.01 * rng.standard_normal((dims[l], batch_size))).astype(dtype) for l in range(1, L + 1)]

    def epoch():
        for start in range(0, n_rows, batch_size):
            A0 = X[start : start + batch_size].T
            for l in range(1, L + 1):
                np.matmul(W[l], A0 if l == 1 else A[l - 1], out=A[l])
            for l in range(L, 0, -1):
                np.matmul(dZ[l], (A0 if l == 1 else A[l - 1]).T, out=dW[l])
                if l > 1:
                    np.matmul(W[l].T, dZ[l], out=dZ[l - 1])

    return epoch


def torch_fit(X, y, hidden, n_classes, epochs, threads=None, learning_rate=0.001, weight_decay=1e-4):
    """A plain PyTorch CPU training loop, float32, timed whole as a user would write it.

    Returns a callable that builds the tensors from the NumPy arrays, an
    ``nn.Sequential`` of Linear + ReLU layers with ``hidden`` units and Adam,
    and trains ``epochs`` epochs of shuffled mini-batches of 200 (cross-entropy,
    Adam's L2 ``weight_decay``). ``threads`` sets PyTorch's intra-op threads for
    the call (restored after); None keeps its default.
    """

    def fit():
        previous = torch.get_num_threads()
        if threads is not None:
            torch.set_num_threads(threads)
        try:
            model, epoch = _torch_training(X, y, hidden, n_classes, learning_rate, weight_decay)
            for _ in range(epochs):
                epoch()
            return model
        finally:
            torch.set_num_threads(previous)

    return fit


def torch_predict(model, X):
    """Class indices a PyTorch model predicts for X (no gradient)."""
    with torch.no_grad():
        return model(torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))).argmax(1).numpy()


@contextlib.contextmanager
def trainer_probe(trace_memory=False):
    """Hooks on skdeep's trainer (``skdeep._training.Trainer``) for one fit.

    Yields a dict that collects the time of every epoch (``"epochs"``) and,
    with ``trace_memory`` (tracemalloc must be running), the traced memory's
    peaks before the epochs (``"setup"``), during them (``"epochs_peak"``)
    and after them (read by the caller once fit returns, after
    ``tracemalloc.reset_peak`` here). The hooks are removed on exit.
    """
    from skdeep import _training

    trainer = _training.Trainer
    epoch, run_epochs = trainer.epoch, trainer._run_epochs
    record = {"epochs": []}

    def timed_epoch(self, learning_rate):
        start = time.perf_counter()
        cost = epoch(self, learning_rate)
        record["epochs"].append(time.perf_counter() - start)
        return cost

    def marked_run_epochs(self):
        if trace_memory:
            record["setup"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
        try:
            return run_epochs(self)
        finally:
            if trace_memory:
                record["epochs_peak"] = tracemalloc.get_traced_memory()[1]
                tracemalloc.reset_peak()

    trainer.epoch, trainer._run_epochs = timed_epoch, marked_run_epochs
    try:
        yield record
    finally:
        trainer.epoch, trainer._run_epochs = epoch, run_epochs


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
# notebook does (dicts of parameters, a list of caches, np.dot, a new array for
# every intermediate, dA[0] computed too): workload C's reference.


def course_initialize_parameters_deep(layer_dims):
    np.random.seed(1)  # noqa: NPY002 - the course's legacy global RNG, on purpose
    parameters = {}
    for l in range(1, len(layer_dims)):
        W = np.random.randn(layer_dims[l], layer_dims[l - 1])  # noqa: NPY002
        parameters["W" + str(l)] = W / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def course_linear_activation_forward(A_prev, W, b, activation):
    Z = np.dot(W, A_prev) + b
    A = 1 / (1 + np.exp(-Z)) if activation == "sigmoid" else np.maximum(0, Z)
    return A, ((A_prev, W, b), Z)


def course_L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = course_linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = course_linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def course_compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (-1 / m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


def course_linear_activation_backward(dA, cache, activation):
    (A_prev, W, _b), Z = cache
    if activation == "relu":
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
    else:
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def course_L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = course_linear_activation_backward(
        dAL, caches[L - 1], "sigmoid"
    )
    for l in reversed(range(L - 1)):
        dA_prev, dW, db = course_linear_activation_backward(grads["dA" + str(l + 1)], caches[l], "relu")
        grads["dA" + str(l)], grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = dA_prev, dW, db
    return grads


def course_update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def course_L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000):
    """The course's training loop: the cost is computed at every iteration."""
    costs = []
    parameters = course_initialize_parameters_deep(layers_dims)
    for _ in range(num_iterations):
        AL, caches = course_L_model_forward(X, parameters)
        costs.append(course_compute_cost(AL, Y))
        grads = course_L_model_backward(AL, Y, caches)
        parameters = course_update_parameters(parameters, grads, learning_rate)
    return parameters, costs


# ---------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------


def workload_a(settings, report):
    """A. Digits, default estimators: 5-fold CV accuracy and wall time.

    Pipeline(StandardScaler(), DeepNetClassifier()) against
    Pipeline(StandardScaler(), MLPClassifier()), both with their defaults
    (only random_state fixed), ``cross_val_score(cv=5)`` on load_digits.
    """
    X, y = load_digits(return_X_y=True)
    models = {
        "skdeep DeepNetClassifier": make_pipeline(StandardScaler(), DeepNetClassifier(random_state=SEED)),
        "sklearn MLPClassifier": make_pipeline(StandardScaler(), MLPClassifier(random_state=SEED)),
    }
    scores = {}

    def runner(name):
        def run():
            scores[name] = cross_val_score(models[name], X, y, cv=5, error_score="raise")

        return run

    with quiet():
        times = race({name: runner(name) for name in models}, 1 if settings.quick else 2)
    sk, mlp = models
    rows = [
        [
            name,
            f"{scores[name].mean():.4f} +/- {scores[name].std():.4f}",
            fmt_s(times[name]),
            fmt_x(ratio(times[name], times[mlp])),
        ]
        for name in models
    ]
    report.add(
        "A. Digits, 5-fold cross_val_score, default estimators (StandardScaler first)",
        md_table(["Model", "CV accuracy", "Wall time (5 fits)", "Time vs MLP"], rows),
    )
    report.check("A", "digits: skdeep mean CV accuracy", scores[sk].mean(), ">=", 0.94, unit="")
    report.check("A", "digits: skdeep CV time / MLP CV time", ratio(times[sk], times[mlp]), "<", 1.0)


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


def threadpool_limits_or_nothing(threads):
    """``threadpool_limits(threads)`` where threadpoolctl is installed, else nothing."""
    if threadpoolctl is None:
        return contextlib.nullcontext()
    return threadpoolctl.threadpool_limits(threads)


def one_thread(fn):
    """``fn()`` with BLAS (and PyTorch) on one thread; the settings are restored after."""
    previous = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(1)
    try:
        with threadpool_limits_or_nothing(1):
            return fn()
    finally:
        if torch is not None:
            torch.set_num_threads(previous)


def time_to_accuracy(steppers, X_test, y_test, max_epochs):
    """Train each contender epoch by epoch; its cumulative training time and held-out accuracy after each.

    ``steppers`` maps a name to ``(step, predict)``: ``step()`` trains one
    more epoch (timed), ``predict(X)`` gives labels (not timed).
    """
    curves = {}
    for name, (step, predict) in steppers.items():
        elapsed, curve = 0.0, []
        for _ in range(max_epochs):
            elapsed += time_once(step)
            curve.append((elapsed, float(np.mean(predict(X_test) == y_test))))
        curves[name] = curve
    return curves


def _partial_fit_stepper(estimator, X, y, classes, threads=None):
    def step():
        if threads == 1:
            one_thread(lambda: estimator.partial_fit(X, y, classes=classes))
        else:
            estimator.partial_fit(X, y, classes=classes)

    return step, lambda X_test: estimator.predict(X_test)


def _torch_training(X, y, hidden, n_classes, learning_rate=0.001, weight_decay=1e-4):
    """A fresh PyTorch model (Linear + ReLU layers with ``hidden`` units) and one epoch of its loop.

    Returns ``(model, epoch)``: each call of ``epoch()`` trains one epoch of
    shuffled mini-batches of 200 (cross-entropy, Adam with L2 ``weight_decay``),
    as a user would write the loop. Seeded from ``SEED``.
    """
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    yt = torch.from_numpy(np.asarray(y, dtype=np.int64))
    dims = (X.shape[1], *hidden)
    layers = []
    for n_in, n_out in itertools.pairwise(dims):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(dims[-1], n_classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, weight_decay=weight_decay)
    loss_fn = torch.nn.CrossEntropyLoss()

    def epoch():
        order = torch.randperm(len(Xt), generator=generator)
        for start in range(0, len(Xt), B_BATCH):
            rows = order[start : start + B_BATCH]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(Xt[rows]), yt[rows]).backward()
            optimizer.step()

    return model, epoch


def _torch_stepper(X, y, hidden, n_classes):
    """One epoch of :func:`torch_fit`'s loop per call (default threads), on a model built once."""
    model, epoch = _torch_training(X, y, hidden, n_classes)
    return epoch, lambda X_test: torch_predict(model, X_test)


def workload_g(settings, report):
    """G. Time to a held-out accuracy: 25,000 rows of B's problem, 20,000 to train, 5,000 held out.

    Every contender trains epoch by epoch (``partial_fit`` for the
    estimators: one epoch each, at the estimator's settings; one epoch of the
    loop for PyTorch), its held-out accuracy read after each epoch (not
    timed). The accuracy to reach is 99% of the best one the weakest
    contender reaches within the epochs allowed, so every contender gets
    there; the table gives the epochs and the training time it took.

    The references run on one thread (skdeep chooses its own, on one at
    batch 200): at batch 200 a second thread does not pay on an idle machine,
    and on a busy one it makes them many times slower (workload B shows both).

    Two settings: *defaults* (``DeepNetClassifier()`` against
    ``MLPClassifier()``, and PyTorch with MLPClassifier's default network,
    hidden (100,), Adam lr 1e-3, batch 200) and *comparable* (B's
    configuration for all: hidden (128, 64), Adam lr 1e-3, batch 200).
    """
    X, y = b_data(25_000)
    X_train, y_train, X_test, y_test = X[:20_000], y[:20_000], X[20_000:], y[20_000:]
    X32 = X_train.astype(np.float32)
    classes = np.unique(y)
    n_classes = len(classes)
    max_epochs = settings.g_epochs
    settings_rows = []
    for label, make_sk, make_mlp, torch_hidden in (
        ("defaults", lambda: DeepNetClassifier(random_state=SEED), lambda: MLPClassifier(random_state=SEED), (100,)),
        ("comparable", lambda: skdeep_b(), lambda: mlp_b(), B_HIDDEN),
    ):
        steppers = {
            "skdeep f32": _partial_fit_stepper(make_sk(), X32, y_train, classes),
            "skdeep f64": _partial_fit_stepper(make_sk(), X_train, y_train, classes),
            "MLP f64": _partial_fit_stepper(make_mlp(), X_train, y_train, classes, threads=1),
        }
        if torch is not None:
            step, predict = _torch_stepper(X32, y_train, torch_hidden, n_classes)
            steppers["torch f32"] = ((lambda step=step: one_thread(step)), predict)
        with quiet():
            curves = time_to_accuracy(steppers, X_test, y_test, max_epochs)
        target = 0.99 * min(max(acc for _, acc in curve) for curve in curves.values())
        reached = {}
        for name, curve in curves.items():
            epoch = next(i for i, (_, acc) in enumerate(curve) if acc >= target)
            reached[name] = (epoch + 1, curve[epoch][0], max(acc for _, acc in curve))
        for name, (n_epochs, seconds, best) in reached.items():
            settings_rows.append(
                [
                    label,
                    name,
                    f"{best:.4f}",
                    f"{target:.4f}",
                    str(n_epochs),
                    fmt_s(seconds),
                    fmt_x(ratio(seconds, reached["MLP f64"][1])),
                    fmt_x(ratio(seconds, reached["torch f32"][1])) if "torch f32" in reached else "n/a",
                ]
            )
        for name in ("skdeep f32", "skdeep f64"):
            report.diagnostic(
                "G", f"{label}: time to accuracy, {name} / MLP f64", ratio(reached[name][1], reached["MLP f64"][1])
            )
            if "torch f32" in reached:
                report.diagnostic(
                    "G",
                    f"{label}: time to accuracy, {name} / PyTorch f32",
                    ratio(reached[name][1], reached["torch f32"][1]),
                )
    report.add(
        f"G. Time to a held-out accuracy (B's problem, 20,000 training rows, 5,000 held out, "
        f"up to {max_epochs} epochs)",
        md_table(
            [
                "Settings",
                "Implementation",
                f"Best accuracy ({max_epochs} epochs)",
                "Accuracy to reach",
                "Epochs",
                "Training time",
                "vs MLP f64",
                "vs PyTorch f32",
            ],
            settings_rows,
        ),
    )


def workload_c(settings, report):
    """C. The course's wide full-batch network: 209 x 12288 inputs, layers (20, 7, 5, 1), gradient descent.

    skdeep on float32 input against the course's own NumPy code (float64, as
    the course's ``train_x / 255.`` gives), both for the same number of
    iterations; time per iteration.
    """
    rng = np.random.default_rng(SEED)
    X32 = rng.random((209, 12288), dtype=np.float32)  # like the course's images scaled to [0, 1]
    y = (X32 @ rng.standard_normal(12288) > 0).astype(int)  # binary labels with some signal
    X64 = X32.astype(np.float64)
    n_iter = settings.c_iterations
    layers_dims = [12288, 20, 7, 5, 1]

    def skdeep_fit(X):
        est = DeepNetClassifier(
            hidden_layer_sizes=(20, 7, 5),
            solver="gd",
            batch_size=None,
            init="xavier",
            alpha=0,
            tol=0,
            learning_rate=0.0075,
            max_iter=n_iter,
            random_state=1,
        )
        return lambda: est.fit(X, y)

    contenders = {
        "course NumPy loop, f64": lambda: course_L_layer_model(
            X64.T, y.reshape(1, -1), layers_dims, num_iterations=n_iter
        ),
        "skdeep f32": skdeep_fit(X32),
        "skdeep f64": skdeep_fit(X64),
    }
    per_iter = {name: t / n_iter for name, t in race(contenders, 1 if settings.quick else 2).items()}
    ref = per_iter["course NumPy loop, f64"]
    rows = [[name, fmt_s(t), fmt_x(ratio(t, ref))] for name, t in per_iter.items()]
    report.add(
        f"C. Wide full batch, 209 x 12288, layers (20, 7, 5, 1), gradient descent ({n_iter} iterations)",
        md_table(["Implementation", "Time / iteration", "vs course loop f64"], rows),
    )
    report.check("C", "wide full batch: skdeep f32 / course loop f64", ratio(per_iter["skdeep f32"], ref), "<=", 0.3)


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
    early_stopping_memory(settings, report)


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


def workload_e(settings, report):
    """E. LogisticRegressionGD: cost of an iteration, and time to lbfgs's accuracy.

    E1: 100,000 x 100 float64, binary. skdeep's time per iteration is the
    difference between fits of 1 + N and 1 iterations divided by N (setup
    cost cancels out), against N rounds of the two matrix-vector products an
    iteration needs, ``z = X w`` and ``g = X^T dz``, into preallocated arrays.

    E2: breast cancer, standardized. lbfgs (LogisticRegression defaults, C=1)
    sets the training accuracy to reach; the smallest max_iter at which
    LogisticRegressionGD(learning_rate="auto", alpha=1 = 1/C, tol=0) matches
    it is found by stepping one iteration at a time (warm_start), then a fresh
    fit of that many iterations is timed against lbfgs's fit.
    """
    rng = np.random.default_rng(SEED)
    n_iter = settings.e_iterations
    X = rng.standard_normal((100_000, 100))
    y = (X @ rng.standard_normal(100) + rng.standard_normal(100_000) > 0).astype(int)
    w, dz = rng.standard_normal(100), rng.standard_normal(100_000)
    z, g = np.empty(100_000), np.empty(100)

    def matvecs():
        for _ in range(n_iter):
            np.matmul(X, w, out=z)
            np.matmul(X.T, dz, out=g)

    fits = {k: LogisticRegressionGD(learning_rate=0.1, tol=0, max_iter=k) for k in (1, 1 + n_iter)}
    t = race(
        {"matvecs": matvecs, **{k: (lambda e=est: e.fit(X, y)) for k, est in fits.items()}}, settings.tight_repeats
    )
    per_iter_gd = (t[1 + n_iter] - t[1]) / n_iter
    per_iter_mv = t["matvecs"] / n_iter

    # E2: time to LogisticRegression's training log-loss + 1e-3 (issue 16's target),
    # measured as benchmarks/logistic_speed.py does, on two standardized sets.
    from logistic_speed import time_to_target, timed_fit

    e2 = []
    for name, loader in (("breast cancer", load_breast_cancer), ("digits", load_digits)):
        Xs, ys = loader(return_X_y=True)
        Xs = StandardScaler().fit_transform(Xs)
        lbfgs, t_lbfgs, _ = timed_fit(LogisticRegression, Xs, ys, 5 * settings.repeats)
        target = log_loss(ys, lbfgs.predict_proba(Xs)) + 1e-3
        t_gd, k = time_to_target(Xs, ys, 1.0, target, 5_000, 5 * settings.repeats)
        e2.append((name, t_lbfgs, t_gd, k))
    e2_ratio = math.exp(np.mean([math.log(t_gd / t_lbfgs) for _, t_lbfgs, t_gd, _ in e2]))

    rows = [
        [
            "E1 (100,000 x 100 f64)",
            "skdeep LogisticRegressionGD, per iteration",
            fmt_s(per_iter_gd),
            fmt_x(ratio(per_iter_gd, per_iter_mv)),
        ],
        ["E1 (100,000 x 100 f64)", "X @ w and X.T @ dz (floor)", fmt_s(per_iter_mv), "1.00x"],
        *(
            row
            for name, t_lbfgs, t_gd, k in e2
            for row in (
                [f"E2 ({name})", "LogisticRegression lbfgs fit", fmt_s(t_lbfgs), "1.00x"],
                [
                    f"E2 ({name})",
                    f"LogisticRegressionGD to lbfgs's log-loss + 1e-3 ({k} iterations)",
                    fmt_s(t_gd),
                    fmt_x(ratio(t_gd, t_lbfgs)),
                ],
            )
        ),
    ]
    report.add("E. LogisticRegressionGD", md_table(["Case", "Implementation", "Time", "Ratio"], rows))
    report.diagnostic("E", "logistic: skdeep iteration / two matvecs", ratio(per_iter_gd, per_iter_mv))
    report.check("E", "logistic: time to lbfgs's log-loss + 1e-3 / lbfgs fit (geo. mean)", e2_ratio, "<=", 1.5)


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
    workloads = {
        "A": workload_a,
        "B": workload_b,
        "C": workload_c,
        "D": workload_d,
        "E": workload_e,
        "F": workload_f,
        "G": workload_g,
    }
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
                workloads[name](settings, report)
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
