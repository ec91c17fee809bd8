"""How much one seed moves a set's difference to MLPClassifier: the per-seed table.

``real_data.py --seeds 0,1,2`` pools the three seeds' folds into one report
(``results/real_data_classification_seeds.md``); this script writes what the
pooled report hides, each seed's own skdeep - MLP accuracy difference per set
and the spread between seeds by size of set, from the fold-by-fold records of
the runs: ``results/real_data_classification.json`` (seed 0) and
``results/real_data_classification_seeds12.json`` (seeds 1 and 2). It trains
nothing and takes a second::

    python benchmarks/seed_spread.py   # writes results/real_data_classification_per_seed.md
"""

import json
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = ((0, 1000, "under 1,000 rows"), (1000, 5000, "1,000 to 5,000 rows"), (5000, None, "5,000 rows or more"))


def _differences(record, n_folds):
    """Per seed, skdeep's mean fold accuracy minus MLPClassifier's, in points."""
    skdeep, mlp = (np.asarray(record["models"][name]["scores"]) for name in ("skdeep", "mlp"))
    return [
        skdeep[i : i + n_folds].mean() - mlp[i : i + n_folds].mean() for i in range(0, len(skdeep), n_folds)
    ], skdeep.mean() - mlp.mean()


def main():
    seed0 = json.loads((RESULTS / "real_data_classification.json").read_text())
    seeds12 = json.loads((RESULTS / "real_data_classification_seeds12.json").read_text())
    n_folds = seeds12["folds"]
    rows, spreads = [], []
    for name, record in seed0["sets"].items():
        first, _ = _differences(record, n_folds)
        later, _ = _differences(seeds12["sets"][name], n_folds)
        both = {
            **record,
            "models": {
                m: {"scores": record["models"][m]["scores"] + seeds12["sets"][name]["models"][m]["scores"]}
                for m in ("skdeep", "mlp")
            },
        }
        _, pooled = _differences(both, n_folds)
        per_seed = first + later
        spreads.append((record["rows"], max(per_seed) - min(per_seed)))
        rows.append((record["rows"], name, record["half"], per_seed, pooled))
    lines = [
        "## Real data: classification, skdeep - MLP accuracy points per seed",
        "",
        "- From the fold-by-fold records `real_data_classification.json` (seed 0) and",
        "  `real_data_classification_seeds12.json` (seeds 1 and 2), by `benchmarks/seed_spread.py`",
        "",
        "### Per set",
        "",
        "| set | half | rows | seed 0 | seed 1 | seed 2 | pooled (15 folds) | spread (max - min) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n_rows, name, half, per_seed, pooled in sorted(rows, key=lambda row: (row[0], row[1])):
        cells = [f"{value:+.2f}" for value in per_seed] + [f"{pooled:+.2f}", f"{max(per_seed) - min(per_seed):.2f}"]
        lines.append(f"| {name} | {half} | {n_rows} | {' | '.join(cells)} |")
    lines += [
        "",
        "### Spread between seeds, by size of set",
        "",
        "| sets | count | median spread | largest spread |",
        "|---|---|---|---|",
    ]
    for low, high, label in SIZES:
        chosen = [spread for n_rows, spread in spreads if n_rows >= low and (high is None or n_rows < high)]
        lines.append(f"| {label} | {len(chosen)} | {np.median(chosen):.2f} | {max(chosen):.2f} |")
    (RESULTS / "real_data_classification_per_seed.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
