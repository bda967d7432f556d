"""Tests of helpers/datasets/_registry.py and __main__.py: where files come from, and checks.

Nothing here touches the network: the data come from ``HELPERS_DATA_HOME`` or from copies
in ``tmp_path``, and downloads are replaced by failures.
"""

import re
import shutil
from pathlib import Path

import pooch
import pytest
import requests

from helpers.datasets import _registry
from helpers.datasets.__main__ import main
from helpers.datasets._registry import REGISTRY, fetch, resolve_data_home, url_of

SMALL = "adbench/Classical/42_WBC.npz"


def _copy(data_home, key, folder):
    """Copy the real file ``key`` into ``folder`` with the same layout; return the copy."""
    target = Path(folder) / key
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(data_home / key, target)
    return target


def _corrupt(path):
    """Flip the last byte of ``path``."""
    content = bytearray(path.read_bytes())
    content[-1] ^= 0xFF
    path.write_bytes(bytes(content))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty download cache in ``tmp_path`` and no data folder."""
    monkeypatch.delenv("HELPERS_DATA_HOME", raising=False)
    folder = tmp_path / "cache"
    monkeypatch.setattr(_registry, "cache_dir", lambda: folder)
    return folder


@pytest.fixture
def offline(monkeypatch):
    """Make every download fail as it would without a network."""
    def refuse(url, *args, **kwargs):
        raise requests.ConnectionError(f"offline test: refused {url}")

    monkeypatch.setattr(requests, "get", refuse)


# --- the registry ----------------------------------------------------------------


def test_registry_lists_every_file_with_a_sha256():
    assert len(REGISTRY) == 38
    assert sum(key.startswith("adbench/") for key in REGISTRY) == 28  # 18 + 10 tuning sets
    assert sum(key.startswith("nab/data/") for key in REGISTRY) == 8
    assert all(re.fullmatch(r"[0-9a-f]{64}", sha256) for sha256 in REGISTRY.values())


def test_url_of_gives_the_commit_pinned_addresses():
    assert url_of("adbench/Classical/6_cardio.npz") == (
        "https://github.com/Minqi824/ADBench/raw/3dac8221081e190f157d78e93bfa8867f90d0965/"
        "adbench/datasets/Classical/6_cardio.npz"
    )
    assert url_of("nab/labels/combined_windows.json") == (
        "https://raw.githubusercontent.com/numenta/NAB/ea702d75cc2258d9d7dd35ca8e5e2539d71f3140/"
        "labels/combined_windows.json"
    )


def test_unknown_key_is_refused():
    with pytest.raises(ValueError, match=re.escape("key must be a file of the registry; got 'x'.")):
        url_of("x")
    with pytest.raises(ValueError, match="key must be a file of the registry"):
        fetch("adbench/Classical/6_cardio.csv")


def test_every_file_of_the_data_folder_matches_the_registry(data_home):
    for key in REGISTRY:
        assert fetch(key) == data_home / key


# --- data_home and HELPERS_DATA_HOME -------------------------------------------------


def test_env_var_is_used_when_data_home_is_none(data_home):
    assert resolve_data_home() == (data_home, "HELPERS_DATA_HOME")
    assert fetch(SMALL) == data_home / SMALL


def test_data_home_argument_beats_env_var(data_home, tmp_path, monkeypatch):
    copy = _copy(data_home, SMALL, tmp_path)
    monkeypatch.setenv("HELPERS_DATA_HOME", str(data_home))
    assert fetch(SMALL, data_home=tmp_path) == copy
    assert resolve_data_home(str(tmp_path)) == (tmp_path, "data_home")
    # and the other way round: a folder without the file fails even if the env var has it
    with pytest.raises(FileNotFoundError, match="data_home"):
        fetch("adbench/Classical/6_cardio.npz", data_home=tmp_path)


def test_empty_env_var_means_unset(monkeypatch):
    monkeypatch.setenv("HELPERS_DATA_HOME", "")
    assert resolve_data_home() == (None, None)


def test_missing_file_in_data_home_says_where_and_what_to_do(tmp_path):
    key = "nab/labels/combined_windows.json"
    with pytest.raises(FileNotFoundError) as info:
        fetch(key, data_home=tmp_path)
    message = str(info.value)
    assert f"The data file {key!r} is missing: looked for {tmp_path / key}" in message
    assert "named by data_home" in message
    assert url_of(key) in message
    assert "make data" in message


def test_missing_file_in_env_var_folder_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPERS_DATA_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="named by HELPERS_DATA_HOME.*unset"):
        fetch(SMALL)
    assert not (tmp_path / SMALL).exists()  # nothing was downloaded into the data folder


def test_corrupted_file_in_data_home_is_refused(data_home, tmp_path):
    copy = _copy(data_home, SMALL, tmp_path)
    _corrupt(copy)
    actual = pooch.file_hash(str(copy))
    expected = (
        f"The data file {copy} is corrupted or not the expected version: its SHA-256 is "
        f"{actual}, expected {REGISTRY[SMALL]}. Replace it with an exact copy of {url_of(SMALL)}."
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        fetch(SMALL, data_home=tmp_path)


def test_data_home_must_be_an_existing_folder(tmp_path, monkeypatch):
    with pytest.raises(TypeError, match=re.escape(
            "data_home must be a path (str or os.PathLike) or None; got 3 of type int.")):
        fetch(SMALL, data_home=3)
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match=re.escape(
            f"data_home must name an existing folder; got {str(missing)!r}.")):
        fetch(SMALL, data_home=missing)
    monkeypatch.setenv("HELPERS_DATA_HOME", str(missing))
    with pytest.raises(FileNotFoundError, match="HELPERS_DATA_HOME must name an existing folder"):
        fetch(SMALL)


def test_file_hash_is_computed_once_per_unchanged_file(data_home, tmp_path, monkeypatch):
    calls = []
    real_hash = pooch.file_hash

    def counting_hash(*args, **kwargs):
        calls.append(args[0])
        return real_hash(*args, **kwargs)

    monkeypatch.setattr(pooch, "file_hash", counting_hash)
    copy = _copy(data_home, SMALL, tmp_path)
    fetch(SMALL, data_home=tmp_path)
    fetch(SMALL, data_home=tmp_path)
    assert calls == [str(copy)]


# --- the download cache -----------------------------------------------------------


def test_cache_is_used_without_a_data_folder(data_home, cache, offline):
    copy = _copy(data_home, SMALL, cache)
    assert fetch(SMALL) == copy


def test_default_cache_is_the_users_cache_folder():
    assert _registry.cache_dir() == Path(pooch.os_cache("nn-anomaly-book"))


def test_file_missing_from_cache_and_offline(cache, offline):
    with pytest.raises(FileNotFoundError) as info:
        fetch(SMALL)
    message = str(info.value)
    assert f"is not in the cache (looked for {cache / SMALL})" in message
    assert f"could not be downloaded from {url_of(SMALL)}" in message
    assert "make data" in message and "HELPERS_DATA_HOME" in message


def test_corrupted_cache_file_is_refetched_and_offline_says_so(data_home, cache, offline):
    _corrupt(_copy(data_home, SMALL, cache))
    with pytest.raises(FileNotFoundError, match=f"{re.escape(repr(SMALL))} in the cache is "
                                                "corrupted .* could not be downloaded"):
        fetch(SMALL)


def test_download_with_a_wrong_hash_is_reported(cache, monkeypatch):
    def wrong_download(self, fname, **kwargs):
        raise ValueError("SHA256 hash of downloaded file does not match the known hash")

    monkeypatch.setattr(pooch.Pooch, "fetch", wrong_download)
    with pytest.raises(ValueError, match=re.escape(
            f"The download of {SMALL!r} from {url_of(SMALL)} does not match its SHA-256")):
        fetch(SMALL)


# --- python -m helpers.datasets ------------------------------------------------------


def test_main_list_prints_the_registry(capsys):
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert out.count("sha256 ") == 38
    assert url_of(SMALL) in out


def test_main_verifies_the_data_folder(data_home, capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert f"Verifying 38 files in the data folder {data_home} (from HELPERS_DATA_HOME)" in out
    assert out.count("  ok  ") == 38
    assert "All 38 files are present and match their SHA-256." in out


def test_main_fails_on_a_missing_or_corrupted_file(data_home, tmp_path, capsys):
    for key in REGISTRY:
        _copy(data_home, key, tmp_path)
    (tmp_path / SMALL).unlink()
    _corrupt(tmp_path / "nab/labels/combined_labels.json")
    assert main(["--data-home", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.count("  ok  ") == 36
    assert f"FAILED  {SMALL}" in captured.err
    assert "2 of 38 files are missing or corrupted" in captured.err


def test_main_reports_a_missing_data_folder(tmp_path, capsys):
    assert main(["--data-home", str(tmp_path / "nowhere")]) == 1
    assert "data_home must name an existing folder" in capsys.readouterr().err
