"""Faults: divergence that stays finite, Ctrl-C, extreme inputs, threads, memory."""

import json
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info

from skdeep import DeepNetClassifier, DeepNetRegressor, DivergenceError, LogisticRegressionGD

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# -- divergence that stays finite ------------------------------------------------------


@pytest.mark.parametrize(
    "data, params",
    [
        ("iris", dict(solver="gd", learning_rate=10)),
        ("iris", dict(solver="momentum", learning_rate=50)),
        ("breast_cancer", dict(solver="gd", learning_rate=10)),
        ("breast_cancer", dict(solver="gd", learning_rate=1000)),
    ],
)
def test_a_climbing_cost_is_a_divergence_error(data, params):
    X, y = {"iris": load_iris, "breast_cancer": load_breast_cancer}[data](return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = DeepNetClassifier(random_state=0, **params)
    with pytest.raises(DivergenceError, match=rf"learning_rate={params['learning_rate']!r}.*is too large"):
        model.fit(X, y)
    assert not hasattr(model, "parameters_")  # the diverged weights are not kept


def test_a_fit_that_ends_worse_than_it_started_is_refused(blobs, monkeypatch):
    """Below the explosive threshold, a fit ending above twice its first cost is refused too."""
    from skdeep._training import MiniBatchSteps

    X, y = blobs
    costs = iter([1.0, 1.4, 1.9, 2.3, 2.6])
    original = MiniBatchSteps.epoch
    monkeypatch.setattr(MiniBatchSteps, "epoch", lambda self, loop, rate: (original(self, loop, rate), next(costs))[1])
    model = DeepNetClassifier(max_iter=5, tol=0, random_state=0)
    with pytest.raises(DivergenceError, match=r"the fit ended with its cost at 2\.6, above the 1 it started from"):
        model.fit(X, y)
    assert not hasattr(model, "parameters_")


def test_a_warm_start_is_judged_against_its_own_first_cost():
    """A warm fit on fewer rows has a larger L2 term (alpha / 2m): its cost starts higher than
    the first fit's. Comparing with the first fit's cost called that a divergence."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = DeepNetClassifier(max_iter=3, tol=0, warm_start=True, random_state=0).fit(X, y)
    first_cost = model.loss_curve_[0]
    model.fit(X[:40], y[:40])
    assert model.n_iter_ == 6 and model.loss_curve_[3] > 2 * first_cost
    assert model.loss_curve_[-1] < model.loss_curve_[3]
    # A warm fit that does climb is still refused, and the previous model kept.
    before = {name: W.copy() for name, W in model.parameters_.items()}
    with pytest.raises(DivergenceError, match=r"learning_rate=1000(\.0)? is too large"):
        model.set_params(solver="gd", learning_rate=1000, max_iter=20).fit(X, y)
    assert all(np.array_equal(before[name], W) for name, W in model.parameters_.items())


def test_a_small_last_chunk_of_a_stream_is_not_called_divergent():
    """A chunk of 5 rows has an L2 term 100 times a 500-row chunk's: partial_fit compares the fit to the data."""
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = DeepNetClassifier(random_state=0)
    for _ in range(5):
        model.partial_fit(X[:500], y[:500], classes=[0, 1])
    model.partial_fit(X[500:505], y[500:505])
    first, last = model.loss_curve_[0], model.loss_curve_[-1]
    assert last > 10 * first and last > first + 1  # from the L2 term of 5 rows alone
    assert model.n_iter_ == 6 and model.score(X, y) > 0.95


def test_a_climbing_stream_of_partial_fits_is_a_divergence_error():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    model = DeepNetClassifier(solver="momentum", learning_rate=50, random_state=0)
    with pytest.raises(DivergenceError, match=r"the cost climbed .* learning_rate=50"):
        for _ in range(20):
            model.partial_fit(X, y, classes=[0, 1, 2])


def test_a_healthy_fit_is_not_called_divergent():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    for solver in ("gd", "momentum", "rmsprop", "adagrad", "adam"):
        model = DeepNetClassifier(solver=solver, max_iter=30, random_state=0).fit(X, y)
        assert model.score(X, y) > 0.9


# -- Ctrl-C --------------------------------------------------------------------------------

SIGINT_SCRIPT = textwrap.dedent(
    """
    import json, os, signal, sys, warnings
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn.model_selection import GridSearchCV
    import skdeep._training as training
    from skdeep import DeepNetClassifier

    X, y = make_classification(n_samples=300, n_features=8, n_classes=3, n_informative=4, random_state=0)
    warnings.simplefilter("ignore")
    case = sys.argv[1]

    def interrupt_at(method, call):
        owner = training.TrainingLoop if method == "ensure_finite_outputs" else training.MiniBatchSteps
        original, calls = getattr(owner, method), [0]

        def wrapped(self, *args, **kwargs):
            calls[0] += 1
            if calls[0] == call:
                os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C
            return original(self, *args, **kwargs)

        setattr(owner, method, wrapped)

    result = {}
    if case == "search":
        interrupt_at("epoch", 12)
        search = GridSearchCV(DeepNetClassifier(max_iter=5, tol=0, random_state=0), {"alpha": [0.1, 1.0, 3.0]}, cv=2)
        try:
            search.fit(X, y)
            result["propagated"] = False
        except KeyboardInterrupt:
            result["propagated"] = True
    else:
        solver, when = case.split(":")
        if solver == "lbfgs":
            import skdeep.nn.network as network
            original, calls = network.Network.cost_and_gradient, [0]

            def cost(self, *args, **kwargs):
                calls[0] += 1
                if calls[0] == (1 if when == "first" else 8):
                    os.kill(os.getpid(), signal.SIGINT)
                return original(self, *args, **kwargs)

            network.Network.cost_and_gradient = cost
        elif when == "after-last":
            interrupt_at("ensure_finite_outputs", 1)
        else:
            interrupt_at("epoch", 1 if when == "first" else 4)
        model = DeepNetClassifier(solver=solver, max_iter=6, tol=0, random_state=0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                model.fit(X, y)
                result["propagated"] = False
            except KeyboardInterrupt:
                result["propagated"] = True
        result["warnings"] = [str(w.message) for w in caught if "nterrupt" in str(w.message)]
        result["fitted"] = hasattr(model, "parameters_")
        if result["fitted"]:
            proba = model.predict_proba(X)
            result["finite"] = bool(np.all(np.isfinite(proba)))
            result["n_iter"] = model.n_iter_
            result["consistent"] = len(model.loss_curve_) == model.n_iter_ and model.loss_ == model.loss_curve_[-1]
    print(json.dumps(result))
    """
)


def _run_interrupted(case):
    done = subprocess.run(
        [sys.executable, "-c", SIGINT_SCRIPT, case], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("solver", ["gd", "momentum", "rmsprop", "adagrad", "adam", "lbfgs"])
def test_ctrl_c_mid_fit_keeps_the_best_weights_and_stops_the_program(solver):
    result = _run_interrupted(f"{solver}:middle")
    assert result["propagated"] and result["fitted"] and result["finite"] and result["consistent"]
    assert 1 <= result["n_iter"] < 6
    assert any("keeps these weights" in message for message in result["warnings"])


def test_ctrl_c_after_the_last_epoch_keeps_the_finished_fit():
    result = _run_interrupted("adam:after-last")
    assert result["propagated"] and result["fitted"] and result["n_iter"] == 6 and result["consistent"]


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_ctrl_c_in_the_first_epoch_leaves_the_estimator_as_it_was(solver):
    result = _run_interrupted(f"{solver}:first")
    assert result["propagated"] and not result["fitted"]
    assert any("before its first epoch ended" in message for message in result["warnings"])


def test_ctrl_c_stops_a_grid_search():
    assert _run_interrupted("search")["propagated"]


# -- extreme inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, LogisticRegressionGD])
@pytest.mark.parametrize("weight", [1e307, 1e308, 1e-310])
def test_sample_weights_beyond_float_range_are_refused_by_name(blobs, Estimator, weight):
    X, y = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="sample_weight"):
            Estimator(max_iter=5).fit(X, y, sample_weight=np.full(len(y), weight))


def test_only_the_weights_ratios_matter_within_range(blobs):
    X, y = blobs
    weights = np.random.RandomState(0).uniform(1, 3, len(y))
    params = dict(max_iter=5, tol=0, alpha=0.0, random_state=0)
    one = DeepNetClassifier(**params).fit(X, y, sample_weight=weights)
    scaled = DeepNetClassifier(**params).fit(X, y, sample_weight=weights * 1e100)
    np.testing.assert_allclose(one.predict_proba(X), scaled.predict_proba(X), rtol=1e-6)


def test_integer_hyperparameters_beyond_int64(blobs):
    X, y = blobs
    model = DeepNetClassifier(max_iter=10**30, n_iter_no_change=10**30, tol=0.5, random_state=0)
    with pytest.raises(ValueError, match="tol"):  # accepted as integers; tol's range still checked
        model.set_params(tol=-1).fit(X, y)
    model.set_params(tol=0.5, n_iter_no_change=2).fit(X, y)
    assert model.n_iter_ < 100


def test_float32_inputs_near_their_maximum_warn_nothing_in_validation():
    rng = np.random.RandomState(0)
    X = (rng.uniform(-1, 1, (40, 3)) * 3e38).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            DeepNetClassifier(max_iter=2).fit(X, y)
        except DivergenceError:
            pass  # a clear refusal is fine; a RuntimeWarning is not


@pytest.mark.parametrize("labels", [["a", None], ["a", 1], [None, 2.0]])
def test_mixed_label_types_get_skdeeps_message(labels):
    y = np.array(labels * 5, dtype=object)
    with pytest.raises(ValueError, match="mixes labels of different types"):
        DeepNetClassifier(max_iter=2).fit(np.random.RandomState(0).standard_normal((10, 2)), y)


# -- resources ----------------------------------------------------------------------------------


def _blas_threads():
    pools = threadpool_info()
    return sorted((pool["internal_api"], pool["num_threads"]) for pool in pools if pool["user_api"] == "blas")


def test_concurrent_fits_leave_the_thread_settings_as_they_were(blobs):
    X, y = blobs
    before = _blas_threads()
    errors = []

    def fit():
        try:
            for _ in range(3):
                DeepNetClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0).fit(X, y)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=fit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _blas_threads() == before


def test_a_network_too_large_for_memory_is_refused_before_allocating(blobs):
    X, y = blobs
    with pytest.raises(MemoryError, match=r"needs about .* GiB .* only .* GiB of memory is available"):
        DeepNetClassifier(hidden_layer_sizes=(2 * 10**7,)).fit(np.repeat(X, 25, axis=1), y)


@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
def test_a_prediction_during_a_refit_sees_one_model(blobs, Estimator):
    """The fitted state is published in one step: never old and half-trained weights mixed."""
    X, y = blobs
    model = Estimator(hidden_layer_sizes=(32,), max_iter=40, tol=0, random_state=0).fit(X, y)
    old = model.predict(X)
    seen, stop = [], threading.Event()

    def predict_in_a_loop():
        while not stop.is_set():
            seen.append(model.predict(X))

    thread = threading.Thread(target=predict_in_a_loop)
    thread.start()
    try:
        model.set_params(random_state=1, max_iter=60).fit(X, y)
    finally:
        stop.set()
        thread.join()
    new = model.predict(X)
    assert len(seen) > 0
    for prediction in seen:
        assert np.array_equal(prediction, old) or np.array_equal(prediction, new)
