"""Argument checks shared by the package, with messages that name the parameter,
the rule and the value received."""

import numbers

__all__ = ["check_fraction", "check_positive_int", "check_choice", "check_random_state"]


def check_positive_int(value, name, *, minimum=1):
    """Return ``value`` if it is an int ``>= minimum``; raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {value!r} of type {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    return int(value)


def check_fraction(value, name, *, low=0.0, high=1.0, low_inclusive=False, high_inclusive=True,
                   meaning=""):
    """Return ``value`` as a float if it lies in the stated interval; raise otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {value!r} of type {type(value).__name__}.")
    above = value >= low if low_inclusive else value > low
    below = value <= high if high_inclusive else value < high
    if not (above and below):
        left, right = "[" if low_inclusive else "(", "]" if high_inclusive else ")"
        interval = f"{left}{low:g}, {high:g}{right}"
        suffix = f" {meaning}" if meaning else ""
        raise ValueError(f"{name} must be in {interval}; got {value!r}.{suffix}")
    return float(value)


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices``; raise otherwise."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value


def check_random_state(value, name="random_state"):
    """Return ``value`` if it is a non-negative int (a seed); raise otherwise.

    The book uses integer seeds only, so that every run prints the same numbers.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be a non-negative int seed; got {value!r} of type {type(value).__name__}."
        )
    if value < 0:
        raise ValueError(f"{name} must be a non-negative int seed; got {value!r}.")
    return int(value)
