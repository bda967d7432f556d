"""What the theme and MyST-NB leave out of a book's pages.

- A table made by ``helpers.display.Table`` reaches LaTeX as ``text/latex``, which
  MyST-NB always typesets as a formula; here it becomes raw LaTeX, a real table.
- The sidebar's expand/collapse toggles are ``<summary>`` elements holding only a
  chevron icon, so a screen reader announces an unnamed control (WCAG 4.1.2):
  each is named after the chapter it opens.
- Docutils marks each bibliography entry with the ARIA role ``doc-biblioentry``,
  deprecated in DPUB-ARIA 1.1, inside a ``role="list"``: a list whose items a screen
  reader does not recognise. Entries become ``listitem``.
- Jupyter Book's LaTeX class loads ``bbm``, a font package that on Debian comes only
  with texlive-fonts-extra (509 MB to download); the class is given amssymb's
  blackboard bold instead, so the PDF needs texlive-xetex and its dependencies only.
- Every page's download menu links to the whole book as one PDF (``make pdf``
  copies it into the site), beside the theme's print-this-page button.

The colours the theme gets wrong are fixed in ``_static/book.css``.
"""

from pathlib import Path

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

PDF_NAME = "nn-anomaly-detection.pdf"
TABLE_MARKER = "% helpers.display.Table"  # the first line of Table._repr_latex_()


class LatexTables(SphinxPostTransform):
    """Pass a Table's LaTeX through as LaTeX, not as a formula (MyST-NB's default)."""

    default_priority = 6  # after MyST-NB picks the output's mime type (priority 4)
    builders = ("latex",)

    def run(self, **kwargs):
        for node in list(self.document.findall(nodes.math_block)):
            text = node.astext()
            if text.lstrip().startswith(TABLE_MARKER):
                node.replace_self(nodes.raw("", text, format="latex"))


def _name_summaries(soup):
    """Give every unnamed ``<summary>`` of a navigation tree an accessible name."""
    for summary in soup.find_all("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        item = summary.find_parent("li")
        link = item.find("a", recursive=False) if item else None
        title = link.get_text(" ", strip=True) if link else "this part"
        summary["aria-label"] = f"Sections of {title}"
    return soup


def _wrap_toctree(context):
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "_names_summaries", False):
        return

    def generate_toctree_html(*args, **kwargs):
        html = generate(*args, **kwargs)  # a BeautifulSoup, or a string
        if isinstance(html, BeautifulSoup):
            return _name_summaries(html)
        if isinstance(html, str) and "<summary" in html:
            return str(_name_summaries(BeautifulSoup(html, "html.parser")))
        return html

    generate_toctree_html._names_summaries = True
    context["generate_toctree_html"] = generate_toctree_html


def _add_pdf_button(context, pathto):
    for button in context.get("header_buttons") or []:
        if button.get("label") == "download-buttons":
            button["buttons"].insert(0, {
                "type": "link",
                "url": pathto(PDF_NAME, 1),
                "text": "book .pdf",
                "tooltip": "Download the whole book as one PDF",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })
            return


def _remove_old_latex_class(app):
    """Let sphinx-jupyterbook-latex copy its class afresh (it does not overwrite)."""
    if app.builder.name == "latex":
        (Path(app.outdir) / "jupyterBook.cls").unlink(missing_ok=True)


def _latex_class_without_bbm(app):
    """Edit the jupyterBook.cls that sphinx-jupyterbook-latex copied to the output."""
    if app.builder.name != "latex":
        return
    path = Path(app.outdir) / "jupyterBook.cls"
    if not path.exists():
        return
    text = path.read_text()
    text = text.replace("\\RequirePackage{bbm}",
                        "\\providecommand{\\mathbbm}{\\mathbb}  % amssymb's, not bbm's")
    path.write_text(text)


def _page_context(app, pagename, templatename, context, doctree):
    _wrap_toctree(context)
    if context.get("body"):
        body = context["body"]
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')
    if "pathto" in context:
        _add_pdf_button(context, context["pathto"])


def setup(app):
    app.add_post_transform(LatexTables)
    # Around sphinx-jupyterbook-latex's copy of its class (default priority, 500).
    app.connect("builder-inited", _remove_old_latex_class, priority=100)
    app.connect("builder-inited", _latex_class_without_bbm, priority=900)
    # After the theme has filled the context (its handlers run at priority 500 and 501).
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
