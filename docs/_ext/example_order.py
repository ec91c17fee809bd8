"""The order of the example gallery (sphinx-gallery's within_subsection_order).

It lives in a module of its own, not in conf.py, because Sphinx pickles its
configuration and a function defined in conf.py cannot be pickled.
"""

# The everyday workflow first, then the course's assignments in the course's
# order. Examples not listed here follow, by file name.
EXAMPLE_ORDER = (
    "quickstart.py",
    "course_deep_net.py",
    "plot_optimizers.py",
    "plot_regularization.py",
    "plot_bias_variance.py",
    "plot_regressor.py",
    "plot_calibration.py",
    "onnx_export.py",
)


class ExampleOrder:
    """Sort key: the position in EXAMPLE_ORDER, then the file name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __repr__(self):
        return "<ExampleOrder>"

    def __call__(self, filename):
        if filename in EXAMPLE_ORDER:
            return EXAMPLE_ORDER.index(filename), filename
        return len(EXAMPLE_ORDER), filename
