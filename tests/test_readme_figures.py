"""The README's figures agree with what measured them.

Each measured figure of README.md names its report in a marker
(``benchmarks/figures.py`` explains them); the tables copied from the
benchmark run are marked as a whole; and the Usage snippets' ``print(...)  #
value`` comments are run and compared with what the code prints. A rerun
benchmark or a changed default then fails here until the README says the same.
"""

import ast
import contextlib
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FIGURES = ROOT / "benchmarks" / "figures.py"

if not FIGURES.is_file():  # an unpacked sdist has the README, not the benchmarks' reports
    pytest.skip("the benchmark reports are in the repository only, not in an sdist", allow_module_level=True)

_spec = importlib.util.spec_from_file_location("skdeep_figures", FIGURES)
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)

TEXT = README.read_text(encoding="utf-8")

# Figures of the prose that are set, not measured: they need no report.
CONSTANTS = (
    "scikit-learn (1.6 or newer)",  # the oldest supported version
    "scikit-learn 1.9 or newer",  # the version that brought the callbacks
    "more than 10x the first epoch's cost",  # the divergence rule's thresholds
    "ends above 2x",
    "(1.5 for the classifier",  # a default's value
)


def _same(written, measured):
    """A figure as the README writes it against the report's; a leading + is optional."""
    return figures.normalize(written).lstrip("+") == figures.normalize(measured).lstrip("+")


def test_the_readme_marks_its_figures():
    # The markers this file checks are there (a README rewritten without them
    # would pass every check below vacuously).
    assert len(figures.readme_figures(TEXT)) >= 20
    assert len(figures.readme_tables(TEXT)) == 3


@pytest.mark.parametrize(
    ("written", "address"), figures.readme_figures(TEXT), ids=[a for _, a in figures.readme_figures(TEXT)]
)
def test_readme_figure_matches_its_report(written, address):
    measured = figures.figure(address)
    assert _same(written, measured), f"README.md says {written} where {address} says {measured}"


@pytest.mark.parametrize(("name", "lines"), figures.readme_tables(TEXT), ids=lambda value: str(value)[:30])
def test_readme_table_rows_are_rows_of_their_report(name, lines):
    report = figures.table_rows(name)
    stale = [line for line in lines if figures._squeeze(line) not in report]
    assert not stale, f"README.md table rows not in {name} (rerun, or copy the report's table):\n" + "\n".join(stale)


def test_readme_prose_has_no_figure_without_a_source():
    unmarked = figures.unmarked_figures(TEXT, CONSTANTS)
    assert not unmarked, (
        f"README.md states {unmarked} without naming the report they come from: add a "
        "'<!-- from FILE | ROW | COLUMN -->' marker after each (see benchmarks/figures.py), or, for a "
        "value that is set rather than measured, list its phrase in CONSTANTS"
    )


def _python_blocks(markdown):
    return re.findall(r"^```python\n(.*?)^```", markdown, flags=re.MULTILINE | re.DOTALL)


# print(expression)  # what it prints; the comment may also stand on the next line.
_PRINTED = re.compile(r"^print\((?P<expr>.*)\)(?:[ \t]+|\n)#[ \t]*(?P<expected>[-\d.{(\[].*)$", re.MULTILINE)


def _printed_blocks():
    blocks = []
    for block in _python_blocks(TEXT):
        checks = list(_PRINTED.finditer(block))
        if checks:
            blocks.append((block, checks))
    return blocks


@pytest.mark.parametrize(("block", "checks"), _printed_blocks(), ids=lambda value: "block")
def test_readme_snippet_prints_what_its_comments_say(block, checks):
    # The snippet runs as written, except that each commented print hands its
    # value to the test instead of printing it.
    seen = []
    source = block
    for match in checks:
        source = source.replace(match.group(0), f"_seen.append({match['expr']})")
    with contextlib.redirect_stdout(None):
        exec(compile(source, "README.md", "exec"), {"_seen": seen, "__name__": "readme"})
    assert len(seen) == len(checks)
    for value, match in zip(seen, checks, strict=True):
        expected = match["expected"].strip()
        if re.fullmatch(figures.NUMBER, expected):  # a figure, to the decimals written
            shown = f"{float(value):.{len(expected.partition('.')[2])}f}"
            assert shown == expected, f"README.md says `print({match['expr']})` prints {expected}; it prints {shown}"
        else:  # a Python literal
            assert value == ast.literal_eval(expected), (
                f"README.md says `print({match['expr']})` prints {expected}; it prints {value!r}"
            )
