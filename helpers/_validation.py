"""Argument checks shared by the whole package: the one vocabulary of ``helpers``.

Every check takes the value and the parameter's name, returns the value in its
canonical type, and otherwise raises with a message that names the parameter,
the rule and the value received. The exception type follows one rule: a value
of the wrong *type* raises :class:`TypeError`; a value of the right type that
breaks the rule (out of range, wrong shape, not finite) raises :class:`ValueError`.

This is the lowest layer of the package: it imports nothing from ``helpers``.
"""

import math
import numbers

import numpy as np

__all__ = [
    "check_int",
    "check_positive_int",
    "check_non_negative_int",
    "check_positive_number",
    "check_non_negative_number",
    "check_fraction",
    "check_one_of",
    "check_seed",
    "check_bool",
    "check_positive_int_tuple",
    "check_float_array",
]


def _type_name(value):
    return type(value).__name__


# ------------------------------------------------------------------ integers


def check_int(value, name, *, minimum):
    """Return ``value`` as an int if it is an integer ``>= minimum``; raise otherwise.

    Booleans are refused: ``True`` is an int to Python, never to a reader.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {value!r} of type {_type_name(value)}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def check_positive_int(value, name):
    """Return ``value`` as an int if it is an integer ``>= 1``; raise otherwise."""
    return check_int(value, name, minimum=1)


def check_non_negative_int(value, name):
    """Return ``value`` as an int if it is an integer ``>= 0``; raise otherwise."""
    return check_int(value, name, minimum=0)


def check_seed(value, name="random_state"):
    """Return ``value`` as an int if it is a non-negative integer seed; raise otherwise.

    Unlike scikit-learn's ``check_random_state``, which turns ``None``, an int or
    a ``RandomState`` into a generator, this accepts integer seeds only: the book
    fixes every seed, so that every run prints the same numbers.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a non-negative int seed; got {value!r} of type {_type_name(value)}."
        )
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int seed; got {value!r}.")
    return int(value)


def check_positive_int_tuple(value, name, *, length=None, minimum=1):
    """Return ``value`` as a tuple of ints ``>= minimum`` (one per entry); raise otherwise.

    A tuple or a list is accepted (scikit-learn's grid search passes lists); it
    must not be empty, and must have ``length`` entries when ``length`` is given.
    """
    size = "a non-empty" if length is None else f"a {length}-entry"
    rule = f"{name} must be {size} tuple of ints >= {minimum}"
    if not isinstance(value, tuple | list):
        raise TypeError(f"{rule}; got {value!r} of type {_type_name(value)}.")
    if not value or (length is not None and len(value) != length):
        raise ValueError(f"{rule}; got {value!r}.")
    return tuple(check_int(entry, f"each entry of {name}", minimum=minimum) for entry in value)


# ------------------------------------------------------------------ real numbers


def _check_real(value, name, rule):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {rule}; got {value!r} of type {_type_name(value)}.")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be {rule}; got {value!r}.")
    return float(value)


def check_positive_number(value, name):
    """Return ``value`` as a float if it is a finite number ``> 0`` (a learning rate, a
    timeout); raise otherwise."""
    number = _check_real(value, name, "a finite number > 0")
    if number <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}.")
    return number


def check_non_negative_number(value, name):
    """Return ``value`` as a float if it is a finite number ``>= 0`` (a penalty); raise
    otherwise."""
    number = _check_real(value, name, "a finite number >= 0")
    if number < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
    return number


def check_fraction(value, name, *, high=1.0, low_inclusive=False, high_inclusive=True,
                   meaning=""):
    """Return ``value`` as a float if it is a share between 0 and ``high <= 1``; raise otherwise.

    The interval is ``(0, high]`` by default; ``low_inclusive`` and
    ``high_inclusive`` open or close its ends. ``meaning``, a sentence, is added
    to the message to say what the parameter is.
    """
    if not 0 < high <= 1:
        raise ValueError(f"high must be in (0, 1]: a fraction is a share; got {high!r}.")
    left, right = "[" if low_inclusive else "(", "]" if high_inclusive else ")"
    interval = f"{left}0, {high:g}{right}"
    suffix = f" {meaning}" if meaning else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a number in {interval}; got {value!r} of type "
            f"{_type_name(value)}.{suffix}"
        )
    above = value >= 0 if low_inclusive else value > 0
    below = value <= high if high_inclusive else value < high
    if not (above and below):  # NaN fails both comparisons
        raise ValueError(f"{name} must be in {interval}; got {value!r}.{suffix}")
    return float(value)


# ------------------------------------------------------------------ other values


def check_one_of(value, name, choices):
    """Return ``value`` if it is one of ``choices``; raise otherwise."""
    try:
        found = value in choices
    except TypeError:  # an unhashable value tested against a set
        found = False
    if not found:
        options = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value


def check_bool(value, name):
    """Return ``value`` if it is ``True`` or ``False``; raise otherwise."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r} of type "
                        f"{_type_name(value)}.")
    return bool(value)


def check_float_array(value, name, *, ndim=None, axes="", allow_empty=False, finite=True,
                      dtype=None):
    """Return ``value`` as a floating NumPy array; raise if it is not one.

    Parameters
    ----------
    value : array-like
    name : str
        The parameter's name, for the messages.
    ndim : int or None, default=None
        Required number of dimensions.
    axes : str, default=""
        What the axes are, e.g. ``"(n_samples, n_features)"``, for the message.
    allow_empty : bool, default=False
        Whether an array with no elements is accepted.
    finite : bool, default=True
        Whether NaN and infinite values are refused.
    dtype : numpy dtype or None, default=None
        Convert to this floating type; ``None`` keeps a floating input's type
        and turns booleans and integers into float64.

    Returns
    -------
    ndarray
    """
    array = np.asarray(value) if not isinstance(value, np.ndarray) else value
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be an array of real numbers; got an array of dtype {array.dtype}."
        )
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    elif array.dtype.kind != "f":
        array = array.astype(np.float64)
    if ndim is not None and array.ndim != ndim:
        shape = f" of shape {axes}" if axes else ""
        raise ValueError(
            f"{name} must be a {ndim}-D array{shape}; got an array of shape {array.shape} "
            f"({array.ndim}-D)."
        )
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {array.shape}.")
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers; got NaN or infinite values.")
    return array
