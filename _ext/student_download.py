"""The download button serves the student edition (tools/student.py): after the HTML build,
the chapters' ``.ipynb`` copies in ``_sources/`` are replaced by their student editions."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = re.compile(r"^(\d+|[A-Z])_")


def _serve_student_edition(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import student
    finally:
        sys.path.pop(0)
    sources = Path(app.outdir) / "_sources"
    for docname in app.env.found_docs:
        path = Path(app.srcdir) / f"{docname}.ipynb"
        target = sources / f"{docname}.ipynb"
        if path.exists() and target.exists() and CHAPTER.match(docname.rsplit("/", 1)[-1]):
            student.write_student(path, target)


def setup(app):
    app.connect("build-finished", _serve_student_edition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
