"""`make lab`: a chapter in JupyterLab, with jupyterlab-myst, in a real browser.

JupyterLab starts as CI runs it (as root, hence ``--allow-root``), on 127.0.0.1 with a
token, on a copy of ``01_background`` (the fastest chapter; it has an admonition,
three exercises with their solutions, and glued numbers) in an empty folder.
Playwright drives Debian's Chromium: the test runs every cell, then checks that the
MyST markup is rendered (admonitions, exercises) and that no raw directive is left in
the rendered Markdown (the page also holds each cell's source, in the editors, which
is not looked at). It cannot show how a reader's own JupyterLab is configured.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = "01_background"
sys.path.insert(0, str(ROOT / "tests"))
from test_browser import CHROMIUM_FLAGS, _chromium  # noqa: E402  (one browser discovery)

pytestmark = [pytest.mark.slow, pytest.mark.enable_socket]  # JupyterLab on 127.0.0.1 only


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a folder holding one chapter; yields (base URL, token)."""
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "book" / f"{CHAPTER}.ipynb", folder)
    # Render every cell, not only those in view, so that the whole page can be read.
    settings = folder.parent / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings.parents[1]),
           "JUPYTER_RUNTIME_DIR": str(folder.parent / "runtime")}
    log = (folder.parent / "lab.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"JupyterLab did not start: {(folder.parent / 'lab.log').read_text()}")
            time.sleep(0.5)
    yield base, token
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def page(lab):
    base, token = lab
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/lab/tree/{CHAPTER}.ipynb?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=60_000)
        page.wait_for_function("() => window.jupyterapp && "
                               "window.jupyterapp.shell.currentWidget && "
                               "window.jupyterapp.shell.currentWidget.sessionContext.session",
                               timeout=60_000)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # Done when every code cell has a number and the kernel is idle.
        page.wait_for_function("""() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const cells = panel.content.widgets.filter(c => c.model.type === 'code');
            return panel.sessionContext.session.kernel.status === 'idle' &&
                   cells.every(c => c.model.executionCount !== null);
        }""", timeout=240_000, polling=500)
        yield page
        context.close()
        browser.close()


def _rendered_markdown(page):
    """The text of every Markdown cell as jupyterlab-myst rendered it (not its editor)."""
    return page.eval_on_selector_all(".jp-MarkdownCell.jp-mod-rendered .myst",
                                     "nodes => nodes.map(n => n.innerText)")


def test_every_cell_ran_without_an_error(page):
    errors = page.eval_on_selector_all(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-OutputArea-output.jp-mod-error", "nodes => nodes.map(n => n.innerText)")
    assert errors == []


def test_markdown_cells_are_rendered_without_raw_directives(page):
    texts = _rendered_markdown(page)
    assert len(texts) > 10
    leftovers = [text for text in texts
                 if any(raw in text for raw in (":::{", "```{", "{exercise", "{solution",
                                                "{admonition}", ":label:", ":class:"))]
    assert leftovers == []


def test_markdown_cells_are_all_rendered_by_jupyterlab_myst(page):
    markdown_cells = page.locator(".jp-MarkdownCell").count()
    assert markdown_cells > 10
    assert len(_rendered_markdown(page)) == markdown_cells


def test_admonitions_and_exercises_are_rendered(page):
    assert page.locator(".jp-MarkdownCell aside.myst-admonition").count() >= 1
    exercises = page.locator(".jp-MarkdownCell aside.myst-exercise[id^='ex-']")
    assert exercises.count() == 3
    titles = page.eval_on_selector_all(".jp-MarkdownCell .myst-exercise-title",
                                       "nodes => nodes.map(n => n.innerText)")
    assert [t for t in titles if t.startswith("Exercise")] == [
        "Exercise 1", "Exercise 2", "Exercise 3"]
    assert sum("Solution to Exercise" in t for t in titles) == 3


def test_glued_numbers_show_their_keys(page):
    """jupyterlab-myst does not resolve {glue:text}: it shows the key, which must read well."""
    text = "\n".join(_rendered_markdown(page))
    assert "The payment lies payment_z:.1f standard deviations" in text
