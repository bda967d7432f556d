"""Loading the data the chapters use.

Taught in :ref:`sec_project` (the digits) and :ref:`sec_data_cards` (the real data sets).
"""

from ._adbench import adbench_names, load_adbench
from ._digits import load_digits_anomaly
from ._nab import load_nab, load_nab_labels, nab_paths

__all__ = [
    "load_digits_anomaly",
    "adbench_names",
    "load_adbench",
    "nab_paths",
    "load_nab",
    "load_nab_labels",
]
