"""Python values <-> the manifest's JSON, with arrays set aside as ``.npy`` members.

JSON holds None, bools, ints, floats, strings and lists as themselves; the
rest is tagged by a one-key object: ``{"array": key}`` (plus ``"object":
true`` for an object array of strings), ``{"tuple": [...]}``, ``{"dict":
[[key, value], ...]}`` (keys of any type), ``{"float": "inf"}`` for
non-finite floats and ``{"rng": state}`` for a ``numpy.random.RandomState``.

Decoding is done in two steps so that nothing is read or built before the
whole manifest has been checked: :func:`decode` turns JSON into Python values
with placeholders (:class:`ArrayRef`, :class:`RngRef`), the schema checks them,
and :func:`materialize` swaps in the arrays read and the random generators.
"""

from __future__ import annotations

import json
import math

import numpy as np

from ._archive import ModelFileError

#: Deepest nesting of the manifest's values (skdeep's need 6 or so).
MAX_DEPTH = 24
#: At most this many JSON values (counted by their separators, before parsing)
#: keeps parsing within tens of megabytes.
MAX_JSON_ITEMS = 1_000_000
MAX_JSON_CONTAINERS = 100_000
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


class Encoder:
    """Python values -> JSON-ready values; arrays go to ``self.arrays`` under generated keys."""

    def __init__(self):
        self.arrays = {}

    def encode(self, value, where):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            value = float(value)
            return value if math.isfinite(value) else {"float": repr(value)}
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, list):
            if set(map(type, value)) <= {float} and all(map(math.isfinite, value)):
                return list(value)  # a history such as loss_curve_: fast, it can be long
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


class ArrayRef:
    """An array named by the manifest, described by its ``.npy`` header; read later."""

    def __init__(self, key, as_object, dtype, shape):
        self.key, self.as_object, self.dtype, self.shape = key, as_object, dtype, shape

    def __repr__(self):
        return f"<array {self.key}: {self.dtype} {self.shape}>"


class RngRef:
    """A ``RandomState`` to build from a checked state tuple once arrays are read."""

    def __init__(self, state):
        self.state = state


def parse_json(data):
    """The manifest's JSON, refusing what would make parsing slow or large."""
    containers = data.count(b"[") + data.count(b"{")
    items = data.count(b",") + containers
    if containers > MAX_JSON_CONTAINERS or items > MAX_JSON_ITEMS:
        raise ModelFileError(
            f"The manifest holds {items:,} values in {containers:,} lists or objects, more than the "
            f"format's limits ({MAX_JSON_ITEMS:,} and {MAX_JSON_CONTAINERS:,}); histories such as "
            "loss_curve_ count one value per epoch."
        )
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except RecursionError:
        raise ModelFileError(f"The manifest is nested more deeply than {MAX_DEPTH} levels.") from None
    except ValueError as error:  # also UnicodeDecodeError, and ints longer than Python parses
        raise ModelFileError(f"The manifest is not valid JSON: {error}") from None


def _unique_keys(pairs):
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        raise ModelFileError(f"The manifest repeats the key(s) {twice} in one object.")
    return result


def _no_constant(name):
    raise ModelFileError(f"The manifest holds the bare constant {name}; skdeep writes non-finite floats as tags.")


def decode(value, headers, depth=0):
    """JSON values -> Python values with placeholders for arrays and generators.

    ``headers`` maps an array key to its ``(dtype, shape)`` from the ``.npy``
    header; a key it lacks is refused.
    """
    if depth > MAX_DEPTH:
        raise ModelFileError(f"The manifest is nested more deeply than {MAX_DEPTH} levels.")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        if all_scalars(value):
            return value  # a history such as loss_curve_: fast, it can be long
        return [decode(item, headers, depth + 1) for item in value]
    # json gives dicts only otherwise: a tag
    if "array" in value and set(value) <= {"array", "object"}:
        key, as_object = value["array"], value.get("object", False)
        if not isinstance(key, str) or key not in headers or not isinstance(as_object, bool):
            raise ModelFileError(f"The manifest refers to an array {key!r} the file does not hold.")
        dtype, shape = headers[key]
        return ArrayRef(key, as_object, dtype, shape)
    if len(value) != 1:
        raise ModelFileError(f"The manifest holds an object with keys {sorted(value)} that skdeep never writes.")
    ((tag, body),) = value.items()
    if tag == "tuple" and isinstance(body, list):
        return tuple(decode(item, headers, depth + 1) for item in body)
    if tag == "dict" and isinstance(body, list):
        result = {}
        for pair in body:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ModelFileError("The manifest holds a malformed dict entry.")
            key = _hashable(decode(pair[0], headers, depth + 1))
            if key in result:
                raise ModelFileError(f"The manifest repeats the dict key {key!r}.")
            result[key] = decode(pair[1], headers, depth + 1)
        return result
    if tag == "float" and body in _NON_FINITE:
        return _NON_FINITE[body]
    if tag == "rng":
        return RngRef(decode(body, headers, depth + 1))
    raise ModelFileError(f"The manifest holds a value skdeep never writes: {tag!r} with {type(body).__name__}.")


_SCALARS = frozenset({type(None), bool, int, float, str})


def all_scalars(values):
    """Whether a list holds JSON scalars only (checked at C speed: histories can be long)."""
    return set(map(type, values)) <= _SCALARS


def _hashable(key):
    if isinstance(key, (ArrayRef, RngRef, list, dict, tuple)):
        raise ModelFileError(f"The manifest holds a dict key that is not a plain value: {key!r}.")
    return key


def materialize(value, arrays):
    """Placeholders -> the arrays read and new ``RandomState`` objects (structure already checked)."""
    if isinstance(value, ArrayRef):
        array = arrays[value.key]
        return array.astype(object) if value.as_object else array
    if isinstance(value, RngRef):
        rng = np.random.RandomState()
        rng.set_state(materialize(value.state, arrays))
        return rng
    if isinstance(value, list):
        return list(value) if all_scalars(value) else [materialize(item, arrays) for item in value]
    if isinstance(value, tuple):
        return tuple(materialize(item, arrays) for item in value)
    if isinstance(value, dict):
        return {key: materialize(item, arrays) for key, item in value.items()}
    return value
