"""helpers._validation: the package's one vocabulary of argument checks.

The rule every check follows: a value of the wrong type raises TypeError, a value
of the right type that breaks the rule raises ValueError, and the message names the
parameter, the rule and the value received.
"""

import numpy as np
import pytest

from helpers._validation import (
    check_bool,
    check_float_array,
    check_fraction,
    check_int,
    check_non_negative_int,
    check_non_negative_number,
    check_one_of,
    check_positive_int,
    check_positive_int_tuple,
    check_positive_number,
    check_seed,
)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: check_positive_int(np.int64(3), "n"), 3),
        (lambda: check_non_negative_int(0, "n"), 0),
        (lambda: check_int(2, "pool_size", minimum=2), 2),
        (lambda: check_seed(np.uint8(7)), 7),
        (lambda: check_positive_number(1e-3, "learning_rate"), 1e-3),
        (lambda: check_positive_number(5, "timeout"), 5.0),
        (lambda: check_non_negative_number(0, "weight_decay"), 0.0),
        (lambda: check_fraction(0.5, "contamination", high=0.5), 0.5),
        (lambda: check_fraction(0, "dropout_rate", low_inclusive=True), 0.0),
        (lambda: check_one_of(None, "class_weight", ("balanced", None)), None),
        (lambda: check_bool(np.bool_(True), "flag"), True),
        (lambda: check_positive_int_tuple([16, 4], "hidden_units"), (16, 4)),
        (lambda: check_positive_int_tuple((8, 8, 1), "input_shape", length=3), (8, 8, 1)),
    ],
)
def test_accepted_values_come_back_in_their_canonical_type(call, expected):
    result = call()
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: check_positive_int(0, "epochs"), ValueError, "epochs must be an int >= 1; got 0."),
        (lambda: check_positive_int(True, "epochs"), TypeError,
         "epochs must be an int; got True of type bool."),
        (lambda: check_positive_int(2.0, "epochs"), TypeError,
         "epochs must be an int; got 2.0 of type float."),
        (lambda: check_non_negative_int(-1, "verbose"), ValueError,
         "verbose must be an int >= 0; got -1."),
        (lambda: check_seed(None), TypeError,
         "random_state must be a non-negative int seed; got None of type NoneType."),
        (lambda: check_seed(-1, "seed"), ValueError,
         "seed must be a non-negative int seed; got -1."),
        (lambda: check_positive_number(0.0, "learning_rate"), ValueError,
         "learning_rate must be a finite number > 0; got 0.0."),
        (lambda: check_positive_number(float("inf"), "learning_rate"), ValueError,
         "learning_rate must be a finite number > 0; got inf."),
        (lambda: check_positive_number(float("nan"), "learning_rate"), ValueError,
         "learning_rate must be a finite number > 0; got nan."),
        (lambda: check_positive_number("0.1", "learning_rate"), TypeError,
         "learning_rate must be a finite number > 0; got '0.1' of type str."),
        (lambda: check_non_negative_number(-1e-6, "weight_decay"), ValueError,
         "weight_decay must be a finite number >= 0; got -1e-06."),
        (lambda: check_fraction(0.7, "contamination", high=0.5, meaning="It is a share."),
         ValueError, "contamination must be in (0, 0.5]; got 0.7. It is a share."),
        (lambda: check_fraction(float("nan"), "contamination"), ValueError,
         "contamination must be in (0, 1]; got nan."),
        (lambda: check_fraction(None, "test_size", high_inclusive=False), TypeError,
         "test_size must be a number in (0, 1); got None of type NoneType."),
        (lambda: check_fraction(0.1, "x", high=2.0), ValueError,
         "high must be in (0, 1]: a fraction is a share; got 2.0."),
        (lambda: check_one_of("same ", "padding", ("valid", "same")), ValueError,
         "padding must be one of 'valid', 'same'; got 'same '."),
        (lambda: check_one_of([1], "scaling", {"minmax"}), ValueError,
         "scaling must be one of 'minmax'; got [1]."),
        (lambda: check_bool(1, "use_fit"), TypeError,
         "use_fit must be True or False; got 1 of type int."),
        (lambda: check_positive_int_tuple("32", "hidden_units"), TypeError,
         "hidden_units must be a non-empty tuple of ints >= 1; got '32' of type str."),
        (lambda: check_positive_int_tuple((), "filters"), ValueError,
         "filters must be a non-empty tuple of ints >= 1; got ()."),
        (lambda: check_positive_int_tuple((8, 8), "input_shape", length=3), ValueError,
         "input_shape must be a 3-entry tuple of ints >= 1; got (8, 8)."),
        (lambda: check_positive_int_tuple((8, 0), "units"), ValueError,
         "each entry of units must be an int >= 1; got 0."),
        (lambda: check_positive_int_tuple((8, None), "units"), TypeError,
         "each entry of units must be an int; got None of type NoneType."),
        (lambda: check_float_array(["a"], "X"), TypeError,
         "X must be an array of real numbers; got an array of dtype <U1."),
        (lambda: check_float_array(np.array([None]), "X"), TypeError,
         "X must be an array of real numbers; got an array of dtype object."),
        (lambda: check_float_array([1.0, np.nan], "scores"), ValueError,
         "scores must hold finite numbers; got NaN or infinite values."),
        (lambda: check_float_array([], "scores"), ValueError,
         "scores must not be empty; got an array of shape (0,)."),
        (lambda: check_float_array(np.zeros(3), "X", ndim=2, axes="(n_samples, n_features)"),
         ValueError, "X must be a 2-D array of shape (n_samples, n_features); got an array of "
         "shape (3,) (1-D)."),
    ],
)
def test_rejected_values_name_parameter_rule_and_value(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert str(caught.value) == message


def test_float_array_keeps_floating_types_and_converts_the_rest():
    assert check_float_array(np.ones(2, dtype=np.float32), "x").dtype == np.float32
    assert check_float_array([1, 2], "x").dtype == np.float64
    assert check_float_array([True], "x").dtype == np.float64
    assert check_float_array([1, 2], "x", dtype=np.float32).dtype == np.float32
    assert check_float_array([np.inf], "x", finite=False)[0] == np.inf
    assert check_float_array(np.empty((0, 3)), "x", allow_empty=True).shape == (0, 3)
