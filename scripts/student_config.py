"""Write the student edition's Jupyter Book configuration.

It is the book's own ``_config.yml`` with solutions removed (the
``student_edition`` switch of ``book/_ext/student_edition.py``), no page
sources, no download or launch buttons, no edit link, and the execution cache
of the main build, so nothing is executed again. Usage::

    python scripts/student_config.py OUTPUT.yml
"""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def student_config(config):
    """Return a copy of the book's configuration (a dict) for the student edition."""
    config = yaml.safe_load(yaml.safe_dump(config))  # a deep copy
    config["title"] = config["title"] + " (student edition)"
    execute = config.setdefault("execute", {})
    execute["cache"] = str(ROOT / "_build" / ".jupyter_cache")
    config.pop("launch_buttons", None)  # no Binder, Colab or hub buttons
    html = config.setdefault("html", {})
    html.update(use_edit_page_button=False, use_repository_button=False,
                use_issues_button=False)
    sphinx = config.setdefault("sphinx", {})
    sphinx["recursive_update"] = True  # merge html_theme_options below, do not replace them
    # Jupyter Book resolves these against the configuration file's folder: make them absolute.
    sphinx["local_extensions"] = {name: str(ROOT / path)
                                  for name, path in sphinx.get("local_extensions", {}).items()}
    sphinx_config = sphinx.setdefault("config", {})
    sphinx_config["student_edition"] = True
    sphinx_config["language_alternates"] = {}  # the Chinese edition has all the solutions
    sphinx_config["html_copy_source"] = False
    sphinx_config["html_show_sourcelink"] = False
    options = sphinx_config.setdefault("html_theme_options", {})
    options["use_download_button"] = False
    return config


def main(argv):
    if len(argv) != 1:
        raise SystemExit("usage: python scripts/student_config.py OUTPUT.yml")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    output = Path(argv[0])
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(yaml.safe_dump(student_config(config), sort_keys=False))


if __name__ == "__main__":
    main(sys.argv[1:])
