"""Shared test fixtures.

The loaders of :mod:`helpers.datasets` read the files from ``HELPERS_DATA_HOME`` in the
tests (the network is blocked by pytest-socket). ``make test`` exports it; for a plain
``pytest``, it is set here to ``../shared/data`` when that folder exists.
"""

import os
from pathlib import Path

import pytest

_SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def pytest_configure(config):
    # Quiet, reproducible TensorFlow in every test that imports it (as in the notebooks).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if not os.environ.get("HELPERS_DATA_HOME") and _SHARED_DATA.is_dir():
        os.environ["HELPERS_DATA_HOME"] = str(_SHARED_DATA)


@pytest.fixture
def data_home():
    """The real data folder (``HELPERS_DATA_HOME``); skip when there is none."""
    value = os.environ.get("HELPERS_DATA_HOME")
    if not value:
        pytest.skip("no data folder: set HELPERS_DATA_HOME (see helpers/datasets)")
    return Path(value)
