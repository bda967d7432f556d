"""The files the book reads, with their SHA-256 and canonical addresses, and how to get them.

Taught in :ref:`sec_data_cards`.

Every file has a *key*, its path in a data folder laid out like the project's shared
copy (``adbench/Classical/6_cardio.npz``, ``nab/data/...``, ``nab/labels/...``). A key
is resolved, in this order, to

1. ``data_home / key`` when the loader gets a ``data_home`` argument;
2. ``$HELPERS_DATA_HOME / key`` when that environment variable is set and not empty;
3. the user's cache (``pooch.os_cache("nn-anomaly-book")``), where :mod:`pooch`
   downloads the file from its commit-pinned address the first time.

The SHA-256 of the file is checked in all three cases. Files in a data folder are
never downloaded or replaced: a missing or corrupted file there is an error that says
what to do.

Where GitHub is slow or blocked, ``$HELPERS_DATA_MIRROR`` names a mirror: a base
address under which the files sit at the same relative paths (the key), e.g.
``https://mirror.example.edu/nn-anomaly-book/`` serving
``.../adbench/Classical/6_cardio.npz``. Downloads then come from the mirror, with the
same SHA-256 checks.
"""

import functools
import os
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # pooch imports tqdm.auto, which warns on stderr in a Jupyter kernel without
    # ipywidgets ("IProgress not found"); the book never shows progress bars.
    warnings.filterwarnings("ignore", message="IProgress not found")
    import pooch

__all__ = ["ENV_VAR", "MIRROR_VAR", "REGISTRY", "url_of", "fetch", "cache_dir",
           "resolve_data_home"]

ENV_VAR = "HELPERS_DATA_HOME"
"""Environment variable naming a data folder to read instead of the download cache."""

MIRROR_VAR = "HELPERS_DATA_MIRROR"
"""Environment variable naming a base address to download the files from instead."""

_CACHE_NAME = "nn-anomaly-book"

_ADBENCH_COMMIT = "3dac8221081e190f157d78e93bfa8867f90d0965"
_ADBENCH_URL = f"https://github.com/Minqi824/ADBench/raw/{_ADBENCH_COMMIT}/adbench/datasets/"
_NAB_COMMIT = "ea702d75cc2258d9d7dd35ca8e5e2539d71f3140"
_NAB_URL = f"https://raw.githubusercontent.com/numenta/NAB/{_NAB_COMMIT}/"

REGISTRY = {
    # ADBench (BSD-2-Clause); the CV_by_ResNet18 files embed MVTec AD (CC BY-NC-SA 4.0).
    "adbench/CV_by_ResNet18/MVTec-AD_bottle.npz":
        "9eb7a78f1f6ecfcd00391ea01fe06f998e3fb7b8e89a34c06d69786ee38a8059",
    "adbench/CV_by_ResNet18/MVTec-AD_metal_nut.npz":
        "c00f29018bbf304c8e50d366fccc635ded7da90dea7e4a2fd41afb1a62609796",
    "adbench/CV_by_ResNet18/MVTec-AD_screw.npz":
        "a143cbb84cb2a8bbd5b86065bf56fffbc5c9a52d5da4ba9826c844fe35ef68fa",
    "adbench/CV_by_ResNet18/MVTec-AD_transistor.npz":
        "4c045fa018a2f4ffd828683b1d35580533662b2336c356e7e579c04da899b98e",
    "adbench/Classical/12_fault.npz":
        "ec27301f9a4cf7c5d8b22c360cf37ddb043b7fb062465723dfd8b34e2771e5dd",
    "adbench/Classical/16_http.npz":
        "9d98710091551587f4740cfc851a6b064fff6319a337c2dc77ee6da4bcc2e02c",
    "adbench/Classical/23_mammography.npz":
        "a0308ac9712d78321073b1c2dc98dc37665c0f35c1cc33019416fe8f8d7de7ea",
    "adbench/Classical/26_optdigits.npz":
        "60de17a375a278ba220a7849727d998aa02b5e2f9fd17732a004bba28de4656e",
    "adbench/Classical/28_pendigits.npz":
        "c4936b89dcdad59d303020e492f763a0f54170080d787c77497609acbb9c2d79",
    "adbench/Classical/2_annthyroid.npz":
        "e738f7c58a8740d2c4aac4c71ff49ce5e1d1aa16f44178135fc9c09df05fad1b",
    "adbench/Classical/31_satimage-2.npz":
        "1b056e357f801b8b20c3f380a30224a3c4088d7ed764ec5a24828dc9b1918d6f",
    "adbench/Classical/32_shuttle.npz":
        "26900b0f6be45d9ddb7a402c9b2f956ceda42d23a8ca4cf4406b8bc1352823d1",
    "adbench/Classical/34_smtp.npz":
        "d2569fc9bc12115419e3f5b37d19921e10e6c26e5ad1e61064cfb0fbc402dfdd",
    "adbench/Classical/38_thyroid.npz":
        "8de161b3f235b7647bb0b39a836d983ff61d67bf234edac461da2d71e889cb87",
    "adbench/Classical/42_WBC.npz":
        "650f9dcb129248f67a291be0974f533ef259fcbde50fce5c8ad2a1cb2652d03b",
    "adbench/Classical/4_breastw.npz":
        "4f37ce07dbc25ddad8178fdc6d664ab46d2d0000ee28c2787c3c7ff3c03ef9f6",
    "adbench/Classical/5_campaign.npz":
        "74dd4d0072d6c6f1aabab63bc102f9633454f32bb936fa9bcfbd38f9f2386bcd",
    "adbench/Classical/6_cardio.npz":
        "bc5009bde6930b4d298b594f31b34485a9a17210cff0e8fb00a8c3068b885a2d",
    # The tuning set: ten more ADBench data sets, for choosing defaults only.
    "adbench/Classical/45_wine.npz":
        "d5ad8965d92cc57122fe1e6572bb301adbaf795b3e166d187ae00a704d8f6e20",
    "adbench/Classical/37_Stamps.npz":
        "99fe739447284f613fa54bf2dccdb51c5120175ce6260adec6dad77576c42509",
    "adbench/Classical/46_WPBC.npz":
        "68a6d67242643855713bcdad07d89ecc472bd00000dccc17ba87916eb2693d19",
    "adbench/Classical/17_InternetAds.npz":
        "bdd8ad5cf5bf2cb96cba53dde30d522d0f6a279083a8e2bc7efbac5981b04385",
    "adbench/Classical/41_Waveform.npz":
        "6c9d867337ad1a2f8372c1d27f4c032f0401237e2041b7c45f00de8d319ff30f",
    "adbench/Classical/35_SpamBase.npz":
        "d0c46c7928e43f6496bcd06e09de0b70f6bc8143792dfa0a43f450263d254e9b",
    "adbench/Classical/19_landsat.npz":
        "ba17e2158c07469597b89db49d3982c874c6b713ff6670721ddc88969da77987",
    "adbench/Classical/25_musk.npz":
        "2ed3f4392197b76a1e59116ff880c7720a4b026cf4842073a53b56fdea265017",
    "adbench/Classical/22_magic.gamma.npz":
        "0be375984d7af9ea7a63b12206c240840d8b7daa3607021c5fb8756407dd86f1",
    "adbench/Classical/33_skin.npz":
        "d02aa01ffc1b6bf2b8b1ac250c90e8a8eacd0cefc962940ed5cc4bf5deac9c95",
    # NAB (MIT).
    "nab/data/artificialNoAnomaly/art_daily_small_noise.csv":
        "c4b304229f69f108eaa024fb2406fcd4510c5c5d95cd0053e2da6989682e4e6d",
    "nab/data/artificialWithAnomaly/art_daily_flatmiddle.csv":
        "ea5df125947e9ee2b977ac3d341f3c2a029588862af97cae4a654fc56e838702",
    "nab/data/artificialWithAnomaly/art_daily_jumpsup.csv":
        "f79f92b93ee4f9c10e2dc552505e8880b0c618639ed5e0f9816e044b75c26456",
    "nab/data/realKnownCause/ambient_temperature_system_failure.csv":
        "230b68ccca20f59d562afd5d24ad52939c9b784386bed0054018358bf9120581",
    "nab/data/realKnownCause/cpu_utilization_asg_misconfiguration.csv":
        "58ba65dc0737cfbac11b51514476d50c438d44011232144bb8d93f392df58f9f",
    "nab/data/realKnownCause/ec2_request_latency_system_failure.csv":
        "98378580aa80157e057c61d59d81daddccc6c65a2c0c800e3f01f603b8215c3f",
    "nab/data/realKnownCause/machine_temperature_system_failure.csv":
        "92bf5b87fc7f9bba8ca0b7ec63ccaac8cb4a1371a258e8c29a10ae9c018d82a4",
    "nab/data/realKnownCause/nyc_taxi.csv":
        "d8fa6f7f0734bf5c8be12c52a94e20a82664c397d9dec4449156bd453d32856d",
    "nab/labels/combined_labels.json":
        "98724014c162fcfd4be605683517f194051a54e98756c53667bd33ddbc644d9b",
    "nab/labels/combined_windows.json":
        "1e1fbc4601321aad8d0f8b3784c8134299379f68f6c1f7777565f8ffd57ab6b1",
}
"""Key (path in a data folder) -> SHA-256 of every file the book reads."""

_LAYOUT = "adbench/<folder>/<name>.npz, nab/data/<folder>/<name>.csv and nab/labels/<name>.json"


def url_of(key):
    """Return the download address of the file ``key``.

    Parameters
    ----------
    key : str
        A key of :data:`REGISTRY`, such as ``"adbench/Classical/6_cardio.npz"``.

    Returns
    -------
    url : str
        The canonical, commit-pinned address; or, when ``HELPERS_DATA_MIRROR`` is set
        and not empty, that base address joined with ``key``.
    """
    if key not in REGISTRY:
        raise ValueError(f"key must be a file of the registry; got {key!r}.")
    mirror = os.environ.get(MIRROR_VAR, "")
    if mirror:
        if not mirror.startswith(("https://", "http://")):
            raise ValueError(
                f"{MIRROR_VAR} must be an http:// or https:// address under which the "
                f"files sit at their registry paths; got {mirror!r}. Unset it to download "
                "from the original addresses."
            )
        return mirror.rstrip("/") + "/" + key
    source, _, rest = key.partition("/")
    return (_ADBENCH_URL if source == "adbench" else _NAB_URL) + rest


def cache_dir():
    """Return the folder where :mod:`pooch` keeps the downloaded files.

    Returns
    -------
    path : pathlib.Path
        ``pooch.os_cache("nn-anomaly-book")``, e.g. ``~/.cache/nn-anomaly-book`` on Linux.
    """
    return Path(pooch.os_cache(_CACHE_NAME))


def resolve_data_home(data_home=None):
    """Return the data folder to read, and where that choice came from.

    Parameters
    ----------
    data_home : str, os.PathLike or None, default=None
        A folder laid out like ``adbench/...``, ``nab/data/...``, ``nab/labels/...``.
        ``None`` falls back to the environment variable ``HELPERS_DATA_HOME``.

    Returns
    -------
    folder : pathlib.Path or None
        ``None`` when neither is set: the files come from the download cache.
    source : str or None
        ``"data_home"`` or ``"HELPERS_DATA_HOME"``, for error messages.
    """
    if data_home is None:
        value = os.environ.get(ENV_VAR, "")
        if not value:
            return None, None
        folder, source = Path(value).expanduser(), ENV_VAR
    elif isinstance(data_home, str | os.PathLike):
        folder, source = Path(data_home).expanduser(), "data_home"
    else:
        raise TypeError(
            "data_home must be a path (str or os.PathLike) or None; "
            f"got {data_home!r} of type {type(data_home).__name__}."
        )
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{source} must name an existing folder; got {str(folder)!r}. It should hold "
            f"the data laid out as {_LAYOUT}"
            + (f"; unset {ENV_VAR} to use the download cache instead." if source == ENV_VAR
               else "; pass data_home=None to use the download cache instead.")
        )
    return folder, source


@functools.lru_cache(maxsize=64)
def _sha256_of(path, mtime_ns, size):
    """SHA-256 of ``path``, remembered per (path, modification time, size)."""
    return pooch.file_hash(path, alg="sha256")


def _sha256(path):
    """SHA-256 of the file ``path``; a file is hashed once per process unless it changes."""
    stat = os.stat(path)
    return _sha256_of(os.fspath(path), stat.st_mtime_ns, stat.st_size)


def _make_pooch(folder):
    """A :class:`pooch.Pooch` that downloads the registry's files into ``folder``."""
    return pooch.create(
        path=folder,
        base_url=_NAB_URL,  # unused: every file has its own address in ``urls``
        registry=REGISTRY,
        urls={key: url_of(key) for key in REGISTRY},
    )


def fetch(key, *, data_home=None):
    """Return the local path of the registry file ``key``, checked against its SHA-256.

    Parameters
    ----------
    key : str
        A key of :data:`REGISTRY`, such as ``"nab/labels/combined_windows.json"``.
    data_home : str, os.PathLike or None, default=None
        A data folder to read instead of the cache (see :func:`resolve_data_home`).

    Returns
    -------
    path : pathlib.Path
        The verified file.

    Raises
    ------
    FileNotFoundError
        The file is not in the data folder, or not in the cache and cannot be downloaded.
    ValueError
        The file's SHA-256 differs from the registry's (a corrupted or wrong file).
    """
    if key not in REGISTRY:
        raise ValueError(f"key must be a file of the registry; got {key!r}.")
    folder, source = resolve_data_home(data_home)
    if folder is None:
        return _fetch_into_cache(key)
    path = folder / key
    if not path.is_file():
        raise FileNotFoundError(
            f"The data file {key!r} is missing: looked for {path} (the data folder named by "
            f"{source}). Data folders are never downloaded into. Copy the file there from "
            f"{url_of(key)} (the folder must be laid out as {_LAYOUT}), or "
            + (f"unset {ENV_VAR}" if source == ENV_VAR else "pass data_home=None")
            + f" and run `make data` (python -m helpers.datasets) to download every file "
            f"into the cache {cache_dir()}."
        )
    actual = _sha256(path)
    if actual != REGISTRY[key]:
        raise ValueError(
            f"The data file {path} is corrupted or not the expected version: its SHA-256 is "
            f"{actual}, expected {REGISTRY[key]}. Replace it with an exact copy of "
            f"{url_of(key)}."
        )
    return path


def _fetch_into_cache(key):
    """Return the cached copy of ``key``, downloading it with pooch when needed."""
    folder = cache_dir()
    path = folder / key
    corrupted = path.is_file() and _sha256(path) != REGISTRY[key]
    if path.is_file() and not corrupted:
        return path  # already verified in this process: no second hash of a big file
    downloader = _make_pooch(folder)  # a bad mirror address fails here, not as a download
    try:
        return Path(downloader.fetch(key))
    except ValueError as err:  # pooch: the downloaded file does not match the hash
        raise ValueError(
            f"The download of {key!r} from {url_of(key)} does not match its SHA-256 "
            f"{REGISTRY[key]} and was discarded ({err}). Run `make data` again later; if it "
            f"keeps failing, download the file by hand, check it, and set {ENV_VAR} to a "
            f"folder laid out as {_LAYOUT}."
        ) from err
    except (OSError, RuntimeError) as err:  # no network, HTTP error, sockets blocked
        state = (f"in the cache is corrupted (SHA-256 {_sha256(path)}, expected "
                 f"{REGISTRY[key]}: {path})" if corrupted
                 else f"is not in the cache (looked for {path})")
        raise FileNotFoundError(
            f"The data file {key!r} {state} and could not be downloaded from "
            f"{url_of(key)} ({type(err).__name__}: {err}). Connect to the "
            f"internet and run `make data` (python -m helpers.datasets), or set {ENV_VAR} "
            f"to a folder holding a copy laid out as {_LAYOUT}."
        ) from err
