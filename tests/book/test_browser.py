"""The built website in a real browser: Playwright driving the system's Chromium.

The site in _build/html is served on 127.0.0.1; every request to any other address
is blocked and counted as a failure, so these tests also prove the site renders
offline. Screenshots of the landing page and of each chapter are saved in
_build/screenshots/ for review.

Accessibility: axe-core (from npm, `make axe`) is injected into every page, in the
light and in the dark colour scheme, and audits it against WCAG 2 A and AA; its
findings are also written to _build/axe-report.json.
"""

import functools
import gzip
import http.server
import json
import os
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml
from _book import HTML, ROOT, require_site, toc_pages

SCREENSHOTS = ROOT / "_build" / "screenshots"
PAGE_BUDGET_BYTES = 3_000_000  # total transfer of the heaviest page, gzip-compressed as
# any web server would send it (uncompressed, the theme's icon font alone is 1.5 MB)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]

AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa"]
AXE_REPORT = ROOT / "_build" / "axe-report.json"
MODES = ["light", "dark"]
PDF_NAME = "nn-anomaly-detection.pdf"  # `make pdf` copies the book's PDF into the site

pytestmark = pytest.mark.enable_socket  # a local web server, on 127.0.0.1 only


PAGES = toc_pages()


def _chromium():
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium",
                  shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    message = ("no Chromium found: install Debian's chromium (`apt-get install chromium`) "
               "or set CHROMIUM to a Chromium executable")
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server():
    require_site()
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def visits(server, browser):
    """Load every toc page once and record what happened."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    host = urlparse(server).netloc
    results = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked = []

    def route(route):
        if urlparse(route.request.url).netloc == host or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    for page_name in PAGES:
        page = context.new_page()
        errors, failed, sizes = [], [], []
        page.on("console", lambda msg, errors=errors: errors.append(msg.text)
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
        page.on("response", lambda response, failed=failed, sizes=sizes: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400
            else sizes.append(_sizes(response.body()))))
        start = len(blocked)
        page.goto(urljoin(server, f"{page_name}.html"), wait_until="load")
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        page.wait_for_load_state("networkidle")
        info = page.evaluate("""() => {
            const images = [...document.images].map(img => ({src: img.src, width: img.naturalWidth,
                                                             complete: img.complete}));
            const mathSource = document.querySelectorAll('.math, div.math, span.math').length;
            const typeset = document.querySelectorAll('mjx-container').length;
            const clone = document.querySelector('main, article, body').cloneNode(true);
            clone.querySelectorAll('pre, code, script, style, mjx-container, .highlight')
                 .forEach(node => node.remove());
            return {images, mathSource, typeset, text: clone.innerText};
        }""")
        shot = page_name.replace("/", "_")
        page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"))
        results[page_name] = {**info, "errors": list(errors), "failed": list(failed),
                              "blocked": blocked[start:],
                              "raw_bytes": sum(raw for raw, _ in sizes),
                              "bytes": sum(compressed for _, compressed in sizes)}
        page.close()
    context.close()
    return results


@pytest.mark.parametrize("page_name", PAGES)
def test_page_loads_without_errors_or_outside_requests(visits, page_name):
    visit = visits[page_name]
    assert visit["errors"] == [], f"console errors on {page_name}: {visit['errors']}"
    assert visit["failed"] == [], f"failed requests on {page_name}: {visit['failed']}"
    assert visit["blocked"] == [], f"{page_name} asked for outside addresses: {visit['blocked']}"


@pytest.mark.parametrize("page_name", PAGES)
def test_every_formula_is_typeset(visits, page_name):
    visit = visits[page_name]
    if visit["mathSource"]:
        assert visit["typeset"] >= visit["mathSource"], (
            f"{page_name}: {visit['mathSource']} formulas, {visit['typeset']} typeset")
    for raw in ("\\(", "\\[", "$$"):
        assert raw not in visit["text"], f"raw {raw!r} left in the text of {page_name}"


@pytest.mark.parametrize("page_name", PAGES)
def test_every_image_loaded(visits, page_name):
    broken = [image["src"] for image in visits[page_name]["images"]
              if not image["complete"] or image["width"] == 0]
    assert broken == [], f"images that did not load on {page_name}: {broken}"


def _sizes(body):
    """Bytes of a response as served here, and as a web server with gzip would send them."""
    return len(body), len(gzip.compress(body, compresslevel=6))


def test_heaviest_page_within_budget(visits):
    heaviest = max(visits, key=lambda name: visits[name]["bytes"])
    size, raw = visits[heaviest]["bytes"], visits[heaviest]["raw_bytes"]
    print(f"\n{len(visits)} pages; heaviest: {heaviest}, {size / 1e6:.2f} MB transferred with "
          f"gzip ({raw / 1e6:.2f} MB uncompressed)")
    assert size <= PAGE_BUDGET_BYTES, f"{heaviest} transfers {size} bytes compressed"


def test_math_is_present_and_typeset_somewhere(visits):
    assert sum(visit["typeset"] for visit in visits.values()) > 0


def test_screenshots_saved_for_every_page(visits):
    for page_name in PAGES:
        assert (SCREENSHOTS / f"{page_name.replace('/', '_')}.png").stat().st_size > 10_000


def test_search_finds_autoencoder(server, browser):
    page = browser.new_page()
    page.goto(urljoin(server, "search.html?q=autoencoder"), wait_until="load")
    page.wait_for_selector("#search-results li", timeout=20_000)
    assert page.locator("#search-results li").count() >= 1
    page.close()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


@functools.cache
def _parse(path):
    parser = _Links()
    parser.feed(path.read_text(errors="replace"))
    return parser


def _pdf_expected():
    return bool(os.environ.get("REQUIRE_PDF")) or shutil.which("xelatex") is not None


@pytest.mark.parametrize("page_name", PAGES)
def test_internal_links_and_anchors_resolve(page_name):
    require_site()
    source = HTML / f"{page_name}.html"
    broken = []
    for href in _parse(source).links:
        parsed = urlparse(href)
        if parsed.scheme or href.startswith(("mailto:", "//", "javascript:")):
            continue
        target = source if not parsed.path else (source.parent / unquote(parsed.path)).resolve()
        if target.is_dir():
            target = target / "index.html"
        if target.name == PDF_NAME and not target.exists() and not _pdf_expected():
            continue  # no XeLaTeX here, so no PDF to link to (tests/book/test_pdf.py says so)
        if not target.exists():
            broken.append(href)
        elif parsed.fragment and target.suffix == ".html" and \
                unquote(parsed.fragment) not in _parse(target).ids:
            broken.append(href)
    assert broken == [], f"broken links on {page_name}: {broken}"


def test_launch_buttons_point_at_the_notebook():
    require_site()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repository = config["repository"]["url"].removeprefix("https://github.com/")
    text = (HTML / "book" / "05_project.html").read_text()
    binder = re.search(r'href="(https://mybinder\.org/v2/gh/[^"]+)"', text)
    assert binder and "book/05_project.ipynb" in unquote(binder.group(1))
    assert repository in binder.group(1)
    colab = re.search(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', text)
    assert colab and colab.group(1).endswith(f"{repository}/blob/main/book/05_project.ipynb")
    # No hub button unless _config.yml names a course's hub (tests/book/test_launch_paths.py
    # checks the link the theme builds when one is set).
    assert bool(config["launch_buttons"]["jupyterhub_url"]) == ("/hub/user-redirect/" in text)
    assert "_sources/book/05_project.ipynb" in text  # the .ipynb download button


def _axe_source():
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE}): run `make axe` (needs npm)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text()


def _only_local(context, host):
    def route(route):
        url = route.request.url
        if urlparse(url).netloc == host or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)


AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                            resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ')),
        details: v.nodes.slice(0, 5).map(n => n.failureSummary)}));
}"""


def audit_pages(server, browser, pages, report=AXE_REPORT):
    """axe-core's WCAG 2 A/AA violations on ``pages``, in light and in dark mode.

    Each page is loaded once, audited in light mode, switched to the dark theme
    (as its theme button does) and audited again.
    """
    source = _axe_source()
    results = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme="light")
    _only_local(context, urlparse(server).netloc)
    for page_name in pages:
        page = context.new_page()
        page.goto(urljoin(server, f"{page_name}.html"), wait_until="load")
        page.evaluate("() => window.MathJax && MathJax.startup ? "
                      "MathJax.startup.promise : null")
        page.add_script_tag(content=source)
        # Colours are checked as they end, not halfway through the theme's transitions.
        page.add_style_tag(content="*, *::before, *::after "
                                   "{ transition: none !important; animation: none !important; }")
        for mode in MODES:
            page.evaluate("(mode) => { document.documentElement.dataset.mode = mode;"
                          " document.documentElement.dataset.theme = mode; }", mode)
            theme = page.evaluate("() => getComputedStyle(document.documentElement)"
                                  ".colorScheme")
            results[(mode, page_name)] = {"theme": theme,
                                          "violations": page.evaluate(AXE_RUN, AXE_TAGS)}
        page.close()
    context.close()
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(
        [{"mode": mode, "page": page_name, **result}
         for (mode, page_name), result in results.items()], indent=1))
    return results


@pytest.fixture(scope="module")
def audits(server, browser):
    return audit_pages(server, browser, PAGES)


def _describe(violations):
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(f"  {violation['id']} ({violation['impact']}): {len(nodes)} elements, "
                     f"{violation['help']}; e.g. {nodes[:3]}")
        lines += [f"      {detail}".replace("\n", " ") for detail in violation["details"][:2]]
    return "\n".join(lines)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_meets_wcag_2_aa(audits, mode, page_name):
    audit = audits[(mode, page_name)]
    assert audit["theme"] == mode, f"{page_name} is not in {mode} mode: {audit['theme']}"
    violations = audit["violations"]
    count = sum(len(violation["nodes"]) for violation in violations)
    if violations:
        pytest.fail(f"axe-core: {count} elements on {page_name} ({mode} mode) fail WCAG 2 "
                    f"A/AA (all pages: {AXE_REPORT}):\n{_describe(violations)}", pytrace=False)
