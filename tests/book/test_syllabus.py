"""The instructor guide's syllabi: generated from the measured reading times, never stale."""

import re
import shutil
import sys

import nbformat
import pytest
import yaml
from _book import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import reading_times  # noqa: E402

import assignments  # noqa: E402

GUIDE = ROOT / "book" / "instructor_guide.md"
SYLLABUS = reading_times.load_syllabus()


def test_guide_tables_match_the_reading_times_of_the_chapters(tmp_path):
    copy = tmp_path / "guide.md"
    shutil.copy(GUIDE, copy)
    changed = reading_times.update(copy, reading_times.book_times(), SYLLABUS)
    assert not changed, ("the syllabus tables are stale: run "
                         "`python scripts/reading_times.py --update book/instructor_guide.md`")


@pytest.mark.parametrize("plan", sorted(SYLLABUS["plans"]))
def test_a_plan_adds_up(plan):
    sessions = SYLLABUS["plans"][plan]["sessions"]
    assert len(sessions) == {"twelve": 12, "eight": 8}[plan]
    times = reading_times.book_times()
    minutes = [reading_times.session_minutes(session, times) for session in sessions]
    assert all(m > 0 for m in minutes)
    table = reading_times.syllabus_table(SYLLABUS["plans"][plan], times)
    assert f"| | total | {sum(minutes)} |" in table
    chapters = {page for s in sessions for e in s["read"] + s.get("read_one_of", [])
                for page in [e.partition("#")[0]]}
    numbered = {f"book/{p.stem}" for p in (ROOT / "book").glob("0*.ipynb")}
    assert numbered - chapters == set(), f"the {plan}-session plan skips chapters"


@pytest.mark.parametrize("plan", sorted(SYLLABUS["plans"]))
def test_every_assignment_is_used_once_in_order(plan):
    used = [re.match(r"A(\d)", s["assignment"]) for s in SYLLABUS["plans"][plan]["sessions"]]
    assert [int(m.group(1)) for m in used if m] == list(range(1, 9))


def test_guide_lists_every_assignment_with_its_points():
    text = GUIDE.read_text()
    for master in assignments.masters():
        cells = nbformat.read(master, as_version=4).cells
        points = sum(yaml.safe_load(c.source)["points"] for c in cells
                     if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION"))
        row = re.search(rf"^\| A\d [^|]*\(`{master.stem}`\).*\| (\d+) \|$", text, flags=re.M)
        assert row, f"the guide's table of assignments has no row for {master.stem}"
        assert int(row.group(1)) == points, master.stem


def test_reading_time_counts_prose_not_code():
    text = "# Title\n\nOne two three.\n\n## Section\n\nFour five.\n\n```python\nx = 1\n```\n"
    blocks = reading_times._blocks(text)
    assert [(level, words) for level, words, _ in blocks] == [(1, 1), (None, 3), (2, 1),
                                                            (None, 2), (None, 0)]
    assert reading_times.minutes(0) == 1 and reading_times.minutes(201) == 2


def test_script_counts_the_words_the_built_site_shows():
    """The script reads the sources; the build counts the doctree: they must agree."""
    from _book import HTML

    if not (HTML / "book" / "01_background.html").exists():
        pytest.skip("the site is not built; run `make book`")
    compared = 0
    for page, info in reading_times.book_times().items():
        path = HTML / f"{page}.html"
        shown = path.exists() and re.search(
            r"Reading time: about (\d+) minutes \(([\d,]+) words", path.read_text())
        if not shown:
            continue
        words = int(shown.group(2).replace(",", ""))
        # Glued values, numbered references and exercise titles are words on the page
        # but roles in the source, so the two counts differ by a few per cent: allow 10 %
        # (and two minutes) -- enough to catch a page the script skips or double counts.
        assert abs(info["words"] - words) <= max(10, 0.10 * words), (
            page, info["words"], words)
        assert abs(info["minutes"] - int(shown.group(1))) <= 2, page
        compared += 1
    assert compared >= 10
