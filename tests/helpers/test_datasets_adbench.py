"""Tests of helpers/datasets/_adbench.py: the ADBench files as (X, y)."""

import re
import shutil

import numpy as np
import pytest

from helpers.datasets import adbench_names, load_adbench

# The table of ../shared/data/README.md: name, n, d, % anomalies.
README_TABLE = [
    ("MVTec-AD_bottle", 292, 512, 21.58),
    ("MVTec-AD_metal_nut", 335, 512, 27.76),
    ("MVTec-AD_screw", 480, 512, 24.79),
    ("MVTec-AD_transistor", 313, 512, 12.78),
    ("fault", 1941, 27, 34.67),
    ("http", 567498, 3, 0.39),
    ("mammography", 11183, 6, 2.32),
    ("optdigits", 5216, 64, 2.88),
    ("pendigits", 6870, 16, 2.27),
    ("annthyroid", 7200, 6, 7.42),
    ("satimage-2", 5803, 36, 1.22),
    ("shuttle", 49097, 9, 7.15),
    ("smtp", 95156, 3, 0.03),
    ("thyroid", 3772, 6, 2.47),
    ("WBC", 223, 9, 4.48),
    ("breastw", 683, 9, 34.99),
    ("campaign", 41188, 62, 11.27),
    ("cardio", 1831, 21, 9.61),
    # The tuning set (choosing defaults only; never the benchmark).
    ("wine", 129, 13, 7.75),
    ("Stamps", 340, 9, 9.12),
    ("WPBC", 198, 33, 23.74),
    ("InternetAds", 1966, 1555, 18.72),
    ("Waveform", 3443, 21, 2.90),
    ("SpamBase", 4207, 57, 39.91),
    ("landsat", 6435, 36, 20.71),
    ("musk", 3062, 166, 3.17),
    ("magic.gamma", 19020, 10, 35.16),
    ("skin", 245057, 3, 20.75),
]


@pytest.mark.parametrize(("name", "n", "d", "percent"), README_TABLE,
                         ids=[row[0] for row in README_TABLE])
def test_shapes_dtypes_and_anomaly_rate_match_the_readme(data_home, name, n, d, percent):
    X, y = load_adbench(name)
    assert X.shape == (n, d) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert round(100 * y.mean(), 2) == percent
    assert np.isfinite(X).all()


def test_names_list_every_file():
    names = adbench_names()
    assert len(names) == 28
    assert sorted(row[0] for row in README_TABLE) == sorted(names)
    assert list(names) == sorted(names, key=str.lower)


@pytest.mark.parametrize("spelling", ["6_cardio", "CARDIO", " Cardio ", "6_Cardio"])
def test_name_spellings_load_the_same_file(data_home, spelling):
    X, y = load_adbench("cardio")
    X_other, y_other = load_adbench(spelling)
    np.testing.assert_array_equal(X, X_other)
    np.testing.assert_array_equal(y, y_other)


def test_mvtec_names_are_case_insensitive(data_home):
    X, _ = load_adbench("mvtec-ad_screw")
    assert X.shape == (480, 512)


@pytest.mark.parametrize("name", ["cardiology", "7_cardio", "bottle", ""])
def test_unknown_name_lists_the_available_ones(name):
    expected = (
        f"name must be one of the ADBench data sets {', '.join(adbench_names())} "
        f"(or a numbered file name such as '6_cardio'); got {name!r}."
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        load_adbench(name)


@pytest.mark.parametrize("name", [6, None, b"cardio", ["cardio"]])
def test_name_must_be_a_string(name):
    expected = (f"name must be a str such as 'cardio'; got {name!r} "
                f"of type {type(name).__name__}.")
    with pytest.raises(TypeError, match=re.escape(expected)):
        load_adbench(name)


def test_data_home_argument_is_read(data_home, tmp_path):
    key = "adbench/Classical/42_WBC.npz"
    (tmp_path / key).parent.mkdir(parents=True)
    shutil.copyfile(data_home / key, tmp_path / key)
    X, y = load_adbench("WBC", data_home=tmp_path)
    assert X.shape == (223, 9)
    with pytest.raises(FileNotFoundError, match=re.escape(
            f"'adbench/Classical/6_cardio.npz' is missing: looked for "
            f"{tmp_path / 'adbench/Classical/6_cardio.npz'}")):
        load_adbench("cardio", data_home=tmp_path)


def test_corrupted_file_is_refused(data_home, tmp_path):
    key = "adbench/Classical/4_breastw.npz"
    (tmp_path / key).parent.mkdir(parents=True)
    content = bytearray((data_home / key).read_bytes())
    content[100] ^= 0x01
    (tmp_path / key).write_bytes(bytes(content))
    with pytest.raises(ValueError, match="4_breastw.npz is corrupted .* expected 4f37ce07"):
        load_adbench("breastw", data_home=tmp_path)
