"""helpers.datasets._digits: the chapter-5 anomaly task on scikit-learn's digits."""

import numpy as np
import pytest

from helpers.datasets import load_digits_anomaly


@pytest.fixture(scope="module")
def splits():
    return load_digits_anomaly(8, contamination=0.05, random_state=0)


def test_shapes_dtypes_and_range(splits):
    total = 0
    for X, y in splits:
        assert X.ndim == 4 and X.shape[1:] == (8, 8, 1)
        assert X.dtype == np.float32 and y.dtype == np.int64
        assert X.shape[0] == y.shape[0]
        assert X.min() >= 0.0 and X.max() <= 1.0
        assert set(np.unique(y)) == {0, 1}
        total += len(y)
    # 1,797 digits, 174 of them eights: 1,623 normal + round(0.05 * 1623 / 0.95) = 85 anomalies.
    assert total == 1623 + 85


def test_anomaly_rate_and_stratification(splits):
    (_, y_train), (_, y_val), (_, y_test) = splits
    y_all = np.concatenate([y_train, y_val, y_test])
    assert y_all.mean() == pytest.approx(0.05, abs=0.001)
    for y in (y_train, y_val, y_test):
        assert y.mean() == pytest.approx(0.05, abs=0.01)
    assert len(y_test) == pytest.approx(0.2 * len(y_all), abs=1)
    assert len(y_val) == pytest.approx(0.2 * len(y_all), abs=1)


def test_anomalies_are_the_chosen_digit():
    from sklearn.datasets import load_digits

    digits = load_digits()
    lookup = {image.tobytes(): label for image, label in
              zip((digits.data / 16.0).astype(np.float32), digits.target, strict=True)}
    (X_train, y_train), _, _ = load_digits_anomaly(3, random_state=1)
    labels = np.array([lookup[x.reshape(64).tobytes()] for x in X_train])
    assert np.all((labels == 3) == (y_train == 1))


def test_same_seed_same_split_other_seed_other_split():
    first = load_digits_anomaly(2, random_state=7)
    again = load_digits_anomaly(2, random_state=7)
    other = load_digits_anomaly(2, random_state=8)
    np.testing.assert_array_equal(first[0][0], again[0][0])
    assert not np.array_equal(first[0][0], other[0][0])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"anomaly_digit": 10}, ValueError, r"anomaly_digit must be an int from 0 to 9; got 10"),
        ({"anomaly_digit": 2.0}, TypeError, r"anomaly_digit must be an int .* type float"),
        ({"anomaly_digit": 1, "contamination": 0.7}, ValueError,
         r"contamination must be in \(0, 0.5\]; got 0.7"),
        ({"anomaly_digit": 1, "contamination": 0.3}, ValueError,
         r"contamination must be at most 0.1\d\d for anomaly_digit=1"),
        ({"anomaly_digit": 1, "contamination": 0.001}, ValueError, r"contamination is too small"),
        ({"anomaly_digit": 1, "validation_size": 0.5, "test_size": 0.5}, ValueError,
         r"validation_size \+ test_size must be below 1"),
        ({"anomaly_digit": 1, "random_state": -1}, ValueError,
         r"random_state must be a non-negative int seed; got -1"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    digit = kwargs.pop("anomaly_digit")
    with pytest.raises(error, match=message):
        load_digits_anomaly(digit, **kwargs)
