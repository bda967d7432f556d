"""Command line of the book's benchmark (``sec_benchmark``): neural vs classical detectors.

The protocol, the methods and the published numbers live in :mod:`helpers.benchmark`;
this script runs the grid and writes one CSV row per (dataset, method, seed), with
ROC-AUC, average precision (ADBench's "AUCPR") and the fit and score seconds. The CSV
is rewritten after each data set, so an interrupted run keeps what it finished; a
tqdm progress bar goes to stderr. Timings depend on the machine and its load: each
row records the 1-minute load average at its start.

Run from the repository root, for example::

    python benchmarks/adbench.py --datasets cardio,WBC --seeds 0 --out /tmp/slice.csv
    nice python benchmarks/adbench.py --out helpers/datasets/results/adbench.csv  # the book's grid
    python benchmarks/adbench.py --generator adbench --datasets WBC --out /tmp/dup.csv

``--update`` re-runs only ``--methods`` and keeps the other methods' rows of ``--out``
(the classical detectors are deterministic, so their rows do not change).
``--generator adbench`` uses ADBench's own data generator (small data sets resampled
with replacement to 1,000 rows before the split); the book's results use the default.
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as in the book's setup cell

import pandas as pd  # noqa: E402

from helpers.benchmark import (  # noqa: E402
    DATASETS,
    GENERATORS,
    METHODS,
    run_grid,
    summarize,
)


def _names(text, allowed, what):
    names = [part.strip() for part in text.split(",") if part.strip()]
    lookup = {name.lower(): name for name in allowed}
    bad = [name for name in names if name.lower() not in lookup]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown {what} {bad}; choose from {', '.join(allowed)}")
    return [lookup[name.lower()] for name in names]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="ADBench's unsupervised protocol: neural vs classical detectors.")
    parser.add_argument("--datasets", default=",".join(DATASETS),
                        type=lambda text: _names(text, DATASETS, "data sets"),
                        help="comma-separated benchmark data sets (default: all 12)")
    parser.add_argument("--methods", default=",".join(METHODS),
                        type=lambda text: _names(text, METHODS, "methods"),
                        help="comma-separated methods (default: all 8)")
    parser.add_argument("--seeds", default="0,1,2",
                        type=lambda text: [int(part) for part in text.split(",") if part],
                        help="comma-separated seeds (default: 0,1,2)")
    parser.add_argument("--generator", default="book", choices=GENERATORS,
                        help="'book' (default): the book's split; 'adbench': ADBench's "
                             "generator, which duplicates rows of small data sets")
    parser.add_argument("--out", type=Path, default=Path("adbench_results.csv"),
                        help="CSV to write (default: adbench_results.csv; the book's committed "
                             "results are helpers/datasets/results/adbench.csv)")
    parser.add_argument("--update", action="store_true",
                        help="keep the rows of --out for the methods not run now, and "
                             "replace the others (re-run a few methods of the grid)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    kept = None
    if args.update:
        kept = pd.read_csv(args.out)
        kept = kept[~kept["method"].isin(args.methods)]

    args.out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = run_grid(args.datasets, args.methods, args.seeds, generator=args.generator,
                       out=None if args.update else args.out,
                       progress=not args.no_progress)
    wall = time.perf_counter() - start
    if kept is not None:
        merged = pd.concat([kept, results], ignore_index=True).reindex(columns=results.columns)
        order = {name: i for i, name in enumerate(METHODS)}
        merged = merged.sort_values(
            ["dataset", "seed", "method"],
            key=lambda column: column.map(order) if column.name == "method" else (
                column.map({d: i for i, d in enumerate(DATASETS)})
                if column.name == "dataset" else column))
        merged.to_csv(args.out, index=False)
    else:
        results.to_csv(args.out, index=False)

    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print("Mean ROC-AUC x 100 over seeds; '(ADBench)' columns are the published numbers.")
        print(summarize(results).round(2).to_string())
        print()
        print("Mean average precision (AUCPR) x 100 over seeds.")
        ap = 100 * results.pivot_table(index="dataset", columns="method",
                                       values="average_precision", aggfunc="mean")
        print(ap.reindex(index=[d for d in DATASETS if d in ap.index],
                         columns=[m for m in METHODS if m in ap.columns]).round(2).to_string())
        print()
        print("Median seconds per run (fit, score):")
        print(results.groupby("method")[["fit_seconds", "score_seconds"]].median()
              .reindex([m for m in METHODS if m in args.methods]).round(3).to_string())
    noted = results[results["notes"] != ""]
    if len(noted):
        print(f"\n{len(noted)} runs recorded warnings (see the notes column).")
    print(f"\n{len(results)} runs in {wall:.0f} s wall time (load average now "
          f"{os.getloadavg()[0]:.2f}); written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
