"""helpers.datasets.load_results: result tables shipped as package data."""

import pandas as pd
import pytest

from helpers.datasets import load_results, results_names


def test_results_names_lists_the_shipped_tables():
    assert results_names() == ["adbench", "tuning", "tuning_pilot"]


def test_adbench_results_are_the_full_grid():
    results = load_results("adbench")
    assert isinstance(results, pd.DataFrame)
    assert {"dataset", "method", "seed", "roc_auc", "average_precision"} <= set(results.columns)
    # 12 data sets x 8 methods x 3 seeds, one row each.
    assert len(results) == 12 * 8 * 3
    assert not results.duplicated(["dataset", "method", "seed"]).any()
    assert results["roc_auc"].between(0, 1).all()


@pytest.mark.parametrize("name", ["nope", "adbench.csv", "ADBENCH", 3, None])
def test_unknown_name_is_refused(name):
    names = r"\['adbench', 'tuning', 'tuning_pilot'\]"
    with pytest.raises(ValueError, match=r"name must be one of " + names + "; got "
                       + repr(name).replace("(", r"\(").replace(".", r"\.")):
        load_results(name)
