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
