"""Shared by the browser tests (tests/site, tests/live): a built site served on 127.0.0.1
and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# BOOK_HTML: test another build of the site (e.g. one made with --path-output).
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without these flags Chromium phones home at start, and this machine's closed network
# answers with a burst of refused connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-quic"]


def toc_pages():
    """Every page of _toc.yml as its HTML path relative to the site root."""
    from test_book import toc_files

    return [f"{entry}.html" for entry in toc_files()]


@pytest.fixture(scope="session")
def site():
    """The built book, served by a local HTTP server; yields its base URL."""
    if not (HTML / "index.html").exists():
        subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT)],
                       check=True)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs it "
                    "(apt-get install chromium); or set CHROMIUM=/path/to/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
