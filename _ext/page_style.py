"""The book's own styles and script (``page_style.css``, ``page_style.js``).

* The kernel-free players' layout (optim_lib.course.player).
* On a phone every figure and player fits the screen's width, and a tap on a wide figure
  shows it at full size in a box of its own that scrolls (a second tap fits it again); a
  box that scrolls sideways gets a tab stop and a name (WCAG 2.1.1).
* In the dark theme a player sits on the same light card as the theme gives every image;
  tables in HTML outputs take their box's text colour.
* A chapter's reference list is an ARIA list of list items (docutils gives its entries a
  role a list may not contain).
"""

from __future__ import annotations

from pathlib import Path

CSS_FILE = "page_style.css"
JS_FILE = "page_style.js"
JS = """
(function () {
  function tabStops() {
    document.querySelectorAll(".cell_output, .output.text_html, .ol-frame").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "output wider than the page: scroll sideways");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  // On a phone a wide figure fits the screen; a tap shows it at full size (and back).
  function zoomable() {
    document.querySelectorAll(".cell_output img.ol-wide").forEach(function (img) {
      if (img.dataset.olZoom) return;
      img.dataset.olZoom = "1";
      img.title = "Tap to see this figure at full size";
      img.addEventListener("click", function () {
        img.classList.toggle("ol-zoomed");
        tabStops();
      });
    });
  }
  // A reference list: docutils marks the list role="list" but its entries
  // role="doc-biblioentry", which a list may not contain (axe: aria-required-children);
  // the entries become list items.
  function citationItems() {
    document.querySelectorAll(".citation-list > .citation[role='doc-biblioentry']")
      .forEach(function (entry) { entry.setAttribute("role", "listitem"); });
  }
  citationItems();
  window.addEventListener("load", function () { zoomable(); tabStops(); });
  window.addEventListener("resize", tabStops);
})();
"""
CSS = """
/* The kernel-free players (optim_lib.course.player) */
.ol-player { margin: 0.5rem 0 1rem; }
.ol-frame { overflow-x: auto; max-width: 100%; }
/* a frame is a transparent overlay (what it changes) over the base picture */
.ol-stack { position: relative; display: inline-block; max-width: 100%; vertical-align: top; }
.ol-stack img { display: block; max-width: 100%; height: auto; }
.ol-stack img.ol-img { position: absolute; top: 0; left: 0; width: 100%; height: 100%;
                       max-width: none; }
.ol-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 1.4rem;
               margin-top: 0.4rem; }
.ol-control { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
.ol-control input[type=range] { width: 11rem; max-width: 55vw; }
.ol-control output { min-width: 5ch; font-variant-numeric: tabular-nums; font-weight: 600; }
.ol-control select { max-width: 60vw; }
.ol-play { padding: 0.1rem 0.7rem; border: 1px solid var(--pst-color-border, #888);
           border-radius: 0.3rem; background: var(--pst-color-surface, #f3f4f5);
           color: var(--pst-color-text-base, #222); }
/* Table captions (optim_lib.course.plots.table): Bootstrap greys them for a light page; in the
   dark theme an HTML output sits on a light card, so a caption takes its box's text colour. */
.bd-article .output.text_html table, .bd-article .output.text_html table > caption {
  color: inherit !important;
}
/* Outputs never widen the page: wide tables and figures scroll in their own box (also a
   table glued into the prose, which sits in an .output.text_html of its own). */
.cell_output, .bd-article .output.text_html { max-width: 100%; overflow-x: auto; }
.cell_output img { max-width: 100%; height: auto; }
@media (max-width: 720px) {
  /* On a phone every figure and player fits the width; a tap on a wide figure shows it at
     its full size inside its own scroll box (page_style.js), and the caption says so. */
  /* a wide table scrolls in its box; its caption stays in view, wrapped to the screen */
  .bd-article .output.text_html table > caption { position: sticky; left: 0;
                                                  max-width: calc(100vw - 2.5rem); }
  .cell_output img.ol-wide { cursor: zoom-in; }
  .cell_output img.ol-wide.ol-zoomed { max-width: none; width: auto; cursor: zoom-out; }
  .cell_output:has(img.ol-wide)::after {
    content: "Tap the figure to see it at full size."; display: block;
    font-size: 0.8rem; color: var(--pst-color-text-muted, #555); margin-top: 0.2rem;
  }
}
/* Dark theme: matplotlib draws dark ink on white. The theme already puts every image on a
   light card, dimmed (brightness .8, contrast 1.2); a player gets the same card as a whole,
   and its two stacked pictures none of their own (the overlay must stay transparent). */
html[data-theme="dark"] .bd-content .ol-stack {
  background: #ffffff; border-radius: 0.25rem; filter: brightness(0.8) contrast(1.2);
}
html[data-theme="dark"] .bd-content .ol-stack > img:is(.ol-img, .ol-base) {
  background: transparent !important; filter: none !important; border-radius: 0;
}
"""


def _write(app, exception):
    if exception is None and app.builder.format == "html":
        (Path(app.outdir) / "_static" / CSS_FILE).write_text(CSS)
        (Path(app.outdir) / "_static" / JS_FILE).write_text(JS)


def setup(app):
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")
    app.connect("build-finished", _write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
