"""Fetch, or verify, every data file the book reads: ``python -m helpers.datasets``.

Taught in :ref:`sec_data_cards`.

Without a data folder, each file of the registry is downloaded into the user's cache
(once) and checked against its SHA-256. With ``--data-home`` or the environment variable
``HELPERS_DATA_HOME``, the files in that folder are checked instead and nothing is
downloaded. ``--list`` prints the registry without touching any file. The exit status
is 1 when a file is missing or corrupted.
"""

import argparse
import os
import sys

from ._registry import ENV_VAR, REGISTRY, cache_dir, fetch, resolve_data_home, url_of

__all__ = ["main"]


def _parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m helpers.datasets",
        description="Download (into the cache) or verify (in a data folder) every data "
                    "file the book reads, checking each SHA-256.",
    )
    parser.add_argument("--list", action="store_true",
                        help="print each file, its address and SHA-256, and stop")
    parser.add_argument("--data-home", default=None, metavar="FOLDER",
                        help=f"verify the files in FOLDER (default: ${ENV_VAR}, "
                             "else download into the cache)")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the command line; return the exit status (0 when every file is present and valid).

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
    """
    args = _parse(argv)
    if args.list:
        for key, sha256 in REGISTRY.items():
            print(f"{key}\n    {url_of(key)}\n    sha256 {sha256}")
        return 0
    try:
        folder, source = resolve_data_home(args.data_home)
    except (FileNotFoundError, TypeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if folder is None:
        print(f"Fetching {len(REGISTRY)} files into the cache {cache_dir()}")
    else:
        print(f"Verifying {len(REGISTRY)} files in the data folder {folder} (from {source}); "
              "nothing is downloaded")
    failures = 0
    for key in REGISTRY:
        try:
            path = fetch(key, data_home=folder)
        except (FileNotFoundError, ValueError) as err:
            failures += 1
            print(f"  FAILED  {key}\n{err}", file=sys.stderr)
            continue
        print(f"  ok  {key}  ({os.path.getsize(path) / 1e6:.2f} MB)")
    if failures:
        print(f"{failures} of {len(REGISTRY)} files are missing or corrupted (see above).",
              file=sys.stderr)
        return 1
    print(f"All {len(REGISTRY)} files are present and match their SHA-256.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
