"""BLAS threads: chosen from the problem's size alone, held consistently by concurrent calls, always restored."""

import builtins
import io
import itertools
import os
import signal
import threading

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController, threadpool_info, threadpool_limits

from skdeep import DeepNetClassifier, _threads
from skdeep._threads import SINGLE_THREAD_FLOPS, blas_threads, thread_count

SMALL, LARGE = SINGLE_THREAD_FLOPS / 2, SINGLE_THREAD_FLOPS * 10


def _blas_threads():
    return max((pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"), default=None)


@pytest.fixture
def two_blas_threads():
    """The process on two BLAS threads for the test (restored afterwards)."""
    if _blas_threads() is None:
        pytest.skip("no BLAS library that threadpoolctl controls")
    if _threads._usable_cores() < 2:
        pytest.skip("one core: every product runs on one thread")
    with threadpool_limits(limits=2, user_api="blas"):
        if _blas_threads() != 2:
            pytest.skip("this BLAS library cannot be set to two threads")
        yield
    assert _threads._limit._holders == 0


# -- the rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flops, library_threads, cores, expected",
    [
        (0, 8, 8, 1),
        (SINGLE_THREAD_FLOPS - 1, 8, 8, 1),
        (SINGLE_THREAD_FLOPS, 8, 8, 8),
        (1e12, 8, 16, 8),  # never above the user's setting
        (1e12, 8, 2, 2),  # nor above the cores the process may use
        (1e12, 1, 2, 1),
        (1e12, 0, 2, 1),
    ],
)
def test_one_thread_below_the_threshold_the_users_setting_above(flops, library_threads, cores, expected):
    assert thread_count(flops, library_threads, cores) == expected


def test_small_products_run_on_one_thread_and_the_setting_comes_back(two_blas_threads):
    with blas_threads(SMALL):
        assert _blas_threads() == 1
    assert _blas_threads() == 2


def test_large_products_run_on_the_threads_the_user_set_never_more(two_blas_threads):
    with blas_threads(LARGE):
        assert _blas_threads() == 2
    with threadpool_limits(limits=1, user_api="blas"):
        with blas_threads(LARGE):
            assert _blas_threads() == 1
        assert _blas_threads() == 1
    assert _blas_threads() == 2


# -- load changes nothing -------------------------------------------------------------------------


class FakeMachine:
    """Every reading of the machine's load, faked as idle or as busy (two other processes per core)."""

    def __init__(self, monkeypatch, busy):
        self.busy = busy
        self.ticks = itertools.count(step=1000)
        self.real_open = builtins.open
        monkeypatch.setattr(os, "getloadavg", lambda: (4.0, 4.0, 4.0) if busy else (0.0, 0.0, 0.0))
        monkeypatch.setattr(builtins, "open", self.open)

    def open(self, file, *args, **kwargs):
        if file == "/proc/loadavg":
            return self._text("4.00 4.00 4.00 5/300 1\n" if self.busy else "0.00 0.00 0.00 1/300 1\n")
        if file == "/proc/stat":
            # user nice system idle iowait irq softirq steal: a thousand ticks more each reading, all
            # taken by other processes when busy, all idle otherwise.
            t = next(self.ticks)
            fields = (t, 0, 0, 0, 0, 0, 0, 0) if self.busy else (0, 0, 0, t, 0, 0, 0, 0)
            return self._text("cpu  " + " ".join(map(str, fields)) + "\n")
        return self.real_open(file, *args, **kwargs)

    def _text(self, text):
        return io.StringIO(text)


def record_settings(monkeypatch):
    """Every thread count given to a BLAS library from now on, in order (a list that grows)."""
    settings = []
    for cls in {type(lib) for lib in ThreadpoolController().select(user_api="blas").lib_controllers}:
        original = cls.set_num_threads

        def recording(self, num_threads, original=original):
            settings.append(num_threads)
            return original(self, num_threads)

        monkeypatch.setattr(cls, "set_num_threads", recording)
    return settings


def _fit_and_predict(dtype):
    """Issue 24's example at a test's size: 59 MFLOP per mini-batch and 24 per validation pass (two threads)."""
    rng = np.random.RandomState(0)
    X = rng.randn(2000, 100).astype(dtype)
    y = rng.randint(0, 5, 2000)
    model = DeepNetClassifier(
        hidden_layer_sizes=(256, 128), batch_size=500, max_iter=3, tol=0, early_stopping=True, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        model.fit(X, y)
    return [*model.coefs_, *model.intercepts_, np.array(model.validation_loss_curve_), model.predict_proba(X)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_fit_is_bit_identical_on_an_idle_and_on_a_busy_machine(two_blas_threads, monkeypatch, dtype):
    results, settings = {}, {}
    for busy in (False, True):
        with monkeypatch.context() as patch:
            FakeMachine(patch, busy)
            settings[busy] = record_settings(patch)
            results[busy] = _fit_and_predict(dtype)
    # The same thread counts, in the same order, whatever the load readings say ...
    assert settings[False] == settings[True]
    assert 2 in settings[False]  # ... the large products on the user's two threads
    # ... hence the same bits, whatever BLAS kernel runs.
    for idle, busy in zip(results[False], results[True], strict=True):
        np.testing.assert_array_equal(idle, busy, strict=True)
    assert _blas_threads() == 2


# -- concurrent calls -----------------------------------------------------------------------------


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except BaseException as error:  # pragma: no cover - reported by the test
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_call_of_another_count_waits_for_the_holders_and_computes_on_its_own(two_blas_threads):
    entered, inside = threading.Event(), []

    def large_call():
        with blas_threads(LARGE):
            inside.append(_blas_threads())
            entered.set()

    with blas_threads(SMALL):
        thread, errors = _in_thread(large_call)
        # While this call holds one thread, the large one must not run on it.
        assert not entered.wait(0.2)
        assert _blas_threads() == 1
    thread.join()
    assert not errors
    assert inside == [2]
    assert _blas_threads() == 2


def test_calls_of_the_same_count_overlap(two_blas_threads):
    entered = threading.Event()

    def small_call():
        with blas_threads(SMALL):
            entered.set()

    with blas_threads(SMALL):
        thread, errors = _in_thread(small_call)
        assert entered.wait(10)
        thread.join()
    assert not errors
    assert _blas_threads() == 2


def test_a_call_inside_another_in_the_same_thread_computes_on_its_own_count(two_blas_threads):
    with blas_threads(LARGE):
        assert _blas_threads() == 2
        with blas_threads(SMALL):
            assert _blas_threads() == 1
            with blas_threads(SMALL):
                assert _blas_threads() == 1
            with blas_threads(LARGE):
                assert _blas_threads() == 2
            assert _blas_threads() == 1
        assert _blas_threads() == 2
    assert _blas_threads() == 2


def test_overlapping_calls_in_many_threads_each_compute_on_their_count_and_restore_the_setting(two_blas_threads):
    product = np.ones((64, 64), dtype=np.float32)
    wrong, start = [], threading.Barrier(6)

    def calls(seed):
        rng = np.random.default_rng(seed)
        start.wait()
        for _ in range(150):
            flops = LARGE if rng.random() < 0.5 else SMALL
            with blas_threads(flops) as threads:
                product @ product
                if _blas_threads() != threads:
                    wrong.append((threads, _blas_threads()))
                if rng.random() < 0.2:  # now and then a call inside the call
                    with blas_threads(LARGE + SMALL - flops) as inner:
                        if _blas_threads() != inner:
                            wrong.append((inner, _blas_threads()))

    workers = [_in_thread(lambda seed=seed: calls(seed)) for seed in range(6)]
    for thread, errors in workers:
        thread.join()
        assert not errors
    assert wrong == []
    assert _threads._limit._holders == 0
    assert _blas_threads() == 2


def test_overlapping_fits_and_predicts_leave_the_setting_as_it_was(two_blas_threads):
    rng = np.random.RandomState(0)
    X = rng.randn(600, 60)
    y = rng.randint(0, 3, 600)
    model = DeepNetClassifier(hidden_layer_sizes=(128,), max_iter=2, tol=0, random_state=0, early_stopping=False)

    def fits(batch_size):
        for _ in range(3):
            fitted = model.__class__(**{**model.get_params(), "batch_size": batch_size}).fit(X, y)
            fitted.predict_proba(X)

    # Mini-batches of 50 on one thread, full batches of 600 (93 MFLOP) on two.
    workers = [_in_thread(lambda b=b: fits(b)) for b in (50, 600, 50, 600)]
    for thread, errors in workers:
        thread.join()
        assert not errors
    assert _blas_threads() == 2
    assert _threads._limit._holders == 0


def test_a_predict_during_a_fit_gives_the_bits_it_gives_alone(two_blas_threads):
    rng = np.random.RandomState(0)
    X = rng.randn(2000, 100).astype(np.float32)
    y = rng.randint(0, 5, 2000)
    model = DeepNetClassifier(hidden_layer_sizes=(256, 128), max_iter=1, tol=0, random_state=0, early_stopping=False)
    model.fit(X, y)
    alone = model.predict_proba(X)  # 238 MFLOP: two threads
    stop = threading.Event()

    def small_batch_fits():  # one thread, epoch after epoch
        other = DeepNetClassifier(hidden_layer_sizes=(16,), batch_size=32, max_iter=1, tol=0, early_stopping=False)
        while not stop.is_set():
            other.fit(X[:500], y[:500])

    thread, errors = _in_thread(small_batch_fits)
    try:
        during = [model.predict_proba(X) for _ in range(5)]
    finally:
        stop.set()
        thread.join()
    assert not errors
    for proba in during:
        np.testing.assert_array_equal(proba, alone, strict=True)
    assert _blas_threads() == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")  # Python 3.12+
def test_a_child_forked_while_another_thread_holds_a_count_starts_afresh(two_blas_threads):
    held, release = threading.Event(), threading.Event()

    def holder():
        with blas_threads(SMALL):
            held.set()
            release.wait(10)

    thread, errors = _in_thread(holder)
    assert held.wait(10)
    try:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: the holder thread does not exist here
            signal.alarm(10)  # a child stuck waiting for it dies, and the test fails
            try:
                with blas_threads(LARGE) as threads:  # would wait forever for the vanished holder
                    inside = _blas_threads()
                os.write(write, f"{threads} {inside} {_blas_threads()}".encode())
            finally:
                os._exit(0)
        os.close(write)
        _, status = os.waitpid(pid, 0)
        with os.fdopen(read) as answer:
            assert answer.read() == "2 2 2"
        assert status == 0
    finally:
        release.set()
        thread.join()
    assert not errors
    assert _blas_threads() == 2
