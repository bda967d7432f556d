"""Streaming scoring and data-parallel training: throughput and peak memory.

Two measurements for the book's section on scaling up (``sec_scaling``):

1. **Streaming scoring.** For each size in ``--sizes`` (default 10^5, 10^6 and
   10^7 rows of ``--features`` float32 features), a ``.npy`` file is generated on
   disk chunk by chunk (a ``numpy.lib.format.open_memmap``, flushed and closed
   after each chunk; 10^7 x 8 float32 is 320 MB) and scored by a fresh Python
   process with ``helpers.distributed.score_to_file`` over
   ``helpers.distributed.iter_npy_chunks`` (chunks of ``--chunk-rows``), writing
   float64 scores to a file with plain writes. The model is the workers' dense
   autoencoder (``helpers.models.build_dense_autoencoder(n_features,
   hidden_units=(16, 4))``, seed 0, untrained: speed
   does not depend on the weights) scored by minus its reconstruction error.
   Each child reports rows/s and its peak resident memory
   (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), both before streaming (after
   importing TensorFlow, building the model and scoring one warm-up chunk) and
   at the end. At ``--compare-rows`` (default 10^6) a further fresh process loads
   the whole array into memory and scores it with ``model.predict`` (with the
   chunk size as batch size, and with Keras's default batch of 32; the second of
   two calls is timed, so compilation is excluded), then computes the same
   reconstruction error.
   Targets: the peak at the largest size is within 1.2x the peak at the smallest;
   streaming throughput is at least 80 % of in-memory ``model.predict`` with the
   same batch size.
2. **Training.** ``--train-rows`` rows in 4 ``.npy`` shards are trained on by
   ``helpers.distributed.run_local_workers`` with 1 and with 2 workers on
   127.0.0.1 (``MultiWorkerMirroredStrategy``, the custom loop). Throughput is
   rows per second of the epochs after the first (the first compiles the step).
   On a 2-core machine two workers share the same cores and talk through the
   loopback network: no speed-up is expected.

Files go to a temporary folder under ``--tmpdir`` and are deleted at the end.
Run with ``python benchmarks/scaling.py``; ``--help`` lists the options. The
machine should be otherwise idle: the script prints the load average it saw.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as in the book's setup cell

import numpy as np  # noqa: E402

GENERATE_CHUNK = 1_000_000  # rows generated and written at a time


def _rows(text):
    """Parse '1e5' or '100000' as an int number of rows."""
    value = float(text)
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"a positive whole number of rows; got {text!r}")
    return int(value)


def _row_list(text):
    return [_rows(part) for part in text.split(",") if part]


def _int_list(text):
    return [int(part) for part in text.split(",") if part]


def peak_rss_mb():
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path, n_rows, n_features, seed):
    """Write standard-normal float32 rows to a .npy file, one chunk at a time."""
    rng = np.random.default_rng(seed)
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32,
                                    shape=(n_rows, n_features))
    del out  # header written; the rows are filled chunk by chunk below
    for start in range(0, n_rows, GENERATE_CHUNK):
        rows = min(GENERATE_CHUNK, n_rows - start)
        out = np.load(path, mmap_mode="r+")
        out[start:start + rows] = rng.standard_normal((rows, n_features), dtype=np.float32)
        out.flush()
        del out  # unmap, so that the pages written do not pile up in this process


# ----------------------------------------------------------------- child processes


def child_stream(path, chunk_rows, scores_path):
    """Score a .npy file chunk by chunk; print a JSON report."""
    import keras

    from helpers.distributed import iter_npy_chunks, score_to_file
    from helpers.models import build_dense_autoencoder

    keras.utils.set_random_seed(0)
    n_features = int(np.load(path, mmap_mode="r").shape[1])
    model = build_dense_autoencoder(n_features, hidden_units=(16, 4))
    warm_up = next(iter_npy_chunks(path, chunk_rows=chunk_rows))
    with open(os.devnull, "wb") as sink:
        score_to_file(model, [warm_up], sink)  # compiles the scoring function
    del warm_up
    before = peak_rss_mb()
    start = time.perf_counter()
    with open(scores_path, "wb") as file:
        n_rows = score_to_file(model, iter_npy_chunks(path, chunk_rows=chunk_rows), file)
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": n_rows, "seconds": seconds, "rows_per_second": n_rows / seconds,
                      "rss_before_mb": before, "peak_rss_mb": peak_rss_mb()}))


def child_predict(path, batch_size):
    """Load the whole file and score it with model.predict; print a JSON report."""
    import keras

    from helpers.models import build_dense_autoencoder

    keras.utils.set_random_seed(0)
    X = np.load(path)
    model = build_dense_autoencoder(X.shape[1], hidden_units=(16, 4))
    # A first full call compiles predict for the full and the last, shorter batch: the
    # timed call below is predict at its best.
    model.predict(X, batch_size=batch_size, verbose=0)
    start = time.perf_counter()
    scores = -np.mean((X - model.predict(X, batch_size=batch_size, verbose=0)) ** 2, axis=1)
    seconds = time.perf_counter() - start
    print(json.dumps({"rows": len(scores), "seconds": seconds,
                      "rows_per_second": len(scores) / seconds, "peak_rss_mb": peak_rss_mb()}))


def run_child(*args, timeout=3600):
    completed = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                               timeout=timeout)
    if completed.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------- the benchmark


def bench_scoring(args, folder):
    print(f"\nStreaming scoring: {args.features} float32 features, chunks of "
          f"{args.chunk_rows:,} rows, a fresh process per size")
    print(f"{'rows':>12} {'file MB':>9} {'rows/s':>12} {'RSS before MB':>14} "
          f"{'peak RSS MB':>12} {'growth MB':>10}")
    results = {}
    for n_rows in args.sizes:
        path = folder / f"rows_{n_rows}.npy"
        generate(path, n_rows, args.features, seed=0)
        report = run_child("--child-stream", str(path), str(args.chunk_rows),
                           str(folder / "scores.bin"))
        if report["rows"] != n_rows:
            raise RuntimeError(f"scored {report['rows']} rows of {n_rows}")
        results[n_rows] = report
        print(f"{n_rows:>12,} {path.stat().st_size / 1e6:>9.1f} "
              f"{report['rows_per_second']:>12,.0f} {report['rss_before_mb']:>14.0f} "
              f"{report['peak_rss_mb']:>12.0f} "
              f"{report['peak_rss_mb'] - report['rss_before_mb']:>10.1f}")
        if n_rows == args.compare_rows:
            results["predict"] = {
                batch: run_child("--child-predict", str(path), str(batch))
                for batch in (args.chunk_rows, 32)}
        path.unlink()
        (folder / "scores.bin").unlink()

    smallest, largest = min(args.sizes), max(args.sizes)
    ratio = results[largest]["peak_rss_mb"] / results[smallest]["peak_rss_mb"]
    print(f"\npeak RSS at {largest:,} rows / at {smallest:,} rows: {ratio:.3f} "
          f"(target <= 1.2: {'met' if ratio <= 1.2 else 'NOT met'})")
    if "predict" in results:
        streaming = results[args.compare_rows]["rows_per_second"]
        for batch, report in results["predict"].items():
            share = streaming / report["rows_per_second"]
            target = (f" (target >= 0.8: {'met' if share >= 0.8 else 'NOT met'})"
                      if batch == args.chunk_rows else " (for reference)")
            print(f"at {args.compare_rows:,} rows, in memory, model.predict(batch_size={batch}): "
                  f"{report['rows_per_second']:,.0f} rows/s, peak RSS "
                  f"{report['peak_rss_mb']:.0f} MB; streaming / predict = {share:.2f}{target}")
    elif args.compare_rows:
        print(f"(no in-memory comparison: --compare-rows {args.compare_rows} is not in --sizes)")


def bench_training(args, folder):
    from helpers.distributed import run_local_workers

    shard_dir = folder / "shards"
    shard_dir.mkdir()
    rng = np.random.default_rng(0)
    per_shard = args.train_rows // 4
    for shard in range(4):
        np.save(shard_dir / f"shard_{shard}.npy",
                rng.standard_normal((per_shard, args.features), dtype=np.float32))
    print(f"\nTraining: {4 * per_shard:,} rows x {args.features} features, global batch "
          f"{args.batch_size:,}, {args.epochs} epochs, workers on 127.0.0.1")
    print(f"{'workers':>8} {'replicas':>9} {'rows/s (epochs 2+)':>19} {'first epoch s':>14} "
          f"{'wall s':>8} {'final loss':>11}")
    for n_workers in args.workers:
        start = time.perf_counter()
        results = run_local_workers(shard_dir, n_workers=n_workers, epochs=args.epochs,
                                    batch_size=args.batch_size, timeout=3600)
        wall = time.perf_counter() - start
        chief = results[0]
        later = chief["epoch_seconds"][1:] or chief["epoch_seconds"]
        rows_per_second = chief["n_rows"] / float(np.mean(later))
        print(f"{n_workers:>8} {chief['num_replicas']:>9} {rows_per_second:>19,.0f} "
              f"{chief['epoch_seconds'][0]:>14.2f} {wall:>8.1f} {chief['loss'][-1]:>11.5f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_row_list, default=[10**5, 10**6, 10**7],
                        help="rows to score, comma-separated (default 1e5,1e6,1e7)")
    parser.add_argument("--features", type=int, default=8, help="features per row (default 8)")
    parser.add_argument("--chunk-rows", type=_rows, default=65_536,
                        help="rows per streamed chunk, and predict's batch size (default 65536)")
    parser.add_argument("--compare-rows", type=_rows, default=10**6,
                        help="size at which streaming is compared with in-memory predict "
                             "(default 1e6; must be one of --sizes)")
    parser.add_argument("--train-rows", type=_rows, default=400_000,
                        help="rows per training epoch (default 400000)")
    parser.add_argument("--batch-size", type=int, default=8192,
                        help="global training batch size (default 8192)")
    parser.add_argument("--epochs", type=int, default=3, help="training epochs (default 3)")
    parser.add_argument("--workers", type=_int_list, default=[1, 2],
                        help="worker counts to train with, comma-separated (default 1,2)")
    parser.add_argument("--no-scoring", action="store_true", help="skip the scoring benchmark")
    parser.add_argument("--no-training", action="store_true",
                        help="skip the training benchmark")
    parser.add_argument("--tmpdir", default=None,
                        help="where to write the data (default: the system's temporary folder)")
    parser.add_argument("--child-stream", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-predict", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_stream:
        path, chunk_rows, scores_path = args.child_stream
        return child_stream(path, int(chunk_rows), scores_path)
    if args.child_predict:
        path, batch_size = args.child_predict
        return child_predict(path, int(batch_size))

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="scaling_bench_", dir=args.tmpdir) as name:
        folder = Path(name)
        if not args.no_scoring:
            bench_scoring(args, folder)
        if not args.no_training:
            bench_training(args, folder)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
