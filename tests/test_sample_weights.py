"""Weighting an example equals repeating it, to the rounding noise of the fit itself.

scikit-learn's check_sample_weight_equivalence compares the two fits with a
fixed tolerance (1e-7 relative). With batch norm, the batch statistics sum
the weighted rows in another order than the repeated ones; 200 epochs carry
that rounding difference to a size that depends on the BLAS kernel. Here the
tolerance follows from the arithmetic: the same repeated data, fitted again
with its rows in another order (a change of summation order and nothing
else), shows how far rounding alone moves this fit on this machine.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification

from skdeep import DeepNetClassifier, DeepNetRegressor

#: Weighted and repeated fits may differ by this many times the rounding noise
#: the reordered fit shows (noise of the same size, met twice, in other directions).
NOISE_MULTIPLE = 10
#: ... and by this much in any case (rounding of the outputs themselves).
FLOOR = 1e3 * np.finfo(np.float64).eps


def _outputs(model, X):
    return model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)


# As in scikit-learn's check, the fits run their 200 epochs; converged or not is beside the point.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
@pytest.mark.parametrize("Estimator", [DeepNetClassifier, DeepNetRegressor])
def test_with_batch_norm_weighting_equals_repeating_to_the_fits_rounding_noise(Estimator, sparse):
    X, y = make_classification(n_samples=15, n_features=10, n_informative=4, n_classes=3, random_state=0)
    weights = np.random.RandomState(1).randint(0, 3, 15)
    X_repeated, y_repeated = np.repeat(X, weights, axis=0), np.repeat(y, weights)
    order = np.random.RandomState(2).permutation(len(y_repeated))
    convert = sp.csr_matrix if sparse else np.asarray
    params = dict(batch_norm=True, hidden_layer_sizes=(20,), random_state=0, early_stopping=False)
    weighted = Estimator(**params).fit(convert(X), y, sample_weight=weights)
    repeated = Estimator(**params).fit(convert(X_repeated), y_repeated)
    reordered = Estimator(**params).fit(convert(X_repeated[order]), y_repeated[order])
    assert weighted.n_iter_ == repeated.n_iter_ == reordered.n_iter_  # the same run, step for step
    noise = np.max(np.abs(_outputs(repeated, X) - _outputs(reordered, X)))
    difference = np.max(np.abs(_outputs(weighted, X) - _outputs(repeated, X)))
    assert difference <= NOISE_MULTIPLE * noise + FLOOR, (difference, noise)
