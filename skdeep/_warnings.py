"""Warnings that point at the user's line, not at skdeep's own files."""

import os
import sys
import warnings

#: This package's directory: frames from files under it are skdeep's own.
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message, category=UserWarning):
    """``warnings.warn`` attributed to the first caller outside skdeep.

    The stack level is counted, not fixed: the same warning is raised from
    ``fit``, ``partial_fit`` or a meta-estimator's call, at different depths.
    """
    # stacklevel=2 is this function's caller, the frame sys._getframe(1) returns.
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
