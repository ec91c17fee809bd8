"""Gallery thumbnails for the examples that print instead of plotting.

sphinx-gallery makes each example's thumbnail from its first figure and shows a
generic placeholder for an example that draws none. The quickstart and the
course's deep network print their results (the quickstart must run without
matplotlib, on a bare ``pip install``), so their thumbnails are drawn here, at
build time, into ``docs/_static/thumbnails/`` (git-ignored); each example names
its file with ``sphinx_gallery_thumbnail_path``. Drawing them rather than
committing images keeps them in step with this code and out of git.
"""

import itertools
from pathlib import Path

# A thumbnail's size in inches at 100 dpi: sphinx-gallery scales to 400 x 280.
SIZE = (4.0, 2.8)
DPI = 100
BOX = {"boxstyle": "round,pad=0.35", "facecolor": "#e8eef7", "edgecolor": "#3b5b92"}


def _quickstart(ax):
    """The workflow the quickstart walks through, as a chain of steps."""
    steps = ["StandardScaler", "DeepNetClassifier", "GridSearchCV", "joblib.dump / load"]
    for i, step in enumerate(steps):
        y = 0.85 - i * 0.24
        ax.text(0.5, y, step, ha="center", va="center", fontsize=13, family="monospace", bbox=BOX)
        if i:
            ax.annotate("", xy=(0.5, y + 0.07), xytext=(0.5, y + 0.17), arrowprops={"arrowstyle": "->"})


def _course_deep_net(ax):
    """The course's 4-layer network, layers_dims = [n_x, 20, 7, 5, 1], drawn as units."""
    shown = [6, 5, 4, 3, 1]  # units drawn per layer (n_x and 20 are abbreviated)
    labels = ["n_x", "20", "7", "5", "1"]
    xs = [0.08 + i * 0.21 for i in range(len(shown))]
    centres = []
    for x, n in zip(xs, shown, strict=True):
        ys = [0.5 + (j - (n - 1) / 2) * 0.13 for j in range(n)]
        centres.append([(x, y) for y in ys])
    for left, right in itertools.pairwise(centres):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="#9fb3d1", linewidth=0.6, zorder=1)
    for layer, label in zip(centres, labels, strict=True):
        ax.scatter(*zip(*layer, strict=True), s=90, color="#3b5b92", zorder=2)
        ax.text(layer[0][0], 0.02, label, ha="center", va="bottom", fontsize=12, family="monospace")


DRAWINGS = {"quickstart.png": _quickstart, "course_deep_net.png": _course_deep_net}


def write_thumbnails(directory):
    """Draw every thumbnail of DRAWINGS into ``directory`` (created if needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, draw in DRAWINGS.items():
        fig = plt.figure(figsize=SIZE, dpi=DPI)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        draw(ax)
        fig.savefig(directory / name, dpi=DPI)
        plt.close(fig)
