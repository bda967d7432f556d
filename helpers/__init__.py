"""Companion package of the executable book *Neural-Network Anomaly Detection*.

The modules follow the book's architecture, from data to pictures:

- :mod:`helpers.datasets` -- loading the data the chapters use;
- :mod:`helpers.models` -- Keras model builders (pure functions, uncompiled models);
- :mod:`helpers.detectors` -- neural outlier detectors with scikit-learn's contract;
- :mod:`helpers.numpy_nn` -- NumPy reference implementations of the formulas;
- :mod:`helpers.metrics` -- evaluation of anomaly scores;
- :mod:`helpers.plotting` -- the book's figures;
- :mod:`helpers.display` -- glued values and formatted tables in a chapter;
- :mod:`helpers.distributed` -- streaming and data-parallel training (scaling up);
- :mod:`helpers.benchmark` -- the benchmark protocol: splits, one sign convention, runs.

No module imports one listed above it, except :mod:`helpers.benchmark`, which
runs the data sets and detectors. Submodules are imported on demand, so
``import helpers`` is cheap and does not start TensorFlow.
"""

__version__ = "0.1.0"
