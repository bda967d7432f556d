"""Scoring in constant memory: batches in, scores out, one batch at a time.

Taught in :ref:`sec_scaling`.
"""

import weakref
from pathlib import Path

import numpy as np

from .._validation import check_float_array, check_positive_int
from ._training import _check_feature_dataset

__all__ = ["score_stream", "score_to_file", "iter_npy_chunks"]


# Compiled scoring functions of Keras models, kept while the model lives, so that scoring
# the same model again does not compile again.
_COMPILED = weakref.WeakKeyDictionary()


def _scoring_function(scorer):
    """Return (function mapping a 2-D array to 1-D scores, n_features or None)."""
    if hasattr(scorer, "score_samples") and hasattr(scorer, "fit"):
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(
            scorer,
            msg=("scorer %(name)s is not fitted yet: call its fit(X_train) before scoring "
                 "with it, or pass a detector that is already fitted."),
        )
        n_features = getattr(scorer, "n_features_in_", None)
        return scorer.score_samples, n_features

    import keras

    if not isinstance(scorer, keras.Model):
        raise TypeError(
            "scorer must be a fitted detector with score_samples (higher = more normal) or a "
            f"keras.Model; got {scorer!r} of type {type(scorer).__name__}."
        )
    import tensorflow as tf

    input_shape, output_shape = tuple(scorer.input_shape), tuple(scorer.output_shape)
    if len(input_shape) != 2 or input_shape[-1] is None:
        raise ValueError(
            "scorer must be a Keras model on rows of shape (batch, n_features); "
            f"got a model with input shape {input_shape}."
        )
    n_features = int(input_shape[-1])
    # The compiled function refers to the model weakly, so that the cache below does not
    # keep the model alive.
    model = weakref.ref(scorer)
    if output_shape == input_shape:
        def score(x):
            # An autoencoder: minus the mean squared reconstruction error, so that
            # higher = more normal, as score_samples.
            return -tf.reduce_mean(tf.square(x - model()(x, training=False)), axis=-1)
    elif output_shape in ((None,), (None, 1)):
        def score(x):
            return tf.reshape(model()(x, training=False), [-1])
    else:
        raise ValueError(
            "scorer must be an autoencoder (output shape = input shape) or output one score "
            f"per row (shape (batch,) or (batch, 1)); got output shape {output_shape}."
        )
    compiled = _COMPILED.get(scorer)
    if compiled is None:
        compiled = tf.function(score, input_signature=[
            tf.TensorSpec(shape=(None, n_features), dtype=tf.float32)])
        _COMPILED[scorer] = compiled

    def score_array(X):
        return compiled(np.asarray(X, dtype=np.float32)).numpy()

    return score_array, n_features


def score_stream(scorer, batches):
    """Score an iterable of batches one at a time, in constant memory.

    Taught in :ref:`sec_scaling`.

    Parameters
    ----------
    scorer : fitted detector or keras.Model
        A detector with ``fit`` and ``score_samples`` (scikit-learn's outlier
        contract: higher = more normal), already fitted; or a Keras model on
        rows. A model whose output has the shape of its input is taken as an
        autoencoder and scored by minus its mean squared reconstruction error
        (higher = more normal, like ``score_samples``); any other model must
        output one number per row, which is the score.
    batches : iterable of array-like of shape (n_rows, n_features)
        A list, a generator, :func:`iter_npy_chunks`, or a ``tf.data.Dataset``
        of float32 batches. Batches may differ in ``n_rows``, not in
        ``n_features``.

    Returns
    -------
    scores : generator of ndarray of shape (n_rows,)
        The scores of each batch, in order. Only one batch is held at a time.
        The scorer and, for a ``tf.data.Dataset``, its element shape are checked
        when ``score_stream`` is called; each batch is checked when it arrives.
    """
    import tensorflow as tf

    score, n_features = _scoring_function(scorer)
    if isinstance(batches, tf.data.Dataset):
        _check_feature_dataset(batches, name="batches")
    elif not hasattr(batches, "__iter__"):
        raise TypeError(
            "batches must be an iterable of 2-D arrays (n_rows, n_features), e.g. a list, a "
            f"generator or a tf.data.Dataset; got {type(batches).__name__}."
        )
    if isinstance(batches, np.ndarray):
        raise TypeError(
            "batches must be an iterable of 2-D arrays, not one array: pass [X] to score X "
            "in one batch, or iter_npy_chunks(path) to read a .npy file chunk by chunk."
        )

    def generate():
        expected = n_features
        for index, batch in enumerate(batches):
            shape = np.shape(batch)
            if len(shape) != 2:
                raise ValueError(
                    f"batch {index} must be a 2-D array (n_rows, n_features); got shape {shape}."
                )
            batch = check_float_array(batch, f"batch {index}", allow_empty=True)
            if expected is not None and shape[1] != expected:
                raise ValueError(
                    f"batch {index} has {shape[1]} features; the scorer expects {expected}."
                )
            expected = shape[1]
            if shape[0] == 0:
                yield np.empty(0)
                continue
            yield np.asarray(score(batch))

    return generate()


def score_to_file(scorer, batches, out, *, dtype=np.float64):
    """Score batches one at a time and write the scores out as they come.

    Taught in :ref:`sec_scaling`.

    Parameters
    ----------
    scorer : fitted detector or keras.Model
        As in :func:`score_stream`.
    batches : iterable of array-like of shape (n_rows, n_features)
        As in :func:`score_stream`.
    out : binary file object or ndarray of shape (n_samples,)
        A file opened for binary writing (``open(path, "wb")``): the scores are
        appended as raw ``dtype`` values. Or a 1-D array, typically a
        ``numpy.memmap`` or ``numpy.lib.format.open_memmap`` on disk, filled from
        its start; it must have exactly as many entries as there are rows.
    dtype : data-type, default=numpy.float64
        Type of the values written to a file (an array keeps its own).

    Returns
    -------
    n_rows : int
        Number of scores written.
    """
    if isinstance(out, np.ndarray):
        if out.ndim != 1:
            raise ValueError(
                f"out must be a 1-D array with one entry per row; got shape {out.shape}.")
        if not out.flags.writeable:
            raise ValueError("out must be writeable; open the memmap with mode 'w+' or 'r+'.")
    elif not (hasattr(out, "write") and "b" in getattr(out, "mode", "b")):
        raise TypeError(
            "out must be a file opened for binary writing (open(path, 'wb')) or a 1-D numpy "
            f"array or memmap; got {out!r} of type {type(out).__name__}."
        )
    dtype = np.dtype(dtype)
    written = 0
    for scores in score_stream(scorer, batches):
        if isinstance(out, np.ndarray):
            end = written + len(scores)
            if end > len(out):
                raise ValueError(
                    f"out has {len(out)} entries, fewer than the rows of batches (at least "
                    f"{end}); make it as long as the data."
                )
            out[written:end] = scores
        else:
            out.write(np.ascontiguousarray(scores, dtype=dtype).tobytes())
        written += len(scores)
    if isinstance(out, np.ndarray):
        if written != len(out):
            raise ValueError(
                f"out has {len(out)} entries but batches held {written} rows; make it as long "
                "as the data."
            )
        if isinstance(out, np.memmap):
            out.flush()
    return written


def iter_npy_chunks(path, *, chunk_rows=65536):
    """Read a 2-D ``.npy`` file chunk by chunk with ordinary reads.

    Taught in :ref:`sec_scaling`.

    Unlike ``numpy.load(path, mmap_mode="r")``, whose pages stay mapped in the
    process (and count in its resident memory) once touched, each chunk is read
    into a fresh array that is freed when the next one replaces it, so memory
    use does not grow with the file.

    Parameters
    ----------
    path : str or path-like
        A ``.npy`` file holding a C-ordered array of shape (n_rows, n_features).
    chunk_rows : int, default=65536
        Rows per chunk (the last one may be shorter).

    Returns
    -------
    chunks : generator of ndarray of shape (chunk_rows, n_features)
        Consecutive rows of the file, in its dtype. The file's header is
        checked when ``iter_npy_chunks`` is called.
    """
    chunk_rows = check_positive_int(chunk_rows, "chunk_rows")
    path = Path(path)
    # The header is checked now, so that a wrong file fails at the call, not at the first chunk.
    with path.open("rb") as file:
        shape, dtype, offset = _read_npy_header(file, path)

    def generate():
        n_rows, n_features = shape
        with path.open("rb") as file:
            file.seek(offset)
            for start in range(0, n_rows, chunk_rows):
                rows = min(chunk_rows, n_rows - start)
                chunk = np.fromfile(file, dtype=dtype, count=rows * n_features)
                if chunk.size != rows * n_features:
                    raise ValueError(f"{path} ends early: expected {n_rows} rows of {n_features}.")
                yield chunk.reshape(rows, n_features)

    return generate()


def _read_npy_header(file, path):
    """Return (shape, dtype, offset of the data) of a 2-D C-ordered .npy file."""
    version = np.lib.format.read_magic(file)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(file)
    else:
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(file)
    if len(shape) != 2 or fortran_order or dtype.hasobject:
        raise ValueError(
            f"path must hold a C-ordered 2-D numeric array (n_rows, n_features); {path} "
            f"holds shape {shape}, fortran_order={fortran_order}, dtype {dtype}."
        )
    return shape, dtype, file.tell()


