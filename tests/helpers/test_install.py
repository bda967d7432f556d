"""helpers.install: the dependencies a chapter's setup cell installs next to the package."""

import importlib.metadata
import subprocess

import pytest

from helpers import install

REQUIRES = [
    "numpy>=1.26",
    'tensorflow-cpu<3,>=2.18; sys_platform == "linux" and platform_machine == "x86_64"',
    'tensorflow<3,>=2.18; sys_platform != "linux" or platform_machine != "x86_64"',
    "keras<4,>=3.6",
    "pyod>=2.0",
    'pytest>=8; extra == "test"',
    'jupyter-book<2,>=1.0.4; extra == "book"',
]


@pytest.fixture
def installed(monkeypatch):
    """Pretend that exactly the distributions in the returned set are installed."""
    names = set()

    def version(name):
        if name in names:
            return "1.0"
        raise importlib.metadata.PackageNotFoundError(name)

    def requires(name):
        assert name == "nn-anomaly-book"
        return REQUIRES

    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(importlib.metadata, "requires", requires)
    return names


def test_a_bare_python_gets_every_runtime_requirement_and_no_extra(installed):
    assert install.requirements_to_install() == REQUIRES[:5]


def test_colabs_tensorflow_is_kept(installed):
    # Colab's GPU build is the distribution "tensorflow": its name differs from the
    # "tensorflow-cpu" that the package asks for on x86-64 Linux, and both must go.
    installed.update({"tensorflow", "keras", "numpy"})
    assert install.requirements_to_install() == ["pyod>=2.0"]


@pytest.mark.parametrize("name", ["tensorflow-cpu", "tensorflow-macos", "tf-nightly"])
def test_any_tensorflow_distribution_satisfies_tensorflow(installed, name):
    installed.add(name)
    assert not any("tensorflow" in line for line in install.requirements_to_install())


def test_an_installed_dependency_is_never_reinstalled_whatever_its_version(installed):
    installed.update({"numpy", "tensorflow-cpu", "keras", "pyod"})
    assert install.requirements_to_install() == []


def test_install_requirements_runs_pip_only_for_the_missing_ones(installed, monkeypatch):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda args, **kwargs: calls.append(args))
    installed.update({"numpy", "tensorflow", "keras"})
    assert install.install_requirements() == ["pyod>=2.0"]
    assert calls[0][1:] == ["-m", "pip", "install", "--quiet", "pyod>=2.0"]
    installed.add("pyod")
    assert install.install_requirements() == []
    assert len(calls) == 1


def test_the_real_package_declares_what_the_setup_cell_expects():
    # In the project's environment every runtime requirement is installed.
    assert install.requirements_to_install() == []
    declared = importlib.metadata.requires(install.DISTRIBUTION)
    assert any(line.startswith("tensorflow-cpu") for line in declared)
