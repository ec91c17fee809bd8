"""How many BLAS threads a training run or a prediction uses: a function of the problem alone.

The rule, per call (an epoch, an L-BFGS evaluation, a predict, a validation pass)::

    threads = 1                                     if flops < SINGLE_THREAD_FLOPS (20 MFLOP)
              min(the BLAS setting, usable cores)   otherwise

where ``flops`` counts the floating-point operations of one forward pass of
a mini-batch (or of the rows predicted), the BLAS setting is the most
threads the process's BLAS libraries are set to use when no skdeep call is
running (the user's ``threadpoolctl`` limit or ``OPENBLAS_NUM_THREADS``),
and the usable cores are those of the process's affinity mask. Nothing
else enters: not the load average, not /proc, not what other processes or
threads do. On an idle machine these are the choices the earlier,
load-following rule made (it ran large products on the idle cores, up to
the setting), so the speed measured with it on an idle machine stands.

Why the choice must not follow the load. A BLAS kernel may split a product
differently on one thread and on two, and then sums in another order: with
OpenBLAS's Haswell kernel (``OPENBLAS_CORETYPE=Haswell``), a float32
(200, 512) x (512, 256) product differs by up to 4.6e-5 between one thread
and two (float64 was identical, and so was float32 with the SkylakeX
kernel). An earlier rule ran large products on as many threads as there
were idle cores: the same ``random_state`` then gave other weights when two
other processes kept the cores busy (issue 24). The weights now depend on
the data, the hyperparameters, ``random_state`` and the thread settings the
user chose, never on other processes.

What load does now: it makes fits slower, never different. Measured on the
project's machine (2 cores, OpenBLAS 0.3.30/0.3.31, ``OPENBLAS_CORETYPE=Haswell``;
time on two threads / time on one, best of 5 rounds idle and of 2 busy,
the two alternating; hidden (128, 64) on 20,000 x 100 rows unless said,
per epoch; "idle" is the shared machine at a quiet moment, its load
average 0.9 to 1.8 from other work, "busy" the same with two other
processes each spinning on a core)::

    shape                           MFLOP   rule   idle f32  f64   busy f32  f64
    batch 200                         8.5      1       0.81  0.80     16.8  25.8
    batch 1000                         43      2       0.76  0.70     18.1   7.0
    batch 4096                        175      2       0.70  0.69     0.86  1.23
    full batch (20,000)               852      2       0.69  0.66     1.41  1.23
    (512, 256), batch 200              73      2       0.73  0.70     0.72  1.48
    (512, 256), batch 1000            367      2       0.60  0.58     1.27  1.94
    (2048,), batch 200                 86      2       0.74  0.78      9.7   4.9
    course's net, 209 x 12288, gd     103      2       0.67  0.72     1.48  0.96
    predict 200,000 rows, (256, 128)  23,600   2       0.68  0.63     1.00  1.24

The default kernel here (SkylakeX) gave the same picture: idle 0.57 to 0.83
(batch 1000 float32 1.03), busy (other work on the machine as well) 1.2 to
38 times.

Idle, a second thread saves a quarter to two fifths of the time from a few
tens of MFLOP. At batch 200 it saved a fifth here, but one thread there is
what the speed targets of ``benchmarks/`` were set and met with (workload
B), and what mini-batch training of small networks, the common case, can
rely on under load: many short calls split over two threads each wait for
a time slice when another process holds a core, 17 to 26 times slower in
this table. Workload C (the course's network) needs its second thread: on
one it took 0.45 times the course loop's time with the SkylakeX kernel and
0.32 with Haswell's, against a target of 0.3 (0.26 and 0.22 on two). The
threshold therefore stays where the load-following rule had it: the same
choices, so the same speed, on an idle machine.

Busy, the calls on two threads pay anything from nothing to 26 times,
erratically; the rule keeps the results and pays that time. Issue 24's
example (hidden (512, 256), batch 200, float32, 3 epochs) took 5.1 s on two
threads and 1.3 s on one at a load average of 4 (other work); its weights
were the same with and without two more spinning processes. On a shared
machine, one thread for the process,
``threadpoolctl.threadpool_limits(1, user_api="blas")``, gives fits that
are fast under load and bit-identical to each other whatever the load
(though not to fits on two threads).

Concurrent calls. The BLAS thread setting is process-wide: while one
thread's epoch runs on one BLAS thread, a predict in another thread would
also run on one, whatever its own rule said, and give other bits than the
same predict alone. So every call holds a share of one process-wide limit,
and calls whose rules chose the same count share it, while a call whose
count differs waits until the current holders are done (at most one epoch
of a concurrent fit; ``LogisticRegressionGD``'s solver holds its count for
its whole fit), in arrival order so neither side starves. A predict
therefore computes on the threads its own size chose, whatever a concurrent
fit does, and gives the bits it gives alone. The first holder sets the
libraries (never above what the user set) and the last one restores what
they were, in whichever thread it runs (threadpoolctl 3.8 ignores changes
from any thread but the first that made one: the process used to be left
on one thread now and then, see :func:`_set_threads`). A call made from
inside another one in the same thread (a callback predicting during a fit)
gives up its thread's share while it runs, so it too computes on its own
count. Set the process's limits between fits, not while one runs: the last
call to finish restores the setting it found when the first began.
"""

import os
import threading
from contextlib import contextmanager, nullcontext
from functools import cache
from itertools import count

from threadpoolctl import ThreadpoolController

#: Products under this many floating-point operations per forward pass run
#: on one BLAS thread, larger ones on every thread the user allows (see the
#: module's docstring for the measurements).
SINGLE_THREAD_FLOPS = 20e6


@cache
def _blas_libraries():
    """The process's BLAS libraries under threadpoolctl's control, found once (0.4 ms a time)."""
    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def thread_count(flops, library_threads, cores):
    """The BLAS threads for products of ``flops`` operations: the whole rule, a pure function.

    Parameters
    ----------
    flops : float
        Floating-point operations of one forward pass of a mini-batch (or of
        the rows predicted).
    library_threads : int
        The most threads the BLAS libraries are set to use (the user's setting).
    cores : int
        The cores the process may run on.

    Returns
    -------
    int
        At least 1.
    """
    if flops < SINGLE_THREAD_FLOPS:
        return 1
    return max(1, min(library_threads, cores))


def _set_threads(library, threads):
    """Set one library's thread count from whichever thread runs this.

    threadpoolctl 3.8 lets only one Python thread (the first to set) change
    OpenBLAS's process-wide count and silently ignores the others; the first
    and the last holder of the shared limit may be different threads, so
    each change takes control and gives it back at once.
    """
    release = getattr(type(library), "clear_controlling_thread", None)
    if release is not None:
        release(force=True)
    library.set_num_threads(threads)
    if release is not None:
        release()


class _SharedLimit:
    """One process-wide BLAS thread count, held by every call that chose it.

    Holders of the same count overlap; a call wanting another count waits
    until the holders are gone and no earlier arrival wants something else.
    """

    def __init__(self):
        self._changed = threading.Condition(threading.Lock())
        self._holders = 0
        self._threads = None  # the count the holders chose
        self._found = None  # [(library, its count before the first holder)]
        self._queue = []  # (ticket, threads) of the calls waiting, in arrival order
        self._tickets = count()
        # Per thread: .held, the counts of its calls, outermost first; .holding, the share it holds.
        self._local = threading.local()

    def _library_threads(self, libraries):
        """The user's setting: the counts found by the first holder, or the live ones."""
        found = self._found or [(library, library.num_threads) for library in libraries]
        return max((threads for _, threads in found if threads is not None), default=1)

    def _admitted(self, ticket, threads):
        if self._holders and self._threads != threads:
            return False
        return all(wanted == threads for earlier, wanted in self._queue if earlier < ticket)

    def _acquire(self, threads, libraries):
        """Hold the limit at ``threads`` (the lock held)."""
        ticket = (next(self._tickets), threads)
        self._queue.append(ticket)
        try:
            while not self._admitted(*ticket):
                self._changed.wait()
        finally:
            self._queue.remove(ticket)
            self._changed.notify_all()  # a later arrival may have waited on this one alone
        if self._holders == 0:
            self._found = [(library, library.num_threads) for library in libraries]
            for library, found in self._found:
                if found is not None:  # a library that does not say is left alone
                    _set_threads(library, min(found, threads))
            self._threads = threads
        self._holders += 1

    def _release(self):
        """Let go of the limit (the lock held); the last holder restores what the first found."""
        self._holders -= 1
        if self._holders == 0:
            for library, found in self._found:
                if found is not None:
                    _set_threads(library, found)
            self._threads = self._found = None
        self._changed.notify_all()

    def _hold_only(self, threads, libraries):
        """Make ``threads`` (or nothing, for None) the one share this thread holds (the lock held)."""
        local = self._local
        if local.holding == threads:
            return
        if local.holding is not None:
            self._release()
            local.holding = None
        if threads is not None:
            self._acquire(threads, libraries)
            local.holding = threads

    @contextmanager
    def hold(self, flops, libraries):
        """BLAS on :func:`thread_count`'s count for ``flops`` while inside."""
        local = self._local
        if not hasattr(local, "held"):
            local.held, local.holding = [], None
        with self._changed:
            threads = thread_count(flops, self._library_threads(libraries), _usable_cores())
            # A call inside another of the same thread (that one paused meanwhile)
            # trades the thread's share for its own count, and gives it back after.
            self._hold_only(threads, libraries)
            local.held.append(threads)
        try:
            yield threads
        finally:
            with self._changed:
                local.held.pop()
                self._hold_only(local.held[-1] if local.held else None, libraries)

    def _after_fork(self):
        """In a forked child only the forking thread lives on: forget the others' shares."""
        self._changed = threading.Condition(threading.Lock())
        self._queue = []
        self._holders = 1 if getattr(self._local, "holding", None) is not None else 0
        if self._holders == 0 and self._found is not None:
            for library, found in self._found:
                if found is not None:
                    _set_threads(library, found)
            self._threads = self._found = None


_limit = _SharedLimit()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_limit._after_fork)


def blas_threads(flops):
    """A context running BLAS on the threads :func:`thread_count` chooses for ``flops`` operations."""
    libraries = _blas_libraries()
    if not libraries:
        return nullcontext()
    return _limit.hold(flops, libraries)


def blas_threads_for(network, batch_size):
    """BLAS threads for training ``network`` on mini-batches of ``batch_size`` (one epoch)."""
    return blas_threads(2 * batch_size * network.n_weights)


def blas_threads_for_rows(layers, n_rows):
    """BLAS threads for a forward pass of ``n_rows`` rows through ``layers`` (predict)."""
    return blas_threads(2 * n_rows * sum(layer["W"].size for layer in layers))
