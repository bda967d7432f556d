"""The execution cache is cleared when helpers/ changes (scripts/execute_notebooks.py)."""

import importlib.util
import shutil

import pytest
from _book import ROOT


@pytest.fixture(scope="module")
def script():
    pytest.importorskip("jupyter_cache")
    spec = importlib.util.spec_from_file_location(
        "execute_notebooks", ROOT / "scripts" / "execute_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def package(tmp_path):
    copy = tmp_path / "helpers"
    shutil.copytree(ROOT / "helpers", copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _fill(cache):
    (cache / "executed").mkdir(parents=True, exist_ok=True)
    (cache / "executed" / "output.ipynb").write_text("{}")


def test_cache_survives_while_helpers_is_unchanged(script, package, tmp_path):
    cache = tmp_path / ".jupyter_cache"
    _fill(cache)
    assert script.clear_stale_cache(cache, package) is True  # no stamp yet: stale
    _fill(cache)
    assert script.clear_stale_cache(cache, package) is False
    assert (cache / "executed" / "output.ipynb").exists()
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "x.pyc").write_bytes(b"compiled")  # not part of the package
    assert script.clear_stale_cache(cache, package) is False


@pytest.mark.parametrize("change", ["edit", "new file", "data registry"])
def test_cache_is_cleared_when_helpers_changes(script, package, tmp_path, change):
    cache = tmp_path / ".jupyter_cache"
    _fill(cache)
    script.clear_stale_cache(cache, package)
    _fill(cache)
    if change == "edit":
        path = package / "metrics.py"
        path.write_text(path.read_text() + "\n# changed\n")
    elif change == "new file":
        (package / "extra.py").write_text('"""New."""\n')
    else:
        path = package / "datasets" / "_registry.py"
        path.write_text(path.read_text().replace("sha256", "SHA256", 1))
    assert script.clear_stale_cache(cache, package) is True
    assert not (cache / "executed").exists()
    assert (cache / script.STAMP_NAME).read_text().strip() == script.helpers_hash(package)
