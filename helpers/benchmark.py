"""The book's benchmark protocol: splits, one sign convention, and the runs.

Taught in :ref:`sec_benchmark` (and the split in :ref:`sec_network`).

Two ways to turn an ADBench data set into training and test parts:

- ``generator="book"`` (the default): a data set with more than ``max_rows`` rows
  is subsampled to ``max_rows``, stratified by the label; then a 70/30 split,
  stratified by the label; min-max scaling fitted on the training part. No row
  is repeated, so no row of the test part is also in the training part.
- ``generator="adbench"``: what ADBench's own ``data_generator.py`` does (Han et
  al., NeurIPS 2022). A data set with fewer than 1,000 rows is first resampled
  *with replacement* to 1,000 rows (so copies of one row can land on both sides
  of the split); one with more than 10,000 rows is subsampled to 10,000 *without*
  stratification; then the same stratified 70/30 split and min-max scaling. When
  only a share of the training anomalies carries a label (ADBench's
  semi-supervised settings), their number is rounded *up*: see
  :func:`label_anomalies`.

Scores follow one convention here, :func:`anomaly_scores`: higher = more
anomalous. scikit-learn's detectors (and :mod:`helpers.detectors`) score the
other way, PyOD's this way.

The metrics are those ADBench's code records: ROC-AUC and the area under the
precision-recall curve, which ADBench computes as scikit-learn's
``average_precision_score`` (column ``average_precision``).
"""

import json
import math
import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from helpers._validation import check_fraction, check_int, check_one_of
from helpers.datasets import load_adbench

__all__ = [
    "COLUMNS",
    "DATASETS",
    "GENERATORS",
    "METHODS",
    "PUBLISHED_NAMES",
    "PUBLISHED_ROC_AUC",
    "TUNING_DATASETS",
    "adbench_split",
    "anomaly_scores",
    "label_anomalies",
    "make_detector",
    "run_grid",
    "run_one",
    "summarize",
    "TUNING_SEARCH",
    "MAX_MEDIAN_FIT_CPU_SECONDS",
    "summarize_tuning",
    "choose_defaults",
]

#: The twelve benchmark data sets of :ref:`sec_benchmark` (published numbers exist).
DATASETS = (
    "breastw",
    "WBC",
    "cardio",
    "thyroid",
    "annthyroid",
    "mammography",
    "shuttle",
    "satimage-2",
    "optdigits",
    "pendigits",
    "http",
    "smtp",
)

#: The ten data sets on which the neural detectors' defaults are chosen; never reported
#: as the benchmark.
TUNING_DATASETS = (
    "wine",
    "Stamps",
    "WPBC",
    "InternetAds",
    "Waveform",
    "SpamBase",
    "landsat",
    "musk",
    "magic.gamma",
    "skin",
)

METHODS = (
    "IsolationForest",
    "LocalOutlierFactor",
    "OneClassSVM",
    "EllipticEnvelope",
    "ECOD",
    "KNN",
    "AutoencoderDetector",
    "DeepSVDDDetector",
)

GENERATORS = ("book", "adbench")

# Published ROC-AUC x 100, ADBench (Han et al., 2022), unsupervised setting, Table D4:
# mean of 3 runs. ADBench ran PyOD's implementations; its DeepSVDD is PyOD's, not the
# book's DeepSVDDDetector.
PUBLISHED_ROC_AUC = {
    "breastw": {
        "IForest": 98.32,
        "LOF": 40.61,
        "OCSVM": 80.30,
        "ECOD": 99.17,
        "KNN": 97.01,
        "DeepSVDD": 65.66,
    },
    "WBC": {
        "IForest": 99.01,
        "LOF": 54.17,
        "OCSVM": 99.03,
        "ECOD": 99.11,
        "KNN": 90.56,
        "DeepSVDD": 55.50,
    },
    "cardio": {
        "IForest": 93.19,
        "LOF": 66.33,
        "OCSVM": 93.91,
        "ECOD": 94.44,
        "KNN": 76.64,
        "DeepSVDD": 58.96,
    },
    "thyroid": {
        "IForest": 98.30,
        "LOF": 86.86,
        "OCSVM": 87.92,
        "ECOD": 97.78,
        "KNN": 95.93,
        "DeepSVDD": 49.64,
    },
    "annthyroid": {
        "IForest": 82.01,
        "LOF": 70.20,
        "OCSVM": 57.23,
        "ECOD": 78.03,
        "KNN": 71.69,
        "DeepSVDD": 76.62,
    },
    "mammography": {
        "IForest": 86.39,
        "LOF": 74.39,
        "OCSVM": 84.95,
        "ECOD": 90.75,
        "KNN": 84.53,
        "DeepSVDD": 56.98,
    },
    "shuttle": {
        "IForest": 99.56,
        "LOF": 57.11,
        "OCSVM": 97.40,
        "ECOD": 99.40,
        "KNN": 69.64,
        "DeepSVDD": 52.05,
    },
    "satimage-2": {
        "IForest": 99.16,
        "LOF": 47.36,
        "OCSVM": 97.35,
        "ECOD": 97.11,
        "KNN": 92.60,
        "DeepSVDD": 53.14,
    },
    "optdigits": {
        "IForest": 70.92,
        "LOF": 56.10,
        "OCSVM": 54.00,
        "ECOD": 61.04,
        "KNN": 41.73,
        "DeepSVDD": 38.89,
    },
    "pendigits": {
        "IForest": 94.76,
        "LOF": 47.99,
        "OCSVM": 93.75,
        "ECOD": 91.22,
        "KNN": 72.95,
        "DeepSVDD": 39.92,
    },
    "http": {
        "IForest": 99.96,
        "LOF": 27.46,
        "OCSVM": 99.59,
        "ECOD": 98.10,
        "KNN": 3.37,
        "DeepSVDD": 69.05,
    },
    "smtp": {
        "IForest": 89.73,
        "LOF": 71.84,
        "OCSVM": 80.70,
        "ECOD": 71.86,
        "KNN": 89.62,
        "DeepSVDD": 78.24,
    },
}

# Our method -> ADBench's column for the same algorithm.
PUBLISHED_NAMES = {
    "IsolationForest": "IForest",
    "LocalOutlierFactor": "LOF",
    "OneClassSVM": "OCSVM",
    "ECOD": "ECOD",
    "KNN": "KNN",
    "DeepSVDDDetector": "DeepSVDD",
}

COLUMNS = (
    "dataset",
    "method",
    "seed",
    "roc_auc",
    "average_precision",
    "fit_seconds",
    "fit_cpu_seconds",
    "score_seconds",
    "n_train",
    "n_test",
    "n_features",
    "train_anomalies",
    "test_anomalies",
    "load_1min",
    "notes",
)

_ADBENCH_MIN_ROWS = 1_000


def _check_labels(X, y):
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(
            f"X must be a 2-D array of shape (n_samples, n_features); "
            f"got shape {X.shape}."
        )
    if y.shape != (X.shape[0],):
        raise ValueError(
            f"y must have shape ({X.shape[0]},), one label per row of X; "
            f"got shape {y.shape}."
        )
    if not np.isin(y, (0, 1)).all():
        raise ValueError(
            f"y must hold only 0 (normal) and 1 (anomaly); got the values "
            f"{np.unique(y)[:5].tolist()}."
        )
    return X, y


def adbench_split(
    X, y, *, seed, generator="book", max_rows=10_000, test_size=0.3, dtype=None
):
    """Training and test parts of one data set, min-max scaled, by ADBench's protocol.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Features, unscaled.
    y : array-like of shape (n_samples,)
        1 for an anomaly, 0 for a normal sample.
    seed : int
        Seed of the subsample (or resample) and of the split.
    generator : {"book", "adbench"}, default="book"
        ``"book"``: subsample data sets over ``max_rows`` rows, stratified; no row is
        repeated. ``"adbench"``: ADBench's generator, which first resamples data sets
        under 1,000 rows *with replacement* to 1,000 rows and subsamples those over
        ``max_rows`` without stratification (see the module's docstring).
    max_rows : int, default=10_000
        Larger data sets are subsampled to this many rows. Set it above
        ``n_samples`` to keep every row (``generator="book"`` only).
    test_size : float, default=0.3
        Share of the rows in the test part, stratified by ``y``; in (0, 1).
    dtype : numpy dtype or None, default=None
        dtype of the returned features (``None`` keeps float64).

    Returns
    -------
    X_train : ndarray of shape (n_train, n_features)
        Training features, min-max scaled with the training part's minimum and maximum.
    X_test : ndarray of shape (n_test, n_features)
        Test features, scaled with the same scaler (so they may leave [0, 1]).
    y_train : ndarray of shape (n_train,)
    y_test : ndarray of shape (n_test,)
    """
    X, y = _check_labels(X, y)
    check_one_of(generator, "generator", GENERATORS)
    max_rows = check_int(max_rows, "max_rows", minimum=2)
    check_fraction(test_size, "test_size", high_inclusive=False)
    if generator == "adbench":
        rng = np.random.default_rng(seed)
        if len(y) < _ADBENCH_MIN_ROWS:  # duplicates on both sides of the split
            rows = rng.choice(len(y), size=_ADBENCH_MIN_ROWS, replace=True)
            X, y = X[rows], y[rows]
        elif len(y) > max_rows:  # no stratification
            rows = rng.choice(len(y), size=max_rows, replace=False)
            X, y = X[rows], y[rows]
    elif len(y) > max_rows:
        X, _, y, _ = train_test_split(
            X, y, train_size=max_rows, stratify=y, random_state=seed
        )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=seed
    )
    scaler = MinMaxScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    if dtype is not None:
        X_train, X_test = X_train.astype(dtype), X_test.astype(dtype)
    return X_train, X_test, y_train, y_test


def label_anomalies(y_train, fraction, *, seed):
    """Keep the label of only a share of the training anomalies, as ADBench does.

    ADBench's semi-supervised settings ("MLP 1 %") label ``ceil(fraction * n)`` of the
    ``n`` training anomalies, chosen at random, and mark every other row 0: rounded
    *up*, so at least one anomaly is labelled.

    Parameters
    ----------
    y_train : array-like of shape (n_train,)
        Training labels, 1 for an anomaly.
    fraction : float
        Share of the training anomalies that keep their label, in (0, 1].
    seed : int
        Seed of the choice.

    Returns
    -------
    y_labelled : ndarray of shape (n_train,)
        1 for the labelled anomalies, 0 elsewhere.
    """
    y_train = np.asarray(y_train)
    check_fraction(
        fraction,
        "fraction",
        meaning="It is the share of training anomalies that keep their label.",
    )
    anomalies = np.flatnonzero(y_train == 1)
    if len(anomalies) == 0:
        raise ValueError("y_train must hold at least one anomaly (a 1); got none.")
    count = min(math.ceil(fraction * len(anomalies)), len(anomalies))
    chosen = np.random.default_rng(seed).choice(anomalies, size=count, replace=False)
    labelled = np.zeros_like(y_train)
    labelled[chosen] = 1
    return labelled


def anomaly_scores(detector, X):
    """Scores of a fitted detector, higher = MORE ANOMALOUS, whatever its library.

    The one place where a sign is converted. scikit-learn's outlier detectors (and
    :mod:`helpers.detectors`) return ``score_samples`` higher for more *normal* points,
    so it is negated; PyOD's detectors return ``decision_function`` higher for more
    *abnormal* points, so it is used as it is.

    Parameters
    ----------
    detector : fitted scikit-learn-style or PyOD detector, or a Pipeline ending in one
    X : array-like of shape (n_samples, n_features)

    Returns
    -------
    scores : ndarray of shape (n_samples,)
        Higher for more anomalous samples (the convention of ``helpers.metrics``).
    """
    final_step = detector[-1] if hasattr(detector, "steps") else detector  # a Pipeline
    if type(final_step).__module__.startswith("pyod."):  # PyOD: higher = more abnormal
        return np.asarray(detector.decision_function(X), dtype=np.float64)
    if not hasattr(detector, "score_samples"):
        raise TypeError(
            f"detector must be a fitted PyOD detector or have score_samples "
            f"(scikit-learn's convention); got {type(detector).__name__}."
        )
    return -np.asarray(detector.score_samples(X), dtype=np.float64)


def make_detector(method, *, seed, **params):
    """A detector of :data:`METHODS` with its default hyperparameters.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    seed : int
        ``random_state`` of the detectors that have one (IsolationForest,
        EllipticEnvelope and the two neural detectors); the others are deterministic.
    **params
        Hyperparameters that replace the defaults (the tuning script uses them).

    Returns
    -------
    detector : estimator
        Unfitted; :func:`anomaly_scores` reads its scores.
    """
    from pyod.models.ecod import ECOD
    from pyod.models.knn import KNN
    from sklearn.covariance import EllipticEnvelope
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor
    from sklearn.svm import OneClassSVM

    seeded = {"IsolationForest": IsolationForest, "EllipticEnvelope": EllipticEnvelope}
    plain = {
        "LocalOutlierFactor": lambda **kw: LocalOutlierFactor(novelty=True, **kw),
        "OneClassSVM": OneClassSVM,
        "ECOD": ECOD,
        "KNN": KNN,
    }
    if method in seeded:
        return seeded[method](random_state=seed, **params)
    if method in plain:
        return plain[method](**params)
    if method in ("AutoencoderDetector", "DeepSVDDDetector"):
        # Imported here so that the classical methods run without loading TensorFlow.
        from helpers import detectors

        return getattr(detectors, method)(random_state=seed, **params)
    raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}.")


def _notes(caught):
    """The distinct warnings of a run, one short phrase each (numbers dropped)."""
    phrases = {
        f"{w.category.__name__}: {str(w.message).split(':')[0].strip()}" for w in caught
    }
    return "; ".join(sorted(phrases))


def run_one(method, X_train, X_test, y_train, y_test, *, seed, params=None):
    """Fit one method on the training part and evaluate it on the test part.

    Warnings raised while fitting and scoring are recorded in the ``notes`` field,
    not printed. Should ``EllipticEnvelope`` raise because the covariance is zero, it
    is refitted once with ``support_fraction=1`` and ``notes`` says so.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    X_train : ndarray of shape (n_train, n_features)
    X_test : ndarray of shape (n_test, n_features)
    y_train : ndarray of shape (n_train,)
        Used only to count the training anomalies: fitting is unsupervised.
    y_test : ndarray of shape (n_test,)
    seed : int
        Passed to :func:`make_detector`.
    params : dict or None, default=None
        Hyperparameters passed to :func:`make_detector`.

    Returns
    -------
    row : dict
        The fields of :data:`COLUMNS` but ``dataset``; ROC-AUC and average
        precision in [0, 1], times in seconds: ``fit_seconds`` is wall-clock time,
        ``fit_cpu_seconds`` the processor time of this process during the fit (all
        its threads), which does not grow when other processes load the machine.
    """
    detector = make_detector(method, seed=seed, **(params or {}))
    load = os.getloadavg()[0]
    extra = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            detector.fit(X_train)
        except ValueError as error:
            if method != "EllipticEnvelope":
                raise
            extra.append(f"refitted with support_fraction=1 after ValueError: {error}")
            detector = make_detector(method, seed=seed, support_fraction=1.0).fit(
                X_train
            )
        fit_seconds = time.perf_counter() - start
        fit_cpu_seconds = time.process_time() - cpu_start
        start = time.perf_counter()
        scores = anomaly_scores(detector, X_test)
        score_seconds = time.perf_counter() - start
    return {
        "method": method,
        "seed": int(seed),
        "roc_auc": float(roc_auc_score(y_test, scores)),
        "average_precision": float(average_precision_score(y_test, scores)),
        "fit_seconds": round(fit_seconds, 4),
        "fit_cpu_seconds": round(fit_cpu_seconds, 4),
        "score_seconds": round(score_seconds, 4),
        "n_train": int(len(y_train)),
        "n_test": int(len(y_test)),
        "n_features": int(X_train.shape[1]),
        "train_anomalies": int(np.sum(y_train)),
        "test_anomalies": int(np.sum(y_test)),
        "load_1min": round(load, 2),
        "notes": "; ".join(filter(None, [_notes(caught), *extra])),
    }


def _warm_up(methods):
    """Fit and score each method once on a little random data, untimed, so that one-off
    costs (TensorFlow loading its kernels, PyOD's first call) stay out of the timings."""
    data = np.random.default_rng(0).random((64, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in methods:
            detector = make_detector(method, seed=0)
            if method in ("AutoencoderDetector", "DeepSVDDDetector"):
                detector.set_params(epochs=1)
            anomaly_scores(detector.fit(data), data)


def run_grid(
    datasets=DATASETS,
    methods=METHODS,
    seeds=(0, 1, 2),
    *,
    generator="book",
    params=None,
    out=None,
    progress=True,
    data_home=None,
):
    """Run every (dataset, seed, method) and collect one row each.

    Parameters
    ----------
    datasets : sequence of str, default=DATASETS
        Names accepted by :func:`helpers.datasets.load_adbench`.
    methods : sequence of str, default=METHODS
    seeds : sequence of int, default=(0, 1, 2)
    generator : {"book", "adbench"}, default="book"
        Passed to :func:`adbench_split`.
    params : dict or None, default=None
        ``{method: {parameter: value}}``, hyperparameters replacing the defaults.
    out : path or None, default=None
        If given, the CSV is (re)written there after each data set.
    progress : bool, default=True
        Show a tqdm progress bar on stderr.
    data_home : path or None, default=None
        Passed to :func:`helpers.datasets.load_adbench`.

    Returns
    -------
    results : pandas.DataFrame of shape (len(datasets) * len(seeds) * len(methods), 15)
        The columns of :data:`COLUMNS`, rows in the order dataset, seed, method.
    """
    from tqdm import tqdm

    check_one_of(generator, "generator", GENERATORS)
    unknown = [method for method in methods if method not in METHODS]
    if unknown:
        raise ValueError(
            f"methods must be among {', '.join(METHODS)}; got {unknown!r}."
        )
    params = params or {}
    _warm_up(methods)
    rows = []
    with tqdm(
        total=len(datasets) * len(seeds) * len(methods),
        file=sys.stderr,
        disable=not progress,
        unit="run",
    ) as bar:
        for dataset in datasets:
            X, y = load_adbench(dataset, data_home=data_home)
            for seed in seeds:
                split = adbench_split(X, y, seed=seed, generator=generator)
                for method in methods:
                    bar.set_postfix_str(f"{dataset} seed {seed} {method}")
                    row = run_one(method, *split, seed=seed, params=params.get(method))
                    rows.append({"dataset": dataset, **row})
                    bar.update()
            if out is not None:
                pd.DataFrame(rows, columns=list(COLUMNS)).to_csv(out, index=False)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def summarize(results):
    """Mean ROC-AUC x 100 per data set and method, next to ADBench's published numbers.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows as returned by :func:`run_grid`.

    Returns
    -------
    table : pandas.DataFrame
        One row per data set; for each method its mean over seeds of ROC-AUC x 100, and
        for the methods with a published counterpart a column ``"<method> (ADBench)"``.
        A last row ``"mean"`` averages the data sets present.
    """
    measured = 100 * results.pivot_table(
        index="dataset", columns="method", values="roc_auc", aggfunc="mean"
    )
    order = [d for d in DATASETS if d in measured.index] + [
        d for d in measured.index if d not in DATASETS
    ]
    measured = measured.loc[order, [m for m in METHODS if m in measured.columns]]
    columns = {}
    for method in measured.columns:
        columns[method] = measured[method]
        if method in PUBLISHED_NAMES:
            columns[f"{method} (ADBench)"] = pd.Series(
                {
                    d: PUBLISHED_ROC_AUC.get(d, {}).get(PUBLISHED_NAMES[method], np.nan)
                    for d in measured.index
                }
            )
    table = pd.DataFrame(columns)
    table.loc["mean"] = table.mean()
    return table


# ---------------------------------------------------------------- tuning the defaults
# Declared before the search ran (benchmarks/tune.py runs it, on the ten tuning data
# sets only); the chapter and a test recompute the choice from the committed results.
MAX_MEDIAN_FIT_CPU_SECONDS = 5.0

# Every searched parameter of a method, with its value, in every configuration.
_AE = {"epochs": 30, "n_estimators": 1, "weight_decay": 0.0, "trim_fraction": 0.1}
_SVDD = {
    "epochs": 30,
    "n_estimators": 3,
    "representation_dim": 16,
    "trim_fraction": 0.1,
}
TUNING_SEARCH = {
    "IsolationForest": {"default": {}},
    "AutoencoderDetector": {
        "ae_first_edition": dict(_AE),
        "ae_trim_0.2": {**_AE, "trim_fraction": 0.2},
    },
    "DeepSVDDDetector": {
        "svdd_first_edition": dict(_SVDD),
        "svdd_10_epochs": {**_SVDD, "epochs": 10},
        "svdd_5_epochs": {**_SVDD, "epochs": 5},
    },
}


def summarize_tuning(results):
    """One row per configuration: mean ROC-AUC over the data sets and median fit time.

    Parameters
    ----------
    results : pandas.DataFrame
        The committed search, ``helpers.datasets.load_results("tuning")``.

    Returns
    -------
    summary : pandas.DataFrame
        Index (method, config); columns ``params`` (JSON), ``mean_roc_auc`` (each data
        set's mean over seeds, then the mean over data sets), ``median_fit_seconds``
        (over every data set and seed) and ``order`` (position in :data:`TUNING_SEARCH`).
    """
    per_dataset = results.groupby(["method", "config", "dataset"])["roc_auc"].mean()
    summary = pd.DataFrame(
        {
            "params": results.groupby(["method", "config"])["params"].first(),
            "mean_roc_auc": per_dataset.groupby(["method", "config"]).mean(),
            "median_fit_seconds": results.groupby(["method", "config"])[
                "fit_seconds"
            ].median(),
            "median_fit_cpu_seconds": results.groupby(["method", "config"])[
                "fit_cpu_seconds"
            ].median(),
        }
    )
    order = {
        (m, c): i
        for i, (m, c) in enumerate(
            (m, c) for m, configs in TUNING_SEARCH.items() for c in configs
        )
    }
    summary["order"] = [order.get(key, len(order)) for key in summary.index]
    return summary.sort_values("order")


def choose_defaults(results):
    """The declared criterion: per neural method, the highest mean ROC-AUC among the
    configurations whose median fit CPU time is <= MAX_MEDIAN_FIT_CPU_SECONDS (first listed
    on a tie). CPU time, not wall time: on a shared machine the wall time of a fit
    depends on everyone else's load; the CPU seconds the fit itself used do not.

    Returns
    -------
    chosen : dict
        ``{method: (config name, params dict)}`` for the two neural detectors.
    """
    summary = summarize_tuning(results)
    chosen = {}
    for method in ("AutoencoderDetector", "DeepSVDDDetector"):
        rows = summary.loc[method]
        fast = rows[rows["median_fit_cpu_seconds"] <= MAX_MEDIAN_FIT_CPU_SECONDS]
        if fast.empty:
            raise ValueError(
                f"no configuration of {method} has a median fit CPU time <= "
                f"{MAX_MEDIAN_FIT_CPU_SECONDS} s; got "
                f"{rows['median_fit_cpu_seconds'].min()}."
            )
        best = fast.sort_values(
            ["mean_roc_auc", "order"], ascending=[False, True]
        ).index[0]
        chosen[method] = (best, json.loads(fast.loc[best, "params"]))
    return chosen
