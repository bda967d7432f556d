"""The book's figures. Every function takes ``ax=None`` and returns the axes.

Taught in :ref:`sec_project`.
"""

import numpy as np

__all__ = ["plot_digit_mosaic", "plot_learning_curves", "plot_score_distributions"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def plot_digit_mosaic(images, *, ncols=10, title=None, ax=None):
    """Show small grey images side by side, tiled into one picture.

    Parameters
    ----------
    images : array-like of shape (n_images, height, width) or (n_images, height, width, 1)
    ncols : int, default=10
        Images per row.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    images = np.asarray(images, dtype=float)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise ValueError("images must have shape (n_images, height, width) or "
                         f"(n_images, height, width, 1) with n_images >= 1; got {images.shape}.")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int; got {ncols!r}.")
    n, height, width = images.shape
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    mosaic = np.full((nrows * (height + 1) - 1, ncols * (width + 1) - 1), np.nan)
    for index, image in enumerate(images):
        row, col = divmod(index, ncols)
        mosaic[row * (height + 1):row * (height + 1) + height,
               col * (width + 1):col * (width + 1) + width] = image
    ax = _axes(ax)
    ax.imshow(np.ma.masked_invalid(mosaic), cmap="gray_r", interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


def plot_learning_curves(history, *, keys=("loss", "val_loss"), ax=None):
    """Plot per-epoch values from a Keras history.

    Parameters
    ----------
    history : dict of str to sequence of float, or keras.callbacks.History
    keys : tuple of str, default=("loss", "val_loss")
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    history = getattr(history, "history", history)
    if not isinstance(history, dict):
        raise TypeError(f"history must be a dict or a keras History; got {type(history).__name__}.")
    missing = [key for key in keys if key not in history]
    if missing:
        raise ValueError(f"keys {missing} are not in history; it has {sorted(history)}.")
    ax = _axes(ax)
    for key in keys:
        values = history[key]
        ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=key)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (binary cross-entropy)" if "loss" in keys else "value")
    ax.legend()
    return ax


def plot_score_distributions(scores, y_true, *, threshold=None, bins=30, ax=None):
    """Histograms of anomaly scores for normal and anomalous samples.

    Parameters
    ----------
    scores : array-like of shape (n_samples,)
        Higher for more anomalous samples.
    y_true : array-like of shape (n_samples,)
        1 for an anomaly, 0 otherwise.
    threshold : float, optional
        Drawn as a vertical line.
    bins : int, default=30
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    scores = np.asarray(scores, dtype=float).ravel()
    y_true = np.asarray(y_true).ravel()
    if scores.shape != y_true.shape:
        raise ValueError(f"scores and y_true must have the same length; got {scores.shape[0]} "
                         f"and {y_true.shape[0]}.")
    ax = _axes(ax)
    edges = np.histogram_bin_edges(scores, bins=bins)
    ax.hist(scores[y_true == 0], bins=edges, alpha=0.6, label="normal", density=True)
    ax.hist(scores[y_true == 1], bins=edges, alpha=0.6, label="anomaly", density=True)
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label="threshold")
    ax.set_xlabel("anomaly score")
    ax.set_ylabel("density")
    ax.legend()
    return ax
