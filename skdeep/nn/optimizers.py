"""Parameter updates, each a few in-place operations on the flat vectors.

Only NumPy ufuncs writing into preallocated buffers: no temporaries per
mini-batch, and no second BLAS library in the loop (SciPy's BLAS runs its own
thread pool, which fights NumPy's over the cores when both are called turn
about).

Every optimizer updates the whole flat parameter buffer at once (all layers in
one call) and keeps its state (velocities, moments, step count) in flat
vectors of the same layout, so the state can be saved and restored for
``warm_start``. Formulas follow the course's second part, "Improving Deep
Neural Networks".

Scalars are Python floats: under NumPy's promotion rules a NumPy ``float64``
scalar would turn a float32 update into float64 arithmetic plus a cast back,
at twice the cost.
"""

import math

import numpy as np


class _Optimizer:
    """State handling shared by the optimizers.

    ``_state_vectors`` names the flat state vectors; ``get_state`` copies them
    out and ``set_state`` copies them back in (for ``warm_start``).
    """

    _state_vectors = ()

    def get_state(self):
        return {name: getattr(self, name).copy() for name in self._state_vectors}

    def set_state(self, state):
        for name in self._state_vectors:
            getattr(self, name)[...] = state[name]


def _adaptive_step(params, grad, square, step, epsilon, learning_rate):
    """``theta -= learning_rate * dtheta / (sqrt(square) + epsilon)``, using ``step`` as scratch."""
    np.sqrt(square, out=step)
    step += epsilon
    np.divide(grad, step, out=step)
    step *= float(learning_rate)
    params -= step


class GradientDescent(_Optimizer):
    """``theta = theta - learning_rate * dtheta``."""

    def __init__(self, n_params, dtype):
        self._step = np.empty(n_params, dtype=dtype)

    def update(self, params, grad, learning_rate):
        np.multiply(grad, float(learning_rate), out=self._step)
        params -= self._step


class Momentum(_Optimizer):
    """Gradient descent with momentum (exponentially weighted gradients).

    ``v = beta v + (1 - beta) dtheta``; ``theta = theta - learning_rate v``.
    """

    _state_vectors = ("velocity",)

    def __init__(self, n_params, dtype, beta=0.9):
        self.beta = float(beta)
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._step = np.empty(n_params, dtype=dtype)

    def update(self, params, grad, learning_rate):
        v, step = self.velocity, self._step
        v *= self.beta
        np.multiply(grad, 1 - self.beta, out=step)
        v += step
        np.multiply(v, float(learning_rate), out=step)
        params -= step


class RMSProp(_Optimizer):
    """``s = beta s + (1 - beta) dtheta^2``; ``theta -= lr dtheta / (sqrt(s) + eps)``."""

    _state_vectors = ("square_avg",)

    def __init__(self, n_params, dtype, beta=0.9, epsilon=1e-8):
        self.beta = float(beta)
        self.epsilon = float(epsilon)
        self.square_avg = np.zeros(n_params, dtype=dtype)
        self._step = np.empty(n_params, dtype=dtype)

    def update(self, params, grad, learning_rate):
        s, step = self.square_avg, self._step
        s *= self.beta
        np.multiply(grad, grad, out=step)
        step *= 1 - self.beta
        s += step
        _adaptive_step(params, grad, s, step, self.epsilon, learning_rate)


class Adagrad(_Optimizer):
    """``s = s + dtheta^2``; ``theta -= lr dtheta / (sqrt(s) + eps)``."""

    _state_vectors = ("square_sum",)

    def __init__(self, n_params, dtype, epsilon=1e-8):
        self.epsilon = float(epsilon)
        self.square_sum = np.zeros(n_params, dtype=dtype)
        self._step = np.empty(n_params, dtype=dtype)

    def update(self, params, grad, learning_rate):
        s, step = self.square_sum, self._step
        np.multiply(grad, grad, out=step)
        s += step
        _adaptive_step(params, grad, s, step, self.epsilon, learning_rate)


class Adam(_Optimizer):
    """Adam with bias correction (Kingma and Ba, 2015), as the course writes it.

    ``v = beta_1 v + (1 - beta_1) dtheta``, ``s = beta_2 s + (1 - beta_2) dtheta^2``,
    ``v_hat = v / (1 - beta_1^t)``, ``s_hat = s / (1 - beta_2^t)``,
    ``theta -= lr v_hat / (sqrt(s_hat) + eps)``.

    The state holds the moments as exponentially decayed *sums*,
    ``gradient_sum = beta_1 gradient_sum + dtheta`` and
    ``square_sum = beta_2 square_sum + dtheta^2``, so that
    ``v = (1 - beta_1) gradient_sum`` and ``s = (1 - beta_2) square_sum``
    exactly. Every constant factor (the ``1 - beta``, both bias corrections,
    the learning rate) then folds into two scalars: a step is ten passes
    over the parameters.
    """

    _state_vectors = ("gradient_sum", "square_sum")

    def __init__(self, n_params, dtype, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.gradient_sum = np.zeros(n_params, dtype=dtype)
        self.square_sum = np.zeros(n_params, dtype=dtype)
        self._step = np.empty(n_params, dtype=dtype)

    def update(self, params, grad, learning_rate):
        self.t += 1
        m, n, step = self.gradient_sum, self.square_sum, self._step
        b1, b2, t = self.beta_1, self.beta_2, self.t
        m *= b1
        m += grad
        np.square(grad, out=step)
        n *= b2
        n += step
        # With sqrt(s_hat) = q sqrt(n), q = sqrt((1 - b2) / (1 - b2^t)), and
        # v_hat = (1 - b1) m / (1 - b1^t), the course's step is
        #   lr v_hat / (sqrt(s_hat) + eps) = [lr (1 - b1) / ((1 - b1^t) q)] m / (sqrt(n) + eps / q).
        # Python floats, so a float32 network stays in float32 arithmetic.
        q = math.sqrt((1 - b2) / (1 - b2**t))
        np.sqrt(n, out=step)
        step += self.epsilon / q
        np.divide(m, step, out=step)
        step *= float(learning_rate) * (1 - b1) / ((1 - b1**t) * q)
        params -= step

    def get_state(self):
        return {"t": self.t, **super().get_state()}

    def set_state(self, state):
        self.t = int(state["t"])
        super().set_state(state)


#: Solver name -> optimizer class (``lbfgs`` is handled by the estimator).
OPTIMIZERS = {
    "gd": GradientDescent,
    "momentum": Momentum,
    "rmsprop": RMSProp,
    "adagrad": Adagrad,
    "adam": Adam,
}
