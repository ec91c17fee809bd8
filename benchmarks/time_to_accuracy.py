"""Workload G: the training time each contender needs to reach a held-out accuracy (diagnostics, no target).

Measures, on 25,000 rows of workload B's problem (20,000 to train, 5,000
held out), ``DeepNetClassifier`` on float32 and float64 input (its own
thread choice) against ``MLPClassifier`` on float64 and, when installed, the
PyTorch loop on float32, both on one thread: each trains epoch by epoch
(15 epochs, 6 with ``--quick``) and its held-out accuracy is read after each
epoch, untimed. The accuracy to reach is 99% of the best one the weakest
contender reaches; the table gives the epochs and training time each needed.
Two settings: *defaults* and *comparable* (B's configuration for all).

No target: the ratios to MLPClassifier and PyTorch are diagnostics.
"""

import numpy as np
from contenders import B_HIDDEN, b_data, mlp_b, skdeep_b, torch_predict, torch_training
from measure import SEED, one_thread, quiet, time_once, torch
from reporting import fmt_s, fmt_x, md_table, ratio
from sklearn.neural_network import MLPClassifier

from skdeep import DeepNetClassifier


def time_to_accuracy(steppers, X_test, y_test, max_epochs):
    """Train each contender epoch by epoch; its cumulative training time and held-out accuracy after each.

    ``steppers`` maps a name to ``(step, predict)``: ``step()`` trains one
    more epoch (timed), ``predict(X)`` gives labels (not timed).
    """
    curves = {}
    for name, (step, predict) in steppers.items():
        elapsed, curve = 0.0, []
        for _ in range(max_epochs):
            elapsed += time_once(step)
            curve.append((elapsed, float(np.mean(predict(X_test) == y_test))))
        curves[name] = curve
    return curves


def _partial_fit_stepper(estimator, X, y, classes, threads=None):
    def step():
        if threads == 1:
            one_thread(lambda: estimator.partial_fit(X, y, classes=classes))
        else:
            estimator.partial_fit(X, y, classes=classes)

    return step, lambda X_test: estimator.predict(X_test)


def _torch_stepper(X, y, hidden, n_classes):
    """One epoch of :func:`torch_fit`'s loop per call (default threads), on a model built once."""
    model, epoch = torch_training(X, y, hidden, n_classes)
    return epoch, lambda X_test: torch_predict(model, X_test)


def workload_g(settings, report):
    """G. Time to a held-out accuracy: 25,000 rows of B's problem, 20,000 to train, 5,000 held out.

    Every contender trains epoch by epoch (``partial_fit`` for the
    estimators: one epoch each, at the estimator's settings; one epoch of the
    loop for PyTorch), its held-out accuracy read after each epoch (not
    timed). The accuracy to reach is 99% of the best one the weakest
    contender reaches within the epochs allowed, so every contender gets
    there; the table gives the epochs and the training time it took.

    The references run on one thread (skdeep chooses its own, on one at
    batch 200): at batch 200 a second thread does not pay on an idle machine,
    and on a busy one it makes them many times slower (workload B shows both).

    Two settings: *defaults* (``DeepNetClassifier()`` against
    ``MLPClassifier()``, and PyTorch with MLPClassifier's default network,
    hidden (100,), Adam lr 1e-3, batch 200) and *comparable* (B's
    configuration for all: hidden (128, 64), Adam lr 1e-3, batch 200).
    """
    X, y = b_data(25_000)
    X_train, y_train, X_test, y_test = X[:20_000], y[:20_000], X[20_000:], y[20_000:]
    X32 = X_train.astype(np.float32)
    classes = np.unique(y)
    n_classes = len(classes)
    max_epochs = settings.g_epochs
    settings_rows = []
    for label, make_sk, make_mlp, torch_hidden in (
        ("defaults", lambda: DeepNetClassifier(random_state=SEED), lambda: MLPClassifier(random_state=SEED), (100,)),
        ("comparable", lambda: skdeep_b(), lambda: mlp_b(), B_HIDDEN),
    ):
        steppers = {
            "skdeep f32": _partial_fit_stepper(make_sk(), X32, y_train, classes),
            "skdeep f64": _partial_fit_stepper(make_sk(), X_train, y_train, classes),
            "MLP f64": _partial_fit_stepper(make_mlp(), X_train, y_train, classes, threads=1),
        }
        if torch is not None:
            step, predict = _torch_stepper(X32, y_train, torch_hidden, n_classes)
            steppers["torch f32"] = ((lambda step=step: one_thread(step)), predict)
        with quiet():
            curves = time_to_accuracy(steppers, X_test, y_test, max_epochs)
        target = 0.99 * min(max(acc for _, acc in curve) for curve in curves.values())
        reached = {}
        for name, curve in curves.items():
            epoch = next(i for i, (_, acc) in enumerate(curve) if acc >= target)
            reached[name] = (epoch + 1, curve[epoch][0], max(acc for _, acc in curve))
        for name, (n_epochs, seconds, best) in reached.items():
            settings_rows.append(
                [
                    label,
                    name,
                    f"{best:.4f}",
                    f"{target:.4f}",
                    str(n_epochs),
                    fmt_s(seconds),
                    fmt_x(ratio(seconds, reached["MLP f64"][1])),
                    fmt_x(ratio(seconds, reached["torch f32"][1])) if "torch f32" in reached else "n/a",
                ]
            )
        for name in ("skdeep f32", "skdeep f64"):
            report.diagnostic(
                "G", f"{label}: time to accuracy, {name} / MLP f64", ratio(reached[name][1], reached["MLP f64"][1])
            )
            if "torch f32" in reached:
                report.diagnostic(
                    "G",
                    f"{label}: time to accuracy, {name} / PyTorch f32",
                    ratio(reached[name][1], reached["torch f32"][1]),
                )
    report.add(
        f"G. Time to a held-out accuracy (B's problem, 20,000 training rows, 5,000 held out, "
        f"up to {max_epochs} epochs)",
        md_table(
            [
                "Settings",
                "Implementation",
                f"Best accuracy ({max_epochs} epochs)",
                "Accuracy to reach",
                "Epochs",
                "Training time",
                "vs MLP f64",
                "vs PyTorch f32",
            ],
            settings_rows,
        ),
    )
