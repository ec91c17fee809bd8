"""Forward and backward propagation over an L-layer fully connected network.

Notation follows the course: ``A[0] = X`` has shape ``(n_x, m)`` with one
column per example, ``W[l]`` has shape ``(n_l, n_{l-1})``, ``b[l]`` has shape
``(n_l, 1)``, and for l = 1..L::

    Z[l] = W[l] A[l-1] + b[l]          A[l] = g[l](Z[l])

The output layer ``g[L]`` is a sigmoid (binary or multilabel targets), a
softmax (multiclass) or the identity (regression); the cost is the matching
cross-entropy or half the squared error, so the output gradient is
``dZ[L] = A[L] - Y`` and for l = L..1::

    dW[l] = dZ[l] A[l-1]^T / m          db[l] = mean of dZ[l] over examples
    dA[l-1] = W[l]^T dZ[l]              dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1])

``dA[0]``, the gradient with respect to the inputs, is never computed: nothing
needs it, and for wide inputs it is the largest matrix of all.

The course's second part adds, per hidden layer:

* batch normalization: ``Z_norm = (Z - mu) / sqrt(sigma^2 + eps)`` and
  ``Z~ = gamma Z_norm + beta`` before ``g``; ``beta[l]`` takes the role of
  ``b[l]``, which then stays zero;
* inverted dropout: ``A[l] *= D[l] / keep_prob`` with a random 0/1 mask D.

All parameters live in one flat buffer, weights first ``[W1, ..., WL, b1, ...,
bL, gamma1, ..., beta1, ...]``, and ``W[l]``, ``b[l]``, ``gamma[l]``,
``beta[l]`` are views into it. Gradients use the same layout, so an optimizer
updates every layer with a few vectorized calls and L2/L1 regularization
touches one contiguous slice (the weights only, as in the course).
"""

import numpy as np

from .activations import DERIVATIVES, HIDDEN_ACTIVATIONS
from .linalg import columns, input_product, input_weight_gradient, matmul
from .losses import LOSSES, output_gradient

#: The ``epsilon`` of batch normalization's ``sqrt(sigma^2 + eps)``.
BATCH_NORM_EPSILON = 1e-5


class Network:
    """Structure and parameters of a fully connected network.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, ..., n_L]``, the course's ``layers_dims``.
    hidden_activation : str
        Activation of layers 1..L-1, a key of ``HIDDEN_ACTIVATIONS``.
    output_activation : {"sigmoid", "softmax", "identity"}
        Activation of layer L (and so the cost, see :mod:`skdeep.nn.losses`).
    dtype : numpy dtype
        float64 or float32; every buffer and parameter uses it.
    batch_norm : bool
        Batch-normalize every hidden layer.
    keep_prob : sequence of float or None
        Dropout's keep probability for each hidden layer (1 = no dropout).
    batch_norm_momentum : float
        Weight of the old value in the moving averages of batch statistics.

    Attributes
    ----------
    params : ndarray of shape (n_params,)
        The flat parameter buffer.
    W, b, gamma, beta : list of ndarray
        Per-layer views into ``params``; index 0 is ``None`` so the indices
        match the course's superscripts (``gamma``/``beta`` only with batch
        norm, for the hidden layers).
    running_mean, running_var : list of ndarray
        Moving averages of batch norm's batch statistics. They start at zero
        and are bias-corrected when read (:meth:`get_batch_norm_stats`), as
        Adam corrects its moments, so a short fit does not predict with
        statistics that still lean towards the starting values.
    n_weights : int
        ``params[:n_weights]`` holds every weight matrix (and nothing else).
    """

    def __init__(
        self,
        layer_dims,
        hidden_activation,
        output_activation,
        dtype=np.float64,
        batch_norm=False,
        keep_prob=None,
        batch_norm_momentum=0.9,
    ):
        self.layer_dims = tuple(int(n) for n in layer_dims)
        self.n_layers = len(self.layer_dims) - 1
        self.hidden_activation = hidden_activation
        self.output_activation = output_activation
        self.dtype = np.dtype(dtype)
        self.batch_norm = bool(batch_norm) and self.n_layers > 1
        n_hidden = self.n_layers - 1
        self.keep_prob = tuple(float(k) for k in keep_prob) if keep_prob is not None else (1.0,) * n_hidden
        if len(self.keep_prob) != n_hidden:
            raise ValueError(f"keep_prob needs one value per hidden layer ({n_hidden}), got {len(self.keep_prob)}.")
        self._bind_functions()
        dims = self.layer_dims
        self.n_weights = sum(dims[l] * dims[l - 1] for l in range(1, len(dims)))
        n_hidden_units = sum(dims[1:-1])
        self.n_params = self.n_weights + sum(dims[1:]) + (2 * n_hidden_units if self.batch_norm else 0)
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self._bind_views()
        self.batch_norm_momentum = float(batch_norm_momentum)
        self.running_mean = [None] + [np.zeros((n, 1), dtype=self.dtype) for n in dims[1:-1]]
        self.running_var = [None] + [np.zeros((n, 1), dtype=self.dtype) for n in dims[1:-1]]
        self.batch_norm_updates = 0  # None once the averages are already unbiased

    def _bind_functions(self):
        self._g = HIDDEN_ACTIVATIONS[self.hidden_activation]
        self._g_prime = DERIVATIVES[self.hidden_activation]
        self._loss = LOSSES[self.output_activation]

    def _bind_views(self):
        self.W, self.b, self.gamma, self.beta = self.layer_views(self.params)
        self.reset_batch_norm_transform()

    def reset_batch_norm_transform(self):
        """``gamma = 1``, ``beta = 0``: batch norm starts as a plain normalization."""
        for l in range(1, self.n_layers if self.batch_norm else 1):
            self.gamma[l][...] = 1
            self.beta[l][...] = 0

    def layer_views(self, flat):
        """Per-layer views ``(W, b, gamma, beta)`` into any flat vector with this layout.

        Used for the parameters, their gradients and optimizer state alike.
        ``gamma`` and ``beta`` are lists of ``None`` without batch norm.
        """
        dims = self.layer_dims
        L = self.n_layers
        W, b, gamma, beta = [None], [None], [None] * (L + 1), [None] * (L + 1)
        start = 0
        for l in range(1, L + 1):
            size = dims[l] * dims[l - 1]
            W.append(flat[start : start + size].reshape(dims[l], dims[l - 1]))
            start += size
        for l in range(1, L + 1):
            b.append(flat[start : start + dims[l]].reshape(dims[l], 1))
            start += dims[l]
        if self.batch_norm:
            for views in (gamma, beta):
                for l in range(1, L):
                    views[l] = flat[start : start + dims[l]].reshape(dims[l], 1)
                    start += dims[l]
        return W, b, gamma, beta

    # -- parameters as the course names them --------------------------------

    def get_parameters(self):
        """Copies of the parameters as the course's dict ``{"W1": ..., "b1": ...}``.

        With batch norm, ``gamma1``, ``beta1``, ... are included too.
        """
        parameters = {}
        for l in range(1, self.n_layers + 1):
            parameters[f"W{l}"] = self.W[l].copy()
            parameters[f"b{l}"] = self.b[l].copy()
        if self.batch_norm:
            for l in range(1, self.n_layers):
                parameters[f"gamma{l}"] = self.gamma[l].copy()
                parameters[f"beta{l}"] = self.beta[l].copy()
        return parameters

    def set_parameters(self, parameters):
        """Copy the course's parameter dict into the flat buffer."""
        for name, array in self.named_views(self.params).items():
            array[...] = parameters[name]

    def named_views(self, flat):
        """``{"W1": view, "b1": view, ...}`` into a flat vector with this layout."""
        W, b, gamma, beta = self.layer_views(flat)
        named = {}
        for l in range(1, self.n_layers + 1):
            named[f"W{l}"], named[f"b{l}"] = W[l], b[l]
        if self.batch_norm:
            for l in range(1, self.n_layers):
                named[f"gamma{l}"], named[f"beta{l}"] = gamma[l], beta[l]
        return named

    def get_batch_norm_stats(self):
        """Batch norm's population statistics, ``{"mean1": ..., "var1": ...}``.

        The bias-corrected moving averages ``running / (1 - momentum^t)``
        after t updates (mean 0 and variance 1 before any update).
        """
        stats = {}
        if not self.batch_norm:
            return stats
        t = self.batch_norm_updates
        correction = 1.0 if t is None else 1.0 - self.batch_norm_momentum**t
        for l in range(1, self.n_layers):
            if correction == 0:
                stats[f"mean{l}"] = np.zeros_like(self.running_mean[l])
                stats[f"var{l}"] = np.ones_like(self.running_var[l])
            else:
                stats[f"mean{l}"] = self.running_mean[l] / correction
                stats[f"var{l}"] = self.running_var[l] / correction
        return stats

    def set_batch_norm_stats(self, stats):
        """Start the moving averages from unbiased statistics (a previous fit's)."""
        for l in range(1, self.n_layers if self.batch_norm else 1):
            self.running_mean[l][...] = stats[f"mean{l}"]
            self.running_var[l][...] = stats[f"var{l}"]
        self.batch_norm_updates = None

    def reset_batch_norm_stats(self):
        for l in range(1, self.n_layers if self.batch_norm else 1):
            self.running_mean[l][...] = 0
            self.running_var[l][...] = 0
        self.batch_norm_updates = 0

    # -- training: forward, cost, backward into preallocated buffers ---------

    def workspace(self, m):
        """Buffers for a batch of ``m`` examples, allocated once and reused."""
        return Workspace(self, m)

    def forward(self, X, ws, r, update_batch_norm_stats=False):
        """Training-mode forward propagation of a batch ``X`` of shape ``(n_x, m)``.

        Leaves ``A[l]`` for hidden layers in ``ws.A[l]`` (and the dropped-out
        ``A[l] * D[l] / keep_prob`` in ``ws.A_out[l]``) and the output
        pre-activation ``Z[L]`` in ``ws.A[L]``. Dropout uses the masks already
        in ``ws.mask``. Batch norm uses the batch's statistics, weighted by the
        examples' shares ``r``; with ``update_batch_norm_stats``, the moving
        averages become ``momentum running + (1 - momentum) batch``.
        """
        L = self.n_layers
        for l in range(1, L + 1):
            Z = ws.A[l]
            if l == 1:
                input_product(self.W[1], X, out=Z)
            else:
                matmul(self.W[l], ws.A_out[l - 1], Z)
            if l == L:
                Z += self.b[l]
                break
            if self.batch_norm:
                self._batch_norm_forward(l, Z, ws, r, update_batch_norm_stats)
            else:
                Z += self.b[l]
            self._g(Z)  # Z[l] becomes A[l] in place
            if ws.mask[l] is not None:
                np.multiply(Z, ws.mask[l], out=ws.A_out[l])
        return ws.A[L]

    def _batch_norm_forward(self, l, Z, ws, r, update_stats):
        mean = Z @ r[:, None]  # weighted batch mean, (n_l, 1)
        Z -= mean
        var = (Z * Z) @ r[:, None]
        inv_std = ws.inv_std[l]
        np.sqrt(var + BATCH_NORM_EPSILON, out=inv_std)
        np.divide(1, inv_std, out=inv_std)
        Z *= inv_std
        ws.Z_norm[l][...] = Z
        Z *= self.gamma[l]
        Z += self.beta[l]
        if update_stats:
            momentum = self.batch_norm_momentum
            self.running_mean[l] *= momentum
            self.running_mean[l] += (1 - momentum) * mean
            self.running_var[l] *= momentum
            self.running_var[l] += (1 - momentum) * var
            if l == self.n_layers - 1 and self.batch_norm_updates is not None:
                self.batch_norm_updates += 1

    def gradient_views(self, grad):
        """``layer_views(grad)``, built once per gradient buffer (the training
        loop passes the same buffer every batch)."""
        if getattr(self, "_grad_buffer", None) is not grad:
            self._grad_buffer = grad
            self._grad_views = self.layer_views(grad)
        return self._grad_views

    def backward(self, X, ws, grad, r):
        """Backward propagation from ``ws.dZ[L]``, writing every gradient into ``grad``.

        ``dZ[L]`` already carries the per-example weights ``r`` (the ``1/m``),
        so the products below are the course's gradients as they stand.
        """
        dW, db, dgamma, dbeta = self.gradient_views(grad)
        for l in range(self.n_layers, 0, -1):
            dZ = ws.dZ[l]
            if l == 1:
                input_weight_gradient(dZ, X, out=dW[1])
            else:
                matmul(dZ, ws.A_out[l - 1].T, dW[l])
            if self.batch_norm and l < self.n_layers:
                db[l][...] = 0  # beta[l] replaces b[l]
            else:
                # db = dZ 1, the sum over examples, as a matrix-vector product:
                # three times faster than a reduction across the example axis.
                np.matmul(dZ, ws.ones, out=db[l][:, 0])
            if l == 1:
                break
            dA_prev = ws.dZ[l - 1]
            matmul(self.W[l].T, dZ, dA_prev)
            if ws.mask[l - 1] is not None:
                dA_prev *= ws.mask[l - 1]
            self._g_prime(dA_prev, ws.A[l - 1])  # dA[l-1] becomes dZ~[l-1]
            if self.batch_norm:
                self._batch_norm_backward(l - 1, dA_prev, ws, r, dgamma, dbeta)

    def _batch_norm_backward(self, l, dZ, ws, r, dgamma, dbeta):
        """``dZ~ -> dZ`` through ``Z~ = gamma Z_norm + beta`` with weighted statistics.

        With ``mu = sum_i r_i z_i`` and ``sigma^2 = sum_i r_i (z_i - mu)^2``:
        ``dz_i = (dz^_i - r_i sum_j dz^_j - r_i z^_i sum_j dz^_j z^_j) / sqrt(sigma^2 + eps)``
        where ``dz^ = gamma dz~`` (with r = 1/m, the usual batch-norm gradient).
        """
        Z_norm = ws.Z_norm[l]
        np.sum(dZ * Z_norm, axis=1, keepdims=True, out=dgamma[l])
        np.sum(dZ, axis=1, keepdims=True, out=dbeta[l])
        dZ *= self.gamma[l]  # now d Z_norm
        total = dZ.sum(axis=1, keepdims=True)
        projection = (dZ * Z_norm).sum(axis=1, keepdims=True)
        dZ -= r * (total + Z_norm * projection)
        dZ *= ws.inv_std[l]

    def penalty(self, l2=0.0, l1=0.0):
        """The regularization part of the cost at the current weights:
        ``l2/2 * sum ||W[l]||^2 + l1 * sum |W[l]|``."""
        weights = self.params[: self.n_weights]
        total = 0.0
        if l2:
            total += 0.5 * float(l2) * float(np.dot(weights, weights))
        if l1:
            total += float(l1) * float(np.abs(weights).sum())
        return total

    def cost_and_gradient(self, X, Y, r, ws, grad, l2=0.0, l1=0.0, update_batch_norm_stats=False):
        """One forward and backward pass: the cost and its gradient.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_x, m)
        Y : ndarray of shape (n_out, m)
        r : ndarray of shape (m,)
            Each example's share of the cost, summing to 1 (``1/m`` each for
            the course's plain mean).
        ws : Workspace
            Buffers for ``m`` examples, with dropout masks already drawn.
        grad : ndarray of shape (n_params,)
            Flat gradient buffer, overwritten.
        l2 : float
            The L2 coefficient ``lambda / m``: adds ``l2/2 * sum ||W[l]||^2`` to
            the cost and ``l2 * W[l]`` to each ``dW[l]``.
        l1 : float
            The L1 coefficient: adds ``l1 * sum |W[l]|`` to the cost and
            ``l1 * sign(W[l])`` to each ``dW[l]``.
        update_batch_norm_stats : bool
            Update batch norm's moving averages with this batch's statistics.

        Returns
        -------
        cost : float
        """
        # Python floats: a NumPy float64 scalar (from a parameter grid, say)
        # would promote float32 arithmetic to float64.
        l2, l1 = float(l2), float(l1)
        Z_out = self.forward(X, ws, r, update_batch_norm_stats)
        losses = self._loss(Z_out, Y, ws.loss_scratch)  # turns Z[L] into A[L]
        cost = float(np.dot(losses, r))
        output_gradient(Z_out, Y, r, out=ws.dZ[self.n_layers])
        self.backward(X, ws, grad, r)
        if l2 or l1:
            weights, weight_grad = self.params[: self.n_weights], grad[: self.n_weights]
            scratch = self._weight_scratch()
        if l2:
            cost += self.penalty(l2=l2)
            np.multiply(weights, l2, out=scratch)
            weight_grad += scratch
        if l1:
            cost += self.penalty(l1=l1)
            np.sign(weights, out=scratch)
            scratch *= l1
            weight_grad += scratch
        return cost

    def _weight_scratch(self):
        """A buffer the size of the weights, for the regularization terms."""
        if getattr(self, "_scratch", None) is None or self._scratch.dtype != self.dtype:
            self._scratch = np.empty(self.n_weights, dtype=self.dtype)
        return self._scratch

    # -- what a run costs, and what its outputs can reach ---------------------

    def training_bytes(self, m, n_state_vectors):
        """Bytes a training run on batches of ``m`` examples allocates (see :func:`training_bytes`)."""
        return training_bytes(self.layer_dims, self.dtype, m, n_state_vectors, self.keep_prob, self.batch_norm)

    def output_bound(self, input_bound):
        """An upper bound on ``|Z[L]|`` at prediction time for inputs with ``|x| <= input_bound``.

        Layer by layer, ``|Z[l]| <= |W[l]| |A[l-1]| + |b[l]|`` (elementwise
        absolute values); ReLU, leaky ReLU and the identity never grow a
        value, sigmoid and tanh are bounded by 1. Computed in float64; ``inf``
        when even the bound overflows. Cheap: no pass over the data.
        """
        stats = self.get_batch_norm_stats()
        bound = np.full(self.layer_dims[0], float(input_bound))
        with np.errstate(over="ignore", invalid="ignore"):
            for l in range(1, self.n_layers + 1):
                bound = np.abs(self.W[l]).astype(np.float64) @ bound + np.abs(self.b[l][:, 0])
                if l == self.n_layers:
                    break
                if self.batch_norm:
                    scale = np.abs(self.gamma[l][:, 0]) / np.sqrt(stats[f"var{l}"][:, 0] + BATCH_NORM_EPSILON)
                    bound = scale * (bound + np.abs(stats[f"mean{l}"][:, 0])) + np.abs(self.beta[l][:, 0])
                if self.hidden_activation in ("sigmoid", "tanh"):
                    bound = np.minimum(bound, 1.0)
            result = float(np.max(bound, initial=0.0))
        return result if np.isfinite(result) else np.inf

    def prediction_layers(self):
        """The current weights and batch statistics as :func:`forward_logits` takes them."""
        return prediction_layers(self.named_views(self.params), self.get_batch_norm_stats(), self.n_layers)

    # -- pickling: views into the flat buffer must be rebuilt ----------------

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in ("W", "b", "gamma", "beta", "_g", "_g_prime", "_loss", "_grad_buffer", "_grad_views", "_scratch"):
            state.pop(name, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._bind_functions()
        self.W, self.b, self.gamma, self.beta = self.layer_views(self.params)


def training_bytes(layer_dims, dtype, m, n_state_vectors, keep_prob=None, batch_norm=False):
    """Bytes a training run of a network with ``layer_dims`` allocates, without building it.

    The parameters, their gradient, the optimizer's step and its
    ``n_state_vectors`` vectors, one copy of the best weights and the
    regularization scratch, plus one batch of ``m`` examples' buffers:
    ``A[l]`` and ``dZ[l]`` for every layer, the dropout masks and dropped-out
    copies, batch norm's caches and the loss's scratch (three output-sized arrays).
    """
    dims = [int(n) for n in layer_dims]
    n_layers = len(dims) - 1
    keep_prob = keep_prob or (1.0,) * (n_layers - 1)
    n_weights = sum(dims[l] * dims[l - 1] for l in range(1, n_layers + 1))
    n_params = n_weights + sum(dims[1:]) + (2 * sum(dims[1:-1]) if batch_norm else 0)
    vectors = (4 + n_state_vectors) * n_params + n_weights
    per_example = 2 * sum(dims[1:]) + 3 * dims[-1]
    for l in range(1, n_layers):
        per_example += dims[l] * (2 * (keep_prob[l - 1] < 1) + bool(batch_norm))
    return np.dtype(dtype).itemsize * (vectors + m * per_example)


def prediction_layers(parameters, batch_norm_stats, n_layers):
    """Per-layer dicts for :func:`forward_logits` from the course's named parameters."""
    layers = []
    for l in range(1, n_layers + 1):
        layer = {"W": parameters[f"W{l}"], "b": parameters[f"b{l}"]}
        if f"gamma{l}" in parameters:
            layer["gamma"] = parameters[f"gamma{l}"]
            layer["beta"] = parameters[f"beta{l}"]
            layer["mean"] = batch_norm_stats[f"mean{l}"]
            layer["var"] = batch_norm_stats[f"var{l}"]
        layers.append(layer)
    return layers


def batch_norm_scale(layer):
    """``gamma / sqrt(var + eps)``: prediction's batch norm is ``(Z - mean) * scale + beta``."""
    return layer["gamma"] / np.sqrt(layer["var"] + BATCH_NORM_EPSILON)


def forward_logits(layers, X, hidden_activation):
    """The output pre-activation ``Z[L]`` for ``X`` of shape ``(n_x, m)``, for prediction.

    Parameters
    ----------
    layers : list of dict
        One dict per layer l = 1..L with ``"W"``, ``"b"`` and, for a
        batch-normalized hidden layer, ``"gamma"``, ``"beta"``, ``"mean"``,
        ``"var"`` (the running statistics). No dropout at prediction time.
    X : ndarray or sparse matrix of shape (n_x, m)
    hidden_activation : str

    Returns
    -------
    Z : ndarray of shape (n_L, m)

    Every array is allocated here, so concurrent calls share no state.
    """
    g = HIDDEN_ACTIVATIONS[hidden_activation]
    A = X
    for l, layer in enumerate(layers, start=1):
        W = layer["W"]
        Z = columns(W.shape[0], X.shape[1], W.dtype)
        if l == 1:
            input_product(W, X, out=Z)
        else:
            matmul(W, A, Z)
        Z += layer["b"]
        if l == len(layers):
            return Z
        if "gamma" in layer:
            scale = batch_norm_scale(layer)
            Z -= layer["mean"]
            Z *= scale
            Z += layer["beta"]
        g(Z)
        A = Z
    return A


class Workspace:
    """Per-batch-size buffers for training, indexed by layer (0 unused).

    ``A[l]`` and ``dZ[l]`` have shape ``(n_l, m)``, stored example by example
    (see :mod:`skdeep.nn.linalg`) in the hidden layers. ``A_out[l]`` is what layer
    l+1 reads: ``A[l]`` itself, or a separate dropped-out copy when layer l
    has dropout (``g'`` needs the activation before dropout). ``mask[l]``
    holds ``D[l] / keep_prob`` (drawn by :meth:`draw_masks`); ``Z_norm`` and
    ``inv_std`` are batch norm's caches. ``ones`` (m ones) turns the sum over
    examples into a matrix-vector product, and ``loss_scratch`` keeps the
    loss's intermediate arrays from batch to batch.
    """

    def __init__(self, network, m):
        dims, dtype = network.layer_dims, network.dtype
        L = network.n_layers
        self.m = m
        # Hidden layers example by example; the output layer's few rows (one
        # per class) class by class, since softmax reduces over the classes.
        self.A = [None] + [columns(n, m, dtype) for n in dims[1:-1]] + [np.empty((dims[-1], m), dtype=dtype)]
        self.dZ = [None] + [columns(n, m, dtype) for n in dims[1:-1]] + [np.empty((dims[-1], m), dtype=dtype)]
        self.mask = [None] * (L + 1)
        self.ones = np.ones(m, dtype=dtype)  # db = dZ 1
        self.loss_scratch = {}  # the loss's intermediate results
        self.A_out = list(self.A)
        for l in range(1, L):
            if network.keep_prob[l - 1] < 1:
                self.mask[l] = columns(dims[l], m, dtype)
                self.A_out[l] = columns(dims[l], m, dtype)
        self.keep_prob = network.keep_prob
        self.Z_norm = [None] * (L + 1)
        self.inv_std = [None] * (L + 1)
        if network.batch_norm:
            for l in range(1, L):
                self.Z_norm[l] = columns(dims[l], m, dtype)
                self.inv_std[l] = np.empty((dims[l], 1), dtype=dtype)

    def draw_masks(self, rng):
        """New inverted-dropout masks ``D[l] / keep_prob`` with ``D ~ Bernoulli(keep_prob)``."""
        for l, mask in enumerate(self.mask):
            if mask is not None:
                keep = self.keep_prob[l - 1]
                np.less(rng.random_sample(mask.shape), keep, out=mask, casting="unsafe")
                mask *= 1 / keep
