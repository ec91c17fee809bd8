"""Workload C: the course's wide full-batch network against the course's own loop.

Measures the time per iteration of gradient descent on 209 x 12288 inputs in
[0, 1] with binary labels, layers (20, 7, 5, 1), relu, lr 0.0075, over 300
iterations (60 with ``--quick``): ``DeepNetClassifier(hidden_layer_sizes=(20, 7, 5),
solver="gd", batch_size=None, init="xavier", alpha=0, tol=0, random_state=1)``
on float32 input (and, for information, float64) against the course's NumPy
code as the notebook writes it (``L_layer_model`` of the repository's
``tests/course.py``, the tests' reference too) on float64, as the
course's ``train_x / 255.`` gives.

Target: skdeep f32 <= 0.3x the course loop.
"""

import importlib.util
from pathlib import Path

import numpy as np
from measure import SEED, race
from reporting import fmt_s, fmt_x, md_table, ratio

from skdeep import DeepNetClassifier


def _course_reference():
    """The tests' course reference, ``tests/course.py``, loaded from its file (a package
    named ``tests`` elsewhere on the path must not stand in for the repository's)."""
    path = Path(__file__).resolve().parent.parent / "tests" / "course.py"
    spec = importlib.util.spec_from_file_location("skdeep_course_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


L_layer_model = _course_reference().L_layer_model


def workload_c(settings, report):
    """C. The course's wide full-batch network: 209 x 12288 inputs, layers (20, 7, 5, 1), gradient descent.

    skdeep on float32 input against the course's own NumPy code (float64, as
    the course's ``train_x / 255.`` gives), both for the same number of
    iterations; time per iteration.
    """
    rng = np.random.default_rng(SEED)
    X32 = rng.random((209, 12288), dtype=np.float32)  # like the course's images scaled to [0, 1]
    y = (X32 @ rng.standard_normal(12288) > 0).astype(int)  # binary labels with some signal
    X64 = X32.astype(np.float64)
    n_iter = settings.c_iterations
    layers_dims = [12288, 20, 7, 5, 1]

    def skdeep_fit(X):
        est = DeepNetClassifier(
            hidden_layer_sizes=(20, 7, 5),
            solver="gd",
            batch_size=None,
            init="xavier",
            alpha=0,
            tol=0,
            learning_rate=0.0075,
            max_iter=n_iter,
            random_state=1,
        )
        return lambda: est.fit(X, y)

    contenders = {
        "course NumPy loop, f64": lambda: L_layer_model(
            X64.T, y.reshape(1, -1), layers_dims, learning_rate=0.0075, num_iterations=n_iter, seed=1
        ),
        "skdeep f32": skdeep_fit(X32),
        "skdeep f64": skdeep_fit(X64),
    }
    per_iter = {name: t / n_iter for name, t in race(contenders, 1 if settings.quick else 2).items()}
    ref = per_iter["course NumPy loop, f64"]
    rows = [[name, fmt_s(t), fmt_x(ratio(t, ref))] for name, t in per_iter.items()]
    report.add(
        f"C. Wide full batch, 209 x 12288, layers (20, 7, 5, 1), gradient descent ({n_iter} iterations)",
        md_table(["Implementation", "Time / iteration", "vs course loop f64"], rows),
    )
    report.check("C", "wide full batch: skdeep f32 / course loop f64", ratio(per_iter["skdeep f32"], ref), "<=", 0.3)
