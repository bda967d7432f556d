"""Tests of helpers/models.py: the chapter-5 CNN and the autoencoder builders.

TensorFlow makes these the slowest unit tests; every model is tiny and every fit
runs a handful of steps.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.datasets import load_digits_anomaly  # noqa: E402
from helpers.models import (  # noqa: E402
    build_cnn,
    build_conv1d_autoencoder,
    build_conv_autoencoder,
    build_dense_autoencoder,
    build_dense_network,
    build_lstm_autoencoder,
    train_cnn,
)


def _shapes(model):
    """Map each layer's name to its output shape (batch axis included, as None)."""
    return {layer.name: tuple(layer.output.shape) for layer in model.layers}


def _fit_reconstruction(model, X, *, epochs, batch_size, learning_rate):
    """Train ``model`` to reproduce ``X``; return the per-epoch losses and the final MSE."""
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    history = model.fit(X, X, epochs=epochs, batch_size=batch_size, shuffle=True, verbose=0)
    reconstruction = model(X, training=False).numpy()
    return history.history["loss"], float(np.mean((reconstruction - X) ** 2))


def _constant_baseline(X):
    """MSE of the best constant reconstruction: every sample replaced by the mean sample."""
    return float(np.mean((X - X.mean(axis=0)) ** 2))


def _sine_windows(n_windows, window_length, seed=0):
    """Windows of sine waves with random phase and amplitude, shape (n, length, 1)."""
    rng = np.random.default_rng(seed)
    t = np.arange(window_length) / window_length
    phase = rng.uniform(0, 2 * np.pi, size=(n_windows, 1))
    amplitude = rng.uniform(0.5, 1.5, size=(n_windows, 1))
    waves = amplitude * np.sin(2 * np.pi * 2 * t + phase)
    return waves[..., None].astype(np.float32)


# ---------------------------------------------------------------------------
# build_cnn
# ---------------------------------------------------------------------------


def test_cnn_layer_shapes_follow_the_chapter():
    assert _shapes(build_cnn()) == {
        "conv1": (None, 8, 8, 32),
        "pool1": (None, 4, 4, 32),
        "conv2": (None, 4, 4, 64),
        "pool2": (None, 2, 2, 64),
        "flatten": (None, 256),
        "dense": (None, 64),
        "anomaly_probability": (None, 1),
    }


def test_cnn_default_parameter_count():
    # 320 + 18,496 (convolutions) + 16,448 (dense) + 65 (output), as chapter 5 computes.
    assert build_cnn().count_params() == 35_329


def test_cnn_options_change_the_architecture():
    model = build_cnn((16, 16, 3), filters=(8, 8, 8), dense_units=10, dropout_rate=0.5)
    shapes = _shapes(model)
    assert shapes["pool3"] == (None, 2, 2, 8)
    assert shapes["dense"] == (None, 10)
    assert "dropout" in shapes
    assert "dropout" not in _shapes(build_cnn())


def test_cnn_outputs_probabilities_and_is_uncompiled():
    model = build_cnn()
    assert not model.compiled
    images = np.random.default_rng(0).random((4, 8, 8, 1)).astype(np.float32)
    probabilities = model(images, training=False).numpy()
    assert probabilities.shape == (4, 1)
    assert np.all((probabilities > 0) & (probabilities < 1))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"input_shape": "8x8"}, TypeError,
         r"input_shape must be a 3-entry tuple of ints >= 1; got '8x8' of type str"),
        ({"input_shape": (8, 8)}, ValueError,
         r"input_shape must be a 3-entry tuple .*got \(8, 8\)"),
        ({"input_shape": (8, 0, 1)}, ValueError,
         r"each entry of input_shape must be an int >= 1; got 0"),
        ({"filters": ()}, ValueError, r"filters must be a non-empty tuple"),
        ({"filters": (32, 2.5)}, TypeError, r"each entry of filters must be an int; got 2.5"),
        ({"kernel_size": 0}, ValueError, r"kernel_size must be an int >= 1; got 0"),
        ({"dense_units": "64"}, TypeError, r"dense_units must be an int; got '64'"),
        ({"dropout_rate": 1.0}, ValueError, r"dropout_rate must be in \[0, 1\); got 1.0"),
        ({"filters": (8, 8, 8, 8)}, ValueError,
         r"too small for 4 pooling steps.*at least 16"),
    ],
)
def test_cnn_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_cnn(**kwargs)


# ---------------------------------------------------------------------------
# train_cnn
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_digits():
    """About 200 training and 70 validation digits, digit 8 anomalous."""
    (X_train, y_train), (X_val, y_val), _ = load_digits_anomaly(8, random_state=0)
    return X_train[:200], y_train[:200], X_val[:70], y_val[:70]


@pytest.mark.slow
def test_train_cnn_returns_model_and_history(tiny_digits):
    X_train, y_train, X_val, y_val = tiny_digits
    assert 0 < y_train.sum() < len(y_train)
    model, history = train_cnn(X_train, y_train, X_val, y_val, epochs=2, batch_size=128,
                               patience=2, filters=(4, 8), dense_units=8)
    assert set(history) == {"loss", "val_loss"}
    assert len(history["loss"]) == len(history["val_loss"]) == 2
    assert all(isinstance(value, float) and np.isfinite(value) for value in history["loss"])
    assert model.output_shape == (None, 1)
    assert _shapes(model)["conv2"] == (None, 4, 4, 8)  # build_kwargs reached build_cnn
    assert model.compiled


@pytest.mark.slow
def test_train_cnn_without_patience_trains_every_epoch(tiny_digits):
    X_train, y_train, X_val, y_val = tiny_digits
    _, history = train_cnn(X_train, y_train, X_val, y_val, epochs=3, patience=None,
                           filters=(4,), dense_units=4)
    assert set(history) == {"loss"}  # the validation data are not evaluated
    assert len(history["loss"]) == 3


@pytest.mark.slow
def test_train_cnn_retrains_a_model_as_if_new(tiny_digits):
    # Passing model= reuses the traced graph; the result must equal a fresh build's
    # with the same seed (which also checks that training is reproducible).
    X_train, y_train, X_val, y_val = tiny_digits
    options = {"epochs": 2, "patience": None, "filters": (4,), "dense_units": 4}
    model, first = train_cnn(X_train, y_train, X_val, y_val, random_state=5, **options)
    fresh_model, fresh = train_cnn(X_train, y_train, X_val, y_val, random_state=7, **options)
    reused, again = train_cnn(X_train, y_train, X_val, y_val, random_state=7, model=model,
                              epochs=2, patience=None)
    assert reused is model
    assert again == fresh
    assert again != first
    for mine, theirs in zip(reused.get_weights(), fresh_model.get_weights(), strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_train_cnn_refuses_an_uncompiled_model(tiny_digits):
    X_train, y_train, X_val, y_val = tiny_digits
    with pytest.raises(ValueError, match=r"model must be a compiled model returned by train_cnn"):
        train_cnn(X_train, y_train, X_val, y_val, epochs=1, model=build_cnn())


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"epochs": 0}, ValueError, r"epochs must be an int >= 1; got 0"),
        ({"patience": 0}, ValueError, r"patience must be an int >= 1; got 0"),
        ({"learning_rate": -1.0}, ValueError,
         r"learning_rate must be a finite number > 0; got -1.0"),
        ({"class_weight": "auto"}, ValueError,
         r"class_weight must be one of 'balanced', None; got 'auto'"),
        ({"random_state": -1}, ValueError, r"random_state must be a non-negative int seed"),
    ],
)
def test_train_cnn_rejects_bad_arguments(tiny_digits, kwargs, error, match):
    X_train, y_train, X_val, y_val = tiny_digits
    with pytest.raises(error, match=match):
        train_cnn(X_train, y_train, X_val, y_val, **kwargs)


def test_train_cnn_rejects_labels_that_are_not_binary(tiny_digits):
    X_train, y_train, X_val, y_val = tiny_digits
    with pytest.raises(ValueError, match=r"y_train must hold 0/1 labels; got values \[0 1 7\]"):
        train_cnn(X_train, np.where(np.arange(len(y_train)) == 0, 7, y_train), X_val, y_val)


# ---------------------------------------------------------------------------
# build_dense_autoencoder
# ---------------------------------------------------------------------------


def test_dense_autoencoder_mirrors_its_encoder():
    model = build_dense_autoencoder(21)
    assert _shapes(model) == {
        "hidden_0": (None, 32),
        "hidden_1": (None, 8),
        "hidden_2": (None, 32),
        "output": (None, 21),
    }
    assert model.input_shape == (None, 21)
    assert model.name == "dense_autoencoder"
    # (21*32 + 32) + (32*8 + 8) + (8*32 + 32) + (32*21 + 21)
    assert model.count_params() == 1_949
    assert not model.compiled


def test_dense_autoencoder_dropout_and_activations():
    model = build_dense_autoencoder(10, hidden_units=[6, 4, 2], dropout_rate=0.1,
                                    activation="tanh", output_activation="sigmoid")
    names = [layer.name for layer in model.layers]
    assert names == ["hidden_0", "dropout_0", "hidden_1", "dropout_1", "hidden_2", "dropout_2",
                     "hidden_3", "dropout_3", "hidden_4", "dropout_4", "output"]
    assert [model.get_layer(f"hidden_{i}").units for i in range(5)] == [6, 4, 2, 4, 6]
    assert model.get_layer("output").activation.__name__ == "sigmoid"
    assert model.get_layer("hidden_0").activation.__name__ == "tanh"


def test_dense_autoencoder_is_the_dense_network_it_describes():
    keras.utils.set_random_seed(0)
    autoencoder = build_dense_autoencoder(9, hidden_units=(16, 4))
    keras.utils.set_random_seed(0)
    network = build_dense_network(9, (16, 4, 16), output_units=9)
    for ours, theirs in zip(autoencoder.get_weights(), network.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_dense_network_shapes_and_bias():
    model = build_dense_network(5, (8, 3), output_units=2, use_bias=False, name="s")
    assert model.name == "s"
    assert model.output_shape == (None, 2)
    assert all(len(layer.weights) == 1 for layer in model.layers)  # kernels only
    assert build_dense_network(5, (), output_units=2).count_params() == 5 * 2 + 2
    assert build_dense_network(5, (7,)).output_shape == (None, 7)  # no output layer


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"hidden_units": ()}, ValueError, r"hidden_units must be a non-empty tuple .* got \(\)"),
        ({"hidden_units": (4,), "output_units": 0}, ValueError,
         r"output_units must be an int >= 1; got 0"),
        ({"hidden_units": (4,), "use_bias": 1}, TypeError, r"use_bias must be True or False"),
        ({"hidden_units": (4,), "dropout_rate": 1.0}, ValueError,
         r"dropout_rate must be in \[0, 1\); got 1\.0"),
    ],
)
def test_dense_network_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        build_dense_network(5, **kwargs)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((0,), {}, ValueError, r"input_dim must be an int >= 1; got 0"),
        ((6,), {}, ValueError,
         r"bottleneck hidden_units\[-1\] must be smaller than input_dim=6.*got hidden_units="
         r"\(32, 8\)"),
        ((10,), {"hidden_units": 8}, TypeError, r"hidden_units must be a non-empty tuple"),
        ((10,), {"hidden_units": (8, 0)}, ValueError,
         r"each entry of hidden_units must be an int >= 1"),
        ((10,), {"activation": "rleu"}, ValueError,
         r"activation must be the name of a Keras activation.*got 'rleu'"),
        ((10,), {"output_activation": None}, TypeError,
         r"output_activation must be the name of a Keras activation.*NoneType"),
        ((10,), {"dropout_rate": -0.1}, ValueError, r"dropout_rate must be in \[0, 1\)"),
    ],
)
def test_dense_autoencoder_rejects_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        build_dense_autoencoder(*args, **kwargs)


@pytest.mark.slow
def test_dense_autoencoder_learns_a_low_dimensional_data_set():
    # 256 points on a 2-D plane in 10-D, plus a little noise: a 2-unit code suffices.
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(256, 2)) @ rng.normal(size=(2, 10))
         + 0.05 * rng.normal(size=(256, 10))).astype(np.float32)
    keras.utils.set_random_seed(0)  # initial weights independent of the tests run before
    model = build_dense_autoencoder(10, hidden_units=(16, 2), activation="linear")
    losses, mse = _fit_reconstruction(model, X, epochs=10, batch_size=128, learning_rate=3e-2)
    assert losses[-1] < 0.5 * losses[0]
    assert mse < 0.1 * _constant_baseline(X)


# ---------------------------------------------------------------------------
# build_conv_autoencoder
# ---------------------------------------------------------------------------


def test_conv_autoencoder_shapes():
    model = build_conv_autoencoder((32, 32, 1))
    assert _shapes(model) == {
        "image": (None, 32, 32, 1),
        "encoder_conv1": (None, 32, 32, 16),
        "encoder_pool1": (None, 16, 16, 16),
        "encoder_conv2": (None, 16, 16, 32),
        "encoder_pool2": (None, 8, 8, 32),
        "decoder_deconv1": (None, 16, 16, 32),
        "decoder_deconv2": (None, 32, 32, 16),
        "reconstruction": (None, 32, 32, 1),
    }
    assert not model.compiled


def test_conv_autoencoder_keeps_the_shape_of_other_images():
    model = build_conv_autoencoder((24, 16, 3), filters=(4, 4, 4), pool_size=2)
    assert model.output_shape == (None, 24, 16, 3)
    assert model.get_layer("encoder_pool3").output.shape == (None, 3, 2, 4)
    images = np.random.default_rng(0).random((2, 24, 16, 3)).astype(np.float32)
    output = model(images, training=False).numpy()
    assert np.all((output > 0) & (output < 1))  # sigmoid reconstruction


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (((30, 32, 1),), {}, ValueError,
         r"input_shape height=30 must be divisible by 4: each of the 2 encoder steps"),
        (((32, 20, 1),), {"filters": (4, 4, 4)}, ValueError,
         r"input_shape width=20 must be divisible by 8"),
        (((32, 32),), {}, ValueError, r"input_shape must be a 3-entry tuple of ints >= 1"),
        (((32, 32, 1),), {"pool_size": 1}, ValueError, r"pool_size must be an int >= 2; got 1"),
        (((32, 32, 1),), {"filters": 16}, TypeError, r"filters must be a non-empty tuple"),
    ],
)
def test_conv_autoencoder_rejects_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        build_conv_autoencoder(*args, **kwargs)


@pytest.mark.slow
def test_conv_autoencoder_learns_smooth_images():
    # Horizontal stripes of one frequency with a random phase, pixels in [0.1, 0.9].
    rng = np.random.default_rng(0)
    rows = np.arange(16)[None, :, None, None]
    phase = rng.uniform(0, 2 * np.pi, size=(128, 1, 1, 1))
    X = (0.5 + 0.4 * np.sin(2 * np.pi * rows / 8 + phase) * np.ones((1, 1, 16, 1))).astype(
        np.float32)
    model = build_conv_autoencoder((16, 16, 1), filters=(8, 8))
    losses, mse = _fit_reconstruction(model, X, epochs=10, batch_size=64, learning_rate=1e-2)
    assert losses[-1] < 0.5 * losses[0]
    assert mse < 0.3 * _constant_baseline(X)


# ---------------------------------------------------------------------------
# build_conv1d_autoencoder
# ---------------------------------------------------------------------------


def test_conv1d_autoencoder_is_the_keras_example_model():
    model = build_conv1d_autoencoder(288, dropout_rate=0.2)
    assert model.count_params() == 9_505  # the example's model.summary()
    assert _shapes(model) == {
        "window": (None, 288, 1),
        "encoder_conv1": (None, 144, 32),
        "encoder_dropout1": (None, 144, 32),
        "encoder_conv2": (None, 72, 16),
        "decoder_deconv1": (None, 144, 16),
        "decoder_dropout1": (None, 144, 16),
        "decoder_deconv2": (None, 288, 32),
        "reconstruction": (None, 288, 1),
    }
    assert "encoder_dropout1" not in _shapes(build_conv1d_autoencoder(288))
    assert not model.compiled


def test_conv1d_autoencoder_several_features():
    model = build_conv1d_autoencoder(27, n_features=3, filters=(4, 4, 4), strides=3,
                                     kernel_size=3)
    assert model.output_shape == (None, 27, 3)
    assert model.get_layer("encoder_conv3").output.shape == (None, 1, 4)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((100,), {"filters": (8, 8, 8)}, ValueError, r"window_length=100 must be divisible by 8"),
        ((0,), {}, ValueError, r"window_length must be an int >= 1; got 0"),
        ((32,), {"n_features": 1.0}, TypeError, r"n_features must be an int; got 1.0"),
        ((32,), {"kernel_size": -7}, ValueError, r"kernel_size must be an int >= 1; got -7"),
        ((32,), {"dropout_rate": 0.2j}, TypeError, r"dropout_rate must be a number"),
        ((32,), {"activation": 3}, TypeError, r"activation must be the name of a Keras"),
    ],
)
def test_conv1d_autoencoder_rejects_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        build_conv1d_autoencoder(*args, **kwargs)


@pytest.mark.slow
def test_conv1d_autoencoder_learns_sine_windows():
    X = _sine_windows(256, 32)
    model = build_conv1d_autoencoder(32, filters=(16, 8), kernel_size=5)
    losses, mse = _fit_reconstruction(model, X, epochs=10, batch_size=128, learning_rate=1e-2)
    assert losses[-1] < 0.5 * losses[0]
    assert mse < 0.2 * _constant_baseline(X)


# ---------------------------------------------------------------------------
# build_lstm_autoencoder
# ---------------------------------------------------------------------------


def test_lstm_autoencoder_shapes():
    model = build_lstm_autoencoder(48, units=(16, 4))
    assert _shapes(model) == {
        "window": (None, 48, 1),
        "encoder_lstm1": (None, 48, 16),
        "encoder_lstm2": (None, 4),
        "repeat_code": (None, 48, 4),
        "decoder_lstm1": (None, 48, 4),
        "decoder_lstm2": (None, 48, 16),
        "reconstruction": (None, 48, 1),
    }
    # An LSTM layer has 4 * units * (inputs + units + 1) parameters.
    expected = (4 * 16 * (1 + 16 + 1) + 4 * 4 * (16 + 4 + 1) + 4 * 4 * (4 + 4 + 1)
                + 4 * 16 * (4 + 16 + 1) + (16 + 1))
    assert model.count_params() == expected
    assert not model.compiled


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((48,), {"units": 32}, TypeError, r"units must be a non-empty tuple of ints >= 1"),
        ((48,), {"units": (32, -1)}, ValueError,
         r"each entry of units must be an int >= 1; got -1"),
        ((48, 0), {}, ValueError, r"n_features must be an int >= 1; got 0"),
        ((True,), {}, TypeError, r"window_length must be an int; got True"),
        ((48,), {"dropout_rate": 1.5}, ValueError, r"dropout_rate must be in \[0, 1\); got 1.5"),
    ],
)
def test_lstm_autoencoder_rejects_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        build_lstm_autoencoder(*args, **kwargs)


@pytest.mark.slow
def test_lstm_autoencoder_learns_levels():
    # Windows at a random level with a fixed ripple: the code only needs the level.
    # (Random-phase sines take an LSTM autoencoder far more steps than a test can afford.)
    rng = np.random.default_rng(0)
    level = rng.uniform(-1, 1, size=(128, 1))
    ripple = 0.2 * np.sin(2 * np.pi * np.arange(16) / 16)
    X = (level + ripple)[..., None].astype(np.float32)
    model = build_lstm_autoencoder(16, units=(8,))
    losses, mse = _fit_reconstruction(model, X, epochs=8, batch_size=32, learning_rate=2e-2)
    assert losses[-1] < 0.5 * losses[0]
    assert mse < 0.2 * _constant_baseline(X)


@pytest.mark.parametrize(
    "build",
    [lambda: build_cnn(), lambda: build_dense_autoencoder(12),
     lambda: build_conv_autoencoder((8, 8, 1)), lambda: build_conv1d_autoencoder(16),
     lambda: build_lstm_autoencoder(8)],
    ids=["cnn", "dense", "conv", "conv1d", "lstm"],
)
def test_builders_print_nothing(build, capsys):
    build()
    captured = capsys.readouterr()
    assert captured.out == ""
