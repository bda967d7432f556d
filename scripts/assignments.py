"""Build the course's autograded assignments with Otter Assign, and grade them locally.

Every master notebook in ``assignments/`` (Otter Assign format) becomes, in
``_build/assignments/<name>/``:

- ``student/<name>.ipynb``: the notebook to hand out, with the public tests;
- ``autograder/<name>-autograder_<timestamp>.zip``: the archive that grades a
  submission (public and hidden tests), for Gradescope or ``otter run``.

    python scripts/assignments.py            # build all of them
    python scripts/assignments.py --grade    # build, then grade the reference and blank notebooks

Grading runs ``otter run`` (no Docker) in the current environment.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MASTERS = ROOT / "assignments"
OUTPUT = ROOT / "_build" / "assignments"
OTTER = [sys.executable, "-m", "otter"]


def masters():
    """The master notebooks, in session order."""
    return sorted(MASTERS.glob("[0-9][0-9]_*.ipynb"))


def _run(command, cwd):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(command[2:])} failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def assign(master, output=OUTPUT, run_tests=True):
    """Run Otter Assign on one master; return (student notebook, reference notebook, zip).

    Otter Assign runs the tests on the reference solution unless ``run_tests`` is false.
    """
    master = Path(master).resolve()
    out = Path(output).resolve() / master.stem
    shutil.rmtree(out, ignore_errors=True)
    _run([*OTTER, "assign", "--no-pdfs", *([] if run_tests else ["--no-run-tests"]),
          str(master), str(out)], cwd=master.parent)
    student = out / "student" / master.name
    reference = out / "autograder" / master.name
    archives = sorted((out / "autograder").glob(f"{master.stem}-autograder_*.zip"))
    if not (student.exists() and reference.exists() and len(archives) == 1):
        raise RuntimeError(f"otter assign did not produce the expected files in {out}")
    return student, reference, archives[0]


def grade(archive, notebook):
    """Grade one notebook with an autograder archive; return {question: (score, max)}."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / notebook.name
        shutil.copy(notebook, copy)
        _run([*OTTER, "run", "-a", str(archive), "-o", tmp, "--no-logo", str(copy)], cwd=tmp)
        results = json.loads((Path(tmp) / "results.json").read_text())
    scores = {}
    for test in results["tests"]:
        if "score" not in test:  # the summary of the public tests
            continue
        question = test["name"].split(" ")[0]
        score, total = scores.get(question, (0.0, 0.0))
        scores[question] = (score + test["score"], total + test["max_score"])
    return scores


def build_and_grade(master, output=OUTPUT):
    """Assign one master, then grade its reference solution and its blank student notebook.

    Otter Assign's own test run is skipped: grading the reference runs the same tests.
    """
    student, reference, archive = assign(master, output, run_tests=False)
    return {"reference": grade(archive, reference), "blank": grade(archive, student)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grade", action="store_true",
                        help="grade each reference solution and blank student notebook")
    parser.add_argument("--jobs", type=int, default=2, help="assignments processed at once")
    args = parser.parse_args(argv)
    task = build_and_grade if args.grade else assign
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for master, result in zip(masters(), pool.map(task, masters()), strict=True):
            if args.grade:
                for kind, scores in result.items():
                    got = sum(score for score, _ in scores.values())
                    total = sum(total for _, total in scores.values())
                    print(f"{master.stem}: {kind} {got:g}/{total:g}")
            else:
                print(f"{master.stem}: {result[0].relative_to(ROOT)}, {result[2].name}")


if __name__ == "__main__":
    main()
