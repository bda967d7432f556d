"""The package's shape: module order, __all__, and a cheap top-level import."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "helpers"
# The book's architecture, from data to pictures. No module imports one listed above it
# (benchmark, the protocol of the benchmark section, runs the datasets and detectors).
ORDER = ["benchmark", "datasets", "models", "detectors", "numpy_nn", "metrics", "plotting",
         "display", "distributed"]


def _module_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        parts = [part for part in relative.parts if part != "__init__"]
        if parts and parts[-1] == "__main__":
            parts = parts[:-1]
        yield path, parts


def _imported_helpers_modules(path, parts):
    """Top-level helpers modules that the file imports (absolute or relative)."""
    tree = ast.parse(path.read_text())
    package_parts = ["helpers", *parts[:-1]] if path.name != "__init__.py" else ["helpers", *parts]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = [target + [alias.name] for alias in node.names]
            else:
                names = [(node.module or "").split(".") + [alias.name] for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        else:
            continue
        for name in names:
            if name[0] == "helpers" and len(name) > 1:
                found.add(name[1])
    return found


@pytest.mark.parametrize(("path", "parts"), list(_module_files()),
                         ids=lambda value: str(value) if isinstance(value, Path) else "")
def test_no_module_imports_one_listed_above_it(path, parts):
    if not parts:
        return
    own = parts[0]
    imported = _imported_helpers_modules(path, parts) - {own}
    if own.startswith("_"):
        public = {name for name in imported if not name.startswith("_")}
        assert not public, f"private module {own} imports public modules {public}"
        return
    assert own in ORDER, f"helpers/{own} is not in the documented module order {ORDER}"
    above = set(ORDER[: ORDER.index(own)])
    assert not (imported & above), f"helpers.{own} imports {imported & above}, listed above it"


@pytest.mark.parametrize("name", [name for name in ORDER if (PACKAGE / f"{name}.py").exists()
                                  or (PACKAGE / name).is_dir()])
def test_public_modules_declare_all_and_document_it(name):
    module = importlib.import_module(f"helpers.{name}")
    assert module.__all__, f"helpers.{name} has an empty __all__"
    for attribute in module.__all__:
        obj = getattr(module, attribute)
        assert obj.__doc__, f"helpers.{name}.{attribute} has no docstring"


def test_import_helpers_does_not_start_tensorflow():
    code = ("import sys, helpers, helpers.metrics, helpers.datasets; "
            "print('tensorflow' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
