"""A link on every page to the same page in the book's other language.

The English site is ``_build/html``, the Chinese one ``_build/html/zh`` (see
``scripts/i18n.py``). Configuration, per build::

    # language tag -> that language's site, from this site's root
    language_alternates = {"zh-CN": "zh/"}
    # the pages that site has
    language_alternate_toc = "locales/zh_CN/_toc.yml"

A page missing from the other site's table of contents (a translation not
finished yet) links to that site's home page. Each page also names its
counterpart in a ``<link rel="alternate" hreflang>`` for search engines.
"""

from html import escape
from pathlib import Path

import yaml

NAMES = {"en": "English", "zh-CN": "中文"}
LABELS = {"en": ("Language", "This page in"), "zh-CN": ("语言", "本页其他语言版本：")}


def _pages(app):
    toc = app.config.language_alternate_toc
    if not toc:
        return None
    path = Path(app.srcdir) / toc
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    pages = {data["root"]}

    def walk(entries):
        for entry in entries:
            pages.add(entry["file"])
            walk(entry.get("sections") or [])

    for part in data.get("parts", []):
        walk(part["chapters"])
    walk(data.get("chapters") or [])
    return pages


def _page_context(app, pagename, templatename, context, doctree):
    alternates = app.config.language_alternates
    if not alternates:
        return
    if not hasattr(app, "_language_pages"):
        app._language_pages = _pages(app)
    pages, up = app._language_pages, "../" * pagename.count("/")
    this = (app.config.language or "en").replace("_", "-")
    links, heads = [], [f'<link rel="alternate" hreflang="{this}" '
                        f'href="{escape(up + pagename)}.html">']
    for tag, prefix in alternates.items():
        there = pages is None or pagename in pages or doctree is None
        href = up + prefix + (f"{pagename}.html" if there else "index.html")
        if there:
            heads.append(
                f'<link rel="alternate" hreflang="{tag}" href="{escape(href)}">'
            )
        links.append(f'<a class="language-switch-link" href="{escape(href)}" '
                     f'hreflang="{tag}" lang="{tag}">{NAMES.get(tag, tag)}</a>')
    context["metatags"] = context.get("metatags", "") + "\n".join(heads)
    if doctree is not None and "body" in context:
        name, label = LABELS.get(this, LABELS["en"])
        nav = (f'<nav class="language-switch" aria-label="{escape(name)}">'
               f'<span class="language-switch-label">{escape(label)}</span> '
               + " ".join(links) + "</nav>\n")
        context["body"] = nav + context["body"]


def setup(app):
    app.add_config_value("language_alternates", {}, "html")
    app.add_config_value("language_alternate_toc", "", "html")
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
