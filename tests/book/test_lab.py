"""`make lab`: a chapter in JupyterLab, with jupyterlab-myst, in a real browser.

``make lab`` starts JupyterLab on ``book/`` (as root in CI: the Makefile adds
``--allow-root``), here on 127.0.0.1 with a token and without autosave. The test opens
``01_background`` (the fastest chapter; it has an admonition, three exercises with
their solutions, and glued numbers).
Playwright drives Debian's Chromium: the test runs every cell, then checks that the
MyST markup is rendered (admonitions, exercises) and that no raw directive is left in
the rendered Markdown (the page also holds each cell's source, in the editors, which
is not looked at). It cannot show how a reader's own JupyterLab is configured.
"""

import json
import os
import secrets
import signal
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
    """`make lab` on book/, on 127.0.0.1 with a token; yields (base URL, token)."""
    work = tmp_path_factory.mktemp("lab")
    chapter = ROOT / "book" / f"{CHAPTER}.ipynb"
    committed = chapter.read_bytes()
    # Render every cell, not only those in view, so that the whole page can be read;
    # never save: the chapter is the committed file, and must stay without outputs.
    settings = work / "settings" / "@jupyterlab"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                           "docmanager-extension/plugin": {"autosave": False}}.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings.parent),
           "JUPYTER_RUNTIME_DIR": str(work / "runtime")}
    options = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} "
               f"--IdentityProvider.token={token} --LabApp.expose_app_in_browser=True "
               "--LabApp.news_url=None "
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
    log_path = work / "lab.log"
    log = log_path.open("w")
    # `-o` keeps make from reinstalling .venv here (make test has just checked it).
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "lab",
         f"LAB_ARGS={options}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                _stop(process)
                pytest.fail(f"`make lab` did not start JupyterLab: {log_path.read_text()}")
            time.sleep(0.5)
    yield base, token
    _stop(process)
    log.close()
    assert chapter.read_bytes() == committed, "JupyterLab changed the committed chapter"


def test_make_lab_runs_as_root(lab):
    """JupyterLab refuses root without --allow-root; the Makefile adds it for uid 0 only."""
    command = subprocess.run(["make", "-n", "-o", ".venv/.installed", "lab"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    assert ("--allow-root" in command) == (os.geteuid() == 0)


def _stop(process):
    """Stop make and the JupyterLab it started (their own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


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
