"""The student edition (``make student``): every solution gone, every exercise kept.

The solutions are found in the notebooks themselves (the cells between each
``solution-start`` and ``solution-end``), so a new solution is checked as soon
as it is written. The same search on the full site must find them, which shows
that the search can find what it looks for.
"""

import html
import os
import re
from functools import lru_cache

import nbformat
import pytest
from _book import ROOT, toc_pages

STUDENT = ROOT / "_build" / "student" / "_build" / "html"
FULL = ROOT / "_build" / "html"
_START = re.compile(r"```\{solution-start\}\s*(\S+)")
_EXERCISE = re.compile(r"```\{exercise-start\}\s*\n:label:\s*(\S+)")


def _built(folder, what):
    if (folder / "index.html").exists():
        return folder
    if os.environ.get("REQUIRE_STUDENT"):
        pytest.fail(f"{what} is not built at {folder}; run `make student`")
    pytest.skip(f"{what} is not built at {folder}; run `make student` first")


def _notebooks():
    return [ROOT / f"{page}.ipynb" for page in toc_pages() if (ROOT / f"{page}.ipynb").exists()]


@lru_cache
def _solutions(path):
    """(label, distinctive code lines) of every gated solution in a notebook.

    A line is distinctive when it is at least 30 characters long and appears
    nowhere else in the notebook, so finding it on a page means the solution is there.
    """
    found, label, lines, elsewhere = [], None, [], []
    for cell in nbformat.read(path, as_version=4).cells:
        source = cell.source
        if cell.cell_type == "markdown" and (match := _START.search(source)):
            label, lines = match.group(1), []
            continue
        if label and cell.cell_type == "markdown" and "{solution-end}" in source:
            found.append((label, lines))
            label = None
            continue
        if not label:
            elsewhere.append(source)
        elif cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", []):
            lines += [line.strip() for line in source.splitlines()
                      if len(line.strip()) >= 30 and not line.strip().startswith("#")]
    rest = "\n".join(elsewhere)
    return [(label, [line for line in lines if line not in rest]) for label, lines in found]


@lru_cache
def _page_text(html_path):
    """A page's text: its tags dropped (code is split into highlighted spans), entities read."""
    return html.unescape(re.sub(r"<[^>]*>", "", html_path.read_text(encoding="utf-8")))


def _leaks(site):
    """Solution code lines that appear on the built pages of ``site``."""
    leaks = []
    for notebook in _notebooks():
        page = site / notebook.relative_to(ROOT).with_suffix(".html")
        text = _page_text(page)
        for label, lines in _solutions(notebook):
            leaks += [(notebook.name, label, line) for line in lines if line in text]
    return leaks


def test_every_chapter_has_solutions_to_look_for():
    with_code = [nb.name for nb in _notebooks() if any(lines for _, lines in _solutions(nb))]
    assert len(with_code) >= 10, with_code


def test_the_full_site_shows_the_solutions():
    site = _built(FULL, "the book")
    assert len(_leaks(site)) > 100
    assert 'class="solution' in (site / "book" / "05_project.html").read_text()


def test_the_student_site_shows_no_solution():
    site = _built(STUDENT, "the student edition")
    assert _leaks(site) == []
    everything = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                           for path in site.rglob("*")
                           if path.is_file() and path.suffix in {".html", ".js", ".txt", ".ipynb"})
    assert 'class="solution' not in everything
    assert "solution-start" not in everything
    assert not (site / "_sources").exists(), "the student edition must not ship page sources"
    assert not list(site.rglob("*.ipynb")), "the student edition must not ship notebooks"


def test_the_student_site_keeps_every_exercise():
    site = _built(STUDENT, "the student edition")
    missing = []
    for notebook in _notebooks():
        page = (site / notebook.relative_to(ROOT).with_suffix(".html")).read_text()
        text = "".join(cell.source for cell in nbformat.read(notebook, as_version=4).cells
                       if cell.cell_type == "markdown")
        missing += [label for label in _EXERCISE.findall(text) if f'id="{label}"' not in page]
    assert missing == []


def test_the_student_site_has_no_launch_or_download_buttons():
    site = _built(STUDENT, "the student edition")
    page = (site / "book" / "05_project.html").read_text()
    for needle in ("mybinder.org", "colab.research.google.com", "btn-download-source-button",
                   "_sources/"):
        assert needle not in page, needle
