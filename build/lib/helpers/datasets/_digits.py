"""The hands-on project's data: scikit-learn's 8x8 digits as an anomaly task."""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from .._validation import check_fraction, check_random_state

__all__ = ["load_digits_anomaly"]

_N_CLASSES = 10


def load_digits_anomaly(anomaly_digit, *, contamination=0.05, validation_size=0.2,
                        test_size=0.2, random_state=0):
    """Split scikit-learn's digits into a rare anomalous digit and nine normal ones.

    Taught in :ref:`sec_project`.

    Every image of the nine other digits is normal (label 0). From the images of
    ``anomaly_digit`` a random subsample is kept, just large enough that anomalies
    make up ``contamination`` of the whole data set (label 1). The data are then
    split, stratified by the binary label, into training, validation and test parts.

    Parameters
    ----------
    anomaly_digit : int in 0..9
        The digit that plays the rare, anomalous class.
    contamination : float in (0, 0.5], default=0.05
        Share of anomalies in the returned data. It cannot exceed what the
        digit's roughly 180 images allow (about 0.1).
    validation_size, test_size : float in (0, 1), default=0.2
        Shares of the data held out for validation and for testing.
    random_state : int, default=0
        Seed of the subsampling and of the splits.

    Returns
    -------
    (X_train, y_train), (X_val, y_val), (X_test, y_test) : tuple of pairs
        ``X_*`` of shape (n_split, 8, 8, 1), float32 in [0, 1] (pixel / 16);
        ``y_*`` of shape (n_split,), int64, 1 for the anomalous digit, 0 otherwise.
    """
    if isinstance(anomaly_digit, bool) or not isinstance(anomaly_digit, (int, np.integer)):
        raise TypeError(
            f"anomaly_digit must be an int from 0 to 9; got {anomaly_digit!r} "
            f"of type {type(anomaly_digit).__name__}."
        )
    if not 0 <= anomaly_digit < _N_CLASSES:
        raise ValueError(f"anomaly_digit must be an int from 0 to 9; got {anomaly_digit!r}.")
    contamination = check_fraction(contamination, "contamination", high=0.5,
                                   meaning="It is the share of anomalies in the data.")
    validation_size = check_fraction(validation_size, "validation_size", high_inclusive=False)
    test_size = check_fraction(test_size, "test_size", high_inclusive=False)
    if validation_size + test_size >= 1:
        raise ValueError(
            "validation_size + test_size must be below 1 to leave training data; "
            f"got {validation_size} + {test_size}."
        )
    random_state = check_random_state(random_state)

    images, digits = load_digits(return_X_y=True)
    images = (images / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    is_anomaly_digit = digits == anomaly_digit
    n_normal = int(np.sum(~is_anomaly_digit))
    n_available = int(np.sum(is_anomaly_digit))
    n_anomalies = int(round(contamination * n_normal / (1 - contamination)))
    if n_anomalies > n_available:
        limit = n_available / (n_available + n_normal)
        raise ValueError(
            f"contamination must be at most {limit:.3f} for anomaly_digit={anomaly_digit} "
            f"(only {n_available} images of that digit); got {contamination}."
        )
    if n_anomalies < 3:
        raise ValueError(
            "contamination is too small to put an anomaly in each of the three splits; "
            f"got {contamination}."
        )

    rng = np.random.default_rng(random_state)
    anomaly_index = rng.choice(np.flatnonzero(is_anomaly_digit), size=n_anomalies, replace=False)
    keep = np.sort(np.concatenate([np.flatnonzero(~is_anomaly_digit), anomaly_index]))
    X = images[keep]
    y = is_anomaly_digit[keep].astype(np.int64)

    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=random_state
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=validation_size / (1 - test_size), stratify=y_rest,
        random_state=random_state,
    )
    return (X_train, y_train), (X_val, y_val), (X_test, y_test)
