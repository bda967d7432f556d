"""NumPy reference implementations of a convolutional network's maths.

Each function computes, with NumPy alone, what a Keras layer or loss computes, in
TensorFlow's layouts: images are ``(batch, height, width, channels)`` (NHWC) and
convolution kernels are ``(kernel_height, kernel_width, in_channels, out_channels)``.
The tests check every function against TensorFlow/Keras to 1e-8 in float64.

The code is vectorised, with no Python loop over pixels: a convolution takes its windows
with :func:`numpy.lib.stride_tricks.sliding_window_view`, lays them out as the rows of a
matrix ("im2col") and does the whole sum as one matrix product; pooling and the backward
passes loop only over the few positions (i, j) of a window, each step handling every
pixel at once.

Floating inputs keep their dtype (float32 in, float32 out); integer inputs are
computed in float64.
"""

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validation import check_choice, check_positive_int

__all__ = [
    "conv2d",
    "conv2d_backward",
    "relu",
    "relu_backward",
    "sigmoid",
    "tanh",
    "max_pool2d",
    "max_pool2d_backward",
    "avg_pool2d",
    "dense",
    "dense_backward",
    "softmax",
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "EPSILON",
]

EPSILON = 1e-7
"""Keras' fuzz factor (``keras.backend.epsilon()``): probabilities are clipped to
``[EPSILON, 1 - EPSILON]`` before their logarithm is taken."""

_IMAGE_AXES = "(batch, height, width, channels)"


# ---------------------------------------------------------------- private checks


def _as_float_array(value, name):
    """Return ``value`` as a floating NumPy array (integers and booleans become float64)."""
    array = np.asarray(value)
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(
            f"{name} must be an array of real numbers; got an array of dtype {array.dtype}."
        )
    return array


def _check_rank(array, name, rank, axes):
    if array.ndim != rank:
        raise ValueError(
            f"{name} must be a {rank}-D array of shape {axes}; "
            f"got an array of shape {array.shape} ({array.ndim}-D)."
        )


def _pair(value, name):
    """Return ``value`` (an int or a pair of ints, all >= 1) as a pair of ints."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be an int or a pair of ints; got {value!r}.")
    return tuple(check_positive_int(v, name) for v in value)


def _check_padding(padding):
    if isinstance(padding, str):
        padding = padding.lower()
    return check_choice(padding, "padding", ("valid", "same"))


def _check_bias(bias, n_out, dtype, name_of_count):
    bias = _as_float_array(bias, "bias")
    if bias.shape != (n_out,):
        raise ValueError(
            f"bias must have shape ({n_out},), one value per {name_of_count}; "
            f"got an array of shape {bias.shape}."
        )
    return bias.astype(dtype, copy=False)


def _padding_amounts(size, window, stride, padding, *, window_name, size_name):
    """Output length and (before, after) padding of one spatial axis, as TensorFlow does.

    "valid": no padding, ``out = floor((size - window) / stride) + 1``.
    "same": ``out = ceil(size / stride)``; the total padding
    ``max((out - 1) * stride + window - size, 0)`` is split with the odd one after.
    """
    if padding == "valid":
        if window > size:
            raise ValueError(
                f"{window_name} {window} is larger than the input {size_name} {size}, "
                'which padding="valid" does not allow; use padding="same" or a smaller '
                f"{window_name}."
            )
        return (size - window) // stride + 1, 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return out, total // 2, total - total // 2


def _pad_images(x, window, stride, padding, value, window_name):
    """Pad ``x`` (NHWC) on height and width; return the padded array and the geometry."""
    geometry = [
        _padding_amounts(x.shape[axis], window[i], stride[i], padding,
                         window_name=window_name, size_name=("height", "width")[i])
        for i, axis in enumerate((1, 2))
    ]
    (out_h, top, bottom), (out_w, left, right) = geometry
    if top or bottom or left or right:
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)
    return x, (out_h, out_w), (top, left)


def _windows(x_padded, window, stride, out_shape):
    """Strided view of shape (batch, out_h, out_w, channels, window_h, window_w); no copy."""
    view = sliding_window_view(x_padded, window, axis=(1, 2))
    return view[:, : out_shape[0] * stride[0] : stride[0], : out_shape[1] * stride[1] : stride[1]]


def _im2col(x_padded, window, stride, out_shape):
    """The windows as a matrix: one row per output pixel, columns ordered (i, j, channel)
    like the rows of ``kernel.reshape(-1, out_channels)``. Shape
    (batch * out_h * out_w, window_h * window_w * channels); this is the one copy."""
    windows = _windows(x_padded, window, stride, out_shape).transpose(0, 1, 2, 4, 5, 3)
    return windows.reshape(-1, window[0] * window[1] * x_padded.shape[3])


def _tap(i, j, stride, out_shape):
    """Index of the input pixels that window position (i, j) touches, for every output pixel."""
    rows = slice(i, i + (out_shape[0] - 1) * stride[0] + 1, stride[0])
    cols = slice(j, j + (out_shape[1] - 1) * stride[1] + 1, stride[1])
    return (slice(None), rows, cols)


def _reduce_windows(x_padded, window, stride, out_shape, ufunc):
    """Combine the pixels of every window with ``ufunc`` (``np.maximum`` or ``np.add``).

    One vectorised step per window position (i, j) -- four steps for a 2x2 pool --
    instead of a loop over pixels; this is faster than reducing a window view.
    """
    out = x_padded[_tap(0, 0, stride, out_shape)].copy()
    for i in range(window[0]):
        for j in range(window[1]):
            if i or j:
                ufunc(out, x_padded[_tap(i, j, stride, out_shape)], out=out)
    return out


def _conv_inputs(x, kernel, stride, padding):
    x = _as_float_array(x, "x")
    kernel = _as_float_array(kernel, "kernel")
    _check_rank(x, "x", 4, "(batch, height, width, in_channels)")
    _check_rank(kernel, "kernel", 4, "(kernel_height, kernel_width, in_channels, out_channels)")
    if kernel.shape[2] != x.shape[3]:
        raise ValueError(
            f"kernel.shape[2] (in_channels) must equal x.shape[3]; got a kernel of shape "
            f"{kernel.shape} for x of shape {x.shape}."
        )
    return x, kernel, _pair(stride, "stride"), _check_padding(padding)


# ---------------------------------------------------------------- convolution


def conv2d(x, kernel, bias=None, *, stride=1, padding="valid"):
    """2-D convolution as deep-learning libraries compute it (a cross-correlation).

    ``y[b, h, w, o] = bias[o] + sum_{i, j, c} x_pad[b, h*sh + i, w*sw + j, c] * kernel[i, j, c, o]``
    where ``x_pad`` is ``x`` after padding and (sh, sw) is the stride: the kernel is not
    flipped. Matches ``tf.nn.conv2d`` and ``keras.layers.Conv2D``.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    x : array-like of shape (batch, height, width, in_channels)
        Input images.
    kernel : array-like of shape (kernel_height, kernel_width, in_channels, out_channels)
        Filters, in the layout of ``Conv2D.kernel``.
    bias : array-like of shape (out_channels,), optional
        Added to every output pixel; ``None`` adds nothing.
    stride : int or pair of ints, default 1
        Step between windows, (along height, along width).
    padding : {"valid", "same"}, default "valid"
        "valid" uses only whole windows: ``out = floor((n - k) / s) + 1``. "same" pads
        with zeros so that ``out = ceil(n / s)``, as TensorFlow does: the total padding
        ``max((out - 1) * s + k - n, 0)`` is split evenly, the odd one at the bottom/right.

    Returns
    -------
    y : ndarray of shape (batch, out_height, out_width, out_channels)
    """
    x, kernel, stride, padding = _conv_inputs(x, kernel, stride, padding)
    kernel_h, kernel_w, _, out_channels = kernel.shape
    x_padded, out_shape, _ = _pad_images(x, (kernel_h, kernel_w), stride, padding, 0,
                                         "kernel size")
    # im2col: one row per output pixel, then the whole sum is one matrix product.
    columns = _im2col(x_padded, (kernel_h, kernel_w), stride, out_shape)
    y = (columns @ kernel.reshape(-1, out_channels)).reshape(x.shape[0], *out_shape, out_channels)
    if bias is not None:
        y += _check_bias(bias, out_channels, y.dtype, "output channel")
    return y


def conv2d_backward(x, kernel, grad_output, *, stride=1, padding="valid"):
    """Gradients of a loss through :func:`conv2d`, given the gradient at its output.

    ``dkernel[i, j, c, o] = sum_{b, h, w} x_pad[b, h*sh + i, w*sw + j, c] * g[b, h, w, o]``;
    ``dbias[o] = sum_{b, h, w} g[b, h, w, o]``; and each output pixel sends
    ``g[b, h, w, :] @ kernel[i, j].T`` back to the input pixel that kernel position
    (i, j) touched. Matches ``tf.GradientTape`` on ``tf.nn.conv2d``.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    x : array-like of shape (batch, height, width, in_channels)
        The input of the forward pass.
    kernel : array-like of shape (kernel_height, kernel_width, in_channels, out_channels)
        The kernel of the forward pass.
    grad_output : array-like of shape (batch, out_height, out_width, out_channels)
        Gradient of the loss with respect to the output of :func:`conv2d`.
    stride, padding :
        As in the forward pass.

    Returns
    -------
    grad_x : ndarray of shape (batch, height, width, in_channels)
    grad_kernel : ndarray of shape (kernel_height, kernel_width, in_channels, out_channels)
    grad_bias : ndarray of shape (out_channels,)
    """
    x, kernel, stride, padding = _conv_inputs(x, kernel, stride, padding)
    kernel_h, kernel_w, _, out_channels = kernel.shape
    x_padded, out_shape, (top, left) = _pad_images(x, (kernel_h, kernel_w), stride, padding, 0,
                                                   "kernel size")
    grad_output = _as_float_array(grad_output, "grad_output")
    expected = (x.shape[0], *out_shape, out_channels)
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must have the shape of the output of conv2d, {expected}; "
            f"got an array of shape {grad_output.shape}."
        )
    columns = _im2col(x_padded, (kernel_h, kernel_w), stride, out_shape)
    grad_rows = grad_output.reshape(-1, out_channels)
    grad_kernel = (columns.T @ grad_rows).reshape(kernel.shape)
    grad_bias = grad_rows.sum(axis=0)
    grad_padded = np.zeros(x_padded.shape, dtype=np.result_type(grad_output, kernel))
    for i in range(kernel_h):  # loop over the kernel's positions, not over pixels
        for j in range(kernel_w):
            grad_padded[_tap(i, j, stride, out_shape)] += grad_output @ kernel[i, j].T
    grad_x = grad_padded[:, top : top + x.shape[1], left : left + x.shape[2]]
    return grad_x, grad_kernel, grad_bias


# ---------------------------------------------------------------- activations


def relu(z):
    """Rectified linear unit, ``max(z, 0)`` element-wise.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    z : array-like of any shape

    Returns
    -------
    ndarray of the shape of ``z``
    """
    z = _as_float_array(z, "z")
    return np.maximum(z, 0).astype(z.dtype, copy=False)


def relu_backward(z, grad_output):
    """Gradient through :func:`relu`: ``grad_output`` where ``z > 0``, else 0 (0 at ``z = 0``).

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    z : array-like of any shape
        The input of the forward pass.
    grad_output : array-like of the shape of ``z``
        Gradient of the loss with respect to ``relu(z)``.

    Returns
    -------
    grad_z : ndarray of the shape of ``z``
    """
    z = _as_float_array(z, "z")
    grad_output = _as_float_array(grad_output, "grad_output")
    if grad_output.shape != z.shape:
        raise ValueError(
            f"grad_output must have the shape of z, {z.shape}; "
            f"got an array of shape {grad_output.shape}."
        )
    return np.where(z > 0, grad_output, 0).astype(grad_output.dtype, copy=False)


def sigmoid(z):
    """Logistic sigmoid ``1 / (1 + exp(-z))``, without overflow for large ``|z|``.

    ``exp`` is only ever taken of ``-|z| <= 0``: ``1 / (1 + e)`` for ``z >= 0`` and
    ``e / (1 + e)`` for ``z < 0``, with ``e = exp(-|z|)``.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    z : array-like of any shape

    Returns
    -------
    ndarray of the shape of ``z``, values in [0, 1]
    """
    z = _as_float_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def tanh(z):
    """Hyperbolic tangent, element-wise (:func:`numpy.tanh`, which never overflows).

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    z : array-like of any shape

    Returns
    -------
    ndarray of the shape of ``z``, values in [-1, 1]
    """
    return np.tanh(_as_float_array(z, "z"))


# ---------------------------------------------------------------- pooling


def _pool_inputs(x, pool_size, stride, padding):
    x = _as_float_array(x, "x")
    _check_rank(x, "x", 4, _IMAGE_AXES)
    pool_size = _pair(pool_size, "pool_size")
    stride = pool_size if stride is None else _pair(stride, "stride")
    return x, pool_size, stride, _check_padding(padding)


def max_pool2d(x, pool_size=2, *, stride=None, padding="valid"):
    """Max pooling: the largest value of each window, channel by channel.

    ``y[b, h, w, c] = max_{i, j} x_pad[b, h*sh + i, w*sw + j, c]``, where "same"
    padding pads with ``-inf`` (padding never wins). Matches ``tf.nn.max_pool2d`` and
    ``keras.layers.MaxPooling2D``.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    x : array-like of shape (batch, height, width, channels)
    pool_size : int or pair of ints, default 2
        Window size, (height, width).
    stride : int or pair of ints, optional
        Step between windows; defaults to ``pool_size`` (windows that do not overlap).
    padding : {"valid", "same"}, default "valid"
        As in :func:`conv2d`.

    Returns
    -------
    y : ndarray of shape (batch, out_height, out_width, channels)
    """
    x, pool_size, stride, padding = _pool_inputs(x, pool_size, stride, padding)
    x_padded, out_shape, _ = _pad_images(x, pool_size, stride, padding, -np.inf, "pool_size")
    return _reduce_windows(x_padded, pool_size, stride, out_shape, np.maximum)


def max_pool2d_backward(x, grad_output, pool_size=2, *, stride=None, padding="valid"):
    """Gradient through :func:`max_pool2d`: each window sends its gradient to its maximum.

    Overlapping windows add up at a shared maximum. With ties inside a window the first
    maximum in row-major order gets the gradient (TensorFlow picks one maximum too).

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    x : array-like of shape (batch, height, width, channels)
        The input of the forward pass.
    grad_output : array-like of shape (batch, out_height, out_width, channels)
        Gradient of the loss with respect to the output of :func:`max_pool2d`.
    pool_size, stride, padding :
        As in the forward pass.

    Returns
    -------
    grad_x : ndarray of shape (batch, height, width, channels)
    """
    x, pool_size, stride, padding = _pool_inputs(x, pool_size, stride, padding)
    x_padded, out_shape, (top, left) = _pad_images(x, pool_size, stride, padding, -np.inf,
                                                   "pool_size")
    grad_output = _as_float_array(grad_output, "grad_output")
    expected = (x.shape[0], *out_shape, x.shape[3])
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must have the shape of the output of max_pool2d, {expected}; "
            f"got an array of shape {grad_output.shape}."
        )
    windows = _windows(x_padded, pool_size, stride, out_shape)
    winner = windows.reshape(*windows.shape[:4], -1).argmax(axis=-1)  # flat index i * pool_w + j
    grad_padded = np.zeros(x_padded.shape, dtype=grad_output.dtype)
    for i in range(pool_size[0]):  # loop over the window's positions, not over pixels
        for j in range(pool_size[1]):
            grad_padded[_tap(i, j, stride, out_shape)] += np.where(
                winner == i * pool_size[1] + j, grad_output, 0
            )
    return grad_padded[:, top : top + x.shape[1], left : left + x.shape[2]]


def avg_pool2d(x, pool_size=2, *, stride=None, padding="valid"):
    """Average pooling: the mean of each window, channel by channel.

    With "same" padding a window that sticks out of the image averages only its pixels
    inside the image (the padding is not counted), as ``tf.nn.avg_pool2d`` and
    ``keras.layers.AveragePooling2D`` do.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    x : array-like of shape (batch, height, width, channels)
    pool_size : int or pair of ints, default 2
        Window size, (height, width).
    stride : int or pair of ints, optional
        Step between windows; defaults to ``pool_size``.
    padding : {"valid", "same"}, default "valid"
        As in :func:`conv2d`.

    Returns
    -------
    y : ndarray of shape (batch, out_height, out_width, channels)
    """
    x, pool_size, stride, padding = _pool_inputs(x, pool_size, stride, padding)
    x_padded, out_shape, _ = _pad_images(x, pool_size, stride, padding, 0, "pool_size")
    # How many real (unpadded) pixels each window holds: pool the same way a map of ones.
    ones, _, _ = _pad_images(np.ones((1, *x.shape[1:3], 1), dtype=x.dtype), pool_size, stride,
                             padding, 0, "pool_size")
    sums = _reduce_windows(x_padded, pool_size, stride, out_shape, np.add)
    return sums / _reduce_windows(ones, pool_size, stride, out_shape, np.add)


# ---------------------------------------------------------------- dense layer


def _dense_inputs(x, weights):
    x = _as_float_array(x, "x")
    weights = _as_float_array(weights, "weights")
    if x.ndim < 1:
        raise ValueError(
            "x must be an array of shape (..., in_features), at least 1-D; got a scalar."
        )
    _check_rank(weights, "weights", 2, "(in_features, out_features)")
    if weights.shape[0] != x.shape[-1]:
        raise ValueError(
            f"weights.shape[0] (in_features) must equal x.shape[-1]; got weights of shape "
            f"{weights.shape} for x of shape {x.shape}."
        )
    return x, weights


def dense(x, weights, bias=None):
    """Fully connected layer ``x @ weights + bias``, as ``keras.layers.Dense`` computes it.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    x : array-like of shape (batch, in_features)
        Any leading axes are kept: (..., in_features) works too.
    weights : array-like of shape (in_features, out_features)
        In the layout of ``Dense.kernel``.
    bias : array-like of shape (out_features,), optional

    Returns
    -------
    y : ndarray of shape (batch, out_features)
    """
    x, weights = _dense_inputs(x, weights)
    y = x @ weights
    if bias is not None:
        y = y + _check_bias(bias, weights.shape[1], y.dtype, "output feature")
    return y


def dense_backward(x, weights, grad_output):
    """Gradients through :func:`dense`, given the gradient at its output.

    ``dx = g @ weights.T``, ``dweights = x.T @ g``, ``dbias = g.sum(axis=0)``.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    x : array-like of shape (batch, in_features)
        The input of the forward pass (leading axes as in :func:`dense`).
    weights : array-like of shape (in_features, out_features)
    grad_output : array-like of shape (batch, out_features)
        Gradient of the loss with respect to the output of :func:`dense`.

    Returns
    -------
    grad_x : ndarray of shape (batch, in_features)
    grad_weights : ndarray of shape (in_features, out_features)
    grad_bias : ndarray of shape (out_features,)
    """
    x, weights = _dense_inputs(x, weights)
    grad_output = _as_float_array(grad_output, "grad_output")
    expected = (*x.shape[:-1], weights.shape[1])
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must have the shape of the output of dense, {expected}; "
            f"got an array of shape {grad_output.shape}."
        )
    x_rows = x.reshape(-1, x.shape[-1])
    grad_rows = grad_output.reshape(-1, weights.shape[1])
    return grad_output @ weights.T, x_rows.T @ grad_rows, grad_rows.sum(axis=0)


# ---------------------------------------------------------------- softmax and losses


def softmax(z, axis=-1):
    """Softmax ``exp(z) / sum(exp(z))`` along ``axis``, without overflow.

    The maximum along ``axis`` is subtracted first (as ``sklearn.utils.extmath.softmax``
    does), which leaves the result unchanged and keeps every ``exp`` at most 1.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    z : array-like of any shape, at least 1-D
        Logits.
    axis : int, default -1
        The axis of the classes.

    Returns
    -------
    ndarray of the shape of ``z``, summing to 1 along ``axis``
    """
    z = _as_float_array(z, "z")
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(z, axis):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _loss_inputs(y_true, p, from_logits, name_of_p):
    if not isinstance(from_logits, bool):
        raise TypeError(f"from_logits must be True or False; got {from_logits!r}.")
    p = _as_float_array(p, name_of_p)
    y_true = _as_float_array(y_true, "y_true").astype(p.dtype, copy=False)
    if y_true.shape != p.shape:
        raise ValueError(
            f"y_true and {name_of_p} must have the same shape; got y_true of shape "
            f"{y_true.shape} and {name_of_p} of shape {p.shape}."
        )
    return y_true, p


def binary_cross_entropy(y_true, p, *, from_logits=False):
    """Mean binary cross-entropy, as ``keras.losses.BinaryCrossentropy()`` returns it.

    On probabilities, ``p`` is clipped to ``[EPSILON, 1 - EPSILON]`` as Keras does and the
    loss is ``-mean(y log p + (1 - y) log(1 - p))``. With ``from_logits=True``, ``p`` holds
    logits ``z`` and the loss ``mean(max(z, 0) - z y + log(1 + exp(-|z|)))`` is exact and
    never overflows (it is ``softplus(z) - z y`` written stably).

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    y_true : array-like of shape (batch,) or (batch, n_outputs)
        Targets in [0, 1], usually 0 or 1.
    p : array-like of the shape of ``y_true``
        Predicted probabilities of the label 1, or logits if ``from_logits``.
    from_logits : bool, default False

    Returns
    -------
    float
        The mean over every element (a NumPy scalar of the dtype of ``p``).
    """
    y_true, p = _loss_inputs(y_true, p, from_logits, "p")
    if from_logits:
        losses = np.maximum(p, 0) - p * y_true + np.log1p(np.exp(-np.abs(p)))
    else:
        p = np.clip(p, EPSILON, 1 - EPSILON)
        losses = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
    return losses.mean()


def categorical_cross_entropy(y_true, p, *, from_logits=False):
    """Mean categorical cross-entropy, as ``keras.losses.CategoricalCrossentropy()`` returns it.

    On probabilities, each row of ``p`` is first divided by its sum, then clipped to
    ``[EPSILON, 1 - EPSILON]`` as Keras does; the loss is ``-mean_rows(sum(y log p))``.
    With ``from_logits=True``, ``p`` holds logits ``z`` and ``log softmax(z)`` is computed
    with the log-sum-exp trick, ``z - max(z) - log(sum(exp(z - max(z))))``, so that extreme
    logits give neither overflow nor ``log(0)``.

    Taught in :ref:`sec_formulas`.

    Parameters
    ----------
    y_true : array-like of shape (batch, n_classes)
        One-hot targets (or any distributions over the classes).
    p : array-like of shape (batch, n_classes)
        Predicted probabilities, or logits if ``from_logits``.
    from_logits : bool, default False

    Returns
    -------
    float
        The mean over the batch (a NumPy scalar of the dtype of ``p``).
    """
    y_true, p = _loss_inputs(y_true, p, from_logits, "p")
    if p.ndim < 1:
        raise ValueError(
            "p must be an array of shape (batch, n_classes), at least 1-D; got a scalar."
        )
    if from_logits:
        log_p = _log_softmax(p, axis=-1)
    else:
        log_p = np.log(np.clip(p / p.sum(axis=-1, keepdims=True), EPSILON, 1 - EPSILON))
    return -(y_true * log_p).sum(axis=-1).mean()
