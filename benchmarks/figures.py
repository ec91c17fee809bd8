"""Figures quoted in the README and the docs, read from the reports that measured them.

A figure that is typed by hand goes stale the day its benchmark is rerun. So
every measured figure in README.md names the report it comes from, in an HTML
comment right after it (invisible once rendered)::

    +1.16<!-- from real_data_classification.md | skdeep - MLP: mean difference | held-out -->

and ``tests/test_readme_figures.py`` fails when the figure differs from the
report. The documentation's pages go further: the ``:result:`` role (see
``docs/conf.py``) takes the same address and writes the report's figure into
the page when it is built, so a page cannot disagree with its report at all.

An address is ``FILE | ROW`` or ``FILE | ROW | COLUMN``, then optionally
``| #N``:

- ``FILE`` is a report written by a benchmark script: a name alone is looked up
  in ``benchmarks/results/``, a path in it first (``history/round2_classification.md``,
  an earlier round's report kept as it was), then from the repository's root
  (``docs/benchmarks.md``, written by ``benchmarks/run.py``).
- ``ROW`` is the first cell of a row of one of the report's Markdown tables, or
  the beginning of a line of a plain-text report. When several tables have
  such a row, ``SECTION > ROW`` picks the one under the heading that starts
  with ``SECTION``.
- ``COLUMN`` is the header of the table's column, or the beginning of it
  (``held-out`` for ``held-out (21)``); without it, the rest of the row or line
  after the label is read.
- ``#N`` picks the N-th number of that text (the first by default): in
  ``0.16x (0.03x, 0.43x)``, ``#3`` is ``0.43x``.

The figure is the number as the report prints it (sign, decimals and an ``x``
or ``%`` suffix included), with a typographic minus read as ``-``.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

# A number as the reports print it: optional sign, digits with thousands
# separators, decimals, an exponent, and an "x" (ratio) or "%" suffix.
NUMBER = r"[-+\u2212]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?(?:x|%)?"
_NUMBER = re.compile(NUMBER)
_HEADING = re.compile(r"^#+\s+(.*?)\s*$")


class FigureError(LookupError):
    """An address that names no single figure of an existing report."""


def normalize(number):
    """The number as compared: a typographic minus is an ASCII one."""
    return number.replace("\u2212", "-")


def _path(name):
    path = RESULTS / name
    if "/" in name and not path.is_file():
        path = ROOT / name
    if not path.is_file():
        raise FigureError(f"no report {name!r} (looked for {path.relative_to(ROOT)})")
    return path


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _rows(path):
    """Every table row and plain line of a report, as (section, header, cells or line)."""
    section, header, rows = "", None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            section, header = heading.group(1), None
            continue
        if line.lstrip().startswith("|"):
            cells = _cells(line)
            if header is None:
                header = cells
            elif not all(set(cell) <= set("-: ") for cell in cells):  # not the |---| rule
                rows.append((section, header, cells))
            continue
        header = None
        # A plain-text line (the logistic report): the label is matched against its start.
        if line.strip():
            rows.append((section, None, line.strip()))
    return rows


def parse(address):
    """Split an address into (file, section, row, column, index)."""
    fields = [field.strip() for field in address.split(" | ")]
    index = 1
    if re.fullmatch(r"#\d+", fields[-1]):
        index = int(fields.pop()[1:])
    if len(fields) not in (2, 3) or not all(fields):
        raise FigureError(f"address {address!r} is not 'FILE | ROW [| COLUMN] [| #N]'")
    name, row = fields[0], fields[1]
    column = fields[2] if len(fields) == 3 else None
    section = None
    if " > " in row:
        section, row = (part.strip() for part in row.split(" > ", 1))
    return name, section, row, column, index


def text(address):
    """The text an address points at: a table cell, or the rest of a row or line."""
    name, section, row, column, _ = parse(address)
    found = []
    for row_section, header, content in _rows(_path(name)):
        if section is not None and not row_section.startswith(section):
            continue
        if header is None:  # a plain-text line
            if column is None and content.startswith(row):
                found.append(content[len(row) :])
            continue
        if content[0] != row:
            continue
        if column is None:
            found.append(" | ".join(content[1:]))
            continue
        matches = [j for j, title in enumerate(header) if title == column] or [
            j for j, title in enumerate(header) if title.startswith(column)
        ]
        if len(matches) == 1 and matches[0] < len(content):
            found.append(content[matches[0]])
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise FigureError(
            f"{what} match for {address!r} in {name}: name the row's first cell and the column's header"
            + (" exactly" if not found else ", and the section ('SECTION > ROW') when several tables have it")
        )
    return found[0]


def figure(address):
    """The N-th number of the text an address points at, as the report prints it."""
    index = parse(address)[-1]
    numbers = _NUMBER.findall(text(address))
    if len(numbers) < index:
        raise FigureError(f"{address!r}: the report's text has {len(numbers)} number(s), not {index}")
    return normalize(numbers[index - 1])


def table_rows(name):
    """Every table line of a report (header and rows), spaces inside cells squeezed."""
    return {_squeeze(line) for line in _path(name).read_text(encoding="utf-8").splitlines() if line.startswith("|")}


def _squeeze(line):
    return "|".join(cell.strip() for cell in line.strip().split("|"))


# -- README.md ----------------------------------------------------------------

# A figure and its marker: the number directly followed by the comment.
MARKER = re.compile(r"(?P<number>" + NUMBER + r")<!-- from (?P<address>.+?) -->")
# A table whose every line must be a line of a report's table.
TABLE_MARKER = re.compile(r"^<!-- rows from (?P<name>\S+) -->\n(?P<table>(?:\|.*\n)+)", re.MULTILINE)


def readme_figures(markdown):
    """Every marked figure of a Markdown text: (figure, address) pairs."""
    return [(match["number"], match["address"]) for match in MARKER.finditer(markdown)]


def readme_tables(markdown):
    """Every marked table of a Markdown text: (report name, [table lines]) pairs."""
    return [(match["name"], match["table"].splitlines()) for match in TABLE_MARKER.finditer(markdown)]


def unmarked_figures(markdown, constants=()):
    """Decimal numbers and ratios of the prose that carry no marker.

    Code (fenced blocks and inline spans), tables, headings, links' targets,
    the markers themselves and the phrases of ``constants`` (figures that are
    set, not measured: a version, a rule's threshold) are left out; what
    remains of a measurement should have said where it comes from.
    """
    for phrase in constants:
        markdown = markdown.replace(phrase, "")
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    prose = "\n".join(line for line in prose.splitlines() if not line.lstrip().startswith(("|", "#", "<!-- rows from")))
    prose = MARKER.sub("", prose)
    prose = re.sub(r"`[^`]*`", "", prose)
    prose = re.sub(r"\]\([^)]*\)", "]", prose)
    return [
        number
        for number in re.findall(r"(?<![\w.])" + NUMBER + r"(?![\w.])", prose)
        if "." in number or number.endswith(("x", "%"))
    ]


# -- The documentation's pages ----------------------------------------------------

# A figure a page fills in from a report: reStructuredText's :result:`ADDRESS`
# or MyST's {result}`ADDRESS`.
ROLE = re.compile(r"(?::result:|\{result\})`[^`]*`")
# Directives whose body is code or mathematics, not prose.
_LITERAL_DIRECTIVES = (
    "code-block",
    "code",
    "sourcecode",
    "math",
    "testcode",
    "testoutput",
    "doctest",
    "literalinclude",
)
# An integer that is a measurement by its unit (a decimal or an x or % is one anyway).
_MEASURED_UNIT = re.compile(
    r"(?<![\w.])\d[\d,]*\s*(?:%|percent|ms|µs|microseconds?|milliseconds?|seconds|minutes|MB|GB|MiB|GiB|KiB)(?!\w)"
)


def _prose_lines(page):
    """The lines of a page that are prose, as (line number, line): literal and code blocks left out."""
    kept, skip_indent = [], None
    for number, line in enumerate(page.splitlines(), 1):
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            if not line.strip() or indent > skip_indent:
                continue
            skip_indent = None
        stripped = line.strip()
        directive = re.match(r"\.\.\s+([\w-]+)::", stripped)
        if directive is not None and directive.group(1) in _LITERAL_DIRECTIVES:
            skip_indent = indent  # its body, indented below it, is code
            continue
        if stripped.endswith("::") and directive is None:
            skip_indent = indent  # "text::": the indented block after it is literal
            line = line[:-2]
        if stripped.startswith((">>>", "... ")):
            continue
        kept.append((number, line))
    return kept


def unsourced_figures(page, constants=()):
    """Measured-looking figures of a docs page (reST or MyST) that no report fills in.

    A decimal number, a ratio (``0.3x``), a percentage, or an integer with a
    unit of time or memory counts as a measurement; it is left out when a
    ``:result:`` role writes it, when it is code (a literal block, a fenced
    block, inline code, a ``:math:`` role), or when it is one of the phrases
    of ``constants`` (a figure that is set, not measured). Returns
    ``(line number, figure, line)`` triples.
    """
    for phrase in constants:
        page = page.replace(phrase, " " * len(phrase))  # keep the line numbers
    fenced = r"^```.*?^```"  # (not ~~~: a reStructuredText underline starts so)
    page = re.sub(fenced, lambda m: "\n" * m.group(0).count("\n"), page, flags=re.MULTILINE | re.DOTALL)
    found = []
    for number, line in _prose_lines(page):
        prose = ROLE.sub("", line)
        prose = re.sub(r"``.+?``", "", prose)  # inline literals
        prose = re.sub(r"(?::[\w:]+:|\{\w+\})?`[^`]*`_?", "", prose)  # roles, links, MyST code
        figures_ = [
            n for n in re.findall(r"(?<![\w.])" + NUMBER + r"(?![\w.])", prose) if "." in n or n.endswith(("x", "%"))
        ]
        figures_ += [match.group(0) for match in _MEASURED_UNIT.finditer(prose) if not match.group(0).endswith("%")]
        found += [(number, figure_, line.strip()) for figure_ in figures_]
    return found
