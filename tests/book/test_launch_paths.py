"""Every way of running a chapter, checked without a network (the static part).

What a learner runs is a chapter's ``.ipynb`` on its own: downloaded from the site,
opened on Colab or Binder, or pulled onto a course's JupyterHub. These tests check
what makes that possible: the setup cell that installs the book's package when it is
missing, chapters that read nothing by repository path and need no Sphinx, the
Binder configuration, the lock, and the hub button. The fresh-environment runs are in
``test_fresh_environment.py``, the JupyterLab rendering in ``test_lab.py``.
"""

import io
import os
import re
import subprocess
import sys
import textwrap
import tokenize
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import helpers

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
VERSION = helpers.__version__  # the one version string; pyproject.toml reads it
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

# The setup cell, as CONTRIBUTING.md shows it; a chapter may add imports after it.
SETUP = '''\
import importlib.metadata
import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # no TensorFlow C++ log lines in the page
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # no oneDNN banner; reproducible CPU sums

try:  # the book's package, `helpers`: there in the book's environment and on Binder
    importlib.metadata.version("nn-anomaly-book")
except importlib.metadata.PackageNotFoundError:  # Colab or a bare Python: install it
    import subprocess
    import sys

    BOOK = "git+https://github.com/nn-anomaly-book/nn-anomaly-book@v{version}"
    spec = os.environ.get("BOOK_PACKAGE_SPEC", BOOK)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", spec],
                   check=True)
    from helpers.install import install_requirements

    install_requirements()  # only those not installed: a TensorFlow there is kept

import keras

keras.utils.set_random_seed(0)  # seeds Python's random, NumPy and TensorFlow at once'''
EXPECTED_SETUP = SETUP.replace("{version}", VERSION)


def _code_cells(path):
    notebook = nbformat.read(path, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def _without_comments(source):
    """The code of a cell with its comments removed (unchanged if it does not tokenize)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    return tokenize.untokenize(
        (token.type, token.string) for token in tokens if token.type != tokenize.COMMENT)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_setup_cell_has_the_documented_form(path):
    setup = _code_cells(path)[0]
    assert setup == EXPECTED_SETUP or setup.startswith(EXPECTED_SETUP + "\n"), (
        f"the first code cell of {path.name} is not the setup cell of CONTRIBUTING.md")
    assert all(len(line) <= 88 for line in setup.splitlines())


def test_setup_cell_installs_the_books_release_from_the_books_repository():
    repository = CONFIG["repository"]["url"]
    assert f"git+{repository}@v{VERSION}" in EXPECTED_SETUP
    assert PROJECT["name"] == "nn-anomaly-book"


def test_contributing_shows_the_setup_cell():
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    assert textwrap.indent(EXPECTED_SETUP, "  ") in contributing  # in a list item


def _run_setup(env_extra, repeat=1):
    """Run the setup cell ``repeat`` times in one fresh interpreter of this environment."""
    env = {**os.environ, **env_extra}
    code = "\n".join([EXPECTED_SETUP] * repeat)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, cwd=ROOT / "book")


def test_setup_cell_is_a_silent_no_op_in_the_project_environment():
    # Any attempt to install would fail: no index, and a package spec that does not exist.
    result = _run_setup({"PIP_NO_INDEX": "1", "BOOK_PACKAGE_SPEC": "/nonexistent.whl"},
                        repeat=2)
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")


@pytest.mark.parametrize(
    "path",
    NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_code_reads_no_repository_path(path):
    """A chapter downloaded alone has no ../, no benchmarks/ and no helpers/ beside it."""
    pattern = re.compile(
        r"""['"]\.\.(?:[/\\]|['"])"""      # "../x" or Path("..")
        r"""|\bbenchmarks[/\\'"]"""           # benchmarks/ or "benchmarks"
        r"""|['"][^'"]*\bhelpers[/\\]"""       # a path into the package's source folder
        r"""|spec_from_file_location""")
    offending = [line.strip() for source in _code_cells(path)
                 for line in _without_comments(source).splitlines() if pattern.search(line)]
    assert offending == [], f"{path.name} reads files by repository path: {offending}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_needs_neither_sphinx_nor_myst_nb(path):
    pattern = re.compile(r"^\s*(?:from|import)\s+(?:myst_nb|sphinx|jupyter_book)\b",
                         re.MULTILINE)
    found = [source for source in _code_cells(path) if pattern.search(source)]
    assert found == [], f"{path.name} imports a build tool; use helpers.display.glue"


# --- locked environments ----------------------------------------------------------


def _pins(path):
    """{name: [(version, marker), ...]} of a requirements file of ``name==version`` pins."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{path.name}: {line!r} is not a pin"
        pins.setdefault(canonicalize_name(requirement.name), []).append(
            (specifier.version, requirement.marker))
    return pins


def _declared(extras=True):
    lines = list(PROJECT["dependencies"])
    if extras:
        for extra in PROJECT["optional-dependencies"].values():
            lines += extra
    return [Requirement(line) for line in lines]


LOCK = ROOT / "requirements" / "lock.txt"
BINDER = ROOT / "binder"


def test_lock_pins_every_declared_package_within_its_range():
    pins = _pins(LOCK)
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in pyproject.toml but not in the lock: make lock"
        for version, _marker in pins[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"the lock pins {name}=={version}, outside pyproject.toml's "
                f"{requirement.specifier}: make lock")
    assert canonicalize_name(PROJECT["name"]) not in pins


def test_lock_is_universal():
    # One file for Linux, macOS and Windows: TensorFlow appears under both names,
    # each with its platform marker.
    pins = _pins(LOCK)
    assert pins["tensorflow-cpu"][0][1] is not None
    assert pins["tensorflow"][0][1] is not None


def test_binder_requirements_cover_the_runtime_dependencies_at_the_locked_versions():
    binder = _pins(BINDER / "requirements.txt")
    lock = _pins(LOCK)
    for requirement in _declared(extras=False):
        name = canonicalize_name(requirement.name)
        assert name in binder, f"{name} is a runtime dependency missing from binder/"
    for name, entries in binder.items():
        if name in lock:
            assert {v for v, _ in entries} <= {v for v, _ in lock[name]}, (
                f"binder/requirements.txt pins {name} differently from the lock: make lock")
    assert "jupyterlab-myst" in binder  # MyST markup renders in Binder's JupyterLab


def test_binder_runtime_matches_requires_python():
    version = (BINDER / "runtime.txt").read_text().strip()
    assert version == "python-3.11" and PROJECT["requires-python"] == ">=3.11"


def test_binder_post_build_installs_the_package_without_touching_the_pins(tmp_path):
    """Run postBuild with a stand-in `python` that records how it was called."""
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    log = tmp_path / "calls"
    fake = tmp_path / "bin" / "python"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$PWD $*" >> {log}\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run([str(post_build)], env=env, check=True, cwd=tmp_path, timeout=30)
    assert log.read_text().splitlines() == [
        f"{ROOT} -m pip install --no-deps --no-cache-dir ."]


# --- launch buttons -----------------------------------------------------------------


def test_no_third_party_hub_by_default_and_the_guide_says_how_to_set_one():
    buttons = CONFIG["launch_buttons"]
    assert buttons["binderhub_url"] == "https://mybinder.org"
    assert buttons["colab_url"] == "https://colab.research.google.com"
    assert "jupyterhub_url" in buttons and not buttons["jupyterhub_url"]
    guide = (ROOT / "book" / "instructor_guide.md").read_text()
    assert re.search(r"launch_buttons:\n +jupyterhub_url: https://hub\.example\.edu", guide)
    assert "/hub/user-redirect/git-pull?repo=" in guide


def _launch_links(jupyterhub_url):
    """The launch links sphinx-book-theme puts on 05_project, for a given hub address."""
    from types import SimpleNamespace

    from sphinx_book_theme.header_buttons import launch

    repository = CONFIG["repository"]
    org, repo = repository["url"].removeprefix("https://github.com/").split("/")
    page = "book/05_project"
    theme = {"launch_buttons": {**CONFIG["launch_buttons"], "jupyterhub_url": jupyterhub_url},
             "path_to_docs": repository["path_to_book"],
             "repository_branch": repository["branch"]}
    app = SimpleNamespace(config={"html_theme_options": theme}, env=SimpleNamespace(
        doc2path=lambda name: str(ROOT / f"{name}.ipynb"),
        metadata={page: {"kernelspec": {"name": "python3"}}}))
    context = {"pagename": page, "sourcename": f"{page}.ipynb", "header_buttons": [],
               "github_url": "https://github.com", "github_user": org, "github_repo": repo}
    launch.add_launch_buttons(app, page, "page.html", context, doctree=None)
    return [button["url"] for group in context["header_buttons"]
            for button in group.get("buttons", [])]


def test_hub_button_appears_only_when_a_hub_is_configured():
    pytest.importorskip("sphinx_book_theme")
    without = _launch_links("")
    assert not any("git-pull" in url for url in without)
    assert any(url.startswith("https://mybinder.org/v2/gh/") for url in without)
    links = _launch_links("https://hub.example.edu")
    hub = [url for url in links if url.startswith("https://hub.example.edu/")]
    assert hub and "/hub/user-redirect/git-pull?repo=" in hub[0]
    assert "05_project.ipynb" in hub[0]
