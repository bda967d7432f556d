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

from ._validation import check_float_array, check_fraction, check_positive_int, check_seed

__all__ = [
    "check_scores",
    "best_f1_threshold",
    "precision_at_k",
    "evaluate_scores",
    "bootstrap_interval",
]


def check_scores(y_true, scores):
    """Validate binary labels and finite scores of the same length.

    Returns
    -------
    y_true : ndarray of shape (n_samples,), int
    scores : ndarray of shape (n_samples,), float
    """
    y_true = _as_column(np.asarray(y_true), "y_true")
    if y_true.dtype.kind not in "biuf":
        raise TypeError(f"y_true must hold 0 (normal) and 1 (anomaly) as numbers; got an array "
                        f"of dtype {y_true.dtype}.")
    scores = _as_column(check_float_array(scores, "scores", dtype=np.float64), "scores")
    if len(y_true) != len(scores):
        raise ValueError(f"y_true and scores must have the same length; got {len(y_true)} and "
                         f"{len(scores)}.")
    values = set(np.unique(y_true).tolist())
    if not values <= {0, 1}:
        raise ValueError(f"y_true must hold only 0 (normal) and 1 (anomaly); got values "
                         f"{sorted(values)[:10]}.")
    if values != {0, 1}:
        raise ValueError("y_true must contain both classes, 0 (normal) and 1 (anomaly); "
                         f"got only {sorted(values)}.")
    return y_true.astype(int), scores


def _as_column(array, name):
    """``array`` of shape (n,) or (n, 1) as shape (n,); raise for any other shape."""
    if array.ndim == 2 and array.shape[1] == 1:
        return array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of shape (n_samples,); got an array of "
                         f"shape {array.shape}.")
    return array


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


_BOOTSTRAP_METRICS = ("roc_auc", "average_precision")


def _roc_auc_rows(y_true, scores):
    """ROC-AUC of every row of (n_rows, n_samples) arrays; ties count one half."""
    from scipy.stats import rankdata

    ranks = rankdata(scores, axis=1)
    n_positive = y_true.sum(axis=1)
    n_negative = y_true.shape[1] - n_positive
    rank_sum = (ranks * y_true).sum(axis=1)
    return (rank_sum - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative)


def _average_precision_rows(y_true, scores):
    """Average precision of every row, with tied scores grouped as scikit-learn does."""
    order = np.argsort(-scores, axis=1, kind="stable")
    labels = np.take_along_axis(y_true, order, axis=1)
    ranked = np.take_along_axis(scores, order, axis=1)
    n = labels.shape[1]
    true_positives = np.cumsum(labels, axis=1)
    # A threshold sits at the last sample of each group of tied scores.
    group_end = np.ones_like(labels, dtype=bool)
    group_end[:, :-1] = ranked[:, :-1] != ranked[:, 1:]
    positions = np.broadcast_to(np.arange(n), labels.shape)
    end_index = np.where(group_end, positions, n)
    end_index = np.minimum.accumulate(end_index[:, ::-1], axis=1)[:, ::-1]
    precision_at_end = np.take_along_axis(true_positives, end_index, axis=1) / (end_index + 1)
    return (labels * precision_at_end).sum(axis=1) / labels.sum(axis=1)


def bootstrap_interval(y_true, scores, *, metric="roc_auc", n_resamples=1000,
                       confidence=0.95, random_state=0):
    """A percentile bootstrap interval for ROC-AUC or average precision.

    Taught in :ref:`sec_concepts`. The test set is resampled with replacement
    *within each class* (a stratified bootstrap), so every resample keeps the
    number of anomalies of the original, and the metric is always defined. With
    few anomalies the interval is wide: that width is the point of reporting it.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        1 for an anomaly, 0 otherwise.
    scores : array-like of shape (n_samples,)
        Higher for more anomalous samples.
    metric : {"roc_auc", "average_precision"}, default="roc_auc"
    n_resamples : int, default=1000
    confidence : float in (0, 1), default=0.95
    random_state : int, default=0
        Seed of the resampling, so the interval is the same on every run.

    Returns
    -------
    dict
        ``estimate`` (the metric on the data as given), ``low`` and ``high`` (the
        interval's ends), ``n_anomalies`` and ``n_samples``.
    """
    y_true, scores = check_scores(y_true, scores)
    if metric not in _BOOTSTRAP_METRICS:
        raise ValueError(f"metric must be one of {', '.join(map(repr, _BOOTSTRAP_METRICS))}; "
                         f"got {metric!r}.")
    n_resamples = check_positive_int(n_resamples, "n_resamples")
    confidence = check_fraction(confidence, "confidence", high_inclusive=False)
    random_state = check_seed(random_state)
    score_rows = _roc_auc_rows if metric == "roc_auc" else _average_precision_rows
    rng = np.random.default_rng(random_state)
    anomalies, normals = np.flatnonzero(y_true == 1), np.flatnonzero(y_true == 0)
    indices = np.concatenate([
        rng.choice(anomalies, size=(n_resamples, anomalies.size)),
        rng.choice(normals, size=(n_resamples, normals.size)),
    ], axis=1)
    values = score_rows(y_true[indices], scores[indices])
    tail = (1 - confidence) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    estimate = score_rows(y_true[None, :], scores[None, :])[0]
    return {
        "estimate": float(estimate),
        "low": float(low),
        "high": float(high),
        "n_anomalies": int(anomalies.size),
        "n_samples": int(y_true.size),
    }
