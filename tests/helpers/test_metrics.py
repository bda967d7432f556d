"""helpers.metrics, checked on cases small enough to compute by hand."""

import numpy as np
import pytest

from helpers.metrics import best_f1_threshold, evaluate_scores, precision_at_k

Y = np.array([0, 0, 0, 0, 1, 0, 1, 1])
SCORES = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])


def test_evaluate_scores_by_hand():
    result = evaluate_scores(Y, SCORES, threshold=0.5)
    # Flagged: scores 0.5..0.8 -> samples 4, 5, 6, 7; three of them are anomalies.
    np.testing.assert_array_equal(result["confusion_matrix"], [[4, 1], [0, 3]])
    assert result["precision"] == pytest.approx(3 / 4)
    assert result["recall"] == pytest.approx(1.0)
    assert result["f1"] == pytest.approx(2 * 0.75 / 1.75)
    assert result["accuracy"] == pytest.approx(7 / 8)
    # Pairs (anomaly, normal) ranked correctly: anomaly 0.5 beats 4 of 5 normals, the others all 5.
    assert result["roc_auc"] == pytest.approx(14 / 15)
    # Anomalies at ranks 1, 2 and 4: precisions 1, 1, 3/4.
    assert result["average_precision"] == pytest.approx((1 + 1 + 0.75) / 3)
    assert result["k"] == 3 and result["precision_at_k"] == pytest.approx(2 / 3)


def test_precision_at_k_and_ties():
    assert precision_at_k(Y, SCORES, 1) == 1.0
    assert precision_at_k(Y, SCORES, 4) == pytest.approx(3 / 4)
    tied = np.array([1.0, 1.0, 0.0, 0.0])
    assert precision_at_k(np.array([0, 1, 0, 1]), tied, 1) == 0.0  # stable: first sample wins


def test_best_f1_threshold_maximises_f1():
    threshold = best_f1_threshold(Y, SCORES)
    assert threshold == pytest.approx(0.5)
    assert evaluate_scores(Y, SCORES, threshold=threshold)["f1"] == pytest.approx(6 / 7)
    separable = best_f1_threshold([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    assert separable == pytest.approx(0.8)


def test_always_normal_scores_high_accuracy_and_nothing_else():
    y = np.array([0] * 95 + [1] * 5)
    result = evaluate_scores(y, np.zeros(100), threshold=0.5)
    assert result["accuracy"] == pytest.approx(0.95)
    assert result["recall"] == 0.0 and result["roc_auc"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("y", "scores", "kwargs", "error", "message"),
    [
        ([0, 2], [0.1, 0.2], {}, ValueError, r"y_true must hold only 0 \(normal\) and 1"),
        ([0, 0], [0.1, 0.2], {}, ValueError, r"y_true must contain both classes"),
        ([0, 1], [0.1, np.nan], {}, ValueError, r"scores must hold finite numbers"),
        ([0, 1, 1], [0.1, 0.2], {}, ValueError,
         r"y_true and scores must have the same length; got 3 and 2"),
        ([0, 1], ["a", "b"], {}, TypeError, r"scores must be an array of real numbers"),
        (["a", "b"], [0.1, 0.2], {}, TypeError, r"y_true must hold 0 \(normal\) and 1"),
        ([[0, 1]], [0.1, 0.2], {}, ValueError, r"y_true must be a 1-D array"),
        ([0, 1], [0.1, 0.2], {"threshold": "high"}, TypeError, r"threshold must be a number"),
        ([0, 1], [0.1, 0.2], {"threshold": np.inf}, ValueError, r"threshold must be finite"),
        ([0, 1], [0.1, 0.2], {"k": 3}, ValueError, r"k must be at most the number of samples"),
        ([0, 1], [0.1, 0.2], {"k": 0}, ValueError, r"k must be an int >= 1; got 0"),
    ],
)
def test_bad_input(y, scores, kwargs, error, message):
    kwargs = {"threshold": 0.5, **kwargs}
    with pytest.raises(error, match=message):
        evaluate_scores(np.array(y), np.array(scores), **kwargs)


# --- bootstrap_interval -------------------------------------------------------------

from sklearn.metrics import average_precision_score, roc_auc_score  # noqa: E402

from helpers.metrics import (  # noqa: E402
    _average_precision_rows,
    _roc_auc_rows,
    bootstrap_interval,
)


@pytest.mark.parametrize(("rows", "reference"), [(_roc_auc_rows, roc_auc_score),
                                                 (_average_precision_rows,
                                                  average_precision_score)])
def test_vectorised_metrics_equal_scikit_learn_row_by_row(rows, reference):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=(50, 40))
    y[:, :2] = [0, 1]  # both classes in every row
    scores = rng.integers(0, 6, size=(50, 40)).astype(float)  # many ties
    expected = [reference(row_y, row_s) for row_y, row_s in zip(y, scores, strict=True)]
    np.testing.assert_allclose(rows(y, scores), expected, rtol=0, atol=1e-12)


def test_bootstrap_of_a_perfect_ranking_is_a_point():
    result = bootstrap_interval(Y[[0, 1, 4, 6]], [0.1, 0.2, 0.8, 0.9], n_resamples=200)
    assert (result["estimate"], result["low"], result["high"]) == (1.0, 1.0, 1.0)
    assert (result["n_anomalies"], result["n_samples"]) == (2, 4)


def test_bootstrap_interval_matches_its_definition():
    # The known answer: the percentiles of the metric over the same stratified resamples.
    result = bootstrap_interval(Y, SCORES, metric="average_precision", n_resamples=300,
                                confidence=0.9, random_state=7)
    rng = np.random.default_rng(7)
    anomalies, normals = np.flatnonzero(Y == 1), np.flatnonzero(Y == 0)
    idx = np.concatenate([rng.choice(anomalies, size=(300, 3)),
                          rng.choice(normals, size=(300, 5))], axis=1)
    values = [average_precision_score(Y[row], SCORES[row]) for row in idx]
    assert result["low"] == pytest.approx(np.quantile(values, 0.05))
    assert result["high"] == pytest.approx(np.quantile(values, 0.95))
    assert result["estimate"] == pytest.approx(average_precision_score(Y, SCORES))
    assert result == bootstrap_interval(Y, SCORES, metric="average_precision",
                                        n_resamples=300, confidence=0.9, random_state=7)


def test_bootstrap_interval_narrows_with_more_anomalies():
    rng = np.random.default_rng(0)

    def width(n_anomalies):
        y = np.r_[np.zeros(500), np.ones(n_anomalies)].astype(int)
        scores = np.r_[rng.normal(0, 1, 500), rng.normal(1.5, 1, n_anomalies)]
        result = bootstrap_interval(y, scores, n_resamples=500)
        assert result["low"] <= result["estimate"] <= result["high"]
        return result["high"] - result["low"]

    assert width(400) < width(10) / 3


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"metric": "f1"}, ValueError,
     "metric must be one of 'roc_auc', 'average_precision'; got 'f1'"),
    ({"n_resamples": 0}, ValueError, "n_resamples must be an int >= 1; got 0"),
    ({"confidence": 1.0}, ValueError, r"confidence must be in \(0, 1\); got 1.0"),
    ({"random_state": -1}, ValueError, "random_state must be a non-negative int seed; got -1"),
])
def test_bootstrap_interval_rejects_bad_parameters(kwargs, error, message):
    with pytest.raises(error, match=message):
        bootstrap_interval(Y, SCORES, **kwargs)
