"""Tests of helpers/datasets/_nab.py: NAB series, anomaly windows and anomaly points."""

import re
import shutil

import pandas as pd
import pytest

from helpers.datasets import load_nab, load_nab_labels, nab_paths

MACHINE = "realKnownCause/machine_temperature_system_failure.csv"

# The table of ../shared/data/README.md (rows), with the number of windows of each series.
README_TABLE = [
    ("artificialNoAnomaly/art_daily_small_noise.csv", 4032, 0),
    ("artificialWithAnomaly/art_daily_flatmiddle.csv", 4032, 1),
    ("artificialWithAnomaly/art_daily_jumpsup.csv", 4032, 1),
    ("realKnownCause/ambient_temperature_system_failure.csv", 7267, 2),
    ("realKnownCause/cpu_utilization_asg_misconfiguration.csv", 18050, 1),
    ("realKnownCause/ec2_request_latency_system_failure.csv", 4032, 3),
    (MACHINE, 22695, 4),
    ("realKnownCause/nyc_taxi.csv", 10320, 5),
]


def test_paths_list_every_series():
    assert nab_paths() == tuple(sorted(row[0] for row in README_TABLE))


@pytest.mark.parametrize(("path", "rows", "n_windows"), README_TABLE,
                         ids=[row[0].split("/")[1] for row in README_TABLE])
def test_series_and_windows(data_home, path, rows, n_windows):
    series, windows = load_nab(path)
    assert list(series.columns) == ["timestamp", "value"]
    assert len(series) == rows
    assert pd.api.types.is_datetime64_any_dtype(series["timestamp"])
    assert series["value"].dtype == "float64"
    assert series["timestamp"].is_monotonic_increasing == (path != MACHINE)
    assert len(windows) == n_windows
    for start, end in windows:
        assert isinstance(start, pd.Timestamp) and isinstance(end, pd.Timestamp)
        assert series["timestamp"].iloc[0] <= start < end <= series["timestamp"].iloc[-1]


def test_machine_temperature_windows(data_home):
    _, windows = load_nab(MACHINE)
    assert windows[0] == (pd.Timestamp("2013-12-10 06:25"), pd.Timestamp("2013-12-12 05:35"))
    assert windows[-1] == (pd.Timestamp("2014-02-07 14:55"), pd.Timestamp("2014-02-09 14:05"))


def test_machine_temperature_is_returned_in_file_order(data_home):
    # NAB's file repeats the hour from 2014-01-07 02:00 with other values; kept as is.
    series, _ = load_nab(MACHINE)
    steps = series["timestamp"].diff().iloc[1:]
    assert (steps == pd.Timedelta(minutes=5)).sum() == len(series) - 2
    assert steps.iloc[10148] == pd.Timedelta(minutes=-55)
    assert series["timestamp"].duplicated().sum() == 12


def test_labels_are_points_inside_the_windows(data_home):
    _, windows = load_nab(MACHINE)
    points = load_nab_labels(MACHINE)
    assert points[0] == pd.Timestamp("2013-12-11 06:00")
    assert len(points) == len(windows) == 4
    assert all(start <= point <= end for point, (start, end) in zip(points, windows, strict=True))
    assert load_nab_labels("artificialNoAnomaly/art_daily_small_noise.csv") == []


@pytest.mark.parametrize("path", [
    "machine_temperature_system_failure.csv",
    "data/" + MACHINE,
    "realKnownCause/unknown.csv",
])
def test_unknown_path_lists_the_available_ones(path):
    expected = (f"path must be one of the NAB series {', '.join(nab_paths())} "
                f"(relative to NAB's data/ folder); got {path!r}.")
    with pytest.raises(ValueError, match=re.escape(expected)):
        load_nab(path)
    with pytest.raises(ValueError, match=re.escape(expected)):
        load_nab_labels(path)


@pytest.mark.parametrize("path", [None, 3, ["x.csv"]])
def test_path_must_be_a_string(path):
    with pytest.raises(TypeError, match=re.escape(
            f"path must be a str relative to NAB's data/ folder, such as "
            f"'{MACHINE}'; got {path!r} of type {type(path).__name__}.")):
        load_nab(path)


def test_data_home_without_the_labels_names_the_missing_file(data_home, tmp_path):
    key = "nab/data/" + MACHINE
    (tmp_path / key).parent.mkdir(parents=True)
    shutil.copyfile(data_home / key, tmp_path / key)
    with pytest.raises(FileNotFoundError, match=re.escape(
            "The data file 'nab/labels/combined_windows.json' is missing: looked for "
            f"{tmp_path / 'nab/labels/combined_windows.json'}")):
        load_nab(MACHINE, data_home=tmp_path)
