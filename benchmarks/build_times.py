"""Wall time of a cold book build, of a cached rebuild, and of each notebook.

Usage (from the repository root, in the project's environment)::

    python benchmarks/build_times.py [--output-dir DIR]

It builds into a fresh folder (default: a temporary one), exactly as
`make html` does (notebooks executed in parallel into the execution cache, then
the Jupyter Book build), so the numbers are those of a first build on this
machine; then it builds again with the execution cache in place. Per-notebook
times come from the execution cache (jupyter-cache records how long each ran).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _build(output_dir):
    """The two steps of `make html`: parallel execution into the cache, then the build."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    commands = [
        [sys.executable, str(ROOT / "scripts" / "execute_notebooks.py"),
         "--cache", str(output_dir / "_build" / ".jupyter_cache")],
        [str(jupyter_book), "build", str(ROOT), "--path-output", str(output_dir),
         "-W", "-n", "--keep-going"],
    ]
    start = time.perf_counter()
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            sys.stdout.write(result.stdout[-5000:] + result.stderr[-5000:])
            raise SystemExit(f"{command[1]} failed with exit code {result.returncode}")
    return time.perf_counter() - start


def _notebook_times(output_dir):
    from jupyter_cache import get_cache

    cache = get_cache(output_dir / "_build" / ".jupyter_cache")
    times = {}
    for record in cache.list_cache_records():
        seconds = record.data.get("execution_seconds")
        times[Path(record.uri).name if record.uri else record.pk] = seconds
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=None,
                        help="where to build (default: a new temporary folder, removed after)")
    args = parser.parse_args()
    output_dir = args.output_dir or Path(tempfile.mkdtemp(prefix="book-build-"))
    if output_dir.exists() and any(output_dir.iterdir()):
        shutil.rmtree(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    try:
        cold = _build(output_dir)
        cached = _build(output_dir)
        times = _notebook_times(output_dir)
    finally:
        if args.output_dir is None:
            shutil.rmtree(output_dir, ignore_errors=True)
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"cold build (every notebook executed): {cold:7.1f} s")
    print(f"cached rebuild (nothing executed):    {cached:7.1f} s")
    print("notebook execution times (from the cache):")
    for name, seconds in sorted(times.items(), key=lambda item: -(item[1] or 0)):
        shown = f"{seconds:7.1f} s" if seconds is not None else "      ?"
        print(f"  {shown}  {name}")
    total = sum(seconds or 0 for seconds in times.values())
    print(f"  {total:7.1f} s  total")


if __name__ == "__main__":
    main()
