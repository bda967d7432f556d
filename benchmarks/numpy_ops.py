"""Time helpers.numpy_nn's conv2d and max_pool2d against TensorFlow on the same inputs.

Two float32 workloads with "same" padding: a batch of 256 digits (8x8x1) through 32 3x3
filters, and a 64x28x28x8 batch through 16 3x3 filters; pooling is 2x2 (stride 2) on each
convolution's output. Each figure is the best of ``--repeat`` wall times of ``--number``
calls (``timeit.repeat``), divided by ``--number``. TensorFlow runs twice: eagerly
(``tf.nn.conv2d`` on a ``tf.constant``, result copied back with ``.numpy()`` as the
NumPy version returns an ndarray) and inside a ``tf.function`` (traced once beforehand).
The ratios are NumPy / TensorFlow; below 1 NumPy is faster. NumPy's BLAS is limited to
``--blas-threads`` (default 1: on a shared 2-core machine, OpenBLAS's spinning threads
compete with TensorFlow's and other processes and slow the matrix product tenfold).

Run with ``python benchmarks/numpy_ops.py``; ``--help`` lists the options.
"""

import argparse
import os
import timeit

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as in the book's setup cell

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from helpers import numpy_nn  # noqa: E402

WORKLOADS = [
    # name, input shape, (kernel_h, kernel_w, in_channels, out_channels)
    ("digits 256x8x8x1, 32 3x3", (256, 8, 8, 1), (3, 3, 1, 32)),
    ("64x28x28x8, 16 3x3", (64, 28, 28, 8), (3, 3, 8, 16)),
]


def best_time(function, *, number, repeat):
    """Best wall time of one call, in milliseconds."""
    function()  # warm up (caches, lazy initialisation)
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number * 1e3


def time_workload(x, kernel, timing):
    """Rows (op, NumPy ms, TF eager ms, TF graph ms) for one input batch and kernel."""
    x_tf, kernel_tf = tf.constant(x), tf.constant(kernel)
    conv_graph = tf.function(lambda x, k: tf.nn.conv2d(x, k, strides=1, padding="SAME"))
    pool_graph = tf.function(lambda y: tf.nn.max_pool2d(y, ksize=2, strides=2, padding="SAME"))
    y = numpy_nn.conv2d(x, kernel, padding="same")
    y_tf = tf.constant(y)
    # The two sides must compute the same thing before their times mean anything.
    np.testing.assert_allclose(y, conv_graph(x_tf, kernel_tf).numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(numpy_nn.max_pool2d(y, 2, padding="same"),
                                  pool_graph(y_tf).numpy())
    cases = {
        "conv2d": (
            lambda: numpy_nn.conv2d(x, kernel, padding="same"),
            lambda: tf.nn.conv2d(x_tf, kernel_tf, strides=1, padding="SAME").numpy(),
            lambda: conv_graph(x_tf, kernel_tf).numpy(),
        ),
        "max_pool2d": (
            lambda: numpy_nn.max_pool2d(y, 2, padding="same"),
            lambda: tf.nn.max_pool2d(y_tf, ksize=2, strides=2, padding="SAME").numpy(),
            lambda: pool_graph(y_tf).numpy(),
        ),
    }
    return [(op, *(best_time(f, **timing) for f in functions))
            for op, functions in cases.items()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=20, help="calls per timing (default 20)")
    parser.add_argument("--repeat", type=int, default=7, help="timings, best kept (default 7)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random inputs")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="threads NumPy's BLAS may use (default 1; 0 = the library's "
                             "default, which on a busy 2-core machine can be 10x slower)")
    args = parser.parse_args()
    timing = {"number": args.number, "repeat": args.repeat}
    rng = np.random.default_rng(args.seed)

    rows = []
    limit = args.blas_threads if args.blas_threads > 0 else None
    with threadpool_limits(limits=limit, user_api="blas"):
        for name, x_shape, kernel_shape in WORKLOADS:
            x = rng.normal(size=x_shape).astype(np.float32)
            kernel = rng.normal(size=kernel_shape).astype(np.float32)
            rows += [(op, name, *times) for op, *times in time_workload(x, kernel, timing)]

    blas = "library default" if limit is None else limit
    print(f"TensorFlow {tf.__version__}, NumPy {np.__version__}; float32, padding='same'; "
          f"ms per call, best of {args.repeat} x {args.number} calls")
    print(f"NumPy BLAS threads: {blas}; TensorFlow: its own thread pool, "
          f"TF_ENABLE_ONEDNN_OPTS={os.environ['TF_ENABLE_ONEDNN_OPTS']}")
    print("TF eager = the tf.nn op called eagerly on tf.constant inputs; TF graph = the same op "
          "in a tf.function; both include .numpy()")
    header = (f"{'op':<11} {'workload':<26} {'NumPy':>8} {'TF eager':>9} {'TF graph':>9} "
              f"{'NumPy/eager':>12} {'NumPy/graph':>12}")
    print(header)
    print("-" * len(header))
    for op, name, ours, eager, graph in rows:
        print(f"{op:<11} {name:<26} {ours:>8.3f} {eager:>9.3f} {graph:>9.3f} "
              f"{ours / eager:>12.2f} {ours / graph:>12.2f}")


if __name__ == "__main__":
    main()
