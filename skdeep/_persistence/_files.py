"""``skdeep.save`` and ``skdeep.load``: the steps, in the order that keeps them safe."""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile

import numpy as np

from .._callbacks import CALLBACK_ATTRIBUTES
from .._predict import chunked_logits
from .._version import __version__
from ._archive import (
    ARRAY_MEMBER,
    DEFAULT_MAX_BYTES,
    MANIFEST,
    MANIFEST_DIGEST,
    MAX_MANIFEST_BYTES,
    HashingWriter,
    ModelFileError,
    open_archive,
    read_member,
    read_npy_data,
    read_npy_header,
    read_stream,
    write_atomically,
)
from ._codec import ArrayRef, Encoder, RngRef, all_scalars, decode, materialize, parse_json
from ._schema import CLASSES, FITTED_ATTRIBUTES, check_built_estimator, check_params, check_state, check_values

FORMAT_NAME = "skdeep-model"
#: Bumped when the layout changes in a way older readers cannot follow.
FORMAT_VERSION = 1
_MANIFEST_KEYS = {"format", "format_version", "skdeep_version", "class", "params", "state", "digests"}
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def save(estimator, file) -> None:
    """Save a fitted or unfitted skdeep estimator without pickle.

    The file is a zip archive: ``manifest.json`` (format, versions, the
    class, its hyperparameters, its fitted attributes and a SHA-256 of every
    array), its own SHA-256 in ``manifest.sha256``, and one ``.npy`` file per
    array. Saving to a path is atomic: the archive is written to a temporary
    file beside the target, flushed and synced, then moved into place with
    ``os.replace``, so an interrupted save (Ctrl-C, a killed process, a full
    disk) leaves the previous file as it was, and concurrent saves to one
    path leave one of the complete models.

    Only skdeep's own estimators are stored. A scikit-learn ``Pipeline`` or
    ``ColumnTransformer`` is refused with a ``TypeError`` that says how to
    save it with skops instead, naming the skdeep types to trust: the fitted
    state of scikit-learn's transformers (private attributes included)
    changes between scikit-learn releases, which skops follows and a strict
    schema here would not.

    Parameters
    ----------
    estimator : LogisticRegressionGD, DeepNetClassifier or DeepNetRegressor
    file : str, path-like or writable binary file object
        The file to write (conventionally ``*.skdeep``). A file object is
        written in place, without the atomic replacement.

    Raises
    ------
    TypeError
        If the estimator is not one of skdeep's (the message points to skops
        for pipelines), holds a value the format cannot store without pickle
        (a callable ``scoring``, say), or has a fitted attribute this version
        of the format does not list.
    ValueError
        If the estimator is in a state :func:`load` would refuse (for
        example hyperparameters changed by ``set_params`` after fitting so
        that they no longer describe the fitted network).

    See Also
    --------
    load : Read the file back.
    """
    manifest, arrays = _manifest_and_arrays(estimator)
    if isinstance(file, (str, bytes, os.PathLike)):
        write_atomically(file, lambda stream: _write_archive(stream, manifest, arrays))
    elif hasattr(file, "write"):
        _write_archive(file, manifest, arrays)
    else:
        raise TypeError(f"skdeep.save writes to a path or a binary file object, not {type(file).__name__}.")


def load(file, *, max_bytes: int = DEFAULT_MAX_BYTES):
    """Load an estimator saved by :func:`save`; never executes code from the file.

    Everything is checked before it is used: the archive's entries (names,
    no duplicates, sizes, compression ratio), the manifest's checksum and
    schema (the class from an allow-list, the class's own hyperparameter
    names and checks, the fitted attributes listed for that class), every
    array's dtype and shape against the network the hyperparameters
    describe (from the ``.npy`` headers, before any array is read), then
    each array's SHA-256 and values. Arrays are read in chunks into their
    final buffers, so memory stays within the sizes checked.

    Parameters
    ----------
    file : str, path-like or readable binary file object
    max_bytes : int, default=2**30
        The most the archive's entries may hold together, uncompressed.
        Raise it to load a larger model you trust.

    Returns
    -------
    estimator : LogisticRegressionGD, DeepNetClassifier or DeepNetRegressor

    Raises
    ------
    ModelFileError
        For any file that is not a model skdeep wrote: not a zip archive (a
        pickle, say), truncated, damaged or altered, another zip archive, a
        zip bomb or an archive larger than ``max_bytes``, a manifest that
        breaks the schema, or a file from a newer format. The message says
        which. (A missing or unreadable path raises the usual ``OSError``.)
    """
    if isinstance(file, (str, bytes, os.PathLike)):
        name = os.fsdecode(file)
        with open(file, "rb") as stream:
            return _load_guarded(stream, max_bytes, name)
    if not hasattr(file, "read"):
        raise TypeError(f"skdeep.load reads a path or a binary file object, not {type(file).__name__}.")
    return _load_guarded(file, max_bytes, getattr(file, "name", "the file object"))


# -- saving ------------------------------------------------------------------------


def _manifest_and_arrays(estimator):
    cls = type(estimator)
    if FITTED_ATTRIBUTES.get(cls) is None or CLASSES.get(cls.__name__) is not cls:
        raise TypeError(_refusal(estimator))
    params = estimator.get_params(deep=False)
    state = estimator._fitted_state()
    # Anything else set on the estimator (a fitted attribute added by a subclass or by
    # hand) would be lost on load: refused rather than dropped silently.
    runtime = {"model_", *params, *state, *CALLBACK_ATTRIBUTES}
    state.update({key: value for key, value in vars(estimator).items() if key not in runtime})
    unknown = sorted(set(state) - set(FITTED_ATTRIBUTES[cls]))
    if unknown:
        raise TypeError(
            f"skdeep.save does not know the attribute(s) {unknown} of {cls.__name__}, so load would refuse "
            "the file; list them in FITTED_ATTRIBUTES (skdeep/_persistence/_schema.py)."
        )
    encoder = Encoder()
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "skdeep_version": __version__,
        "class": cls.__name__,
        "params": encoder.encode(params, "params"),
        "state": encoder.encode(state, "state"),
    }
    _check_before_writing(manifest, encoder.arrays)
    return manifest, encoder.arrays


def _check_before_writing(manifest, arrays):
    """Run load's checks on what would be written, so that save never writes a file load refuses."""
    headers = {key: (array.dtype, array.shape) for key, array in arrays.items()}
    try:
        text = json.dumps(manifest).encode()
        if len(text) + 100 * len(arrays) > MAX_MANIFEST_BYTES:  # with room for the arrays' digests
            raise ModelFileError(f"The manifest would exceed {MAX_MANIFEST_BYTES:,} bytes.")
        parsed = parse_json(text)
        cls = CLASSES[parsed["class"]]
        params = check_params(cls, decode(parsed["params"], headers))
        check_built_estimator(cls(**params))
        state = decode(parsed["state"], headers)
        check_state(cls(**params), state)
        check_values(materialize(state, arrays))
    except ModelFileError as error:
        raise ValueError(f"skdeep.save refuses to write a file that skdeep.load would refuse: {error}") from None


def _write_archive(file, manifest, arrays):
    digests = {}
    with zipfile.ZipFile(file, "w") as archive:
        for key, array in arrays.items():
            # Stored, not deflated: trained weights hardly compress, and a
            # stored member cannot hide a zip bomb.
            info = zipfile.ZipInfo(f"arrays/{key}.npy")
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=array.nbytes > 2**31 - 2**20) as stream:
                writer = HashingWriter(stream)
                np.lib.format.write_array(writer, array, allow_pickle=False)
            digests[info.filename] = writer.sha256.hexdigest()
        # One line (no indent): json's fast encoder, for long histories.
        manifest_bytes = json.dumps({**manifest, "digests": digests}).encode()
        # Stored too: a long, flat loss_curve_ compresses so well it would look like a zip bomb.
        archive.writestr(MANIFEST, manifest_bytes)
        archive.writestr(MANIFEST_DIGEST, hashlib.sha256(manifest_bytes).hexdigest())


def _refusal(estimator):
    """Why ``estimator`` cannot be saved, and how to save it with skops if it is a pipeline."""
    name = type(estimator).__name__
    message = f"skdeep.save stores skdeep's estimators only, not {name}."
    if not hasattr(estimator, "get_params"):
        return message
    trusted = sorted(
        {
            f"{type(step).__module__}.{type(step).__name__}"
            for step in _parts(estimator)
            if type(step).__module__.split(".")[0] == "skdeep"
        }
    )
    if hasattr(estimator, "best_estimator_"):  # a fitted search: its best model is what serves
        message += (
            f" Save the model it chose, {name}.best_estimator_, with skdeep.save if it is a skdeep "
            "estimator; otherwise (a Pipeline, or to keep the whole search) use skops:"
        )
    else:
        message += f" To save a {name} without pickle, use skops:"
    return (
        f"{message} skops.io.dump(model, 'model.skops') and skops.io.load('model.skops', trusted={trusted!r}) "
        "(skdeep's types in this model). Before trusting, check that "
        "skops.io.get_untrusted_types(file='model.skops') lists nothing else; "
        "a FunctionTransformer, for one, would name a function to run."
    )


def _parts(estimator, depth=0):
    """The estimator and every estimator nested in its parameters (steps, transformers)."""
    yield estimator
    if depth > 20 or not hasattr(estimator, "get_params"):
        return
    for value in estimator.get_params(deep=False).values():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            for part in item if isinstance(item, tuple) else [item]:  # (name, step[, columns])
                if hasattr(part, "get_params") and not isinstance(part, type):
                    yield from _parts(part, depth + 1)


# -- loading -----------------------------------------------------------------------


def _load_guarded(stream, max_bytes, name):
    """Load, turning every failure that is the file's fault into a ModelFileError."""
    try:
        if not (hasattr(stream, "seekable") and stream.seekable()):
            stream = read_stream(stream, max_bytes)
        return _load(stream, max_bytes)
    except ModelFileError as error:
        raise ModelFileError(f"Cannot load {name}: {error}") from None
    except MemoryError:
        raise ModelFileError(
            f"Cannot load {name}: not enough memory for the arrays it declares (within max_bytes={max_bytes:,})."
        ) from None
    except Exception as error:  # zipfile, zlib and numpy errors on damaged data, and any we did not foresee
        raise ModelFileError(
            f"Cannot load {name}: it is damaged or not a skdeep model file ({type(error).__name__}: {error})."
        ) from error


def _load(stream, max_bytes):
    archive, members = open_archive(stream, max_bytes)
    with archive:
        manifest = _read_manifest(archive, members)
        array_members = {name: info for name, info in members.items() if ARRAY_MEMBER.fullmatch(name)}
        _check_digests(manifest["digests"], array_members)
        layouts = {
            ARRAY_MEMBER.fullmatch(name).group(1): (info, *read_npy_header(archive, info))
            for name, info in array_members.items()
        }
        headers = {key: layout[1:3] for key, layout in layouts.items()}
        cls = CLASSES[manifest["class"]]
        params = check_params(cls, decode(manifest["params"], headers))
        state = decode(manifest["state"], headers)
        probe = cls(**params)  # random_state may still be a placeholder: only the checks run on it
        check_built_estimator(probe)
        check_state(probe, state)
        _check_every_array_used_once([params, state], set(headers))
        arrays = {}
        for key, (info, dtype, shape, fortran_order, header_bytes) in layouts.items():
            arrays[key], digest = read_npy_data(archive, info, dtype, shape, fortran_order, header_bytes)
            if digest != manifest["digests"][info.filename]:
                raise ModelFileError(f"{info.filename} does not match its checksum: the file was altered or damaged.")
    estimator = cls(**materialize(params, arrays))
    state = materialize(state, arrays)
    check_values(state)
    estimator._restore_fitted_state(state)
    if state:
        _check_it_predicts(estimator)
    return estimator


def _read_manifest(archive, members):
    if MANIFEST not in members or MANIFEST_DIGEST not in members:
        raise ModelFileError("The archive has no skdeep manifest: it is not a skdeep model file.")
    if members[MANIFEST_DIGEST].file_size != 64:
        raise ModelFileError("manifest.sha256 is not a SHA-256 digest: the file was altered or damaged.")
    manifest_bytes = read_member(archive, members[MANIFEST])
    if hashlib.sha256(manifest_bytes).hexdigest().encode() != read_member(archive, members[MANIFEST_DIGEST]):
        raise ModelFileError("manifest.json does not match its checksum: the file was altered or damaged.")
    manifest = parse_json(manifest_bytes)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ModelFileError("This zip archive is not a skdeep model file (its manifest names no skdeep format).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"The manifest's format_version {version!r} is not a format version.")
    if version > FORMAT_VERSION:
        written_by = manifest.get("skdeep_version")
        raise ModelFileError(
            f"The file uses skdeep model format {version} (written by skdeep "
            f"{written_by if isinstance(written_by, str) else 'unknown'}); this skdeep ({__version__}) reads "
            f"format {FORMAT_VERSION} and older. Upgrade skdeep to load it."
        )
    if set(manifest) != _MANIFEST_KEYS:
        raise ModelFileError(
            f"The manifest's keys {sorted(manifest)} are not those of format {FORMAT_VERSION}: "
            f"{sorted(_MANIFEST_KEYS)}."
        )
    if not isinstance(manifest["skdeep_version"], str) or len(manifest["skdeep_version"]) > 64:
        raise ModelFileError("The manifest's skdeep_version is not a version string.")
    if not isinstance(manifest["class"], str) or manifest["class"] not in CLASSES:
        raise ModelFileError(f"The file names an unknown estimator class {manifest['class']!r:.100}.")
    return manifest


def _check_digests(digests, array_members):
    if not isinstance(digests, dict) or not all(
        isinstance(digest, str) and _HEX_DIGEST.fullmatch(digest) for digest in digests.values()
    ):
        raise ModelFileError("The manifest's digests are not SHA-256 hex digests.")
    if set(digests) != set(array_members):
        raise ModelFileError(
            f"The model file's arrays do not match its manifest: entries {sorted(set(array_members) - set(digests))} "
            f"are not listed, {sorted(set(digests) - set(array_members))} are missing."
        )


def _check_every_array_used_once(values, keys):
    used = []

    def walk(value):
        if isinstance(value, ArrayRef):
            used.append(value.key)
        elif isinstance(value, RngRef):
            walk(value.state)
        elif isinstance(value, (list, tuple)) and not all_scalars(value):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(values)
    if len(used) != len(set(used)) or set(used) != keys:
        raise ModelFileError("The manifest does not refer to each of the file's arrays exactly once.")


def _check_it_predicts(estimator):
    """The last line of defence: the loaded model computes finite outputs for one row."""
    model = estimator.model_
    X = np.zeros((1, model.n_features), dtype=model.layers[0]["W"].dtype)
    if not np.all(np.isfinite(chunked_logits(model.layers, X, model.hidden_activation))):
        raise ModelFileError("The loaded model's outputs are not finite.")
