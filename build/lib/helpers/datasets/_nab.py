"""Time series of the Numenta Anomaly Benchmark (NAB) and their labels.

Taught in :ref:`sec_data_cards`.
"""

import json

import pandas as pd

from ._registry import REGISTRY, fetch

__all__ = ["nab_paths", "load_nab", "load_nab_labels"]

_DATA = "nab/data/"
_WINDOWS = "nab/labels/combined_windows.json"
_LABELS = "nab/labels/combined_labels.json"

_PATHS = tuple(sorted(key[len(_DATA):] for key in REGISTRY if key.startswith(_DATA)))


def nab_paths():
    """Return the NAB series :func:`load_nab` accepts, as paths relative to NAB's ``data/``.

    Taught in :ref:`sec_data_cards`.

    Returns
    -------
    paths : tuple of str
        For example ``"realKnownCause/machine_temperature_system_failure.csv"``.
    """
    return _PATHS


def _check_path(path):
    """Return the registry key of the NAB series ``path``; raise a clear error otherwise."""
    if not isinstance(path, str):
        raise TypeError(
            "path must be a str relative to NAB's data/ folder, such as "
            "'realKnownCause/machine_temperature_system_failure.csv'; "
            f"got {path!r} of type {type(path).__name__}."
        )
    if path not in _PATHS:
        raise ValueError(
            f"path must be one of the NAB series {', '.join(_PATHS)} "
            f"(relative to NAB's data/ folder); got {path!r}."
        )
    return _DATA + path


def _read_labels(key, path, data_home):
    """The entry for ``path`` in the NAB labels file ``key``."""
    with open(fetch(key, data_home=data_home), encoding="utf-8") as file:
        return json.load(file)[path]


def load_nab(path, *, data_home=None):
    """Load one NAB time series and its labelled anomaly windows.

    Taught in :ref:`sec_data_cards`.

    The files are read from ``data_home``, else from the folder named by the environment
    variable ``HELPERS_DATA_HOME``, else from the user's cache, where they are downloaded
    from NAB's repository (pinned commit) the first time. Their SHA-256 is checked in
    every case.

    Parameters
    ----------
    path : str
        The series' path relative to NAB's ``data/`` folder, e.g.
        ``"realKnownCause/machine_temperature_system_failure.csv"`` or
        ``"artificialWithAnomaly/art_daily_jumpsup.csv"``; :func:`nab_paths` lists them.
    data_home : str, os.PathLike or None, default=None
        A folder laid out like ``nab/data/...`` and ``nab/labels/...`` to read instead of
        the cache. Nothing is ever downloaded into it.

    Returns
    -------
    series : pandas.DataFrame of shape (n_timestamps, 2)
        Columns ``timestamp`` (datetime64) and ``value`` (float64), in the file's
        order, unchanged: the real series have gaps, and
        ``machine_temperature_system_failure.csv`` repeats one hour (12 timestamps
        from 2014-01-07 02:00) with other values.
    windows : list of (pandas.Timestamp, pandas.Timestamp)
        The labelled anomaly windows ``(start, end)``, both ends included, from NAB's
        ``labels/combined_windows.json``; empty for a series without anomalies.

    See Also
    --------
    load_nab_labels : the anomaly points, one inside each window.
    """
    key = _check_path(path)
    series = pd.read_csv(fetch(key, data_home=data_home), parse_dates=["timestamp"])
    series["value"] = series["value"].astype("float64")
    windows = [(pd.Timestamp(start), pd.Timestamp(end))
               for start, end in _read_labels(_WINDOWS, path, data_home)]
    return series, windows


def load_nab_labels(path, *, data_home=None):
    """Return the labelled anomaly points of one NAB time series.

    Taught in :ref:`sec_data_cards`.

    Parameters
    ----------
    path : str
        The series' path relative to NAB's ``data/`` folder (see :func:`load_nab`).
    data_home : str, os.PathLike or None, default=None
        A data folder to read instead of the cache (see :func:`load_nab`).

    Returns
    -------
    points : list of pandas.Timestamp
        The anomalies NAB's labellers agreed on, from ``labels/combined_labels.json``;
        each lies inside one window of :func:`load_nab`.
    """
    _check_path(path)
    return [pd.Timestamp(point) for point in _read_labels(_LABELS, path, data_home)]
