"""Output costs computed from the output layer's pre-activation ``Z[L]``.

The cross-entropies (sigmoid and softmax outputs, for classification) and the
squared error (identity output, for regression).

Working from the logits rather than from ``A[L]`` keeps the cost finite for
saturated units: ``log(sigmoid(z))`` is ``-log1p(exp(-z))`` for large ``z`` and
never ``log(0)``. Each function returns the per-example loss (a vector of
length m) and turns ``Z`` into ``A[L]`` in place, because the fused output
gradient ``dZ[L] = A[L] - Y`` needs ``A[L]`` right after.
"""

import numpy as np


def _buffer(scratch, name, shape, dtype):
    """An array for an intermediate result, kept in ``scratch`` across calls.

    With ``scratch=None`` a new array. At a full batch of many examples, new
    arrays on every iteration cost more in page faults than the arithmetic
    itself, so the training loop passes one dict per batch size.
    """
    if scratch is None:
        return np.empty(shape, dtype=dtype)
    buffer = scratch.get(name)
    if buffer is None or buffer.shape != shape or buffer.dtype != dtype:
        buffer = scratch[name] = np.empty(shape, dtype=dtype)
    return buffer


def sigmoid_cross_entropy(Z, Y, scratch=None):
    """Binary cross-entropy of sigmoid outputs, summed over output units.

    ``L = -[y log a + (1 - y) log(1 - a)]`` with ``a = sigmoid(z)`` equals
    ``softplus(z) - y z`` with ``softplus(z) = max(z, 0) + log1p(exp(-|z|))``,
    which never overflows (``exp(-|z|)`` is at most 1). The sigmoid comes
    from the same ``e = exp(-|z|)``: ``a = exp(min(z, 0)) / (1 + e)``, which is
    ``1 / (1 + e)`` for ``z >= 0`` and ``e / (1 + e)`` below, exact in both tails.

    Parameters
    ----------
    Z : ndarray of shape (n_out, m)
        Logits; overwritten with ``A = sigmoid(Z)``.
    Y : ndarray of shape (n_out, m)
        Targets in [0, 1].
    scratch : dict, optional
        Buffers reused from call to call (see ``_buffer``).

    Returns
    -------
    loss : ndarray of shape (m,)
        Per-example loss (a view of a ``scratch`` buffer when one is given).
    """
    e = _buffer(scratch, "e", Z.shape, Z.dtype)
    loss = _buffer(scratch, "loss", Z.shape, Z.dtype)
    term = _buffer(scratch, "term", Z.shape, Z.dtype)
    np.abs(Z, out=e)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e = exp(-|z|), in (0, 1]
    np.log1p(e, out=loss)
    np.maximum(Z, 0, out=term)
    loss += term
    np.multiply(Y, Z, out=term)
    loss -= term
    # In place: Z becomes exp(min(z, 0)) / (1 + e) = sigmoid(z).
    np.minimum(Z, 0, out=Z)
    np.exp(Z, out=Z)
    e += 1
    Z /= e
    if loss.shape[0] == 1:
        return loss[0]
    return np.add.reduce(loss, axis=0, out=_buffer(scratch, "total", Z.shape[1:], Z.dtype))


def softmax_cross_entropy(Z, Y, scratch=None):
    """Categorical cross-entropy of softmax outputs.

    ``L = -sum_k y_k log a_k = logsumexp(z) - sum_k y_k z_k``, with the column
    maximum subtracted inside the log-sum-exp.

    Parameters
    ----------
    Z : ndarray of shape (n_classes, m)
        Logits; overwritten with ``A = softmax(Z)``.
    Y : ndarray of shape (n_classes, m)
        One-hot targets (each column sums to 1).
    scratch : dict, optional
        Buffers reused from call to call (see ``_buffer``).

    Returns
    -------
    loss : ndarray of shape (m,)
        Per-example loss (a view of a ``scratch`` buffer when one is given).
    """
    product = _buffer(scratch, "product", Z.shape, Z.dtype)
    z_max, target_logit, loss = _buffer(scratch, "columns", (3, Z.shape[1]), Z.dtype)
    np.maximum.reduce(Z, axis=0, out=z_max)
    Z -= z_max
    # Each column of Y sums to 1, so the shift cancels out of the loss:
    # logsumexp(z) - y.z = log(sum_k exp(z_k - z_max)) - y.(z - z_max).
    np.multiply(Y, Z, out=product)
    np.add.reduce(product, axis=0, out=target_logit)
    np.exp(Z, out=Z)
    np.add.reduce(Z, axis=0, out=loss)  # the normalizer, >= 1: its largest term is exp(0)
    Z /= loss  # Z now holds A = softmax(Z)
    np.log(loss, out=loss)
    loss -= target_logit
    return loss


def squared_error(Z, Y, scratch=None):
    """Half the squared error of an identity output, summed over output units.

    ``L = 1/2 ||a - y||^2`` with ``a = z``: the course's regression cost
    ``J = 1/(2m) sum_i ||a(i) - y(i)||^2`` is its mean. The 1/2 makes its
    gradient ``dL/dz = a - y``, the same fused output gradient as the
    cross-entropies'. ``Z`` is already ``A`` (the identity), so it is left as it is.

    Parameters
    ----------
    Z : ndarray of shape (n_out, m)
        Outputs.
    Y : ndarray of shape (n_out, m)
        Targets.
    scratch : dict, optional
        Buffers reused from call to call (see ``_buffer``).

    Returns
    -------
    loss : ndarray of shape (m,)
        Per-example loss (a view of a ``scratch`` buffer when one is given).
    """
    residual = _buffer(scratch, "residual", Z.shape, Z.dtype)
    np.subtract(Z, Y, out=residual)
    residual *= residual
    residual *= 0.5
    if residual.shape[0] == 1:
        return residual[0]
    return np.add.reduce(residual, axis=0, out=_buffer(scratch, "total", Z.shape[1:], Z.dtype))


#: Output activation -> per-example loss from logits.
LOSSES = {
    "sigmoid": sigmoid_cross_entropy,
    "softmax": softmax_cross_entropy,
    "identity": squared_error,
}


def best_constant_loss(Y, r, output_activation):
    """The (weighted mean) loss of the best prediction that ignores the inputs.

    A network whose output biases alone fit the data predicts the weighted
    class frequencies (sigmoid, softmax) or the targets' weighted mean
    (identity); no trained model should do worse on its training data.

    Parameters
    ----------
    Y : ndarray of shape (n_out, m)
    r : ndarray of shape (m,)
        Each example's share of the cost, summing to 1.
    output_activation : {"sigmoid", "softmax", "identity"}

    Returns
    -------
    loss : float
        The entropy of the frequencies, or half the targets' weighted variance,
        summed over the outputs.
    """
    Y = np.asarray(Y, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    mean = Y @ r
    if output_activation == "identity":
        return float(0.5 * (((Y - mean[:, None]) ** 2) @ r).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        # 0 log 0 = 0: a class (or label value) that never occurs costs nothing.
        entropy = np.where(mean > 0, -mean * np.log(mean), 0.0)
        if output_activation == "sigmoid":
            entropy += np.where(mean < 1, -(1 - mean) * np.log1p(-mean), 0.0)
    return float(entropy.sum())


def output_gradient(A, Y, example_weight, out):
    """The fused output gradient ``dZ[L] = (A[L] - Y) * r``.

    For a sigmoid output with binary cross-entropy, a softmax output with
    categorical cross-entropy, and an identity output with half the squared
    error, ``dL/dZ[L]`` simplifies to ``A - Y``. The
    course then divides by m; here each column is scaled by its example weight
    ``r_i = s_i / sum(s)`` instead (``1/m`` when all weights are equal), so every
    gradient computed from it is already a (weighted) mean over the batch.

    Parameters
    ----------
    A : ndarray of shape (n_out, m)
    Y : ndarray of shape (n_out, m)
    example_weight : ndarray of shape (m,)
        ``r``, summing to 1.
    out : ndarray of shape (n_out, m)
        Where ``dZ[L]`` is written (may be ``A`` itself).

    Returns
    -------
    dZ : ndarray of shape (n_out, m)
    """
    np.subtract(A, Y, out=out)
    out *= example_weight
    return out
