"""skdeep.load on files skdeep did not write: every one is a ModelFileError, quickly and in bounded memory.

The archives here are assembled byte by byte (``_raw_zip``), so that they can
hold what zipfile would not write: duplicated or path-named entries, lying
sizes, a deflate stream inflating a thousandfold.
"""

import copy
import hashlib
import io
import json
import struct
import tracemalloc
import zipfile
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_moons

import skdeep
from skdeep import DeepNetClassifier, LogisticRegressionGD, ModelFileError

# -- a saved model and ways to take it apart ------------------------------------------


@pytest.fixture(scope="module")
def data():
    X, y = make_moons(n_samples=80, noise=0.2, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def model(data):
    X, y = data
    return DeepNetClassifier(hidden_layer_sizes=(5, 3), max_iter=4, tol=0, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def saved(model):
    buffer = io.BytesIO()
    skdeep.save(model, buffer)
    return buffer.getvalue()


def _members(saved):
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        arrays = {name: archive.read(name) for name in archive.namelist() if name.startswith("arrays/")}
    return manifest, arrays


def _array_key(manifest, *path):
    """The member name of the array at ``path`` inside the manifest's state (a dict tag's key)."""
    value = manifest["state"]
    for key in path:
        value = dict((k if isinstance(k, str) else json.dumps(k), v) for k, v in value["dict"])[key]
    return f"arrays/{value['array']}.npy"


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _stored(name, payload, flags=0):
    return (name, payload, zipfile.ZIP_STORED, zlib.crc32(payload), len(payload), flags)


def _raw_zip(entries):
    """A zip archive with exactly these ``(name, payload, method, crc, declared_size, flags)`` entries."""
    out, central = bytearray(), bytearray()
    for name, payload, method, crc, size, flags in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, len(payload), size, len(encoded), 0
        )
        out += encoded + payload
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            flags,
            method,
            0,
            0x21,
            crc,
            len(payload),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def _forge(saved, edit=None, arrays_edit=None, extra=(), raw_edit=None):
    """A model file whose manifest or arrays were edited *and* re-checksummed, as a forger would.

    ``arrays_edit(manifest, arrays)`` runs before the digests are recomputed,
    ``edit(manifest)`` after, ``raw_edit(manifest_bytes)`` on the JSON text.
    """
    manifest, arrays = _members(saved)
    if arrays_edit is not None:
        arrays_edit(manifest, arrays)
    manifest["digests"] = {name: hashlib.sha256(payload).hexdigest() for name, payload in arrays.items()}
    if edit is not None:
        edit(manifest)
    manifest_bytes = json.dumps(manifest).encode()
    if raw_edit is not None:
        manifest_bytes = raw_edit(manifest_bytes)
    entries = [
        _stored("manifest.json", manifest_bytes),
        _stored("manifest.sha256", hashlib.sha256(manifest_bytes).hexdigest().encode()),
    ]
    entries += [_stored(name, payload) for name, payload in arrays.items()]
    return _raw_zip(entries + list(extra))


def _load(data):
    return skdeep.load(io.BytesIO(data))


def test_the_forging_helpers_make_loadable_files(saved, model, data):
    # Without an edit, a forged file is a valid model: the refusals below are the edits' doing.
    loaded = _load(_forge(saved))
    np.testing.assert_array_equal(loaded.predict_proba(data[0]), model.predict_proba(data[0]))


# -- zip bombs ---------------------------------------------------------------------------


def _zero_deflate(n_chunks, chunk=2**24):
    """A raw deflate stream of ``n_chunks * chunk`` zero bytes, built without inflating it."""
    zeros = bytes(chunk)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)  # the same for every chunk
    crc = 0
    for _ in range(n_chunks):
        crc = zlib.crc32(zeros, crc)
    return block * n_chunks + b"\x03\x00", crc, n_chunks * chunk  # + an empty final block


@pytest.fixture(scope="module")
def bomb_stream():
    return _zero_deflate(66)  # ~1 MB inflating to 1.1 GB


class _InflationMeter:
    """Counts the bytes zipfile hands out while loading (the inflated size)."""

    def __init__(self, monkeypatch):
        self.total = 0
        read = zipfile.ZipExtFile.read

        def counting_read(stream, n=-1):
            data = read(stream, n)
            self.total += len(data)
            return data

        monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)


@pytest.mark.parametrize("where", ["array", "manifest"])
def test_a_zip_bomb_is_refused_before_inflating_in_bounded_memory(where, saved, bomb_stream, monkeypatch):
    payload, crc, size = bomb_stream
    manifest, arrays = _members(saved)
    bomb = ("manifest.json" if where == "manifest" else next(iter(arrays)), payload, zipfile.ZIP_DEFLATED, crc, size, 0)
    entries = [_stored(name, payload) for name, payload in arrays.items() if name != bomb[0]]
    if where == "array":
        entries.append(_stored("manifest.json", json.dumps(manifest).encode()))
    entries += [_stored("manifest.sha256", b"0" * 64), bomb]
    file = _raw_zip(entries)
    assert len(file) < 1.2e6 and size > 1.1e9
    meter = _InflationMeter(monkeypatch)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="zip bomb"):
            _load(file)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert meter.total == 0  # refused from the directory, nothing inflated
    assert peak < 10e6


def test_a_bomb_hidden_behind_a_lying_size_stays_bounded(saved, bomb_stream, monkeypatch):
    # The directory says 1,000 bytes; the deflate stream holds 1.1 GB. Reading stops at the declared size.
    payload, crc, _ = bomb_stream
    manifest, arrays = _members(saved)
    name = next(iter(arrays))
    entries = [_stored(n, p) for n, p in arrays.items() if n != name]
    manifest_bytes = json.dumps(manifest).encode()
    entries += [
        _stored("manifest.json", manifest_bytes),
        _stored("manifest.sha256", hashlib.sha256(manifest_bytes).hexdigest().encode()),
        (name, payload[:20000], zipfile.ZIP_DEFLATED, crc, 1000, 0),
    ]
    meter = _InflationMeter(monkeypatch)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError):
            _load(_raw_zip(entries))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert meter.total < 2e6 and peak < 10e6


def test_a_model_larger_than_max_bytes_is_refused_with_advice(saved, model, data):
    with pytest.raises(ModelFileError, match="max_bytes=1,000"):
        skdeep.load(io.BytesIO(saved), max_bytes=1000)
    loaded = skdeep.load(io.BytesIO(saved), max_bytes=len(saved) * 2)
    np.testing.assert_array_equal(loaded.predict_proba(data[0]), model.predict_proba(data[0]))


# -- damage: every byte flipped, every truncation ----------------------------------------


def _outcome(data, X, expected):
    try:
        loaded = _load(data)
    except ModelFileError:
        return "refused"
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)  # loads only if nothing that matters changed
    return "loaded"


def test_bit_flips_anywhere_are_refused_or_harmless(saved, model, data):
    X = data[0]
    expected = model.predict_proba(X)
    outcomes = {"refused": 0, "loaded": 0}
    # Strides co-prime with the structures' sizes reach headers, names, JSON and array bytes alike.
    positions = [(position, 0x01) for position in range(0, len(saved), 11)]
    positions += [(position, 0x80) for position in range(5, len(saved), 17)]
    for position, mask in positions:
        damaged = bytearray(saved)
        damaged[position] ^= mask
        outcomes[_outcome(bytes(damaged), X, expected)] += 1  # any other exception fails the test
    assert outcomes["refused"] > 0.8 * len(positions)


def test_every_truncation_is_refused(saved):
    for length in [*range(0, 200), *range(200, len(saved), 5)]:
        with pytest.raises(ModelFileError):
            _load(saved[:length])


def test_a_damaged_file_object_is_refused(saved, tmp_path):
    damaged = bytearray(saved)
    damaged[len(damaged) // 2] ^= 0xFF
    with pytest.raises(ModelFileError):
        skdeep.load(io.BytesIO(bytes(damaged)))
    path = tmp_path / "damaged.skdeep"
    path.write_bytes(bytes(damaged))
    with open(path, "rb") as file, pytest.raises(ModelFileError):
        skdeep.load(file)
    with open(path, encoding="latin-1") as file, pytest.raises(ModelFileError, match="binary mode"):
        skdeep.load(file)  # a text-mode file object
    with pytest.raises(ModelFileError):
        skdeep.load(io.BytesIO(b""))


class _Unseekable(io.RawIOBase):
    """A pipe-like stream: no seeking, and short reads of at most 1000 bytes."""

    def __init__(self, data):
        self._data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buffer):
        return self._data.readinto(memoryview(buffer)[:1000])


def test_unseekable_streams_load_and_are_bounded(saved, model, data):
    loaded = skdeep.load(_Unseekable(saved))
    np.testing.assert_array_equal(loaded.predict_proba(data[0]), model.predict_proba(data[0]))
    with pytest.raises(ModelFileError, match="more than max_bytes"):
        skdeep.load(_Unseekable(saved), max_bytes=100)
    # A model embedded after other data in a seekable file loads from the file's position.
    stream = io.BytesIO(b"header" + saved)
    stream.seek(6)
    np.testing.assert_array_equal(skdeep.load(stream).predict_proba(data[0]), model.predict_proba(data[0]))


# -- forged archives: names, duplicates, flags ---------------------------------------------


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "arrays\\a0.npy", "arrays/../../a0.npy", "C:arrays/a0.npy"])
def test_entries_named_with_a_path_are_refused(saved, name):
    with pytest.raises(ModelFileError, match="named with a path"):
        _load(_forge(saved, extra=[_stored(name, b"x")]))


@pytest.mark.parametrize("duplicate", ["manifest.json", "array"])
def test_duplicated_entries_are_refused(saved, duplicate):
    _, arrays = _members(saved)
    name = duplicate if duplicate == "manifest.json" else next(iter(arrays))
    with pytest.raises(ModelFileError, match="twice"):
        _load(_forge(saved, extra=[_stored(name, b"{}")]))


def test_an_unknown_entry_is_refused(saved):
    with pytest.raises(ModelFileError, match="no skdeep model file holds"):
        _load(_forge(saved, extra=[_stored("readme.txt", b"hello")]))


def test_encrypted_and_exotic_compression_flags_are_refused(saved):
    manifest, arrays = _members(saved)
    name, payload = next(iter(arrays.items()))
    entries = [_stored(n, p) for n, p in arrays.items() if n != name]
    manifest_bytes = json.dumps(manifest).encode()
    entries += [
        _stored("manifest.json", manifest_bytes),
        _stored("manifest.sha256", hashlib.sha256(manifest_bytes).hexdigest().encode()),
    ]
    with pytest.raises(ModelFileError, match="encrypted"):
        _load(_raw_zip([*entries, _stored(name, payload, flags=0x1)]))
    lzma = (name, payload, zipfile.ZIP_LZMA, zlib.crc32(payload), len(payload), 0)
    with pytest.raises(ModelFileError, match="compression method 14"):
        _load(_raw_zip([*entries, lzma]))


# -- forged manifests (checksums recomputed) --------------------------------------------------


def _set_state(manifest, name, value):
    pairs = manifest["state"]["dict"]
    for pair in pairs:
        if pair[0] == name:
            pair[1] = value
            return
    pairs.append([name, value])


def _drop_state(manifest, name):
    manifest["state"]["dict"] = [pair for pair in manifest["state"]["dict"] if pair[0] != name]


def _set_param(manifest, name, value):
    for pair in manifest["params"]["dict"]:
        if pair[0] == name:
            pair[1] = value


def _nested(depth):
    value = 1
    for _ in range(depth):
        value = [value]
    return value


def _nested_tuples(depth):
    value = 1
    for _ in range(depth):
        value = {"tuple": [value]}
    return value


MANIFEST_EDITS = {
    # types
    "n_iter_ a string": (lambda m: _set_state(m, "n_iter_", "3"), "n_iter_"),
    "n_iter_ a bool": (lambda m: _set_state(m, "n_iter_", True), "n_iter_"),
    "n_iter_ negative": (lambda m: _set_state(m, "n_iter_", -1), "n_iter_"),
    "n_iter_ beyond int64": (lambda m: _set_state(m, "n_iter_", 10**30), "n_iter_"),
    "classes_ a number": (lambda m: _set_state(m, "classes_", 5), "classes_"),
    "parameters_ a list": (lambda m: _set_state(m, "parameters_", [1, 2]), "parameters_"),
    "loss_curve_ of strings": (lambda m: _set_state(m, "loss_curve_", ["a"]), "loss_curve_"),
    "out_activation_ unknown": (lambda m: _set_state(m, "out_activation_", "relu"), "out_activation_"),
    "state a string": (lambda m: m.update(state="x"), "state"),
    "params a list": (lambda m: m.update(params=[1]), "hyperparameters"),
    "format_version a string": (lambda m: m.update(format_version="1"), "format_version"),
    "format_version a bool": (lambda m: m.update(format_version=True), "format_version"),
    "digests a list": (lambda m: m.update(digests=[]), "digests"),
    "class a list": (lambda m: m.update({"class": ["DeepNetClassifier"]}), "unknown estimator class"),
    "class sklearn's": (lambda m: m.update({"class": "Pipeline"}), "unknown estimator class"),
    "unknown tag": (lambda m: _set_state(m, "n_iter_", {"eval": "os.system('x')"}), "never writes"),
    "tag with two keys": (lambda m: _set_state(m, "n_iter_", {"tuple": [], "dict": []}), "never writes"),
    "a bad float tag": (lambda m: _set_state(m, "best_loss_", {"float": "1e400"}), "never writes"),
    # unknown keys and attributes
    "an extra top-level key": (lambda m: m.update(extra=1), "keys"),
    "an unknown hyperparameter": (lambda m: m["params"]["dict"].append(["evil", 1]), "unknown \\['evil'\\]"),
    "a missing hyperparameter": (lambda m: m["params"]["dict"].pop(), "missing"),
    "an unknown attribute": (lambda m: _set_state(m, "__class__", "x"), "does not have"),
    "a method as attribute": (lambda m: _set_state(m, "predict", 1), "does not have"),
    "a missing attribute": (lambda m: _drop_state(m, "_rng"), "lacks \\['_rng'\\]"),
    # nesting
    "deep tag nesting": (lambda m: _set_state(m, "loss_curve_", _nested_tuples(60)), "nested"),
    # hyperparameters must pass the estimator's own checks
    "learning_rate negative": (lambda m: _set_param(m, "learning_rate", -1.0), "learning_rate"),
    "max_iter beyond int64": (lambda m: _set_param(m, "max_iter", 10**30), "max_iter"),
    "activation unknown": (lambda m: _set_param(m, "activation", "os.system"), "activation"),
    "random_state a string": (lambda m: _set_param(m, "random_state", "x"), "random_state"),
    "a huge hidden layer": (lambda m: _set_param(m, "hidden_layer_sizes", {"tuple": [10**13, 3]}), "shape"),
    "batch norm switched on": (lambda m: _set_param(m, "batch_norm", True), "parameters_|batch_norm_stats_"),
    "a hyperparameter list too long": (lambda m: _set_param(m, "dropout", {"tuple": [0.0] * 5000}), "plain value"),
    # consistency of the fitted state
    "n_features_in_ changed": (lambda m: _set_state(m, "n_features_in_", 3), "shape"),
    "n_outputs_ changed": (lambda m: _set_state(m, "n_outputs_", 2), "shape|n_outputs_"),
    "n_layers_ changed": (lambda m: _set_state(m, "n_layers_", 7), "n_layers_"),
    "a softmax binary model": (lambda m: _set_state(m, "out_activation_", "softmax"), "out_activation_"),
    "optimizer unknown": (lambda m: _set_state(m, "_optimizer_state", {"tuple": ["Evil", {"dict": []}]}), "optimizer"),
}


@pytest.mark.parametrize("case", sorted(MANIFEST_EDITS))
def test_forged_manifests_are_refused(case, saved):
    edit, message = MANIFEST_EDITS[case]
    with pytest.raises(ModelFileError, match=message):
        _load(_forge(saved, edit))


@pytest.mark.parametrize("depth", [50, 5_000, 90_000])
def test_deep_json_nesting_is_refused(depth, saved):
    def deepen(manifest_bytes):
        return manifest_bytes.replace(b'"__deep__"', b"[" * depth + b"1" + b"]" * depth)

    with pytest.raises(ModelFileError, match=r"nested|lists or objects"):
        _load(_forge(saved, lambda m: _set_state(m, "loss_curve_", "__deep__"), raw_edit=deepen))


def _replace_array(path, new_array):
    def edit(manifest, arrays):
        arrays[_array_key(manifest, *path)] = _npy(new_array)

    return edit


ARRAY_EDITS = {
    "W1 of the wrong shape": (("parameters_", "W1"), np.zeros((2, 5)), "needs \\(5, 2\\)"),
    "W1 of strings": (("parameters_", "W1"), np.full((5, 2), "ab"), "<U2"),
    "W1 of integers": (("parameters_", "W1"), np.zeros((5, 2), dtype=np.int64), "int64"),
    "W1 of float16": (("parameters_", "W1"), np.zeros((5, 2), dtype=np.float16), "float16"),
    "W1 of complex": (("parameters_", "W1"), np.zeros((5, 2), dtype=complex), "complex"),
    "W1 big-endian": (("parameters_", "W1"), np.zeros((5, 2), dtype=">f8"), ">f8"),
    "W1 with NaN": (("parameters_", "W1"), np.full((5, 2), np.nan), "non-finite"),
    "W1 float32 among float64": (("parameters_", "W1"), np.zeros((5, 2), dtype=np.float32), "mixes dtypes"),
    "classes_ unsorted": (("classes_",), np.array([1, 0]), "sorted"),
    "classes_ 2-d": (("classes_",), np.array([[0, 1]]), "dimension"),
    "classes_ of datetimes": (
        ("classes_",),
        np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[D]"),
        "datetime64",
    ),
    "Adam's state too short": (("_optimizer_state", "1", "gradient_sum"), np.zeros(3), "shape"),
}


def _optimizer_array_key(manifest, name):
    state = dict((k if isinstance(k, str) else json.dumps(k), v) for k, v in manifest["state"]["dict"])
    vectors = dict(state["_optimizer_state"]["tuple"][1]["dict"])
    return f"arrays/{vectors[name]['array']}.npy"


@pytest.mark.parametrize("case", sorted(ARRAY_EDITS))
def test_forged_arrays_are_refused_at_load_not_at_predict(case, saved):
    path, array, message = ARRAY_EDITS[case]

    def edit(manifest, arrays):
        key = _optimizer_array_key(manifest, path[-1]) if path[0] == "_optimizer_state" else _array_key(manifest, *path)
        arrays[key] = _npy(array)

    with pytest.raises(ModelFileError, match=message):
        _load(_forge(saved, arrays_edit=edit))


def test_a_huge_declared_shape_is_refused_from_the_header(saved):
    def edit(manifest, arrays):
        key = _array_key(manifest, "parameters_", "W1")
        header = _npy(np.zeros((5, 2)))[:128].replace(b"(5, 2)", b"(10000000000000,)".ljust(6))
        arrays[key] = header[:128] + bytes(80)

    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError, match="10000000000000"):
            _load(_forge(saved, arrays_edit=edit))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10e6


def test_an_array_named_twice_or_never_is_refused(saved):
    def twice(manifest):
        vectors = dict(manifest["state"]["dict"])["_optimizer_state"]["tuple"][1]["dict"]
        vectors[2][1] = copy.deepcopy(vectors[1][1])  # Adam's square_sum is its gradient_sum

    with pytest.raises(ModelFileError, match="exactly once"):
        _load(_forge(saved, twice))
    with pytest.raises(ModelFileError, match="exactly once"):
        _load(_forge(saved, extra=[], arrays_edit=lambda m, a: a.update({"arrays/a999.npy": _npy(np.zeros(2))})))


def test_json_tricks_are_refused(saved):
    _, arrays = _members(saved)
    for raw, message in [
        (b'{"a": NaN}', "NaN"),
        (b'{"a": 1, "a": 2}', "repeats the key"),
        (b"\xff{}", "not valid JSON"),
    ]:
        entries = [_stored("manifest.json", raw), _stored("manifest.sha256", hashlib.sha256(raw).hexdigest().encode())]
        entries += [_stored(name, payload) for name, payload in arrays.items()]
        with pytest.raises(ModelFileError, match=message):
            _load(_raw_zip(entries))


def test_a_logistic_model_is_checked_against_its_own_architecture(data):
    X, y = data
    model = LogisticRegressionGD(max_iter=5, tol=0).fit(X, y)
    buffer = io.BytesIO()
    skdeep.save(model, buffer)
    forged = _forge(buffer.getvalue(), arrays_edit=_replace_array(("parameters_", "W1"), np.zeros((1, 3))))
    with pytest.raises(ModelFileError, match="needs \\(1, 2\\)"):
        _load(forged)


# -- random forgeries (hypothesis, derandomized, small budget) ------------------------------------

_JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_JSON_VALUES = st.recursive(
    _JSON_LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(["array", "tuple", "dict", "float", "rng", "object", "x"]), children, max_size=2
        ),
    ),
    max_leaves=6,
)


def _paths(value, prefix=()):
    """Every position in a JSON value, as key/index paths."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@settings(max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=st.integers(min_value=0), replacement=_JSON_VALUES)
def test_random_forgeries_are_refused_or_load_a_working_model(choice, replacement, saved, data):
    manifest, _ = _members(saved)
    paths = [path for path in _paths(manifest) if path and path[0] != "digests"]
    path = paths[choice % len(paths)]

    def edit(m):
        target = m
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = replacement

    try:
        loaded = _load(_forge(saved, edit))
    except ModelFileError:
        return
    assert np.all(np.isfinite(loaded.predict_proba(data[0])))
