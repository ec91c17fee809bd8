"""pytest configuration for the docstring examples (the tests have tests/conftest.py)."""

import importlib.util

# LossCurveDisplay's example draws with matplotlib, an optional dependency.
collect_ignore = [] if importlib.util.find_spec("matplotlib") else ["skdeep/_display.py"]
