"""Loading the data the chapters use.

Taught in :ref:`sec_project` (the digits), :ref:`sec_data_cards` (the real data sets)
and :ref:`sec_fraud` (the transaction simulator); :func:`load_results` returns
the result tables shipped with the package (:ref:`sec_benchmark`).
"""

from ._adbench import adbench_names, load_adbench
from ._digits import load_digits_anomaly
from ._nab import load_nab, load_nab_labels, nab_paths
from ._results import load_results, results_names
from ._transactions import make_transactions

__all__ = [
    "load_digits_anomaly",
    "adbench_names",
    "load_adbench",
    "nab_paths",
    "load_nab",
    "load_nab_labels",
    "make_transactions",
    "results_names",
    "load_results",
]
