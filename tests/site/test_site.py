"""The static website as a reader sees it, in a real browser, with no network.

For every page of _toc.yml: no console errors, no request leaving 127.0.0.1, math
typeset by the local MathJax. For every chapter also: a figure, a frame player whose
frame changes when its step button is clicked, an exercise whose collapsed solution
opens on click, and a working .ipynb download. A full-page screenshot of each page goes to _build/screenshots/.

Each page is loaded once and every check runs on it; a failing page reports all of its
failed checks together.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from browser_support import ROOT, toc_pages

SHOTS = ROOT / "_build" / "screenshots"
PAGES = toc_pages()


def open_page(browser, url):
    """Load a page, recording console errors and every request that leaves 127.0.0.1."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.errors, page.outside = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            page.outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(url, wait_until="load")
    # MathJax typesets asynchronously; wait until it says it is done.
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")
    return page


def self_contained_and_typeset(page):
    problems = []
    if page.outside:
        problems.append(f"requests outside 127.0.0.1: {page.outside}")
    if page.errors:
        problems.append(f"console errors: {page.errors}")
    if page.locator("mjx-container").count() == 0:
        problems.append("no math typeset by MathJax")
    if page.locator("mjx-merror").count():
        problems.append("MathJax reported a TeX error")
    return problems


def has_figures(page):
    figures = page.locator(".cell_output img")
    if figures.count() == 0:
        return ["no figure in the cell outputs"]
    widths = figures.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    return [] if all(w > 0 for w in widths) else [f"a figure did not load (widths {widths})"]


def frame_players_step(page):
    players = page.locator("img[id^='_anim_img']")
    if players.count() == 0:
        return ["no frame player (kernel-free twin)"]
    problems = []
    for i in range(players.count()):
        img = players.nth(i)
        anim_id = img.get_attribute("id").removeprefix("_anim_img")
        before = img.get_attribute("src")
        page.locator(f"button[onclick='anim{anim_id}.next_frame()']").click()
        if img.get_attribute("src") == before:
            problems.append(f"frame player {i} did not change frame on 'next frame'")
    return problems


def solution_opens(page):
    if page.locator(".exercise").count() == 0:
        return ["no exercise"]
    solutions = page.locator(".solution.dropdown")
    if solutions.count() == 0:
        return ["no dropdown solution"]
    first = solutions.first
    body = first.locator("section").first
    if body.is_visible():
        return ["a solution is shown before it is asked for"]
    first.locator("button.toggle-button").click()   # the "Click to show" control
    try:
        body.wait_for(state="visible", timeout=5000)
    except Exception:
        return ["a solution did not open on click"]
    return []


def notebook_downloads(page):
    links = page.locator("a[href$='.ipynb']")
    if links.count() == 0:
        return ["no download (.ipynb) button"]
    url = links.first.evaluate("a => a.href")
    response = page.request.get(url)
    if not response.ok or b'"cells"' not in response.body():
        return [f"the .ipynb download {url} does not serve the notebook ({response.status})"]
    return []


@pytest.mark.parametrize("path", PAGES)
def test_page(site, browser, path):
    page = open_page(browser, f"{site}/{path}")
    try:
        problems = self_contained_and_typeset(page)
        if path.startswith("chapters/"):
            for check in (has_figures, frame_players_step, solution_opens, notebook_downloads):
                problems += check(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / path.replace("/", "__").replace(".html", ".png")),
                        full_page=True)
    finally:
        page.close()
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)
