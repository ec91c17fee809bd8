"""Forward and backward propagation over an L-layer fully connected network.

Notation follows the course: ``A[0] = X`` has shape ``(n_x, m)`` with one
column per example, ``W[l]`` has shape ``(n_l, n_{l-1})``, ``b[l]`` has shape
``(n_l, 1)``, and for l = 1..L::

    Z[l] = W[l] A[l-1] + b[l]          A[l] = g[l](Z[l])

The output layer ``g[L]`` is a sigmoid (binary or multilabel targets) or a
softmax (multiclass); the cost is the matching cross-entropy, so the output
gradient is ``dZ[L] = A[L] - Y`` and for l = L..1::

    dW[l] = dZ[l] A[l-1]^T / m          db[l] = mean of dZ[l] over examples
    dA[l-1] = W[l]^T dZ[l]              dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1])

``dA[0]``, the gradient with respect to the inputs, is never computed: nothing
needs it, and for wide inputs it is the largest matrix of all.

All parameters live in one flat buffer, weights first ``[W1, ..., WL, b1, ...,
bL]``, and ``W[l]`` / ``b[l]`` are views into it. Gradients use the same layout,
so an optimizer updates every layer with a few vectorized calls and L2/L1
regularization touches one contiguous slice (the weights; biases are not
regularized, as in the course).
"""

import numpy as np

from .activations import DERIVATIVES, HIDDEN_ACTIVATIONS
from .linalg import input_product, input_weight_gradient
from .losses import LOSSES, output_gradient


class Network:
    """Structure and parameters of a fully connected network.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, ..., n_L]``, the course's ``layers_dims``.
    hidden_activation : str
        Activation of layers 1..L-1, a key of ``HIDDEN_ACTIVATIONS``.
    output_activation : {"sigmoid", "softmax"}
        Activation of layer L.
    dtype : numpy dtype
        float64 or float32; every buffer and parameter uses it.

    Attributes
    ----------
    params : ndarray of shape (n_params,)
        The flat parameter buffer.
    W, b : list of ndarray
        ``W[l]`` and ``b[l]`` for l = 1..L, views into ``params``; index 0 is
        ``None`` so the indices match the course's superscripts.
    n_weights : int
        ``params[:n_weights]`` holds every weight matrix (and no bias).
    """

    def __init__(self, layer_dims, hidden_activation, output_activation, dtype=np.float64):
        self.layer_dims = tuple(int(n) for n in layer_dims)
        self.n_layers = len(self.layer_dims) - 1
        self.hidden_activation = hidden_activation
        self.output_activation = output_activation
        self.dtype = np.dtype(dtype)
        self._g = HIDDEN_ACTIVATIONS[hidden_activation]
        self._g_prime = DERIVATIVES[hidden_activation]
        self._loss = LOSSES[output_activation]
        dims = self.layer_dims
        self.n_weights = sum(dims[l] * dims[l - 1] for l in range(1, len(dims)))
        self.n_params = self.n_weights + sum(dims[1:])
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.W, self.b = self.layer_views(self.params)

    def layer_views(self, flat):
        """Per-layer views ``(W, b)`` into any flat vector with this layout.

        Used for the parameters, their gradients and optimizer state alike.
        """
        dims = self.layer_dims
        W, b = [None], [None]
        w_start, b_start = 0, self.n_weights
        for l in range(1, self.n_layers + 1):
            n_l, n_prev = dims[l], dims[l - 1]
            W.append(flat[w_start : w_start + n_l * n_prev].reshape(n_l, n_prev))
            b.append(flat[b_start : b_start + n_l].reshape(n_l, 1))
            w_start += n_l * n_prev
            b_start += n_l
        return W, b

    # -- parameters as the course names them --------------------------------

    def get_parameters(self):
        """Copies of the parameters as the course's dict ``{"W1": ..., "b1": ...}``."""
        parameters = {}
        for l in range(1, self.n_layers + 1):
            parameters[f"W{l}"] = self.W[l].copy()
            parameters[f"b{l}"] = self.b[l].copy()
        return parameters

    def set_parameters(self, parameters):
        """Copy the course's parameter dict into the flat buffer."""
        for l in range(1, self.n_layers + 1):
            self.W[l][...] = parameters[f"W{l}"]
            self.b[l][...] = parameters[f"b{l}"]

    # -- training: forward, cost, backward into preallocated buffers ---------

    def workspace(self, m):
        """Buffers for a batch of ``m`` examples, allocated once and reused."""
        return Workspace(self.layer_dims, m, self.dtype)

    def forward(self, X, ws):
        """Forward propagation of a batch ``X`` of shape ``(n_x, m)``.

        Leaves ``A[l]`` for hidden layers in ``ws.A[l]`` and the output
        pre-activation ``Z[L]`` in ``ws.A[L]`` (the cost is taken from it).
        """
        L = self.n_layers
        for l in range(1, L + 1):
            Z = ws.A[l]
            if l == 1:
                input_product(self.W[1], X, out=Z)
            else:
                np.matmul(self.W[l], ws.A[l - 1], out=Z)
            Z += self.b[l]
            if l < L:
                self._g(Z)  # Z[l] becomes A[l] in place
        return ws.A[L]

    def backward(self, X, ws, dW, db):
        """Backward propagation from ``ws.dZ[L]``, writing ``dW[l]`` and ``db[l]``.

        ``dZ[L]`` already carries the per-example weights ``r`` (the ``1/m``),
        so the products below are the course's gradients as they stand.
        """
        for l in range(self.n_layers, 0, -1):
            dZ = ws.dZ[l]
            if l == 1:
                input_weight_gradient(dZ, X, out=dW[1])
            else:
                np.matmul(dZ, ws.A[l - 1].T, out=dW[l])
            np.sum(dZ, axis=1, keepdims=True, out=db[l])
            if l > 1:
                dA_prev = ws.dZ[l - 1]
                np.matmul(self.W[l].T, dZ, out=dA_prev)
                self._g_prime(dA_prev, ws.A[l - 1])  # dA[l-1] becomes dZ[l-1]

    def cost_and_gradient(self, X, Y, example_weight, ws, grad, l2=0.0):
        """One forward and backward pass: the cost and its gradient.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_x, m)
        Y : ndarray of shape (n_out, m)
        example_weight : ndarray of shape (m,)
            ``r``: each example's share of the cost (``1/m`` each for the
            course's plain mean).
        ws : Workspace
            Buffers for ``m`` examples.
        grad : ndarray of shape (n_params,)
            Flat gradient buffer, overwritten.
        l2 : float
            The L2 coefficient ``lambda / m``: adds ``l2/2 * sum ||W[l]||^2`` to
            the cost and ``l2 * W[l]`` to each ``dW[l]``.

        Returns
        -------
        cost : float
        """
        Z_out = self.forward(X, ws)
        losses = self._loss(Z_out, Y)  # turns Z[L] into A[L]
        cost = float(np.dot(losses, example_weight))
        output_gradient(Z_out, Y, example_weight, out=ws.dZ[self.n_layers])
        dW, db = self.layer_views(grad)
        self.backward(X, ws, dW, db)
        if l2:
            weights = self.params[: self.n_weights]
            cost += 0.5 * l2 * float(np.dot(weights, weights))
            grad[: self.n_weights] += l2 * weights
        return cost

    # -- pickling: views into the flat buffer must be rebuilt ----------------

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in ("W", "b", "_g", "_g_prime", "_loss"):
            del state[name]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._g = HIDDEN_ACTIVATIONS[self.hidden_activation]
        self._g_prime = DERIVATIVES[self.hidden_activation]
        self._loss = LOSSES[self.output_activation]
        self.W, self.b = self.layer_views(self.params)


def forward_logits(W, b, X, hidden_activation):
    """The output pre-activation ``Z[L]`` for ``X`` of shape ``(n_x, m)``.

    ``W`` and ``b`` are the course's per-layer lists (index 0 unused). Every
    array is allocated here, so concurrent calls share no state.
    """
    g = HIDDEN_ACTIVATIONS[hidden_activation]
    n_layers = len(W) - 1
    A = X
    for l in range(1, n_layers + 1):
        Z = np.empty((W[l].shape[0], X.shape[1]), dtype=W[l].dtype)
        if l == 1:
            input_product(W[1], X, out=Z)
        else:
            np.matmul(W[l], A, out=Z)
        Z += b[l]
        if l < n_layers:
            g(Z)
        A = Z
    return A


class Workspace:
    """Per-batch-size buffers: ``A[l]`` and ``dZ[l]`` of shape ``(n_l, m)``.

    Index 0 is unused (``A[0]`` is the input itself and ``dZ[0]`` is never
    computed).
    """

    def __init__(self, layer_dims, m, dtype):
        self.m = m
        self.A = [None] + [np.empty((n, m), dtype=dtype) for n in layer_dims[1:]]
        self.dZ = [None] + [np.empty((n, m), dtype=dtype) for n in layer_dims[1:]]
