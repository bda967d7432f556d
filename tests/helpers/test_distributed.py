"""Tests of helpers.distributed: data-parallel training and streaming scoring.

Logical CPU devices can only be configured before TensorFlow initialises its
devices, so the two-device comparison runs in a fresh Python process; the
multi-worker run starts two worker processes on 127.0.0.1. Everything else runs
here, on tiny data.
"""

import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from numpy.testing import assert_allclose, assert_array_equal  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from helpers.distributed import (  # noqa: E402
    free_loopback_ports,
    iter_npy_chunks,
    run_local_workers,
    score_stream,
    score_to_file,
    stream_npy_shards,
    train_autoencoder_distributed,
)
from helpers.models import build_dense_autoencoder  # noqa: E402

SUBPROCESS_TIMEOUT = 240  # seconds; generous for a busy shared machine


@pytest.fixture(scope="module")
def rows():
    return np.random.default_rng(0).normal(size=(300, 5)).astype("float32")


@pytest.fixture(scope="module")
def forest(rows):
    return IsolationForest(n_estimators=20, random_state=0).fit(rows)


def small_autoencoder(n_features):
    return build_dense_autoencoder(n_features, hidden_units=(4, 2))


def batches_of(rows, batch_size, **shuffle):
    dataset = tf.data.Dataset.from_tensor_slices(rows)
    if shuffle:
        dataset = dataset.shuffle(len(rows), **shuffle)
    return dataset.batch(batch_size)


# ------------------------------------------------------------------ training


TWO_DEVICES = textwrap.dedent("""
    import json, os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from helpers.distributed import train_autoencoder_distributed
    from helpers.models import build_dense_autoencoder
    X = np.random.default_rng(0).normal(size=(1000, 6)).astype("float32")
    results = {}
    strategies = {"one": tf.distribute.get_strategy(),
                  "two": tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])}
    for name, strategy in strategies.items():
        # The shuffle's order depends on the global seed when the dataset is made.
        tf.random.set_seed(0)
        # 1000 rows in batches of 300: the last batch (100 rows) is split 50/50.
        dataset = tf.data.Dataset.from_tensor_slices(X).shuffle(1000, seed=0).batch(300)
        model, history = train_autoencoder_distributed(
            lambda n: build_dense_autoencoder(n, hidden_units=(16, 4)), dataset,
            strategy=strategy, epochs=3, random_state=0)
        results[name] = {"replicas": strategy.num_replicas_in_sync, "loss": history["loss"],
                         "weights": [w.tolist() for w in model.get_weights()]}
    print(json.dumps(results))
""")


@pytest.mark.slow
def test_two_logical_devices_match_one_device():
    completed = subprocess.run([sys.executable, "-c", TWO_DEVICES], capture_output=True,
                               text=True, timeout=SUBPROCESS_TIMEOUT)
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    one, two = results["one"], results["two"]
    assert (one["replicas"], two["replicas"]) == (1, 2)
    assert len(one["loss"]) == 3
    assert one["loss"][-1] < one["loss"][0]
    assert_allclose(two["loss"], one["loss"], rtol=0, atol=1e-5)
    for weight_two, weight_one in zip(two["weights"], one["weights"], strict=True):
        assert_allclose(np.array(weight_two), np.array(weight_one), rtol=0, atol=1e-5)


@pytest.mark.slow
@pytest.mark.enable_socket  # free_loopback_ports binds to 127.0.0.1 (the workers are unaffected)
def test_two_workers_on_loopback_agree(tmp_path):
    rng = np.random.default_rng(0)
    data_dir = tmp_path / "shards"
    data_dir.mkdir()
    for index in range(2):
        np.save(data_dir / f"shard_{index}.npy", rng.normal(size=(400, 6)).astype("float32"))
    results = run_local_workers(data_dir, n_workers=2, epochs=2, batch_size=400,
                                hidden_units=(4, 2), timeout=SUBPROCESS_TIMEOUT,
                                work_dir=tmp_path / "work")
    assert [result["task_index"] for result in results] == [0, 1]
    assert [result["num_replicas"] for result in results] == [2, 2]
    assert results[0]["epoch"] == [1, 2]
    assert results[0]["loss"] == results[1]["loss"]
    assert results[0]["weights"] == results[1]["weights"]
    assert results[0]["n_rows"] == 800
    # The workers train the models builder's network: the same shapes, from the same seed.
    keras.utils.set_random_seed(0)
    shapes = [weight.shape for weight in small_autoencoder(6).get_weights()]
    assert [np.shape(weight) for weight in results[0]["weights"]] == shapes


def test_local_workers_reject_bad_arguments(tmp_path):
    np.save(tmp_path / "shard.npy", np.zeros((4, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"n_workers must be an int >= 1; got 0"):
        run_local_workers(tmp_path, n_workers=0)
    with pytest.raises(ValueError, match=r"timeout must be a finite number > 0; got 0"):
        run_local_workers(tmp_path, timeout=0)
    with pytest.raises(TypeError, match=r"use_fit must be True or False; got 'yes'"):
        run_local_workers(tmp_path, use_fit="yes")
    with pytest.raises(ValueError, match=r"each entry of hidden_units must be an int >= 1"):
        run_local_workers(tmp_path, hidden_units=(4, 0))
    with pytest.raises(ValueError, match=r"data_dir must be a folder of \.npy shards"):
        run_local_workers(tmp_path / "missing")


def _write_shards(folder, rng, n_shards=3, n_rows=50, n_features=4):
    folder.mkdir()
    for index in range(n_shards):
        np.save(folder / f"shard_{index}.npy",
                rng.normal(size=(n_rows, n_features)).astype("float32"))
    return sorted(str(path) for path in folder.glob("*.npy"))


def test_stream_npy_shards_reads_every_row_once_in_a_fixed_order(tmp_path):
    paths = _write_shards(tmp_path / "shards", np.random.default_rng(0))
    first = np.concatenate([batch.numpy() for batch in stream_npy_shards(
        paths, n_features=4, batch_size=32, seed=0, shuffle_buffer=64)])
    again = np.concatenate([batch.numpy() for batch in stream_npy_shards(
        list(reversed(paths)), n_features=4, batch_size=32, seed=0, shuffle_buffer=64)])
    other = np.concatenate([batch.numpy() for batch in stream_npy_shards(
        paths, n_features=4, batch_size=32, seed=1, shuffle_buffer=64)])
    rows = np.concatenate([np.load(path) for path in paths])
    order = np.lexsort(first.T)
    np.testing.assert_array_equal(first[order], rows[np.lexsort(rows.T)])  # a permutation
    np.testing.assert_array_equal(first, again)  # paths are sorted: same stream
    assert not np.array_equal(first, other)
    assert not np.array_equal(first, rows)  # shuffled


def test_stream_npy_shards_rejects_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match=r"paths must be a list of \.npy file paths"):
        stream_npy_shards("shard.npy", n_features=4, batch_size=8)
    with pytest.raises(ValueError, match=r"paths must name at least one \.npy shard"):
        stream_npy_shards([], n_features=4, batch_size=8)
    with pytest.raises(ValueError, match=r"batch_size must be an int >= 1; got 0"):
        stream_npy_shards(["a.npy"], n_features=4, batch_size=0)
    with pytest.raises(TypeError, match=r"seed must be a non-negative int seed; got 0\.5"):
        stream_npy_shards(["a.npy"], n_features=4, batch_size=8, seed=0.5)


def test_free_loopback_ports_rejects_zero():
    with pytest.raises(ValueError, match=r"n_ports must be an int >= 1; got 0"):
        free_loopback_ports(0)


@pytest.mark.enable_socket
def test_free_loopback_ports():
    ports = free_loopback_ports(3)
    assert len(set(ports)) == 3
    assert all(isinstance(port, int) and 0 < port < 65536 for port in ports)


@pytest.mark.slow
def test_one_device_training_learns_and_reports_every_row(rows):
    # 300 rows in batches of 128: the last batch has 44 rows.
    model, history = train_autoencoder_distributed(
        small_autoencoder, batches_of(rows, 128), strategy=tf.distribute.get_strategy(),
        epochs=3, learning_rate=1e-2)
    assert history["epoch"] == [1, 2, 3]
    assert history["loss"][-1] < history["loss"][0]
    assert isinstance(model, keras.Model)
    # The first epoch's loss is the mean over all 300 rows of the losses computed
    # before each step's update: recompute it by hand for the first batch alone.
    _, first_batch_only = train_autoencoder_distributed(
        small_autoencoder, batches_of(rows[:128], 128), strategy=tf.distribute.get_strategy(),
        epochs=1, learning_rate=1e-2)
    keras.utils.set_random_seed(0)
    untrained = small_autoencoder(5)
    expected = float(np.mean((rows[:128] - untrained(rows[:128]).numpy()) ** 2))
    assert first_batch_only["loss"][0] == pytest.approx(expected, rel=1e-5)


@pytest.mark.slow
def test_checkpoint_restart_resumes_exactly(rows, tmp_path):
    strategy = tf.distribute.get_strategy()

    def data():  # the same order every epoch, so that a restart sees what it would have
        return batches_of(rows, 100, seed=0, reshuffle_each_iteration=False)

    kwargs = {"strategy": strategy, "learning_rate": 1e-2}
    straight, straight_history = train_autoencoder_distributed(
        small_autoencoder, data(), epochs=3, **kwargs)
    _, first = train_autoencoder_distributed(
        small_autoencoder, data(), epochs=2, checkpoint_dir=tmp_path, **kwargs)
    resumed, second = train_autoencoder_distributed(
        small_autoencoder, data(), epochs=3, checkpoint_dir=tmp_path, **kwargs)
    assert first["epoch"] == [1, 2]
    assert second["epoch"] == [3]
    assert first["loss"] + second["loss"] == straight_history["loss"]
    for weight_resumed, weight_straight in zip(resumed.get_weights(), straight.get_weights(),
                                               strict=True):
        assert_array_equal(weight_resumed, weight_straight)


@pytest.mark.parametrize(
    ("dataset", "error", "message"),
    [
        (lambda X: X, TypeError, r"dataset must be a tf.data.Dataset .* got ndarray"),
        (lambda X: tf.data.Dataset.from_tensor_slices(X), ValueError,
         r"shape \(batch, n_features\) .* got elements of shape \(5,\)\. Batch it first"),
        (lambda X: tf.data.Dataset.from_tensor_slices((X, X[:, 0])).batch(8), ValueError,
         r"single feature tensors .* drop them with dataset.map"),
        (lambda X: tf.data.Dataset.from_tensor_slices(X.astype("float64")).batch(8), ValueError,
         r"dataset elements must be float32; got float64"),
    ],
)
def test_training_rejects_bad_datasets(rows, dataset, error, message):
    with pytest.raises(error, match=message):
        train_autoencoder_distributed(small_autoencoder, dataset(rows),
                                      strategy=tf.distribute.get_strategy())


def test_training_rejects_bad_arguments(rows):
    data = batches_of(rows, 100)
    with pytest.raises(TypeError, match=r"strategy must be a tf.distribute.Strategy instance.*"
                                        r"got 'mirrored' of type str"):
        train_autoencoder_distributed(small_autoencoder, data, strategy="mirrored")
    with pytest.raises(TypeError, match=r"build_model must be a callable"):
        train_autoencoder_distributed("autoencoder", data, strategy=tf.distribute.get_strategy())
    with pytest.raises(ValueError, match=r"epochs must be an int >= 1; got 0"):
        train_autoencoder_distributed(small_autoencoder, data,
                                      strategy=tf.distribute.get_strategy(), epochs=0)
    with pytest.raises(ValueError, match=r"must return an autoencoder mapping \(None, 5\) to "
                                         r"\(None, 5\); got .*output shape \(None, 1\)"):
        train_autoencoder_distributed(
            lambda n: keras.Sequential([keras.Input(shape=(n,)), keras.layers.Dense(1)]),
            data, strategy=tf.distribute.get_strategy())


# ------------------------------------------------------------------ scoring


def test_stream_scores_equal_in_memory_scores(rows, forest, tmp_path):
    expected = forest.score_samples(rows)
    chunks = np.array_split(rows, 7)
    assert_array_equal(np.concatenate(list(score_stream(forest, chunks))), expected)
    dataset = tf.data.Dataset.from_tensor_slices(rows).batch(64)
    assert_array_equal(np.concatenate(list(score_stream(forest, dataset))), expected)
    path = tmp_path / "rows.npy"
    np.save(path, rows)
    chunk_sizes = [len(chunk) for chunk in iter_npy_chunks(path, chunk_rows=128)]
    assert chunk_sizes == [128, 128, 44]
    assert_array_equal(np.concatenate(list(score_stream(
        forest, iter_npy_chunks(path, chunk_rows=128)))), expected)


def test_score_to_file_and_memmap(rows, forest, tmp_path):
    expected = forest.score_samples(rows)
    with open(tmp_path / "scores.bin", "wb") as file:
        assert score_to_file(forest, np.array_split(rows, 4), file) == len(rows)
    assert_array_equal(np.fromfile(tmp_path / "scores.bin", dtype=np.float64), expected)
    out = np.lib.format.open_memmap(tmp_path / "scores.npy", mode="w+", dtype=np.float32,
                                    shape=(len(rows),))
    score_to_file(forest, np.array_split(rows, 4), out)
    del out
    assert_array_equal(np.load(tmp_path / "scores.npy"), expected.astype(np.float32))
    with pytest.raises(ValueError, match=r"out has 100 entries, fewer than the rows"):
        score_to_file(forest, [rows], np.empty(100))
    with pytest.raises(ValueError, match=r"out has 400 entries but batches held 300 rows"):
        score_to_file(forest, [rows], np.empty(400))
    with pytest.raises(TypeError, match=r"out must be a file opened for binary writing"):
        score_to_file(forest, [rows], str(tmp_path / "scores.bin"))


def test_keras_scorers(rows):
    keras.utils.set_random_seed(0)
    autoencoder = small_autoencoder(5)
    chunks = np.array_split(rows, 3)
    streamed = np.concatenate(list(score_stream(autoencoder, chunks)))
    in_memory = -np.mean((rows - autoencoder.predict(rows, verbose=0)) ** 2, axis=1)
    assert_allclose(streamed, in_memory, rtol=1e-6, atol=1e-7)
    one_output = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(1)])
    streamed = np.concatenate(list(score_stream(one_output, chunks)))
    assert_allclose(streamed, one_output.predict(rows, verbose=0).ravel(), rtol=1e-6, atol=1e-7)
    two_outputs = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match=r"output one score per row .* got output shape "
                                         r"\(None, 2\)"):
        score_stream(two_outputs, chunks)


def test_scoring_rejects_bad_input(rows, forest):
    with pytest.raises(NotFittedError, match=r"scorer IsolationForest is not fitted yet: call "
                                             r"its fit\(X_train\)"):
        score_stream(IsolationForest(), [rows])
    with pytest.raises(TypeError, match=r"scorer must be a fitted detector with score_samples"):
        score_stream(lambda X: X.sum(axis=1), [rows])
    with pytest.raises(TypeError, match=r"batches must be an iterable of 2-D arrays, not one"):
        score_stream(forest, rows)
    with pytest.raises(ValueError, match=r"batch 1 must be a 2-D array \(n_rows, n_features\); "
                                         r"got shape \(5,\)"):
        list(score_stream(forest, [rows[:2], rows[0]]))
    with pytest.raises(ValueError, match=r"batch 0 has 3 features; the scorer expects 5"):
        list(score_stream(forest, [rows[:, :3]]))
    with pytest.raises(ValueError, match=r"batches elements must be float32; got int64"):
        score_stream(forest, tf.data.Dataset.from_tensor_slices(np.arange(10)[:, None]).batch(2))


def test_iter_npy_chunks_rejects_non_tables(tmp_path):
    np.save(tmp_path / "vector.npy", np.arange(10.0))
    with pytest.raises(ValueError, match=r"C-ordered 2-D numeric array .* holds shape \(10,\)"):
        iter_npy_chunks(tmp_path / "vector.npy")
    with pytest.raises(ValueError, match=r"chunk_rows must be an int >= 1; got 0"):
        iter_npy_chunks(tmp_path / "vector.npy", chunk_rows=0)


def test_worker_command_is_the_package_main():
    completed = subprocess.run([sys.executable, "-m", "helpers.distributed", "--help"],
                               capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("usage: python -m helpers.distributed")
    for option in ("--data-dir", "--output", "--hidden-units", "--checkpoint-dir", "--fit"):
        assert option in completed.stdout
