"""What the tests need to know about the book's layout."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


def toc_pages(toc_path=ROOT / "_toc.yml"):
    """Every page in _toc.yml (or another table of contents), root first, as paths
    without suffix (e.g. 'book/05_project')."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            pages.append(entry["file"])
            walk(entry.get("sections") or [])

    for part in toc.get("parts", []):
        walk(part["chapters"])
    walk(toc.get("chapters") or [])
    return pages


def require_site():
    """The built site's folder; skip (or, when CI sets REQUIRE_SITE, fail) without one."""
    import os

    import pytest

    if (HTML / "index.html").exists():
        return HTML
    message = ("no built site in _build/html: run `make book` (or `make test`) first; "
               "these tests check the built pages")
    if os.environ.get("REQUIRE_SITE"):
        pytest.fail(message)
    pytest.skip(message)
