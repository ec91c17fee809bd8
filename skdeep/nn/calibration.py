"""Temperature scaling: one number that makes a classifier's probabilities honest.

A network trained until its training cost stops falling is usually too sure
of itself: its logits ``Z[L]`` are too large, so its probabilities sit too
close to 0 and 1 and one wrong answer costs a large log-loss. Temperature
scaling (Guo et al., 2017) divides the logits by one positive number ``T``
before the sigmoid or softmax, ``A = g(Z / T)``, with ``T`` chosen to
minimize the cross-entropy on examples the network did not train on.

``T`` does not move any decision: ``argmax`` of ``Z / T`` is ``argmax`` of
``Z``, and ``Z / T > 0`` exactly when ``Z > 0``. Only the probabilities
change: ``T > 1`` softens them. ``T`` is never below 1 (see
``MIN_TEMPERATURE``): the fault it corrects is overconfidence.

The cost is convex in ``beta = 1 / T`` (a cross-entropy of a linear function
of it), with derivative and second derivative in closed form, so a
safeguarded Newton iteration finds its minimum to machine precision: two fits
that differ only by rounding (the same examples repeated instead of weighted)
get temperatures that differ only by rounding too.
"""

import numpy as np
from scipy.special import expit

from .losses import LOSSES

#: The temperatures a fit may choose: ``T`` in ``[MIN_TEMPERATURE, MAX_TEMPERATURE]``.
#: Never below 1, so a temperature only softens. Held-out examples the network
#: predicts perfectly would push ``T`` towards 0 (every probability to 0 or 1),
#: which a single later mistake punishes without limit; and sharpening pushes a
#: float32 model's smallest probabilities below what float32 represents, where an
#: uncalibrated float32 model and its float64 twin still agree.
MIN_TEMPERATURE = 1.0
MAX_TEMPERATURE = 20.0
_MAX_NEWTON_STEPS = 100


def temperature_cost(temperature, Z, Y, r, output_activation):
    """The cross-entropy of ``g(Z / temperature)`` against ``Y``, weighted by ``r``.

    Parameters
    ----------
    temperature : float
        Positive.
    Z : ndarray of shape (n_out, m)
        Logits (not changed).
    Y : ndarray of shape (n_out, m)
        Targets: one-hot (softmax) or 0/1 per output (sigmoid).
    r : ndarray of shape (m,)
        Each example's share of the cost, summing to 1.
    output_activation : {"sigmoid", "softmax"}

    Returns
    -------
    cost : float
    """
    scaled = np.asarray(Z, dtype=np.float64) / temperature  # a new array: LOSSES overwrite their input
    losses = LOSSES[output_activation](scaled, Y)
    return float(np.dot(losses, r))


def _slope_and_curvature(beta, Z, Y, r, output_activation):
    """The cost's first and second derivatives in ``beta`` at ``beta``.

    With ``A = g(beta Z)`` both outputs give the slope ``sum_k (A_k - Y_k) Z_k``
    per example; the curvature is the variance of Z under A for a softmax
    (``sum_k A_k Z_k^2 - (sum_k A_k Z_k)^2``) and ``sum_k A_k (1 - A_k) Z_k^2``
    for sigmoids.
    """
    if output_activation == "softmax":
        S = beta * Z
        S -= S.max(axis=0)
        A = np.exp(S)
        A /= A.sum(axis=0)
        mean_z = np.einsum("km,km->m", A, Z)
        slope = mean_z - np.einsum("km,km->m", Y, Z)
        curvature = np.einsum("km,km->m", A, Z * Z) - mean_z * mean_z
    else:
        A = expit(beta * Z)
        slope = np.einsum("km,km->m", A - Y, Z)
        curvature = np.einsum("km,km->m", A * (1.0 - A), Z * Z)
    return float(np.dot(slope, r)), float(np.dot(np.maximum(curvature, 0.0), r))


def fit_temperature(Z, Y, r, output_activation):
    """The temperature in ``[MIN_TEMPERATURE, MAX_TEMPERATURE]`` with the lowest cross-entropy.

    Parameters
    ----------
    Z : ndarray of shape (n_out, m)
        Held-out examples' logits.
    Y : ndarray of shape (n_out, m)
        Their targets.
    r : ndarray of shape (m,)
        Their shares of the cost, summing to 1.
    output_activation : {"sigmoid", "softmax"}

    Returns
    -------
    temperature : float
        1.0 when the logits carry nothing to scale (all equal for every example).
    """
    Z = np.asarray(Z, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    low, high = 1.0 / MAX_TEMPERATURE, 1.0 / MIN_TEMPERATURE  # the bracket on beta = 1 / T
    slope_low, curvature = _slope_and_curvature(low, Z, Y, r, output_activation)
    if curvature == 0.0 and slope_low == 0.0:
        return 1.0
    if slope_low >= 0.0:  # the cost rises from the softest end: soften as far as allowed
        return MAX_TEMPERATURE
    if _slope_and_curvature(high, Z, Y, r, output_activation)[0] <= 0.0:
        return MIN_TEMPERATURE
    beta = 1.0
    for _ in range(_MAX_NEWTON_STEPS):
        slope, curvature = _slope_and_curvature(beta, Z, Y, r, output_activation)
        if slope > 0.0:
            high = beta
        elif slope < 0.0:
            low = beta
        else:
            break
        step = beta - slope / curvature if curvature > 0.0 else np.nan
        # Newton's step while it stays inside the bracket, bisection otherwise.
        following = step if low < step < high else 0.5 * (low + high)
        if abs(following - beta) <= 4 * np.finfo(float).eps * beta:
            beta = following
            break
        beta = following
    return float(1.0 / beta)
