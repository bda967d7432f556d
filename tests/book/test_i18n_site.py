"""The Chinese site (_build/html/zh) in a real browser, as test_browser.py checks the English.

Every page of the Chinese table of contents loads offline with no console error,
its formulas typeset and its images loaded; no paragraph of its prose is left in
English (code, outputs, names and the reference list excepted); it passes the
same WCAG 2 A/AA audit; the language switch leads to the same page in the other
language and back; and the Chinese search finds the section that teaches
autoencoders when asked for 自编码器.
"""
# The fixtures `server` and `browser` come from test_browser.py (one server for both
# sites, so the language switch can be followed), which ruff reads as redefinitions:
# ruff: noqa: F811

import re
from urllib.parse import unquote, urljoin, urlparse

import pytest
from _book import HTML, ROOT, require_site, toc_pages
from test_browser import (  # noqa: F401  (the fixtures)
    AXE_REPORT,
    MODES,
    _describe,
    audit_pages,
    browser,
    server,
)

pytestmark = pytest.mark.enable_socket  # a local web server, on 127.0.0.1 only

ZH_TOC = ROOT / "locales" / "zh_CN" / "_toc.yml"
ZH_AXE_REPORT = AXE_REPORT.with_name("axe-report-zh.json")


PAGES = toc_pages(ZH_TOC)

# Text that stays English in the Chinese edition: code, outputs, formulas, the reference
# list, the theme's navigation, figures' own labels.
COLLECT = """() => {
    const article = document.querySelector('article') || document.body;
    const clone = article.cloneNode(true);
    clone.querySelectorAll('pre, code, script, style, mjx-container, .highlight, '
        + '.cell_output, .output, .citation, .footnote, .bibliography, '
        + 'div.docutils.container[id^="id"], .language-switch, .headerlink, '
        + 'figure img, table.dataframe, .pasted-text, .bibtex-citation')
         .forEach(node => node.remove());
    const blocks = [...clone.querySelectorAll('p, li, dt, dd, h1, h2, h3, h4, th, '
                                               + 'caption, figcaption')]
        .filter(node => !node.querySelector('p, li'))
        .map(node => node.innerText.trim());
    const images = [...document.images].map(img => ({src: img.src,
        width: img.naturalWidth, complete: img.complete}));
    return {blocks, images,
            mathSource: document.querySelectorAll('.math, div.math, span.math').length,
            typeset: document.querySelectorAll('mjx-container').length,
            lang: document.documentElement.lang};
}"""


def _untranslated(block):
    """Whether a block of text is English prose: three or more English words, no Chinese."""
    if re.search(r"[\u4e00-\u9fff]", block) or len(block.split()) < 2:
        return False  # Chinese, or one token (a page's name in the execution table)
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"https?://\S+", "", block))
    return len(words) >= 4


@pytest.fixture(scope="module")
def zh_visits(server, browser):
    require_site()
    if not (HTML / "zh" / "index.html").exists():
        pytest.fail("the Chinese edition is not built: `make html` builds _build/html/zh")
    host = urlparse(server).netloc
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    blocked, results = [], {}

    def route(route):
        if urlparse(route.request.url).netloc == host or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    for page_name in PAGES:
        page = context.new_page()
        errors, failed = [], []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text)
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
        page.on("response", lambda response, failed=failed: failed.append(
            f"{response.status} {response.url}") if response.status >= 400 else None)
        start = len(blocked)
        page.goto(urljoin(server, f"zh/{page_name}.html"), wait_until="load")
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        page.wait_for_load_state("networkidle")
        results[page_name] = {**page.evaluate(COLLECT), "errors": list(errors),
                              "failed": list(failed), "blocked": blocked[start:]}
        page.close()
    context.close()
    return results


@pytest.mark.parametrize("page_name", PAGES)
def test_chinese_page_loads_offline_without_errors(zh_visits, page_name):
    visit = zh_visits[page_name]
    assert visit["lang"] == "zh-CN"
    assert visit["errors"] == [], f"console errors on zh/{page_name}: {visit['errors']}"
    assert visit["failed"] == [], f"failed requests on zh/{page_name}: {visit['failed']}"
    assert visit["blocked"] == [], f"zh/{page_name} asked for outside addresses"


@pytest.mark.parametrize("page_name", PAGES)
def test_chinese_page_has_formulas_typeset_and_images_loaded(zh_visits, page_name):
    visit = zh_visits[page_name]
    if visit["mathSource"]:
        assert visit["typeset"] >= visit["mathSource"], (
            f"zh/{page_name}: {visit['mathSource']} formulas, {visit['typeset']} typeset")
    broken = [image["src"] for image in visit["images"]
              if not image["complete"] or image["width"] == 0]
    assert broken == [], f"images that did not load on zh/{page_name}: {broken}"


@pytest.mark.parametrize("page_name", [p for p in PAGES if p != "book/bibliography"])
def test_no_paragraph_of_prose_is_left_in_english(zh_visits, page_name):
    left = [block for block in zh_visits[page_name]["blocks"] if _untranslated(block)]
    assert left == [], f"English prose on zh/{page_name}: {left[:5]}"


def test_the_untranslated_prose_check_can_fail():
    assert _untranslated("The autoencoder learns to reconstruct normal data.")
    assert not _untranslated("自编码器学习重构正常数据（autoencoder）。")
    assert not _untranslated("ROC-AUC 0.998")
    assert not _untranslated("book/03_cnn_step_by_step")


def _switch_links(path):
    text = path.read_text()
    nav = re.search(r'<nav class="language-switch".*?</nav>', text, flags=re.S)
    assert nav, f"no language switch on {path}"
    return re.findall(r'<a class="language-switch-link" href="([^"]+)" hreflang="([^"]+)"',
                      nav.group(0))


@pytest.mark.parametrize("page_name", toc_pages())
def test_language_switch_round_trips(page_name):
    require_site()
    english = HTML / f"{page_name}.html"
    [(href, lang)] = _switch_links(english)
    assert lang == "zh-CN"
    chinese = (english.parent / unquote(href)).resolve()
    assert chinese == (HTML / "zh" / f"{page_name}.html").resolve(), href
    [(back, lang)] = _switch_links(chinese)
    assert lang == "en"
    assert (chinese.parent / unquote(back)).resolve() == english.resolve(), back
    assert '<link rel="alternate" hreflang="en"' in chinese.read_text()


def test_language_switch_works_in_the_browser(server, browser):
    page = browser.new_page()
    page.goto(urljoin(server, "book/05_project.html"), wait_until="load")
    page.click('nav.language-switch a[hreflang="zh-CN"]')
    page.wait_for_load_state("load")
    assert page.url.endswith("/zh/book/05_project.html")
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    page.click('nav.language-switch a[hreflang="en"]')
    page.wait_for_load_state("load")
    assert urlparse(page.url).path == "/book/05_project.html"
    page.close()


def test_chinese_search_finds_the_autoencoder_section(server, browser):
    page = browser.new_page()
    page.goto(urljoin(server, "zh/search.html?q=自编码器"), wait_until="load")
    page.wait_for_selector("#search-results li", timeout=20_000)
    links = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.href)")
    page.close()
    assert any("book/02_concepts.html" in link for link in links), links


@pytest.fixture(scope="module")
def zh_audits(server, browser):
    require_site()
    return audit_pages(server, browser, [f"zh/{page}" for page in PAGES],
                       report=ZH_AXE_REPORT)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_name", PAGES)
def test_chinese_page_meets_wcag_2_aa(zh_audits, mode, page_name):
    audit = zh_audits[(mode, f"zh/{page_name}")]
    assert audit["theme"] == mode
    if audit["violations"]:
        pytest.fail(f"axe-core on zh/{page_name} ({mode} mode), all pages in "
                    f"{ZH_AXE_REPORT}:\n{_describe(audit['violations'])}", pytrace=False)
