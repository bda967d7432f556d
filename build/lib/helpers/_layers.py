"""Private builder of plain dense stacks, shared by :mod:`helpers.models` and
:mod:`helpers.detectors`.

Taught in :ref:`sec_benchmark`.
"""

__all__ = ["dense_stack"]


def dense_stack(
    input_dim,
    hidden_units,
    *,
    activation="relu",
    output_units=None,
    output_activation=None,
    use_bias=True,
    dropout_rate=0.0,
    kernel_regularizer=None,
    name=None,
):
    """Build a stack of fully connected layers on an explicit input.

    Parameters
    ----------
    input_dim : int
        Number of input features; the model takes arrays of shape
        ``(batch_size, input_dim)``.
    hidden_units : sequence of int
        Width of each hidden ``Dense`` layer, in order. May be empty.
    activation : str, default="relu"
        Activation of the hidden layers.
    output_units : int or None, default=None
        Width of a final ``Dense`` layer; ``None`` adds no output layer, so the
        last hidden layer is the output.
    output_activation : str or None, default=None
        Activation of the output layer (``None`` is linear).
    use_bias : bool, default=True
        Whether every ``Dense`` layer has a bias. Deep SVDD needs ``False``.
    dropout_rate : float, default=0.0
        Rate of a ``Dropout`` layer after each hidden layer (none when 0).
    kernel_regularizer : keras regularizer or None, default=None
        Weight penalty applied to every ``Dense`` kernel.
    name : str or None, default=None
        Name of the returned model.

    Returns
    -------
    model : keras.Sequential
        Uncompiled model mapping ``(batch_size, input_dim)`` to
        ``(batch_size, output_units)`` (or the last hidden width).
    """
    import keras

    layers = [keras.Input(shape=(int(input_dim),))]
    for index, units in enumerate(hidden_units):
        layers.append(
            keras.layers.Dense(
                units=int(units),
                activation=activation,
                use_bias=use_bias,
                kernel_regularizer=kernel_regularizer,
                name=f"hidden_{index}",
            )
        )
        if dropout_rate > 0:
            layers.append(keras.layers.Dropout(rate=dropout_rate, name=f"dropout_{index}"))
    if output_units is not None:
        layers.append(
            keras.layers.Dense(
                units=int(output_units),
                activation=output_activation,
                use_bias=use_bias,
                kernel_regularizer=kernel_regularizer,
                name="output",
            )
        )
    return keras.Sequential(layers, name=name)
