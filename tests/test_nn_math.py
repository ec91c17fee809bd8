"""The nn core against the course's equations, finite differences and stability limits."""

import numpy as np
import pytest

from skdeep.nn import DERIVATIVES, HIDDEN_ACTIVATIONS, INITIALIZERS, OPTIMIZERS, Network, initialize_parameters
from skdeep.nn.activations import log_sigmoid, log_softmax, softmax
from skdeep.nn.losses import sigmoid_cross_entropy, softmax_cross_entropy

ACTIVATIONS = sorted(HIDDEN_ACTIVATIONS)

REFERENCE_ACTIVATIONS = {
    "relu": lambda z: np.maximum(0, z),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "identity": lambda z: z,
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_and_derivative_match_definitions(name):
    rng = np.random.RandomState(0)
    Z = rng.standard_normal((4, 50)) * 3
    Z[np.abs(Z) < 1e-3] = 0.5  # keep finite differences away from kinks
    A = HIDDEN_ACTIVATIONS[name](Z.copy())
    np.testing.assert_allclose(A, REFERENCE_ACTIVATIONS[name](Z), rtol=1e-12)

    dA = rng.standard_normal(Z.shape)
    dZ = DERIVATIVES[name](dA.copy(), A)
    eps = 1e-6
    g = REFERENCE_ACTIVATIONS[name]
    numeric = (g(Z + eps) - g(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(dZ, dA * numeric, rtol=1e-6, atol=1e-8)


def test_softmax_columns_sum_to_one_and_survive_huge_logits():
    Z = np.array([[1000.0, -1000.0, 0.0], [0.0, 1000.0, 1e6], [-5.0, 3.0, 1e6]])
    A = softmax(Z.copy())
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A.sum(axis=0), 1.0)
    np.testing.assert_allclose(np.exp(log_softmax(Z)), A, atol=1e-300)
    assert np.all(np.isfinite(log_softmax(Z)))


def test_losses_match_the_course_formulas():
    rng = np.random.RandomState(1)
    Z = rng.standard_normal((1, 30))
    Y = (rng.rand(1, 30) > 0.5).astype(float)
    a = 1 / (1 + np.exp(-Z))
    expected = -(Y * np.log(a) + (1 - Y) * np.log(1 - a))
    Zc = Z.copy()
    np.testing.assert_allclose(sigmoid_cross_entropy(Zc, Y), expected.ravel(), rtol=1e-12)
    np.testing.assert_allclose(Zc, a, rtol=1e-12)  # Z became A in place

    Z = rng.standard_normal((4, 30))
    Y = np.eye(4)[:, rng.randint(0, 4, 30)]
    P = np.exp(Z) / np.exp(Z).sum(axis=0)
    Zc = Z.copy()
    np.testing.assert_allclose(softmax_cross_entropy(Zc, Y), -(Y * np.log(P)).sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(Zc, P, rtol=1e-12)


def test_losses_are_finite_for_saturated_logits():
    Z = np.array([[800.0, -800.0, 1e6, -1e6]])
    Y = np.array([[0.0, 1.0, 0.0, 1.0]])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss = sigmoid_cross_entropy(Z.copy(), Y)
        np.testing.assert_allclose(loss, [800.0, 800.0, 1e6, 1e6])
        assert np.all(np.isfinite(log_sigmoid(Z)))
        Zm = np.array([[1e6, 0.0], [-1e6, 0.0]])
        loss = softmax_cross_entropy(Zm.copy(), np.array([[0.0, 1.0], [1.0, 0.0]]))
        np.testing.assert_allclose(loss, [2e6, np.log(2)])


@pytest.mark.parametrize("method", sorted(INITIALIZERS))
def test_initializers_draw_like_the_course(method):
    network = Network((7, 5, 3, 1), "relu", "sigmoid")
    initialize_parameters(network, method, np.random.RandomState(1))
    rng = np.random.RandomState(1)
    for l, (n_l, n_prev) in enumerate([(5, 7), (3, 5), (1, 3)], start=1):
        scale = {"zeros": 0.0, "small": 0.01, "xavier": 1 / np.sqrt(n_prev), "he": np.sqrt(2 / n_prev)}[method]
        expected = np.zeros((n_l, n_prev)) if method == "zeros" else rng.standard_normal((n_l, n_prev)) * scale
        np.testing.assert_array_equal(network.W[l], expected)
        np.testing.assert_array_equal(network.b[l], 0)


@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.3, 0.0), (0.0, 0.2), (0.3, 0.2)])
def test_penalty_is_the_courses_regularization_term(l2, l1):
    """``l2/2 sum_l ||W[l]||_F^2 + l1 sum_l |W[l]|``, the biases left out; and the part of the cost it adds."""
    network = Network((4, 3, 2), "relu", "softmax")
    initialize_parameters(network, "he", np.random.RandomState(0))
    network.b[1][...] = 5.0  # biases are not penalized
    squares = sum(np.sum(network.W[l] ** 2) for l in (1, 2))
    absolutes = sum(np.sum(np.abs(network.W[l])) for l in (1, 2))
    assert network.penalty(l2, l1) == pytest.approx(l2 / 2 * squares + l1 * absolutes, rel=1e-12)
    X, Y = _problem("softmax", 2, np.random.RandomState(1))
    X = X[:4]
    r = np.full(X.shape[1], 1 / X.shape[1])
    ws, grad = network.workspace(X.shape[1]), np.empty(network.n_params)
    plain = network.cost_and_gradient(X, Y, r, ws, grad)
    regularized = network.cost_and_gradient(X, Y, r, ws, grad, l2, l1)
    assert regularized - plain == pytest.approx(network.penalty(l2, l1), rel=1e-9, abs=1e-12)


def _problem(output, n_out, rng, m=13):
    X = rng.standard_normal((6, m))
    if output == "softmax":
        Y = np.eye(n_out)[:, rng.randint(0, n_out, m)]
    else:
        Y = (rng.rand(n_out, m) > 0.5).astype(float)
    return X, Y


def _relative_difference(network, X, Y, r, l2):
    """The course's gradient check: ||grad - gradapprox|| / (||grad|| + ||gradapprox||)."""
    ws = network.workspace(X.shape[1])
    grad = np.empty(network.n_params)
    network.cost_and_gradient(X, Y, r, ws, grad, l2)
    approx = np.empty_like(grad)
    eps = 1e-7
    theta = network.params
    scratch = np.empty_like(grad)
    for i in range(theta.size):
        original = theta[i]
        theta[i] = original + eps
        plus = network.cost_and_gradient(X, Y, r, ws, scratch, l2)
        theta[i] = original - eps
        minus = network.cost_and_gradient(X, Y, r, ws, scratch, l2)
        theta[i] = original
        approx[i] = (plus - minus) / (2 * eps)
    return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(
    "output, n_out", [("sigmoid", 1), ("softmax", 4), ("sigmoid", 3)], ids=["binary", "multiclass", "multilabel"]
)
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_backprop_equals_central_differences(activation, output, n_out, l2):
    rng = np.random.RandomState(42)
    network = Network((6, 5, 4, n_out), activation, output)
    initialize_parameters(network, "xavier", rng)
    # Nonzero biases everywhere: with b = 0, an example whose layer-1 units are
    # all dead gives Z[2] = 0 exactly, ReLU's kink, where no derivative exists.
    network.params[network.n_weights :] = rng.standard_normal(network.n_params - network.n_weights) * 0.1
    X, Y = _problem(output, n_out, rng)
    r = rng.rand(X.shape[1])
    r /= r.sum()  # uneven example weights
    assert _relative_difference(network, X, Y, r, l2) < 1e-7


def test_gradient_is_the_course_mean_for_equal_weights():
    """With r = 1/m, dW[L] = dZ A^T / m and db[L] = mean(dZ) for a one-layer net."""
    rng = np.random.RandomState(3)
    network = Network((4, 1), "identity", "sigmoid")
    initialize_parameters(network, "small", rng)
    X = rng.standard_normal((4, 9))
    Y = (rng.rand(1, 9) > 0.5).astype(float)
    grad = np.empty(network.n_params)
    network.cost_and_gradient(X, Y, np.full(9, 1 / 9), network.workspace(9), grad)
    A = 1 / (1 + np.exp(-(network.W[1] @ X + network.b[1])))
    np.testing.assert_allclose(grad[:4], ((A - Y) @ X.T / 9).ravel(), rtol=1e-12)
    np.testing.assert_allclose(grad[4], np.mean(A - Y), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_loss_keeps_relative_accuracy_in_both_tails(dtype):
    """A = exp(min(z, 0)) / (1 + exp(-|z|)): no ``1 - a`` cancellation, nothing overflows."""
    from scipy.special import expit, log_expit

    z = np.linspace(-700 if dtype == np.float64 else -80, 700 if dtype == np.float64 else 80, 2001)
    Z = z.astype(dtype)[None, :]
    Y = (np.arange(z.size) % 2).astype(dtype)[None, :]
    A = Z.copy()
    with np.errstate(over="raise", under="ignore", divide="raise", invalid="raise"):
        loss = sigmoid_cross_entropy(A, Y)
    zz = Z.astype(np.float64)  # the reference, in float64: -log a or -log(1 - a)
    expected = np.where(Y == 1, -log_expit(zz), -log_expit(-zz))[0]
    assert A.dtype == loss.dtype == dtype
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(A[0], expit(zz)[0], rtol=8 * eps)
    # softplus(z) - y z: accurate to a few units in the last place of z.
    assert np.all(np.abs(loss - expected) <= 4 * eps * np.maximum(1, np.abs(zz[0])))


@pytest.mark.parametrize("loss_function", [sigmoid_cross_entropy, softmax_cross_entropy])
def test_losses_reuse_their_scratch_buffers_without_changing_results(loss_function):
    rng = np.random.RandomState(2)
    n_out = 1 if loss_function is sigmoid_cross_entropy else 3
    scratch = {}
    for _ in range(2):  # the second call reuses the first call's buffers
        Z = rng.standard_normal((n_out, 40)) * 4
        Y = (rng.rand(n_out, 40) > 0.5).astype(float) if n_out == 1 else np.eye(3)[:, rng.randint(0, 3, 40)]
        fresh_Z, reused_Z = Z.copy(), Z.copy()
        fresh = loss_function(fresh_Z, Y)
        reused = loss_function(reused_Z, Y, scratch).copy()
        np.testing.assert_array_equal(reused, fresh)
        np.testing.assert_array_equal(reused_Z, fresh_Z)
    assert scratch  # the buffers were kept


def test_float32_network_stays_float32():
    rng = np.random.RandomState(0)
    network = Network((6, 5, 3), "tanh", "softmax", dtype=np.float32)
    initialize_parameters(network, "he", rng)
    X = rng.standard_normal((6, 8)).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[:, rng.randint(0, 3, 8)]
    ws = network.workspace(8)
    grad = np.empty(network.n_params, dtype=np.float32)
    network.cost_and_gradient(X, Y, np.full(8, 1 / 8, dtype=np.float32), ws, grad, 0.1)
    assert network.params.dtype == grad.dtype == ws.A[1].dtype == ws.dZ[2].dtype == np.float32


def _reference_step(name, theta, g, lr, state):
    """One step of each optimizer, written from the course's equations."""
    if name == "gd":
        return theta - lr * g
    if name == "momentum":
        v = 0.9 * state.get("v", 0) + 0.1 * g
        return theta - lr * v
    if name == "rmsprop":
        s = 0.9 * state.get("s", 0) + 0.1 * g**2
        return theta - lr * g / (np.sqrt(s) + 1e-8)
    if name == "adagrad":
        s = state.get("s", 0) + g**2
        return theta - lr * g / (np.sqrt(s) + 1e-8)
    v = 0.1 * g
    s = 0.001 * g**2
    v_hat, s_hat = v / (1 - 0.9), s / (1 - 0.999)
    return theta - lr * v_hat / (np.sqrt(s_hat) + 1e-8)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_first_optimizer_step_matches_its_equation(name):
    rng = np.random.RandomState(0)
    theta = rng.standard_normal(20)
    g = rng.standard_normal(20)
    kwargs = {"rmsprop": {"beta": 0.9}}.get(name, {})
    optimizer = OPTIMIZERS[name](20, np.float64, **kwargs)
    params = theta.copy()
    optimizer.update(params, g, 0.01)
    np.testing.assert_allclose(params, _reference_step(name, theta, g, 0.01, {}), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_updates_are_float32_whatever_the_scalar_type(name):
    """A NumPy float64 learning rate (say, from np.logspace) must not promote the
    arithmetic of a float32 update: it gives the same bits as a Python float."""
    rng = np.random.RandomState(3)
    theta = rng.standard_normal(50).astype(np.float32)
    grads = [rng.standard_normal(50).astype(np.float32) for _ in range(3)]
    results = []
    for lr in (0.01, np.float64(0.01)):
        optimizer = OPTIMIZERS[name](50, np.float32)
        params = theta.copy()
        for g in grads:
            optimizer.update(params, g, lr)
        assert params.dtype == np.float32
        results.append(params)
    np.testing.assert_array_equal(results[0], results[1])


def test_three_optimizer_steps_keep_their_state():
    """Adam's moments and bias correction, momentum's velocity, RMSProp/Adagrad's squares."""
    rng = np.random.RandomState(1)
    grads = [rng.standard_normal(10) for _ in range(3)]
    theta0 = rng.standard_normal(10)
    lr = 0.05
    expected = {}
    # Reference implementations, step by step, from the course's equations.
    theta, v = theta0.copy(), np.zeros(10)
    for g in grads:
        v = 0.9 * v + 0.1 * g
        theta = theta - lr * v
    expected["momentum"] = theta
    theta, s = theta0.copy(), np.zeros(10)
    for g in grads:
        s = 0.999 * s + 0.001 * g**2
        theta = theta - lr * g / (np.sqrt(s) + 1e-8)
    expected["rmsprop"] = theta
    theta, s = theta0.copy(), np.zeros(10)
    for g in grads:
        s = s + g**2
        theta = theta - lr * g / (np.sqrt(s) + 1e-8)
    expected["adagrad"] = theta
    theta, v, s = theta0.copy(), np.zeros(10), np.zeros(10)
    for t, g in enumerate(grads, start=1):
        v = 0.9 * v + 0.1 * g
        s = 0.999 * s + 0.001 * g**2
        v_hat, s_hat = v / (1 - 0.9**t), s / (1 - 0.999**t)
        theta = theta - lr * v_hat / (np.sqrt(s_hat) + 1e-8)
    expected["adam"] = theta

    kwargs = {"momentum": {"beta": 0.9}, "rmsprop": {"beta": 0.999}, "adagrad": {}, "adam": {}}
    for name, reference in expected.items():
        optimizer = OPTIMIZERS[name](10, np.float64, **kwargs[name])
        params = theta0.copy()
        for g in grads:
            optimizer.update(params, g, lr)
        np.testing.assert_allclose(params, reference, rtol=1e-12, err_msg=name)
        if name == "adam":
            # The course's moments are the decayed sums times (1 - beta).
            np.testing.assert_allclose(0.1 * optimizer.gradient_sum, v, rtol=1e-12)
            np.testing.assert_allclose(0.001 * optimizer.square_sum, s, rtol=1e-12)
        # The state round-trips (warm_start saves and restores it).
        restored = OPTIMIZERS[name](10, np.float64, **kwargs[name])
        restored.set_state(optimizer.get_state())
        a, b = params.copy(), params.copy()
        optimizer.update(a, grads[0], lr)
        restored.update(b, grads[0], lr)
        np.testing.assert_array_equal(a, b, err_msg=name)
