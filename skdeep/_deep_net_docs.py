"""The Parameters section DeepNetClassifier's and DeepNetRegressor's docstrings share.

Each estimator fills in its own ``scoring``, ``early_stopping``, ``alpha``
and ``hidden_layer_sizes`` entries.
"""

PARAMETERS_DOC = """    Parameters
    ----------
    hidden_layer_sizes : tuple of int or "auto", default={hidden_layer_sizes}
        Number of units of each hidden layer, the course's ``layers_dims``
        without the input and output sizes. ``()`` gives logistic regression.
        ``"auto"`` grows the network with the data: one hidden layer of 100
        units (MLPClassifier's default) below 3,000 training examples, three
        hidden layers of 100 from 3,000 (more data can fit a deeper network;
        see :doc:`/defaults`). ``partial_fit``, which sees one chunk at a
        time, builds one layer of 100; a warm start keeps the network it
        continues. The sizes fit chose are ``hidden_layer_sizes_``.{hidden_layer_sizes_note}
    activation : {"relu", "tanh", "sigmoid", "logistic", "leaky_relu", "identity"}, default="relu"
        Activation of the hidden layers (``"logistic"`` is MLPClassifier's
        name for ``"sigmoid"``).
    init : {"auto", "he", "xavier", "small", "zeros"} or float, default="auto"
        Weight initialization: ``W[l] = N(0, 1) * scale`` with scale
        ``sqrt(2 / n_{l-1})`` (he), ``1 / sqrt(n_{l-1})`` (xavier, the course's
        deep-network init) or ``0.01`` (small, the course's two-layer init);
        a number is the scale itself (the course's "large random"
        initialization is 10); ``"zeros"`` sets every weight to 0 (which, as
        the course shows, never breaks the symmetry between hidden units).
        ``"auto"`` is xavier (also for ReLU: it is robust to unscaled
        inputs, where He's larger draws learn slower). Biases start at zero.
    solver : {"adam", "gd", "momentum", "rmsprop", "adagrad", "lbfgs"}, default="adam"
        Optimizer. ``"gd"`` is the course's (mini-)batch gradient descent
        (stochastic with ``batch_size=1``); ``"momentum"``, ``"rmsprop"``,
        ``"adagrad"`` and ``"adam"`` are the course's second-part optimizers;
        ``"lbfgs"`` is scipy's quasi-Newton method on the full batch (no
        learning rate, no mini-batches, no dropout or input noise), often best
        for small data sets.
    learning_rate : float or "auto", default="auto"
        Step size, the course's ``learning_rate`` (``alpha``). ``"auto"`` is
        each solver's own: 0.01 for adam, 0.003 for rmsprop, 0.05 for
        adagrad, 0.3 for gd and momentum (unused by lbfgs). Plain gradient
        descent wants a much larger step than the adaptive methods, and one
        that shrinks with the inputs' scale: with unscaled inputs (mean square
        ``s`` above 4), gd's 0.3 is divided by ``s / 4`` and momentum's by
        ``(s / 4)^2`` (without batch norm, which makes the hidden layers
        scale-free); standardized inputs keep 0.3.
    lr_schedule : {"auto", "constant", "inverse_time", "exponential", "step", "adaptive"}, default="auto"
        Learning-rate decay over epochs t = 0, 1, ..., for every solver but
        lbfgs: ``lr / (1 + decay_rate t)`` (inverse_time),
        ``lr (1 - decay_rate)^t`` (exponential), ``lr / (1 + decay_rate
        floor(t / decay_steps))`` (step, the course's fixed-interval
        scheduling); ``"adaptive"`` divides the rate by 5 each time the
        monitored cost fails to improve by ``tol`` for ``n_iter_no_change``
        epochs and stops when it falls below 1e-6. ``"auto"``: with early
        stopping on, adaptive, but stopping at the second stall (the rate
        divided by 5 once); without, constant.
    decay_rate : float, default=0.05
        The ``decay_rate`` of the schedules above.
    decay_steps : int, default=10
        Epochs between two decays of the "step" schedule.
    batch_size : int, "auto" or None, default="auto"
        Examples per mini-batch. ``None`` trains on the full batch, as the
        course does; ``"auto"`` uses ``min(200, n_samples, max(64,
        ceil(n_samples / 4)))``: above 64 examples an epoch takes two or
        more steps, four or more from 193, where MLPClassifier's ``"auto"``,
        ``min(200, n_samples)``, takes a single one below 200; data of up to
        64 examples train on the full batch.
    max_iter : int, default=200
        Maximum number of epochs (passes over the data).
    tol : float, default=1e-4
        Training stops when the epoch's cost (or, with a validation set and
        ``early_stopping``, the validation score) has not improved by at least
        ``tol`` for ``n_iter_no_change`` consecutive epochs. With ``tol=0``,
        no early stopping and no adaptive schedule, every one of the
        ``max_iter`` epochs runs, as in the course.
    n_iter_no_change : int or inf, default=10
        Patience of the stopping rule above, in epochs (``np.inf``: never
        stop on it).
    alpha : float, default={alpha}
        L2 regularization strength, the course's ``lambda``: the cost is
        ``J + alpha / (2 m) * sum_l ||W[l]||_F^2`` with ``m`` the (weighted)
        number of training examples, whatever the batch size. (So the penalty
        per example shrinks as data grows; on large data early stopping
        does most of the regularizing.) {alpha_note}
    alpha_l1 : float, default=0.0
        L1 regularization strength: adds ``alpha_l1 / m * sum_l |W[l]|`` to
        the cost, which drives weights to zero.
    dropout : float or tuple of float, default=0.0
        Inverted dropout: the probability of dropping each hidden unit during
        training (the course's ``1 - keep_prob``), one rate for every hidden
        layer or one per hidden layer. Off at prediction time.
    batch_norm : bool, default=False
        Batch-normalize every hidden layer: ``Z_norm = (Z - mu) / sqrt(var +
        eps)``, then ``gamma Z_norm + beta`` with learned ``gamma`` and
        ``beta`` (``beta`` replaces ``b``, which stays 0). Predictions use the
        running averages of the batch statistics.
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to the inputs of each
        training batch (data augmentation for tabular data; inputs are best
        standardized). Off at prediction time.
{early_stopping}    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True`` and
        no validation set is passed to fit.
{scoring}    shuffle : bool, default=True
        Reshuffle the examples before each epoch of mini-batches.
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialization and the shuffling. ``random_state=1``
        with the course's configuration reproduces its costs.
    warm_start : bool, default=False
        Continue from the previous fit's weights and optimizer state.
    verbose : int or bool, default=0
        Print the cost of each epoch when positive, and why training
        stopped (and which epoch's weights the model keeps).
    beta_1 : float, default=0.9
        Decay of the first-moment (velocity) average: Adam's ``beta_1`` and
        the ``beta`` of momentum.
    beta_2 : float, default=0.999
        Decay of the squared-gradient average: Adam's ``beta_2`` and the
        ``beta`` of RMSProp.
    epsilon : float, default=1e-8
        Numerical-stability term of Adam, RMSProp and Adagrad.

"""


def parameters_doc(scoring, early_stopping, alpha, alpha_note, hidden_layer_sizes, hidden_layer_sizes_note=""):
    """The shared Parameters section, with the estimator's own ``scoring``, ``early_stopping``,
    ``alpha`` and ``hidden_layer_sizes``."""
    return (
        PARAMETERS_DOC.replace("{hidden_layer_sizes}", repr(hidden_layer_sizes))
        .replace("{hidden_layer_sizes_note}", hidden_layer_sizes_note)
        .replace("{scoring}", scoring)
        .replace("{early_stopping}", early_stopping)
        .replace("{alpha}", repr(alpha))
        .replace("{alpha_note}", alpha_note)
    )
