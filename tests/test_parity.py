"""What MLPClassifier users expect: its names, its fitted attributes, its refusals."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.datasets import make_circles, make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier, DeepNetRegressor, LossCurveDisplay

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def frame():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(5)]), y


# -- the defects, one regression test each ------------------------------------------


def test_partial_fit_takes_classes_with_a_multilabel_indicator():
    X, Y = make_multilabel_classification(n_samples=60, n_classes=5, random_state=0, return_indicator=True)
    model = DeepNetClassifier(hidden_layer_sizes=(8,), random_state=0)
    model.partial_fit(X, Y, classes=[0, 1, 2, 3, 4]).partial_fit(X, Y)
    assert model.predict(X).shape == Y.shape and model.n_iter_ == 2
    with pytest.raises(ValueError, match="column indices"):
        DeepNetClassifier().partial_fit(X, Y, classes=["a", "b"])


@pytest.mark.parametrize("how", ["split", "X_val"])
def test_a_scorer_sees_the_feature_names_fit_saw(frame, how):
    X, y = frame
    model = DeepNetClassifier(
        hidden_layer_sizes=(8,), early_stopping=True, scoring="accuracy", max_iter=5, tol=0, random_state=0
    )
    kwargs = {"X_val": X[:40], "y_val": y[:40]} if how == "X_val" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y, **kwargs)
    assert len(model.validation_scores_) == 5 and all(0 <= s <= 1 for s in model.validation_scores_)


def test_partial_fit_is_absent_where_it_cannot_work(blobs):
    X, y = blobs
    for params, match in [({"solver": "lbfgs"}, "solver='lbfgs'"), ({"early_stopping": True}, "early_stopping=True")]:
        model = DeepNetClassifier(**params)
        assert not hasattr(model, "partial_fit")
        with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as error:
            model.partial_fit(X, y, classes=[0, 1, 2])
        assert match in str(error.value.__cause__)
    assert not hasattr(DeepNetRegressor(solver="lbfgs"), "partial_fit")


def test_early_stopping_with_a_one_example_class_fails_the_same_way_for_every_seed():
    X, y = np.array([[1, 2], [2, 3], [3, 4], [4, 5]]), np.array([0, 0, 0, 1])
    for seed in range(4):
        with pytest.raises(ValueError, match=r"class\(es\) \[1\] have a single example.*X_val=.*early_stopping=False"):
            DeepNetClassifier(early_stopping=True, random_state=seed).fit(X, y)


def test_early_stopping_holds_out_one_example_of_every_class_on_small_data():
    X, y = make_classification(n_samples=20, n_classes=3, n_informative=3, random_state=0)
    model = DeepNetClassifier(early_stopping=True, validation_fraction=0.1, max_iter=3, random_state=0).fit(X, y)
    assert len(model.validation_scores_) == 3


def test_warm_start_refuses_other_classes(blobs):
    X, y = blobs
    model = DeepNetClassifier(hidden_layer_sizes=(5,), max_iter=2, warm_start=True, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="same classes as before"):
        model.fit(X[y < 2], y[y < 2])


def test_a_y_val_class_unknown_to_y_is_named(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match=r"y_val has classes \[7\] that y does not have"):
        DeepNetClassifier(max_iter=2).fit(X, y, X_val=X[:5], y_val=np.array([0, 1, 2, 7, 0]))


def test_loss_curve_display_takes_a_pipeline_and_a_search(blobs):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    X, y = blobs
    pipe = make_pipeline(StandardScaler(), DeepNetClassifier(max_iter=5, random_state=0)).fit(X, y)
    display = LossCurveDisplay.from_estimator(pipe)
    np.testing.assert_array_equal(display.lines_["training"].get_ydata(), pipe[-1].loss_curve_)
    search = GridSearchCV(pipe, {"deepnetclassifier__alpha": [0.1, 1.0]}, cv=2).fit(X, y)
    display = LossCurveDisplay.from_estimator(search)
    np.testing.assert_array_equal(display.lines_["training"].get_ydata(), search.best_estimator_[-1].loss_curve_)
    with pytest.raises(sklearn.exceptions.NotFittedError):
        LossCurveDisplay.from_estimator(make_pipeline(StandardScaler(), DeepNetClassifier()))


def test_a_dev_set_goes_through_the_pipeline_with_transform_input(blobs):
    X, y = blobs
    X_raw, X_val_raw = X * 50 + 300, X[:30] * 50 + 300
    with sklearn.config_context(enable_metadata_routing=True):
        net = DeepNetClassifier(max_iter=4, tol=0, random_state=0).set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline([("scale", StandardScaler()), ("net", net)], transform_input=["X_val"])
        pipe.fit(X_raw, y, X_val=X_val_raw, y_val=y[:30])
    scaler = StandardScaler().fit(X_raw)
    direct = DeepNetClassifier(max_iter=4, tol=0, random_state=0)
    direct.fit(scaler.transform(X_raw), y, X_val=scaler.transform(X_val_raw), y_val=y[:30])
    np.testing.assert_allclose(pipe[-1].validation_loss_curve_, direct.validation_loss_curve_, rtol=1e-12)


def test_an_untransformed_dev_set_is_warned_about(blobs):
    X, y = blobs
    with pytest.warns(UserWarning, match="X_val does not look like X.*transform_input"):
        DeepNetClassifier(max_iter=2).fit(X, y, X_val=X[:20] * 50 + 300, y_val=y[:20])


# -- fitted attributes as MLPClassifier defines them --------------------------------


@pytest.mark.parametrize("early_stopping", [False, True])
def test_loss_t_and_validation_attributes_follow_mlp_definitions(blobs, early_stopping):
    X, y = blobs
    params = dict(hidden_layer_sizes=(8,), max_iter=7, tol=0, early_stopping=early_stopping, random_state=0)
    mlp = MLPClassifier(**params).fit(X, y)
    net = DeepNetClassifier(**params).fit(X, y)
    for model in (mlp, net):
        assert model.loss_ == model.loss_curve_[-1]
        assert model.n_iter_ == 7
    n_train = X.shape[0] - (int(np.ceil(0.1 * X.shape[0])) if early_stopping else 0)
    assert net.t_ == mlp.t_ == n_train * 7
    if early_stopping:
        assert len(net.validation_scores_) == len(mlp.validation_scores_) == 7
        assert net.best_validation_score_ == max(net.validation_scores_)
    else:
        assert net.validation_scores_ is mlp.validation_scores_ is None
        assert net.best_validation_score_ is mlp.best_validation_score_ is None


def test_partial_fit_counts_examples_and_epochs(blobs):
    X, y = blobs
    net = DeepNetClassifier(random_state=0)
    for _ in range(3):
        net.partial_fit(X, y, classes=[0, 1, 2])
    assert net.n_iter_ == 3 and net.t_ == 3 * X.shape[0] and net.loss_ == net.loss_curve_[-1]


def test_mlp_spellings_are_accepted_or_named(blobs):
    X, y = blobs
    DeepNetClassifier(n_iter_no_change=np.inf, verbose=True, activation="logistic", max_iter=2).fit(X, y)
    logistic = DeepNetClassifier(activation="logistic", max_iter=3, random_state=0).fit(X, y)
    sigmoid = DeepNetClassifier(activation="sigmoid", max_iter=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(logistic.parameters_["W1"], sigmoid.parameters_["W1"])
    for params, match in [
        ({"solver": "sgd"}, "solver='gd'"),
        ({"learning_rate": "adaptive"}, "lr_schedule='adaptive'"),
        ({"learning_rate": "invscaling"}, "lr_schedule='inverse_time'"),
        ({"learning_rate": "constant"}, "lr_schedule='constant'"),
    ]:
        with pytest.raises(ValueError, match=match):
            DeepNetClassifier(**params).fit(X, y)


@pytest.mark.parametrize(
    "params, reason",
    [
        (dict(max_iter=3, tol=0), "max_iter=3 epochs reached"),
        (
            dict(max_iter=500, tol=0.5, n_iter_no_change=2),
            "the training loss did not improve by more than tol=0.5 for 2",
        ),
        (
            dict(max_iter=500, early_stopping=True, tol=0.5, n_iter_no_change=2),
            "the validation score did not improve by more than tol=0.5 for 2",
        ),
    ],
)
def test_verbose_says_why_training_stopped(blobs, capsys, params, reason):
    X, y = blobs
    model = DeepNetClassifier(verbose=1, random_state=0, **params).fit(X, y)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith(f"Training stopped after epoch {model.n_iter_}: {reason}")
    if params.get("early_stopping"):
        best = int(np.argmax(model.validation_scores_)) + 1
        if best != model.n_iter_:
            assert last.endswith(f"The model keeps the weights of epoch {best}, its best.")


# -- the course's Initialization notebook ---------------------------------------------


@pytest.fixture(scope="module")
def circles():
    """The notebook's data: np.random.seed(1) then 300 samples, np.random.seed(2) then 100."""
    train = make_circles(n_samples=300, noise=0.05, random_state=np.random.RandomState(1))
    test = make_circles(n_samples=100, noise=0.05, random_state=np.random.RandomState(2))
    return train, test


def _initialization_model(init):
    # layers [2, 10, 5, 1], ReLU, full-batch gradient descent at 0.01 for 15,000
    # iterations, weights drawn after np.random.seed(3).
    return DeepNetClassifier(
        hidden_layer_sizes=(10, 5), init=init, solver="gd", batch_size=None, learning_rate=0.01,
        max_iter=15000, alpha=0.0, tol=0.0, random_state=3,
    )


@pytest.mark.parametrize(
    "init, train_accuracy, test_accuracy",
    [("zeros", 0.5, 0.5), (10, 0.83, 0.86), ("he", 0.9933333333333333, 0.96)],
    ids=["zeros", "large-random", "he"],
)
def test_initialization_notebook(circles, init, train_accuracy, test_accuracy):
    (X, y), (X_test, y_test) = circles
    model = _initialization_model(init).fit(X, y)
    assert model.score(X, y) == train_accuracy
    assert model.score(X_test, y_test) == test_accuracy
    if init == "zeros":
        # Symmetry never breaks: the cost stays at log 2.
        np.testing.assert_allclose(model.loss_curve_[::1000], 0.693147, atol=5e-7)
    if init == "he":
        # The notebook's printed costs at iterations 0 and 1000.
        assert model.loss_curve_[0] == pytest.approx(0.8830537463419761, rel=1e-12)
        assert model.loss_curve_[1000] == pytest.approx(0.6879825919728063, rel=1e-12)
