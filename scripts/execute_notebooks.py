"""Execute the book's notebooks in parallel into Jupyter Book's execution cache.

Usage: ``python scripts/execute_notebooks.py [--cache _build/.jupyter_cache]``

Jupyter Book 1 (``execute_notebooks: cache``) executes notebooks one after the
other. This script runs the same executions first, one notebook per CPU core,
with jupyter-cache's own parallel executor and into the very cache the build
reads; the build then finds every notebook up to date and only renders. A
notebook that fails is not cached, so the build runs it again and reports the
error in full. ``make html`` calls this script before building.

jupyter-cache keys a notebook on its code alone: a change to ``helpers/`` (its
data registry included) would leave stale outputs in the cache. So the script
first compares a hash of ``helpers/`` with the one stamped in the cache folder
when it was filled, and clears the cache when they differ.
"""

import argparse
import hashlib
import logging
import shutil
import sys
from pathlib import Path

import yaml
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor

ROOT = Path(__file__).resolve().parents[1]


def toc_notebooks(toc_path=ROOT / "_toc.yml"):
    """The .ipynb files listed in the table of contents, in reading order."""
    toc = yaml.safe_load(Path(toc_path).read_text())
    entries = [toc["root"]]

    def walk(items):
        for item in items or []:
            entries.append(item["file"])
            walk(item.get("sections"))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    return [ROOT / f"{entry}.ipynb" for entry in entries if (ROOT / f"{entry}.ipynb").exists()]


def helpers_hash(package=ROOT / "helpers"):
    """SHA-256 of every file of the package (paths and contents), caches excluded."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


STAMP_NAME = "helpers.sha256"  # inside the cache folder, so that a copied cache keeps it


def clear_stale_cache(cache_path, package=ROOT / "helpers"):
    """Delete the execution cache if ``helpers/`` changed since it was filled; stamp it.

    The stamp is the file ``helpers.sha256`` in the cache folder; a cache without
    one (filled by an older version of this script) counts as stale.
    Returns True when the cache was cleared.
    """
    current = helpers_hash(package)
    stamp = Path(cache_path) / STAMP_NAME
    stamped = stamp.read_text().strip() if stamp.exists() else None
    cleared = False
    if stamped != current and Path(cache_path).exists():
        shutil.rmtree(cache_path)
        print(f"helpers/ changed since the execution cache was filled: cleared {cache_path}")
        cleared = True
    Path(cache_path).mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return cleared


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "_build" / ".jupyter_cache")
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    parser.add_argument("--timeout", type=int, default=None,
                        help="seconds per cell (default: execute.timeout in _config.yml)")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    timeout = args.timeout or config["execute"]["timeout"]

    clear_stale_cache(args.cache)
    cache = get_cache(args.cache)
    for path in toc_notebooks(args.toc):
        cache.add_nb_to_project(str(path))
    logger = logging.getLogger("execute_notebooks")
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    executor = load_executor("local-parallel", cache=cache, logger=logger)
    result = executor.run_and_cache(timeout=timeout, allow_errors=False)
    print(f"executed in parallel: {len(result.succeeded)} succeeded, "
          f"{len(result.excepted)} raised, {len(result.errored)} errored "
          "(failures are re-run and reported by the book build)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
