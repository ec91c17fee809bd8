"""A classifier's calibration: the temperature its probabilities are divided by.

The math is :mod:`skdeep.nn.calibration`; this module finds the held-out
predictions it needs, in one of two ways:

- ``"held out"``: the fit already holds examples out (early stopping's
  ``validation_fraction``, or ``X_val``): the trained network's logits on them.
- ``"cross-fit"``: the fit trains on every example, so none is unseen.
  ``CROSS_FIT_FOLDS`` more networks are trained, each on all but one fold of
  the examples and exactly as the fit's own network (same layout and run,
  trained from scratch), and each predicts the fold it did not see. The
  fitted network itself is not changed: only its probabilities are.

The folds are drawn over the distinct examples (identical rows with the same
label fall in the same fold) and over those with positive weight, stratified
by label. So a fit on examples repeated gets the same folds, and the same
temperature, as a fit on the same examples weighted by their counts, and an
example of weight zero changes nothing, as scikit-learn's weight checks ask.
"""

from __future__ import annotations

import hashlib
import numbers
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from ._training import DivergenceError, TrainingData, TrainingLoop, TrainingRecord, prediction_logits
from .nn import initialize_parameters
from .nn.calibration import fit_temperature

#: Folds of a cross-fit: each out-of-fold network trains on 2/3 of the examples.
CROSS_FIT_FOLDS = 3
#: Rows hashed at a time (bounded memory on large data).
_HASH_ROWS = 4096


def temperature(fit):
    """The temperature ``fit`` (a :class:`~skdeep._estimator.PreparedFit`, trained) calibrates
    its probabilities with, or None when it cannot calibrate (too few distinct examples,
    or an out-of-fold network diverged)."""
    network = fit.network
    if fit.calibration == "held out":
        held_out = fit.validation
        return fit_temperature(held_out.logits(network), held_out.Y, held_out.r, network.output_activation)
    logits, Y, weight = _out_of_fold(fit)
    if logits is None:
        return None
    return fit_temperature(logits, Y, weight / weight.sum(), network.output_activation)


def _out_of_fold(fit):
    """``(Z, Y, weight)`` of every example a cross-fit predicts out of fold, or ``(None,) * 3``."""
    data, plan, network = fit.data, fit.plan, fit.network
    X, Y, weight = data.X, data.Y, data.sample_weight
    fold_rng, network_rngs = _random_streams(fit)
    folds = content_folds(X, Y, weight, CROSS_FIT_FOLDS, fold_rng)
    if folds is None:
        return None, None, None
    n_features, n_outputs = X.shape[1], Y.shape[0]
    predicted = np.flatnonzero(folds >= 0)
    Z = np.zeros((n_outputs, X.shape[0]))
    # Out-of-fold runs are quiet: the fit's own run has said what there is to say.
    spec = replace(plan.spec, whole_fit=False, verbose=0)
    for fold, rng in enumerate(network_rngs):
        train = np.flatnonzero((folds != fold) & (folds >= 0))
        test = np.flatnonzero(folds == fold)
        part = TrainingData(X, Y[:, train], weight[train], rows=train)
        sub_network = plan.layout.build(n_features, n_outputs, network.output_activation, network.dtype)
        optimizer = plan.optimizer(sub_network.n_params, network.dtype)
        initialize_parameters(sub_network, plan.layout.init, rng)
        run = replace(spec, batch_size=min(spec.batch_size, train.shape[0]))
        loop = TrainingLoop(sub_network, part, run, TrainingRecord(), rng, None, None)
        try:
            loop.run(plan.steps(sub_network, part, optimizer))
        except DivergenceError:
            # The fit's own run did not diverge: its probabilities stay as they are.
            return None, None, None
        Z[:, test] = prediction_logits(sub_network, X[test])
    return Z[:, predicted], Y[:, predicted], weight[predicted]


def _random_streams(fit):
    """``(fold rng, one rng per out-of-fold network)``, all from ``random_state``.

    An integer seed gives streams of their own (the fit's stream, which a warm
    start continues, is not drawn from); a ``RandomState`` gives one draw.
    """
    random_state = fit.plan.random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        entropy = [int(random_state), 0xCA11B]
    elif random_state is None:
        entropy = None
    else:
        entropy = [int(fit.rng.randint(np.iinfo(np.int32).max)), 0xCA11B]
    seeds = np.random.SeedSequence(entropy).spawn(CROSS_FIT_FOLDS + 1)
    streams = [np.random.RandomState(seed.generate_state(1)[0]) for seed in seeds]
    return streams[0], streams[1:]


def content_folds(X, Y, weight, n_folds, rng):
    """Each example's fold (``-1`` for weight zero), drawn over distinct examples, or None
    when there are fewer distinct examples of positive weight than folds.

    Identical rows of ``X`` with identical targets share a fold. Within each
    label the distinct examples are put in a fixed order (by their projection
    on a random direction, then their digest), shuffled by ``rng`` and dealt to
    the folds in turn, continuing from one label to the next. The order, not
    the digests, decides the deal: the same data in float32, or as a sparse
    matrix, which round the projection differently, gets the same folds.
    """
    folds = np.full(X.shape[0], -1, dtype=np.intp)
    weighted = np.flatnonzero(weight > 0)
    keys = _row_digests(X[weighted], Y[:, weighted])
    distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if distinct.shape[0] < n_folds:
        return None
    direction = rng.standard_normal(X.shape[1])
    projection = np.asarray(X[weighted[first]] @ direction, dtype=np.float64).ravel()
    labels = np.unique(_label_keys(Y[:, weighted[first]]), return_inverse=True)[1].ravel()
    fold_of = np.empty(distinct.shape[0], dtype=np.intp)
    dealt = 0
    for label in range(labels.max() + 1):
        members = np.flatnonzero(labels == label)
        members = members[np.lexsort((distinct[members], projection[members]))]
        members = members[rng.permutation(members.shape[0])]
        fold_of[members] = (dealt + np.arange(members.shape[0])) % n_folds
        dealt += members.shape[0]
    folds[weighted] = fold_of[inverse]
    return folds


def _label_keys(Y):
    """One bytes key per example: its column of ``Y``."""
    labels = np.ascontiguousarray(Y.T, dtype=np.float64)
    return labels.view(np.dtype((np.void, labels.shape[1] * 8))).ravel()


def _row_digests(X, Y):
    """A 16-byte digest of each example's row of X and column of Y (bytes keys).

    A row is hashed as its non-zero entries (column indices and float64
    values), so a sparse matrix and the same dense array give the same digests.
    """
    labels = np.ascontiguousarray(Y.T, dtype=np.float64)
    digests = np.empty(X.shape[0], dtype="S16")
    sparse = sp.issparse(X)
    if sparse:
        X = sp.csr_matrix(X, copy=True)  # a copy: the user's matrix is not reordered
        X.sum_duplicates()
    for start in range(0, X.shape[0], _HASH_ROWS):
        stop = min(start + _HASH_ROWS, X.shape[0])
        chunk = None if sparse else np.asarray(X[start:stop], dtype=np.float64)
        for i in range(start, stop):
            if sparse:
                lo, hi = X.indptr[i], X.indptr[i + 1]
                columns, values = X.indices[lo:hi], np.asarray(X.data[lo:hi], dtype=np.float64)
                kept = values != 0  # an explicit zero is the same example as an absent one
                columns, values = columns[kept], values[kept]
            else:
                row = chunk[i - start]
                columns = np.flatnonzero(row)
                values = row[columns]
            digest = hashlib.blake2b(labels[i].tobytes(), digest_size=16)
            digest.update(np.asarray(columns, dtype=np.int64).tobytes())
            digest.update(np.ascontiguousarray(values).tobytes())
            digests[i] = digest.digest()
    return digests
