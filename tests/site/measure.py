"""The numbers behind tests/site, per page, for a built site (before/after comparisons):

    BOOK_HTML=path/to/_build/html python tests/site/measure.py

axe-core serious+critical WCAG 2 A/AA violations (rules and elements), images without real
alt text, kernel-free players and their controls, sideways scroll at 390 px, figures on a
dark background in the dark theme.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from browser_support import CHROMIUM, CHROMIUM_ARGS, HTML, toc_pages  # noqa: E402
from test_site import (DARK_FIGURES, PHONE, PHONE_LAYOUT, WCAG, images_have_alt,  # noqa: E402
                       open_page)


def main():
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    total = Counter()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"{'page':40s} axe-rules axe-nodes no-alt players controls sideways dark-figs")
        for path in toc_pages():
            page = open_page(browser, f"{base}/{path}")
            res = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
            bad = [v for v in res.response["violations"] if v["impact"] in ("serious", "critical")]
            rules = Counter({v["id"]: len(v["nodes"]) for v in bad})
            noalt = len(images_have_alt(page))
            players = page.locator("figure.ol-player").count() + \
                page.locator("img[id^='_anim_img']").count()
            controls = page.locator("figure.ol-player [data-ol-control]").count() + \
                page.locator("input[id^='_anim_slider']").count()
            page.close()
            page = open_page(browser, f"{base}/{path}", viewport=PHONE)
            sideways = page.evaluate(PHONE_LAYOUT)["sideways"]
            page.close()
            page = open_page(browser, f"{base}/{path}", color_scheme="dark")
            dark = len(page.evaluate(DARK_FIGURES)["dark"])
            page.close()
            nodes = sum(rules.values())
            total.update({"rules": len(rules), "nodes": nodes, "noalt": noalt,
                          "players": players, "controls": controls, "dark": dark,
                          "sideways_pages": sideways > 1})
            print(f"{path:40s} {len(rules):9d} {nodes:9d} {noalt:6d} {players:7d} {controls:8d} "
                  f"{sideways:8d} {dark:9d}  {dict(rules)}", flush=True)
        browser.close()
    print("total", dict(total))
    server.shutdown()


if __name__ == "__main__":
    main()
