"""Declared dependencies equal what the code imports.

The rules, in pyproject.toml's terms:

1. ``[project] dependencies`` is exactly the set of distributions that ``helpers/``
   and the chapters (``book/*.ipynb``) import: a downloaded chapter must run with
   ``pip install nn-anomaly-book`` alone. Add a new import of a chapter or of
   ``helpers`` there; remove a dependency nothing imports any more.
2. An import inside ``try:`` ... ``except ImportError`` (or
   ``ModuleNotFoundError``) is optional and needs no declaration (e.g.
   ``helpers.display`` uses MyST-NB when it is there).
3. A runtime dependency that the code needs without importing it (a library's own
   optional dependency, e.g. jinja2 for pandas' ``Styler``) is listed, with the
   reason, in ``NEEDED_WITHOUT_IMPORT``.
4. What ``tests/``, ``scripts/``, ``benchmarks/`` and ``book/_ext/`` import must be
   declared too, as a runtime dependency or in an extra (``test``, ``book``,
   ``bench``, ``dev``). Tools that are run, not imported (jupyter-book,
   jupyterlab-myst, ruff), go in an extra and are not checked.

Imports are found with ``ast``; the distribution that provides a module with
``importlib.metadata.packages_distributions()`` in the environment the tests
run in; names are compared after PEP 503 normalisation.
"""

import ast
import json
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]

# Runtime dependencies that nothing imports by name, and why they are needed.
NEEDED_WITHOUT_IMPORT = {
    "jinja2": "pandas' Styler (helpers.display.Table, the chapters' DataFrame.style) imports it",
}

# Chapters are moving from `from myst_nb import glue` to `helpers.display.glue`, which
# works without MyST-NB. Until every chapter has moved, myst_nb counts as provided by
# the `book` extra; delete it from this set once no chapter imports it.
CHAPTER_IMPORTS_FROM_THE_BOOK_EXTRA = set()  # every chapter uses helpers.display.glue now


def _optional_nodes(tree):
    """Import nodes inside a ``try`` whose handlers catch ImportError."""
    optional = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            caught = set()
            for handler in node.handlers:
                types = handler.type.elts if isinstance(handler.type, ast.Tuple) else \
                    [handler.type]
                caught |= {getattr(kind, "id", None) for kind in types}
            if caught & {"ImportError", "ModuleNotFoundError"}:
                for statement in node.body:
                    optional |= {id(inner) for inner in ast.walk(statement)}
    return optional


def _top_level_imports(source):
    """Top-level names of the modules imported by ``source`` (optional ones excluded)."""
    tree = ast.parse(source)
    optional = _optional_nodes(tree)
    names = set()
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _notebook_sources(path):
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            yield re.sub(r"(?m)^\s*[%!].*$", "", "".join(cell["source"]))


def _third_party(names):
    # The package, the tests' own modules, and the book's Sphinx extensions (book/_ext).
    extensions = {path.stem for path in (ROOT / "book" / "_ext").glob("*.py")}
    tests = {path.stem for path in (ROOT / "tests").rglob("*.py")}
    scripts = {path.stem for path in (ROOT / "scripts").glob("*.py")}
    local = {"helpers", "_book", "conftest", *extensions, *tests, *scripts}
    return {name for name in names if name not in sys.stdlib_module_names and name not in local}


def _distributions(modules, where):
    """Map each imported top-level module to the (normalised) distribution providing it."""
    providers = packages_distributions()
    result = {}
    for module in sorted(modules):
        assert module in providers, (
            f"{module!r}, imported by {where}, is not provided by any installed distribution"
        )
        result[module] = {canonicalize_name(dist) for dist in providers[module]}
    return result


def _declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(lines):
        requirements = [Requirement(line) for line in lines]
        return {canonicalize_name(req.name) for req in requirements
                if req.marker is None or req.marker.evaluate()}

    runtime = names(project["dependencies"])
    extras = {extra: names(lines) for extra, lines in project["optional-dependencies"].items()}
    return runtime, extras


def _imports_of_the_package_and_chapters():
    modules = set()
    for path in sorted((ROOT / "helpers").rglob("*.py")):
        modules |= _top_level_imports(path.read_text())
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for source in _notebook_sources(path):
            modules |= _top_level_imports(source) - CHAPTER_IMPORTS_FROM_THE_BOOK_EXTRA
    return _third_party(modules)


def test_runtime_dependencies_are_what_helpers_and_the_chapters_import():
    runtime, _ = _declared()
    imported = _distributions(_imports_of_the_package_and_chapters(), "helpers or a chapter")
    undeclared = {module: dists for module, dists in imported.items() if not dists & runtime}
    assert undeclared == {}, "imported by helpers or a chapter, missing from dependencies"
    provided = set().union(*imported.values()) | set(NEEDED_WITHOUT_IMPORT)
    unused = runtime - provided
    assert set(NEEDED_WITHOUT_IMPORT) <= runtime
    assert unused == set(), (
        "declared in dependencies but imported by neither helpers nor a chapter: move them "
        "to the extra that needs them"
    )


def test_tests_scripts_and_benchmarks_imports_are_declared():
    runtime, extras = _declared()
    declared = runtime.union(*extras.values())
    modules = set()
    for folder in ("tests", "scripts", "benchmarks", "book/_ext"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            modules |= _top_level_imports(path.read_text())
    imported = _distributions(_third_party(modules), "tests, scripts or benchmarks")
    undeclared = {module: dists for module, dists in imported.items() if not dists & declared}
    assert undeclared == {}, "imported by tests, scripts or benchmarks, declared nowhere"


def test_optional_imports_are_recognised():
    source = (
        "import numpy\n"
        "try:\n    import myst_nb\nexcept ImportError:\n    myst_nb = None\n"
        "try:\n    import yaml\nexcept (ModuleNotFoundError, OSError):\n    pass\n"
        "try:\n    import pandas\nexcept ValueError:\n    pass\n"
    )
    assert _top_level_imports(source) == {"numpy", "pandas"}
