"""Tests of helpers.benchmark: the splits, the sign convention, and the tuned defaults."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyod.models.ecod import ECOD
from sklearn.ensemble import IsolationForest

from helpers.benchmark import (
    DATASETS,
    TUNING_DATASETS,
    adbench_split,
    anomaly_scores,
    label_anomalies,
    make_detector,
    run_one,
)
from helpers.datasets import load_results

ROOT = Path(__file__).resolve().parents[2]


def _toy(n_rows, n_anomalies=None, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_rows, 3))
    y = np.zeros(n_rows, dtype=int)
    y[: n_anomalies if n_anomalies is not None else n_rows // 10] = 1
    X[y == 1] += 6.0
    X[:, 0] = np.arange(n_rows)  # a row id, to follow rows through the split
    return X, y


def _load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the book's split -----------------------------------------------------------
def test_book_split_is_stratified_scaled_and_repeats_no_row():
    X, y = _toy(500, 50)
    X_train, X_test, y_train, y_test = adbench_split(X, y, seed=0)
    assert (len(y_train), len(y_test)) == (350, 150)
    assert (y_train.sum(), y_test.sum()) == (35, 15)  # stratified: 10 % on both sides
    np.testing.assert_allclose(X_train.min(axis=0), 0.0)
    np.testing.assert_allclose(X_train.max(axis=0), 1.0)
    ids = np.concatenate([X_train[:, 0], X_test[:, 0]])
    assert len(np.unique(np.round(ids, 9))) == 500  # every row once, none on both sides


def test_book_split_subsamples_large_sets_stratified_and_keeps_all_with_max_rows():
    X, y = _toy(12_000, 120)
    X_train, X_test, y_train, y_test = adbench_split(X, y, seed=1)
    assert len(y_train) + len(y_test) == 10_000
    assert y_train.sum() + y_test.sum() == 100  # exactly 1 %, as in the full set
    _, _, y_train, y_test = adbench_split(X, y, seed=1, max_rows=len(y))
    assert len(y_train) + len(y_test) == 12_000


def test_book_split_dtype_and_determinism():
    X, y = _toy(300)
    first = adbench_split(X, y, seed=3, dtype=np.float32)
    second = adbench_split(X, y, seed=3, dtype=np.float32)
    assert first[0].dtype == np.float32 and first[1].dtype == np.float32
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


# -- ADBench's generator ------------------------------------------------------------
def test_adbench_generator_resamples_small_sets_with_replacement_before_the_split():
    X, y = _toy(200, 20)
    X_train, X_test, y_train, y_test = adbench_split(X, y, seed=0, generator="adbench")
    assert (len(y_train), len(y_test)) == (700, 300)
    train_ids = set(np.round(X_train[:, 0] * 199).astype(int))  # undo min-max on the id
    test_ids = np.round(X_test[:, 0] * 199).astype(int)
    assert len(train_ids) < 700  # duplicates within the training part
    assert np.isin(test_ids, list(train_ids)).mean() > 0.5  # copies on both sides


def test_adbench_generator_subsamples_large_sets_without_stratification():
    X, y = _toy(20_000, 200)
    counts = {adbench_split(X, y, seed=seed, generator="adbench")[2].sum()
              + adbench_split(X, y, seed=seed, generator="adbench")[3].sum()
              for seed in range(5)}
    assert len(counts) > 1  # the anomaly count varies with the seed: not stratified
    _, _, y_train, y_test = adbench_split(X, y, seed=0, generator="adbench")
    assert len(y_train) + len(y_test) == 10_000


def test_adbench_generator_leaves_mid_sized_sets_alone():
    X, y = _toy(3_000)
    book = adbench_split(X, y, seed=2)
    adbench = adbench_split(X, y, seed=2, generator="adbench")
    for a, b in zip(book, adbench, strict=True):
        np.testing.assert_array_equal(a, b)


def test_label_anomalies_rounds_up():
    y = np.array([1] * 167 + [0] * 311)
    labelled = label_anomalies(y, 0.01, seed=0)
    assert labelled.sum() == 2  # ceil(1.67), where int() would give 1
    assert set(np.flatnonzero(labelled)) <= set(np.flatnonzero(y))
    assert label_anomalies(y, 1.0, seed=0).sum() == 167


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"generator": "pyod"}, ValueError,
     "generator must be one of 'book', 'adbench'; got 'pyod'."),
    ({"max_rows": 1}, ValueError, "max_rows must be an int >= 2; got 1."),
    ({"test_size": 1.0}, ValueError, r"test_size must be in \(0, 1\); got 1.0."),
])
def test_split_rejects_bad_parameters(kwargs, error, message):
    X, y = _toy(100)
    with pytest.raises(error, match=message):
        adbench_split(X, y, seed=0, **kwargs)


def test_split_rejects_bad_data():
    X, y = _toy(100)
    with pytest.raises(ValueError, match=r"y must have shape \(100,\), one label per row"):
        adbench_split(X, y[:-1], seed=0)
    with pytest.raises(ValueError, match=r"y must hold only 0 \(normal\) and 1 \(anomaly\)"):
        adbench_split(X, y + 1, seed=0)
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\]; got 0.0."):
        label_anomalies(y, 0.0, seed=0)


# -- one sign convention ------------------------------------------------------------
def test_anomaly_scores_are_higher_for_anomalies_in_both_libraries():
    X, y = _toy(400)
    X = X[:, 1:]
    for detector in (IsolationForest(random_state=0), ECOD()):
        scores = anomaly_scores(detector.fit(X), X)
        assert scores[y == 1].mean() > scores[y == 0].mean(), type(detector).__name__
    forest = IsolationForest(random_state=0).fit(X)
    np.testing.assert_array_equal(anomaly_scores(forest, X), -forest.score_samples(X))


def test_anomaly_scores_look_at_the_last_step_of_a_pipeline():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, _ = _toy(200)
    pyod_pipe = make_pipeline(StandardScaler(), ECOD()).fit(X)
    np.testing.assert_array_equal(anomaly_scores(pyod_pipe, X), pyod_pipe.decision_function(X))
    forest_pipe = make_pipeline(StandardScaler(), IsolationForest(random_state=0)).fit(X)
    np.testing.assert_array_equal(anomaly_scores(forest_pipe, X),
                                  -forest_pipe.score_samples(X))


def test_anomaly_scores_rejects_a_non_detector():
    with pytest.raises(TypeError, match="detector must be a fitted PyOD detector or have "
                                        "score_samples"):
        anomaly_scores(object(), np.zeros((2, 2)))


def test_make_detector_and_run_one():
    with pytest.raises(ValueError, match="method must be one of IsolationForest"):
        make_detector("Forest", seed=0)
    X, y = _toy(300)
    row = run_one("IsolationForest", *adbench_split(X[:, 1:], y, seed=0), seed=0)
    assert row["roc_auc"] > 0.99 and row["test_anomalies"] == 9 and row["notes"] == ""


# -- the tuning: defaults chosen on the ten tuning data sets only -----------------------
def test_tuning_and_benchmark_data_sets_are_disjoint():
    assert not set(DATASETS) & set(TUNING_DATASETS)
    assert (len(DATASETS), len(TUNING_DATASETS)) == (12, 10)


def test_tuning_script_accepts_only_the_tuning_data_sets():
    tune = _load_script("tune")
    with pytest.raises(SystemExit):
        tune.main(["--datasets", "cardio", "--out", "/dev/null"])
    assert tune._tuning_names("wine,SKIN") == ["wine", "skin"]


def test_committed_tuning_results_choose_the_defaults_in_code():
    from helpers.detectors import AutoencoderDetector, DeepSVDDDetector

    tune = _load_script("tune")
    results = load_results("tuning")
    assert set(results["dataset"]) == set(TUNING_DATASETS)
    assert set(results["seed"]) == set(tune.SEEDS)
    searched = {(m, c) for m, configs in tune.SEARCH.items() for c in configs}
    assert set(zip(results["method"], results["config"], strict=True)) == searched
    for (method, config), group in results.groupby(["method", "config"]):
        assert json.loads(group["params"].iloc[0]) == tune.SEARCH[method][config]
        assert len(group) == len(TUNING_DATASETS) * len(tune.SEEDS)
    chosen = tune.choose(results)
    for detector in (AutoencoderDetector(), DeepSVDDDetector()):
        name, params = chosen[type(detector).__name__]
        defaults = {key: detector.get_params()[key] for key in params}
        assert defaults == params, f"{type(detector).__name__}: chosen {name} {params}"


def test_benchmark_cli_update_reruns_only_the_named_methods(tmp_path, capsys):
    adbench = _load_script("adbench")
    out = tmp_path / "grid.csv"
    common = ["--datasets", "WBC", "--seeds", "0", "--out", str(out), "--no-progress"]
    adbench.main([*common, "--methods", "IsolationForest,ECOD"])
    first = pd.read_csv(out)
    edited = first.copy()
    edited.loc[edited["method"] == "ECOD", "roc_auc"] = 0.0
    edited.loc[edited["method"] == "IsolationForest", "load_1min"] = -1.0
    edited.to_csv(out, index=False)
    adbench.main([*common, "--methods", "ECOD", "--update"])
    second = pd.read_csv(out)
    assert list(second["method"]) == ["IsolationForest", "ECOD"]
    assert second.loc[1, "roc_auc"] == first.loc[1, "roc_auc"]  # re-run
    assert second.loc[0, "load_1min"] == -1.0  # kept as it was
    assert "written to" in capsys.readouterr().out
