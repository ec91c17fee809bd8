"""Bad input is refused before any work, with a message that names the problem."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skdeep import DeepNetClassifier, LogisticRegressionGD

ESTIMATORS = [LogisticRegressionGD, DeepNetClassifier]


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    return rng.rand(20, 3), np.arange(20) % 2


def _with(X, row, col, value):
    X = X.copy()
    X[row, col] = value
    return X


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "make_args, match",
    [
        (lambda X, y: (_with(X, 0, 0, np.nan), y), "Input X contains NaN"),
        (lambda X, y: (_with(X, 3, 1, np.inf), y), "Input X contains infinity"),
        (lambda X, y: (X, np.where(np.arange(20) == 0, np.nan, y)), "Input y contains NaN"),
        (lambda X, y: (X, np.ones(20)), "only one class: 1.0"),
        (lambda X, y: (np.array([["a", "b", "c"]] * 20), y), "needs numeric X.*OneHotEncoder"),
        (lambda X, y: (np.empty((0, 3)), []), "0 sample"),
        (lambda X, y: (X.reshape(20, 3, 1), y), "dim 3"),
        (lambda X, y: (X, y[:10]), "inconsistent numbers of samples"),
        (lambda X, y: (X, X[:, 0]), "Unknown label type: continuous"),
    ],
    ids=["nan-X", "inf-X", "nan-y", "one-class", "non-numeric-X", "empty-X", "3d-X", "length-mismatch", "continuous-y"],
)
def test_fit_rejects_bad_data(Estimator, data, make_args, match):
    X, y = make_args(*data)
    with pytest.raises(ValueError, match=match):
        Estimator().fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "sample_weight, match",
    [
        (-np.ones(20), "Negative values"),
        (np.full(20, np.nan), "sample_weight contains NaN"),
        (np.zeros(20), "non-zero|sum to zero"),
        (np.ones(7), "sample_weight.shape"),
    ],
    ids=["negative", "nan", "all-zero", "wrong-length"],
)
def test_fit_rejects_bad_sample_weight(Estimator, data, sample_weight, match):
    with pytest.raises(ValueError, match=match):
        Estimator().fit(*data, sample_weight=sample_weight)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_class_weight_keys_must_be_classes(Estimator, data):
    with pytest.raises(ValueError, match=r"class_weight has keys \[5\] that are not classes"):
        Estimator(class_weight={5: 1.0}).fit(*data)
    with pytest.raises(ValueError, match="class_weight must be None, 'balanced' or a dict"):
        Estimator(class_weight="heavy").fit(*data)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_predict_checks_fitted_state_and_features(Estimator, data, method):
    X, y = data
    with pytest.raises(NotFittedError):
        getattr(Estimator(), method)(X)
    model = Estimator(max_iter=3, tol=0).fit(X, y)
    with pytest.raises(ValueError, match=r"X has 2 features, but .* is expecting 3"):
        getattr(model, method)(X[:, :2])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        getattr(model, method)(_with(X, 0, 0, np.nan))


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(learning_rate=-1), ValueError, "learning_rate must be in \\(0, inf\\], got -1"),
        (dict(learning_rate=np.nan), ValueError, "learning_rate must be a finite number"),
        (dict(max_iter=0), ValueError, "max_iter must be in \\[1, inf\\], got 0"),
        (dict(max_iter=2.5), TypeError, "max_iter must be an integer"),
        (dict(tol=-1e-3), ValueError, "tol must be in"),
        (dict(alpha=-1), ValueError, "alpha must be in"),
        (dict(verbose=-1), ValueError, "verbose must be in"),
    ],
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_invalid_shared_hyperparameters_name_the_parameter(Estimator, data, params, error, match):
    with pytest.raises(error, match=match):
        Estimator(**params).fit(*data)


def test_logistic_learning_rate_accepts_only_auto_as_text(data):
    with pytest.raises(ValueError, match="learning_rate must be a positive float or 'auto'; got 'fast'"):
        LogisticRegressionGD(learning_rate="fast").fit(*data)


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(batch_size=0), ValueError, "batch_size must be in \\[1, inf\\], got 0"),
        (dict(batch_size="all"), ValueError, "batch_size must be a positive integer, 'auto' or None"),
        (dict(activation="swish"), ValueError, "activation must be one of 'relu'.*got 'swish'"),
        (dict(solver="sgd"), ValueError, "solver='sgd' is MLPClassifier's spelling; in skdeep use solver='gd'"),
        (dict(init="glorot"), ValueError, "init must be one of"),
        (dict(hidden_layer_sizes=(10, 0)), ValueError, "hidden_layer_sizes\\[1\\] must be in \\[1, inf\\], got 0"),
        (dict(hidden_layer_sizes=-3), ValueError, "hidden_layer_sizes\\[0\\] must be in \\[1, inf\\], got -3"),
        (dict(hidden_layer_sizes="big"), ValueError, "hidden_layer_sizes must be a tuple of positive .* or 'auto'"),
        (dict(hidden_layer_sizes=None), TypeError, "hidden_layer_sizes must be a tuple of positive .* or 'auto'"),
        (dict(hidden_layer_sizes=(10.5,)), TypeError, "hidden_layer_sizes\\[0\\] must be an integer"),
        (dict(n_iter_no_change=0), ValueError, "n_iter_no_change must be in"),
        (dict(beta_1=1.0), ValueError, "beta_1 must be in \\[0, 1\\)"),
        (dict(beta_2=-0.1), ValueError, "beta_2 must be in"),
        (dict(epsilon=0), ValueError, "epsilon must be in \\(0"),
        (dict(dropout=1.0), ValueError, r"dropout must be in \[0, 1\), got 1.0"),
        (dict(hidden_layer_sizes=(10,), dropout=(0.2, 0.5)), ValueError, r"dropout has 2 rates but .* layers\.$"),
        # "auto" chooses the depth at fit; the message says how.
        (
            dict(dropout=(0.2, 0.5)),
            ValueError,
            r"dropout has 2 rates but the network has 1 hidden layers \(hidden_layer_sizes='auto' builds 1 below "
            "3000 training examples and 3 from there on",
        ),
        (dict(dropout=(0.2, 1.5)), ValueError, r"dropout\[1\] must be in \[0, 1\)"),
        (dict(dropout=(1.5,)), ValueError, r"dropout\[0\] must be in \[0, 1\)"),
        (dict(dropout="half"), TypeError, "dropout must be a float or a tuple"),
        (dict(lr_schedule="cosine"), ValueError, "lr_schedule must be one of 'auto', 'constant'"),
        (dict(lr_schedule="exponential", decay_rate=1.0), ValueError, r"decay_rate must be in \[0, 1\)"),
        (dict(decay_steps=0), ValueError, "decay_steps must be in"),
        (dict(alpha_l1=-1), ValueError, "alpha_l1 must be in"),
        (dict(input_noise=-0.1), ValueError, "input_noise must be in"),
        (dict(batch_norm="yes"), TypeError, "batch_norm must be True or False"),
        (dict(early_stopping=1), TypeError, "early_stopping must be True, False or 'auto'"),
        (dict(validation_fraction=1.0), ValueError, "validation_fraction must be in"),
        (dict(scoring=3), ValueError, "scoring must be None, a scorer name or a callable"),
        (dict(solver="lbfgs", dropout=0.2), ValueError, "dropout and input_noise need a stochastic solver"),
        (
            dict(solver="lbfgs", hidden_layer_sizes=(5, 5), dropout=(0.1, 0.2)),
            ValueError,
            "dropout and input_noise need a stochastic solver",
        ),
    ],
)
def test_invalid_deepnet_hyperparameters_name_the_parameter(data, params, error, match):
    with pytest.raises(error, match=match):
        DeepNetClassifier(**params).fit(*data)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_column_vector_y_warns_and_is_raveled(Estimator, data):
    from sklearn.exceptions import DataConversionWarning

    X, y = data
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        model = Estimator(max_iter=3, tol=0).fit(X, y.reshape(-1, 1))
    assert model.predict(X).shape == (20,)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_every_public_method_checks_its_input(Estimator, data):
    X, y = data
    with pytest.raises(ValueError, match="Input X contains NaN"):
        Estimator().partial_fit(_with(X, 0, 0, np.nan), y, classes=[0, 1])
    model = Estimator(max_iter=3, tol=0).fit(X, y)
    methods = ["predict", "predict_proba", "predict_log_proba"]
    if hasattr(model, "decision_function"):
        methods.append("decision_function")
    for method in methods:
        with pytest.raises(ValueError, match="dim 3"):
            getattr(model, method)(X.reshape(20, 3, 1))
        with pytest.raises(ValueError, match="0 sample"):
            getattr(model, method)(np.empty((0, 3)))
        with pytest.raises(ValueError, match="needs numeric X"):
            getattr(model, method)(np.array([["a", "b", "c"]] * 2))
    with pytest.raises(ValueError, match="Input X contains infinity"):
        model.score(_with(X, 1, 1, np.inf), y)
    with pytest.raises(ValueError, match="X has 2 features"):
        model.partial_fit(X[:, :2], y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_a_rejected_fit_leaves_the_fitted_model_untouched(Estimator, data):
    X, y = data
    model = Estimator(max_iter=3, tol=0).fit(X, y)
    before = model.predict_proba(X)
    with pytest.raises(ValueError):
        model.fit(_with(X, 0, 0, np.nan), y)
    with pytest.raises(ValueError):
        model.set_params(max_iter=0).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), before)
