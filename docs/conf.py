"""Sphinx configuration for the skdeep documentation.

Build from the repository root, with skdeep importable::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network access: intersphinx is deliberately not enabled.
Nor do the built pages: MathJax is served from the site's own _static/
directory (the sphinx-mathjax-offline package of the docs extra), not from a
CDN, so the formulas render offline and behind proxies.
"""

import importlib.util
import os
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
REPO_DIR = DOCS_DIR.parent

# Use the working tree's skdeep even when it is not installed.
sys.path.insert(0, str(REPO_DIR))

import skdeep  # noqa: E402

# Helpers of this documentation (the gallery's order).
sys.path.insert(0, str(DOCS_DIR / "_ext"))

# Examples draw with matplotlib; never open a window.
os.environ.setdefault("MPLBACKEND", "Agg")

# The thumbnails of the examples that draw no figure (each names its file with
# sphinx_gallery_thumbnail_path), drawn before the gallery is built.
from thumbnails import write_thumbnails  # noqa: E402

write_thumbnails(DOCS_DIR / "_static" / "thumbnails")

# -- Project information -----------------------------------------------------

project = "skdeep"
author = "The skdeep developers"
copyright = "The skdeep developers, BSD-3-Clause"
version = release = skdeep.__version__

# -- General configuration ---------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # Copies MathJax 3 into _static/mathjax and points mathjax_path there:
    # without it, every formula loads its renderer from a CDN and shows as raw
    # TeX when the reader has no network.
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

templates_path = ["_templates"]
# benchmarks.md (written by benchmarks/run.py) is included by performance.md,
# the Benchmarks page; it is not a page of its own.
exclude_patterns = ["_build", "benchmarks.md"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"

# Autosummary writes one page per public name into gen_modules/ (git-ignored).
autosummary_generate = True
# Members inherited from skdeep's private base class are documented; those
# that come from scikit-learn are filtered out below (_skip_sklearn_members).
autodoc_default_options = {"members": True, "inherited-members": True}
# "fit()" rather than "DeepNetClassifier.fit()" in the page's table of contents,
# which otherwise cuts the long names off.
toc_object_entries_show_parents = "hide"
autodoc_typehints = "none"  # numpydoc's Parameters sections already give types

# numpydoc: autosummary tables list the members; no member stubs of their own.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- sphinx-gallery ----------------------------------------------------------

# The gallery is built from ../examples (its header is examples/GALLERY_HEADER.rst).
EXAMPLES_DIR = REPO_DIR / "examples"

# examples/onnx_export.py runs skl2onnx and onnxruntime on a pandas DataFrame
# (all in the docs extra). A build without them leaves that example out rather
# than failing, and |onnx_example| names it without a link to a missing page.
HAVE_ONNX = all(importlib.util.find_spec(name) for name in ("skl2onnx", "onnx", "onnxruntime", "pandas"))
if HAVE_ONNX:
    _ONNX_EXAMPLE = ":ref:`sphx_glr_auto_examples_onnx_export.py`"
else:
    _ONNX_EXAMPLE = "``examples/onnx_export.py`` (left out of this build, which lacks the onnx extra)"
rst_prolog = f".. |onnx_example| replace:: {_ONNX_EXAMPLE}\n"

sphinx_gallery_conf = {
    "examples_dirs": os.path.relpath(EXAMPLES_DIR, DOCS_DIR),
    "gallery_dirs": "auto_examples",
    # Run every example, not only the plot_* ones: each takes seconds.
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"__init__\.py" if HAVE_ONNX else r"(__init__|onnx_export)\.py",
    # The order is set in docs/_ext/example_order.py.
    "within_subsection_order": "example_order.ExampleOrder",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skdeep",),
    "reference_url": {"skdeep": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "min_reported_time": 1,
    # No sg_execution_times.rst pages: the root one would land in docs/
    # itself, outside the git-ignored output directories.
    "write_computation_times": False,
}

# -- HTML output -------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skdeep {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "names": [], "defaults": [], "performance": []}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False


# -- Docstrings inherited from scikit-learn -----------------------------------

# The estimators inherit methods from scikit-learn (score, get_params,
# get_metadata_routing, set_fit_request, ...) whose docstrings cross-reference
# scikit-learn's own documentation (labels such as ``metadata_routing``,
# glossary terms such as ``meta-estimator``). Without intersphinx (the build
# is offline) those targets do not exist here, so in docstrings that come from
# scikit-learn, and only there, such references are rendered as plain text.
# skdeep's own docstrings are left exactly as written.
import re  # noqa: E402

_SKLEARN_ROLE = re.compile(r":(?:ref|term):`([^`<]+?)(?:\s*<[^`>]+>)?`")


def _plain_sklearn_refs(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("sklearn"):
        return
    text = _SKLEARN_ROLE.sub(lambda match: f"*{match.group(1).strip()}*", "\n".join(lines))
    lines[:] = text.split("\n")


# -- Only skdeep's own methods on the API pages -------------------------------

# The API pages document what skdeep defines. scikit-learn's machinery
# (get_params, set_params, get_metadata_routing, set_callbacks, and the
# set_*_request methods it generates for each class, with scikit-learn's own
# "Added in version 1.3" notes) is left to scikit-learn's documentation; the
# API index says so. ``score`` is kept: it is part of every estimator's
# everyday interface. The exceptions' pages leave out Python's own methods.
_SKLEARN_MEMBERS_KEPT = {"score"}
_GENERATED_REQUEST_METHOD = re.compile(r"^set_\w+_request$")


def _skip_sklearn_members(app, what, name, obj, skip, options):
    if what == "exception" and hasattr(BaseException, name):
        return True  # add_note, with_traceback: Python's, not skdeep's
    if what != "class" or name in _SKLEARN_MEMBERS_KEPT:
        return None
    if _GENERATED_REQUEST_METHOD.match(name):
        return True
    module = getattr(obj, "__module__", None) or ""
    if module == "sklearn" or module.startswith("sklearn."):
        return True
    return None


# -- The names page maps every MLPClassifier parameter and attribute -----------

# docs/names.rst promises a row for every parameter and fitted attribute of
# scikit-learn's MLPClassifier. Check it against the installed scikit-learn,
# so that a parameter added by a new release fails the (-W) build instead of
# going missing silently.
def _check_names_page(app, docname, source):
    if docname != "names":
        return
    import warnings

    from sklearn.datasets import make_classification
    from sklearn.neural_network import MLPClassifier
    from sphinx.util import logging

    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mlp = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, y)
    attributes = [name for name in vars(mlp) if name.endswith("_") and not name.startswith("_")]
    text = source[0]
    missing = [f"parameter {name}" for name in mlp.get_params() if f"``{name}=" not in text]
    missing += [f"attribute {name}" for name in attributes if f"``{name}``" not in text]
    if missing:
        logging.getLogger(__name__).warning(
            "docs/names.rst has no row for MLPClassifier's %s", ", ".join(missing), location=docname
        )


# -- Measured figures, read from the reports when the pages are built ------------

# :result:`FILE | ROW | COLUMN` writes the figure a benchmark report holds
# (benchmarks/figures.py explains the address), so that a page that quotes a
# measurement shows the report's current figure instead of a copy that goes
# stale; an address that names no single figure fails the (-W) build.
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("skdeep_figures", REPO_DIR / "benchmarks" / "figures.py")
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)


def _result_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    from docutils import nodes

    try:
        value = figures.figure(text)
    except figures.FigureError as exc:
        message = inliner.reporter.error(str(exc), line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.Text(value)], []


def setup(app):
    app.add_role("result", _result_role)
    app.connect("source-read", _check_names_page)
    app.connect("autodoc-process-docstring", _plain_sklearn_refs, priority=400)
    app.connect("autodoc-skip-member", _skip_sklearn_members)
