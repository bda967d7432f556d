"""Fuzzing the public API with Hypothesis: bad input gets a clear error, never a crash.

Arrays with NaN or infinity, empty arrays, arrays of the wrong rank, and arrays of
objects or strings; parameters out of range or of the wrong type. Each must raise
ValueError or TypeError whose message names the parameter, and none may reach
TensorFlow (no frame of the traceback is in TensorFlow or Keras). Few examples per
test, so that the file stays fast.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import traceback  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402

from helpers import metrics, models, numpy_nn, plotting  # noqa: E402
from helpers.datasets import load_digits_anomaly, make_transactions  # noqa: E402
from helpers.detectors import AutoencoderDetector, DeepSVDDDetector  # noqa: E402
from helpers.distributed import iter_npy_chunks, run_local_workers, score_stream  # noqa: E402

FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def _raises_clearly(call, parameter):
    """Run ``call``; it must raise ValueError/TypeError naming ``parameter``, outside TF."""
    with pytest.raises((ValueError, TypeError)) as caught:
        call()
    frames = traceback.extract_tb(caught.value.__traceback__)
    inside = [frame.filename for frame in frames
              if f"{os.sep}tensorflow{os.sep}" in frame.filename
              or f"{os.sep}keras{os.sep}" in frame.filename]
    assert inside == [], f"the error came from inside TensorFlow: {caught.value!r}"
    if parameter is not None:
        assert parameter in str(caught.value), f"{caught.value!r} does not name {parameter!r}"
    return caught.value


# ------------------------------------------------------------------ bad arrays


def _with_non_finite(shape):
    def plant(array_and_value):
        array, value, position = array_and_value
        array = array.copy()
        array.flat[position % array.size] = value
        return array

    return st.tuples(
        hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)),
        st.sampled_from([np.nan, np.inf, -np.inf]),
        st.integers(0, 1000),
    ).map(plant)


def bad_arrays(rank, size=3):
    """Arrays that a function expecting a ``rank``-D float array must refuse."""
    good_shape = (size,) * rank
    wrong_ranks = [r for r in (0, 1, 2, 3, 4) if r != rank]
    return st.one_of(
        _with_non_finite(good_shape),
        st.just(np.empty((0,) * rank if rank else (0,))),
        st.sampled_from(wrong_ranks).map(lambda r: np.ones((2,) * r)),
        st.just(np.full(good_shape, "a")),
        st.just(np.full(good_shape, None, dtype=object)),
    )


LABELS = np.array([0, 1, 0])


@FUZZ
@given(scores=bad_arrays(1))
def test_metrics_refuse_bad_scores(scores):
    _raises_clearly(lambda: metrics.evaluate_scores(LABELS, scores, threshold=0.5), "scores")
    _raises_clearly(lambda: metrics.best_f1_threshold(LABELS, scores), "scores")


@FUZZ
@given(labels=st.one_of(st.just(np.array(["0", "1", "0"])), st.just(np.ones((3, 2))),
                        st.just(np.array([0, 1, 2])), st.just(np.array([None, 1, 0]))))
def test_metrics_refuse_bad_labels(labels):
    _raises_clearly(lambda: metrics.evaluate_scores(labels, [0.1, 0.2, 0.3], threshold=0.5),
                    "y_true")


@FUZZ
@given(x=bad_arrays(4))
def test_numpy_nn_refuses_bad_images(x):
    kernel = np.ones((1, 1, 3, 2))
    _raises_clearly(lambda: numpy_nn.conv2d(x, kernel), "x")
    _raises_clearly(lambda: numpy_nn.max_pool2d(x, 1), "x")


@FUZZ
@given(x=bad_arrays(2))
def test_numpy_nn_refuses_bad_dense_input(x):
    _raises_clearly(lambda: numpy_nn.dense(x, np.ones((3, 2))), "x")


@FUZZ
@given(z=bad_arrays(1).filter(lambda z: z.ndim != 2 and z.ndim != 3 and z.ndim != 4))
def test_numpy_nn_refuses_bad_logits(z):
    _raises_clearly(lambda: numpy_nn.softmax(z), "z")


@FUZZ
@given(scores=bad_arrays(1).filter(lambda s: s.ndim <= 1))
def test_plotting_refuses_bad_scores(scores):
    figure, ax = plt.subplots()
    try:
        _raises_clearly(lambda: plotting.plot_score_distributions(scores, LABELS, ax=ax), "scores")
    finally:
        plt.close(figure)


@FUZZ
@given(X=bad_arrays(2))
def test_detectors_refuse_bad_training_data_before_tensorflow(X):
    for detector in (AutoencoderDetector(epochs=1), DeepSVDDDetector(epochs=1)):
        # scikit-learn's own messages (validate_data), as every scikit-learn estimator gives.
        error = _raises_clearly(lambda detector=detector: detector.fit(X), None)
        assert any(word in str(error) for word in (
            "X", "array", "sample", "float", "Expected 2D")), error


@pytest.fixture(scope="module")
def forest():
    return IsolationForest(n_estimators=5, random_state=0).fit(np.ones((10, 3)))


@FUZZ
@given(batch=bad_arrays(2).filter(lambda b: b.ndim == 2 and b.size))
def test_score_stream_refuses_bad_batches(forest, batch):
    _raises_clearly(lambda: list(score_stream(forest, [np.ones((2, 3)), batch])), "batch 1")


# ------------------------------------------------------------------ bad parameters

NOT_POSITIVE_INTS = st.one_of(st.integers(max_value=0), st.floats(allow_nan=True),
                              st.text(max_size=3), st.none(), st.booleans())
NOT_POSITIVE_NUMBERS = st.one_of(st.floats(max_value=0), st.just(np.inf), st.just(np.nan),
                                 st.text(max_size=3), st.none(), st.booleans())
NOT_FRACTIONS = st.one_of(st.floats(max_value=0), st.floats(min_value=0.51),
                          st.just(np.nan), st.text(max_size=3), st.none())


@FUZZ
@given(value=NOT_POSITIVE_INTS)
def test_model_builders_refuse_bad_sizes(value):
    _raises_clearly(lambda: models.build_dense_autoencoder(value), "input_dim")
    _raises_clearly(lambda: models.build_dense_network(4, (value,)), "hidden_units")
    _raises_clearly(lambda: models.build_cnn(filters=(value,)), "filters")
    _raises_clearly(lambda: models.build_lstm_autoencoder(value), "window_length")


@FUZZ
@given(value=NOT_FRACTIONS.filter(lambda v: not (isinstance(v, float) and 0 <= v < 1)))
def test_model_builders_refuse_bad_dropout(value):
    _raises_clearly(lambda: models.build_dense_autoencoder(12, dropout_rate=value), "dropout_rate")


@FUZZ
@given(parameter=st.sampled_from(["epochs", "batch_size", "n_estimators"]),
       value=NOT_POSITIVE_INTS)
def test_detectors_refuse_bad_counts(parameter, value):
    detector = AutoencoderDetector().set_params(**{parameter: value})
    _raises_clearly(lambda: detector.fit(np.ones((4, 3))), parameter)


@FUZZ
@given(value=NOT_POSITIVE_NUMBERS)
def test_detectors_refuse_bad_learning_rates(value):
    detector = DeepSVDDDetector(learning_rate=value)
    _raises_clearly(lambda: detector.fit(np.ones((4, 3))), "learning_rate")


@FUZZ
@given(value=NOT_FRACTIONS)
def test_detectors_and_loaders_refuse_bad_contamination(value):
    _raises_clearly(lambda: AutoencoderDetector(contamination=value).fit(np.ones((4, 3))),
                    "contamination")
    _raises_clearly(lambda: load_digits_anomaly(1, contamination=value), "contamination")
    _raises_clearly(lambda: make_transactions(10, 5, fraud_rate=value), "fraud_rate")


@FUZZ
@given(value=NOT_POSITIVE_INTS)
def test_distributed_refuses_bad_sizes(value, tmp_path_factory):
    folder = tmp_path_factory.mktemp("shards")
    np.save(folder / "shard.npy", np.ones((4, 3), dtype=np.float32))
    _raises_clearly(lambda: iter_npy_chunks(folder / "shard.npy", chunk_rows=value),
                    "chunk_rows")
    _raises_clearly(lambda: run_local_workers(folder, epochs=value), "epochs")
    _raises_clearly(lambda: run_local_workers(folder, batch_size=value), "batch_size")
