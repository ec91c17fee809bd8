"""The course's gradient checking, for any skdeep estimator's configuration."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from ._inputs import InputProbe
from ._run_plan import FitSetting
from .nn import initialize_parameters


def gradient_check(
    estimator: BaseEstimator,
    X: ArrayLike,
    y: ArrayLike,
    sample_weight: ArrayLike | None = None,
    epsilon: float = 1e-7,
) -> float:
    """Compare backpropagation with a two-sided numerical gradient.

    The course's gradient checking: for every parameter ``theta_i``,
    ``gradapprox_i = (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)``,
    then ``||grad - gradapprox|| / (||grad|| + ||gradapprox||)``, where
    ``grad`` is what backpropagation computes and ``J`` is the cost the
    estimator minimizes on ``(X, y)``: the cross-entropy of its output plus its
    L2/L1 terms, through batch norm with the batch's statistics, and with
    dropout masks drawn once and held fixed (dropout is random, so the check
    is of the cost for one mask). A value below about ``1e-7`` means the
    gradient is right.

    It costs two forward passes per parameter: use it on small networks and a
    few dozen examples. It computes in float64 whatever the input dtype.

    Parameters
    ----------
    estimator : LogisticRegressionGD or DeepNetClassifier
        Its hyperparameters define the network and the cost. When it is
        fitted, its weights are checked; otherwise the weights are drawn as
        ``fit`` would draw them (from ``random_state``) and the biases from
        ``0.1 N(0, 1)`` (at ``b = 0``, ReLU networks can sit exactly on a kink).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_labels)
    sample_weight : array-like of shape (n_samples,), default=None
    epsilon : float, default=1e-7
        The course's ``epsilon``, the perturbation of each parameter.

    Returns
    -------
    difference : float
        ``||grad - gradapprox||_2 / (||grad||_2 + ||gradapprox||_2)``.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skdeep import DeepNetClassifier, gradient_check
    >>> X, y = make_moons(n_samples=20, noise=0.2, random_state=0)
    >>> net = DeepNetClassifier(hidden_layer_sizes=(5, 3), batch_norm=True, random_state=0)
    >>> gradient_check(net, X, y) < 1e-7
    True
    """
    hp = estimator._checked_hyperparameters()
    fitted = vars(estimator).get("model_")
    X, y = estimator._validated(InputProbe(estimator, continued=False), X, y)
    X = X.astype(np.float64)
    targets = estimator._new_targets(y, None, False, sample_weight, hp)
    classes = getattr(targets, "classes", ())  # a regressor's targets have none
    if fitted is not None and not np.array_equal(getattr(fitted.targets, "classes", ()), classes):
        raise ValueError("y must hold the classes the fitted estimator was trained on.")
    Y = targets.encode(y, np.float64)
    sample_weight = estimator._example_weights(X, Y, sample_weight, targets, hp).astype(np.float64)
    # A fitted estimator's own network; otherwise the one fit would build on this X.
    setting = FitSetting(
        X=X,
        sample_weight=sample_weight,
        n_samples=X.shape[0],
        n_train=X.shape[0],
        n_outputs=Y.shape[0],
        partial=False,
        validation=False,
        early_stopping=False,
        previous_hidden=None if fitted is None else fitted.hidden_layer_sizes,
    )
    plan = estimator._plan(hp, setting)
    network = plan.layout.build(X.shape[1], Y.shape[0], targets.output_activation, np.float64)
    rng = check_random_state(plan.random_state)
    if fitted is not None:
        network.set_parameters(fitted.parameters)
    else:
        initialize_parameters(network, plan.layout.init, rng)
        # Biases drawn too, as the course's check does: with b = 0 an example
        # whose ReLU units are all off feeds an exact 0 to the next layer,
        # a kink where the derivative does not exist.
        for l in range(1, network.n_layers + 1):
            network.b[l][...] = 0.1 * rng.standard_normal(network.b[l].shape)
    total = sample_weight.sum()
    r = sample_weight / total
    l2 = plan.spec.alpha / total
    l1 = plan.spec.alpha_l1 / total
    X_t = X.T
    ws = network.workspace(X.shape[0])
    ws.draw_masks(rng)  # one fixed dropout mask for every evaluation

    grad = np.empty(network.n_params)
    network.cost_and_gradient(X_t, Y, r, ws, grad, l2, l1)
    grad = grad.copy()  # the workspace's later passes must not touch it
    gradapprox = np.empty_like(grad)
    scratch = np.empty_like(grad)
    theta = network.params
    for i in range(theta.size):
        original = theta[i]
        theta[i] = original + epsilon
        cost_plus = network.cost_and_gradient(X_t, Y, r, ws, scratch, l2, l1)
        theta[i] = original - epsilon
        cost_minus = network.cost_and_gradient(X_t, Y, r, ws, scratch, l2, l1)
        theta[i] = original
        gradapprox[i] = (cost_plus - cost_minus) / (2 * epsilon)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    return float(numerator / denominator) if denominator > 0 else 0.0
