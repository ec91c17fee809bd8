"""The documentation's pages state no measured figure without its source.

A page quotes a measurement through the ``:result:`` role (``{result}`` in
MyST), which the docs build fills in from a report under benchmarks/results/
(``benchmarks/figures.py`` explains the address), or through an include of a
report. A decimal figure, a ratio, a percentage or a time or memory size
typed into the prose instead goes stale the day the benchmark is rerun: this
test names it. Figures that are set rather than measured are listed below.
"""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIGURES = ROOT / "benchmarks" / "figures.py"

if not FIGURES.is_file():  # an unpacked sdist has no benchmarks
    pytest.skip("the benchmark reports are in the repository only, not in an sdist", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("skdeep_figures", FIGURES)
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)

# docs/benchmarks.md is itself a report (benchmarks/run.py writes it).
PAGES = sorted(
    path.relative_to(DOCS).as_posix()
    for pattern in ("*.rst", "*.md", "user_guide/*.rst")
    for path in DOCS.glob(pattern)
    if path.name != "benchmarks.md"
)

# Per page, the phrases whose figures are set, not measured.
CONSTANTS = {
    "index.rst": ("scikit-learn 1.6 or newer",),  # the oldest supported version
    "names.rst": (
        "(times 0.01)",  # the course's two-layer initialization
        "default is 1.5 for the classifier, 3.0 for",  # defaults
        'is 0.01 for ``"adam"``, 0.003 for ``"rmsprop"``, 0.05 for',
        '``"adagrad"`` and 0.3 for',
    ),
    "defaults.rst": (
        # the defaults, and the values they replaced or were compared with
        '0.01 for ``"adam"``, 0.003 for ``"rmsprop"``, 0.05 for',
        '``"adagrad"``, 0.3 for ``"gd"`` and',
        "- 0.01 for every solver",
        "- 1.5 for :class:`DeepNetClassifier`, 3.0 for",
        "     - 0.3\n",
        "(3.0 in the first round",
        "ends: 0.3 was",
        "For Adam, 0.01 against",
        "scored better than 0.01 on",
        "early stopping, 0.01 won",
        "shared 0.01,",
        "of 1, 1.5, 2 and 3 with",
        ": 1.5 scored",
        "steps above, 1.5 scored",
        "keeps 3.0:",
        "of 0.003 both",
        "constant step of 0.01",
        "except ``alpha`` (3.0)",
        # the targets and goals, and the rules' thresholds
        "at least +0.5 points",
        "HistGradientBoosting's (+0.5 points for accuracy)",
        "3 points (0.03 R²) behind",
        "fit time at most 0.3x",
        "between 1 and 20)",  # the temperature's bounds
        "was first 0.5;",
        "just short of +0.5,",
        "just past the 0.3x goal",
        "past the goal of 0.3x:",
        "within 0.5 points of",
        "at most 0.3 times",
        "(a tie is within 0.5 points)",
        "(tie: within 0.5)",
        "ties (within 0.01)",
        "for +0.5)",
        "for \u22120.5)",  # a typographic minus
        "at most 0.5 times",
        "mean difference to MLP >= +0.5 points",
        "fit time <= 0.3x MLP",
        "within 0.01 on every set",
        "fit time <= 0.5x MLP",
        "(the goal: +0.5)",
        "more than 0.05 above",
        "within 0.03 of its",
        "at most 0.3x)",
        "(+0.5 points on average",
        "beyond the 0.3x goal",
        "at least 0.95 (",
    ),
    "user_guide/deploying.rst": ("``eps`` = 1.2e-7 for float32 and 2.2e-16 for float64",),  # machine epsilons
    "user_guide/reliability.rst": ("(and more than 0.1", "more than 90% of the"),  # the rules' thresholds
    "user_guide/saving.rst": ("(1 GiB by",),  # a default
    # The course notebook's published accuracies, which tests/ reproduce exactly.
    "user_guide/toolkit.rst": (
        "(0.5 and 0.5, 0.83 and 0.86, 0.993333 and 0.96)",
        "it\nis never below 1 (an",  # the temperature's bounds
    ),
}


def test_the_pages_are_found_and_use_the_role():
    assert {"defaults.rst", "performance.md", "user_guide/data.rst"} <= set(PAGES)
    assert all(page in PAGES for page in CONSTANTS)
    texts = "".join((DOCS / page).read_text(encoding="utf-8") for page in PAGES)
    assert len(figures.ROLE.findall(texts)) >= 100


def test_the_scan_sees_figures_and_skips_code_and_roles():
    page = (
        "Fits take 0.16x the time, 12 ms, and :result:`x.md | a | b` points.\n\n"
        "Example::\n\n    print(0.25)\n\n``alpha=0.3`` is set; 3 sets of 7.\n\n"
        "A section\n~~~~~~~~~\n\nIt scored 1.5 points.\n\nAnother\n~~~~~~~\n"
    )
    assert [figure for _, figure, _ in figures.unsourced_figures(page)] == ["0.16x", "12 ms", "1.5"]
    assert figures.unsourced_figures(page, ("take 0.16x the time, 12 ms,", "scored 1.5 points")) == []


@pytest.mark.parametrize("page", PAGES)
def test_docs_page_has_no_figure_without_a_source(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    unsourced = figures.unsourced_figures(text, CONSTANTS.get(page, ()))
    assert not unsourced, (
        f"docs/{page} states measured figures without a source: write each with the :result: role "
        "(benchmarks/figures.py explains the address), or, for a value that is set rather than measured, "
        "list its phrase in CONSTANTS:\n"
        + "\n".join(f"  line {n}: {figure} in {line!r}" for n, figure, line in unsourced)
    )
