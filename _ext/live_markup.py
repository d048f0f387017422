"""One markup for the website and for JupyterLab (see tools/markup.py, optim_lib/prose.py).

1. ``{eval}`glued["key:spec"]```. In JupyterLab, jupyterlab-myst evaluates the expression in
   the live kernel. myst-nb also has an ``{eval}`` role, but it asks a running kernel, which
   only exists with ``nb_execution_mode = "inline"``; this book executes into a cache, so
   myst-nb's role would only warn "This document does not have a running kernel" (an error
   under ``-W``). This extension replaces the role: it reads ``glued["key:spec"]`` as the
   glued value ``key`` (``optim_lib.prose.glue`` glues with myst-nb under the same name),
   formatted with ``spec`` exactly like ``{glue:text}`key:spec```; without a spec it pastes
   the value's richest output (a Markdown word as ``{glue:md}``, an HTML table as a block).
   Any other expression is a build warning: the site has no kernel to evaluate it.
2. Exercise numbers per chapter: "Exercise 11.2", not "Exercise 31". Sphinx numbers the
   exercises of the whole book in one sequence; after it does, this extension renumbers
   each chapter's exercises (chapter label from the file name: ``11_x`` is 11, ``A_x`` is
   A). sphinx-exercise learns the ``:enumerator:`` option that jupyterlab-myst reads; the
   build warns if a notebook's enumerator differs from the number given here.
3. The download button serves the student edition (tools/student.py): after the HTML build,
   the chapters' ``.ipynb`` copies in ``_sources/`` are replaced by their student editions.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
EVAL = re.compile(r"""^\s*glued\[\s*(["'])(?P<key>[^"'`]+)\1\s*\]\s*$""")
CHAPTER = re.compile(r"^(\d+|[A-Z])_")


# --------------------------------------------------------------------------- 1. {eval}
def _eval_role():
    from myst_nb.core.variables import RetrievalError
    from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteRoleAny, PasteTextRole
    from myst_nb.ext.glue.utils import glue_warning, retrieve_glue_data
    from myst_nb.ext.utils import RoleBase

    class EvalGlued(RoleBase):
        """``{eval}`glued["key:spec"]``` read from the glue data of the executed notebook."""

        def run(self):
            m = EVAL.match(self.text)
            if not m:
                return [], [glue_warning(
                    f"{{eval}}`{self.text}`: the website can only show glued values, written "
                    '{eval}`glued["key:spec"]` (see optim_lib/prose.py)', self.document, self.line)]
            key = m.group("key")
            name, sep, _ = key.partition(":")
            args = (self.rawtext, key, self.line, self.inliner)
            if sep:
                return PasteTextRole()("glue:text", *args)
            try:
                data = retrieve_glue_data(self.document, name).data
            except RetrievalError as exc:
                return [], [glue_warning(str(exc), self.document, self.line)]
            if "text/markdown" in data:
                return PasteMarkdownRole()("glue:md", *args)
            if "text/html" in data or any(k.startswith("image/") for k in data):
                pasted, messages = PasteRoleAny()("glue", *args)
                for node in pasted:
                    node["live_markup_block"] = True
                return pasted, messages
            return PasteTextRole()("glue:text", *args)

    return EvalGlued()


class UnwrapBlockPastes(SphinxTransform):
    """A paragraph holding only a pasted table becomes the table (no <table> inside <p>)."""

    default_priority = 900

    def apply(self, **kwargs):
        for node in list(self.document.findall(nodes.Element)):
            if not node.get("live_markup_block"):
                continue
            parent = node.parent
            if isinstance(parent, nodes.paragraph) and all(
                    child is node or (isinstance(child, nodes.Text) and not child.strip())
                    for child in parent.children):
                parent.replace_self(node)


def _install_eval_role(app):
    # after every extension's setup, so that this replaces myst-nb's kernel-only role
    app.add_role("eval", _eval_role(), override=True)


# --------------------------------------------------------------------------- 2. numbering
def chapter_label(docname: str):
    m = CHAPTER.match(docname.rsplit("/", 1)[-1])
    if not m:
        return None
    return int(m.group(1)) if m.group(1).isdigit() else m.group(1)


def _add_enumerator_option():
    from sphinx_exercise.directive import ExerciseDirective
    from sphinx_exercise.nodes import exercise_enumerable_node

    ExerciseDirective.option_spec["enumerator"] = directives.unchanged
    if getattr(ExerciseDirective, "_live_markup", False):
        return
    run = ExerciseDirective.run

    def run_keeping_enumerator(self):
        result = run(self)
        for node in result:
            if isinstance(node, exercise_enumerable_node):
                node["enumerator"] = self.options.get("enumerator")
        return result

    ExerciseDirective.run = run_keeping_enumerator
    ExerciseDirective._live_markup = True


def _collect_numbers(app, doctree):
    from sphinx_exercise.nodes import exercise_enumerable_node

    env = app.env
    docname = env.docname
    numbers = getattr(env, "live_markup_numbers", {})
    env.live_markup_numbers = numbers
    numbers.pop(docname, None)
    label = chapter_label(docname)
    if label is None:
        return
    mine = {}
    for k, node in enumerate(doctree.findall(exercise_enumerable_node), start=1):
        if not node["ids"]:
            continue
        mine[node["ids"][0]] = (label, k)
        given = node.get("enumerator")
        if given is not None and given != f"{label}.{k}":
            logger.warning(f"exercise {k} of {docname} has :enumerator: {given}, expected "
                           f"{label}.{k} (run tools/markup.py)", location=node)
    numbers[docname] = mine


def _purge(app, env, docname):
    getattr(env, "live_markup_numbers", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    env.live_markup_numbers = getattr(env, "live_markup_numbers", {})
    for docname in docnames:
        if docname in getattr(other, "live_markup_numbers", {}):
            env.live_markup_numbers[docname] = other.live_markup_numbers[docname]


def _renumber(app, env):
    """Runs after Sphinx's TocTreeCollector assigned book-wide numbers: per chapter instead."""
    for docname, ids in getattr(env, "live_markup_numbers", {}).items():
        figs = env.toc_fignumbers.setdefault(docname, {}).setdefault("exercise", {})
        figs.update(ids)
    return []


# --------------------------------------------------------------------------- 3. download
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
        if path.exists() and target.exists() and chapter_label(docname) is not None:
            student.write_student(path, target)


def setup(app):
    _add_enumerator_option()
    app.connect("builder-inited", _install_eval_role)
    app.add_transform(UnwrapBlockPastes)
    app.connect("doctree-read", _collect_numbers)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-updated", _renumber, priority=900)
    app.connect("build-finished", _serve_student_edition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
