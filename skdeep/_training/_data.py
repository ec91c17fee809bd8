"""The data a run trains on, and the held-out data it is scored on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .._predict import chunked_logits
from .._threads import blas_threads_for_rows
from ..nn.losses import LOSSES

#: Rows hashed at a time by :meth:`TrainingData.digest` (bounded memory).
_DIGEST_ROWS = 4096


@dataclass
class TrainingData:
    """Training inputs in scikit-learn's layout, and targets in the course's.

    ``X`` has one row per example. ``rows``, when given, are the rows of
    ``X`` that train, in order (early stopping holds the others out): the
    batches are gathered from ``X`` through them, so that the training
    rows, most of a large data set, are never copied as a whole. Without
    ``rows`` every row of ``X`` trains. For the ``m`` training examples,
    ``Y`` is ``(n_out, m)`` and ``sample_weight`` is ``(m,)``, positive in
    total.
    """

    X: object
    Y: np.ndarray
    sample_weight: np.ndarray
    rows: np.ndarray | None = None
    _training_X: object = field(default=None, init=False, repr=False)

    @property
    def n_samples(self):
        """The number of training examples (rows of X that train), whatever their weights."""
        return self.X.shape[0] if self.rows is None else self.rows.shape[0]

    def training_X(self):
        """The training examples as one ``(m, n_x)`` array: ``X`` itself, or a copy of
        its ``rows``, made on the first call (a full-batch step or a callback needs it)."""
        if self.rows is None:
            return self.X
        if self._training_X is None:
            self._training_X = self.X[self.rows]
        return self._training_X

    @property
    def total_weight(self):
        """The course's m: the data's total weight (a float, maybe huge, never inf for valid data)."""
        return float(self.sample_weight.sum())

    def digest(self):
        """A digest of the training examples, targets and weights (to recognize the same data again).

        Hashed a few thousand rows at a time, so that no copy of X is made whole.
        """
        digest = hashlib.blake2b(digest_size=16)
        X = self.X
        if sp.issparse(X):
            X = X.tocsr()
            for part in (X.data, X.indices, X.indptr):
                digest.update(np.ascontiguousarray(part).tobytes())
        else:
            for start in range(0, X.shape[0], _DIGEST_ROWS):
                digest.update(np.ascontiguousarray(X[start : start + _DIGEST_ROWS]).tobytes())
        digest.update(repr((X.shape, str(X.dtype))).encode())
        for array in (self.Y, self.sample_weight, self.rows):
            if array is not None:
                digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()


def prediction_logits(network, X):
    """The network's logits ``Z[L]`` for the rows of ``X``, ``(n_out, m)`` in float64, as
    prediction computes them: no dropout, no input noise."""
    layers = network.prediction_layers()
    with blas_threads_for_rows(layers, X.shape[0]), np.errstate(over="ignore", invalid="ignore"):
        logits = chunked_logits(layers, X, network.hidden_activation).T
    return np.array(logits, dtype=np.float64)


def weighted_loss(network, X, Y, r):
    """The network's loss on the rows of ``X`` (targets ``Y``, shares ``r`` summing to 1), as
    prediction computes it: no dropout, no input noise, no regularization term."""
    losses = LOSSES[network.output_activation](prediction_logits(network, X), Y)
    return float(np.dot(losses, r))


class Validation:
    """Held-out data scored after each epoch: the validation loss and a score.

    The score is ``-loss`` (``scoring=None``) or a scorer's value; greater is
    better in both cases. ``score_network`` (given by the estimator) scores
    the network's current weights with a scikit-learn scorer on the data as
    ``fit`` received it (a DataFrame keeps its column names).
    """

    def __init__(self, X, Y, sample_weight, score_network=None):
        self.X, self.Y = X, Y
        self.r = sample_weight / sample_weight.sum()
        self.score_network = score_network

    def logits(self, network):
        """The network's logits for the held-out examples, ``(n_out, m)`` in float64."""
        return prediction_logits(network, self.X)

    def evaluate(self, network):
        """``(loss, score)`` of the network's current weights on the held-out data."""
        loss = weighted_loss(network, self.X, self.Y, self.r)
        if self.score_network is None:
            return loss, -loss
        return loss, float(self.score_network(network))
