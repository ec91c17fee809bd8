"""How many BLAS threads a training run uses, without disturbing the process.

BLAS thread limits are process-wide. Fits running at once in several threads
share one reference-counted limit: the first to need one thread sets it, the
last to finish restores what the process had, so concurrent fits never leave
the process on one thread, and a fit never changes the settings for good.
"""

import threading
from contextlib import contextmanager, nullcontext
from functools import cache

from threadpoolctl import ThreadpoolController

#: Below this many floating-point operations per mini-batch forward pass, BLAS
#: runs on one thread. A second thread speeds up products this small, but not
#: the step: the elementwise work after each product then reads results written
#: from the other core, and on a busy machine a second thread stalls (measured
#: at batch 200: a float32 epoch is no faster on two threads, and in most runs slower).
SINGLE_THREAD_FLOPS = 20e6

_lock = threading.Lock()
_users = 0
_limit = None


@cache
def _thread_pools():
    """The process's thread pools, inspected once (0.4 ms a time, too slow per fit)."""
    return ThreadpoolController()


@contextmanager
def _single_blas_thread():
    global _users, _limit
    with _lock:
        if _users == 0:
            _limit = _thread_pools().limit(limits=1, user_api="blas")
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                _limit.restore_original_limits()
                _limit = None


def blas_threads_for(network, batch_size):
    """One BLAS thread for small mini-batches, the library's default otherwise."""
    flops = 2 * batch_size * network.n_weights
    return _single_blas_thread() if flops < SINGLE_THREAD_FLOPS else nullcontext()
