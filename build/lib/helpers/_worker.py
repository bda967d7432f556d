"""One worker of a multi-worker training run: ``python -m helpers._worker --help``.

Taught in :ref:`sec_scaling`.

Every worker runs this same script. Which worker it is, and where the others
are, it learns from the ``TF_CONFIG`` environment variable, for example on the
second of two workers::

    {"cluster": {"worker": ["127.0.0.1:41001", "127.0.0.1:41002"]},
     "task": {"type": "worker", "index": 1}}

It reads ``.npy`` shards of shape (n_rows, n_features) from ``--data-dir``
with a ``tf.data`` pipeline, trains the dense autoencoder of
:func:`build_autoencoder` with :func:`train_autoencoder_distributed` under
``tf.distribute.MultiWorkerMirroredStrategy``, and writes its losses and final
weights as JSON to ``--output``.

The custom training loop, :func:`train_autoencoder_distributed`, lives here so
that this script needs nothing else from the package; the public module
:mod:`helpers.distributed` re-exports it.
"""

import argparse
import json
import os
import shutil
import time

import numpy as np

from ._validation import check_fraction, check_positive_int, check_random_state

__all__ = ["train_autoencoder_distributed", "build_autoencoder", "make_dataset", "main"]

def _check_strategy(strategy):
    import tensorflow as tf

    if not isinstance(strategy, tf.distribute.Strategy):
        raise TypeError(
            "strategy must be a tf.distribute.Strategy instance, e.g. "
            "tf.distribute.MirroredStrategy() or tf.distribute.get_strategy() for one device; "
            f"got {strategy!r} of type {type(strategy).__name__}."
        )
    return strategy


def _check_feature_dataset(dataset, name="dataset"):
    """Return ``n_features`` of a dataset of float32 batches (batch, n_features)."""
    import tensorflow as tf

    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(
            f"{name} must be a tf.data.Dataset of feature batches of shape (batch, n_features); "
            f"got {type(dataset).__name__}. Wrap arrays with "
            "tf.data.Dataset.from_tensor_slices(X).batch(batch_size)."
        )
    spec = dataset.element_spec
    if not isinstance(spec, tf.TensorSpec):
        raise ValueError(
            f"{name} elements must be single feature tensors of shape (batch, n_features); "
            f"got elements {spec}. An autoencoder needs no labels: drop them with "
            "dataset.map(lambda x, y: x)."
        )
    if spec.shape.rank != 2 or spec.shape[-1] is None:
        hint = " Batch it first: dataset.batch(batch_size)." if spec.shape.rank == 1 else ""
        raise ValueError(
            f"{name} elements must have shape (batch, n_features) with a known n_features; "
            f"got elements of shape {spec.shape}.{hint}"
        )
    if spec.dtype != tf.float32:
        raise ValueError(
            f"{name} elements must be float32; got {spec.dtype.name}. "
            "Cast them with dataset.map(lambda x: tf.cast(x, tf.float32))."
        )
    return int(spec.shape[-1])


def _is_chief(strategy):
    """Whether this process is the one whose checkpoints are kept (worker 0 or 'chief')."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def train_autoencoder_distributed(build_model, dataset, *, strategy, epochs=5,
                                  learning_rate=1e-3, random_state=0, checkpoint_dir=None,
                                  verbose=0):
    """Train an autoencoder with a custom data-parallel loop under a tf.distribute strategy.

    Taught in :ref:`sec_scaling`.

    The model and the Adam optimiser are created inside ``strategy.scope()``, so
    their variables are mirrored on every replica. The dataset is split with
    ``strategy.experimental_distribute_dataset``: each global batch is divided
    between the replicas. Each replica computes the mean squared reconstruction
    error of its rows, summed and divided by the **global** batch size
    (``tf.nn.compute_average_loss``); the optimiser sums the replicas' gradients,
    so one step equals one step on the whole batch on a single device.

    Parameters
    ----------
    build_model : callable
        ``build_model(n_features)`` returns an uncompiled Keras model mapping
        ``(batch, n_features)`` to ``(batch, n_features)``. It is called inside
        ``strategy.scope()``.
    dataset : tf.data.Dataset
        Elements are float32 feature batches of shape ``(batch, n_features)``;
        the batch size is the global batch size. It is iterated once per epoch,
        so shuffling in it (with a seed) reshuffles every epoch.
    strategy : tf.distribute.Strategy
        Where to train: ``tf.distribute.get_strategy()`` (one device),
        ``tf.distribute.MirroredStrategy`` (several devices of one machine),
        ``tf.distribute.MultiWorkerMirroredStrategy`` (several processes).
    epochs : int, default=5
        Number of passes over ``dataset`` (in total, counting epochs restored
        from ``checkpoint_dir``).
    learning_rate : float, default=1e-3
        Adam's learning rate.
    random_state : int, default=0
        Seed of the initial weights (``keras.utils.set_random_seed``).
    checkpoint_dir : str or path-like or None, default=None
        If given, the model, the optimiser and the epoch counter are saved there
        after every epoch (``tf.train.CheckpointManager``), and training resumes
        from the latest checkpoint found there. With several workers it must be
        storage that every worker sees; only the chief's checkpoint is kept.
    verbose : int, default=0
        1 prints the loss after every epoch.

    Returns
    -------
    model : keras.Model
        The trained model (its variables belong to ``strategy``).
    history : dict
        ``{"epoch": [...], "loss": [...], "seconds": [...]}``: the epochs
        (counted from 1) trained by this call, their mean training losses (mean
        squared error per row, averaged over all rows of the epoch, on all
        replicas) and their wall times (the first includes compiling the step).
    """
    import keras
    import tensorflow as tf

    if not callable(build_model):
        raise TypeError(
            "build_model must be a callable build_model(n_features) returning a Keras model; "
            f"got {build_model!r} of type {type(build_model).__name__}."
        )
    n_features = _check_feature_dataset(dataset)
    _check_strategy(strategy)
    epochs = check_positive_int(epochs, "epochs")
    learning_rate = check_fraction(learning_rate, "learning_rate", high=np.inf,
                                   high_inclusive=False)
    random_state = check_random_state(random_state)
    verbose = check_positive_int(verbose, "verbose", minimum=0)

    keras.utils.set_random_seed(random_state)
    with strategy.scope():
        model = build_model(n_features)
        if not isinstance(model, keras.Model):
            raise TypeError(
                "build_model must return a keras.Model; "
                f"got {type(model).__name__} from build_model({n_features})."
            )
        expected = (None, n_features)
        if tuple(model.input_shape) != expected or tuple(model.output_shape) != expected:
            raise ValueError(
                f"build_model({n_features}) must return an autoencoder mapping {expected} to "
                f"{expected}; got input shape {model.input_shape} and output shape "
                f"{model.output_shape}."
            )
        optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
        optimizer.build(model.trainable_variables)
        epoch_counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="epoch")

    manager = None
    if checkpoint_dir is not None:
        checkpoint_dir = os.fspath(checkpoint_dir)
        checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, epoch=epoch_counter)
        latest = tf.train.latest_checkpoint(checkpoint_dir)
        if latest is not None:
            checkpoint.restore(latest).assert_existing_objects_matched()
        chief = _is_chief(strategy)
        # Every worker takes part in saving (it is a collective operation), but only the
        # chief writes where the others will look; the others write to a scratch folder.
        write_dir = checkpoint_dir if chief else os.path.join(
            checkpoint_dir, f"worker_{strategy.cluster_resolver.task_id}_scratch")
        manager = tf.train.CheckpointManager(checkpoint, directory=write_dir, max_to_keep=2)

    def replica_step(x):
        context = tf.distribute.get_replica_context()
        rows = tf.cast(tf.shape(x)[0], tf.float32)
        # The true global batch size, even for a last batch that does not split evenly.
        global_rows = context.all_reduce(tf.distribute.ReduceOp.SUM, rows)
        with tf.GradientTape() as tape:
            reconstruction = model(x, training=True)
            per_row = tf.reduce_mean(tf.square(x - reconstruction), axis=-1)
            loss = tf.nn.compute_average_loss(
                per_row, global_batch_size=tf.cast(global_rows, tf.int64))
            if model.losses:
                loss += tf.nn.scale_regularization_loss(tf.add_n(model.losses))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        return tf.stack([tf.reduce_sum(per_row), rows])

    @tf.function
    def train_step(x):
        # [sum of the rows' losses, number of rows], added over all replicas.
        return strategy.reduce(tf.distribute.ReduceOp.SUM,
                               strategy.run(replica_step, args=(x,)), axis=None)

    distributed = strategy.experimental_distribute_dataset(dataset)
    history = {"epoch": [], "loss": [], "seconds": []}
    for epoch in range(int(epoch_counter.numpy()), epochs):
        start = time.perf_counter()
        total = np.zeros(2)
        for x in distributed:
            total += train_step(x).numpy()
        if total[1] == 0:
            raise ValueError("dataset yielded no rows: there is nothing to train on.")
        epoch_loss = float(total[0] / total[1])
        epoch_counter.assign(epoch + 1)
        if manager is not None:
            manager.save(checkpoint_number=epoch + 1)
            if manager.directory != checkpoint_dir:
                shutil.rmtree(manager.directory, ignore_errors=True)
        history["epoch"].append(epoch + 1)
        history["loss"].append(epoch_loss)
        history["seconds"].append(time.perf_counter() - start)
        if verbose:
            print(f"epoch {epoch + 1}/{epochs}: loss {epoch_loss:.6f}")
    return model, history




def build_autoencoder(n_features, hidden_units=(16, 4, 16)):
    """The dense autoencoder trained by the workers.

    Parameters
    ----------
    n_features : int
        Width of the input and of the output.
    hidden_units : tuple of int, default=(16, 4, 16)
        Widths of the hidden ReLU layers; the middle one is the bottleneck.

    Returns
    -------
    keras.Sequential
        Uncompiled; maps (batch, n_features) to (batch, n_features).
    """
    import keras

    model = keras.Sequential(name="autoencoder")
    model.add(keras.Input(shape=(n_features,)))
    for units in hidden_units:
        model.add(keras.layers.Dense(units=units, activation="relu"))
    model.add(keras.layers.Dense(units=n_features))
    return model


def make_dataset(paths, *, n_features, batch_size, seed, cycle_length=2, shuffle_buffer=8192):
    """Stream the rows of ``.npy`` shards as shuffled float32 batches (batch_size, n_features).

    Parameters
    ----------
    paths : list of str
        The shard files, each of shape (n_rows, n_features), float32.
    n_features : int
    batch_size : int
        Global batch size.
    seed : int
        Seed of the shuffle (the same on every worker).
    cycle_length : int, default=2
        Shards read at the same time (``interleave``).
    shuffle_buffer : int, default=8192
        Rows held in the shuffle buffer.

    Returns
    -------
    tf.data.Dataset
    """
    import tensorflow as tf

    # shuffle(seed=...) combines its seed with TensorFlow's global seed: fix both, so that
    # the order does not depend on what the process did before.
    tf.random.set_seed(seed)

    def load(path):
        rows = tf.numpy_function(lambda p: np.load(p.decode()), [path], tf.float32)
        return tf.data.Dataset.from_tensor_slices(tf.ensure_shape(rows, (None, n_features)))

    dataset = (tf.data.Dataset.from_tensor_slices(sorted(paths))
               .interleave(load, cycle_length=cycle_length, num_parallel_calls=tf.data.AUTOTUNE,
                           deterministic=True)
               .shuffle(shuffle_buffer, seed=seed)
               .batch(batch_size)
               .prefetch(tf.data.AUTOTUNE))
    options = tf.data.Options()
    # Every worker reads every shard and keeps its part of each global batch, so a
    # step sees the same rows as on one device.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options)


def main(argv=None):
    """Parse the arguments, train under MultiWorkerMirroredStrategy, write the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True, help="folder of .npy shards")
    parser.add_argument("--output", required=True, help="where to write this worker's JSON")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256, help="global batch size")
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--hidden-units", default="16,4,16", help="comma-separated widths")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-dir", default=None)
    parser.add_argument("--fit", action="store_true",
                        help="train with Keras model.fit instead (fails with Keras 3: "
                             "keras-team/keras issue 20585)")
    args = parser.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf

    # The strategy comes first: it reads TF_CONFIG and connects to the other workers.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    paths = sorted(str(path) for path in
                   tf.io.gfile.glob(os.path.join(args.data_dir, "*.npy")))
    n_features = int(np.load(paths[0], mmap_mode="r").shape[1])
    n_rows = sum(int(np.load(path, mmap_mode="r").shape[0]) for path in paths)
    hidden_units = tuple(int(units) for units in args.hidden_units.split(","))
    dataset = make_dataset(paths, n_features=n_features, batch_size=args.batch_size,
                           seed=args.seed)

    if args.fit:
        with strategy.scope():
            model = build_autoencoder(n_features, hidden_units)
            model.compile(optimizer="adam", loss="mse")
        model.fit(dataset.map(lambda x: (x, x)), epochs=args.epochs, verbose=0)
        return

    start = time.perf_counter()
    model, history = train_autoencoder_distributed(
        lambda n: build_autoencoder(n, hidden_units), dataset, strategy=strategy,
        epochs=args.epochs, learning_rate=args.learning_rate, random_state=args.seed,
        checkpoint_dir=args.checkpoint_dir)
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
