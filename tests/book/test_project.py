"""The repository itself: packaging, configuration, table of contents, notebooks."""

import json
import os
import re
import shutil
import subprocess
import tomllib

import nbformat
import pytest
import yaml
from _book import ROOT, toc_pages
from packaging.requirements import Requirement

BOOK = ROOT / "book"

# pip and conda-forge name one package differently.
_CONDA_NAME = {"tensorflow-cpu": "tensorflow"}


def _resolve(entry):
    matches = [ROOT / f"{entry}{suffix}" for suffix in (".ipynb", ".md")]
    found = [path for path in matches if path.exists()]
    assert len(found) == 1, f"toc entry {entry!r} must match exactly one .ipynb or .md file"
    return found[0]


NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))


def test_pyproject_and_environment_yml_list_the_same_packages():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    pip = {}
    for line in declared:
        requirement = Requirement(line)
        name = _CONDA_NAME.get(requirement.name.lower(), requirement.name.lower())
        specifier = str(requirement.specifier)
        assert pip.get(name, specifier) == specifier, f"{name} declared with two ranges"
        pip[name] = specifier
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for line in environment["dependencies"]:
        assert isinstance(line, str), f"unexpected entry in environment.yml: {line!r}"
        name, _, specifier = line.partition(" ")
        conda[name.lower()] = ",".join(sorted(specifier.replace(" ", "").split(",")))
    python = conda.pop("python")
    assert python == ">=3.11" and project["requires-python"] == ">=3.11"
    pip = {name: ",".join(sorted(spec.split(","))) for name, spec in pip.items()}
    assert conda == pip


def test_toc_lists_existing_files_and_every_chapter():
    listed = {_resolve(entry) for entry in toc_pages()}
    chapters = set(BOOK.glob("*.ipynb")) | set(BOOK.glob("*.md"))
    assert chapters - listed == set(), "a page in book/ is missing from _toc.yml"


def test_config_executes_notebooks_strictly():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "cache"
    assert config["execute"]["timeout"] > 0
    assert config["execute"]["allow_errors"] is False
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert config["only_build_toc_files"] is True
    assert "2026" in config["copyright"]


def _make_dry_run(target):
    """The commands ``make <target>`` would run (``make -n``), as a list of lines."""
    result = subprocess.run(["make", "-n", "-B", target], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "MAKEFLAGS": ""})
    assert result.returncode == 0, f"make -n {target} failed: {result.stderr}"
    return result.stdout.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_the_book_build_fails_on_any_warning():
    builds = [line for line in _make_dry_run("html") if "jupyter-book build" in line]
    assert len(builds) == 1
    assert set(builds[0].split()) >= {"-W", "-n", "--keep-going"}
    assert any("scripts/execute_notebooks.py" in line for line in _make_dry_run("html"))


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_check_is_lint_plus_the_fast_package_tests():
    commands = _make_dry_run("check")
    assert any(line.endswith("ruff check .") for line in commands)
    pytest_line = next(line for line in commands if "-m pytest" in line)
    assert "tests/helpers" in pytest_line.split() and '"not slow"' in pytest_line


def _documented_make_targets():
    for name in ("README.md", "CONTRIBUTING.md", ".ci/run"):
        for target in re.findall(r"(?<![\w-])make ([a-z][\w-]*)", (ROOT / name).read_text()):
            yield name, target


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
@pytest.mark.parametrize(("document", "target"), sorted(set(_documented_make_targets())))
def test_every_documented_make_target_exists(document, target):
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
    assert "No rule to make target" not in result.stderr, f"{document} cites make {target}"


def test_ci_runs_make_test_and_requires_the_site():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert commands[-1] == "make test"
    assert "export REQUIRE_SITE=1" in [line.split("#")[0].strip() for line in commands]


def test_every_cited_repository_file_exists():
    cited = set()
    for name in ("README.md", "CONTRIBUTING.md"):
        cited |= set(re.findall(r"`((?:tests|helpers|scripts|benchmarks|book)/[\w./-]+\.\w+)`",
                                (ROOT / name).read_text()))
    missing = sorted(path for path in cited if not (ROOT / path).exists())
    assert missing == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} of {path.name} has outputs"
            assert cell.execution_count is None, f"cell {index} of {path.name} has a count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_the_setup_cell(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code, f"{path.name} has no code cell"
    setup = code[0]
    for needle in ('os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"',
                   'os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"',
                   "keras.utils.set_random_seed(0)"):
        assert needle in setup, f"the first code cell of {path.name} lacks {needle}"
    first_markdown = next(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert re.match(r"\(sec_\w+\)=\n# ", first_markdown), f"{path.name} lacks a label and title"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_kernel_is_python3(path):
    metadata = json.loads(path.read_text())["metadata"]
    assert metadata["kernelspec"]["name"] == "python3"
