"""Installing the book's dependencies next to a package that was installed alone.

Described in :ref:`sec_instructor_hub` (and the README: how to run a chapter).

The first cell of every chapter installs the package ``nn-anomaly-book`` with
``pip install --no-deps`` when it is missing (on Colab or in a bare Python), then
calls :func:`install_requirements` for the dependencies that are not installed at
all. A dependency that is installed, at whatever version, is left alone: on Colab
this keeps the preinstalled TensorFlow, which ``pip install nn-anomaly-book`` would
otherwise duplicate with ``tensorflow-cpu`` (the build the project asks for on x86-64
Linux). This module uses the standard library only, as it runs before the
dependencies are there.
"""

import importlib.metadata
import re
import subprocess
import sys

__all__ = ["DISTRIBUTION", "requirements_to_install", "install_requirements"]

DISTRIBUTION = "nn-anomaly-book"
"""The name under which ``pip`` knows the book's package."""

# Distributions that provide the ``tensorflow`` module: any one of them satisfies the
# project's TensorFlow requirement, whatever its name.
_TENSORFLOW = frozenset({"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tensorflow-intel",
                         "tensorflow-macos", "tf-nightly", "tf-nightly-cpu"})


def _name(requirement):
    """The normalised distribution name at the start of a requirement string."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _installed(name):
    try:
        importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def requirements_to_install():
    """Return the runtime requirements of the book's package that are not installed.

    Returns
    -------
    requirements : list of str
        Requirement strings as the package declares them (with their environment
        markers, which ``pip`` evaluates), for every runtime dependency with no
        installed distribution. The TensorFlow requirements are left out when any
        distribution of TensorFlow is installed.

    Raises
    ------
    importlib.metadata.PackageNotFoundError
        The book's package itself is not installed.
    """
    declared = importlib.metadata.requires(DISTRIBUTION) or []
    runtime = [line for line in declared if not re.search(r"\bextra\s*==", line)]
    have_tensorflow = any(_installed(name) for name in _TENSORFLOW)
    return [line for line in runtime
            if not (_name(line) in _TENSORFLOW and have_tensorflow)
            and not _installed(_name(line))]


def install_requirements():
    """Install, with ``pip``, the runtime requirements that are not installed.

    Does nothing when every one is there (as in the book's own environment). ``pip``
    reads its usual settings, e.g. ``PIP_FIND_LINKS`` and ``PIP_NO_INDEX`` to install
    from a folder of wheels.

    Returns
    -------
    installed : list of str
        The requirements passed to ``pip`` (empty when nothing was missing).
    """
    missing = requirements_to_install()
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing],
                       check=True)
        importlib.invalidate_caches()
    return missing
