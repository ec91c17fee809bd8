"""skdeep: the neural networks of the deeplearning.ai course as scikit-learn estimators."""

from ._deepnet import DeepNetClassifier
from ._deepnet_regressor import DeepNetRegressor
from ._display import LossCurveDisplay
from ._gradient_check import gradient_check
from ._logistic import LogisticRegressionGD
from ._onnx import to_onnx
from ._persistence import ModelFileError, load, save
from ._training import DivergenceError
from ._version import __version__

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
