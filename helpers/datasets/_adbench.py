"""ADBench's tabular benchmark files and its MVTec AD image embeddings.

Taught in :ref:`sec_data_cards`.
"""

import numpy as np

from ._registry import REGISTRY, fetch

__all__ = ["adbench_names", "load_adbench"]

_PREFIX = "adbench/"


def _build_index():
    """Map every accepted spelling (lower case) to its registry key, and list the names."""
    index, names = {}, []
    for key in REGISTRY:
        if not key.startswith(_PREFIX):
            continue
        folder, stem = key[len(_PREFIX):-len(".npz")].split("/")
        if folder == "Classical":  # "6_cardio": the number is ADBench's, the name is ours
            name = stem.split("_", 1)[1]
            index[stem.lower()] = key
        else:  # "MVTec-AD_bottle" has no number
            name = stem
        index[name.lower()] = key
        names.append(name)
    return index, tuple(sorted(names, key=str.lower))


_INDEX, _NAMES = _build_index()


def adbench_names():
    """Return the names :func:`load_adbench` accepts, sorted.

    Taught in :ref:`sec_data_cards`.

    Returns
    -------
    names : tuple of str
        The 24 "Classical" data sets (``"cardio"``, ``"http"``, ...; the ten of the
        tuning set among them) and the four MVTec AD embeddings
        (``"MVTec-AD_bottle"``, ...). The numbered file names (``"6_cardio"``) are
        accepted too, and case does not matter.
    """
    return _NAMES


def load_adbench(name, *, data_home=None):
    """Load one ADBench data set as a feature matrix and anomaly labels.

    Taught in :ref:`sec_data_cards`.

    The file is read from ``data_home``, else from the folder named by the environment
    variable ``HELPERS_DATA_HOME``, else from the user's cache, where it is downloaded
    from ADBench's repository (pinned commit) the first time. Its SHA-256 is checked in
    every case.

    Parameters
    ----------
    name : str
        A "Classical" data set, by name or ADBench file name (``"cardio"`` or
        ``"6_cardio"``), or a ResNet-18 embedding of an MVTec AD category
        (``"MVTec-AD_bottle"``, ``"MVTec-AD_metal_nut"``, ``"MVTec-AD_screw"``,
        ``"MVTec-AD_transistor"``). Case does not matter; :func:`adbench_names` lists them.
    data_home : str, os.PathLike or None, default=None
        A folder laid out like ``adbench/Classical/6_cardio.npz`` to read instead of the
        cache. Nothing is ever downloaded into it.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
        The features, as ADBench stores them (not scaled).
    y : ndarray of shape (n_samples,), int64
        1 for an anomaly, 0 for a normal sample.

    Raises
    ------
    TypeError, ValueError
        ``name`` is not a string, or not one of the available names.
    FileNotFoundError, ValueError
        The file is missing or fails its SHA-256 check (the message says what to do).

    Notes
    -----
    The MVTec AD images are licensed CC BY-NC-SA 4.0: non-commercial use only.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a str such as 'cardio'; got {name!r} of type {type(name).__name__}."
        )
    key = _INDEX.get(name.strip().lower())
    if key is None:
        raise ValueError(
            f"name must be one of the ADBench data sets {', '.join(_NAMES)} "
            f"(or a numbered file name such as '6_cardio'); got {name!r}."
        )
    with np.load(fetch(key, data_home=data_home), allow_pickle=False) as arrays:
        X = np.asarray(arrays["X"], dtype=np.float64)
        y = np.asarray(arrays["y"], dtype=np.int64)
    return X, y
