"""A multi-worker cluster on this machine: one process per worker on 127.0.0.1.

Taught in :ref:`sec_scaling`.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from .._validation import (
    check_bool,
    check_positive_int,
    check_positive_int_tuple,
    check_positive_number,
    check_seed,
)

__all__ = ["free_loopback_ports", "run_local_workers"]


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
                      hidden_units=(16, 4), random_state=0, checkpoint_dir=None,
                      use_fit=False, timeout=180, work_dir=None):
    """Train the book's dense autoencoder with ``MultiWorkerMirroredStrategy`` on 127.0.0.1.

    Taught in :ref:`sec_scaling`.

    Starts ``n_workers`` processes ``python -m helpers.distributed``, each with its
    own ``TF_CONFIG`` naming all the workers' loopback addresses (free ports
    from :func:`free_loopback_ports`) and its own index, waits for all of them,
    and returns what each wrote.

    Parameters
    ----------
    data_dir : str or path-like
        Folder of ``.npy`` shards, each of shape (n_rows, n_features), float32.
    n_workers : int, default=2
    epochs, batch_size, learning_rate, random_state
        Training settings passed to every worker; ``batch_size`` is global.
    hidden_units : tuple of int, default=(16, 4)
        Encoder widths of the workers' :func:`helpers.models.build_dense_autoencoder`
        (the decoder mirrors them): 16 -> 4 -> 16 by default.
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
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size")
    learning_rate = check_positive_number(learning_rate, "learning_rate")
    hidden_units = check_positive_int_tuple(hidden_units, "hidden_units")
    random_state = check_seed(random_state)
    use_fit = check_bool(use_fit, "use_fit")
    timeout = check_positive_number(timeout, "timeout")
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
                sys.executable, "-m", "helpers.distributed",
                "--data-dir", str(data_dir), "--output", str(folder / f"worker_{index}.json"),
                "--epochs", str(epochs), "--batch-size", str(batch_size),
                "--learning-rate", repr(learning_rate),
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
