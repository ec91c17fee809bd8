"""A pickle-free file format for skdeep's estimators: JSON plus NumPy arrays.

A model file is a zip archive holding ``manifest.json`` (format, versions,
the estimator's class and hyperparameters, its fitted attributes, and a
SHA-256 digest of every array) and one ``.npy`` file per array. Arrays are
read with ``allow_pickle=False`` and only skdeep's own estimator classes can
be named, so loading a file never executes code. The digests (and one of the
manifest itself, in ``manifest.sha256``) catch a file that was truncated,
damaged or edited; they are not a signature against someone who rewrites
them on purpose, which at worst changes numbers, never runs code.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile

import numpy as np

from ._callbacks import CALLBACK_ATTRIBUTES
from ._deepnet import DeepNetClassifier
from ._logistic import LogisticRegressionGD
from ._version import __version__

FORMAT_NAME = "skdeep-model"
#: Bumped when the layout changes in a way older readers cannot follow.
FORMAT_VERSION = 1
_CLASSES = {cls.__name__: cls for cls in (LogisticRegressionGD, DeepNetClassifier)}
_MANIFEST = "manifest.json"
_MANIFEST_DIGEST = "manifest.sha256"


class ModelFileError(ValueError):
    """The file is not a readable skdeep model file (wrong format, damaged, or too new)."""


def save(estimator: LogisticRegressionGD | DeepNetClassifier, path: str | os.PathLike) -> None:
    """Save a fitted or unfitted skdeep estimator to ``path`` without pickle.

    Parameters
    ----------
    estimator : LogisticRegressionGD or DeepNetClassifier
    path : str or path-like
        The file to write (conventionally ``*.skdeep``).

    Raises
    ------
    TypeError
        If the estimator is not one of skdeep's, or holds a value the format
        cannot store without pickle (a callable ``scoring``, say).

    See Also
    --------
    load : Read the file back.
    """
    name = type(estimator).__name__
    if _CLASSES.get(name) is not type(estimator):
        raise TypeError(f"skdeep.save stores skdeep's estimators only, not {name}.")
    arrays = {}
    encoder = _Encoder(arrays)
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "skdeep_version": __version__,
        "class": name,
        "params": encoder.encode(estimator.get_params(deep=False), "params"),
        "state": encoder.encode(
            {
                key: value
                for key, value in vars(estimator).items()
                # coefs_, coef_, ... are views of parameters_, rebuilt on load.
                if key not in estimator.get_params(deep=False)
                and key not in estimator._derived_attributes
                and key not in CALLBACK_ATTRIBUTES  # runtime tools, not the model
            },
            "state",
        ),
    }
    members = {}
    for key, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        members[f"arrays/{key}.npy"] = buffer.getvalue()
    manifest["digests"] = {member: hashlib.sha256(data).hexdigest() for member, data in members.items()}
    manifest_bytes = json.dumps(manifest, indent=1).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_MANIFEST, manifest_bytes)
        archive.writestr(_MANIFEST_DIGEST, hashlib.sha256(manifest_bytes).hexdigest())
        for member, data in members.items():
            archive.writestr(member, data)


def load(path: str | os.PathLike) -> LogisticRegressionGD | DeepNetClassifier:
    """Load an estimator saved by :func:`save`; never executes code from the file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    estimator : LogisticRegressionGD or DeepNetClassifier

    Raises
    ------
    ModelFileError
        If the file is not a skdeep model file (a pickle, say), is truncated
        or altered, or was written by an incompatible (newer) format.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _read_manifest(archive)
            arrays = _read_arrays(archive, manifest)
    except zipfile.BadZipFile as error:
        with open(path, "rb") as file:
            head = file.read(2)
        kind = "a pickle" if head[:1] == b"\x80" else "not a zip archive, or truncated"
        raise ModelFileError(f"{path} is not a skdeep model file ({kind}): {error}") from None
    decoder = _Decoder(arrays)
    cls = _CLASSES[manifest["class"]]
    estimator = cls(**decoder.decode(manifest["params"]))
    for key, value in decoder.decode(manifest["state"]).items():
        setattr(estimator, key, value)
    if hasattr(estimator, "parameters_"):
        estimator._set_layer_attributes()
    return estimator


def _read_manifest(archive):
    try:
        manifest_bytes = archive.read(_MANIFEST)
        expected = archive.read(_MANIFEST_DIGEST).decode()
    except KeyError:
        raise ModelFileError("The archive has no skdeep manifest: it is not a skdeep model file.") from None
    if hashlib.sha256(manifest_bytes).hexdigest() != expected:
        raise ModelFileError("manifest.json does not match its checksum: the file was altered or damaged.")
    try:
        manifest = json.loads(manifest_bytes)
    except (ValueError, zipfile.BadZipFile) as error:
        raise ModelFileError(f"The model file's manifest is damaged: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError("This zip archive is not a skdeep model file.")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelFileError(
            f"The file uses skdeep model format {version!r} (written by skdeep "
            f"{manifest.get('skdeep_version')}); this skdeep ({__version__}) reads format "
            f"{FORMAT_VERSION} and older. Upgrade skdeep to load it."
        )
    if manifest.get("class") not in _CLASSES:
        raise ModelFileError(f"The file names an unknown estimator class {manifest.get('class')!r}.")
    return manifest


def _read_arrays(archive, manifest):
    digests = manifest.get("digests", {})
    members = {name for name in archive.namelist() if name not in (_MANIFEST, _MANIFEST_DIGEST)}
    if members != set(digests):
        raise ModelFileError("The model file's arrays do not match its manifest: it was altered.")
    arrays = {}
    for member, digest in digests.items():
        data = archive.read(member)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ModelFileError(f"{member} does not match its checksum: the file was altered or damaged.")
        key = member[len("arrays/") : -len(".npy")]
        try:
            arrays[key] = np.load(io.BytesIO(data), allow_pickle=False)
        except ValueError as error:  # e.g. a pickled object array: refused, never run
            raise ModelFileError(f"{member} is not a plain array: {error}") from None
    return arrays


class _Encoder:
    """Python values -> JSON, with arrays set aside under generated keys.

    Tags: ``{"array": key}`` (``"object": true`` for an object array of
    strings), ``{"tuple": [...]}``, ``{"dict": [[key, value], ...]}`` (keys of
    any type), ``{"float": "inf"}`` for non-finite floats, ``{"rng": ...}`` for
    a ``numpy.random.RandomState``.
    """

    def __init__(self, arrays):
        self.arrays = arrays

    def encode(self, value, where):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (np.bool_,)):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            value = float(value)
            return value if np.isfinite(value) else {"float": repr(value)}
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, list):
            return [self.encode(item, f"{where}.{i}") for i, item in enumerate(value)]
        if isinstance(value, tuple):
            return {"tuple": [self.encode(item, f"{where}.{i}") for i, item in enumerate(value)]}
        if isinstance(value, dict):
            return {"dict": [[self.encode(k, where), self.encode(v, f"{where}.{k}")] for k, v in value.items()]}
        if isinstance(value, np.random.RandomState):
            return {"rng": self.encode(value.get_state(), f"{where}.rng")}
        raise TypeError(
            f"skdeep.save cannot store {where} = {value!r} ({type(value).__name__}) without pickle; "
            "use joblib or pickle for such a model."
        )

    def _array(self, array, where):
        key = f"a{len(self.arrays)}"
        tag = {"array": key}
        if array.dtype == object:
            if not all(isinstance(item, str) for item in array.ravel()):
                raise TypeError(f"skdeep.save cannot store {where}: an object array of non-strings.")
            array = array.astype(str)
            tag["object"] = True
        self.arrays[key] = array
        return tag


class _Decoder:
    def __init__(self, arrays):
        self.arrays = arrays

    def decode(self, value):
        if isinstance(value, list):
            return [self.decode(item) for item in value]
        if not isinstance(value, dict):
            return value
        if "array" in value:
            try:
                array = self.arrays[value["array"]]
            except KeyError:
                raise ModelFileError(f"The manifest refers to a missing array {value['array']!r}.") from None
            return array.astype(object) if value.get("object") else array
        if "tuple" in value:
            return tuple(self.decode(item) for item in value["tuple"])
        if "dict" in value:
            return {_hashable(self.decode(k)): self.decode(v) for k, v in value["dict"]}
        if "float" in value:
            return float(value["float"])
        if "rng" in value:
            rng = np.random.RandomState()
            rng.set_state(self.decode(value["rng"]))
            return rng
        raise ModelFileError(f"The manifest holds an unknown value {value!r}.")


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key
