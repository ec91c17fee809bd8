"""pytest configuration for the docstring examples (the tests have tests/conftest.py)."""

import importlib.util

collect_ignore = []
# LossCurveDisplay's example draws with matplotlib, an optional dependency.
if not importlib.util.find_spec("matplotlib"):
    collect_ignore.append("skdeep/_display.py")
# ONNX export needs the onnx extra: its converters import skl2onnx, and to_onnx's example runs it.
if not (importlib.util.find_spec("skl2onnx") and importlib.util.find_spec("onnxruntime")):
    collect_ignore += ["skdeep/_onnx.py", "skdeep/_onnx_converters.py"]
