"""BLAS threads: one for small products, idle cores for large ones, settings always restored."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import skdeep._deep_net
from skdeep import DeepNetClassifier, _threads
from skdeep._threads import SINGLE_THREAD_FLOPS, blas_threads, idle_cores


def _blas_threads():
    return max((pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"), default=None)


@pytest.fixture(autouse=True)
def fresh_readings(monkeypatch):
    """No reading of the idle cores carried over from another test."""
    monkeypatch.setattr(_threads, "IDLE_READING_SECONDS", -1.0)


@pytest.fixture
def two_blas_threads():
    """The process on two BLAS threads for the test (restored afterwards)."""
    if _blas_threads() is None:
        pytest.skip("no BLAS library that threadpoolctl controls")
    with threadpool_limits(limits=2, user_api="blas"):
        if _blas_threads() != 2:
            pytest.skip("this BLAS library cannot be set to two threads")
        yield


def test_small_products_run_on_one_thread_and_the_setting_comes_back(two_blas_threads):
    with blas_threads(SINGLE_THREAD_FLOPS / 2):
        assert _blas_threads() == 1
    assert _blas_threads() == 2


def test_large_products_keep_the_threads_when_cores_are_idle(two_blas_threads, monkeypatch):
    monkeypatch.setattr(_threads, "idle_cores", lambda: 2)
    with blas_threads(SINGLE_THREAD_FLOPS * 10):
        assert _blas_threads() == 2
    assert _blas_threads() == 2


@pytest.mark.parametrize("idle", [0, 1])
def test_large_products_run_on_one_thread_when_the_machine_is_busy(two_blas_threads, monkeypatch, idle):
    monkeypatch.setattr(_threads, "idle_cores", lambda: idle)
    with blas_threads(SINGLE_THREAD_FLOPS * 10):
        assert _blas_threads() == 1
    assert _blas_threads() == 2


def test_a_shared_limit_is_lowered_never_raised_and_restored_by_the_last_user(two_blas_threads):
    outer = _threads._shared_limit(2)
    inner = _threads._shared_limit(1)
    with outer:
        assert _blas_threads() == 2
        with inner:
            assert _blas_threads() == 1
        assert _blas_threads() == 1  # still shared: the outer user goes on at the lower limit
        with _threads._shared_limit(2):
            assert _blas_threads() == 1  # never raised while others run
    assert _blas_threads() == 2
    assert _threads._users == 0


def test_idle_cores_counts_cores_this_process_may_use():
    idle = idle_cores()
    if idle is not None:
        assert 0 <= idle <= _threads._usable_cores()


def test_a_fit_of_large_batches_on_a_busy_machine_uses_one_thread_each_epoch(two_blas_threads, monkeypatch):
    seen = []
    monkeypatch.setattr(_threads, "idle_cores", lambda: 0)
    original = skdeep._deep_net.OPTIMIZERS["adam"]

    class Recording:
        """The optimizer, noting the BLAS threads in force at every step."""

        def __init__(self, optimizer):
            self.optimizer = optimizer

        def update(self, params, grad, learning_rate):
            seen.append(_blas_threads())
            self.optimizer.update(params, grad, learning_rate)

        def __getattr__(self, name):
            return getattr(self.optimizer, name)

    monkeypatch.setitem(skdeep._deep_net.OPTIMIZERS, "adam", lambda *a: Recording(original(*a)))
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2000, 200))
    y = (X[:, 0] > 0).astype(int)
    # 2 x 2000 x (200 x 64 + 64) flops per batch: past the single-thread threshold.
    model = DeepNetClassifier(hidden_layer_sizes=(64,), batch_size=2000, max_iter=3, tol=0, early_stopping=False)
    model.set_params(random_state=0).fit(X, y)
    assert seen == [1, 1, 1]
    assert _blas_threads() == 2


def test_the_interval_reading_counts_the_cpu_time_other_processes_took(monkeypatch):
    ticks = iter([(0, 0, 0), (200, 100, 100), (400, 100, 200), (401, 100, 200)])
    monkeypatch.setattr(_threads, "_cpu_ticks", lambda: next(ticks))
    monkeypatch.setattr(_threads, "_last_ticks", None)
    monkeypatch.setattr(_threads, "_interval_idle", None)
    assert _threads._idle_over_interval(2) is None  # nothing to compare with yet
    # Half the time idle, half this process's own: both cores free of others.
    assert _threads._idle_over_interval(2) == 2
    # A whole core's worth of time went to another process.
    assert _threads._idle_over_interval(2) == 1
    # One tick later: too short to tell, the last estimate stands.
    assert _threads._idle_over_interval(2) == 1
