"""A learner's live session: JupyterLab, a chapter, Run All, and a slider that redraws.

Starts JupyterLab the way `make lab` does (token off, bound to 127.0.0.1, a free port),
opens chapter 1 in Chromium, runs every cell, moves one slider of the explorer with the
keyboard, and checks that the explorer's plot changed (its image bytes differ). This
proves the widgets front-end and the kernel agree on versions, not only that a headless
kernel can build the widget objects.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHAPTER = "01_random_search.ipynb"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    port = free_port()
    home = tmp_path_factory.mktemp("lab-home")
    # Lab autosaves what it runs: serve a copy, so chapters/ keeps its stripped notebook.
    notebooks = home / "chapters"
    notebooks.mkdir()
    shutil.copy(ROOT / "chapters" / CHAPTER, notebooks / CHAPTER)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    jupyter = Path(sys.executable).parent / "jupyter"
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--notebook-dir={notebooks}",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.allow_root=True", "--LabApp.news_url=None",
         "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(home / "lab.log", "w"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited: {(home / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not answer within 90 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def explorer_image(page):
    """The src (PNG bytes, base64) of the image inside the explorer's output widget."""
    imgs = page.locator(".jp-OutputArea-output .widget-vbox img, .widget-output img")
    return imgs.first.get_attribute("src") if imgs.count() else None


SHOT = ROOT / "_build" / "screenshots" / "live-lab.png"


@pytest.fixture()
def page(browser):
    """A browser page; its screenshot is saved to _build/screenshots/live-lab.png at the end."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOT))
    page.close()


def test_slider_redraws_the_plot(lab, page):
    page.goto(f"{lab}/lab/tree/{CHAPTER}", wait_until="domcontentloaded")
    # A fresh Lab may ask which kernel to start: accept its choice (the venv's python3),
    # whenever the dialog shows up in front of an action.
    accept = page.locator(".jp-Dialog button.jp-mod-accept")
    page.add_locator_handler(page.locator(".jp-Dialog"), lambda dialog: accept.click())
    page.locator(".jp-Notebook").wait_for(timeout=60_000)
    try:
        accept.wait_for(timeout=15_000)
        accept.click()
    except Exception:  # no dialog: the kernel started by itself
        pass
    # wait for the kernel, then Run > Run All Cells
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    slider = page.locator(".widget-slider .noUi-handle").first
    slider.wait_for(timeout=300_000)
    page.wait_for_function(
        "() => document.querySelector('.widget-output img, .widget-vbox img') !== null",
        timeout=60_000)
    before = explorer_image(page)
    assert before and before.startswith("data:image/png"), "the explorer shows no plot"

    slider.scroll_into_view_if_needed()
    slider.focus()
    for _ in range(50):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "(b) => { const i = document.querySelector('.widget-output img, .widget-vbox img');"
        " return i && i.getAttribute('src') !== b; }", arg=before, timeout=30_000)
    after = explorer_image(page)
    assert after != before, "moving the slider did not change the plot"
