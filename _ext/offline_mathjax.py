"""MathJax from a pip package instead of a CDN: every page typesets its math offline.

Sphinx loads MathJax 3 from a CDN by default. The pip package ``django-static-mathjax``
(pinned in requirements.txt) ships MathJax 3's browser build; this extension copies it into
``_static/mathjax`` of the HTML output and points ``mathjax_path`` at the local copy.
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


def _copy(app, exception):
    if exception is None and app.builder.format == "html":
        shutil.copytree(_mathjax_es5(), Path(app.outdir) / "_static" / "mathjax",
                        dirs_exist_ok=True)


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
