"""Course aids on every page: reading time, core / going-further badges, the core path.

- Under each chapter's title: its reading time, from the words of its prose
  (code and outputs not counted) at ``course_words_per_minute``.
- Under each section heading (``##``): a badge, *Core* or *Going further*, as
  ``book/course_plan.yml`` says (every section is core unless listed there).
- The ``{core-path}`` directive (used on ``book/core_path.md``) lists, chapter by
  chapter in the table of contents' order, the core sections with links and
  minutes, and the total.

In the Chinese edition (``language: zh_CN``) the labels are Chinese, a page's
length is counted in characters (each Chinese character one, each run of Latin
letters or digits one) and ``course_words_per_minute`` is characters a minute.
The going-further sections of ``book/course_plan.yml`` are named by their English
headings, which a transform records before the translation replaces them.
"""

import math
import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

_SKIP = (nodes.literal_block, nodes.math_block, nodes.raw, nodes.comment, nodes.image)


_TOKEN = re.compile(r"[\u4e00-\u9fff]|[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+")

TEXT = {
    "en": {
        "core": "Core",
        "going-further": "Going further",
        "reading": "Reading time: about {minutes} minutes ({words:,} words of prose; "
                   "code and outputs not counted).",
        "page": " — {minutes} min of core reading",
        "section": " ({minutes} min)",
        "total": "The core path: {total} minutes of reading in {pages} pages "
                 "(at {rate} words a minute).",
    },
    "zh": {
        "core": "核心",
        "going-further": "拓展",
        "reading": "阅读时间：约 {minutes} 分钟（正文 {words:,} 字；代码与输出不计）。",
        "page": "：核心内容 {minutes} 分钟",
        "section": "（{minutes} 分钟）",
        "total": "核心路线：{pages} 个页面，共 {total} 分钟阅读"
                 "（按每分钟 {rate} 字计）。",
    },
}


def _text(app, key, **values):
    language = "zh" if (app.config.language or "").startswith("zh") else "en"
    return TEXT[language][key].format(**values)


class OriginalTitles(SphinxTransform):
    """Record each section's heading as written, before a translation replaces it."""

    default_priority = 10  # before sphinx.transforms.i18n.Locale (20)

    def apply(self, **kwargs):
        for section in self.document.findall(nodes.section):
            if section.children and isinstance(section[0], nodes.title):
                section["course_title"] = section[0].astext()


class core_path_node(nodes.General, nodes.Element):
    """Replaced, once every page is read, by the list of core sections."""


class CorePathDirective(SphinxDirective):
    def run(self):
        return [core_path_node()]


def _is_output(node):
    classes = node.get("classes", []) if isinstance(node, nodes.Element) else []
    return "cell_output" in classes or "output" in classes


def count_words(node, cjk=False):
    """Words of prose under ``node``: code, outputs, maths and images not counted.

    With ``cjk``, each Chinese character counts as one word.
    """
    if isinstance(node, _SKIP) or _is_output(node):
        return 0
    if isinstance(node, nodes.Text):
        text = node.astext()
        return len(_TOKEN.findall(text)) if cjk else len(text.split())
    return sum(count_words(child, cjk) for child in node.children)


def _count(node, app):
    return count_words(node, cjk=(app.config.language or "").startswith("zh"))


def _plan(app):
    return yaml.safe_load(Path(app.config.course_plan).read_text()) or {}


def _minutes(words, app):
    return max(1, math.ceil(words / app.config.course_words_per_minute))


def _label(text, kind):
    return nodes.paragraph(
        "", "", nodes.inline(text, text), classes=["course-badge", kind]
    )


def on_doctree_read(app, doctree):
    env = app.env
    docname = env.docname
    going_further = set((_plan(app).get("going_further") or {}).get(docname, []))
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return
    records = []
    for section in [
        child for child in top.children if isinstance(child, nodes.section)
    ]:
        heading = section.get("course_title", section[0].astext())
        heading = heading.replace("\u2019", "'")  # undo smart quotes
        kind = "going-further" if heading in going_further else "core"
        words = _count(section, app)
        section.insert(1, _label(_text(app, kind), kind))
        records.append(
            {"title": section[0].astext().replace("\u2019", "'"), "heading": heading,
             "id": section["ids"][0], "kind": kind, "words": words}
        )
    missing = going_further - {record["heading"] for record in records}
    if missing:
        logger.warning(
            f"book/course_plan.yml lists headings that {docname} does not have: "
            f"{sorted(missing)}",
            location=docname,
        )
    if not records:
        return
    words = _count(top, app)
    text = _text(app, "reading", minutes=_minutes(words, app), words=words)
    top.insert(1, nodes.paragraph(text, text, classes=["reading-time"]))
    if not hasattr(env, "course_sections"):
        env.course_sections = {}
    env.course_sections[docname] = {
        "title": top[0].astext(),
        "words": words,
        "sections": records,
    }


def on_env_purge_doc(app, env, docname):
    getattr(env, "course_sections", {}).pop(docname, None)


def on_env_merge_info(app, env, docnames, other):
    if not hasattr(env, "course_sections"):
        env.course_sections = {}
    env.course_sections.update(getattr(other, "course_sections", {}))


def on_doctree_resolved(app, doctree, fromdocname):
    pages = getattr(app.env, "course_sections", {})
    numbered = app.env.toc_secnumbers  # the book's chapters, not the reference pages
    order = [name for name in _toc_order(app) if name in pages and numbered.get(name)]
    for node in list(doctree.findall(core_path_node)):
        listing = nodes.bullet_list()
        total = 0
        for docname in order:
            page = pages[docname]
            core = [s for s in page["sections"] if s["kind"] == "core"]
            minutes = sum(_minutes(s["words"], app) for s in core)
            total += minutes
            uri = app.builder.get_relative_uri(fromdocname, docname)
            head = nodes.paragraph()
            head += nodes.reference("", page["title"], refuri=uri, internal=True)
            head += nodes.Text(_text(app, "page", minutes=minutes))
            items = nodes.bullet_list()
            for section in core:
                entry = nodes.paragraph()
                entry += nodes.reference(
                    "", section["title"], internal=True, refuri=f"{uri}#{section['id']}"
                )
                entry += nodes.Text(
                    _text(app, "section", minutes=_minutes(section["words"], app))
                )
                items += nodes.list_item("", entry)
            listing += nodes.list_item("", head, items)
        summary = _text(app, "total", total=total, pages=len(order),
                        rate=app.config.course_words_per_minute)
        node.replace_self(
            [nodes.paragraph(summary, summary, classes=["core-path-total"]), listing]
        )


def _toc_order(app):
    """Every page in table-of-contents order: a depth-first walk of the toctrees."""
    includes, order = app.env.toctree_includes, []

    def walk(docname):
        order.append(docname)
        for child in includes.get(docname, []):
            walk(child)

    walk(app.config.root_doc)
    return order


def setup(app):
    app.add_config_value("course_plan", "book/course_plan.yml", "env")
    app.add_config_value("course_words_per_minute", 200, "env")
    app.add_css_file("course.css")
    app.add_node(core_path_node)
    app.add_transform(OriginalTitles)
    app.add_directive("core-path", CorePathDirective)
    app.connect("doctree-read", on_doctree_read)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("doctree-resolved", on_doctree_resolved)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 2}
