"""Tests of helpers.numpy_nn: every reference op against TensorFlow/Keras.

Inputs always reach TensorFlow as ``tf.constant``: with a raw float64 NumPy array,
``tf.nn.max_pool2d`` silently returns float32 from its second call on (TF 2.21).
"""

import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import warnings  # noqa: E402

import hypothesis.strategies as st  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from numpy.testing import assert_allclose  # noqa: E402

from helpers import numpy_nn as nn  # noqa: E402

EXAMPLES = settings(max_examples=30, deadline=None)
TOLERANCE = {np.float64: 1e-8, np.float32: 1e-5}  # rtol and atol, per dtype


def assert_close(actual, expected, dtype):
    """Same shape, same dtype as the input, and equal within the dtype's tolerance."""
    expected = np.asarray(expected)
    assert actual.dtype == dtype, f"dtype {actual.dtype}, expected {np.dtype(dtype)}"
    assert actual.shape == expected.shape
    tol = TOLERANCE[dtype]
    assert_allclose(actual, expected, rtol=tol, atol=tol)


def tf_padding(padding):
    return padding.upper()


def as_list(pair):
    return list(pair) if isinstance(pair, tuple) else pair


# ------------------------------------------------------------------ strategies

dtypes = st.sampled_from([np.float64, np.float32])
paddings = st.sampled_from(["valid", "same"])
small = st.integers(min_value=1, max_value=4)
pairs = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))


def both(value):
    return value if isinstance(value, tuple) else (value, value)


@st.composite
def image_cases(draw, window_name):
    """A random image batch and a window (kernel or pool) that fits the padding."""
    padding = draw(paddings)
    window = draw(st.one_of(small, st.tuples(small, small)))
    window_h, window_w = both(window)
    low_h, low_w = (window_h, window_w) if padding == "valid" else (1, 1)
    shape = (
        draw(st.integers(1, 3)),
        draw(st.integers(low_h, 10)),
        draw(st.integers(low_w, 10)),
        draw(st.integers(1, 3)),
    )
    return {
        "shape": shape,
        window_name: window,
        "stride": draw(pairs),
        "padding": padding,
        "dtype": draw(dtypes),
        "rng": np.random.default_rng(draw(st.integers(0, 2**32 - 1))),
    }


# ------------------------------------------------------------------ convolution


def test_conv2d_is_cross_correlation():
    # d2l's worked example: the kernel slides without being flipped.
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    kernel = np.array([[0.0, 1.0], [2.0, 3.0]]).reshape(2, 2, 1, 1)
    assert_allclose(nn.conv2d(x, kernel)[0, :, :, 0], [[19.0, 25.0], [37.0, 43.0]])


@EXAMPLES
@given(case=image_cases("kernel"), out_channels=small, with_bias=st.booleans())
def test_conv2d_matches_tf(case, out_channels, with_bias):
    rng, dtype = case["rng"], case["dtype"]
    kernel_h, kernel_w = both(case["kernel"])
    x = rng.normal(size=case["shape"]).astype(dtype)
    kernel = rng.normal(size=(kernel_h, kernel_w, case["shape"][3], out_channels)).astype(dtype)
    bias = rng.normal(size=out_channels).astype(dtype) if with_bias else None
    expected = tf.nn.conv2d(tf.constant(x), tf.constant(kernel), strides=as_list(case["stride"]),
                            padding=tf_padding(case["padding"]))
    if with_bias:
        expected = expected + bias
    actual = nn.conv2d(x, kernel, bias, stride=case["stride"], padding=case["padding"])
    assert_close(actual, expected, dtype)


@pytest.mark.parametrize("size", [1, 2, 5, 6, 7])
@pytest.mark.parametrize("kernel_size", [1, 2, 3, 4])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_conv2d_same_padding_geometry(size, kernel_size, stride):
    # Odd total paddings put the extra row/column after, and strides shrink the total.
    x = np.random.default_rng(size).normal(size=(1, size, size + 1, 1))
    kernel = np.random.default_rng(kernel_size).normal(size=(kernel_size, kernel_size, 1, 1))
    expected = tf.nn.conv2d(tf.constant(x), tf.constant(kernel), strides=stride, padding="SAME")
    actual = nn.conv2d(x, kernel, stride=stride, padding="same")
    assert actual.shape == (1, -(-size // stride), -(-(size + 1) // stride), 1)
    assert_close(actual, expected, np.float64)


def test_conv2d_matches_keras_layer():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 9, 8, 3)).astype(np.float32)
    layer = keras.layers.Conv2D(filters=5, kernel_size=(3, 2), strides=2, padding="same")
    layer.build((None, 9, 8, 3))
    kernel, bias = rng.normal(size=(3, 2, 3, 5)), rng.normal(size=5)
    layer.set_weights([kernel, bias])
    expected = layer(x)
    actual = nn.conv2d(x, kernel.astype(np.float32), bias.astype(np.float32), stride=2,
                       padding="same")
    assert_close(actual, expected, np.float32)


# ------------------------------------------------------------------ pooling


@EXAMPLES
@given(case=image_cases("pool_size"), default_stride=st.booleans())
def test_pooling_matches_tf(case, default_stride):
    rng, dtype, pool_size = case["rng"], case["dtype"], case["pool_size"]
    stride = None if default_stride else case["stride"]
    x = tf.constant(rng.normal(size=case["shape"]).astype(dtype))
    tf_args = {
        "ksize": as_list(pool_size),
        "strides": as_list(pool_size if stride is None else stride),
        "padding": tf_padding(case["padding"]),
    }
    for ours, theirs in [(nn.max_pool2d, tf.nn.max_pool2d), (nn.avg_pool2d, tf.nn.avg_pool2d)]:
        actual = ours(x.numpy(), pool_size, stride=stride, padding=case["padding"])
        assert_close(actual, theirs(x, **tf_args), dtype)


def test_avg_pool2d_same_padding_averages_real_pixels_only():
    x = np.ones((1, 3, 3, 1))
    # Zero padding counted in the mean would give values below 1 at the border.
    assert_allclose(nn.avg_pool2d(x, 2, padding="same"), np.ones((1, 2, 2, 1)))


def test_max_pool2d_padding_never_wins():
    x = -np.arange(1.0, 10.0).reshape(1, 3, 3, 1)  # all negative: zero padding would win
    assert_allclose(nn.max_pool2d(x, 2, padding="same")[0, :, :, 0], [[-1.0, -3.0], [-7.0, -9.0]])


def test_pooling_matches_keras_layers():
    x = np.random.default_rng(1).normal(size=(2, 7, 7, 3)).astype(np.float32)
    max_layer = keras.layers.MaxPooling2D(pool_size=3, strides=2, padding="same")
    avg_layer = keras.layers.AveragePooling2D(pool_size=3, strides=2, padding="same")
    assert_close(nn.max_pool2d(x, 3, stride=2, padding="same"), max_layer(x), np.float32)
    assert_close(nn.avg_pool2d(x, 3, stride=2, padding="same"), avg_layer(x), np.float32)


# ------------------------------------------------------------------ activations and dense

EXTREMES = np.array([-1e300, -1e4, -800.0, -50.0, -1.0, -1e-300, 0.0, 1e-300, 1.0, 50.0, 800.0,
                     1e4, 1e300])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(nn.relu, keras.ops.relu), (nn.sigmoid, keras.ops.sigmoid), (nn.tanh, keras.ops.tanh)],
    ids=["relu", "sigmoid", "tanh"],
)
def test_activations_match_keras(ours, theirs, dtype):
    z = np.concatenate([
        np.random.default_rng(2).normal(scale=5, size=200),
        np.clip(EXTREMES, np.finfo(dtype).min, np.finfo(dtype).max),
    ]).astype(dtype).reshape(3, -1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            actual = ours(z)
    assert np.all(np.isfinite(actual))
    assert_close(actual, theirs(tf.constant(z)), dtype)


def test_sigmoid_saturates_exactly():
    assert_allclose(nn.sigmoid(np.array([-1e4, 0.0, 1e4])), [0.0, 0.5, 1.0], rtol=0, atol=0)


@EXAMPLES
@given(batch=st.integers(1, 6), in_features=small, out_features=small, dtype=dtypes,
       seed=st.integers(0, 2**32 - 1))
def test_dense_matches_keras(batch, in_features, out_features, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, in_features)).astype(dtype)
    weights = rng.normal(size=(in_features, out_features)).astype(dtype)
    bias = rng.normal(size=out_features).astype(dtype)
    expected = tf.matmul(tf.constant(x), tf.constant(weights)) + bias
    assert_close(nn.dense(x, weights, bias), expected, dtype)
    assert_close(nn.dense(x, weights), x @ weights, dtype)


# ------------------------------------------------------------------ softmax and losses


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_matches_keras_on_extreme_logits(dtype, axis):
    big = 1e4 if dtype == np.float32 else 1e300
    z = np.array([[big, -big, 0.0], [0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [-big, -big, -big]],
                 dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            actual = nn.softmax(z, axis=axis)
    assert np.all(np.isfinite(actual))
    assert_allclose(actual.sum(axis=axis), 1.0, rtol=TOLERANCE[dtype])
    assert_close(actual, keras.ops.softmax(tf.constant(z), axis=axis), dtype)


@EXAMPLES
@given(shape=st.sampled_from([(7,), (5, 1), (4, 3)]), dtype=dtypes, scale=st.sampled_from(
    [1.0, 30.0, 1e4]), seed=st.integers(0, 2**32 - 1))
def test_binary_cross_entropy_matches_keras(shape, dtype, scale, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 2, size=shape).astype(dtype)
    logits = (rng.normal(size=shape) * scale).astype(dtype)
    # Probabilities of exactly 0 and 1 appear at large scales: Keras clips them.
    probabilities = np.asarray(keras.ops.sigmoid(tf.constant(logits)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            from_p = nn.binary_cross_entropy(y_true, probabilities)
            from_z = nn.binary_cross_entropy(y_true, logits, from_logits=True)
    expected_p = keras.losses.binary_crossentropy(tf.constant(y_true), tf.constant(probabilities))
    expected_z = keras.losses.binary_crossentropy(tf.constant(y_true), tf.constant(logits),
                                                  from_logits=True)
    assert np.isfinite(from_p) and np.isfinite(from_z)
    assert_close(from_p, np.mean(expected_p), dtype)
    assert_close(from_z, np.mean(expected_z), dtype)


@EXAMPLES
@given(batch=st.integers(1, 6), n_classes=st.integers(2, 5), dtype=dtypes,
       scale=st.sampled_from([1.0, 30.0, 1e4]), seed=st.integers(0, 2**32 - 1))
def test_categorical_cross_entropy_matches_keras(batch, n_classes, dtype, scale, seed):
    rng = np.random.default_rng(seed)
    y_true = np.eye(n_classes, dtype=dtype)[rng.integers(0, n_classes, size=batch)]
    logits = (rng.normal(size=(batch, n_classes)) * scale).astype(dtype)
    probabilities = np.asarray(keras.ops.softmax(tf.constant(logits)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            from_p = nn.categorical_cross_entropy(y_true, probabilities)
            from_z = nn.categorical_cross_entropy(y_true, logits, from_logits=True)
    expected_p = keras.losses.categorical_crossentropy(tf.constant(y_true),
                                                       tf.constant(probabilities))
    expected_z = keras.losses.categorical_crossentropy(tf.constant(y_true), tf.constant(logits),
                                                       from_logits=True)
    assert np.isfinite(from_p) and np.isfinite(from_z)
    assert_close(from_p, np.mean(expected_p), dtype)
    assert_close(from_z, np.mean(expected_z), dtype)


def test_losses_match_keras_loss_classes():
    y_true = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32)
    p = np.array([[0.2, 0.7, 0.1], [0.0, 0.5, 0.5]], dtype=np.float32)  # a 0 that Keras clips
    bce = keras.losses.BinaryCrossentropy()(y_true, p)
    cce = keras.losses.CategoricalCrossentropy()(y_true, p)
    assert_close(nn.binary_cross_entropy(y_true, p), bce, np.float32)
    assert_close(nn.categorical_cross_entropy(y_true, p), cce, np.float32)
    assert nn.categorical_cross_entropy(y_true, p) == pytest.approx(-np.log(1e-7) / 2 - np.log(
        0.7) / 2, rel=1e-5)


# ------------------------------------------------------------------ backward passes


def tape_gradients(function, inputs, grad_output):
    """Gradients of ``sum(function(*inputs) * grad_output)`` with respect to every input."""
    inputs = [tf.constant(value) for value in inputs]
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        output = function(*inputs)
    return [g.numpy() for g in tape.gradient(output, inputs, output_gradients=grad_output)]


@EXAMPLES
@given(case=image_cases("kernel"), out_channels=small)
def test_conv2d_backward_matches_gradient_tape(case, out_channels):
    rng, dtype, stride, padding = case["rng"], case["dtype"], case["stride"], case["padding"]
    kernel_h, kernel_w = both(case["kernel"])
    x = rng.normal(size=case["shape"]).astype(dtype)
    kernel = rng.normal(size=(kernel_h, kernel_w, case["shape"][3], out_channels)).astype(dtype)
    bias = rng.normal(size=out_channels).astype(dtype)
    grad_output = rng.normal(size=nn.conv2d(x, kernel, stride=stride, padding=padding).shape)

    def forward(x, kernel, bias):
        return tf.nn.conv2d(x, kernel, strides=as_list(stride), padding=tf_padding(padding)) + bias

    expected = tape_gradients(forward, [x, kernel, bias], grad_output.astype(dtype))
    actual = nn.conv2d_backward(x, kernel, grad_output.astype(dtype), stride=stride,
                                padding=padding)
    for ours, theirs in zip(actual, expected, strict=True):
        assert_close(ours, theirs, dtype)


@EXAMPLES
@given(case=image_cases("pool_size"))
def test_max_pool2d_backward_matches_gradient_tape(case):
    rng, dtype, pool_size = case["rng"], case["dtype"], case["pool_size"]
    stride, padding = case["stride"], case["padding"]  # stride < pool_size: windows overlap
    x = rng.normal(size=case["shape"]).astype(dtype)  # continuous values: no ties
    grad_output = rng.normal(
        size=nn.max_pool2d(x, pool_size, stride=stride, padding=padding).shape).astype(dtype)

    def forward(x):
        return tf.nn.max_pool2d(x, ksize=as_list(pool_size), strides=as_list(stride),
                                padding=tf_padding(padding))

    (expected,) = tape_gradients(forward, [x], grad_output)
    actual = nn.max_pool2d_backward(x, grad_output, pool_size, stride=stride, padding=padding)
    assert_close(actual, expected, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_and_relu_backward_match_gradient_tape(dtype):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 4)).astype(dtype)
    weights = rng.normal(size=(4, 3)).astype(dtype)
    bias = rng.normal(size=3).astype(dtype)
    grad_output = rng.normal(size=(6, 3)).astype(dtype)

    expected = tape_gradients(lambda x, w, b: tf.matmul(x, w) + b, [x, weights, bias],
                              grad_output)
    for ours, theirs in zip(nn.dense_backward(x, weights, grad_output), expected, strict=True):
        assert_close(ours, theirs, dtype)

    z = nn.dense(x, weights, bias)
    (expected_relu,) = tape_gradients(tf.nn.relu, [z], grad_output)
    assert_close(nn.relu_backward(z, grad_output), expected_relu, dtype)


def test_relu_backward_is_zero_at_zero_like_tensorflow():
    z, grad_output = np.array([-1.0, 0.0, 2.0]), np.array([5.0, 6.0, 7.0])
    (expected,) = tape_gradients(tf.nn.relu, [z], grad_output)
    assert_allclose(expected, [0.0, 0.0, 7.0])
    assert_close(nn.relu_backward(z, grad_output), expected, np.float64)


def test_one_training_step_by_hand_matches_gradient_tape():
    # conv -> relu -> max pool -> flatten -> dense -> binary cross-entropy from logits
    rng = np.random.default_rng(4)
    x = rng.normal(size=(5, 6, 6, 1))
    y = rng.integers(0, 2, size=(5, 1)).astype(np.float64)
    kernel, conv_bias = rng.normal(size=(3, 3, 1, 2)), rng.normal(size=2)
    weights, dense_bias = rng.normal(size=(18, 1)), rng.normal(size=1)

    z1 = nn.conv2d(x, kernel, conv_bias, padding="same")
    a1 = nn.relu(z1)
    pooled = nn.max_pool2d(a1, 2)
    logits = nn.dense(pooled.reshape(5, -1), weights, dense_bias)
    grad_logits = (nn.sigmoid(logits) - y) / y.size  # d mean-BCE / d logits
    grad_flat, grad_weights, grad_dense_bias = nn.dense_backward(pooled.reshape(5, -1), weights,
                                                                 grad_logits)
    grad_a1 = nn.max_pool2d_backward(a1, grad_flat.reshape(pooled.shape), 2)
    _, grad_kernel, grad_conv_bias = nn.conv2d_backward(x, kernel, nn.relu_backward(z1, grad_a1),
                                                        padding="same")

    variables = [tf.Variable(v) for v in (kernel, conv_bias, weights, dense_bias)]
    with tf.GradientTape() as tape:
        hidden = tf.nn.relu(tf.nn.conv2d(x, variables[0], 1, "SAME") + variables[1])
        flat = tf.reshape(tf.nn.max_pool2d(hidden, 2, 2, "VALID"), (5, -1))
        loss = keras.losses.binary_crossentropy(y, flat @ variables[2] + variables[3],
                                                from_logits=True)
        loss = tf.reduce_mean(loss)
    expected = tape.gradient(loss, variables)
    actual = [grad_kernel, grad_conv_bias, grad_weights, grad_dense_bias]
    for ours, theirs in zip(actual, expected, strict=True):
        assert_close(ours, theirs.numpy(), np.float64)


# ------------------------------------------------------------------ dtypes


def test_float32_in_float32_out_and_integers_become_float64():
    x32 = np.ones((1, 4, 4, 2), dtype=np.float32)
    k32 = np.ones((2, 2, 2, 3), dtype=np.float32)
    results = [
        nn.conv2d(x32, k32, np.ones(3, dtype=np.float32), padding="same"),
        *nn.conv2d_backward(x32, k32, np.ones((1, 3, 3, 3), dtype=np.float32)),
        nn.max_pool2d(x32), nn.avg_pool2d(x32, 3, stride=1, padding="same"),
        nn.max_pool2d_backward(x32, np.ones((1, 2, 2, 2), dtype=np.float32)),
        nn.relu(x32), nn.sigmoid(x32), nn.tanh(x32), nn.softmax(x32),
        nn.relu_backward(x32, x32),
        nn.dense(x32[0, 0], k32[0, 0]),
        *nn.dense_backward(x32[0, 0], k32[0, 0], np.ones((4, 3), dtype=np.float32)),
        nn.binary_cross_entropy(x32 / 2, x32 / 2),
        nn.categorical_cross_entropy(x32, x32, from_logits=True),
    ]
    assert [r.dtype for r in results] == [np.float32] * len(results)
    assert nn.conv2d(np.ones((1, 3, 3, 1), dtype=int), np.ones((2, 2, 1, 1), dtype=int)).dtype \
        == np.float64
    assert nn.sigmoid([0, 1]).dtype == np.float64


# ------------------------------------------------------------------ error messages

X = np.zeros((2, 5, 5, 3))
KERNEL = np.zeros((3, 3, 3, 4))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: nn.conv2d(X[0], KERNEL), ValueError,
         r"x must be a 4-D array of shape \(batch, height, width, in_channels\); "
         r"got an array of shape \(5, 5, 3\) \(3-D\)\."),
        (lambda: nn.conv2d(X, KERNEL[0]), ValueError,
         r"kernel must be a 4-D array of shape \(kernel_height, kernel_width, in_channels, "
         r"out_channels\); got an array of shape \(3, 3, 4\) \(3-D\)\."),
        (lambda: nn.conv2d(X[..., :1], KERNEL), ValueError,
         r"kernel.shape\[2\] \(in_channels\) must equal x.shape\[3\]; got a kernel of shape "
         r"\(3, 3, 3, 4\) for x of shape \(2, 5, 5, 1\)\."),
        (lambda: nn.conv2d(X, KERNEL, padding="full"), ValueError,
         r"padding must be one of 'valid', 'same'; got 'full'\."),
        (lambda: nn.conv2d(X[:, :2], KERNEL), ValueError,
         r'kernel size 3 is larger than the input height 2, which padding="valid" does not '
         r'allow; use padding="same" or a smaller kernel size\.'),
        (lambda: nn.conv2d(X, KERNEL, stride=0), ValueError,
         r"stride must be an int >= 1; got 0\."),
        (lambda: nn.conv2d(X, KERNEL, stride=(1, 2, 1)), ValueError,
         r"stride must be a 2-entry tuple of ints >= 1; got \(1, 2, 1\)\."),
        (lambda: nn.conv2d(X, KERNEL, stride=1.5), TypeError,
         r"stride must be an int or a pair of ints; got 1\.5\."),
        (lambda: nn.conv2d(X, KERNEL, stride=(1, 2.0)), TypeError,
         r"stride must be an int; got 2\.0 of type float\."),
        (lambda: nn.conv2d(X, KERNEL, np.zeros(3)), ValueError,
         r"bias must have shape \(4,\), one value per output channel; "
         r"got an array of shape \(3,\)\."),
        (lambda: nn.conv2d(X.astype(complex), KERNEL), TypeError,
         r"x must be an array of real numbers; got an array of dtype complex128\."),
        (lambda: nn.conv2d_backward(X, KERNEL, np.zeros((2, 5, 5, 4))), ValueError,
         r"grad_output must have the shape of the output of conv2d, \(2, 3, 3, 4\); "
         r"got an array of shape \(2, 5, 5, 4\)\."),
        (lambda: nn.max_pool2d(X[0]), ValueError,
         r"x must be a 4-D array of shape \(batch, height, width, channels\); "
         r"got an array of shape \(5, 5, 3\) \(3-D\)\."),
        (lambda: nn.max_pool2d(X, 0), ValueError, r"pool_size must be an int >= 1; got 0\."),
        (lambda: nn.avg_pool2d(X, (2, -1)), ValueError,
         r"pool_size must be an int >= 1; got -1\."),
        (lambda: nn.avg_pool2d(X, 2, stride=0), ValueError, r"stride must be an int >= 1; got 0\."),
        (lambda: nn.avg_pool2d(X, 6), ValueError,
         r'pool_size 6 is larger than the input height 5, which padding="valid" does not allow'),
        (lambda: nn.max_pool2d(X, (2, 6), padding="VALID"), ValueError,
         r"pool_size 6 is larger than the input width 5"),
        (lambda: nn.max_pool2d(X, padding=None), ValueError,
         r"padding must be one of 'valid', 'same'; got None\."),
        (lambda: nn.max_pool2d_backward(X, np.zeros((2, 3, 3, 3))), ValueError,
         r"grad_output must have the shape of the output of max_pool2d, \(2, 2, 2, 3\); "
         r"got an array of shape \(2, 3, 3, 3\)\."),
        (lambda: nn.relu(["a"]), TypeError,
         r"z must be an array of real numbers; got an array of dtype <U1\."),
        (lambda: nn.relu_backward(np.zeros(3), np.zeros(4)), ValueError,
         r"grad_output must have the shape of z, \(3,\); got an array of shape \(4,\)\."),
        (lambda: nn.dense(np.zeros((2, 3)), np.zeros(3)), ValueError,
         r"weights must be a 2-D array of shape \(in_features, out_features\); "
         r"got an array of shape \(3,\) \(1-D\)\."),
        (lambda: nn.dense(np.zeros((2, 3)), np.zeros((4, 2))), ValueError,
         r"weights.shape\[0\] \(in_features\) must equal x.shape\[-1\]; got weights of shape "
         r"\(4, 2\) for x of shape \(2, 3\)\."),
        (lambda: nn.dense(1.0, np.zeros((1, 2))), ValueError,
         r"x must be an array of shape \(\.\.\., in_features\), at least 1-D; got a scalar\."),
        (lambda: nn.dense(np.zeros((2, 3)), np.zeros((3, 2)), np.zeros(3)), ValueError,
         r"bias must have shape \(2,\), one value per output feature; "
         r"got an array of shape \(3,\)\."),
        (lambda: nn.dense_backward(np.zeros((2, 3)), np.zeros((3, 2)), np.zeros((2, 3))),
         ValueError,
         r"grad_output must have the shape of the output of dense, \(2, 2\); "
         r"got an array of shape \(2, 3\)\."),
        (lambda: nn.binary_cross_entropy(np.zeros(3), np.zeros((3, 1))), ValueError,
         r"y_true and p must have the same shape; got y_true of shape \(3,\) and p of shape "
         r"\(3, 1\)\."),
        (lambda: nn.binary_cross_entropy(np.zeros(3), np.zeros(3), from_logits="yes"), TypeError,
         r"from_logits must be True or False; got 'yes'\."),
        (lambda: nn.categorical_cross_entropy(1.0, 0.5), ValueError,
         r"p must be an array of shape \(batch, n_classes\), at least 1-D; got a scalar\."),
    ],
)
def test_error_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()
