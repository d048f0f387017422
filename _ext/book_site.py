"""Site-level fixes so that every page works offline and logs no console error.

* MathJax from a pip package instead of a CDN (below).
* One copy of each inline script (sphinx-thebe's config was emitted twice).
* An explicit colour mode for the theme (an empty default logs an error on every page).

Sphinx loads MathJax 3 from a CDN by default. The pip package ``django-static-mathjax``
(pinned in requirements.txt) ships MathJax 3's browser build; this extension copies it
into ``_static/mathjax`` of the HTML output and points ``mathjax_path`` at the local copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated inline scripts from a page.

    sphinx-thebe (always loaded by jupyter-book) registers its inline config script
    each time the environment is read, so pages got ``const THEBE_JS_URL = ...``
    twice, and the second copy is a console error. One copy of each is enough.
    """
    seen, unique = set(), []
    for script in context.get("script_files", []):
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
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
