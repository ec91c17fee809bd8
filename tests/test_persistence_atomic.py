"""skdeep.save never loses a model: atomic replacement, interrupted and concurrent saves, file objects."""

import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_moons

import skdeep
from skdeep import DeepNetClassifier, ModelFileError
from skdeep._persistence import _archive


@pytest.fixture(scope="module")
def data():
    return make_moons(n_samples=80, noise=0.2, random_state=0)


@pytest.fixture(scope="module")
def models(data):
    X, y = data
    return [
        DeepNetClassifier(hidden_layer_sizes=(6,), max_iter=3, tol=0, random_state=seed).fit(X, y) for seed in range(4)
    ]


def _leftovers(directory):
    return sorted(path.name for path in Path(directory).iterdir() if path.name.endswith(".tmp"))


def _assert_holds(path, model, X):
    np.testing.assert_array_equal(skdeep.load(path).predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, OSError])
def test_an_interrupted_save_leaves_the_old_file_and_no_temporary(interruption, models, data, tmp_path, monkeypatch):
    path = tmp_path / "model.skdeep"
    skdeep.save(models[0], path)
    before = path.read_bytes()
    write = _archive.HashingWriter.write
    written = []

    def interrupted_write(writer, chunk):
        if len(written) == 3:  # midway: some arrays are already in the temporary file
            raise interruption("interrupted mid-save")
        written.append(len(chunk))
        return write(writer, chunk)

    monkeypatch.setattr(_archive.HashingWriter, "write", interrupted_write)
    with pytest.raises(interruption):
        skdeep.save(models[1], path)
    assert path.read_bytes() == before
    _assert_holds(path, models[0], data[0])
    assert _leftovers(tmp_path) == []


def test_a_refused_save_does_not_touch_the_file(models, tmp_path):
    path = tmp_path / "model.skdeep"
    skdeep.save(models[0], path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="scoring"):
        skdeep.save(DeepNetClassifier(scoring=lambda estimator, X, y: 0.0), path)
    assert path.read_bytes() == before and _leftovers(tmp_path) == []


_KILLED_MID_SAVE = """
import sys, time
import skdeep
from skdeep._persistence import _archive

write = _archive.HashingWriter.write
calls = []

def write_then_hang(writer, chunk):
    calls.append(1)
    if len(calls) == 4:  # a few arrays in: announce, then wait to be killed
        print("mid-save", flush=True)
        time.sleep(120)
    return write(writer, chunk)

_archive.HashingWriter.write = write_then_hang
skdeep.save(skdeep.load(sys.argv[1]), sys.argv[2])
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_save_killed_by_sigkill_leaves_the_old_file(models, data, tmp_path):
    path, new = tmp_path / "model.skdeep", tmp_path / "new.skdeep"
    skdeep.save(models[0], path)
    skdeep.save(models[1], new)
    before = path.read_bytes()
    root = str(Path(skdeep.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_SAVE, str(new), str(path)], stdout=subprocess.PIPE, env=env, text=True
    )
    try:
        assert child.stdout.readline().strip() == "mid-save"
        leftover = _leftovers(tmp_path)
        assert len(leftover) == 1 and leftover[0].startswith(".model.skdeep.")  # the half-written temporary
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    _assert_holds(path, models[0], data[0])
    # The temporary a killed process leaves is a harmless hidden file beside the target; the next save works.
    skdeep.save(models[1], path)
    _assert_holds(path, models[1], data[0])


def test_concurrent_saves_and_loads_on_one_path_always_see_a_whole_model(models, data, tmp_path):
    X = data[0]
    path = tmp_path / "model.skdeep"
    skdeep.save(models[0], path)
    expected = {model.predict_proba(X).tobytes() for model in models}
    start = threading.Barrier(len(models) + 1)
    errors, seen = [], []

    def saver(model):
        start.wait()
        try:
            for _ in range(5):
                skdeep.save(model, path)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    def loader():
        start.wait()
        try:
            for _ in range(15):
                seen.append(skdeep.load(path).predict_proba(X).tobytes())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=saver, args=(model,)) for model in models] + [threading.Thread(target=loader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert set(seen) <= expected and len(seen) == 15
    assert skdeep.load(path).predict_proba(X).tobytes() in expected
    assert _leftovers(tmp_path) == []


def test_saving_keeps_the_permissions_and_follows_a_symlink(models, data, tmp_path):
    target = tmp_path / "model.skdeep"
    skdeep.save(models[0], target)
    os.chmod(target, 0o640)
    link = tmp_path / "current.skdeep"
    link.symlink_to(target)
    skdeep.save(models[1], link)
    assert link.is_symlink() and oct(target.stat().st_mode & 0o777) == oct(0o640)
    _assert_holds(target, models[1], data[0])


class _WriteOnly(io.RawIOBase):
    """A stream that can only be written to, like a pipe or a socket."""

    def __init__(self):
        self.chunks = []

    def writable(self):
        return True

    def write(self, chunk):
        self.chunks.append(bytes(chunk))
        return len(chunk)


def test_save_writes_to_binary_file_objects(models, data, tmp_path):
    buffer = io.BytesIO()
    skdeep.save(models[0], buffer)
    _assert_holds(io.BytesIO(buffer.getvalue()), models[0], data[0])
    stream = _WriteOnly()
    skdeep.save(models[0], stream)
    _assert_holds(io.BytesIO(b"".join(stream.chunks)), models[0], data[0])
    with open(tmp_path / "m.skdeep", "wb") as file:
        skdeep.save(models[0], file)
    _assert_holds(tmp_path / "m.skdeep", models[0], data[0])
    with pytest.raises(TypeError, match="path or a binary file object"):
        skdeep.save(models[0], 42)


def test_load_keeps_missing_files_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        skdeep.load(tmp_path / "missing.skdeep")
    with pytest.raises(TypeError, match="path or a binary file object"):
        skdeep.load(42)
    assert issubclass(ModelFileError, ValueError)
