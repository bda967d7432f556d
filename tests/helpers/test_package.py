"""The package's shape: the layering, private names kept private, __all__, a cheap import.

The layering: ``helpers`` is built bottom-up, and a module may import only the
modules below it in ``LAYERS`` (``helpers/__init__.py`` gives the same list, top
first). A subpackage (``datasets``, ``distributed``) counts as one module.

Private names: a name that starts with ``_`` (a module such as
``helpers.distributed._training``, or a function such as ``_check_rank``) is
private to the package or module that holds it. ``helpers._validation`` may be
used by every module of ``helpers``; ``helpers.distributed._training`` only
inside ``helpers/distributed/``. Chapters, benchmarks and scripts use public
names only; a test file ``tests/helpers/test_<module>*.py`` may reach into its
own module, and no other.
"""

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "helpers"
LAYERS = [  # bottom first: a module may import only the modules listed before it
    "_validation",  # argument checks, the one vocabulary
    "install",  # the setup cell's installer (standard library only)
    "datasets",  # loading the data
    "numpy_nn",  # NumPy reference maths
    "models",  # Keras model builders, the one dense-network builder among them
    "detectors",  # neural detectors (build their networks with models)
    "metrics",  # evaluating anomaly scores
    "benchmark",  # the ADBench protocol (split, score conversion)
    "distributed",  # streaming and data-parallel training (trains a models builder)
    "plotting",  # figures
    "display",  # glued values and tables: presentation, the top floor
]


def _module_name(path):
    """Dotted name of a file of the package, e.g. 'helpers.distributed._training'."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(tree, module, is_package):
    """Every (dotted target, imported name or None, line) of a parsed file."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module
            for alias in node.names:
                yield target, alias.name, node.lineno


def _private_violation(importer, target, name):
    """The private part of ``target``/``name`` that ``importer`` may not use, or None.

    ``importer`` is a dotted module name, or a pseudo-name (e.g. 'book/05_project')
    for a file outside the package, which may use no private name of ``helpers``.
    """
    if not target or target.split(".")[0] != "helpers":
        return None
    parts = target.split(".")
    resolved = [*parts, name] if name and name != "*" else parts
    # ``from helpers.datasets import _digits`` names a module, ``from x import _f`` a name:
    # both are private to what holds them.
    for index, part in enumerate(resolved):
        if part.startswith("_") and not part.startswith("__"):
            # A private name is private to what holds it; inside a private module, to the
            # package around that module (helpers.distributed for _training._check_...).
            holder = resolved[:index]
            while len(holder) > 1 and holder[-1].startswith("_"):
                holder = holder[:-1]
            owner = ".".join(holder)
            inside = importer == owner or importer.startswith(owner + ".")
            own_private = importer == ".".join(resolved[: index + 1])
            if not (inside or own_private):
                return ".".join(resolved[: index + 1])
    return None


PACKAGE_FILES = sorted(path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)


@pytest.mark.parametrize("path", PACKAGE_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_imports_point_down_and_private_names_stay_inside(path):
    module = _module_name(path)
    parts = module.split(".")
    if len(parts) == 1:  # helpers/__init__.py imports nothing
        assert not list(_imports(ast.parse(path.read_text()), module, True))
        return
    own = parts[1]
    assert own in LAYERS, f"helpers.{own} is not in LAYERS; add it where it belongs"
    below = set(LAYERS[: LAYERS.index(own)])
    tree = ast.parse(path.read_text())
    for target, name, line in _imports(tree, module, path.name == "__init__.py"):
        if not target or target.split(".")[0] != "helpers":
            continue
        layer = (target.split(".") + [name or ""])[1]
        if layer != own:
            assert layer in below, (
                f"{path.relative_to(ROOT)}:{line} imports helpers.{layer}, which is not below "
                f"helpers.{own} in {LAYERS}"
            )
        private = _private_violation(module, target, name)
        assert private is None, f"{path.relative_to(ROOT)}:{line} uses the private {private}"


def _code_cells(notebook):
    for index, cell in enumerate(json.loads(notebook.read_text())["cells"]):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            # IPython magics and shell escapes are not Python.
            yield index, re.sub(r"(?m)^\s*[%!].*$", "", source)


def _outside_files():
    """(pseudo-module name of the importer, file name, parsed tree) of every file outside
    helpers/ that may import it."""
    for notebook in sorted((ROOT / "book").glob("*.ipynb")):
        for index, source in _code_cells(notebook):
            yield f"book/{notebook.stem}", f"{notebook.name} cell {index}", ast.parse(source)
    for folder in ("benchmarks", "scripts", "book/_ext"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield folder, str(path.relative_to(ROOT)), ast.parse(path.read_text())
    for path in sorted((ROOT / "tests").rglob("*.py")):
        yield _tested_module(path), str(path.relative_to(ROOT)), ast.parse(path.read_text())


def _tested_module(path):
    """'helpers.<module>' for tests/helpers/test_<module>[_topic].py, else 'tests'."""
    if path.parent.name == "helpers":
        for name in sorted(LAYERS, key=len, reverse=True):
            stem = f"test_{name.lstrip('_')}"
            if path.stem == stem or path.stem.startswith(stem + "_"):
                return f"helpers.{name}"
    return "tests"


def test_no_private_name_is_used_outside_its_package():
    found = []
    for importer, where, tree in _outside_files():
        for target, name, line in _imports(tree, "outside", False):
            private = _private_violation(importer, target, name)
            if private:
                found.append(f"{where}:{line} uses {private}")
    assert found == []


@pytest.mark.parametrize(
    ("importer", "target", "name", "expected"),
    [
        ("helpers.models", "helpers._validation", "check_seed", None),
        ("helpers.distributed.__main__", "helpers.distributed._training", "main", None),
        ("helpers.detectors", "helpers.distributed._training", "x",
         "helpers.distributed._training"),
        ("book/06_6_scaling", "helpers.distributed", "_check_strategy",
         "helpers.distributed._check_strategy"),
        ("tests", "helpers", "_validation", "helpers._validation"),
        ("helpers._validation", "helpers", "_validation", None),
        ("helpers.distributed._scoring", "helpers.distributed._training", "_check_x", None),
        ("helpers.models", "helpers.distributed._training", "_check_x",
         "helpers.distributed._training"),
    ],
)
def test_private_rule_itself(importer, target, name, expected):
    assert _private_violation(importer, target, name) == expected


def test_every_layer_exists_or_is_announced():
    on_disk = {path.stem if path.is_file() else path.name for path in PACKAGE.iterdir()
               if (path.suffix == ".py" and path.stem != "__init__")
               or (path.is_dir() and (path / "__init__.py").exists())}
    assert on_disk - set(LAYERS) == set(), "a module of helpers is missing from LAYERS"
    docstring = importlib.import_module("helpers").__doc__
    listed = re.findall(r":mod:`helpers\.(\w+)`", docstring)
    assert listed == [name for name in reversed(LAYERS) if not name.startswith("_")], (
        "helpers/__init__.py must list the public modules top first, as LAYERS does"
    )


def test_one_dense_builder():
    """Only helpers.models creates Dense layers, and the others build with its builder."""
    creators = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE_FILES
                      if re.search(r"\bDense\(", path.read_text()))
    assert creators == ["models.py"]
    for user in ("detectors.py", "distributed/__main__.py"):
        assert re.search(r"from \.+models import build_dense_(network|autoencoder)",
                         (PACKAGE / user).read_text()), user


@pytest.mark.parametrize("name", [name for name in LAYERS if not name.startswith("_")
                                  and ((PACKAGE / f"{name}.py").exists()
                                       or (PACKAGE / name).is_dir())])
def test_public_modules_declare_all_and_document_it(name):
    module = importlib.import_module(f"helpers.{name}")
    assert module.__all__, f"helpers.{name} has an empty __all__"
    for attribute in module.__all__:
        obj = getattr(module, attribute)
        assert obj.__doc__, f"helpers.{name}.{attribute} has no docstring"
        assert not attribute.startswith("_")


def test_import_helpers_does_not_start_tensorflow():
    code = ("import sys, helpers, helpers.metrics, helpers.datasets, helpers.models, "
            "helpers.distributed; print('tensorflow' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_one_version_string():
    import tomllib

    import helpers

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "helpers.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", helpers.__version__)
    from importlib.metadata import version

    assert version("nn-anomaly-book") == helpers.__version__
