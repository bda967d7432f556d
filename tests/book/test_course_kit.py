"""What makes the book teachable: objectives, exercises with solutions, citations, glossary."""

import re

import nbformat
import pytest
from _book import ROOT, toc_pages

BOOK = ROOT / "book"
CHAPTERS = [ROOT / f"{page}.ipynb" for page in toc_pages() if (ROOT / f"{page}.ipynb").exists()]
SOURCES = sorted(BOOK.glob("*.ipynb")) + sorted(BOOK.glob("*.md"))


def _markdown(path):
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    return [path.read_text()]


def _all_text():
    return {path.name: "\n".join(_markdown(path)) for path in SOURCES}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapter_opens_with_learning_objectives(path):
    opening = "\n".join(_markdown(path)[:2])
    assert "will be able to" in opening, f"{path.name} does not state what the reader will learn"
    assert re.search(r"will be able to[^\n]*\n\n?- ", opening), "objectives are not a list"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name)
def test_chapter_has_summary_and_three_exercises_each_with_a_dropdown_solution(path):
    text = "\n".join(_markdown(path))
    assert re.search(r"^#+ Summary", text, flags=re.MULTILINE), f"{path.name} has no summary"
    exercises = re.findall(r"```\{exercise-start\}\s*\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution-start\} (\S+)\s*\n:class: dropdown", text)
    assert len(exercises) >= 3, f"{path.name} has {len(exercises)} exercises"
    assert sorted(solutions) == sorted(exercises), f"{path.name}: solutions do not match exercises"
    assert text.count("{solution-end}") == len(solutions)
    assert text.count("{exercise-end}") == len(exercises)


def test_every_citation_is_in_the_bibliography_and_enough_are_cited():
    bib = (BOOK / "references.bib").read_text()
    keys = re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.MULTILINE)
    assert len(keys) == len(set(keys)), "duplicate keys in references.bib"
    cited = set()
    for text in _all_text().values():
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            cited.update(key.strip() for key in group.split(","))
    assert cited - set(keys) == set(), "cited but not in references.bib"
    assert len(cited) >= 15, f"only {len(cited)} works cited"


def test_every_glossary_term_is_defined_once_and_used():
    glossary = (BOOK / "glossary.md").read_text()
    blocks = re.findall(r"```\{glossary\}\n(.*?)\n```", glossary, flags=re.DOTALL)
    terms = [line.strip() for block in blocks for line in block.splitlines()
             if line.strip() and not line.startswith((" ", "\t"))]
    lowered = [term.lower() for term in terms]
    assert len(lowered) == len(set(lowered)), "a glossary term is defined twice"
    used = set()
    for name, text in _all_text().items():
        if name == "glossary.md":
            continue
        for reference in re.findall(r"\{term\}`([^`]+)`", text):
            target = re.search(r"<([^>]+)>$", reference)
            used.add((target.group(1) if target else reference).strip().lower())
    assert used - set(lowered) == set(), "terms used but not in the glossary"
    assert set(lowered) - used == set(), "glossary terms no chapter links to"
