"""Keras model builders: pure functions that return uncompiled models.

Taught in :ref:`sec_project` (the CNN) and :ref:`sec_manufacturing` (the autoencoders).
"""

import numpy as np

from ._validation import check_fraction, check_positive_int, check_random_state

__all__ = [
    "build_cnn",
    "train_cnn",
    "build_dense_autoencoder",
    "build_conv_autoencoder",
    "build_conv1d_autoencoder",
    "build_lstm_autoencoder",
]


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


def train_cnn(X_train, y_train, X_val, y_val, *, epochs=60, batch_size=128, learning_rate=3e-3,
              patience=8, class_weight="balanced", random_state=0, model=None, **build_kwargs):
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
    epochs : int, default=60
        Maximum number of passes over the training data.
    batch_size : int, default=128
    learning_rate : float, default=3e-3
    patience : int or None, default=8
        Epochs without improvement of the validation loss before stopping. With
        ``None`` the model trains for exactly ``epochs`` epochs and the validation
        data are not evaluated during training (faster: Keras evaluates them at
        the end of every epoch otherwise).
    class_weight : {"balanced", None}, default="balanced"
        ``"balanced"`` weighs each class by n_samples / (2 * n_class_samples).
    random_state : int, default=0
        Seed of the weights' initialisation and of the shuffling.
    model : keras.Model, optional
        A model that this function returned before, to train again from fresh
        initial weights and a fresh optimizer state. The result is identical to
        building a new model with the same ``random_state`` (the tests check it),
        but TensorFlow does not have to trace and compile a new training graph,
        which costs more than training this small network. ``learning_rate`` and
        ``build_kwargs`` are then those the model was built with.
    **build_kwargs
        Passed to :func:`build_cnn`.

    Returns
    -------
    model : keras.Model
        The trained model (best validation loss).
    history : dict of str to list of float
        Per-epoch ``loss``, and ``val_loss`` unless ``patience`` is None.
    """
    import keras

    check_positive_int(epochs, "epochs")
    check_positive_int(batch_size, "batch_size")
    if patience is not None:
        check_positive_int(patience, "patience")
    check_fraction(learning_rate, "learning_rate", high=np.inf)
    check_random_state(random_state)
    if class_weight not in ("balanced", None):
        raise ValueError(f"class_weight must be 'balanced' or None; got {class_weight!r}.")
    y_train = np.asarray(y_train)
    if not set(np.unique(y_train)) <= {0, 1}:
        raise ValueError(f"y_train must hold 0/1 labels; got values {np.unique(y_train)[:10]}.")

    X_train = np.asarray(X_train, dtype=np.float32)
    keras.utils.set_random_seed(random_state)
    if model is None:
        model = build_cnn(X_train.shape[1:], **build_kwargs)
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                      loss="binary_crossentropy")
    else:
        _reinitialize(model)
    weights = None
    if class_weight == "balanced":
        counts = np.bincount(y_train, minlength=2)
        weights = {label: len(y_train) / (2 * counts[label]) for label in (0, 1)}
    validation = {}
    if patience is not None:
        validation = {
            "validation_data": (np.asarray(X_val, dtype=np.float32),
                                np.asarray(y_val, dtype=np.float32)),
            "callbacks": [keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                                        restore_best_weights=True)],
        }
    fit = model.fit(X_train, y_train.astype(np.float32), epochs=epochs, batch_size=batch_size,
                    class_weight=weights, verbose=0, **validation)
    return model, {key: list(map(float, values)) for key, values in fit.history.items()}


# ---------------------------------------------------------------------------
# Autoencoders: trained to reproduce their input, scored by reconstruction error.
# ---------------------------------------------------------------------------

def _check_units(value, name):
    """Return ``value`` if it is a non-empty tuple of positive ints; raise otherwise."""
    if not isinstance(value, tuple) or not value:
        raise ValueError(f"{name} must be a non-empty tuple of positive ints; got {value!r}.")
    for size in value:
        check_positive_int(size, f"{name} entries")
    return value


def _check_activation(value, name):
    """Return ``value`` if it is the name of a Keras activation; raise otherwise."""
    import keras

    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be the name of a Keras activation such as 'relu'; "
            f"got {value!r} of type {type(value).__name__}."
        )
    try:
        keras.activations.get(value)
    except ValueError:
        raise ValueError(
            f"{name} must be the name of a Keras activation such as 'relu', 'tanh', "
            f"'sigmoid' or 'linear'; got {value!r}."
        ) from None
    return value


def _check_divisible(length, factor, n_steps, what):
    """Raise unless ``length`` can be halved (divided by ``factor``) ``n_steps`` times."""
    if length % factor ** n_steps:
        raise ValueError(
            f"{what}={length} must be divisible by {factor ** n_steps}: each of the "
            f"{n_steps} encoder steps divides it by {factor} and each decoder step multiplies "
            f"it back, so only then does the output have the input's size."
        )


def build_dense_autoencoder(input_dim, *, hidden_units=(32, 8), activation="relu",
                            output_activation="linear", dropout_rate=0.0):
    """A fully connected autoencoder for tabular data.

    Taught in :ref:`sec_manufacturing`, with its convolutional counterparts;
    :class:`helpers.detectors.AutoencoderDetector` wraps the same kind of network in
    scikit-learn's detector contract, as :ref:`sec_medical` uses it.

    The encoder is one ``Dense`` layer per entry of ``hidden_units``; the last entry
    is the bottleneck (the code). The decoder mirrors the encoder without the
    bottleneck and ends in ``input_dim`` units, so that the model maps a sample to
    its reconstruction. For ``hidden_units=(32, 8)`` the widths are
    input_dim -> 32 -> 8 -> 32 -> input_dim.

    Parameters
    ----------
    input_dim : int
        Number of features of one sample.
    hidden_units : tuple of int, default=(32, 8)
        Widths of the encoder's layers; the last one, the bottleneck, must be
        smaller than ``input_dim``, or the network could learn to copy its input.
    activation : str, default="relu"
        Activation of the hidden layers.
    output_activation : str, default="linear"
        Activation of the reconstruction: ``"linear"`` for standardised features,
        ``"sigmoid"`` for features scaled to [0, 1].
    dropout_rate : float in [0, 1), default=0.0
        Dropout after every hidden layer except the bottleneck (0 disables it).

    Returns
    -------
    keras.Model
        Uncompiled; maps (batch, input_dim) to (batch, input_dim).
    """
    import keras
    from keras import layers

    input_dim = check_positive_int(input_dim, "input_dim")
    _check_units(hidden_units, "hidden_units")
    _check_activation(activation, "activation")
    _check_activation(output_activation, "output_activation")
    check_fraction(dropout_rate, "dropout_rate", low_inclusive=True, high_inclusive=False)
    if hidden_units[-1] >= input_dim:
        raise ValueError(
            f"the bottleneck hidden_units[-1] must be smaller than input_dim={input_dim}, "
            f"or the autoencoder can learn to copy its input; got hidden_units={hidden_units!r}."
        )

    inputs = keras.Input(shape=(input_dim,), name="sample")
    x = inputs
    for index, units in enumerate(hidden_units[:-1], start=1):
        x = layers.Dense(units=units, activation=activation, name=f"encoder{index}")(x)
        if dropout_rate > 0:
            x = layers.Dropout(rate=dropout_rate, name=f"encoder{index}_dropout")(x)
    x = layers.Dense(units=hidden_units[-1], activation=activation, name="bottleneck")(x)
    for index, units in enumerate(reversed(hidden_units[:-1]), start=1):
        x = layers.Dense(units=units, activation=activation, name=f"decoder{index}")(x)
        if dropout_rate > 0:
            x = layers.Dropout(rate=dropout_rate, name=f"decoder{index}_dropout")(x)
    outputs = layers.Dense(units=input_dim, activation=output_activation,
                           name="reconstruction")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="dense_autoencoder")


def build_conv_autoencoder(input_shape, *, filters=(16, 32), kernel_size=3, pool_size=2,
                           activation="relu", output_activation="sigmoid"):
    """A 2-D convolutional autoencoder for images.

    Taught in :ref:`sec_manufacturing`.

    Each encoder block is a convolution with ``padding="same"`` followed by a max
    pooling that divides height and width by ``pool_size``; each decoder block is a
    transposed convolution with ``strides=pool_size`` that multiplies them back, in
    the mirrored order of ``filters``. A last convolution maps to the input's number
    of channels. For a 32x32 image and the defaults: 32 -> 16 -> 8 -> 16 -> 32.

    Parameters
    ----------
    input_shape : tuple of 3 ints
        (height, width, channels) of one image; height and width must be divisible
        by ``pool_size ** len(filters)``.
    filters : tuple of int, default=(16, 32)
        Number of filters of each encoder block; the decoder uses them reversed.
    kernel_size : int, default=3
        Side of the square convolution kernels.
    pool_size : int, default=2
        Factor by which each encoder block shrinks (and each decoder block grows)
        the image.
    activation : str, default="relu"
        Activation of the hidden convolutions.
    output_activation : str, default="sigmoid"
        Activation of the reconstruction; ``"sigmoid"`` suits pixels in [0, 1].

    Returns
    -------
    keras.Model
        Uncompiled; maps (batch, height, width, channels) to the same shape.
    """
    import keras
    from keras import layers

    height, width, channels = _check_input_shape(input_shape, 3)
    _check_units(filters, "filters")
    check_positive_int(kernel_size, "kernel_size")
    check_positive_int(pool_size, "pool_size", minimum=2)
    _check_activation(activation, "activation")
    _check_activation(output_activation, "output_activation")
    _check_divisible(height, pool_size, len(filters), "input_shape height")
    _check_divisible(width, pool_size, len(filters), "input_shape width")

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for block, n_filters in enumerate(filters, start=1):
        x = layers.Conv2D(filters=n_filters, kernel_size=kernel_size, padding="same",
                          activation=activation, name=f"encoder_conv{block}")(x)
        x = layers.MaxPooling2D(pool_size=pool_size, name=f"encoder_pool{block}")(x)
    for block, n_filters in enumerate(reversed(filters), start=1):
        x = layers.Conv2DTranspose(filters=n_filters, kernel_size=kernel_size,
                                   strides=pool_size, padding="same", activation=activation,
                                   name=f"decoder_deconv{block}")(x)
    outputs = layers.Conv2D(filters=channels, kernel_size=kernel_size, padding="same",
                            activation=output_activation, name="reconstruction")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="conv_autoencoder")


def build_conv1d_autoencoder(window_length, n_features=1, *, filters=(32, 16), kernel_size=7,
                             strides=2, activation="relu", dropout_rate=0.0):
    """A 1-D convolutional autoencoder for windows of a time series.

    Taught in :ref:`sec_manufacturing`.

    The architecture of the Keras example "Timeseries anomaly detection using an
    Autoencoder": strided ``Conv1D`` layers shorten the window by ``strides`` at each
    step, ``Conv1DTranspose`` layers with the filters reversed lengthen it back, and
    a last transposed convolution maps to ``n_features`` channels with a linear
    activation. Dropout follows every encoder and decoder layer except the last of
    each. With the defaults, ``dropout_rate=0.2`` and ``window_length=288`` it is the
    example's model, with 9,505 parameters.

    Parameters
    ----------
    window_length : int
        Time steps per window; must be divisible by ``strides ** len(filters)``.
    n_features : int, default=1
        Values per time step (1 for a single sensor).
    filters : tuple of int, default=(32, 16)
        Number of filters of each encoder layer; the decoder uses them reversed.
    kernel_size : int, default=7
        Length of the convolution kernels, in time steps.
    strides : int, default=2
        Factor by which each encoder layer shortens (and each decoder layer
        lengthens) the window.
    activation : str, default="relu"
        Activation of the hidden layers.
    dropout_rate : float in [0, 1), default=0.0
        Rate of the dropout layers (0 disables them).

    Returns
    -------
    keras.Model
        Uncompiled; maps (batch, window_length, n_features) to the same shape.
    """
    import keras
    from keras import layers

    window_length = check_positive_int(window_length, "window_length")
    n_features = check_positive_int(n_features, "n_features")
    _check_units(filters, "filters")
    check_positive_int(kernel_size, "kernel_size")
    check_positive_int(strides, "strides")
    _check_activation(activation, "activation")
    check_fraction(dropout_rate, "dropout_rate", low_inclusive=True, high_inclusive=False)
    _check_divisible(window_length, strides, len(filters), "window_length")

    inputs = keras.Input(shape=(window_length, n_features), name="window")
    x = inputs
    for index, n_filters in enumerate(filters, start=1):
        x = layers.Conv1D(filters=n_filters, kernel_size=kernel_size, strides=strides,
                          padding="same", activation=activation, name=f"encoder_conv{index}")(x)
        if dropout_rate > 0 and index < len(filters):
            x = layers.Dropout(rate=dropout_rate, name=f"encoder_dropout{index}")(x)
    for index, n_filters in enumerate(reversed(filters), start=1):
        x = layers.Conv1DTranspose(filters=n_filters, kernel_size=kernel_size, strides=strides,
                                   padding="same", activation=activation,
                                   name=f"decoder_deconv{index}")(x)
        if dropout_rate > 0 and index < len(filters):
            x = layers.Dropout(rate=dropout_rate, name=f"decoder_dropout{index}")(x)
    outputs = layers.Conv1DTranspose(filters=n_features, kernel_size=kernel_size, padding="same",
                                     name="reconstruction")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="conv1d_autoencoder")


def build_lstm_autoencoder(window_length, n_features=1, *, units=(32,), dropout_rate=0.0):
    """An LSTM encoder-decoder that reconstructs windows of a time series.

    Taught in :ref:`sec_manufacturing`.

    The recipe of Malhotra et al. (2016): LSTM layers read the window (all but the
    last return their whole sequence); the last one's final state is the code. The
    code is repeated ``window_length`` times and read by LSTM layers of the mirrored
    widths, whose outputs a ``Dense`` layer maps to ``n_features`` values per step.
    (Malhotra et al. reconstruct the window in reverse order; here it comes out in
    its own order, which changes nothing for the score.)

    Parameters
    ----------
    window_length : int
        Time steps per window.
    n_features : int, default=1
        Values per time step.
    units : tuple of int, default=(32,)
        Widths of the encoder's LSTM layers; the last is the code's size.
    dropout_rate : float in [0, 1), default=0.0
        Dropout on the inputs of every LSTM layer (0 disables it).

    Returns
    -------
    keras.Model
        Uncompiled; maps (batch, window_length, n_features) to the same shape.
    """
    import keras
    from keras import layers

    window_length = check_positive_int(window_length, "window_length")
    n_features = check_positive_int(n_features, "n_features")
    _check_units(units, "units")
    check_fraction(dropout_rate, "dropout_rate", low_inclusive=True, high_inclusive=False)

    inputs = keras.Input(shape=(window_length, n_features), name="window")
    x = inputs
    for index, width in enumerate(units, start=1):
        x = layers.LSTM(units=width, return_sequences=index < len(units), dropout=dropout_rate,
                        name=f"encoder_lstm{index}")(x)
    x = layers.RepeatVector(n=window_length, name="repeat_code")(x)
    for index, width in enumerate(reversed(units), start=1):
        x = layers.LSTM(units=width, return_sequences=True, dropout=dropout_rate,
                        name=f"decoder_lstm{index}")(x)
    outputs = layers.Dense(units=n_features, name="reconstruction")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="lstm_autoencoder")


def _reinitialize(model):
    """Fresh initial weights (drawn as for a new model) and a fresh optimizer state."""
    import keras

    if getattr(model, "optimizer", None) is None or not model.built:
        raise ValueError("model must be a compiled model returned by train_cnn; got "
                         f"{type(model).__name__} without an optimizer.")
    fresh = keras.models.clone_model(model)
    model.set_weights(fresh.get_weights())
    for variable in model.optimizer.variables:
        if not variable.path.endswith("learning_rate"):
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))
