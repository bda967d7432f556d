"""Scaling up: data-parallel training with ``tf.distribute`` and scoring in constant memory.

Taught in :ref:`sec_scaling`.

Three parts, each in its own private module:

- training (``_training``): :func:`train_autoencoder_distributed` trains an
  autoencoder with a custom training loop under any :class:`tf.distribute.Strategy`
  (one device, ``MirroredStrategy`` over several devices,
  ``MultiWorkerMirroredStrategy`` over several processes or machines), and
  :func:`stream_npy_shards` is its input pipeline from ``.npy`` shards. The loop
  does not use ``model.fit``: Keras 3's ``fit`` does not work under
  ``MultiWorkerMirroredStrategy`` (keras-team/keras issue 20585), while
  ``strategy.run`` around a Keras 3 model does.
- scoring (``_scoring``): :func:`score_stream` and :func:`score_to_file` score
  an iterable of batches (a generator, a ``tf.data.Dataset``,
  :func:`iter_npy_chunks` over a file larger than memory) with a fitted detector
  or a Keras model, one batch at a time.
- a local cluster (``_cluster``): :func:`free_loopback_ports` and
  :func:`run_local_workers` start a small multi-worker cluster on this machine
  (``127.0.0.1``), one process per worker, each running the worker command
  ``python -m helpers.distributed`` (``__main__``).

Models are passed in as builders; the workers build
:func:`helpers.models.build_dense_autoencoder`.
"""

from ._cluster import free_loopback_ports, run_local_workers
from ._scoring import iter_npy_chunks, score_stream, score_to_file
from ._training import stream_npy_shards, train_autoencoder_distributed

__all__ = [
    "train_autoencoder_distributed",
    "stream_npy_shards",
    "score_stream",
    "score_to_file",
    "iter_npy_chunks",
    "free_loopback_ports",
    "run_local_workers",
]
