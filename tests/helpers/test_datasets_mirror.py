"""helpers.datasets: HELPERS_DATA_MIRROR, a mirror of the data files for slow networks."""

import functools
import http.server
import shutil
import threading

import pytest

from helpers.datasets import _registry
from helpers.datasets._registry import MIRROR_VAR, REGISTRY, fetch, url_of

KEY = "adbench/Classical/42_WBC.npz"  # a small file


def test_mirror_replaces_the_base_address_and_keeps_the_relative_path(monkeypatch):
    monkeypatch.setenv(MIRROR_VAR, "https://mirror.example.edu/book-data/")
    assert url_of(KEY) == f"https://mirror.example.edu/book-data/{KEY}"
    monkeypatch.setenv(MIRROR_VAR, "http://10.0.0.5:8000")
    assert url_of("nab/labels/combined_windows.json") == \
        "http://10.0.0.5:8000/nab/labels/combined_windows.json"


def test_empty_mirror_means_the_original_addresses(monkeypatch):
    monkeypatch.setenv(MIRROR_VAR, "")
    assert url_of(KEY).startswith("https://github.com/Minqi824/ADBench/raw/")


@pytest.mark.parametrize("value", ["mirror.example.edu/data", "ftp://mirror/data", "/srv/data"])
def test_mirror_must_be_a_web_address(monkeypatch, value):
    monkeypatch.setenv(MIRROR_VAR, value)
    with pytest.raises(ValueError, match=rf"HELPERS_DATA_MIRROR must be an http:// or https:// "
                                         rf"address .*; got '{value}'"):
        url_of(KEY)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """A web server on 127.0.0.1 serving ``tmp_path / 'www'``, named by HELPERS_DATA_MIRROR."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(MIRROR_VAR, f"http://127.0.0.1:{server.server_address[1]}/data/")
    monkeypatch.delenv("HELPERS_DATA_HOME", raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setattr(_registry, "cache_dir", lambda: cache)
    yield root / "data"
    server.shutdown()


@pytest.mark.enable_socket  # a local web server only
def test_files_are_downloaded_from_the_mirror_and_checked(data_home, mirror):
    (mirror / KEY).parent.mkdir(parents=True)
    shutil.copy(data_home / KEY, mirror / KEY)
    path = fetch(KEY)
    assert path.read_bytes() == (data_home / KEY).read_bytes()
    assert _registry._sha256(path) == REGISTRY[KEY]


@pytest.mark.enable_socket
def test_a_wrong_file_on_the_mirror_is_refused_and_named(mirror):
    (mirror / KEY).parent.mkdir(parents=True)
    (mirror / KEY).write_bytes(b"not the data set")
    with pytest.raises(ValueError, match=r"The download of 'adbench/Classical/42_WBC.npz' "
                                         r"from http://127\.0\.0\.1:\d+/data/adbench/"):
        fetch(KEY)
