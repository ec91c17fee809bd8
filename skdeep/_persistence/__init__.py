"""A pickle-free file format for skdeep's estimators: JSON plus NumPy arrays.

A model file is a zip archive holding ``manifest.json`` (format, versions,
the estimator's class and hyperparameters, its fitted attributes, and a
SHA-256 digest of every array), ``manifest.sha256`` (the manifest's own
digest) and one ``.npy`` file per array. Loading never executes code from
the file: arrays are read with ``allow_pickle=False``, only the classes of
an allow-list can be named, and every value is checked against a schema
before it is used (see ``_schema.FITTED_ATTRIBUTES``). Any file that is not a
model skdeep wrote raises :class:`ModelFileError`, within bounded time and
memory. The digests catch a file that was truncated, damaged or edited; they
are not a signature against someone who rewrites them on purpose, who at
worst changes numbers of a well-formed model, never runs code.

The layers: ``_archive`` (atomic writes, bounded zip reading), ``_codec``
(values <-> JSON), ``_schema`` (the allow-list and the checks) and
``_files`` (``save`` and ``load``, in the order that keeps them safe).
"""

from ._archive import DEFAULT_MAX_BYTES, ModelFileError
from ._files import FORMAT_NAME, FORMAT_VERSION, load, save
from ._schema import FITTED_ATTRIBUTES

__all__ = ["DEFAULT_MAX_BYTES", "FITTED_ATTRIBUTES", "FORMAT_NAME", "FORMAT_VERSION", "ModelFileError", "load", "save"]
