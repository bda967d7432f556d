"""Neural outlier detectors with scikit-learn's contract.

Both detectors follow :class:`sklearn.ensemble.IsolationForest` exactly:
``fit(X)`` returns the detector; ``score_samples(X)`` is *higher for more
normal* points; ``decision_function(X) = score_samples(X) - offset_``, where
``offset_`` is the ``100 * contamination`` percentile of the training scores;
``predict(X)`` is ``+1`` for inliers and ``-1`` for outliers. They therefore drop
into the same loops, pipelines, ``clone`` and ``GridSearchCV`` as scikit-learn's
own detectors. (PyOD uses the opposite sign: there higher means more abnormal.)

Training is unsupervised and robust to a contaminated training set: after a few
warm-up epochs, each network ignores the ``trim_fraction`` of training samples it
currently finds most anomalous (a trimmed loss), so that the anomalies hidden in
the training data do not teach the network to accept them.

Taught in :ref:`sec_benchmark`.
"""

import functools
import math

import keras
import numpy as np
import tensorflow as tf
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from ._validation import (
    check_fraction,
    check_int,
    check_non_negative_int,
    check_non_negative_number,
    check_one_of,
    check_positive_int,
    check_positive_int_tuple,
    check_positive_number,
    check_seed,
)
from .models import build_dense_network

__all__ = ["AutoencoderDetector", "DeepSVDDDetector"]

_VIEWS = ("minmax", "robust", "both")
_CHUNK = 4096  # rows per forward pass at scoring time (fixed, so scores never depend on it)
_SVDD_HIDDEN_UNITS = (64, 32)  # DeepSVDDDetector's default widths


def _check_contamination(value):
    return check_fraction(
        value,
        "contamination",
        high=0.5,
        meaning="It is the expected share of anomalies in the training data.",
    )


class _NeuralDetector(OutlierMixin, BaseEstimator):
    """Shared fitting, scoring and thresholding of the neural detectors.

    Subclasses implement ``_check_params`` (validation only: it sets nothing),
    ``_make_scaler()`` (the unfitted input scaling), ``_build(n_columns)``,
    ``_prepare(model, X)`` (set up anything fixed before training) and
    ``_sample_errors(model, X, training)`` (a tensor of shape
    ``(n_samples, n_networks)``, the per-network anomaly measure), and define
    ``_hidden_units`` and ``_n_networks`` from their parameters.
    """

    # -- fitting -----------------------------------------------------------
    def _check_common_params(self):
        check_positive_int(self.epochs, "epochs")
        check_positive_int(self.batch_size, "batch_size")
        check_positive_int(self.n_estimators, "n_estimators")
        check_non_negative_int(self.warmup_epochs, "warmup_epochs")
        check_positive_number(self.learning_rate, "learning_rate")
        check_non_negative_number(self.weight_decay, "weight_decay")
        check_fraction(self.trim_fraction, "trim_fraction", high=0.5,
                       low_inclusive=True, high_inclusive=False,
                       meaning="It is the share of training samples ignored after warm-up.")
        _check_contamination(self.contamination)
        check_seed(self.random_state)
        check_int(self.verbose, "verbose", minimum=0)
        if self.hidden_units is not None:
            check_positive_int_tuple(self.hidden_units, "hidden_units")

    def fit(self, X, y=None):
        """Train the networks on ``X`` (unlabelled) and set the threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; it may contain a small share of anomalies.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted detector.
        """
        self._check_params()
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        self.scaler_ = self._make_scaler().fit(X)
        data = self.scaler_.transform(X).astype(np.float32)
        keras.utils.set_random_seed(self.random_state)
        model = self._build(data.shape[1])
        self._prepare(model, data)
        self.history_ = self._train(model, data)
        self.model_ = model
        errors = self._errors(data)
        self.error_scale_ = np.maximum(np.median(errors, axis=0), np.finfo(np.float32).tiny)
        self.offset_ = float(np.percentile(self._combine(errors), 100.0 * self.contamination))
        return self

    def _train(self, model, data):
        """Mini-batch Adam on the (trimmed) mean anomaly measure; returns the loss per epoch."""
        n_samples = data.shape[0]
        optimizer = keras.optimizers.Adam(learning_rate=self.learning_rate)
        variables = model.trainable_variables

        def train_step(batch, weights):
            with tf.GradientTape() as tape:
                errors = self._sample_errors(model, batch, training=True)
                loss = tf.reduce_sum(errors * weights) / tf.maximum(tf.reduce_sum(weights), 1.0)
                loss = loss * self._n_networks  # each network minimises its own mean
                if self.weight_decay > 0:
                    loss += self.weight_decay * tf.add_n([tf.reduce_sum(tf.square(v))
                                                          for v in variables])
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=True))
            return loss

        batch_size = min(self.batch_size, n_samples)
        signature = [tf.TensorSpec(shape=(None, data.shape[1]), dtype=tf.float32),
                     tf.TensorSpec(shape=(None, self._n_networks), dtype=tf.float32)]
        # Traced once per fit: the signature is fixed. TensorFlow counts traces per
        # function *code*, and every fit makes a new closure of the same code (a new
        # model needs a new trace), so after five fits it would warn of "retracing".
        # A partial has no code of its own: its traces are counted for this fit only,
        # and a real retrace within a fit would still be reported.
        train_step = tf.function(functools.partial(train_step), input_signature=signature)
        rng = np.random.default_rng(self.random_state)
        weights = np.ones((n_samples, self._n_networks), dtype=np.float32)
        history = {"loss": []}
        for epoch in range(self.epochs):
            if self.trim_fraction > 0 and epoch >= self.warmup_epochs:
                errors = self._errors(data, model)
                cutoff = np.quantile(errors, 1.0 - self.trim_fraction, axis=0)
                weights = (errors <= cutoff).astype(np.float32)
            order = rng.permutation(n_samples)
            losses = []
            for start in range(0, n_samples, batch_size):
                rows = order[start:start + batch_size]
                losses.append(float(train_step(tf.constant(data[rows]),
                                               tf.constant(weights[rows]))))
            history["loss"].append(float(np.mean(losses)))
            if self.verbose:
                print(f"epoch {epoch + 1}/{self.epochs}: loss {history['loss'][-1]:.5f}")
        return history

    # -- scoring -----------------------------------------------------------
    def _errors(self, data, model=None):
        """Per-network anomaly measure, shape (n_samples, n_estimators), in float64."""
        model = self.model_ if model is None else model
        parts = [
            self._sample_errors(model, tf.constant(data[start:start + _CHUNK]), training=False)
            for start in range(0, data.shape[0], _CHUNK)
        ]
        return np.concatenate([np.asarray(part, dtype=np.float64) for part in parts], axis=0)

    def _combine(self, errors):
        """Score from per-network measures: minus their geometric mean, each measure in
        units of its median on the training data."""
        relative = np.maximum(errors / self.error_scale_, np.finfo(np.float64).tiny)
        return -np.exp(np.mean(np.log(relative), axis=1))

    def score_samples(self, X):
        """Normality score of each sample: higher is more normal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Minus the anomaly measure (reconstruction error or distance to the
            centre), averaged over the ``n_estimators`` networks, each expressed in
            units of its median on the training data. At most 0.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        data = self.scaler_.transform(X).astype(np.float32)
        return self._combine(self._errors(data))

    def decision_function(self, X):
        """Shifted score: negative for predicted outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to score.

        Returns
        -------
        decision : ndarray of shape (n_samples,)
            ``score_samples(X) - offset_``.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Label each sample as inlier (+1) or outlier (-1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples to label.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            ``+1`` where ``decision_function(X) >= 0``, ``-1`` elsewhere.
        """
        decision = self.decision_function(X)
        labels = np.ones(decision.shape[0], dtype=int)
        labels[decision < 0] = -1
        return labels

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        return tags


class AutoencoderDetector(_NeuralDetector):
    """Dense autoencoder ensemble; the reconstruction error is the anomaly score.

    Taught in :ref:`sec_beyond_labels`.

    Small autoencoders learn to reproduce the training data through a narrow
    bottleneck; a point that they reconstruct badly is unlike the bulk of the
    training data. By default two of them look at the data in two scalings: min-max
    (every feature spans [0, 1]) and robust (median 0, interquartile range 1). In
    the robust view a feature whose normal values sit in a narrow band, with rare
    extreme values (a skewed lab measurement, say), weighs as much as the others;
    in the min-max view such a feature is nearly ignored. Their errors, each in
    units of its training median, are combined by a geometric mean.

    Parameters
    ----------
    hidden_units : tuple of int or None, default=None
        Widths of the hidden layers, bottleneck in the middle, e.g. ``(32, 4, 32)``.
        ``None`` sizes them from the number of features ``d``: ``(w, b, w)`` with
        bottleneck ``b = max(2, ceil(sqrt(d)))`` and ``w = max(2 * b, min(64, 2 * d))``,
        so that the bottleneck is always narrower than the input.
    epochs : int, default=30
        Passes over the training data.
    batch_size : int, default=256
        Samples per gradient step.
    learning_rate : float, default=1e-3
        Adam's step size.
    contamination : float, default=0.1
        Expected share of anomalies in the training data, in (0, 0.5]; it only sets
        ``offset_``, the threshold of :meth:`predict`.
    n_estimators : int, default=1
        Number of autoencoders per scaling (different initial weights).
    scaling : {"both", "minmax", "robust"}, default="both"
        Input scaling(s) fitted on the training data, one view per scaling.
    trim_fraction : float, default=0.2
        Share of training samples with the highest error that each autoencoder
        ignores after ``warmup_epochs`` (recomputed every epoch); in [0, 0.5).
        The default was chosen on ADBench's ten tuning data sets, never on the
        benchmark (``benchmarks/tune.py``, :ref:`sec_benchmark_defaults`).
    warmup_epochs : int, default=5
        Epochs on all training samples before trimming starts.
    weight_decay : float, default=0.0
        L2 penalty on all weights.
    random_state : int, default=0
        Seed of weights and shuffling: the same seed gives the same scores.
    verbose : int, default=0
        ``0`` is silent; otherwise the mean loss of each epoch is printed.

    Attributes
    ----------
    model_ : keras.Model
        The trained ensemble: one input of shape ``(n, n_features_in_)`` per
        scaling, output ``(n, n_networks * n_features_in_)`` reconstructions (scaled
        units), where ``n_networks = n_estimators * n_scalings``.
    scaler_ : transformer
        Scaling(s) fitted on the training data; with ``scaling="both"`` a
        ``FeatureUnion`` whose output has ``2 * n_features_in_`` columns.
    error_scale_ : ndarray of shape (n_networks,)
        Median training reconstruction error of each autoencoder.
    offset_ : float
        Threshold: ``decision_function = score_samples - offset_``.
    history_ : dict
        ``{"loss": [...]}``, the mean training loss of each epoch.
    n_features_in_ : int
        Number of features seen during ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(200, 4))
    >>> detector = AutoencoderDetector(epochs=5).fit(X)
    >>> detector.predict([[0.0, 0.0, 0.0, 0.0], [9.0, -9.0, 9.0, -9.0]])
    array([ 1, -1])
    """

    def __init__(
        self,
        *,
        hidden_units=None,
        epochs=30,
        batch_size=256,
        learning_rate=1e-3,
        contamination=0.1,
        n_estimators=1,
        scaling="both",
        trim_fraction=0.2,
        warmup_epochs=5,
        weight_decay=0.0,
        random_state=0,
        verbose=0,
    ):
        self.hidden_units = hidden_units
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.contamination = contamination
        self.n_estimators = n_estimators
        self.scaling = scaling
        self.trim_fraction = trim_fraction
        self.warmup_epochs = warmup_epochs
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self):
        self._check_common_params()
        check_one_of(self.scaling, "scaling", _VIEWS)

    @property
    def _views(self):
        return ("minmax", "robust") if self.scaling == "both" else (self.scaling,)

    @property
    def _n_networks(self):
        return self.n_estimators * len(self._views)

    @property
    def _hidden_units(self):
        return None if self.hidden_units is None else tuple(self.hidden_units)

    def _make_scaler(self):
        scalers = {
            "minmax": MinMaxScaler(),
            "robust": make_pipeline(MinMaxScaler(), RobustScaler()),
        }
        if len(self._views) == 1:
            return scalers[self._views[0]]
        return FeatureUnion([(view, scalers[view]) for view in self._views])

    def _build(self, n_columns):
        n_features = n_columns // len(self._views)
        hidden = self._hidden_units
        if hidden is None:
            bottleneck = max(2, math.ceil(math.sqrt(n_features)))
            width = max(2 * bottleneck, min(64, 2 * n_features))
            hidden = (width, bottleneck, width)
        inputs = [keras.Input(shape=(n_features,), name=f"{view}_features") for view in self._views]
        outputs = [
            build_dense_network(n_features, hidden, output_units=n_features,
                                activation="relu", output_activation="linear", use_bias=True,
                                name=f"autoencoder_{view}_{index}")(view_input)
            for view, view_input in zip(self._views, inputs, strict=True)
            for index in range(self.n_estimators)
        ]
        merged = outputs[0] if len(outputs) == 1 else keras.layers.Concatenate(
            name="reconstructions")(outputs)
        inputs = inputs[0] if len(inputs) == 1 else inputs
        return keras.Model(inputs=inputs, outputs=merged, name="autoencoder_ensemble")

    def _prepare(self, model, data):
        return None

    def _sample_errors(self, model, batch, training):
        n_views = len(self._views)
        views = tf.split(batch, n_views, axis=1)
        reconstruction = model(views[0] if n_views == 1 else views, training=training)
        n_features = batch.shape[-1] // n_views
        reconstruction = tf.reshape(reconstruction, (-1, self._n_networks, n_features))
        target = tf.repeat(tf.reshape(batch, (-1, n_views, n_features)), self.n_estimators, axis=1)
        return tf.reduce_mean(tf.square(reconstruction - target), axis=-1)


class DeepSVDDDetector(_NeuralDetector):
    """One-class Deep SVDD (Ruff et al., 2018): distance to a hypersphere centre.

    Taught in :ref:`sec_beyond_labels`.

    A bias-free network maps the standardised data to a ``representation_dim``
    space and is trained to pull the training data towards a centre ``c`` fixed
    before training (the mean of the initial outputs, with each coordinate kept at
    least ``eps = 0.1`` away from zero, so that the trivial all-zero map cannot
    reach it). Bias-free layers stop the network from collapsing every input onto
    ``c``. The squared distance to ``c`` is the anomaly measure.

    Parameters
    ----------
    hidden_units : tuple of int, default=(64, 32)
        Widths of the hidden layers (no biases, ReLU).
    representation_dim : int, default=16
        Dimension of the output space that holds the hypersphere.
    epochs : int, default=5
        Passes over the training data. The default was chosen on ADBench's ten
        tuning data sets, never on the benchmark (``benchmarks/tune.py``,
        :ref:`sec_benchmark_defaults`): short training beat 10 and 30 epochs there.
        With ``warmup_epochs=5`` it also means that the trimmed loss is not used.
    batch_size : int, default=256
        Samples per gradient step.
    learning_rate : float, default=1e-3
        Adam's step size.
    contamination : float, default=0.1
        Expected share of anomalies in the training data, in (0, 0.5]; it only sets
        ``offset_``, the threshold of :meth:`predict`.
    n_estimators : int, default=3
        Number of networks (different initial weights and centres) averaged.
    trim_fraction : float, default=0.1
        Share of training samples farthest from the centre that each network ignores
        after ``warmup_epochs`` (as in soft-boundary Deep SVDD); in [0, 0.5).
    warmup_epochs : int, default=5
        Epochs on all training samples before trimming starts.
    weight_decay : float, default=1e-6
        L2 penalty on all weights (Deep SVDD's regulariser).
    random_state : int, default=0
        Seed of weights and shuffling: the same seed gives the same scores.
    verbose : int, default=0
        ``0`` is silent; otherwise the mean loss of each epoch is printed.

    Attributes
    ----------
    model_ : keras.Model
        The trained networks, mapping ``(n, n_features_in_)`` to
        ``(n, n_estimators * representation_dim)``.
    center_ : ndarray of shape (n_estimators, representation_dim)
        The fixed centre of each network's hypersphere.
    scaler_ : sklearn.preprocessing.StandardScaler
        Standardisation fitted on the training data, applied before the networks
        (it worked far better than min-max scaling for Deep SVDD in our benchmark).
    error_scale_ : ndarray of shape (n_estimators,)
        Median training squared distance of each network.
    offset_ : float
        Threshold: ``decision_function = score_samples - offset_``.
    history_ : dict
        ``{"loss": [...]}``, the mean training loss of each epoch.
    n_features_in_ : int
        Number of features seen during ``fit``.
    """

    def __init__(
        self,
        *,
        hidden_units=_SVDD_HIDDEN_UNITS,
        representation_dim=16,
        epochs=5,
        batch_size=256,
        learning_rate=1e-3,
        contamination=0.1,
        n_estimators=3,
        trim_fraction=0.1,
        warmup_epochs=5,
        weight_decay=1e-6,
        random_state=0,
        verbose=0,
    ):
        self.hidden_units = hidden_units
        self.representation_dim = representation_dim
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.contamination = contamination
        self.n_estimators = n_estimators
        self.trim_fraction = trim_fraction
        self.warmup_epochs = warmup_epochs
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self):
        self._check_common_params()
        check_positive_int(self.representation_dim, "representation_dim")

    @property
    def _n_networks(self):
        return self.n_estimators

    @property
    def _hidden_units(self):
        return _SVDD_HIDDEN_UNITS if self.hidden_units is None else tuple(self.hidden_units)

    def _make_scaler(self):
        return StandardScaler()

    def _build(self, n_features):
        inputs = keras.Input(shape=(n_features,), name="features")
        outputs = [
            build_dense_network(n_features, self._hidden_units,
                                output_units=self.representation_dim, activation="relu",
                                output_activation="linear", use_bias=False,
                                name=f"svdd_{index}")(inputs)
            for index in range(self.n_estimators)
        ]
        merged = outputs[0] if len(outputs) == 1 else keras.layers.Concatenate(
            name="representations")(outputs)
        return keras.Model(inputs=inputs, outputs=merged, name="deep_svdd")

    def _prepare(self, model, data, eps=0.1):
        first = [model(tf.constant(data[start:start + _CHUNK]), training=False).numpy()
                 for start in range(0, data.shape[0], _CHUNK)]
        center = np.concatenate(first).reshape(data.shape[0], self._n_networks, -1).mean(axis=0)
        center[(np.abs(center) < eps) & (center < 0)] = -eps
        center[(np.abs(center) < eps) & (center >= 0)] = eps
        self.center_ = center.astype(np.float32)

    def _sample_errors(self, model, batch, training):
        representation = model(batch, training=training)
        representation = tf.reshape(representation,
                                    (-1, self.n_estimators, self.representation_dim))
        return tf.reduce_sum(tf.square(representation - self.center_[None]), axis=-1)
