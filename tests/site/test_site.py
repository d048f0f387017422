"""The static website as every reader sees it, in a real browser, with no network.

For every page of _toc.yml:
- no console errors, no request leaving 127.0.0.1, math typeset by the local MathJax;
- accessible: axe-core (bundled by axe-playwright-python) finds no serious or critical
  violation of WCAG 2 A/AA (2.0, 2.1, 2.2 tags), in the light and in the dark theme; every
  image has alt text that says something (not a file name);
- phone (390 px wide): the page does not scroll sideways; every figure and player fits
  inside the viewport (nothing hides past the right edge in a scroll box; a wide table
  scrolls, its caption stays in view; every displayed equation fits); a tap on a wide
  figure shows it at its full size (and a second tap fits it again);
- dark theme: every figure sits on a light background (and a player's overlay stays
  transparent over its base picture).
For every chapter also: a figure; one kernel-free player per ``.twin(`` / animation call
of the notebook, each with every control labelled and showing its value, and every control
changes the picture and its value; an exercise whose collapsed solution opens on click;
a working .ipynb download.

``test_page_weight``: a chapter page (its HTML plus every image it loads) weighs at most
1.5 MB, and no page embeds ipywidgets state. ``python tests/site/page_weight.py`` prints
the table. A full-page screenshot of each page goes to _build/screenshots/.

Each page is loaded once per viewport and every check runs on it; a failing page reports
all of its failed checks together.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser_support import HTML, ROOT, toc_pages

sys.path.insert(0, str(Path(__file__).parent))
from page_weight import LIMIT, weigh  # noqa: E402

SHOTS = ROOT / "_build" / "screenshots"
PAGES = toc_pages()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
# a call in a chapter that puts a kernel-free player on the page (pyplot's plt.show() is not one)
PLAYER_CALL = re.compile(r"(?<!fused)\.twin\(|(?<!plt)\.show\(|\banimate_runs\(|\banimate_race\(|"
                         r"\bframe_player\(")


def open_page(browser, url, viewport=None, color_scheme="light"):
    """Load a page, recording console errors and every request that leaves 127.0.0.1."""
    page = browser.new_page(viewport=viewport or {"width": 1200, "height": 900},
                            color_scheme=color_scheme)
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
    # MathJax typesets asynchronously; wait until it says it is done (a page without math,
    # like the cheat sheet, does not load it).
    if page.evaluate("!!document.querySelector('script[src*=\"mathjax\"]')"):
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")
    return page


def self_contained_and_typeset(page):
    problems = []
    if page.outside:
        problems.append(f"requests outside 127.0.0.1: {page.outside}")
    if page.errors:
        problems.append(f"console errors: {page.errors}")
    has_math = page.locator(".math").count() > 0
    if has_math and page.locator("mjx-container").count() == 0:
        problems.append("no math typeset by MathJax")
    if page.locator("mjx-merror").count():
        problems.append("MathJax reported a TeX error")
    return problems


def axe_clean(page, theme="light"):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    return [f"axe ({theme}): {v['id']} ({v['impact']}) x{len(v['nodes'])}: {v['help']}; e.g. "
            f"{v['nodes'][0]['target']}" for v in bad]


def images_have_alt(page):
    # (a player's base picture is decorative: its overlay above carries the alt text)
    alts = page.locator("article img:not([aria-hidden='true'])").evaluate_all(
        "imgs => imgs.map(i => [i.getAttribute('alt') || '', i.getAttribute('src') || ''])")
    problems = []
    for alt, src in alts:
        name = src.rsplit("/", 1)[-1]
        if len(alt.strip()) < 8 or (name and alt.endswith(name[-20:])) or \
                re.search(r"\b[0-9a-f]{32,}\b", alt):
            problems.append(f"an image without real alt text: alt={alt[:60]!r} src={src[:60]!r}")
    return problems


def has_figures(page):
    figures = page.locator(".cell_output img")
    if figures.count() == 0:
        return ["no figure in the cell outputs"]
    widths = figures.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    return [] if all(w > 0 for w in widths) else [f"a figure did not load (widths {widths})"]


def is_numbered_chapter(path):
    """chapters/05_sgd.html or chapters/A_cost_of_a_step.html; not chapters/cheat_sheet.html."""
    return re.match(r"(\d+|[A-Z])_", path.split("/")[-1]) is not None


def players_expected(path):
    notebook = ROOT / path.replace(".html", ".ipynb")
    if not notebook.exists():
        return 0
    cells = json.loads(notebook.read_text())["cells"]
    return sum(len(PLAYER_CALL.findall("".join(c["source"]))) for c in cells
               if c["cell_type"] == "code" and "remove-cell" not in c["metadata"].get("tags", [])
               and "remove-output" not in c["metadata"].get("tags", []))


def players_work(page, expected):
    """Every control of every player is labelled, shows its value, and changes the picture."""
    players = page.locator("figure.ol-player")
    problems = []
    if players.count() < expected:
        problems.append(f"{players.count()} kernel-free players, expected {expected} "
                        "(one per .twin( / animation call)")
    for p in range(players.count()):
        player = players.nth(p)
        img = player.locator("img.ol-img")
        controls = player.locator("[data-ol-control]")
        if controls.count() == 0:
            problems.append(f"player {p} has no control")
        for c in range(controls.count()):
            control = controls.nth(c)
            cid = control.get_attribute("id")
            label = player.locator(f'label[for="{cid}"]')
            output = player.locator(f'output[for="{cid}"]')
            if label.count() != 1 or not label.inner_text().strip():
                problems.append(f"player {p} control {c} has no label")
                continue
            if output.count() != 1 or not output.inner_text().strip():
                problems.append(f"player {p} control {c} ({label.inner_text()}) shows no value")
                continue
            name = label.inner_text().strip()
            is_select = control.evaluate("e => e.tagName") == "SELECT"
            n = control.locator("option").count() if is_select else \
                int(control.get_attribute("max")) + 1
            start = control.input_value()
            before = (img.get_attribute("src"), output.inner_text())
            changed = False
            for position in [str(i) for i in range(n) if str(i) != start]:
                if is_select:
                    control.select_option(position)
                else:
                    control.fill(position)
                after = (img.get_attribute("src"), output.inner_text())
                if after[1] == before[1]:
                    problems.append(f"player {p} control {name!r}: its value did not change")
                    break
                if after[0] != before[0]:
                    changed = True
                    break
            if not changed and n > 1:
                problems.append(f"player {p} control {name!r} never changed the picture")
            if not img.get_attribute("alt", timeout=1000):
                problems.append(f"player {p}: a frame without alt text")
            (control.select_option(start) if is_select else control.fill(start))
            if img.get_attribute("src") != before[0]:
                problems.append(f"player {p} control {name!r}: moving back did not restore "
                                "the picture")
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


PHONE_LAYOUT = """() => {
  const vw = document.documentElement.clientWidth;
  const out = {sideways: document.documentElement.scrollWidth - vw, cut: [], zoom: [], math: []};
  // a displayed equation fits the screen (MathJax would scroll it in its box): stack it instead
  for (const m of document.querySelectorAll('article mjx-container[display="true"]'))
    if (m.clientWidth > 0 && m.scrollWidth > m.clientWidth + 2)
      out.math.push(`${m.scrollWidth} px in ${m.clientWidth}: ` + (m.textContent || '').slice(0, 40));
  const items = document.querySelectorAll(
      'article .cell_output img, article figure.ol-player, article .ol-controls, article table > caption');
  for (const el of items) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.left < -1 || r.right > vw + 1)
      out.cut.push((el.getAttribute('alt') || el.className).slice(0, 50));
  }
  // a tap shows a wide figure whole, a second tap fits it again
  const wide = [...document.querySelectorAll('article .cell_output img.ol-wide')]
      .filter(img => img.naturalWidth > vw).slice(0, 3);
  for (const img of wide) {
    const fitted = img.getBoundingClientRect().width;
    img.click();
    const zoomed = img.getBoundingClientRect().width;
    img.click();
    const back = img.getBoundingClientRect().width;
    if (!(zoomed >= 0.99 * img.naturalWidth && Math.abs(back - fitted) < 1))
      out.zoom.push(`${Math.round(fitted)} -> ${Math.round(zoomed)} -> ${Math.round(back)} px`
                    + ` (natural ${img.naturalWidth})`);
  }
  return out;
}"""


def phone_fits(page):
    layout = page.evaluate(PHONE_LAYOUT)
    problems = []
    if layout["sideways"] > 1:
        problems.append(f"at 390 px the page scrolls sideways by {layout['sideways']} px")
    if layout["cut"]:
        problems.append(f"at 390 px past the right edge: {layout['cut'][:5]}")
    if layout["zoom"]:
        problems.append(f"at 390 px a tap does not zoom a wide figure: {layout['zoom'][:5]}")
    if layout["math"]:
        problems.append(f"at 390 px a displayed equation is wider than the screen: {layout['math'][:5]}")
    return problems


DARK_FIGURES = """() => {
  function luminance(c) {
    const m = c.match(/rgba?\\(([^)]*)\\)/); if (!m) return null;
    const v = m[1].split(',').map(Number);
    if (v.length === 4 && v[3] < 0.5) return null;          // transparent: look further up
    return (0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]) / 255;
  }
  const dark = [], covered = [];
  for (const img of document.querySelectorAll('article img.ol-img')) {
    const bg = getComputedStyle(img).backgroundColor;      // the overlay must stay see-through
    if (!/rgba\\(.*,\\s*0\\)$/.test(bg) && bg !== 'transparent') covered.push(bg);
  }
  for (const img of document.querySelectorAll('article .cell_output img, article img.ol-img')) {
    let el = img, l = null;
    while (el && l === null) { l = luminance(getComputedStyle(el).backgroundColor);
                               el = el.parentElement; }
    if (l === null || l < 0.7) dark.push((img.getAttribute('alt') || img.src).slice(0, 50));
  }
  return {theme: document.documentElement.dataset.theme, dark, covered};
}"""


def dark_figures_on_light(page):
    result = page.evaluate(DARK_FIGURES)
    if result["theme"] != "dark":
        return [f"the dark colour scheme did not switch the theme (data-theme={result['theme']})"]
    problems = []
    if result["dark"]:
        problems.append(f"dark theme: figures without a light background: {result['dark'][:5]}")
    if result["covered"]:
        problems.append(f"dark theme: a player's overlay has a background that hides its "
                        f"picture: {result['covered'][:3]}")
    return problems


def screenshot(page, path, suffix=""):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / (path.replace("/", "__").replace(".html", "")
                                      + suffix + ".png")), full_page=True)


@pytest.mark.parametrize("path", PAGES)
def test_page(site, browser, path):
    problems = []
    page = open_page(browser, f"{site}/{path}")
    try:
        problems += self_contained_and_typeset(page)
        problems += axe_clean(page)
        problems += images_have_alt(page)
        if path.startswith("chapters/") and is_numbered_chapter(path):
            problems += has_figures(page)
            problems += players_work(page, players_expected(path))
            problems += solution_opens(page)
            problems += notebook_downloads(page)
        screenshot(page, path)
    finally:
        page.close()
    page = open_page(browser, f"{site}/{path}", viewport=PHONE)
    try:
        problems += phone_fits(page)
        screenshot(page, path, "__phone")
    finally:
        page.close()
    page = open_page(browser, f"{site}/{path}", color_scheme="dark")
    try:
        problems += dark_figures_on_light(page)
        problems += axe_clean(page, "dark")
    finally:
        page.close()
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_page_weight():
    rows = weigh(HTML, PAGES)
    heavy = [f"{r['page']}: {r['total'] / 1e6:.2f} MB" for r in rows
             if r["page"].startswith("chapters/") and r["total"] > LIMIT]
    state = [r["page"] for r in rows if r["widget_state"]]
    assert not heavy, f"chapter pages over {LIMIT / 1e6:.1f} MB (HTML + images): {heavy}"
    assert not state, f"pages embedding ipywidgets state no page uses: {state}"
