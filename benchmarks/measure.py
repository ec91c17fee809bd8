"""How the benchmark measures: fixed seeds, best-of-N timings raced in turns, thread limits.

Shared by every workload of ``benchmarks/run.py``. Timing rules:
``time.perf_counter``; short measurements are repeated and the best
(minimum) is kept, the usual estimate of the cost without the noise of
other processes; contenders of one workload run in turns (A, B, A, B...)
rather than one after the other, so that a burst of load on the machine
hits them alike (:func:`race`). Every random draw uses :data:`SEED`.

The optional libraries are imported here once: PyTorch (a reference in
workloads B and G) and threadpoolctl (BLAS threads); each is None when not
installed.
"""

import contextlib
import gc
import time
import warnings

from sklearn.exceptions import ConvergenceWarning

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
MB = 2**20


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
