"""book/_ext/book_pages.py: what the book adds to the theme and to MyST-NB."""

import sys

import nbformat
import pandas as pd
import pytest
from _book import ROOT
from bs4 import BeautifulSoup

from helpers.display import Table

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import book_pages  # noqa: E402

NAV = """<ul><li class="toctree-l1 has-children"><a href="06.html">6. Applications</a>
<details><summary><span class="toctree-toggle" role="presentation"><i></i></span></summary>
<ul><li><a href="06_1.html">6.1 Fraud</a></li></ul></details></li></ul>"""


def test_sidebar_toggles_are_named_after_their_chapter():
    soup = book_pages._name_summaries(BeautifulSoup(NAV, "html.parser"))
    assert soup.find("summary")["aria-label"] == "Sections of 6. Applications"


def test_wrapped_toctree_names_summaries_in_strings_and_soups():
    for html in (NAV, BeautifulSoup(NAV, "html.parser")):
        context = {"generate_toctree_html": lambda *args, html=html, **kwargs: html}
        book_pages._wrap_toctree(context)
        assert 'aria-label="Sections of 6. Applications"' in str(
            context["generate_toctree_html"](kind="sidebar"))


def test_download_menu_links_to_the_book_pdf():
    context = {"header_buttons": [{"label": "download-buttons", "buttons": [{"label": "x"}]}]}
    book_pages._add_pdf_button(context, lambda name, resource: f"../{name}")
    first = context["header_buttons"][0]["buttons"][0]
    assert first["url"] == "../nn-anomaly-detection.pdf" and first["type"] == "link"


@pytest.fixture
def tiny_book(tmp_path):
    """A one-notebook Sphinx project whose only output is a Table (HTML and LaTeX)."""
    table = Table(pd.DataFrame({"detector": ["AE_1"], "ROC-AUC": [0.91234]}),
                  formats={"ROC-AUC": "{:.3f}"}, caption="Scores")
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("table")
    cell.outputs = [nbformat.v4.new_output(
        "execute_result", execution_count=1,
        data={"text/html": table._repr_html_(), "text/latex": table._repr_latex_(),
              "text/plain": repr(table)})]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Tiny"), cell]
    notebook.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"},
                         "language_info": {"name": "python"}}
    nbformat.write(notebook, tmp_path / "index.ipynb")
    (tmp_path / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_nb', 'book_pages']\nnb_execution_mode = 'off'\n"
        "latex_engine = 'xelatex'\n")
    return tmp_path


def test_table_reaches_latex_as_a_table_not_a_formula(tiny_book):
    from sphinx.application import Sphinx

    out = tiny_book / "_build"
    app = Sphinx(str(tiny_book), str(tiny_book), str(out), str(out / ".doctrees"), "latex",
                 status=None, warningiserror=True)
    app.build()
    tex = next(out.glob("*.tex")).read_text()
    body = tex[tex.index(r"\begin{document}"):]
    assert r"\begin{tabular}{lr}" in body and "0.912" in body
    assert r"\begin{equation" not in body and r"\begin{split}" not in body
