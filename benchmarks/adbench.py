"""ADBench's unsupervised protocol: the book's neural detectors against classical ones.

The comparison of the book's section on benchmarking (``sec_benchmark``). For each
data set, seed and method it follows the unsupervised setting of ADBench
(Han et al., NeurIPS 2022):

1. a data set with more than 10,000 rows is subsampled to 10,000, stratified by
   the label (``seed`` picks the subsample);
2. a 70/30 split into training and test parts, stratified by the label;
3. min-max scaling fitted on the training part;
4. the detector, with its default hyperparameters and ``random_state=seed`` where
   it has one, is fitted on the whole training part, anomalies included (no label
   is used), and scores the test part;
5. ROC-AUC and average precision of the test scores, and the wall-clock seconds
   of ``fit`` and of scoring.

The eight methods: scikit-learn's ``IsolationForest``, ``LocalOutlierFactor``
(``novelty=True``), ``OneClassSVM`` and ``EllipticEnvelope`` (the probabilistic
detector: a Gaussian fitted by the robust minimum covariance determinant), PyOD's
``ECOD`` and ``KNN``, and the book's ``AutoencoderDetector`` and
``DeepSVDDDetector`` (:mod:`helpers.detectors`).

Scores follow one convention here, ``anomaly_scores``: **higher = more anomalous**.
scikit-learn's detectors (and the book's) score the other way (``score_samples``
is higher for more normal points) and are negated; PyOD's ``decision_function``
already is higher for more abnormal points and is used as it is.

Run from the repository root, for example::

    python benchmarks/adbench.py --datasets cardio,WBC --seeds 0 --out /tmp/slice.csv
    nice python benchmarks/adbench.py --out benchmarks/results/adbench.csv   # the full grid

``--help`` lists the options. The script writes one CSV row per (dataset, method,
seed) with the columns of ``COLUMNS`` (the CSV is rewritten after each data set, so
an interrupted run keeps what it finished), shows a progress bar on stderr, and
prints a summary table at the end. Timings depend on the machine and its load: each
row records the 1-minute load average at its start.

The book imports this file (``importlib``) for the protocol and the published
numbers; the committed ``benchmarks/results/adbench.csv`` is the full grid.
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as in the book's setup cell

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pyod.models.base import BaseDetector  # noqa: E402
from pyod.models.ecod import ECOD  # noqa: E402
from pyod.models.knn import KNN  # noqa: E402
from sklearn.covariance import EllipticEnvelope  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.metrics import average_precision_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neighbors import LocalOutlierFactor  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402
from sklearn.svm import OneClassSVM  # noqa: E402
from tqdm import tqdm  # noqa: E402

from helpers.datasets import load_adbench  # noqa: E402

__all__ = [
    "COLUMNS",
    "DATASETS",
    "METHODS",
    "PUBLISHED_NAMES",
    "PUBLISHED_ROC_AUC",
    "adbench_split",
    "anomaly_scores",
    "make_detector",
    "run_grid",
    "run_one",
    "summarize",
]

# The 12 "Classical" data sets of ../shared/data/README.md that have published numbers.
DATASETS = ("breastw", "WBC", "cardio", "thyroid", "annthyroid", "mammography", "shuttle",
            "satimage-2", "optdigits", "pendigits", "http", "smtp")

METHODS = ("IsolationForest", "LocalOutlierFactor", "OneClassSVM", "EllipticEnvelope", "ECOD",
           "KNN", "AutoencoderDetector", "DeepSVDDDetector")

# Published ROC-AUC x 100, ADBench (Han et al., 2022), unsupervised setting, Table D4:
# mean of 3 runs of the protocol above. Copied from the table "Published ROC-AUC" of
# ../shared/data/README.md. ADBench ran PyOD's implementations; its DeepSVDD is PyOD's,
# not the book's DeepSVDDDetector. The README gives no published average precision.
PUBLISHED_ROC_AUC = {
    "breastw": {"IForest": 98.32, "LOF": 40.61, "OCSVM": 80.30, "ECOD": 99.17, "KNN": 97.01,
                "DeepSVDD": 65.66},
    "WBC": {"IForest": 99.01, "LOF": 54.17, "OCSVM": 99.03, "ECOD": 99.11, "KNN": 90.56,
            "DeepSVDD": 55.50},
    "cardio": {"IForest": 93.19, "LOF": 66.33, "OCSVM": 93.91, "ECOD": 94.44, "KNN": 76.64,
               "DeepSVDD": 58.96},
    "thyroid": {"IForest": 98.30, "LOF": 86.86, "OCSVM": 87.92, "ECOD": 97.78, "KNN": 95.93,
                "DeepSVDD": 49.64},
    "annthyroid": {"IForest": 82.01, "LOF": 70.20, "OCSVM": 57.23, "ECOD": 78.03, "KNN": 71.69,
                   "DeepSVDD": 76.62},
    "mammography": {"IForest": 86.39, "LOF": 74.39, "OCSVM": 84.95, "ECOD": 90.75,
                    "KNN": 84.53, "DeepSVDD": 56.98},
    "shuttle": {"IForest": 99.56, "LOF": 57.11, "OCSVM": 97.40, "ECOD": 99.40, "KNN": 69.64,
                "DeepSVDD": 52.05},
    "satimage-2": {"IForest": 99.16, "LOF": 47.36, "OCSVM": 97.35, "ECOD": 97.11, "KNN": 92.60,
                   "DeepSVDD": 53.14},
    "optdigits": {"IForest": 70.92, "LOF": 56.10, "OCSVM": 54.00, "ECOD": 61.04, "KNN": 41.73,
                  "DeepSVDD": 38.89},
    "pendigits": {"IForest": 94.76, "LOF": 47.99, "OCSVM": 93.75, "ECOD": 91.22, "KNN": 72.95,
                  "DeepSVDD": 39.92},
    "http": {"IForest": 99.96, "LOF": 27.46, "OCSVM": 99.59, "ECOD": 98.10, "KNN": 3.37,
             "DeepSVDD": 69.05},
    "smtp": {"IForest": 89.73, "LOF": 71.84, "OCSVM": 80.70, "ECOD": 71.86, "KNN": 89.62,
             "DeepSVDD": 78.24},
}

# Our method -> ADBench's column for the same algorithm (EllipticEnvelope and the
# autoencoder have no published counterpart in the README's table).
PUBLISHED_NAMES = {"IsolationForest": "IForest", "LocalOutlierFactor": "LOF",
                   "OneClassSVM": "OCSVM", "ECOD": "ECOD", "KNN": "KNN",
                   "DeepSVDDDetector": "DeepSVDD"}

COLUMNS = ("dataset", "method", "seed", "roc_auc", "average_precision", "fit_seconds",
           "score_seconds", "n_train", "n_test", "n_features", "train_anomalies",
           "test_anomalies", "load_1min", "notes")


def adbench_split(X, y, *, seed, max_rows=10_000, test_size=0.3):
    """ADBench's evaluation data: stratified subsample, stratified split, min-max scaling.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Features, unscaled.
    y : ndarray of shape (n_samples,)
        1 for an anomaly, 0 for a normal sample.
    seed : int
        Seed of the subsample and of the split.
    max_rows : int, default=10_000
        Larger data sets are subsampled to this many rows, stratified by ``y``.
    test_size : float, default=0.3
        Share of the (subsampled) rows in the test part, stratified by ``y``.

    Returns
    -------
    X_train : ndarray of shape (n_train, n_features)
        Training features, min-max scaled with the training part's minimum and maximum.
    X_test : ndarray of shape (n_test, n_features)
        Test features, scaled with the same scaler (so they may leave [0, 1]).
    y_train : ndarray of shape (n_train,)
    y_test : ndarray of shape (n_test,)
    """
    if len(y) > max_rows:
        X, _, y, _ = train_test_split(X, y, train_size=max_rows, stratify=y, random_state=seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=test_size, stratify=y,
                                                        random_state=seed)
    scaler = MinMaxScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def make_detector(method, *, seed):
    """A detector of ``METHODS`` with its default hyperparameters.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    seed : int
        ``random_state`` of the detectors that have one (IsolationForest,
        EllipticEnvelope and the two neural detectors); the others are deterministic.

    Returns
    -------
    detector : estimator
        Unfitted. scikit-learn's and the book's detectors score with ``score_samples``
        (higher = more normal), PyOD's with ``decision_function`` (higher = more
        abnormal); :func:`anomaly_scores` reads either.
    """
    if method == "IsolationForest":
        return IsolationForest(random_state=seed)
    if method == "LocalOutlierFactor":
        return LocalOutlierFactor(novelty=True)  # novelty=True: it may score new data
    if method == "OneClassSVM":
        return OneClassSVM()
    if method == "EllipticEnvelope":
        return EllipticEnvelope(random_state=seed)
    if method == "ECOD":
        return ECOD()
    if method == "KNN":
        return KNN()
    if method in ("AutoencoderDetector", "DeepSVDDDetector"):
        # Imported here so that the classical methods run without loading TensorFlow.
        from helpers import detectors

        return getattr(detectors, method)(random_state=seed)
    raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}.")


def anomaly_scores(detector, X):
    """Scores of a fitted detector, higher = MORE ANOMALOUS, whatever its library.

    This is the one place where signs are converted. scikit-learn's outlier detectors
    (and ``helpers.detectors``) return ``score_samples`` higher for more *normal*
    points, so they are negated; PyOD's detectors return ``decision_function`` higher
    for more *abnormal* points, so it is used as it is.

    Parameters
    ----------
    detector : fitted scikit-learn-style or PyOD detector
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    scores : ndarray of shape (n_samples,)
        Higher for more anomalous samples (the convention of ``helpers.metrics``).
    """
    if isinstance(detector, BaseDetector):  # PyOD: higher = more abnormal
        return np.asarray(detector.decision_function(X), dtype=np.float64)
    return -np.asarray(detector.score_samples(X), dtype=np.float64)  # sklearn: higher = normal


def _notes(caught):
    """The distinct warnings of a run, one short phrase each (numbers dropped)."""
    phrases = {f"{w.category.__name__}: {str(w.message).split(':')[0].strip()}" for w in caught}
    return "; ".join(sorted(phrases))


def run_one(method, X_train, X_test, y_train, y_test, *, seed):
    """Fit one method on the training part and evaluate it on the test part.

    Warnings raised while fitting and scoring are not printed: they are recorded in
    the ``notes`` field. ``EllipticEnvelope`` warns when the covariance of the data
    (or of the subset its minimum covariance determinant keeps) is singular, and then
    scores with the pseudo-inverse (scikit-learn's own behaviour, deterministic for a
    given ``random_state``); should it raise because that covariance is zero, it is
    refitted once with ``support_fraction=1`` (the classical, non-robust covariance),
    and ``notes`` says so. The timings include both attempts.

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

    Returns
    -------
    row : dict
        ``method``, ``seed``, ``roc_auc``, ``average_precision`` (both in [0, 1]),
        ``fit_seconds``, ``score_seconds``, ``n_train``, ``n_test``, ``n_features``,
        ``train_anomalies``, ``test_anomalies``, ``load_1min``, ``notes``.
    """
    detector = make_detector(method, seed=seed)
    load = os.getloadavg()[0]
    extra = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        try:
            detector.fit(X_train)
        except ValueError as error:
            if method != "EllipticEnvelope":
                raise
            extra.append(f"refitted with support_fraction=1 after ValueError: {error}")
            detector = EllipticEnvelope(support_fraction=1.0, random_state=seed).fit(X_train)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        scores = anomaly_scores(detector, X_test)
        score_seconds = time.perf_counter() - start
    notes = "; ".join(filter(None, [_notes(caught), *extra]))
    return {
        "method": method,
        "seed": int(seed),
        "roc_auc": float(roc_auc_score(y_test, scores)),
        "average_precision": float(average_precision_score(y_test, scores)),
        "fit_seconds": round(fit_seconds, 4),
        "score_seconds": round(score_seconds, 4),
        "n_train": int(len(y_train)),
        "n_test": int(len(y_test)),
        "n_features": int(X_train.shape[1]),
        "train_anomalies": int(np.sum(y_train)),
        "test_anomalies": int(np.sum(y_test)),
        "load_1min": round(load, 2),
        "notes": notes,
    }


def _warm_up(methods):
    """Fit and score each method once on a little random data, untimed.

    The first call of some methods pays one-off costs (TensorFlow loading kernels and
    tracing its first functions, PyOD's first ECOD call); without this, they would
    land in the first timed run.
    """
    data = np.random.default_rng(0).random((64, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nothing is recorded from these throw-away fits
        for method in methods:
            detector = make_detector(method, seed=0)
            if method in ("AutoencoderDetector", "DeepSVDDDetector"):
                detector.set_params(epochs=1)
            anomaly_scores(detector.fit(data), data)


def run_grid(datasets=DATASETS, methods=METHODS, seeds=(0, 1, 2), *, out=None, progress=True,
             data_home=None):
    """Run every (dataset, seed, method) and collect one row each.

    Parameters
    ----------
    datasets : sequence of str, default=DATASETS
        Names accepted by :func:`helpers.datasets.load_adbench`.
    methods : sequence of str, default=METHODS
    seeds : sequence of int, default=(0, 1, 2)
    out : path or None, default=None
        If given, the CSV is (re)written there after each data set.
    progress : bool, default=True
        Show a tqdm progress bar on stderr.
    data_home : path or None, default=None
        Passed to :func:`helpers.datasets.load_adbench`.

    Returns
    -------
    results : pandas.DataFrame of shape (len(datasets) * len(seeds) * len(methods), 14)
        The columns of :data:`COLUMNS`, rows in the order dataset, seed, method.
    """
    unknown = [method for method in methods if method not in METHODS]
    if unknown:
        raise ValueError(f"methods must be among {', '.join(METHODS)}; got {unknown!r}.")
    _warm_up(methods)
    rows = []
    with tqdm(total=len(datasets) * len(seeds) * len(methods), file=sys.stderr,
              disable=not progress, unit="run") as bar:
        for dataset in datasets:
            X, y = load_adbench(dataset, data_home=data_home)
            for seed in seeds:
                X_train, X_test, y_train, y_test = adbench_split(X, y, seed=seed)
                for method in methods:
                    bar.set_postfix_str(f"{dataset} seed {seed} {method}")
                    row = run_one(method, X_train, X_test, y_train, y_test, seed=seed)
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
    measured = (100 * results.pivot_table(index="dataset", columns="method",
                                          values="roc_auc", aggfunc="mean"))
    order = [d for d in DATASETS if d in measured.index] + [
        d for d in measured.index if d not in DATASETS]
    measured = measured.loc[order, [m for m in METHODS if m in measured.columns]]
    columns = {}
    for method in measured.columns:
        columns[method] = measured[method]
        if method in PUBLISHED_NAMES:
            columns[f"{method} (ADBench)"] = pd.Series(
                {d: PUBLISHED_ROC_AUC.get(d, {}).get(PUBLISHED_NAMES[method], np.nan)
                 for d in measured.index})
    table = pd.DataFrame(columns)
    table.loc["mean"] = table.mean()
    return table


def _names(text, allowed, what):
    names = [part.strip() for part in text.split(",") if part.strip()]
    lookup = {name.lower(): name for name in allowed}
    bad = [name for name in names if name.lower() not in lookup]
    if bad:
        raise argparse.ArgumentTypeError(f"unknown {what} {bad}; choose from {', '.join(allowed)}")
    return [lookup[name.lower()] for name in names]


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="ADBench's unsupervised protocol: neural vs classical detectors.")
    parser.add_argument("--datasets", default=",".join(DATASETS),
                        type=lambda text: _names(text, DATASETS, "data sets"),
                        help="comma-separated data sets (default: all 12)")
    parser.add_argument("--methods", default=",".join(METHODS),
                        type=lambda text: _names(text, METHODS, "methods"),
                        help="comma-separated methods (default: all 8)")
    parser.add_argument("--seeds", default="0,1,2",
                        type=lambda text: [int(part) for part in text.split(",") if part],
                        help="comma-separated seeds (default: 0,1,2)")
    parser.add_argument("--out", type=Path, default=Path("adbench_results.csv"),
                        help="CSV to write (default: adbench_results.csv; the book's committed "
                             "results are benchmarks/results/adbench.csv)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    results = run_grid(args.datasets, args.methods, args.seeds, out=args.out,
                       progress=not args.no_progress)
    results.to_csv(args.out, index=False)
    wall = time.perf_counter() - start

    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print("Mean ROC-AUC x 100 over seeds; '(ADBench)' columns are the published numbers.")
        print(summarize(results).round(2).to_string())
        print()
        print("Mean average precision x 100 over seeds (ADBench's README publishes none).")
        ap = 100 * results.pivot_table(index="dataset", columns="method",
                                       values="average_precision", aggfunc="mean")
        ap = ap.reindex(index=[d for d in DATASETS if d in ap.index],
                        columns=[m for m in METHODS if m in ap.columns])
        print(ap.round(2).to_string())
        print()
        print("Median seconds per run (fit, score):")
        print(results.groupby("method")[["fit_seconds", "score_seconds"]].median()
              .reindex([m for m in METHODS if m in args.methods]).round(3).to_string())
    noted = results[results["notes"] != ""]
    if len(noted):
        print(f"\n{len(noted)} runs recorded warnings (see the notes column).")
    print(f"\n{len(results)} runs in {wall:.0f} s wall time (load average now "
          f"{os.getloadavg()[0]:.2f}); written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
