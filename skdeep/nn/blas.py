"""The two level-1 BLAS routines the updates need, for a given dtype.

``axpy`` (``y += a x``) and ``scal`` (``x *= a``) work in place on contiguous
vectors in one pass and with no temporary, where the NumPy spelling
``y += a * x`` makes two passes and allocates ``a * x``: the optimizer steps
and the L2 term run once per mini-batch over every parameter.
"""

from functools import cache

import numpy as np
from scipy.linalg import blas


@cache
def _routines(dtype_char):
    return blas.get_blas_funcs(("axpy", "scal"), dtype=np.dtype(dtype_char))


def axpy(a, x, y):
    """``y += a * x`` in place (x, y contiguous vectors of one dtype)."""
    _routines(y.dtype.char)[0](x, y, a=a)


def scal(a, x):
    """``x *= a`` in place."""
    _routines(x.dtype.char)[1](a, x)
