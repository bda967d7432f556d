"""Scaling up: data-parallel training with ``tf.distribute`` and scoring in constant memory.

Taught in :ref:`sec_scaling`.

Two halves, one for each way data outgrow a laptop:

- :func:`train_autoencoder_distributed` trains an autoencoder with a custom
  training loop under any :class:`tf.distribute.Strategy` (one device,
  ``MirroredStrategy`` over several devices, ``MultiWorkerMirroredStrategy``
  over several processes or machines). It does not use ``model.fit``: Keras 3's
  ``fit`` does not work under ``MultiWorkerMirroredStrategy`` (keras-team/keras
  issue 20585), while ``strategy.run`` around a Keras 3 model does.
- :func:`score_stream` and :func:`score_to_file` score an iterable of batches
  (a generator, a ``tf.data.Dataset``, :func:`iter_npy_chunks` over a file larger
  than memory) with a fitted detector or a Keras model, one batch at a time.

:func:`free_loopback_ports` and :func:`run_local_workers` start a small
multi-worker cluster on this machine (``127.0.0.1``), one process per worker,
running ``python -m helpers._worker``.

This module imports no other public ``helpers`` module: models, builders and
detectors are passed in as arguments. The training loop itself lives in the
private module :mod:`helpers._worker`, which is also the script each worker
runs, and is re-exported here.
"""

import json
import numbers
import os
import socket
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path

import numpy as np

from ._validation import check_positive_int
from ._worker import _check_feature_dataset, train_autoencoder_distributed

__all__ = [
    "train_autoencoder_distributed",
    "score_stream",
    "score_to_file",
    "iter_npy_chunks",
    "free_loopback_ports",
    "run_local_workers",
]


# --------------------------------------------------------------------------- scoring


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
            if expected is not None and shape[1] != expected:
                raise ValueError(
                    f"batch {index} has {shape[1]} features; the scorer expects {expected}."
                )
            expected = shape[1]
            if shape[0] == 0:
                yield np.empty(0)
                continue
            yield np.asarray(score(np.asarray(batch)))

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


# --------------------------------------------------------------------------- local cluster


def free_loopback_ports(n_ports):
    """Ask the operating system for ``n_ports`` distinct free TCP ports on 127.0.0.1.

    Taught in :ref:`sec_scaling`.

    Each port is found by binding a socket to port 0 (the system picks a free
    one). The sockets are closed before returning, so another program could
    take a port in between; on a quiet machine that does not happen.

    Parameters
    ----------
    n_ports : int
        Number of ports.

    Returns
    -------
    ports : list of int
    """
    n_ports = check_positive_int(n_ports, "n_ports")
    sockets = []
    try:
        for _ in range(n_ports):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def run_local_workers(data_dir, *, n_workers=2, epochs=3, batch_size=256, learning_rate=1e-3,
                      hidden_units=(16, 4, 16), random_state=0, checkpoint_dir=None,
                      use_fit=False, timeout=180, work_dir=None):
    """Train the book's dense autoencoder with ``MultiWorkerMirroredStrategy`` on 127.0.0.1.

    Taught in :ref:`sec_scaling`.

    Starts ``n_workers`` processes ``python -m helpers._worker``, each with its
    own ``TF_CONFIG`` naming all the workers' loopback addresses (free ports
    from :func:`free_loopback_ports`) and its own index, waits for all of them,
    and returns what each wrote.

    Parameters
    ----------
    data_dir : str or path-like
        Folder of ``.npy`` shards, each of shape (n_rows, n_features), float32.
    n_workers : int, default=2
    epochs, batch_size, learning_rate, hidden_units, random_state
        Training settings passed to every worker; ``batch_size`` is global.
    checkpoint_dir : str or path-like or None, default=None
        Passed to :func:`train_autoencoder_distributed` in every worker.
    use_fit : bool, default=False
        Train with Keras's ``model.fit`` instead of the custom loop. With Keras 3
        the workers then fail (keras-team/keras issue 20585), and the
        ``RuntimeError`` raised here quotes their error.
    timeout : float, default=180
        Seconds to wait for the workers; they are killed after that and a
        ``TimeoutError`` names what they printed.
    work_dir : str or path-like or None, default=None
        Folder for the workers' JSON results and logs; a temporary one
        (deleted afterwards) if None.

    Returns
    -------
    results : list of dict
        One per worker, in index order: ``task_index``, ``num_replicas``,
        ``epoch``, ``loss`` (per epoch), ``weights`` (list of nested lists),
        ``n_rows`` (rows per epoch), ``epoch_seconds`` (wall time of each epoch),
        ``seconds`` (of the whole training loop, compilation included) and
        ``rows_per_second`` (over the whole loop).
    """
    n_workers = check_positive_int(n_workers, "n_workers")
    if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}.")
    data_dir = Path(data_dir)
    if not data_dir.is_dir() or not sorted(data_dir.glob("*.npy")):
        raise ValueError(f"data_dir must be a folder of .npy shards; got {str(data_dir)!r}.")
    with tempfile.TemporaryDirectory(prefix="workers_") as scratch:
        folder = Path(work_dir) if work_dir is not None else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        ports = free_loopback_ports(n_workers)
        workers = [f"127.0.0.1:{port}" for port in ports]
        processes, logs = [], []
        for index in range(n_workers):
            env = dict(os.environ, TF_CONFIG=json.dumps(
                {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}))
            env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
            env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
            command = [
                sys.executable, "-m", "helpers._worker",
                "--data-dir", str(data_dir), "--output", str(folder / f"worker_{index}.json"),
                "--epochs", str(epochs), "--batch-size", str(batch_size),
                "--learning-rate", repr(float(learning_rate)),
                "--hidden-units", ",".join(str(units) for units in hidden_units),
                "--seed", str(random_state),
            ]
            if checkpoint_dir is not None:
                command += ["--checkpoint-dir", str(checkpoint_dir)]
            if use_fit:
                command.append("--fit")
            log = (folder / f"worker_{index}.log").open("w")
            logs.append(log)
            processes.append(subprocess.Popen(command, env=env, stdout=log,
                                              stderr=subprocess.STDOUT))
        try:
            for process in processes:
                process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for process in processes:
                process.kill()
                process.wait()
            raise TimeoutError(
                f"the {n_workers} workers did not finish within timeout={timeout} s; their "
                f"output: {_tail_logs(folder, n_workers)}"
            ) from None
        finally:
            for log in logs:
                log.close()
        failed = [index for index, process in enumerate(processes) if process.returncode != 0]
        if failed:
            raise RuntimeError(
                f"workers {failed} exited with an error; their output: "
                f"{_tail_logs(folder, n_workers)}"
            )
        return [json.loads((folder / f"worker_{index}.json").read_text())
                for index in range(n_workers)]


def _tail_logs(folder, n_workers, n_chars=1500):
    parts = []
    for index in range(n_workers):
        text = (folder / f"worker_{index}.log").read_text(errors="replace")
        parts.append(f"\n--- worker {index} ---\n{text[-n_chars:]}")
    return "".join(parts)
