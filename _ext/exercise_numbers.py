"""Exercise numbers per chapter: "Exercise 11.2", not "Exercise 31".

Sphinx numbers the exercises of the whole book in one sequence; after it does, this extension
renumbers each chapter's exercises (chapter label from the file name: ``11_x`` is 11,
``A_x`` is A). The ``exercise`` directive is sphinx-exercise's, subclassed to accept the
``:enumerator:`` option that jupyterlab-myst reads (registered again under its own name, a
public Sphinx API); the build warns if a notebook's enumerator differs from the number given
here. Writing the numbers goes through private_api (Sphinx has no public API for it).
"""

from __future__ import annotations

import re

from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx_exercise.directive import ExerciseDirective
from sphinx_exercise.nodes import exercise_enumerable_node

import private_api

logger = logging.getLogger(__name__)
CHAPTER = re.compile(r"^(\d+|[A-Z])_")
NUMBERS = "exercise_numbers"      # env attribute: {docname: {node id: (chapter, k)}}


def chapter_label(docname: str):
    m = CHAPTER.match(docname.rsplit("/", 1)[-1])
    if not m:
        return None
    return int(m.group(1)) if m.group(1).isdigit() else m.group(1)


class NumberedExercise(ExerciseDirective):
    """sphinx-exercise's ``exercise``, which also keeps its ``:enumerator:`` option."""

    option_spec = {**ExerciseDirective.option_spec, "enumerator": directives.unchanged}

    def run(self):
        result = super().run()
        for node in result:
            if isinstance(node, exercise_enumerable_node):
                node["enumerator"] = self.options.get("enumerator")
        return result


def _collect(app, doctree):
    env = app.env
    numbers = getattr(env, NUMBERS, {})
    setattr(env, NUMBERS, numbers)
    numbers.pop(env.docname, None)
    label = chapter_label(env.docname)
    if label is None:
        return
    mine = {}
    for k, node in enumerate(doctree.findall(exercise_enumerable_node), start=1):
        if not node["ids"]:
            continue
        mine[node["ids"][0]] = (label, k)
        given = node.get("enumerator")
        if given is not None and given != f"{label}.{k}":
            logger.warning(f"exercise {k} of {env.docname} has :enumerator: {given}, expected "
                           f"{label}.{k} (run tools/markup.py)", location=node)
    numbers[env.docname] = mine


def _purge(app, env, docname):
    getattr(env, NUMBERS, {}).pop(docname, None)


def _merge(app, env, docnames, other):
    setattr(env, NUMBERS, getattr(env, NUMBERS, {}))
    for docname in docnames:
        if docname in getattr(other, NUMBERS, {}):
            getattr(env, NUMBERS)[docname] = getattr(other, NUMBERS)[docname]


def _renumber(app, env):
    """Runs after Sphinx's TocTreeCollector assigned book-wide numbers: per chapter instead."""
    for docname, ids in getattr(env, NUMBERS, {}).items():
        private_api.set_exercise_numbers(env, docname, ids)
    return []


def _register(app):
    app.add_directive("exercise", NumberedExercise, override=True)


def setup(app):
    private_api.check_versions()
    app.setup_extension("sphinx_exercise")
    app.connect("builder-inited", _register)
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-updated", _renumber, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
