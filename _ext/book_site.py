"""Site-level fixes so that every page works offline and logs no console error.

* MathJax from a pip package instead of a CDN (below).
* One copy of each inline script (sphinx-thebe's config was emitted twice).
* An explicit colour mode for the theme (an empty default logs an error on every page).
* No ipywidgets state on the pages: the live cells' widgets are shown only in a kernel
  (their outputs are removed), yet nbclient saves their state into the notebook's
  metadata and myst-nb embeds it in every page that had one (1.5 MB over 12 pages).
* Alt text for every figure: ``optim_lib.player`` writes a description of each figure
  (its titles, axis labels and legend) into the PNG's ``Description`` chunk; here it
  becomes the ``alt`` of the image (instead of the hashed file name).
* ``book_site.css``: the kernel-free players' layout; on a phone every figure and player fits
  the screen's width, and a tap on a wide figure shows it at full size in a box of its own
  that scrolls (a second tap fits it again); in the dark theme a player sits on the same
  light card as the theme gives every image.

Sphinx loads MathJax 3 from a CDN by default. The pip package ``django-static-mathjax``
(pinned in requirements.txt) ships MathJax 3's browser build; this extension copies it
into ``_static/mathjax`` of the HTML output and points ``mathjax_path`` at the local copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes

LOCAL_PATH = "mathjax/tex-mml-chtml.js"   # relative to _static


def _mathjax_es5() -> Path:
    import mathjax  # the package of django-static-mathjax

    es5 = Path(mathjax.__path__[0]) / "static" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").exists():
        raise RuntimeError(f"MathJax's browser build is missing from {es5}; "
                           "reinstall django-static-mathjax (requirements.txt)")
    return es5


def _configure(app, config):
    _mathjax_es5()  # fail early, with a clear message, if the package is missing
    config.mathjax_path = LOCAL_PATH
    # pydata-sphinx-theme reads the colour mode from the template context; left empty,
    # its script logs "Got invalid theme mode" as a console error on every page.
    config.html_context.setdefault("default_mode", "auto")


def _copy(app, exception):
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / "mathjax"
        shutil.copytree(_mathjax_es5(), target, dirs_exist_ok=True)
        (Path(app.outdir) / "_static" / CSS_FILE).write_text(CSS)
        (Path(app.outdir) / "_static" / JS_FILE).write_text(JS)


CSS_FILE = "book_site.css"
JS_FILE = "book_site.js"
# An output box that scrolls sideways (a wide figure on a phone, a wide table) must be
# reachable by keyboard: it gets a tab stop and a name while it scrolls (WCAG 2.1.1).
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
  window.addEventListener("load", function () { zoomable(); tabStops(); });
  window.addEventListener("resize", tabStops);
})();
"""
WIDE = 500   # pixels: a figure wider than this keeps its size on a phone, in its own scroll box
CSS = """
/* The kernel-free players (optim_lib.player) */
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
/* Table captions (optim_lib.plots.table): Bootstrap greys them for a light page; in the
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
     its full size inside its own scroll box (book_site.js), and the caption says so. */
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


def _image_file(app, node) -> Path | None:
    uri = node.get("candidates", {}).get("*") or node.get("uri", "")
    if not uri or "://" in uri or uri.startswith("data:"):
        return None
    path = Path(app.srcdir) / uri.lstrip("/")
    return path if path.exists() else None


def _describe_images(app, doctree, docname):
    """The alt text of each figure from its PNG's Description; wide figures get a class."""
    from PIL import Image

    for node in doctree.findall(nodes.image):
        path = _image_file(app, node)
        if path is None or path.suffix.lower() != ".png":
            continue
        with Image.open(path) as image:
            description = image.text.get("Description") if hasattr(image, "text") else None
            width = image.size[0]
        if description and not node.get("alt"):
            node["alt"] = description
        if width > WIDE:
            node["classes"].append("ol-wide")


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated inline scripts from a page.

    sphinx-thebe (always loaded by jupyter-book) registers its inline config script
    each time the environment is read, so pages got ``const THEBE_JS_URL = ...``
    twice, and the second copy is a console error. One copy of each is enough.
    """
    seen, unique = set(), []
    for script in context.get("script_files", []):
        if getattr(script, "attributes", {}).get("type") == WIDGET_STATE:
            continue   # widget state that no page uses (no widget manager is loaded)
        # an inline script's filename is None or "" depending on who added it
        key = (getattr(script, "filename", script) or None,
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _dedupe_scripts)
    app.connect("doctree-resolved", _describe_images)
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
