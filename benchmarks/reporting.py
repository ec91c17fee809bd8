"""The benchmark's report: detail tables per workload, one summary row per target, and number formats.

A workload adds its Markdown tables with :meth:`Report.add` (printed as they
come), each of the project's targets it checks with :meth:`Report.check`
(a :class:`Check`: measured value, operator, threshold), and figures reported
without a target with :meth:`Report.diagnostic`; ``benchmarks/run.py`` prints
the summary and writes the report file.
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Check:
    """One of the project's targets: a measured value against a threshold."""

    workload: str
    what: str
    value: float
    op: str  # "<=", "<" or ">="
    threshold: float
    unit: str = "x"  # how value and threshold are printed: "x" (a ratio), "%" (a share), "MB" or "" (a number)

    @property
    def passed(self):
        if not np.isfinite(self.value):
            return False
        return {
            "<=": self.value <= self.threshold,
            "<": self.value < self.threshold,
            ">=": self.value >= self.threshold,
        }[self.op]

    def fmt(self, v):
        if not np.isfinite(v):
            return "n/a"
        if self.unit == "x":
            return f"{v:.2f}x"
        if self.unit == "MB":
            return f"{v:.1f} MB"
        if self.unit == "%":
            return f"{100 * v:.1f}%"
        return f"{v:.4f}"


@dataclass
class Report:
    sections: list = field(default_factory=list)  # (title, markdown text)
    checks: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # workloads that raised
    diagnostics: list = field(default_factory=list)  # (workload, what, ratio): reported, no target

    def add(self, title, text):
        self.sections.append((title, text))
        print(f"\n### {title}\n\n{text}", flush=True)

    def check(self, *args, **kwargs):
        self.checks.append(Check(*args, **kwargs))

    def diagnostic(self, workload, what, value):
        self.diagnostics.append((workload, what, value))

    def diagnostics_table(self):
        return md_table(
            ["Workload", "Diagnostic (no target)", "Measured"], [[w, what, fmt_x(v)] for w, what, v in self.diagnostics]
        )

    def summary(self):
        rows = [
            [c.workload, c.what, c.fmt(c.value), f"{c.op} {c.fmt(c.threshold)}", "PASS" if c.passed else "**FAIL**"]
            for c in self.checks
        ]
        rows += [[name, "the workload raised an exception (see above)", "", "", "**ERROR**"] for name in self.errors]
        return md_table(["Workload", "Target", "Measured", "Target value", "Result"], rows)


def md_table(header, rows):
    """A Markdown table (pipes, aligned columns so it also reads as plain text)."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(header)]

    def line(cells):
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def fmt_s(seconds):
    """A duration with a unit that keeps 3 significant digits readable."""
    if not np.isfinite(seconds):
        return "n/a"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} us"


def fmt_x(value):
    """A ratio, as ``0.42x``."""
    return f"{value:.2f}x" if np.isfinite(value) else "n/a"


def fmt_us(seconds):
    """A small duration in microseconds (per-row times)."""
    return f"{seconds * 1e6:.2f} us" if np.isfinite(seconds) else "n/a"


def ratio(a, b):
    return a / b if b > 0 else float("nan")
