"""Workload A: default estimators on the digits, 5-fold ``cross_val_score``.

Measures the mean accuracy of the 5 folds and the wall time of the 5 fits of
``make_pipeline(StandardScaler(), DeepNetClassifier())`` against
``make_pipeline(StandardScaler(), MLPClassifier())``, both at their defaults
(only ``random_state`` fixed), on ``load_digits``; the time is the best of 2
runs (1 with ``--quick``).

Targets: skdeep's mean accuracy >= 0.94; its time < MLPClassifier's.
"""

from measure import SEED, quiet, race
from reporting import fmt_s, fmt_x, md_table, ratio
from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import DeepNetClassifier


def workload_a(settings, report):
    """A. Digits, default estimators: 5-fold CV accuracy and wall time.

    Pipeline(StandardScaler(), DeepNetClassifier()) against
    Pipeline(StandardScaler(), MLPClassifier()), both with their defaults
    (only random_state fixed), ``cross_val_score(cv=5)`` on load_digits.
    """
    X, y = load_digits(return_X_y=True)
    models = {
        "skdeep DeepNetClassifier": make_pipeline(StandardScaler(), DeepNetClassifier(random_state=SEED)),
        "sklearn MLPClassifier": make_pipeline(StandardScaler(), MLPClassifier(random_state=SEED)),
    }
    scores = {}

    def runner(name):
        def run():
            scores[name] = cross_val_score(models[name], X, y, cv=5, error_score="raise")

        return run

    with quiet():
        times = race({name: runner(name) for name in models}, 1 if settings.quick else 2)
    sk, mlp = models
    rows = [
        [
            name,
            f"{scores[name].mean():.4f} +/- {scores[name].std():.4f}",
            fmt_s(times[name]),
            fmt_x(ratio(times[name], times[mlp])),
        ]
        for name in models
    ]
    report.add(
        "A. Digits, 5-fold cross_val_score, default estimators (StandardScaler first)",
        md_table(["Model", "CV accuracy", "Wall time (5 fits)", "Time vs MLP"], rows),
    )
    report.check("A", "digits: skdeep mean CV accuracy", scores[sk].mean(), ">=", 0.94, unit="")
    report.check("A", "digits: skdeep CV time / MLP CV time", ratio(times[sk], times[mlp]), "<", 1.0)
