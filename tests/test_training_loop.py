"""The training loop on its own: built from a network, data and a run description, with no estimator."""

import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skdeep._training import (
    AcceleratedSteps,
    DivergenceError,
    LbfgsSteps,
    MiniBatchSteps,
    RunSpec,
    TrainingData,
    TrainingLoop,
    TrainingRecord,
    Validation,
    observe,
)
from skdeep.nn import Network, initialize_parameters
from skdeep.nn.accelerated import LinearModelCost, standardization
from skdeep.nn.optimizers import Adam, GradientDescent


@pytest.fixture
def problem():
    """Two overlapping Gaussian classes: 200 rows, 3 features; Y in the course's (1, m) layout."""
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 200)
    X = rng.standard_normal((200, 3)) + 1.5 * y[:, None]
    return X, y[None, :].astype(float)


def _loop(problem, record=None, hidden=(8,), validation=None, rows=None, **spec):
    X, Y = problem
    network = Network((3, *hidden, 1), "relu", "sigmoid")
    initialize_parameters(network, "xavier", np.random.RandomState(0))
    if rows is not None:
        Y = Y[:, rows]
    data = TrainingData(X, Y, np.ones(Y.shape[1]), rows)
    settings = dict(max_epochs=20, learning_rate=0.1, batch_size=50, shuffle=True, max_iter=20)
    settings.update(spec)
    return TrainingLoop(
        network, data, RunSpec(**settings), record or TrainingRecord(), np.random.RandomState(1), validation
    )


def test_epochs_are_recorded_into_the_record(problem):
    loop = _loop(problem)
    loop.run(MiniBatchSteps(Adam(loop.network.n_params, np.float64)))
    record = loop.record
    assert record.n_iter == len(record.loss_curve) == 20 and record.t == 20 * 200
    assert record.best_loss == min(record.loss_curve) and record.stop_reason == "max_iter"
    assert record.loss_curve[-1] < record.loss_curve[0] < math.log(2) + 0.3
    assert record.validation_scores is None


def test_the_improvement_rule_stops_and_says_why(problem, capsys):
    loop = _loop(problem, max_epochs=500, max_iter=500, tol=1e-2, n_iter_no_change=3, verbose=1)
    loop.run(MiniBatchSteps(Adam(loop.network.n_params, np.float64)))
    assert loop.record.stop_reason == "tol" and loop.record.n_iter < 500
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == loop.record.n_iter + 1 and lines[0].startswith("Epoch 1, loss = ")
    assert lines[-1].startswith(f"Training stopped after epoch {loop.record.n_iter}: the training loss did not improve")


def test_max_iter_with_an_active_rule_warns_in_the_units_of_the_strategy(problem):
    loop = _loop(problem, tol=1e-12, n_iter_no_change=100, max_epochs=3, max_iter=3)
    with pytest.warns(ConvergenceWarning, match="max_iter=3 epochs reached before the optimization converged"):
        loop.run(MiniBatchSteps(GradientDescent(loop.network.n_params, np.float64)))


def test_early_stopping_restores_the_best_epoch_on_the_held_out_rows(problem):
    X, Y = problem
    validation = Validation(X[150:], Y[:, 150:], np.ones(50))
    loop = _loop(
        problem,
        rows=np.arange(150),
        validation=validation,
        restore_best=True,
        learning_rate=3.0,
        tol=0.0,
        n_iter_no_change=100,
    )
    record = loop.record
    record.monitor_validation()
    with pytest.warns(ConvergenceWarning, match="max_iter=20 epochs"):  # no stall in 20 epochs
        loop.run(MiniBatchSteps(GradientDescent(loop.network.n_params, np.float64)))
    assert len(record.validation_scores) == record.n_iter == 20 and record.t == 20 * 150
    assert record.restored_best and record.best_validation_score == max(record.validation_scores)
    # The network holds the best epoch's weights: its validation loss is the best one.
    loss, _ = validation.evaluate(loop.network)
    assert loss == pytest.approx(-record.best_validation_score, rel=1e-12)


def test_a_cost_far_above_the_first_on_the_same_data_is_a_divergence(problem):
    X, Y = problem
    loop = _loop((X * 1e3, Y), learning_rate=1e6, batch_size=200, shuffle=False)
    with pytest.raises(DivergenceError, match=r"learning_rate=1000000\.0 is too large"):
        loop.run(MiniBatchSteps(GradientDescent(loop.network.n_params, np.float64)))


def test_the_divergence_reference_is_the_first_epoch_on_the_current_data(problem):
    """Continuing on the same data keeps comparing with that data's first cost; new data starts afresh."""
    record = TrainingRecord(loss_curve=[0.3, 0.1], n_iter=2, best_loss=0.1)
    same = record.next_run(continue_stopping_rule=False, same_data=True)
    new = record.next_run(continue_stopping_rule=True, same_data=False)
    assert same.reference_cost == 0.3 and same.reference_epoch == 0
    assert new.reference_epoch == 2 and new.reference_cost is None
    new.add_epoch(5.0, 10)
    assert new.reference_cost == 5.0


def test_lbfgs_iterations_are_epochs_of_the_same_loop(problem):
    loop = _loop(problem, batch_size=200, tol=0.0, stopping="solver", max_epochs=30, max_iter=30)
    seen = []
    with observe(lambda event, **details: seen.append(event)):
        loop.run(LbfgsSteps())
    record = loop.record
    assert seen[0] == "run_begin" and seen[-1] == "run_end" and seen.count("epoch_end") == record.n_iter
    assert record.loss_curve == sorted(record.loss_curve, reverse=True)  # accepted iterates only go down
    assert record.stop_reason in ("lbfgs", "max_iter")


def test_accelerated_steps_run_in_the_same_loop(problem):
    X, Y = problem
    network = Network((3, 1), "identity", "sigmoid")
    r = np.full(200, 1 / 200)
    cost = LinearModelCost(X, Y, r, 1 / 200, "sigmoid", *standardization(X, r))
    theta = cost.solver_parameters(network.params.astype(np.float64), np.empty(network.n_params))
    spec = RunSpec(max_epochs=500, learning_rate=0.0, batch_size=200, tol=1e-6, stopping="solver", max_iter=500)
    loop = TrainingLoop(network, TrainingData(X, Y, np.ones(200)), spec, TrainingRecord(), np.random.RandomState(0))
    loop.run(AcceleratedSteps(cost, theta, 4.0))
    assert loop.record.stop_reason == "solver" and 1 < loop.record.n_iter < 500
    assert np.all(np.isfinite(network.params)) and loop.record.loss_curve[-1] < math.log(2)


class _Interrupting(MiniBatchSteps):
    """Ctrl-C in the middle of the fifth epoch."""

    def epoch(self, loop, learning_rate):
        if loop.record.n_iter == 4:
            raise KeyboardInterrupt
        return super().epoch(loop, learning_rate)


def test_ctrl_c_keeps_the_best_epoch_and_says_so(problem):
    loop = _loop(problem)
    steps = _Interrupting(Adam(loop.network.n_params, np.float64))
    with pytest.raises(KeyboardInterrupt):
        loop.run(steps)
    record = loop.record
    assert record.stop_reason == "interrupted" and record.n_iter == 4 and record.restored_best
    np.testing.assert_array_equal(loop.network.params, record.best_params)
    assert loop.stop_message().startswith("Training stopped after epoch 4: interrupted (Ctrl-C).")


class _Reporter:
    """scikit-learn's callbacks, as the loop sees them: asks to stop after three epochs."""

    def __init__(self):
        self.begun = self.ended = 0

    def begin_epoch(self):
        self.begun += 1

    def end_epoch(self, network):
        self.ended += 1
        return self.ended == 3


def test_a_callback_stops_every_strategy(problem):
    for steps in (MiniBatchSteps(GradientDescent(3 * 8 + 8 + 8 + 1, np.float64)), LbfgsSteps()):
        loop = _loop(problem, batch_size=200, stopping="improvement" if isinstance(steps, MiniBatchSteps) else "solver")
        loop.reporter = reporter = _Reporter()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            loop.run(steps)
        assert loop.record.stop_reason == "callback" and loop.record.n_iter == 3
        assert reporter.begun == reporter.ended == 3
