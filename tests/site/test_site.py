"""The static website as a reader sees it, in a real browser, with no network.

For every page of _toc.yml: no console errors, no request leaving 127.0.0.1, math
typeset by the local MathJax. For every chapter also: a figure, a frame player whose
frame changes when its step button is clicked, and an exercise whose collapsed solution
opens on click. A full-page screenshot of each page goes to _build/screenshots/.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from browser_support import ROOT, toc_pages

SHOTS = ROOT / "_build" / "screenshots"
PAGES = toc_pages()


@pytest.fixture()
def visit(site, browser):
    """Open a page, recording console errors and every request that leaves 127.0.0.1."""
    opened = []

    def open_page(path):
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
        page.goto(f"{site}/{path}", wait_until="load")
        # MathJax typesets asynchronously; wait until it says it is done.
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_is_self_contained_and_typeset(visit, path):
    page = visit(path)
    assert page.outside == [], f"{path} requested outside 127.0.0.1: {page.outside}"
    assert page.errors == [], f"{path} logged console errors: {page.errors}"
    assert page.locator("mjx-container").count() > 0, f"{path}: no math typeset by MathJax"
    assert page.locator("mjx-merror").count() == 0, f"{path}: MathJax reported a TeX error"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (path.replace("/", "__").replace(".html", ".png"))),
                    full_page=True)


CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]


@pytest.mark.parametrize("path", CHAPTERS)
def test_chapter_has_figures(visit, path):
    page = visit(path)
    figures = page.locator(".cell_output img")
    assert figures.count() >= 1, f"{path}: no figure in the cell outputs"
    widths = figures.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), f"{path}: a figure did not load ({widths})"


@pytest.mark.parametrize("path", CHAPTERS)
def test_frame_player_steps(visit, path):
    page = visit(path)
    players = page.locator("img[id^='_anim_img']")
    assert players.count() >= 1, f"{path}: no frame player (kernel-free twin)"
    for i in range(players.count()):
        img = players.nth(i)
        anim_id = img.get_attribute("id").removeprefix("_anim_img")
        before = img.get_attribute("src")
        page.locator(f"button[onclick='anim{anim_id}.next_frame()']").click()
        after = img.get_attribute("src")
        assert after != before, f"{path}: player {i} did not change frame on 'next frame'"


@pytest.mark.parametrize("path", CHAPTERS)
def test_exercise_solution_opens(visit, path):
    page = visit(path)
    assert page.locator(".exercise").count() >= 1, f"{path}: no exercise"
    solutions = page.locator(".solution.dropdown")
    assert solutions.count() >= 1, f"{path}: no dropdown solution"
    first = solutions.first
    body = first.locator("section").first
    assert not body.is_visible(), f"{path}: the solution is shown before it is asked for"
    first.locator("button.toggle-button").click()   # the "Click to show" control
    body.wait_for(state="visible", timeout=5000)
    assert body.is_visible(), f"{path}: the solution did not open on click"
