"""Results the book ships with the package: tables too slow to compute on a page.

Taught in :ref:`sec_benchmark`.

A chapter reads them with :func:`load_results`, never by a path into the repository,
so a chapter downloaded on its own (or opened on Colab) finds them too. The script
that writes a table (``benchmarks/adbench.py`` for ``"adbench"``) writes it to
``helpers/datasets/results/<name>.csv``.
"""

from importlib import resources

import pandas as pd

__all__ = ["results_names", "load_results"]


def results_names():
    """Return the names of the result tables shipped with the package.

    Returns
    -------
    names : list of str
        Sorted, e.g. ``["adbench"]``.
    """
    folder = resources.files(__package__) / "results"
    return sorted(entry.name.removesuffix(".csv") for entry in folder.iterdir()
                  if entry.name.endswith(".csv"))


def load_results(name):
    """Return a result table shipped with the package.

    Parameters
    ----------
    name : str
        One of :func:`results_names`; ``"adbench"`` is the full grid of the benchmark
        of :ref:`sec_benchmark` (one row per data set, method and seed).

    Returns
    -------
    results : pandas DataFrame
        The table as its script wrote it (empty cells are NaN, as with
        :func:`pandas.read_csv`).
    """
    names = results_names()
    if not isinstance(name, str) or name not in names:
        raise ValueError(f"name must be one of {names}; got {name!r}.")
    path = resources.files(__package__) / "results" / f"{name}.csv"
    with resources.as_file(path) as file:
        return pd.read_csv(file)
