"""One worker of a multi-worker training run: ``python -m helpers.distributed --help``.

Taught in :ref:`sec_scaling`.

Every worker runs this same command. Which worker it is, and where the others
are, it learns from the ``TF_CONFIG`` environment variable, for example on the
second of two workers::

    {"cluster": {"worker": ["127.0.0.1:41001", "127.0.0.1:41002"]},
     "task": {"type": "worker", "index": 1}}

It reads ``.npy`` shards of shape (n_rows, n_features) from ``--data-dir``
with :func:`helpers.distributed.stream_npy_shards`, trains
:func:`helpers.models.build_dense_autoencoder` with
:func:`helpers.distributed.train_autoencoder_distributed` under
``tf.distribute.MultiWorkerMirroredStrategy``, and writes its losses and final
weights as JSON to ``--output``. :func:`helpers.distributed.run_local_workers`
starts it on this machine; on a cluster, ``srun`` or a Kubernetes operator does.
"""

import argparse
import json
import os
import time

import numpy as np

from ..models import build_dense_autoencoder
from ._training import stream_npy_shards, train_autoencoder_distributed

__all__ = ["main"]


def main(argv=None):
    """Train under MultiWorkerMirroredStrategy as the arguments say; write JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.distributed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--data-dir", required=True, help="folder of .npy shards")
    parser.add_argument(
        "--output", required=True, help="where to write this worker's JSON"
    )
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256, help="global batch size")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument(
        "--hidden-units",
        default="16,4",
        help="comma-separated encoder widths (the decoder mirrors them)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-dir", default=None)
    parser.add_argument(
        "--fit",
        action="store_true",
        help="train with Keras model.fit instead (fails with Keras 3: "
        "keras-team/keras issue 20585)",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf

    # The strategy comes first: it reads TF_CONFIG and connects to the other workers.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    paths = sorted(
        str(path) for path in tf.io.gfile.glob(os.path.join(args.data_dir, "*.npy"))
    )
    n_features = int(np.load(paths[0], mmap_mode="r").shape[1])
    n_rows = sum(int(np.load(path, mmap_mode="r").shape[0]) for path in paths)
    hidden_units = tuple(int(units) for units in args.hidden_units.split(","))
    dataset = stream_npy_shards(
        paths, n_features=n_features, batch_size=args.batch_size, seed=args.seed
    )

    if args.fit:
        with strategy.scope():
            model = build_dense_autoencoder(n_features, hidden_units=hidden_units)
            model.compile(optimizer="adam", loss="mse")
        model.fit(dataset.map(lambda x: (x, x)), epochs=args.epochs, verbose=0)
        return

    start = time.perf_counter()
    model, history = train_autoencoder_distributed(
        lambda n: build_dense_autoencoder(n, hidden_units=hidden_units),
        dataset,
        strategy=strategy,
        epochs=args.epochs,
        learning_rate=args.learning_rate,
        random_state=args.seed,
        checkpoint_dir=args.checkpoint_dir,
    )
    seconds = time.perf_counter() - start

    resolver = strategy.cluster_resolver
    result = {
        "task_index": int(resolver.task_id),
        "num_replicas": int(strategy.num_replicas_in_sync),
        "epoch": history["epoch"],
        "loss": history["loss"],
        "epoch_seconds": history["seconds"],
        "weights": [np.asarray(weight).tolist() for weight in model.get_weights()],
        "n_rows": n_rows,
        "seconds": seconds,
        "rows_per_second": n_rows * len(history["epoch"]) / seconds,
    }
    with open(args.output, "w") as file:
        json.dump(result, file)


if __name__ == "__main__":
    main()
