"""ONNX export: a fitted skdeep estimator, or a Pipeline ending in one, as an ONNX model.

skl2onnx and onnx are optional (the ``onnx`` extra): they are imported when
:func:`to_onnx` first runs, never by ``import skdeep``.
"""

from __future__ import annotations

import importlib

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

_INSTALL_HINT = 'pip install "scikit-deep[onnx]" (from a checkout: pip install ".[onnx]")'


def _converters():
    """Import skl2onnx and register skdeep's converters with it (once: the import is cached)."""
    missing = []
    for package in ("skl2onnx", "onnx"):
        try:
            importlib.import_module(package)
        except ImportError:
            missing.append(repr(package))
    if missing:
        raise ImportError(
            f"skdeep.to_onnx needs {' and '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} "
            f"not installed. Install the ONNX extra: {_INSTALL_HINT}"
        )
    return importlib.import_module("skdeep._onnx_converters")


def to_onnx(model, X_sample=None, *, target_opset=None, options=None, initial_types=None, **kwargs):
    """Convert a fitted skdeep estimator, or a Pipeline ending in one, to ONNX.

    The ONNX model computes what ``predict`` and ``predict_proba`` compute,
    with the outputs skl2onnx gives :class:`~sklearn.neural_network.MLPClassifier`
    and :class:`~sklearn.neural_network.MLPRegressor`, and runs wherever ONNX
    Runtime does (C++, C#, Java, JavaScript in a browser) with no Python at
    serving time. scikit-learn steps before the estimator (``ColumnTransformer``,
    ``OneHotEncoder``, ``StandardScaler``, ...) are converted by skl2onnx.

    The first call registers skdeep's converters with skl2onnx; from then on
    skl2onnx's own ``to_onnx`` and ``convert_sklearn`` convert skdeep
    estimators too (inside any model skl2onnx converts).

    Parameters
    ----------
    model : estimator
        A fitted :class:`~skdeep.DeepNetClassifier`,
        :class:`~skdeep.DeepNetRegressor` or
        :class:`~skdeep.LogisticRegressionGD`, or a fitted
        :class:`~sklearn.pipeline.Pipeline` whose last step is one.
    X_sample : array-like or pandas DataFrame, default=None
        A few rows of input, from which the ONNX inputs' names and types are
        taken, as skl2onnx takes them: an array gives one input ``"X"`` of its
        dtype, a DataFrame one input per column (what a ``ColumnTransformer``
        selects by name). ``None``: one input ``"X"`` of the model's dtype
        with ``n_features_in_`` columns (an estimator fitted on named
        DataFrame columns needs ``X_sample``).
    target_opset : int or dict, default=None
        The ONNX opset to target (``None``: skl2onnx's latest).
    options : dict, default=None
        skl2onnx's converter options. For a classifier, ``{"zipmap":
        False}`` returns the probabilities as one tensor instead of a list
        of dicts, and ``{"zipmap": "columns"}`` as one output per class.
    initial_types : list of (str, skl2onnx type), default=None
        The inputs' names and types, instead of ``X_sample``.
    **kwargs
        Passed on to :func:`skl2onnx.to_onnx` (``name``, ``final_types``,
        ``naming``, ...).

    Returns
    -------
    onnx_model : onnx.ModelProto
        Outputs, for a classifier: ``output_label`` (the labels ``predict``
        returns: int64 or strings; for a multilabel model the 0/1 indicator
        matrix) and ``output_probability`` (a list with one dict per row,
        label -> probability, in float32); with ``zipmap=False``, ``label``
        and ``probabilities`` (shape (n, n_classes), in the model's dtype).
        For a regressor: ``variable`` of shape (n, n_outputs), (n, 1) for
        one target, in the model's dtype. The computation follows the
        model's dtype: a float32 model gives a float graph, a float64 model
        a double graph, whatever the input's type.

    Raises
    ------
    ImportError
        When skl2onnx or onnx is not installed (``pip install "scikit-deep[onnx]"``).

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from skdeep import DeepNetClassifier, to_onnx
    >>> X = np.random.RandomState(0).normal(size=(60, 3)).astype(np.float32)
    >>> y = np.where(X[:, 0] > 0, "yes", "no")
    >>> model = DeepNetClassifier(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0).fit(X, y)
    >>> onnx_model = to_onnx(model, X[:1], options={"zipmap": False})
    >>> session = onnxruntime.InferenceSession(onnx_model.SerializeToString(), providers=["CPUExecutionProvider"])
    >>> label, probabilities = session.run(None, {"X": X})
    >>> bool((label == model.predict(X)).all())
    True
    >>> probabilities.shape
    (60, 2)
    """
    _converters()
    skl2onnx = importlib.import_module("skl2onnx")
    check_is_fitted(model)
    if initial_types is None:
        if X_sample is None:
            initial_types = _default_input(model)
            X_sample = None
        else:
            X_sample = _sample_rows(model, X_sample)
    return skl2onnx.to_onnx(
        model, X_sample, initial_types=initial_types, target_opset=target_opset, options=options, **kwargs
    )


def _final_estimator(model):
    return model.steps[-1][1] if isinstance(model, Pipeline) else model


def _default_input(model):
    """One input ``"X"`` of the final estimator's dtype and the model's width."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    if hasattr(model, "feature_names_in_"):
        raise ValueError(
            f"{type(model).__name__} was fitted on a DataFrame with named columns; pass X_sample (a few "
            "rows of that DataFrame) so that to_onnx gives the ONNX model one input of the right type per column."
        )
    final = _final_estimator(model)
    parameters = getattr(final, "parameters_", None)
    if parameters is None or not hasattr(model, "n_features_in_"):
        raise ValueError(
            f"to_onnx cannot tell the input type of {type(model).__name__} without data: pass X_sample "
            "(a few rows of the training data) or initial_types."
        )
    tensor_type = DoubleTensorType if parameters["W1"].dtype == np.float64 else FloatTensorType
    return [("X", tensor_type([None, int(model.n_features_in_)]))]


def _sample_rows(model, X_sample):
    """X_sample in a form skl2onnx reads: a DataFrame for a Pipeline (its columns may be
    selected by name), a dense array otherwise."""
    if sp.issparse(X_sample):
        return X_sample[:1].toarray()
    if isinstance(model, Pipeline) and hasattr(X_sample, "columns") and hasattr(X_sample, "iloc"):
        return X_sample
    if hasattr(X_sample, "to_numpy"):  # a pandas or polars DataFrame into a bare estimator: one input
        X_sample = X_sample.to_numpy()
    return np.asarray(X_sample)
