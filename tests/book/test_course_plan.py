"""The course plan (book/course_plan.yml) and what the build makes of it."""

import os
import re

import nbformat
import pytest
import yaml
from _book import HTML, ROOT, toc_pages

PLAN = yaml.safe_load((ROOT / "book" / "course_plan.yml").read_text())["going_further"]


def _headings(page):
    path = ROOT / f"{page}.ipynb"
    if path.exists():
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                         if c.cell_type == "markdown")
    else:
        text = (ROOT / f"{page}.md").read_text()
    return re.findall(r"^## (.+?)\s*$", text, flags=re.M)


@pytest.mark.parametrize("page", sorted(PLAN))
def test_every_going_further_heading_exists(page):
    assert page in toc_pages(), f"{page} is not in _toc.yml"
    missing = [title for title in PLAN[page] if title not in _headings(page)]
    assert missing == [], f"{page} has no heading {missing}; its headings: {_headings(page)}"


def test_some_of_every_chapter_is_core():
    for page, titles in PLAN.items():
        core = [title for title in _headings(page) if title not in titles]
        assert len(core) >= 2, page


def _page(name):
    path = HTML / f"{name}.html"
    if not path.exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"the site is not built: {path}")
        pytest.skip(f"the site is not built ({path}); run `make book`")
    return path.read_text()


def test_chapters_show_reading_time_and_badges():
    page = _page("book/06_3_medical")
    minutes = re.search(r'class="reading-time">Reading time: about (\d+) minutes', page)
    assert minutes and 5 <= int(minutes.group(1)) <= 60
    badges = re.findall(r'class="course-badge (core|going-further)"', page)
    assert badges.count("going-further") == len(PLAN["book/06_3_medical"])
    assert badges.count("core") == len(_headings("book/06_3_medical")) - badges.count(
        "going-further")


def test_core_path_lists_core_sections_only():
    page = _page("book/core_path")
    total = re.search(r"The core path: (\d+) minutes of reading in (\d+) pages", page)
    assert total and int(total.group(2)) >= 15
    text = re.sub(r"<[^>]+>", "", page)
    assert "Calibration: can a doctor read the score as a risk?" not in text
    assert "The threshold: costs of a miss and of a false alarm" in text
