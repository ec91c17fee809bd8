"""skdeep: the neural networks of the deeplearning.ai course as scikit-learn estimators."""

from ._deep_net_classifier import DeepNetClassifier
from ._deep_net_regressor import DeepNetRegressor
from ._display import LossCurveDisplay
from ._gradient_check import gradient_check
from ._logistic_regression import LogisticRegressionGD
from ._onnx import to_onnx
from ._persistence import ModelFileError, load, save
from ._training import DivergenceError
from ._version import __version__

# Pickles, skops files and tracebacks name the public path (skops's trusted list is
# ["skdeep.DeepNetClassifier"]), which no reorganization of the private modules changes.
for _public in (DeepNetClassifier, DeepNetRegressor, LogisticRegressionGD, DivergenceError, ModelFileError):
    _public.__module__ = __name__
del _public

__all__ = [
    "DeepNetClassifier",
    "DeepNetRegressor",
    "DivergenceError",
    "LogisticRegressionGD",
    "LossCurveDisplay",
    "ModelFileError",
    "__version__",
    "gradient_check",
    "load",
    "save",
    "to_onnx",
]
