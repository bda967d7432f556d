"""Reading times of the book's pages and sections, and the syllabus tables they feed.

Counts the words of prose the way ``book/_ext/course.py`` does on the built
pages (headings, paragraphs, lists, tables, admonitions and exercises count;
code cells, outputs, code blocks, display maths, raw HTML and images do not),
from the sources, so that no build is needed: at 200 words a minute, a section
of ``w`` words takes ``max(1, ceil(w / 200))`` minutes. A section is a ``##``
heading and what follows it; it is core unless ``book/course_plan.yml`` lists it
as going further.

    python scripts/reading_times.py                        # minutes per page and section
    python scripts/reading_times.py --update book/instructor_guide.md

``--update`` rewrites the blocks between ``<!-- syllabus:NAME:start -->`` and
``<!-- syllabus:NAME:end -->`` with the table of the plan NAME of
``book/syllabus.yml``; tests/book/test_syllabus.py checks that the guide is up to date.
"""

import argparse
import math
import re
import sys
from pathlib import Path

import nbformat
import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 200
# Directives whose body is not prose (code, data, generated content).
NOT_PROSE = {"code-cell", "code", "code-block", "sourcecode", "math", "raw", "image", "toctree",
             "bibliography", "core-path", "glue", "glue:", "glue:any", "glue:figure",
             "glue:math", "literalinclude", "mermaid", "tableofcontents"}
# Words the build adds to a directive's title ("Exercise 3 (...)", "Solution to Exercise 3").
ADDED_WORDS = {"exercise-start": 2, "exercise": 2, "solution-start": 4, "solution": 4}
# Directives whose argument is a label or a path, not words a reader reads.
ARGUMENT_NOT_PROSE = {"solution-start", "solution", "figure", "exercise-end", "solution-end",
                      "include"}
_PARSER = (MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
           .use(myst_block_plugin).use(myst_role_plugin).use(dollarmath_plugin)
           .use(colon_fence_plugin))


def minutes(words):
    """Reading minutes of ``words`` words of prose, as the build shows them."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _words(text):
    return len(text.split())


def _strip_options(body):
    """A directive's body without its ``:key: value`` lines or YAML block."""
    lines = body.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1:]
    while lines and re.match(r"^:[\w-]+:", lines[0]):
        lines = lines[1:]
    return "\n".join(lines)


def _inline_words(token):
    count = 0
    for child in token.children or []:
        if child.type in ("text", "code_inline", "math_inline"):
            count += _words(child.content)
        elif child.type == "myst_role":
            label = re.match(r"^(.*?)\s*<[^>]*>$", child.content, flags=re.S)
            count += _words(label.group(1)) if label else 1
    return count


def _directive_words(token):
    match = re.match(r"^\{([^}]+)\}\s*(.*)$", token.info.strip())
    if not match:
        return 0  # a plain code block
    name, argument = match.groups()
    if name in NOT_PROSE or name.startswith("glue"):
        return 0
    words = ADDED_WORDS.get(name, 0) + (0 if name in ARGUMENT_NOT_PROSE else _words(argument))
    return words + sum(block[1] for block in _blocks(_strip_options(token.content)))


def _blocks(text):
    """(heading level or None, words, text) for each block of a Markdown text, in order."""
    blocks, heading = [], None
    for token in _PARSER.parse(text):
        if token.type == "heading_open":
            heading = int(token.tag[1])
        elif token.type == "inline":
            blocks.append((heading, _inline_words(token), token.content.strip()))
            heading = None
        elif token.type in ("fence", "colon_fence"):
            blocks.append((None, _directive_words(token), ""))
    return blocks


def _source(page):
    path = ROOT / f"{page}.ipynb"
    if path.exists():
        cells = nbformat.read(path, as_version=4).cells
        return "\n\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    return (ROOT / f"{page}.md").read_text()


def page_times(page, going_further=()):
    """Words and minutes of a page and of each of its ``##`` sections."""
    text = _source(page)
    title, total, sections = None, 0, []
    for level, words, name in _blocks(text):
        if level == 1 and title is None:
            title = name
        elif level == 2:
            kind = "going further" if name in going_further else "core"
            sections.append({"title": name, "words": 0, "kind": kind})
        total += words
        if sections:
            sections[-1]["words"] += words
    for section in sections:
        section["minutes"] = minutes(section["words"])
    core = sum(s["minutes"] for s in sections if s["kind"] == "core")
    return {"page": page, "title": title, "words": total, "minutes": minutes(total),
            "core_minutes": core, "sections": sections}


def book_times(root=ROOT):
    """page_times of every page of the table of contents, in its order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    plan = yaml.safe_load((root / "book" / "course_plan.yml").read_text()) or {}
    going_further = plan.get("going_further") or {}
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            pages.append(entry["file"])
            walk(entry.get("sections") or [])

    for part in toc.get("parts", []):
        walk(part["chapters"])
    return {page: page_times(page, going_further.get(page, ())) for page in pages}


def _entry_minutes(entry, times):
    page, _, wanted = entry.partition("#")
    if page not in times:
        raise ValueError(f"book/syllabus.yml: {page} is not in _toc.yml")
    sections = [s for s in times[page]["sections"] if s["kind"] == "core"]
    if wanted:
        sections = [s for s in sections if s["title"] == wanted]
        if not sections:
            raise ValueError(f"book/syllabus.yml: {page} has no core section {wanted!r}")
    return sum(s["minutes"] for s in sections)


def session_minutes(session, times):
    """Core reading minutes of a session: every page it lists (or the sections named),
    plus the longest of ``read_one_of`` when each student reads one of several pages."""
    total = sum(_entry_minutes(entry, times) for entry in session["read"])
    options = [_entry_minutes(entry, times) for entry in session.get("read_one_of", [])]
    return total + max(options, default=0)


def syllabus_table(plan, times):
    """The Markdown table of one plan of book/syllabus.yml."""
    rows = ["| session | reading (core sections) | minutes of reading | in class | exercises "
            "| assignment |", "|---|---|---|---|---|---|"]
    total = 0
    for number, session in enumerate(plan["sessions"], 1):
        spent = session_minutes(session, times)
        total += spent
        rows.append(f"| {number} | {session['label']} | {spent} | {session['in_class']} | "
                    f"{session['exercises']} | {session['assignment']} |")
    rows.append(f"| | total | {total} | | | |")
    return "\n".join(rows)


def update(path, times, syllabus):
    """Rewrite every syllabus block of ``path``; return whether the text changed."""
    text = Path(path).read_text()
    new = text
    for name, plan in syllabus["plans"].items():
        start, end = f"<!-- syllabus:{name}:start -->", f"<!-- syllabus:{name}:end -->"
        pattern = re.compile(rf"({start}\n)(?:.*?\n)?({end})", flags=re.S)
        if not pattern.search(new):
            raise ValueError(f"{path} has no block <!-- syllabus:{name}:start --> ... end")
        table = syllabus_table(plan, times)
        new = pattern.sub(lambda m, table=table: m.group(1) + table + "\n" + m.group(2), new)
    Path(path).write_text(new)
    return new != text


def load_syllabus(root=ROOT):
    return yaml.safe_load((root / "book" / "syllabus.yml").read_text())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", metavar="FILE", help="rewrite FILE's syllabus tables")
    args = parser.parse_args(argv)
    times = book_times()
    if args.update:
        changed = update(args.update, times, load_syllabus())
        print(f"{args.update}: {'updated' if changed else 'already up to date'}")
        return
    for info in times.values():
        print(f"{info['minutes']:4d} min  {info['words']:6d} words  {info['page']}  "
              f"(core {info['core_minutes']} min)")
        for section in info["sections"]:
            print(f"      {section['minutes']:3d} min  {section['words']:5d}  "
                  f"{'  ' if section['kind'] == 'core' else '* '}{section['title']}")


if __name__ == "__main__":
    sys.exit(main())
