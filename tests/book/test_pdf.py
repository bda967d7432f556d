"""The book as one PDF (`make pdf`: Jupyter Book's LaTeX builder with XeLaTeX).

The PDF is turned into text with pdftotext (poppler-utils) and read as a reader
would: every chapter is in it, formulas are typeset, figures keep their captions,
and no output fell back to a Python object's repr (a pandas Styler or a matplotlib
Figure has no LaTeX form: LaTeX then prints ``<pandas…Styler at 0x…>``).

Without XeLaTeX these tests skip and say so, unless REQUIRE_PDF is set (as in CI),
where a missing PDF fails them.
"""

import json
import os
import re
import shutil
import subprocess
import unicodedata

import pytest
from _book import HTML, ROOT, toc_pages

PDF_NAME = "nn-anomaly-detection.pdf"
PDF = ROOT / "_build" / "latex" / PDF_NAME
REPR = re.compile(  # what a Python object looks like when an output has no LaTeX/PNG form
    r"<[\w.]+(?: object)? at 0x[0-9a-fA-F]+>|<Figure size \d[^>]*>|<IPython\.[\w.]+"
    r"|<pandas\.[\w.]+|<matplotlib\.[\w.]+")


def _missing(message):
    if os.environ.get("REQUIRE_PDF"):
        pytest.fail(message)
    pytest.skip(message + " (set REQUIRE_PDF=1 to fail instead)")


@pytest.fixture(scope="module")
def pdf():
    if not PDF.exists():
        if shutil.which("xelatex") is None:
            _missing("no XeLaTeX, so no PDF: install texlive-xetex, latexmk, "
                     "texlive-fonts-recommended, fonts-freefont-otf, texlive-lang-chinese "
                     "and fonts-noto-cjk (see README: PDF) and run `make pdf`")
        pytest.fail(f"no PDF at {PDF}: run `make pdf` (or `make test`)")
    if shutil.which("pdftotext") is None:
        _missing("pdftotext is not installed (Debian: poppler-utils)")
    return PDF


def _normalize(text):
    text = unicodedata.normalize("NFKC", text)  # ligatures (ﬁ) back to letters
    for typographic, plain in {"’": "'", "‘": "'", "“": '"', "”": '"',
                               "–": "-", "—": "-", "\u00a0": " "}.items():
        text = text.replace(typographic, plain)
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def pages(pdf):
    """The PDF's text, page by page."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                            capture_output=True, text=True, check=True)
    return result.stdout.split("\f")[:-1]  # every page ends with a form feed


@pytest.fixture(scope="module")
def text(pages):
    return _normalize(" ".join(pages))


def _title(page):
    """A page's title: the first level-1 heading of its source."""
    path = ROOT / f"{page}.md"
    if path.exists():
        sources = [path.read_text()]
    else:
        notebook = json.loads((ROOT / f"{page}.ipynb").read_text())
        sources = ["".join(cell["source"]) for cell in notebook["cells"]
                   if cell["cell_type"] == "markdown"]
    for source in sources:
        match = re.search(r"^# (.+)$", source, re.MULTILINE)
        if match:
            return _normalize(re.sub(r"[`*]", "", match.group(1)).strip())
    raise AssertionError(f"{page} has no level-1 heading")


def _figure_captions():
    """(page, caption) of every figure directive in the chapters' sources."""
    directive = re.compile(r"^(?:```+|:::+)\{(?:glue:figure|figure)\}[^\n]*\n"
                           r"((?::[\w-]+:[^\n]*\n)*)\n*([^\n`:][^\n]*)", re.MULTILINE)
    found = []
    for page in toc_pages():
        for suffix in (".md", ".ipynb"):
            path = ROOT / f"{page}{suffix}"
            if not path.exists():
                continue
            source = path.read_text()
            if suffix == ".ipynb":
                source = "\n".join("".join(cell["source"])
                                   for cell in json.loads(source)["cells"]
                                   if cell["cell_type"] == "markdown")
            found += [(page, match.group(2).strip()) for match in directive.finditer(source)]
    return found


def test_pdf_page_count_and_size(pdf, pages, capsys):
    count = len(pages)
    size = pdf.stat().st_size
    with capsys.disabled():
        print(f"\nPDF {pdf.name}: {count} pages, {size / 1e6:.1f} MB")
    assert count >= 50, f"the whole book in {count} pages?"


def test_every_chapter_is_in_the_pdf(text):
    missing = [f"{page}: {_title(page)!r}" for page in toc_pages()
               if _title(page) not in text]
    assert missing == [], f"chapter titles missing from the PDF: {missing}"


def test_formulas_are_typeset(text):
    # Chapter 4's output size of a convolution, n_out = floor((n + 2p - k) / s) + 1, as
    # XeLaTeX typesets it: math italic letters (NFKC-normalized), floor brackets.
    assert "nout = ⌊" in text and "⌋ + 1" in text, "the output-size formula of chapter 4"
    for source in ("\\frac", "\\sum", "\\left", "\\mathbf", "$$", "\\begin{"):
        assert source not in text, f"untypeset TeX {source!r} in the PDF"


def test_figures_keep_their_captions(text):
    captions = _figure_captions()
    assert captions, "the book has no {figure} or {glue:figure} with a caption"
    missing = [f"{page}: {caption!r}" for page, caption in captions
               if _normalize(re.sub(r"[`*$]|\{[\w:]+\}", "", caption))[:60] not in text]
    assert missing == [], f"figure captions missing from the PDF: {missing}"


def _chapter(page):
    """The chapter a page belongs to, from its footer ("24 Chapter 2. ..." or "2.3. ...")."""
    footer = "\n".join(page.strip().splitlines()[-3:])
    match = re.search(r"Chapter (\d+)\.", footer) or re.search(r"^(\d+)\.\d+\.", footer, re.M)
    return f"chapter {match.group(1)}" if match else "?"


def test_no_python_object_reprs(pages):
    found = [f"page {number} ({_chapter(page)}): {match.group(0)}"
             for number, page in enumerate(pages, start=1)
             for match in REPR.finditer(page)]
    assert found == [], (
        f"{len(found)} outputs fell back to a Python repr (give them a LaTeX or image form, "
        f"e.g. helpers.display.Table):\n" + "\n".join(found))


def test_the_site_offers_the_pdf(pdf):
    copy = HTML / PDF_NAME
    assert copy.exists() and copy.stat().st_size == pdf.stat().st_size, (
        f"{copy} is not the PDF: `make pdf` copies it into the site")
    text = (HTML / "book" / "index.html").read_text()
    assert f'href="../{PDF_NAME}"' in text, "the landing page does not link to the PDF"
