"""Companion package of the executable book *Neural-Network Anomaly Detection*.

The package is a house built bottom-up: each module may import only the modules
below it in this list, never one above (``tests/helpers/test_package.py`` checks
it, and that no private name is used outside the module or subpackage that
defines it).

- :mod:`helpers.display` -- glued values and formatted tables in a chapter;
- :mod:`helpers.plotting` -- the book's figures;
- :mod:`helpers.distributed` -- streaming and data-parallel training (scaling up);
- :mod:`helpers.benchmark` -- the benchmark protocol: splits, one sign convention, runs;
- :mod:`helpers.metrics` -- evaluation of anomaly scores;
- :mod:`helpers.detectors` -- neural outlier detectors with scikit-learn's contract;
- :mod:`helpers.models` -- Keras model builders (pure functions, uncompiled models),
  among them the one dense-network builder;
- :mod:`helpers.numpy_nn` -- NumPy reference implementations of the formulas;
- :mod:`helpers.datasets` -- loading the data the chapters use;
- :mod:`helpers.install` -- installing what a chapter needs on Colab or a bare Python
  (standard library only);
- ``helpers._validation`` -- the argument checks every module shares (private).

Submodules are imported on demand, so ``import helpers`` is cheap and does not
start TensorFlow.
"""

__version__ = "0.1.0"
