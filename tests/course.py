"""The course's reference implementation, written independently of skdeep.

These are the plain, unoptimized functions of the course's notebooks
(``initialize_parameters_deep``, ``L_model_forward``, ``compute_cost``,
``L_model_backward``, ``update_parameters`` and logistic regression's
``propagate``/``optimize``). The one copy in the repository, with two users:
the tests (``tests/test_course_fidelity.py``, ``tests/test_logistic_solver.py``)
take it as the ground truth that skdeep must reproduce, and the benchmark's
workload C (``benchmarks/wide_full_batch.py``) times ``L_layer_model`` as the
course loop skdeep is measured against (it loads this file by its path).

The code stays as plain as the notebooks write it (dicts of parameters, a list
of caches, ``np.dot``, a new array for every intermediate, ``dA[0]`` computed
too): the benchmark measures that plainness. The one departure is the random
state: a ``RandomState`` object seeded like the course's ``np.random.seed``,
drawing the same numbers without touching the global NumPy state.
"""

import numpy as np


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def relu(Z):
    return np.maximum(0, Z)


# -- logistic regression (course 1, week 2) ---------------------------------


def logistic_propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    return dw, db, cost


def logistic_optimize(X, Y, num_iterations, learning_rate):
    w = np.zeros((X.shape[0], 1))
    b = 0.0
    costs = []
    for _ in range(num_iterations):
        dw, db, cost = logistic_propagate(w, b, X, Y)
        costs.append(cost)
        w = w - learning_rate * dw
        b = b - learning_rate * db
    return w, b, costs


# -- L-layer network (course 1, week 4) ---------------------------------------


def initialize_parameters_deep(layer_dims, seed, scale="xavier"):
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        factor = 0.01 if scale == "small" else 1 / np.sqrt(layer_dims[l - 1])
        parameters["W" + str(l)] = rng.randn(layer_dims[l], layer_dims[l - 1]) * factor
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def L_model_forward(X, parameters, hidden=relu):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        Z = np.dot(parameters["W" + str(l)], A_prev) + parameters["b" + str(l)]
        A = hidden(Z)
        caches.append((A_prev, Z))
    Z = np.dot(parameters["W" + str(L)], A) + parameters["b" + str(L)]
    AL = sigmoid(Z)
    caches.append((A, Z))
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return float(np.squeeze(cost))


def L_model_backward(AL, Y, caches, parameters):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    # output layer: sigmoid_backward
    A_prev, Z = caches[L - 1]
    s = sigmoid(Z)
    dZ = dAL * s * (1 - s)
    grads["dW" + str(L)] = 1.0 / m * np.dot(dZ, A_prev.T)
    grads["db" + str(L)] = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(parameters["W" + str(L)].T, dZ)
    for l in reversed(range(1, L)):
        A_prev, Z = caches[l - 1]
        # relu_backward
        dZ = np.array(dA_prev, copy=True)
        dZ[Z <= 0] = 0
        grads["dW" + str(l)] = 1.0 / m * np.dot(dZ, A_prev.T)
        grads["db" + str(l)] = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
        dA_prev = np.dot(parameters["W" + str(l)].T, dZ)
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


def L_layer_model(X, Y, layers_dims, learning_rate, num_iterations, seed=1, scale="xavier"):
    parameters = initialize_parameters_deep(layers_dims, seed, scale)
    costs = []
    for _ in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        costs.append(compute_cost(AL, Y))
        grads = L_model_backward(AL, Y, caches, parameters)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters, costs
