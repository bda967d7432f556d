"""Evaluating anomaly scores: ranking metrics, a threshold, and what it yields.

Taught in :ref:`sec_project`.

Convention: every function here takes scores that are **higher for more
anomalous** samples (a predicted probability of the anomaly class, a
reconstruction error, or ``-score_samples`` of a scikit-learn detector), and
labels with 1 for an anomaly.
"""

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
)
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_consistent_length

from ._validation import check_positive_int

__all__ = ["check_scores", "best_f1_threshold", "precision_at_k", "evaluate_scores"]


def check_scores(y_true, scores):
    """Validate binary labels and finite scores of the same length.

    Returns
    -------
    y_true : ndarray of shape (n_samples,), int
    scores : ndarray of shape (n_samples,), float
    """
    y_true = column_or_1d(np.asarray(y_true))
    scores = column_or_1d(np.asarray(scores, dtype=float))
    check_consistent_length(y_true, scores)
    values = set(np.unique(y_true).tolist())
    if not values <= {0, 1}:
        raise ValueError(f"y_true must hold only 0 (normal) and 1 (anomaly); got values "
                         f"{sorted(values)[:10]}.")
    if values != {0, 1}:
        raise ValueError("y_true must contain both classes, 0 (normal) and 1 (anomaly); "
                         f"got only {sorted(values)}.")
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite; got NaN or infinite values.")
    return y_true.astype(int), scores


def best_f1_threshold(y_true, scores):
    """The score threshold that maximises F1 on the given (validation) data.

    Taught in :ref:`sec_project`. Samples with ``score >= threshold`` are flagged.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        1 for an anomaly, 0 otherwise.
    scores : array-like of shape (n_samples,)
        Higher for more anomalous samples.

    Returns
    -------
    float
    """
    y_true, scores = check_scores(y_true, scores)
    precision, recall, thresholds = precision_recall_curve(y_true, scores)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    return float(thresholds[np.argmax(f1[:-1])])


def precision_at_k(y_true, scores, k):
    """Share of true anomalies among the ``k`` highest-scoring samples.

    Ties at the k-th score are broken by the order of the samples (stable sort).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    scores : array-like of shape (n_samples,)
    k : int in 1..n_samples

    Returns
    -------
    float
    """
    y_true, scores = check_scores(y_true, scores)
    k = check_positive_int(k, "k")
    if k > len(scores):
        raise ValueError(f"k must be at most the number of samples ({len(scores)}); got {k}.")
    top = np.argsort(-scores, kind="stable")[:k]
    return float(np.mean(y_true[top]))


def evaluate_scores(y_true, scores, *, threshold, k=None):
    """All of chapter 5's evaluation in one call.

    Taught in :ref:`sec_project`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        1 for an anomaly, 0 otherwise.
    scores : array-like of shape (n_samples,)
        Higher for more anomalous samples.
    threshold : float
        Samples with ``score >= threshold`` are flagged as anomalies. Choose it on
        validation data (for example with :func:`best_f1_threshold`), never on the
        data you report.
    k : int, optional
        For precision at k; defaults to the number of true anomalies (then it
        equals R-precision).

    Returns
    -------
    dict
        ``roc_auc``, ``average_precision``, ``precision``, ``recall``, ``f1``,
        ``accuracy``, ``precision_at_k``, ``k``, ``threshold`` (floats and ints) and
        ``confusion_matrix``, an int array of shape (2, 2) with rows = truth
        (normal, anomaly) and columns = prediction.
    """
    y_true, scores = check_scores(y_true, scores)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)):
        raise TypeError(f"threshold must be a number; got {threshold!r}.")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be finite; got {threshold!r}.")
    if k is None:
        k = int(y_true.sum())
    flagged = (scores >= threshold).astype(int)
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, flagged, average="binary", zero_division=0.0
    )
    return {
        "roc_auc": float(roc_auc_score(y_true, scores)),
        "average_precision": float(average_precision_score(y_true, scores)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "accuracy": float(np.mean(flagged == y_true)),
        "precision_at_k": precision_at_k(y_true, scores, k),
        "k": int(k),
        "threshold": float(threshold),
        "confusion_matrix": confusion_matrix(y_true, flagged, labels=[0, 1]),
    }
