"""How many BLAS threads a training run or a prediction uses, without disturbing the process.

The rule, per call (an epoch, an L-BFGS evaluation, a predict):

1. Small products run on one thread: below ``SINGLE_THREAD_FLOPS``
   floating-point operations per forward pass of one mini-batch (or of the
   rows predicted), whatever the dtype.
2. Larger products (large batches, full batch, predict over many rows) run
   on as many threads as there are idle cores, up to the BLAS library's own
   setting; on one thread when no core is idle. "Idle" is read at the
   moment and over the last interval: the cores this process may use, minus
   the threads of *other* processes running or waiting to run now (Linux's
   runnable count in /proc/loadavg, less this process's own running
   threads), and minus the CPU time other processes took since the previous
   reading (/proc/stat, less this process's own); the smaller count wins. Training reads
   it again every epoch (at most every ``IDLE_READING_SECONDS``: a reading
   costs ~70 us, a full-batch epoch can take 3 ms), so load that arrives
   during a fit costs at most one epoch on too many threads.

Why, as measured on the project's machine (2 cores, OpenBLAS; hidden (128,
64) on 20,000 x 100 rows unless said, time per epoch, 2 threads / 1 thread):

- Idle machine (issue 16, float32): batch 200: no faster on two threads;
  batch 1000 (43 MFLOP per forward pass): 0.73x; batch 4096: 0.65x. The
  crossover lies between 9 and 43 MFLOP: ``SINGLE_THREAD_FLOPS`` = 20 MFLOP.
  float64 keeps the same threshold: its products take twice as long, so the
  second thread's fixed cost weighs less, and the threshold errs towards one.
- Busy machine (two other processes computing on the two cores, load
  average ~5), float32 / float64: batch 200 3.8x / 6.3x slower on two
  threads; batch 1000 3.6x / 7.1x; batch 4096 4.2x / 4.2x; full batch
  (20,000) 0.96x / 2.5x; hidden (2048,) at batch 200 3.1x / 4.6x (one epoch
  up to 11 s against 0.8 s); hidden (512, 256) at batch 1000 2.3x / 2.5x.
  A BLAS call split over two threads waits for both, and when another
  process holds a core the scheduler makes it wait a time slice: no shape
  pays then, hence rule 2's count of idle cores. An instant reading alone
  was not enough: under bursty load (other processes blocking for
  milliseconds between bursts) it read two idle cores at a load average of
  2.8, and the course's full-batch network took 24 ms per iteration on two
  threads against 3.3 ms on one, hence the interval reading too.

BLAS thread limits are process-wide. Calls running at once in several
threads share one reference-counted limit: the first to need one sets it, a
later one may lower it (never raise it), and the last to finish restores
what the process had, so concurrent fits never leave the process on fewer
threads, and no fit or predict changes the settings for good.
"""

import os
import threading
import time
from contextlib import contextmanager, nullcontext
from functools import cache

from threadpoolctl import ThreadpoolController

#: Below this many floating-point operations per forward pass of a
#: mini-batch (or of the rows predicted), BLAS runs on one thread (see the
#: module's docstring for the measurements).
SINGLE_THREAD_FLOPS = 20e6
#: How long a reading of the idle cores is reused.
IDLE_READING_SECONDS = 0.05

_lock = threading.Lock()
_users = 0
_limit = None
_limited_to = None
_last_reading = (-float("inf"), None)  # (time.monotonic(), idle cores)


@cache
def _thread_pools():
    """The process's thread pools, inspected once (0.4 ms a time, too slow per fit)."""
    return ThreadpoolController()


@contextmanager
def _shared_limit(threads):
    """At most ``threads`` BLAS threads while inside, shared with concurrent users."""
    global _users, _limit, _limited_to
    with _lock:
        if _users == 0:
            _limit = _thread_pools().limit(limits=threads, user_api="blas")
            _limited_to = threads
        elif threads < _limited_to:
            # Lower only: _limit still holds the process's own settings to restore.
            _thread_pools().limit(limits=threads, user_api="blas")
            _limited_to = threads
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                _limit.restore_original_limits()
                _limit = None
                _limited_to = None


def _library_threads():
    """The most threads any BLAS library of the process is set to use now."""
    controllers = _thread_pools().select(user_api="blas").lib_controllers
    return max((controller.num_threads for controller in controllers), default=1)


def _usable_cores():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _own_running_threads():
    """This process's threads that are running or runnable (this one included)."""
    running = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/stat") as stat:
                # "pid (name) state ...": the name may hold spaces, the state follows the last ")".
                state = stat.read().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue  # the thread ended meanwhile
        running += state == "R"
    return max(running, 1)


def _cpu_ticks():
    """``(all, idle, this process's)`` CPU time in clock ticks since boot, from /proc."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:9]]  # user .. steal, every core
    with open("/proc/self/stat") as own:
        fields = own.read().rpartition(")")[2].split()  # from the state on: utime and stime at 11, 12
    return sum(values), values[3] + values[4], int(fields[11]) + int(fields[12])


#: A core counts as idle when other processes used less than this share of it.
IDLE_CORE_SLACK = 0.2
_last_ticks = None  # the previous _cpu_ticks(), for the interval since
_interval_idle = None  # idle cores over the last measured interval


def _idle_over_interval(cores):
    """Idle cores over the time since the previous reading (None on the first one).

    Other processes' share of the CPU time spent meanwhile: everything
    neither idle nor this process's own. Bursty load (processes that block
    for milliseconds between bursts) escapes an instant reading, not this one.
    """
    global _last_ticks, _interval_idle
    ticks = _cpu_ticks()
    if _last_ticks is not None:
        total, idle, own = (now - before for now, before in zip(ticks, _last_ticks, strict=True))
        if total < 2 * cores:  # under two ticks a core: too short to tell, keep the last estimate
            return _interval_idle
        busy_elsewhere = max(0, total - idle - own) * cores / total
        _interval_idle = max(0, int(cores - busy_elsewhere + IDLE_CORE_SLACK))
    _last_ticks = ticks
    return _interval_idle


def idle_cores():
    """Cores no other process is using (None where the system does not say).

    The smaller of two readings: the instant one (other processes' threads
    running or runnable now, from /proc/loadavg, less this process's own)
    and the share of the CPU other processes took since the previous reading
    (or, on the first, the one-minute load average).
    """
    cores = _usable_cores()
    try:
        with open("/proc/loadavg") as loadavg:
            runnable = int(loadavg.read().split()[3].partition("/")[0])
        instant = max(0, cores - max(0, runnable - _own_running_threads()))
        recent = _idle_over_interval(cores)
    except (OSError, ValueError, IndexError):
        instant = recent = None
    if recent is None:
        try:
            recent = max(0, int(cores - os.getloadavg()[0] + IDLE_CORE_SLACK))
        except (AttributeError, OSError):
            return instant
    return recent if instant is None else min(instant, recent)


def _recent_idle_cores():
    """:func:`idle_cores`, read again once the last reading is ``IDLE_READING_SECONDS`` old."""
    global _last_reading
    now = time.monotonic()
    when, idle = _last_reading
    if now - when > IDLE_READING_SECONDS:
        idle = idle_cores()
        _last_reading = (now, idle)
    return idle


def blas_threads(flops):
    """A context running BLAS on the threads that pay for products of ``flops`` operations."""
    if flops < SINGLE_THREAD_FLOPS:
        return _shared_limit(1)
    idle = _recent_idle_cores()
    if idle is None or idle >= _library_threads():
        return nullcontext()
    return _shared_limit(max(1, idle))


def blas_threads_for(network, batch_size):
    """BLAS threads for training ``network`` on mini-batches of ``batch_size`` (one epoch)."""
    return blas_threads(2 * batch_size * network.n_weights)


def blas_threads_for_rows(layers, n_rows):
    """BLAS threads for a forward pass of ``n_rows`` rows through ``layers`` (predict)."""
    return blas_threads(2 * n_rows * sum(layer["W"].size for layer in layers))
