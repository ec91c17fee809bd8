"""skdeep.save / skdeep.load: a pickle-free format that refuses damaged or foreign files."""

import hashlib
import json
import pickle
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_moons

import skdeep
from skdeep import DeepNetClassifier, LogisticRegressionGD, ModelFileError

from .asserts import assert_same_parameters

CONFIGURATIONS = {
    "logistic": lambda: LogisticRegressionGD(max_iter=30, tol=0, class_weight="balanced"),
    "deepnet": lambda: DeepNetClassifier(hidden_layer_sizes=(8, 4), max_iter=10, tol=0, random_state=0),
    "batch-norm-dropout": lambda: DeepNetClassifier(
        hidden_layer_sizes=(6,), batch_norm=True, dropout=0.2, max_iter=10, tol=0, random_state=0
    ),
    "early-stopping": lambda: DeepNetClassifier(
        hidden_layer_sizes=(6,), early_stopping=True, class_weight={"east": 2.0}, max_iter=10, random_state=0
    ),
}


@pytest.fixture(scope="module")
def data():
    X, y = make_moons(n_samples=120, noise=0.2, random_state=0)
    return X, np.array(["east", "west"], dtype=object)[y]


@pytest.fixture
def saved(tmp_path, data):
    X, y = data
    model = CONFIGURATIONS["deepnet"]().fit(X, y)
    path = tmp_path / "model.skdeep"
    skdeep.save(model, path)
    return model, path


@pytest.mark.parametrize("name", sorted(CONFIGURATIONS))
def test_round_trip_is_bit_identical(name, data, tmp_path):
    X, y = data
    model = CONFIGURATIONS[name]().fit(X, y)
    path = tmp_path / "model.skdeep"
    skdeep.save(model, path)
    loaded = skdeep.load(path)
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.classes_.dtype == model.classes_.dtype  # labels come back as they went in
    assert_same_parameters(loaded.parameters_, model.parameters_)
    assert loaded.loss_curve_ == model.loss_curve_ and loaded.n_iter_ == model.n_iter_


@pytest.mark.parametrize("name", ["logistic", "batch-norm-dropout"])
def test_pickle_and_joblib_round_trips_are_bit_identical(name, data, tmp_path):
    X, y = data
    model = CONFIGURATIONS[name]().fit(X, y)
    for loaded in (pickle.loads(pickle.dumps(model)), joblib.load(joblib.dump(model, tmp_path / "m.joblib")[0])):
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_loaded_model_continues_training_exactly(saved, data):
    X, y = data
    model, path = saved
    loaded = skdeep.load(path)
    for estimator in (model, loaded):
        estimator.set_params(warm_start=True, max_iter=3).fit(X, y)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded.n_iter_ == model.n_iter_ == 13


def test_feature_names_and_float32_survive(data, tmp_path):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X.astype(np.float32), columns=["lon", "lat"])
    model = DeepNetClassifier(hidden_layer_sizes=(4,), max_iter=3, tol=0, random_state=0).fit(frame, y)
    skdeep.save(model, tmp_path / "m.skdeep")
    loaded = skdeep.load(tmp_path / "m.skdeep")
    assert list(loaded.feature_names_in_) == ["lon", "lat"]
    assert loaded.parameters_["W1"].dtype == np.float32
    np.testing.assert_array_equal(loaded.predict_proba(frame), model.predict_proba(frame))


def test_an_unfitted_estimator_round_trips(tmp_path):
    skdeep.save(DeepNetClassifier(hidden_layer_sizes=(3, 2), dropout=(0.1, 0.2)), tmp_path / "m.skdeep")
    loaded = skdeep.load(tmp_path / "m.skdeep")
    assert loaded.get_params()["dropout"] == (0.1, 0.2)
    assert not hasattr(loaded, "parameters_")


def test_values_the_format_cannot_hold_are_refused_at_save(tmp_path):
    with pytest.raises(TypeError, match=r"cannot store params\.scoring"):
        skdeep.save(DeepNetClassifier(scoring=lambda est, X, y: 0.0), tmp_path / "m.skdeep")
    with pytest.raises(TypeError, match="skdeep's estimators only"):
        skdeep.save(object(), tmp_path / "m.skdeep")


def test_a_truncated_file_is_refused(saved, tmp_path):
    _, path = saved
    data = path.read_bytes()
    truncated = tmp_path / "truncated.skdeep"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="not a skdeep model file"):
        skdeep.load(truncated)


def test_a_pickle_is_refused_without_being_run(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(DeepNetClassifier()))
    with pytest.raises(ModelFileError, match="a pickle"):
        skdeep.load(path)


def _rewrite(path, target, change):
    """Copy the archive at ``path`` to ``target`` with ``change(name, data) -> data`` applied."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            copy.writestr(name, change(name, source.read(name)))
    return target


def test_an_altered_array_is_refused(saved, tmp_path):
    _, path = saved

    def flip_last_byte(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("arrays/") else data

    with pytest.raises(ModelFileError, match="does not match its checksum"):
        skdeep.load(_rewrite(path, tmp_path / "altered.skdeep", flip_last_byte))


def test_an_edited_manifest_is_refused(saved, tmp_path):
    _, path = saved

    def edit(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["skdeep_version"] = "0.0.1"  # a hand edit, checksum left as it was
        return json.dumps(manifest).encode()

    with pytest.raises(ModelFileError, match=r"manifest.json does not match its checksum"):
        skdeep.load(_rewrite(path, tmp_path / "edited.skdeep", edit))


def _forge(path, target, edit_manifest, extra_members=()):
    """A file whose manifest was changed *and* re-checksummed: what a forger would write."""
    with zipfile.ZipFile(path) as source:
        manifest = json.loads(source.read("manifest.json"))
        members = {name: source.read(name) for name in source.namelist() if name.startswith("arrays/")}
    edit_manifest(manifest)
    members.update(extra_members)
    manifest["digests"] = {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}
    manifest_bytes = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("manifest.json", manifest_bytes)
        archive.writestr("manifest.sha256", hashlib.sha256(manifest_bytes).hexdigest())
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def test_a_newer_format_is_refused_with_advice(saved, tmp_path):
    _, path = saved
    forged = _forge(path, tmp_path / "new.skdeep", lambda m: m.update(format_version=99))
    with pytest.raises(ModelFileError, match=r"format 99.*Upgrade skdeep"):
        skdeep.load(forged)


def test_loading_never_runs_code(saved, tmp_path):
    _, path = saved
    forged = _forge(path, tmp_path / "class.skdeep", lambda m: m.update({"class": "os.system"}))
    with pytest.raises(ModelFileError, match=r"unknown estimator class 'os\.system'"):
        skdeep.load(forged)
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([{"evil": True}], dtype=object), allow_pickle=True)  # a pickled payload
    forged = _forge(
        path,
        tmp_path / "object.skdeep",
        lambda m: m["state"]["dict"].append([{"tuple": []}, {"array": "a99"}]),
        {"arrays/a99.npy": buffer.getvalue()},
    )
    with pytest.raises(ModelFileError, match="not a plain array"):
        skdeep.load(forged)


def test_a_foreign_zip_is_refused(tmp_path):
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ModelFileError, match="no skdeep manifest"):
        skdeep.load(path)


@pytest.mark.parametrize("name", ["logistic", "batch-norm-dropout"])
def test_skops_loads_the_estimators_given_their_trusted_types(name, data, tmp_path):
    sio = pytest.importorskip("skops.io")
    X, y = data
    model = CONFIGURATIONS[name]().fit(X, y)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted == [f"{type(model).__module__}.{type(model).__name__}"]
    loaded = sio.load(path, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
