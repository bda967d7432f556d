"""A chapter run where learners run it: alone, in a fresh environment, with no repository.

``make wheelhouse`` (run by ``make test``; it may use the network, as any install
step) builds the package's wheel and downloads, at the lock's versions, what a
chapter needs. These tests then work offline: they create a virtual environment,
install into it with ``pip --no-index`` from that folder only, copy a chapter's
``.ipynb`` into an empty folder outside the repository and execute it there with
``nbclient`` (``HELPERS_DATA_HOME`` names the data folder, as a course's hub would).

- **Colab path** (``01_background``, the fastest chapter; it glues values): the
  environment holds TensorFlow, Keras and the other dependencies but neither the
  book's package nor PyOD, as on Colab. The setup cell must install both (the
  package from the local wheel, named by ``BOOK_PACKAGE_SPEC``) and leave the
  installed TensorFlow alone. Without MyST-NB, ``glue`` must print ``name = value``.
- **Downloaded chapter** (the package installed from its wheel, not editable):
  ``06_2_network_security`` reads ADBench data and glues values; ``06_5_benchmark``
  reads the ADBench results shipped with the package.

What they cannot show: Colab's own preinstalled packages and GPU build of TensorFlow
(this environment holds the lock's ``tensorflow-cpu``; ``tests/helpers/test_install.py``
checks that another TensorFlow distribution is never replaced), Binder's image build
(repo2docker and its base image; ``test_launch_paths.py`` checks the configuration
and runs ``postBuild``), and downloads (the data come from ``HELPERS_DATA_HOME``).
"""

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

import helpers

ROOT = Path(__file__).resolve().parents[2]
WHEELHOUSE = ROOT / ".cache" / "wheelhouse"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LEFT_OUT = "pyod"  # a light dependency the Colab image lacks, for the setup cell to install

# nbclient talks to the kernel over local sockets; pip runs with --no-index.
pytestmark = [pytest.mark.slow, pytest.mark.enable_socket]


def _wheel():
    if not (WHEELHOUSE / ".stamp").exists():
        pytest.skip("no wheelhouse: run `make wheelhouse` (make test does)")
    (wheel,) = WHEELHOUSE.glob("nn_anomaly_book-*.whl")
    return wheel


def _pip_env():
    """pip reads this folder of wheels only, and no configuration file of the machine."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    # No byte-compiling at install time (Python compiles what it imports): TensorFlow's
    # thousands of modules would double the install time.
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(WHEELHOUSE),
               PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_COMPILE="1", PIP_ROOT_USER_ACTION="ignore",
               PYTHONNOUSERSITE="1")
    env.pop("PYTHONPATH", None)
    return env


def _python(venv, code):
    # Run outside the repository: its folder holds the package's build metadata.
    result = subprocess.run([str(venv / "bin" / "python"), "-c", code], env=_pip_env(),
                            capture_output=True, text=True, timeout=120, check=True,
                            cwd=venv)
    return result.stdout.strip()


def _distribution(venv, name):
    """(version, dist-info folder) of ``name`` in ``venv``, or None."""
    out = _python(venv, f"""
import importlib.metadata as m
try:
    d = m.distribution({name!r})
    print(d.version, d._path)
except m.PackageNotFoundError:
    print("")
""")
    return tuple(out.split()) or None


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh environment with what Colab has: the dependencies, minus the package and PyOD."""
    _wheel()
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120,
                   cwd=venv.parent)
    runtime = [line for line in PROJECT["dependencies"] if not line.startswith(LEFT_OUT)]
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    "ipykernel", *runtime], env=_pip_env(), check=True, timeout=600,
                   cwd=venv.parent)
    # The kernel named "python3", as in every chapter's metadata, is this environment's.
    subprocess.run([str(venv / "bin" / "python"), "-m", "ipykernel", "install", "--prefix",
                    str(venv), "--name", "python3"], env=_pip_env(), check=True,
                   capture_output=True, timeout=120, cwd=venv.parent)
    return venv


def test_fresh_environment_is_like_colab(venv):
    """TensorFlow and Keras are there; the book's package, PyOD and MyST-NB are not."""
    assert _distribution(venv, "tensorflow-cpu") is not None
    assert _distribution(venv, "keras") is not None
    for name in ("nn-anomaly-book", LEFT_OUT, "myst-nb", "sphinx"):
        assert _distribution(venv, name) is None, name


def _execute(venv, chapter, folder, monkeypatch, **env):
    """Copy ``book/<chapter>.ipynb`` alone into ``folder`` and run it with venv's kernel."""
    from nbclient import NotebookClient

    folder.mkdir()
    target = folder / f"{chapter}.ipynb"
    shutil.copy(ROOT / "book" / f"{chapter}.ipynb", target)
    notebook = nbformat.read(target, as_version=4)
    for key, value in _pip_env().items():
        monkeypatch.setenv(key, value)
    for key in [key for key in os.environ if key.startswith("PIP_")]:
        if key not in _pip_env():
            monkeypatch.delenv(key)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("HELPERS_DATA_MIRROR", raising=False)
    monkeypatch.setenv("JUPYTER_PATH", str(venv / "share" / "jupyter"))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert os.environ.get("HELPERS_DATA_HOME"), "these tests read the data from HELPERS_DATA_HOME"
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    assert Path(client.kernel_manager_class().kernel_spec_manager.get_kernel_spec(
        "python3").argv[0]).parent == venv / "bin"
    client.execute()
    assert sorted(path.name for path in folder.iterdir()) == [target.name], (
        "a chapter must not write files next to itself")
    return notebook


def _stream_text(notebook):
    return "".join(output.get("text", "") for cell in notebook.cells
                   if cell.cell_type == "code" for output in cell.outputs
                   if output.output_type == "stream")


def _stderr(notebook):
    return [output.text for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.outputs
            if output.output_type == "stream" and output.name == "stderr"]


@pytest.fixture(scope="module")
def colab_run(venv, tmp_path_factory):
    """Run 01_background where the package is missing; return the notebook and before/after."""
    monkeypatch = pytest.MonkeyPatch()
    before = {name: _distribution(venv, name)
              for name in ("nn-anomaly-book", LEFT_OUT, "tensorflow-cpu", "keras")}
    try:
        notebook = _execute(venv, "01_background", tmp_path_factory.mktemp("colab") / "x",
                            monkeypatch, BOOK_PACKAGE_SPEC=str(_wheel()))
    finally:
        monkeypatch.undo()
    after = {name: _distribution(venv, name) for name in before}
    return notebook, before, after


def test_colab_path_setup_cell_installs_the_package_and_what_is_missing(colab_run):
    notebook, before, after = colab_run
    assert before["nn-anomaly-book"] is None and before[LEFT_OUT] is None
    assert after["nn-anomaly-book"][0] == helpers.__version__
    assert after[LEFT_OUT] is not None
    # The TensorFlow and Keras that were there are the very same installations.
    assert after["tensorflow-cpu"] == before["tensorflow-cpu"] is not None
    assert after["keras"] == before["keras"]
    assert _stderr(notebook) == []


def test_colab_path_glue_prints_name_equals_value_without_myst_nb(colab_run, venv):
    notebook, _, _ = colab_run
    assert _distribution(venv, "myst-nb") is None
    assert any(line.split(" = ")[0].isidentifier() and " = " in line
               for line in _stream_text(notebook).splitlines())


def test_colab_path_package_comes_from_the_wheel_not_the_repository(colab_run, venv):
    location = _python(venv, "import helpers; print(helpers.__file__)")
    assert Path(location).is_relative_to(venv) and not Path(location).is_relative_to(ROOT)
    direct_url = json.loads(_python(venv, (
        "import importlib.metadata as m; "
        "print(m.distribution('nn-anomaly-book').read_text('direct_url.json'))")))
    assert direct_url["url"].endswith(".whl") and "dir_info" not in direct_url


def test_setup_cell_again_is_a_no_op(colab_run, venv):
    """Idempotent: a second run installs nothing (an install here would fail)."""
    from test_launch_paths import EXPECTED_SETUP

    env = {**_pip_env(), "BOOK_PACKAGE_SPEC": "/nonexistent.whl"}
    result = subprocess.run([str(venv / "bin" / "python"), "-c", EXPECTED_SETUP], env=env,
                            capture_output=True, text=True, timeout=120, cwd=venv)
    assert result.returncode == 0 and (result.stdout, result.stderr) == ("", "")


@pytest.fixture(scope="module")
def installed(venv, colab_run):
    """The package installed from its wheel (the Colab run did it; do it if it did not)."""
    if _distribution(venv, "nn-anomaly-book") is None:
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        str(_wheel())], env=_pip_env(), check=True, timeout=600, cwd=venv)
    return venv


@pytest.mark.parametrize("chapter", [
    # ADBench data through helpers.datasets, the results shipped as package data
    # (helpers.datasets.load_results), the benchmark protocol (helpers.benchmark) and
    # glued values: one chapter that needs every part of the package a reader downloads.
    "06_5_benchmark",
])
def test_downloaded_chapter_runs_alone(installed, chapter, tmp_path, monkeypatch):
    notebook = _execute(installed, chapter, tmp_path / "download", monkeypatch)
    assert _stderr(notebook) == []
