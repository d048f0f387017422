"""``{eval}`glued["key:spec"]``` on the website: the value glued under ``key``.

In JupyterLab, jupyterlab-myst evaluates the expression in the live kernel
(``optim_lib.course.prose.glued``). myst-nb also has an ``{eval}`` role, but it asks a running
kernel, which only exists with ``nb_execution_mode = "inline"``; this book executes into a
cache, so myst-nb's role would only warn "This document does not have a running kernel" (an
error under ``-W``). This extension replaces it: ``glued["key:spec"]`` is read as the glued
value ``key`` (``optim_lib.course.prose.glue`` glues with myst-nb under the same name), formatted
with ``spec`` exactly like ``{glue:text}`key:spec```; without a spec it pastes the value's
richest output (a Markdown word as ``{glue:md}``, an HTML table as a block). Any other
expression is a build warning: the site has no kernel to evaluate it.

The pasting is done by myst-nb's own glue roles, looked up by their documented names
through docutils' role registry; only the glued value's type comes from private_api.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import roles
from sphinx.transforms import SphinxTransform

import private_api

EVAL = re.compile(r"""^\s*glued\[\s*(["'])(?P<key>[^"'`]+)\1\s*\]\s*$""")
BLOCK = "glued_eval_block"


def _paste(role_name, rawtext, key, lineno, inliner, options, content):
    role, messages = roles.role(role_name, inliner.language, lineno, inliner.reporter)
    if role is None:
        raise RuntimeError(f"myst-nb's {role_name!r} role is not registered (is myst-nb loaded?)")
    pasted, more = role(role_name, rawtext, key, lineno, inliner, options or {}, content or [])
    return pasted, messages + more


def eval_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{eval}`glued["key:spec"]```, read from the glue data of the executed notebook."""
    m = EVAL.match(text)
    if not m:
        msg = inliner.reporter.warning(
            f'{{eval}}`{text}`: the website can only show glued values, written '
            '{eval}`glued["key:spec"]` (see optim_lib/course/prose.py)', line=lineno)
        return [], [msg]
    key = m.group("key")
    name_, sep, _ = key.partition(":")
    args = (rawtext, key, lineno, inliner, options, content)
    if sep:
        return _paste("glue:text", *args)
    data = private_api.glue_data(inliner.document, name_)
    if data is None:
        msg = inliner.reporter.warning(f"{{eval}}: nothing was glued under {name_!r}", line=lineno)
        return [], [msg]
    if "text/markdown" in data:
        return _paste("glue:md", *args)
    if "text/html" in data or any(k.startswith("image/") for k in data):
        pasted, messages = _paste("glue", *args)
        for node in pasted:
            node[BLOCK] = True
        return pasted, messages
    return _paste("glue:text", *args)


class UnwrapBlockPastes(SphinxTransform):
    """A paragraph holding only a pasted table becomes the table (no <table> inside <p>)."""

    default_priority = 900

    def apply(self, **kwargs):
        for node in list(self.document.findall(nodes.Element)):
            if not node.get(BLOCK):
                continue
            parent = node.parent
            if isinstance(parent, nodes.paragraph) and all(
                    child is node or (isinstance(child, nodes.Text) and not child.strip())
                    for child in parent.children):
                parent.replace_self(node)


def _install(app):
    # after every extension's setup, so that this replaces myst-nb's kernel-only role
    app.add_role("eval", eval_role, override=True)


def setup(app):
    private_api.check_versions()
    app.connect("builder-inited", _install)
    app.add_transform(UnwrapBlockPastes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
