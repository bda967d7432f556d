"""Keras model builders: pure functions that return uncompiled models.

Taught in :ref:`sec_project`.
"""

import numpy as np

from ._validation import check_fraction, check_positive_int, check_random_state

__all__ = ["build_cnn", "train_cnn"]


def _check_input_shape(input_shape, rank):
    if not isinstance(input_shape, tuple) or len(input_shape) != rank:
        raise ValueError(
            f"input_shape must be a tuple of {rank} positive ints; got {input_shape!r}."
        )
    for size in input_shape:
        check_positive_int(size, "input_shape entries")
    return input_shape


def build_cnn(input_shape=(8, 8, 1), *, filters=(32, 64), kernel_size=3, pool_size=2,
              dense_units=64, dropout_rate=0.0):
    """The chapter-5 convolutional network, corrected so that it builds on 8x8 images.

    Taught in :ref:`sec_project`.

    Each block is a 3x3 convolution with ``padding="same"`` (the image keeps its
    size) followed by a 2x2 max pooling (the size halves): 8x8 -> 4x4 -> 2x2.
    A dense layer follows, then one sigmoid unit giving the probability that the
    image is an anomaly.

    Parameters
    ----------
    input_shape : tuple of 3 ints, default=(8, 8, 1)
        (height, width, channels) of one image.
    filters : tuple of int, default=(32, 64)
        Number of filters of each convolution block; one block per entry.
    kernel_size : int, default=3
        Side of the square convolution kernels.
    pool_size : int, default=2
        Side of the square max-pooling windows.
    dense_units : int, default=64
        Width of the hidden dense layer.
    dropout_rate : float in [0, 1), default=0.0
        Dropout before the output unit (0 disables it).

    Returns
    -------
    keras.Model
        Uncompiled; maps (batch, *input_shape) to (batch, 1) probabilities.
    """
    import keras
    from keras import layers

    height, width, _ = _check_input_shape(input_shape, 3)
    if not isinstance(filters, tuple) or not filters:
        raise ValueError(f"filters must be a non-empty tuple of positive ints; got {filters!r}.")
    for n_filters in filters:
        check_positive_int(n_filters, "filters entries")
    check_positive_int(kernel_size, "kernel_size")
    check_positive_int(pool_size, "pool_size")
    check_positive_int(dense_units, "dense_units")
    check_fraction(dropout_rate, "dropout_rate", low_inclusive=True, high_inclusive=False)
    smallest = min(height, width)
    if smallest < pool_size ** len(filters):
        raise ValueError(
            f"input_shape {input_shape!r} is too small for {len(filters)} pooling steps of "
            f"pool_size={pool_size}: each halves the image, so height and width must be at "
            f"least {pool_size ** len(filters)}."
        )

    model = keras.Sequential(name="digit_cnn")
    model.add(keras.Input(shape=input_shape))
    for block, n_filters in enumerate(filters, start=1):
        model.add(layers.Conv2D(filters=n_filters, kernel_size=kernel_size, padding="same",
                                activation="relu", name=f"conv{block}"))
        model.add(layers.MaxPooling2D(pool_size=pool_size, name=f"pool{block}"))
    model.add(layers.Flatten(name="flatten"))
    model.add(layers.Dense(units=dense_units, activation="relu", name="dense"))
    if dropout_rate > 0:
        model.add(layers.Dropout(rate=dropout_rate, name="dropout"))
    model.add(layers.Dense(units=1, activation="sigmoid", name="anomaly_probability"))
    return model


def train_cnn(X_train, y_train, X_val, y_val, *, epochs=40, batch_size=128, learning_rate=1e-3,
              patience=8, class_weight="balanced", random_state=0, **build_kwargs):
    """Build, compile and train :func:`build_cnn` the way chapter 5 does.

    Taught in :ref:`sec_project`. Binary cross-entropy, Adam, class weights that
    give both classes the same total weight, and early stopping on the validation
    loss (restoring the best weights).

    Parameters
    ----------
    X_train, X_val : array-like of shape (n_samples, height, width, channels)
        Training and validation images.
    y_train, y_val : array-like of shape (n_samples,)
        Binary labels, 1 for an anomaly.
    epochs : int, default=40
        Maximum number of passes over the training data.
    batch_size : int, default=128
    learning_rate : float, default=1e-3
    patience : int, default=8
        Epochs without improvement of the validation loss before stopping.
    class_weight : {"balanced", None}, default="balanced"
        ``"balanced"`` weighs each class by n_samples / (2 * n_class_samples).
    random_state : int, default=0
        Seed of the weights' initialisation and of the shuffling.
    **build_kwargs
        Passed to :func:`build_cnn`.

    Returns
    -------
    model : keras.Model
        The trained model (best validation loss).
    history : dict of str to list of float
        Per-epoch ``loss`` and ``val_loss``.
    """
    import keras

    check_positive_int(epochs, "epochs")
    check_positive_int(batch_size, "batch_size")
    check_positive_int(patience, "patience")
    check_fraction(learning_rate, "learning_rate", high=np.inf)
    check_random_state(random_state)
    if class_weight not in ("balanced", None):
        raise ValueError(f"class_weight must be 'balanced' or None; got {class_weight!r}.")
    y_train = np.asarray(y_train)
    if not set(np.unique(y_train)) <= {0, 1}:
        raise ValueError(f"y_train must hold 0/1 labels; got values {np.unique(y_train)[:10]}.")

    keras.utils.set_random_seed(random_state)
    X_train = np.asarray(X_train, dtype=np.float32)
    model = build_cnn(X_train.shape[1:], **build_kwargs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss="binary_crossentropy")
    weights = None
    if class_weight == "balanced":
        counts = np.bincount(y_train, minlength=2)
        weights = {label: len(y_train) / (2 * counts[label]) for label in (0, 1)}
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                         restore_best_weights=True)
    fit = model.fit(X_train, y_train.astype(np.float32), epochs=epochs, batch_size=batch_size,
                    validation_data=(np.asarray(X_val, dtype=np.float32),
                                     np.asarray(y_val, dtype=np.float32)),
                    class_weight=weights, callbacks=[stop], verbose=0)
    return model, {key: list(map(float, values)) for key, values in fit.history.items()}
