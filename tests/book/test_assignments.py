"""The course's autograded assignments: Otter Assign builds them, `otter run` grades them.

For every master notebook in assignments/: the reference solution must score full
marks, and the untouched student notebook must score zero on every question (each
question needs an answer). The eight are built and graded two at a time.
"""

import sys
import time
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
import yaml
from _book import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import assignments  # noqa: E402

pytestmark = pytest.mark.slow
MASTERS = assignments.masters()


def _config(master):
    first = nbformat.read(master, as_version=4).cells[0]
    assert first.cell_type == "raw" and first.source.startswith("# ASSIGNMENT CONFIG"), master
    return yaml.safe_load(first.source)


def test_eight_assignments_one_per_session():
    assert [master.name[:2] for master in MASTERS] == [f"{n:02d}" for n in range(1, 9)]


@pytest.mark.parametrize("master", MASTERS, ids=lambda path: path.stem)
def test_master_config_makes_no_pdf_and_no_export_cell(master):
    config = _config(master)
    assert config["name"] == master.stem
    assert config["export_cell"] is False and config["generate"] is True
    assert not config.get("solutions_pdf") and not config.get("template_pdf")


@pytest.mark.parametrize("master", MASTERS, ids=lambda path: path.stem)
def test_every_question_has_public_and_hidden_tests(master):
    cells = nbformat.read(master, as_version=4).cells
    questions = [c for c in cells
                 if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
    assert len(questions) >= 3, master.name
    in_tests, counts = False, []
    for cell in cells:
        if cell.cell_type == "raw" and cell.source.strip() == "# BEGIN TESTS":
            in_tests, counts = True, [*counts, [0, 0]]
        elif cell.cell_type == "raw" and cell.source.strip() == "# END TESTS":
            in_tests = False
        elif in_tests:
            counts[-1]["hidden: true" in cell.source] += 1
    assert len(counts) == len(questions)
    assert all(public >= 1 and hidden >= 1 for public, hidden in counts), counts


def test_masters_are_committed_without_outputs():
    for master in MASTERS:
        for cell in nbformat.read(master, as_version=4).cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, master.name


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{assignment: {"reference": scores, "blank": scores}}, and the wall time taken."""
    output = tmp_path_factory.mktemp("assignments")
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda m: assignments.build_and_grade(m, output), MASTERS))
    elapsed = time.perf_counter() - start
    print(f"\nbuilt and graded {len(MASTERS)} assignments in {elapsed:.0f} s")
    return dict(zip([m.stem for m in MASTERS], results, strict=True))


@pytest.mark.parametrize("name", [m.stem for m in MASTERS])
def test_reference_solution_scores_full_marks(graded, name):
    scores = graded[name]["reference"]
    assert len(scores) >= 3
    assert {q: s for q, (s, total) in scores.items() if s != total} == {}


@pytest.mark.parametrize("name", [m.stem for m in MASTERS])
def test_blank_student_notebook_scores_zero_on_every_question(graded, name):
    scores = graded[name]["blank"]
    assert set(scores) == set(graded[name]["reference"])
    assert {q: s for q, (s, _) in scores.items() if s != 0} == {}
    assert all(total > 0 for _, total in scores.values())
