"""skdeep.save / skdeep.load: a pickle-free format that refuses damaged or foreign files."""

import hashlib
import json
import pickle
import warnings
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdeep
from skdeep import DeepNetClassifier, DeepNetRegressor, LogisticRegressionGD, ModelFileError

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
    model = _fit_without_warnings(CONFIGURATIONS[name](), X, y)
    path = tmp_path / "model.skdeep"
    skdeep.save(model, path)
    loaded = skdeep.load(path)
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(_outputs(loaded, X), _outputs(model, X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.classes_.dtype == model.classes_.dtype  # labels come back as they went in
    assert_same_parameters(loaded.parameters_, model.parameters_)
    assert loaded.loss_curve_ == model.loss_curve_ and loaded.n_iter_ == model.n_iter_


@pytest.mark.parametrize("name", ["logistic", "batch-norm-dropout"])
def test_pickle_and_joblib_round_trips_are_bit_identical(name, data, tmp_path):
    X, y = data
    model = CONFIGURATIONS[name]().fit(X, y)
    for loaded in (pickle.loads(pickle.dumps(model)), joblib.load(joblib.dump(model, tmp_path / "m.joblib")[0])):
        np.testing.assert_array_equal(_outputs(loaded, X), _outputs(model, X))


def test_a_loaded_model_continues_training_exactly(saved, data):
    X, y = data
    model, path = saved
    loaded = skdeep.load(path)
    for estimator in (model, loaded):
        estimator.set_params(warm_start=True, max_iter=3).fit(X, y)
    np.testing.assert_array_equal(_outputs(loaded, X), _outputs(model, X))
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


def test_files_in_the_earlier_layout_still_load(saved, data, tmp_path):
    # Earlier writers deflated every member and put the manifest first.
    model, path = saved
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    earlier = tmp_path / "earlier.skdeep"
    with zipfile.ZipFile(earlier, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ["manifest.json", "manifest.sha256", *sorted(n for n in members if n.startswith("arrays/"))]:
            archive.writestr(name, members[name])
    np.testing.assert_array_equal(skdeep.load(earlier).predict_proba(data[0]), model.predict_proba(data[0]))


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
    np.testing.assert_array_equal(_outputs(loaded, X), _outputs(model, X))


# -- every configuration's fitted state is on the allow-list ----------------------------------

STATE_CONFIGURATIONS = {
    "lbfgs": (
        lambda: DeepNetClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=5, tol=0, random_state=0),
        "moons",
    ),
    "momentum-float32": (
        lambda: DeepNetClassifier(hidden_layer_sizes=(5,), solver="momentum", max_iter=3, tol=0, random_state=0),
        "float32",
    ),
    "rmsprop-random-state-object": (
        lambda: DeepNetClassifier(
            hidden_layer_sizes=(5,), solver="rmsprop", max_iter=3, tol=0, random_state=np.random.RandomState(3)
        ),
        "moons",
    ),
    "adagrad-adaptive": (
        lambda: DeepNetClassifier(
            hidden_layer_sizes=(5,), solver="adagrad", lr_schedule="adaptive", max_iter=3, tol=0, random_state=0
        ),
        "moons",
    ),
    "gd-batch-norm-softmax": (
        lambda: DeepNetClassifier(
            hidden_layer_sizes=(4, 3), solver="gd", batch_norm=True, max_iter=3, tol=0, random_state=0
        ),
        "three classes",
    ),
    "early-stopping-scoring": (
        lambda: DeepNetClassifier(
            hidden_layer_sizes=(4,),
            early_stopping=True,
            scoring="accuracy",
            max_iter=3,
            tol=0,
            n_iter_no_change=2,
            random_state=0,
        ),
        "moons",
    ),
    "multilabel": (lambda: DeepNetClassifier(hidden_layer_sizes=(4,), max_iter=3, tol=0, random_state=0), "multilabel"),
    "logistic-softmax": (lambda: LogisticRegressionGD(max_iter=5, tol=0, alpha=0.5), "three classes"),
    "logistic-float-labels": (lambda: LogisticRegressionGD(max_iter=5, tol=0, learning_rate=0.1), "float labels"),
    "regressor": (lambda: DeepNetRegressor(hidden_layer_sizes=(5,), max_iter=3, tol=0, random_state=0), "regression"),
    "regressor-multi-output-early-stopping": (
        lambda: DeepNetRegressor(hidden_layer_sizes=(4,), early_stopping=True, max_iter=3, tol=0, random_state=0),
        "two targets",
    ),
}


def _targets(kind, data):
    X, y = data
    if kind == "float32":
        return X.astype(np.float32), y
    if kind == "three classes":
        return X, np.where(X[:, 0] > 1, "north", y).astype(object)
    if kind == "multilabel":
        return X, np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X[:, 0] > X[:, 1]]).astype(int)
    if kind == "float labels":
        return X, np.where(y == "east", 1.0, -2.0)
    if kind == "regression":
        return X, 100 * X[:, 0] - X[:, 1] ** 2
    if kind == "two targets":
        return X, np.column_stack([X[:, 0] + X[:, 1], 1e4 * X[:, 0] * X[:, 1]])
    return X, y


def _fit_without_warnings(model, X, y):
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tiny budgets on purpose
        return model.fit(X, y)


@pytest.mark.parametrize("name", sorted(STATE_CONFIGURATIONS))
def test_every_configuration_round_trips_within_the_allow_list(name, data, tmp_path):
    from skdeep._persistence import FITTED_ATTRIBUTES

    make, kind = STATE_CONFIGURATIONS[name]
    X, y = _targets(kind, data)
    model = _fit_without_warnings(make(), X, y)
    if name == "lbfgs":  # a warm-started second fit, with another solver's state
        model.set_params(warm_start=True, solver="adam", max_iter=2)
        _fit_without_warnings(model, X, y)
    allowed = FITTED_ATTRIBUTES[type(model)]
    stored = model._fitted_state()
    assert set(stored) == set(allowed) - {"feature_names_in_"}
    path = tmp_path / "model.skdeep"
    skdeep.save(model, path)
    loaded = skdeep.load(path)
    np.testing.assert_array_equal(_outputs(loaded, X), _outputs(model, X))
    assert sorted(vars(loaded)) == sorted(key for key in vars(model) if not key.startswith("_skl"))
    for estimator in (model, loaded):  # and training continues identically
        estimator.set_params(warm_start=True, max_iter=2)
        _fit_without_warnings(estimator, X, y)
    np.testing.assert_array_equal(_outputs(loaded, X), _outputs(model, X))


def test_save_refuses_what_load_would_refuse(data, tmp_path):
    X, y = data
    model = DeepNetClassifier(hidden_layer_sizes=(4,), max_iter=2, tol=0, random_state=0).fit(X, y)
    model.set_params(hidden_layer_sizes=(7,))  # no longer describes the fitted network
    with pytest.raises(ValueError, match=r"skdeep\.load would refuse.*parameters_"):
        skdeep.save(model, tmp_path / "m.skdeep")
    model.set_params(hidden_layer_sizes=(4,))
    model.new_attribute_ = 1.0
    with pytest.raises(TypeError, match=r"\['new_attribute_'\].*FITTED_ATTRIBUTES"):
        skdeep.save(model, tmp_path / "m.skdeep")
    assert not (tmp_path / "m.skdeep").exists()


# -- pipelines: refused with the way to save them through skops -------------------------------


@pytest.fixture(scope="module")
def pipeline_and_frame():
    pd = pytest.importorskip("pandas")
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], 120),
            "size": rng.randn(120) * 10 + 50,
            "weight": rng.randn(120),
        }
    )
    y = np.where((frame["colour"] == "red") ^ (frame["weight"] > 0), "yes", "no")
    columns = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
            ("numbers", StandardScaler(), ["size", "weight"]),
        ]
    )
    pipeline = make_pipeline(columns, DeepNetClassifier(hidden_layer_sizes=(6,), max_iter=20, tol=0, random_state=0))
    return pipeline.fit(frame, y), frame


def test_a_pipeline_is_refused_with_the_skops_trusted_list(pipeline_and_frame, tmp_path):
    pipeline, _ = pipeline_and_frame
    trusted = r"trusted=\['skdeep\.DeepNetClassifier'\]"
    with pytest.raises(TypeError, match=r"not Pipeline.*skops.*" + trusted):
        skdeep.save(pipeline, tmp_path / "pipeline.skdeep")
    assert not (tmp_path / "pipeline.skdeep").exists()


def test_a_column_transformer_pipeline_round_trips_through_skops(pipeline_and_frame, tmp_path):
    sio = pytest.importorskip("skops.io")
    pipeline, frame = pipeline_and_frame
    path = tmp_path / "pipeline.skops"
    sio.dump(pipeline, path)
    trusted = ["skdeep.DeepNetClassifier"]  # the list skdeep.save's error gives
    untrusted = sio.get_untrusted_types(file=path)
    # scikit-learn 1.6's ColumnTransformer also stores a private list type of its own.
    assert trusted[0] in untrusted and all(name.startswith("sklearn.") for name in set(untrusted) - set(trusted))
    loaded = sio.load(path, trusted=untrusted)
    np.testing.assert_array_equal(loaded.predict_proba(frame), pipeline.predict_proba(frame))
    np.testing.assert_array_equal(loaded.predict(frame), pipeline.predict(frame))


def test_a_long_flat_loss_curve_round_trips(data, tmp_path):
    # A history of identical costs compresses a thousandfold: it must not pass for a zip bomb.
    X, y = data
    model = LogisticRegressionGD(max_iter=2, tol=0).fit(X, y)
    model.loss_curve_[:] = [0.5] * 250_000  # 1.25 MB of JSON
    skdeep.save(model, tmp_path / "m.skdeep")
    assert skdeep.load(tmp_path / "m.skdeep").loss_curve_ == model.loss_curve_
    model.loss_curve_[:] = [0.5] * 1_100_000
    with pytest.raises(ValueError, match="loss_curve_ count one value per epoch"):
        skdeep.save(model, tmp_path / "m.skdeep")


def _outputs(model, X):
    """What a model predicts: probabilities for a classifier, values for a regressor."""
    return model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)


def test_an_auto_architecture_round_trips(tmp_path):
    """hidden_layer_sizes="auto" stays "auto"; the file's weights say which network fit chose."""
    from sklearn.datasets import make_classification

    X, y = make_classification(3000, 5, random_state=0)
    model = _fit_without_warnings(DeepNetClassifier(max_iter=1, tol=0, early_stopping=False, random_state=0), X, y)
    assert model.hidden_layer_sizes_ == (100, 100, 100)
    skdeep.save(model, tmp_path / "deep.skdeep")
    loaded = skdeep.load(tmp_path / "deep.skdeep")
    assert loaded.get_params()["hidden_layer_sizes"] == "auto"
    assert loaded.hidden_layer_sizes_ == (100, 100, 100)
    np.testing.assert_array_equal(_outputs(loaded, X), _outputs(model, X))


def _set_pair(pairs, key, value):
    """Set ``key`` in the manifest's list of ``[key, value]`` pairs."""
    for pair in pairs:
        if pair[0] == key:
            pair[1] = value


@pytest.mark.parametrize(
    "n_layers, match",
    [
        (3, r"parameters_ in the file holds \['W1', 'W2', 'W3', .*; the network .* has \['W1', 'W2', 'b1'"),
        (5, r"parameters_ in the file holds .*; the network .* describe has \['W1', 'W2', 'W3', 'W4',"),
        (10**6, r"n_layers_ in the file is 1000000; the network of 1 hidden layers has 3"),
    ],
)
def test_an_auto_file_whose_layer_count_disagrees_with_its_weights_is_refused(saved, tmp_path, n_layers, match):
    """With "auto" the sizes come from the weights' declared shapes, which must agree with n_layers_."""
    _, path = saved  # hidden_layer_sizes=(8, 4): n_layers_ is 4

    def edit(manifest):
        _set_pair(manifest["params"]["dict"], "hidden_layer_sizes", "auto")
        _set_pair(manifest["state"]["dict"], "n_layers_", n_layers)

    with pytest.raises(ModelFileError, match=match):
        skdeep.load(_forge(path, tmp_path / "forged.skdeep", edit))
    # The same file, "auto" but with its true layer count, is a consistent network.
    consistent = _forge(
        path, tmp_path / "auto.skdeep", lambda m: _set_pair(m["params"]["dict"], "hidden_layer_sizes", "auto")
    )
    assert skdeep.load(consistent).hidden_layer_sizes_ == (8, 4)


def test_a_search_is_refused_with_what_to_save_instead(data, tmp_path):
    from sklearn.model_selection import GridSearchCV

    X, y = data
    search = GridSearchCV(DeepNetClassifier(hidden_layer_sizes=(3,), max_iter=2, tol=0), {"alpha": [0.1, 1.0]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    with pytest.raises(TypeError, match=r"not GridSearchCV\. Save the model it chose, GridSearchCV\.best_estimator_"):
        skdeep.save(search, tmp_path / "search.skdeep")
    with pytest.raises(TypeError, match=r"not Pipeline\. To save a Pipeline without pickle, use skops"):
        skdeep.save(make_pipeline(StandardScaler(), DeepNetClassifier()), tmp_path / "pipeline.skdeep")
