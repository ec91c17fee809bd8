"""DeepNetClassifier's own behaviour."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier, LogisticRegressionGD

from .asserts import assert_same_parameters


def test_digits_cross_validation_with_defaults(digits):
    X, y = digits
    scores = cross_val_score(make_pipeline(StandardScaler(), DeepNetClassifier(random_state=0)), X, y, cv=5)
    assert scores.mean() >= 0.94


def test_fitted_attributes_in_course_and_mlp_layouts(blobs):
    X, y = blobs
    model = DeepNetClassifier(hidden_layer_sizes=(7, 5), max_iter=5, tol=0, random_state=0).fit(X, y)
    assert model.n_layers_ == 4 and model.n_outputs_ == 3 and model.out_activation_ == "softmax"
    shapes = {name: value.shape for name, value in model.parameters_.items()}
    assert shapes == {"W1": (7, 4), "b1": (7, 1), "W2": (5, 7), "b2": (5, 1), "W3": (3, 5), "b3": (3, 1)}
    for l in (1, 2, 3):
        np.testing.assert_array_equal(model.coefs_[l - 1], model.parameters_[f"W{l}"].T)
        np.testing.assert_array_equal(model.intercepts_[l - 1], model.parameters_[f"b{l}"].ravel())
    assert len(model.loss_curve_) == model.n_iter_ == 5
    assert model.best_loss_ == min(model.loss_curve_)


def test_predict_proba_is_the_forward_pass(blobs):
    X, y = blobs
    model = DeepNetClassifier(hidden_layer_sizes=(6,), activation="tanh", max_iter=20, tol=0, random_state=0).fit(X, y)
    A1 = np.tanh(X @ model.coefs_[0] + model.intercepts_[0])
    Z2 = A1 @ model.coefs_[1] + model.intercepts_[1]
    # The probabilities come from the logits divided by the fitted temperature (calibration).
    Z2 = Z2 / model.temperature_
    P = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X), P, rtol=1e-10)


def test_binary_output_is_one_sigmoid_unit(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    model = DeepNetClassifier(hidden_layer_sizes=(10,), max_iter=30, tol=0, random_state=0).fit(X, y)
    assert model.n_outputs_ == 1 and model.out_activation_ == "sigmoid"
    assert model.parameters_["W2"].shape == (1, 10)
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    assert model.score(X, y) > 0.97


def test_multilabel_indicator_targets(blobs):
    X, y = blobs
    Y = np.column_stack([y == 0, y != 1, X[:, 0] > 0]).astype(int)
    model = DeepNetClassifier(hidden_layer_sizes=(16,), max_iter=150, tol=0, random_state=0).fit(X, Y)
    assert model.out_activation_ == "sigmoid" and model.n_outputs_ == 3
    proba = model.predict_proba(X)
    assert proba.shape == (90, 3) and np.all((proba >= 0) & (proba <= 1))
    predicted = model.predict(X)
    np.testing.assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert (predicted == Y).mean() > 0.9
    with pytest.raises(ValueError, match="class_weight is not supported for multilabel"):
        DeepNetClassifier(class_weight="balanced").fit(X, Y)


def test_no_hidden_layer_is_logistic_regression(scaled_breast_cancer):
    X, y = scaled_breast_cancer
    common = dict(learning_rate=0.1, max_iter=50, tol=0, alpha=1.0)
    # Logistic regression starts from zeros, as init="zeros" does.
    net = DeepNetClassifier(hidden_layer_sizes=(), solver="gd", batch_size=None, init="zeros", **common)
    net.fit(X, y)
    logistic = LogisticRegressionGD(**common).fit(X, y)
    np.testing.assert_allclose(net.parameters_["W1"], logistic.coef_, rtol=1e-12)
    np.testing.assert_allclose(net.loss_curve_, logistic.loss_curve_, rtol=1e-12)


@pytest.mark.parametrize("solver", ["gd", "momentum", "rmsprop", "adagrad", "adam"])
def test_every_solver_learns(solver, blobs):
    X, y = blobs
    learning_rate = {"gd": 0.3, "momentum": 0.3, "adagrad": 0.1}.get(solver, 0.01)
    model = DeepNetClassifier(
        hidden_layer_sizes=(16,),
        solver=solver,
        learning_rate=learning_rate,
        batch_size=16,
        max_iter=60,
        tol=0,
        random_state=0,
    ).fit(X, y)
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]
    assert model.score(X, y) > 0.9


def test_mini_batches_follow_random_state(blobs):
    X, y = blobs
    fits = [DeepNetClassifier(batch_size=10, max_iter=5, tol=0, random_state=7).fit(X, y) for _ in range(2)]
    np.testing.assert_array_equal(fits[0].loss_curve_, fits[1].loss_curve_)
    other = DeepNetClassifier(batch_size=10, max_iter=5, tol=0, random_state=8).fit(X, y)
    assert fits[0].loss_curve_ != other.loss_curve_


def test_stopping_rule_and_convergence_warning(blobs):
    X, y = blobs
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        DeepNetClassifier(max_iter=3, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stopped = DeepNetClassifier(max_iter=500, tol=1e-2, n_iter_no_change=2, random_state=0).fit(X, y)
        assert stopped.n_iter_ < 500
        full = DeepNetClassifier(max_iter=40, tol=0, random_state=0).fit(X, y)
    assert full.n_iter_ == 40


def test_divergence_is_an_error_naming_learning_rate(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match=r"learning_rate=1e\+30 is too large.*StandardScaler"):
        DeepNetClassifier(solver="gd", learning_rate=1e30, max_iter=50, random_state=0).fit(X * 1e3, y)


def test_keyboard_interrupt_keeps_a_usable_model(blobs, monkeypatch):
    X, y = blobs
    from skdeep._training import MiniBatchSteps

    calls = {"n": 0}
    original = MiniBatchSteps.epoch

    def interrupted_epoch(self, loop, learning_rate):
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt
        return original(self, loop, learning_rate)

    monkeypatch.setattr(MiniBatchSteps, "epoch", interrupted_epoch)
    model = DeepNetClassifier(max_iter=50, tol=0, random_state=0)
    # Ctrl-C stops the program (a search, a script), and the model keeps its best epoch.
    with pytest.warns(UserWarning, match="after epoch 5: interrupted.*keeps these weights"):
        with pytest.raises(KeyboardInterrupt):
            model.fit(X, y)
    assert model.n_iter_ == 5
    assert np.all(np.isfinite(model.predict_proba(X)))
    assert model.score(X, y) > 0.5


def test_verbose_prints_one_line_per_epoch(blobs, capsys):
    X, y = blobs
    DeepNetClassifier(max_iter=4, tol=0, verbose=1, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(",")[0] for line in lines[:-1]] == ["Epoch 1", "Epoch 2", "Epoch 3", "Epoch 4"]
    assert lines[-1] == "Training stopped after epoch 4: max_iter=4 epochs reached."


def test_warm_start_rejects_a_changed_architecture(blobs):
    X, y = blobs
    model = DeepNetClassifier(hidden_layer_sizes=(5,), max_iter=2, tol=0, warm_start=True, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="network's shape changed"):
        model.set_params(hidden_layer_sizes=(6,)).fit(X, y)
    with pytest.raises(ValueError, match=r"same classes as before.*classes_=\[0, 1, 2\], y has \[0, 1, 9\]"):
        model.set_params(hidden_layer_sizes=(5,)).fit(X, np.where(y == 2, 9, y))


@pytest.mark.parametrize("solver", ["gd", "momentum", "rmsprop", "adagrad", "adam"])
def test_numpy_scalar_hyperparameters_train_exactly_like_python_floats(solver, blobs):
    """Grids such as np.logspace hand NumPy float64 scalars; on float32 data they
    must neither promote the arithmetic to float64 nor change a single bit."""
    X, y = blobs
    X32 = X.astype(np.float32)
    params = {"learning_rate": 0.01, "alpha": 0.1, "dropout": 0.1, "input_noise": 0.05, "lr_schedule": "step"}
    as_numpy = {name: np.float64(value) if isinstance(value, float) else value for name, value in params.items()}
    fits = [
        DeepNetClassifier(hidden_layer_sizes=(6,), solver=solver, batch_size=16, max_iter=4, tol=0, random_state=0)
        .set_params(**p)
        .fit(X32, y)
        for p in (params, as_numpy)
    ]
    assert all(value.dtype == np.float32 for value in fits[0].parameters_.values())
    assert_same_parameters(fits[1].parameters_, fits[0].parameters_)
    assert fits[0].loss_curve_ == fits[1].loss_curve_
