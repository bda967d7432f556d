"""helpers.plotting: every function draws on the given axes and returns them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plotting import plot_digit_mosaic, plot_learning_curves, plot_score_distributions


@pytest.fixture
def ax():
    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)


def test_mosaic_tiles_images_with_gaps(ax):
    images = np.arange(5 * 8 * 8, dtype=float).reshape(5, 8, 8, 1)
    assert plot_digit_mosaic(images, ncols=3, title="digits", ax=ax) is ax
    shown = ax.get_images()[0].get_array()
    assert shown.shape == (2 * 9 - 1, 3 * 9 - 1)
    np.testing.assert_array_equal(shown[:8, :8], images[0, ..., 0])
    np.testing.assert_array_equal(shown[9:17, 9:17], images[4, ..., 0])
    assert shown.mask[8, 0] and shown.mask[9, 20]  # the gap row and the empty sixth tile
    assert ax.get_title() == "digits"


def test_learning_curves_accepts_dict_and_history(ax):
    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.6]}
    assert plot_learning_curves(history, ax=ax) is ax
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["loss", "val_loss"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])

    class FakeHistory:
        def __init__(self, history):
            self.history = history

    plot_learning_curves(FakeHistory(history), keys=("loss",), ax=ax)
    assert len(ax.get_lines()) == 3


def test_score_distributions_draw_threshold(ax):
    plot_score_distributions([0.1, 0.2, 0.9], [0, 0, 1], threshold=0.5, bins=5, ax=ax)
    assert ax.get_lines()[0].get_xdata()[0] == 0.5
    assert ax.get_xlabel() == "anomaly score"


def test_new_axes_when_none_given():
    before = set(plt.get_fignums())
    ax = plot_score_distributions([0.1, 0.9], [0, 1], bins=4)
    try:
        assert len(set(plt.get_fignums()) - before) == 1  # a new figure, no other
        assert ax.figure.number not in before and ax is plt.gca()
        assert len(ax.patches) == 2 * 4  # two histograms of 4 bins each
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda ax: plot_digit_mosaic(np.zeros((2, 8)), ax=ax), ValueError,
         r"images must have shape .* got \(2, 8\)"),
        (lambda ax: plot_digit_mosaic(np.zeros((2, 8, 8)), ncols=0, ax=ax), ValueError,
         r"ncols must be an int >= 1; got 0"),
        (lambda ax: plot_learning_curves([1, 2], ax=ax), TypeError,
         r"history must be a dict or a keras History; got list"),
        (lambda ax: plot_learning_curves({"loss": [1]}, ax=ax), ValueError,
         r"keys \['val_loss'\] are not in history"),
        (lambda ax: plot_score_distributions([1, 2], [0], ax=ax), ValueError,
         r"scores and y_true must have the same length; got 2 and 1"),
        (lambda ax: plot_score_distributions([1, np.nan], [0, 1], ax=ax), ValueError,
         r"scores must hold finite numbers"),
        (lambda ax: plot_digit_mosaic([["a"]], ax=ax), TypeError,
         r"images must be an array of real numbers"),
    ],
)
def test_bad_input(ax, call, error, message):
    with pytest.raises(error, match=message):
        call(ax)
