"""The built website (`make test` builds it before running pytest).

Without a built site these tests skip, unless REQUIRE_SITE is set (CI sets it).
"""

import re

import pytest
from _book import require_site, toc_pages

NOISE = [  # TensorFlow's start-up lines and other stderr noise that must never reach a page
    "oneDNN custom operations", "Could not find cuda drivers", "cuInit", "cudart_stub",
    "WARNING:tensorflow", "absl::InitializeLog", "IProgress not found",
]  # (Python warnings cannot reach a page: the build turns any stderr output into an error)


@pytest.fixture(scope="module")
def site():
    return require_site()


@pytest.mark.parametrize("page", toc_pages())
def test_every_toc_page_is_built_without_noise(site, page):
    path = site / f"{page}.html"
    assert path.exists(), f"{page} was not built"
    text = path.read_text()
    for needle in NOISE:
        assert needle not in text, f"{page}.html contains {needle!r}"


def test_landing_page_and_title(site):
    assert 'url=book/index.html' in (site / "index.html").read_text()  # the root redirects
    text = (site / "book" / "index.html").read_text()
    assert "Neural-Network Anomaly Detection" in text
    assert "2026" in text


def test_project_chapter_shows_outputs_figures_and_tables(site):
    text = (site / "book" / "05_project.html").read_text()
    assert len(re.findall(r"<img [^>]*src=\"[^\"]+\.png\"", text)) >= 5
    assert "<table" in text
    assert "Computed output size would be zero or negative" in text  # the article's real error
    assert "Total params" in text  # model.summary()
    assert "± " in text  # the ten-digit table, mean ± std
