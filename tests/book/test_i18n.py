"""The Chinese edition: its catalogs, its drift from the English, its build.

The drift test re-extracts the English text into a temporary folder, merges it
into a copy of the catalogs (as ``make i18n-update`` would) and fails when a
page listed in the Chinese table of contents has a fuzzy or untranslated
message: a change to the English prose is not finished until its Chinese is.
"""

import importlib.util
import json
import re
import shutil

import pytest
import yaml
from _book import HTML, ROOT, require_site, toc_pages
from babel.messages.catalog import Catalog, Message

_SPEC = importlib.util.spec_from_file_location("i18n", ROOT / "scripts" / "i18n.py")
i18n = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(i18n)

ZH = HTML / "zh"
CJK = re.compile(r"[\u4e00-\u9fff]")


def zh_pages():
    return i18n.toc_pages(i18n.ZH_TOC)


# --- the rules of a translation (no build needed) --------------------------------------------

def test_glue_references_are_rewritten_to_name_their_notebook():
    text = ("AUC {glue:text}`test_auc:.3f`, {glue:text}`other.ipynb::k`, {glue:text}`n` "
            "and {glue}`fig`")
    expected = ("AUC {glue:text}`05_project.ipynb::test_auc:.3f`, "
                "{glue:text}`other.ipynb::k:s`, {glue:text}`05_project.ipynb::n:s` "
                "and {glue}`05_project.ipynb::fig`")
    assert i18n.cross_document_glue(text, "book/05_project") == expected
    assert i18n.cross_document_glue(expected, "book/05_project") == expected


def test_a_new_message_with_glue_starts_fuzzy_in_the_form_a_translation_needs(tmp_path):
    catalog = Catalog(locale="zh_CN")
    catalog.add("ROC-AUC {glue:text}`auc:.3f`.")
    catalog.add("No glue here.")
    catalog.add("Done {glue:text}`n`.", string="完成 {glue:text}`n`。")
    path = tmp_path / "05_project.po"
    i18n.write_catalog(catalog, path)
    assert i18n.prepare_catalog(path, "book/05_project") == 2
    result = {m.id: m for m in i18n.messages(i18n.read_catalog(path))}
    first = result["ROC-AUC {glue:text}`auc:.3f`."]
    assert first.fuzzy and first.string == "ROC-AUC {glue:text}`05_project.ipynb::auc:.3f`."
    assert not result["No glue here."].string
    assert result["Done {glue:text}`n`."].string == "完成 {glue:text}`05_project.ipynb::n:s`。"
    assert i18n.counts(i18n.read_catalog(path)) == (1, 1, 1)


@pytest.mark.parametrize("translation, problem", [
    ("阈值为 {glue:text}`05_project.ipynb::threshold:.3f`，见 {numref}`fig-roc`。", None),
    ("阈值为 {glue:text}`05_project.ipynb::missing:.3f`，见 {numref}`fig-roc`。",
     "glue key 'missing' not found"),
    ("阈值，见 {numref}`fig-roc`。", "the glued values differ"),
    ("阈值为 {glue:text}`05_project.ipynb::threshold:.3f`。", "cross-references"),
    ("The threshold is {glue:text}`05_project.ipynb::threshold:.3f`, as {numref}`fig-roc` "
     "shows here.", "no Chinese"),
])
def test_a_translation_keeps_glue_and_references(translation, problem):
    message = Message("The threshold is {glue:text}`threshold:.3f`, as {numref}`fig-roc` "
                      "shows.", string=translation)
    found = i18n.problems(message, "book/05_project", keys=lambda doc: {"threshold"})
    if problem is None:
        assert found == []
    else:
        assert any(problem in sentence for sentence in found), found


def test_a_translation_keeps_maths_and_glossary_targets():
    message = Message("The {term}`autoencoder` minimises $\\|x - \\hat x\\|^2$.",
                      string="{term}`自编码器 <autoencoder>` 最小化 $\\|x - \\hat x\\|^2$。")
    assert i18n.problems(message, "book/02_concepts", keys=lambda doc: set()) == []
    message.string = "{term}`自编码器` 最小化 $\\|x - \\hat{x}\\|^2$。"
    found = i18n.problems(message, "book/02_concepts", keys=lambda doc: set())
    assert any("glossary" in sentence for sentence in found), found
    assert any("maths" in sentence for sentence in found), found


# --- the catalogs as committed ------------------------------------------------------------

def test_terminology_table_is_one_to_one():
    rows = i18n.terminology()
    english = [row[0].lower() for row in rows]
    assert len(rows) >= 100
    assert len(english) == len(set(english)), "an English term is listed twice"
    terms = dict((row[0], row[1]) for row in rows)
    assert terms["autoencoder"] == "自编码器" and terms["anomaly detection"] == "异常检测"
    assert terms["Isolation Forest"] == "孤立森林"


def test_jieba_dictionary_keeps_terms_whole(tmp_path):
    words = i18n.write_jieba_dictionary(tmp_path / "dict.txt")
    assert "自编码器" in words and "孤立森林" in words
    import jieba

    jieba.load_userdict(str(tmp_path / "dict.txt"))
    assert "自编码器" in jieba.lcut("训练一个自编码器来检测异常")


def test_chinese_toc_lists_every_page_of_the_book_in_order():
    assert zh_pages() == toc_pages(), (
        "locales/zh_CN/_toc.yml must list the pages of _toc.yml, in the same order "
        "(a page joins it when its translation is finished)")


def test_every_page_has_a_catalog():
    for page in zh_pages():
        assert i18n.catalog_path(page).exists(), f"no catalog for {page}"


def test_every_translation_keeps_its_glue_references_and_maths():
    require_site()  # the glue keys come from the English build
    report = i18n.check()
    assert report == [], "\n".join(report[:40])


def test_no_page_of_the_chinese_toc_has_fuzzy_or_untranslated_messages():
    status = i18n.status(pages=set(zh_pages()))
    unfinished = {page: c for page, c in status.items() if c[1] or c[2]}
    assert unfinished == {}, f"(translated, fuzzy, untranslated) per page: {unfinished}"


@pytest.mark.slow
def test_catalogs_are_current_with_the_english_text(tmp_path):
    """Re-extract the English text and merge it into a copy of the catalogs."""
    require_site()  # the extraction reads the executed notebooks from the build's cache
    shutil.copytree(i18n.LOCALES, tmp_path / "locales")
    with_pot = tmp_path / "pot"
    i18n.extract(with_pot)
    i18n.merge(with_pot, tmp_path / "locales")
    status = i18n.status(tmp_path / "locales", pages=set(zh_pages()))
    assert set(status) == set(zh_pages())
    unfinished = {page: c for page, c in status.items() if c[1] or c[2]}
    assert unfinished == {}, (
        "the English text changed and its translation did not: run `make i18n-update`, "
        f"translate, and rebuild. (translated, fuzzy, untranslated): {unfinished}")


# --- the Chinese build --------------------------------------------------------------------

def _zh_site():
    require_site()
    if not (ZH / "index.html").exists():
        pytest.fail("the Chinese edition is not built: `make html` builds it into "
                    "_build/html/zh")
    return ZH


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_is_built_in_chinese(page):
    text = (_zh_site() / f"{page}.html").read_text()
    assert '<html lang="zh-CN"' in text
    assert "搜索" in text  # the theme's own interface text is Chinese


def test_chinese_build_executed_nothing():
    _zh_site()
    log = (i18n.ZH_OUT / "build.log").read_text()
    assert "reading sources" in log  # the log of a whole build
    assert "Executing notebook" not in log  # MyST-NB's line for each notebook it runs


def test_chinese_search_index_has_whole_terms():
    text = (_zh_site() / "searchindex.js").read_text()
    for term in ("自编码器", "孤立森林", "异常检测"):
        # the index is JSON with \\u escapes: a term is a key of it only if jieba kept it whole
        assert f"{json.dumps(term)}:" in text, f"{term} is not a search term of the index"


def test_glossaries_correspond_entry_by_entry():
    english = (HTML / "book" / "glossary.html").read_text()
    chinese = (_zh_site() / "book" / "glossary.html").read_text()
    ids = re.compile(r'<dt id="([^"]+)"')
    assert ids.findall(english) == ids.findall(chinese)
    terms = re.findall(r"<dt[^>]*>(.*?)</dt>", chinese, flags=re.S)
    assert terms and all(CJK.search(term) or "SVDD" in term or "LSTM" in term
                         or "ROC" in term for term in terms), terms


def test_every_english_page_links_to_its_translation():
    for page in toc_pages():
        text = (HTML / f"{page}.html").read_text()
        up = "../" * page.count("/")
        assert f'href="{up}zh/{page}.html" hreflang="zh-CN"' in text, page


def test_chinese_landing_page_says_figures_keep_english_labels():
    text = (_zh_site() / "book" / "index.html").read_text()
    assert re.search(r"<p>[^<]*图[^<]*英文", text), "the landing page must say it once"


def test_student_edition_has_no_language_switch():
    student = ROOT / "_build" / "student" / "_build" / "html" / "index.html"
    if not student.exists():
        pytest.skip("no student edition built")
    assert "language-switch" not in student.read_text()


def test_config_of_the_chinese_build_reuses_the_english_cache():
    config = i18n.zh_config(yaml.safe_load((ROOT / "_config.yml").read_text()))
    assert config["execute"]["cache"] == str(ROOT / "_build" / ".jupyter_cache")
    assert config["sphinx"]["config"]["language"] == "zh_CN"
    assert config["sphinx"]["config"]["html_search_language"] == "zh"


@pytest.mark.parametrize("page", toc_pages())
def test_course_aids_are_chinese_and_match_the_english(page):
    """Reading time and badges in Chinese; the same sections are "going further" in both.

    The course plan names sections by their English headings, which the Chinese build
    reads before the translation replaces them (book/_ext/course.py).
    """
    english = (HTML / f"{page}.html").read_text()
    chinese = (_zh_site() / f"{page}.html").read_text()
    badges = re.compile(r'course-badge (core|going-further)')
    assert badges.findall(english) == badges.findall(chinese)
    if "reading-time" in english:
        assert re.search(r'class="reading-time">阅读时间：约 \d+ 分钟', chinese)
    if "going-further" in badges.findall(english):
        assert "拓展" in chinese and "Going further" not in chinese
