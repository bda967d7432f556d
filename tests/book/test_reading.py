"""The built pages read like a book: bookkeeping out of sight, code that fits, figures.

Checked on the HTML that `make html` writes, page by page:

- no visible ``glue(`` / ``glue_all(`` line in a code cell (bookkeeping lives in
  cells tagged ``remove-cell``);
- no visible code line longer than 88 characters (cells and code blocks alike);
- every image has specific alternative text: not empty, not a file name, not a
  generic word such as "plot";
- every figure (``{figure}`` or ``{glue:figure}``) has a numbered caption, and the
  text refers to it (a link to its label from some page of the book).

A failure lists the count on every page, so each chapter's author sees their share.
Run ``python tests/book/test_reading.py`` for the same counts as a table.
"""

import functools
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _book import HTML, toc_pages  # noqa: E402

MAX_LINE = 88
GLUE_CALL = re.compile(r"\bglue(?:_all)?\(")
IMAGE_FILE = re.compile(r"\.(png|jpe?g|svg|gif|webp|pdf)$", re.IGNORECASE)
GENERIC_ALT = {"", "image", "img", "figure", "fig", "plot", "chart", "graph", "output",
               "picture", "png", "svg", "logo", "icon", "untitled"}
PAGES = toc_pages()


@functools.cache
def _soup(page):
    from bs4 import BeautifulSoup

    path = HTML / f"{page}.html"
    if not path.exists():
        pytest.fail(f"{page}.html was not built: run `make html` (or `make test`) first")
    return BeautifulSoup(path.read_text(), "html.parser")


def _article(page):
    soup = _soup(page)
    return soup.select_one("article.bd-article") or soup.select_one("main") or soup


def _code_blocks(page):
    """The source code a reader sees: code cells' inputs and code blocks in the prose."""
    article = _article(page)
    for pre in article.select("div.highlight pre"):
        if pre.find_parent(class_="cell_output"):
            continue  # an output (stream, traceback), not code
        yield pre, bool(pre.find_parent(class_="cell_input"))


def _code_lines(page):
    for pre, in_cell in _code_blocks(page):
        for line in pre.get_text().splitlines():
            yield line.rstrip(), in_cell


def glue_lines(page):
    return [line.strip() for line, in_cell in _code_lines(page)
            if in_cell and GLUE_CALL.search(line)]


def long_lines(page):
    return [line for line, _ in _code_lines(page) if len(line) > MAX_LINE]


def _is_bad_alt(image):
    alt = image.get("alt")
    if alt is None:
        return True
    alt = alt.strip()
    source = unquote(urlparse(image.get("src", "")).path)
    name = source.rsplit("/", 1)[-1]
    return (alt.lower().strip(" .") in GENERIC_ALT
            or bool(IMAGE_FILE.search(alt))
            or "_images/" in alt
            or alt in {source, name, name.rsplit(".", 1)[0]}
            or alt.startswith("<Figure size"))


def bad_alt_images(page):
    return [f"{image.get('src', '?').rsplit('/', 1)[-1]} (alt={image.get('alt')!r})"
            for image in _soup(page).find_all("img") if _is_bad_alt(image)]


def figures(page):
    """Every figure in the article, as (id, numbered caption or None)."""
    found = []
    for figure in _article(page).select("figure, div.figure"):
        number = figure.select_one("figcaption .caption-number, p.caption .caption-number")
        caption = figure.select_one("figcaption, p.caption")
        label = figure.get("id") or (figure.get("ids") or "")
        text = caption.get_text(" ", strip=True) if caption and number else None
        found.append((label, text))
    return found


def uncaptioned_figures(page):
    return [label or "(no label)" for label, caption in figures(page) if not caption]


@functools.cache
def _link_targets():
    """(page, fragment) of every internal link on any page of the book."""
    targets = set()
    for page in PAGES:
        path = HTML / f"{page}.html"
        for anchor in _soup(page).find_all("a", href=True):
            parsed = urlparse(anchor["href"])
            if parsed.scheme or not parsed.fragment:
                continue
            target = (path.parent / unquote(parsed.path)).resolve() if parsed.path else path
            targets.add((target, unquote(parsed.fragment)))
    return targets


def unreferenced_figures(page):
    path = (HTML / f"{page}.html").resolve()
    return [label for label, caption in figures(page)
            if caption and label and (path, label) not in _link_targets()]


def bare_output_images(page):
    """Images a code cell printed outside any numbered figure (for the report only)."""
    return [image for image in _article(page).select(".cell_output img")
            if not image.find_parent(["figure"])]


def _per_page(check):
    return {page: check(page) for page in PAGES}


def _fail_if_any(what, found, total=None):
    """Fail with the count on every page and a few examples, if any page has some."""
    if not any(found.values()):
        return
    lines = [f"{sum(len(items) for items in found.values())} {what}"
             + (f" (of {total})" if total is not None else "") + "; per page:"]
    for page, items in found.items():
        if items:
            examples = " | ".join(str(item)[:100] for item in items[:2])
            lines.append(f"  {page}: {len(items)}   e.g. {examples}")
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(scope="module")
def site():
    if not (HTML / "index.html").exists():
        pytest.fail("no built site in _build/html: run `make html` (or `make test`) first")
    return HTML


def test_no_glue_calls_in_view(site):
    found = _per_page(glue_lines)
    _fail_if_any("visible glue( lines (move them to a cell tagged remove-cell)", found)


def test_code_lines_fit_the_column(site):
    found = _per_page(long_lines)
    total = sum(1 for page in PAGES for _ in _code_lines(page))
    _fail_if_any(f"visible code lines longer than {MAX_LINE} characters", found, total)


def test_every_image_has_specific_alt_text(site):
    found = _per_page(bad_alt_images)
    total = sum(len(_soup(page).find_all("img")) for page in PAGES)
    _fail_if_any("images whose alt text is empty, a file name or generic "
                 "(set it with the glue:figure/figure :alt: option)", found, total)


def test_every_figure_has_a_numbered_caption(site):
    found = _per_page(uncaptioned_figures)
    _fail_if_any("figures without a numbered caption", found)


def test_every_numbered_figure_is_referenced_from_the_text(site):
    found = _per_page(unreferenced_figures)
    _fail_if_any("numbered figures that no text refers to ({numref}`label` or {ref}`label`)",
                 found)


def test_the_book_has_numbered_figures(site):
    captioned = sum(1 for page in PAGES for _, caption in figures(page) if caption)
    bare = {page: len(bare_output_images(page)) for page in PAGES}
    assert captioned > 0, (
        "no numbered figure in the whole book; output images outside a figure, per page: "
        + ", ".join(f"{page}: {count}" for page, count in bare.items() if count))


def main():
    """Print the counts of every check, page by page."""
    columns = ["glue(", f">{MAX_LINE}", "code lines", "bad alt", "images",
               "fig w/o caption", "numbered figs", "bare out imgs"]
    print(f"{'page':32}" + "".join(f"{name:>16}" for name in columns))
    totals = [0] * len(columns)
    for page in PAGES:
        row = [len(glue_lines(page)), len(long_lines(page)),
               sum(1 for _ in _code_lines(page)), len(bad_alt_images(page)),
               len(_soup(page).find_all("img")), len(uncaptioned_figures(page)),
               sum(1 for _, caption in figures(page) if caption),
               len(bare_output_images(page))]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        print(f"{page.removeprefix('book/'):32}" + "".join(f"{value:>16}" for value in row))
    print(f"{'TOTAL':32}" + "".join(f"{value:>16}" for value in totals))


if __name__ == "__main__":
    main()
