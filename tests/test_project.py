"""The repository itself: packaging, configuration, table of contents, notebooks."""

import json
import re
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
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"BOOK_FLAGS\s*:=\s*-W -n --keep-going", makefile)


def test_readme_front_door_and_ci():
    readme = (ROOT / "README.md").read_text()
    assert "make book" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", ci, flags=re.MULTILINE)


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
