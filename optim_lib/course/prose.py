"""Numbers the prose quotes: one call glues them for the website and keeps them for JupyterLab.

A chapter computes a number in a code cell and quotes it in the text. The text writes

    the best loss is {eval}`glued["best_loss:.3f"]`

and both readers of the notebook fill it in:

- JupyterLab (with jupyterlab-myst) evaluates the expression ``glued["best_loss:.3f"]`` in the
  live kernel when the markdown cell is run, and shows the result;
- the website (jupyter-book, notebooks executed into a cache, no kernel at build time) reads the
  value that :func:`glue` stored in the cell's output with ``myst_nb.glue``: the Sphinx extension
  ``_ext/glued_eval.py`` maps ``{eval}`glued["key:spec"]``` to ``{glue:text}`key:spec```.

``glued["key:spec"]`` is ``format(value, spec)``: the format spec of ``{glue:text}``
(``.1f``, ``.0e``, ``+.2f``, ...). ``glued["key"]`` is the value itself (a number, or a rich
object such as a table or a Markdown word, which Lab renders).
"""

from __future__ import annotations

__all__ = ["glue", "glued", "Glued", "MAX_GLUES_PER_CELL", "GLUE_PREFIX"]

#: JupyterLab shows at most 50 outputs of a cell and folds the rest behind "Show more
#: outputs"; every glued value is one output, so a cell that glues more would show a
#: button in a cell that should show nothing. Keep a margin; split cells that glue more.
MAX_GLUES_PER_CELL = 45
#: myst-nb's prefix for glued data that is not displayed (``myst_nb.ext.glue.GLUE_PREFIX``).
GLUE_PREFIX = "application/papermill.record/"
_cell_glues = {"cell": None, "count": 0}


class Glued(dict):
    """The values glued so far in this kernel, by name; ``glued["name:spec"]`` formats one."""

    def __getitem__(self, key):
        if not isinstance(key, str):
            raise TypeError(f"glued[...] takes a string 'name' or 'name:spec', got {key!r}")
        name, sep, spec = key.partition(":")
        if name not in self:
            raise KeyError(f"nothing was glued under {name!r} yet (run the cells above first); "
                           f"glued so far: {sorted(self)}")
        value = dict.__getitem__(self, name)
        if not sep:
            return value
        try:
            return format(value, spec)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"cannot format glued {name!r} = {value!r} with spec {spec!r}: "
                             f"{exc}") from None


glued = Glued()


def glue(name: str, variable, display: bool = True):
    """``myst_nb.glue(name, variable, display)``, and keep ``variable`` in :data:`glued`.

    The output is the one ``myst_nb.glue`` writes (myst-nb 1.4: the display data of
    ``variable``, under a ``scrapbook`` name in its metadata; with ``display=False`` its mime
    types carry the :data:`GLUE_PREFIX` that hides them), written here without importing
    ``myst_nb.ext.glue``: that import pulls in nbformat's validator and cost every chapter
    1.5 s of its time budget. ``tests/test_prose.py`` checks the two outputs are the same.
    Outside IPython (a script, a test) only :data:`glued` is filled in.
    """
    if not isinstance(name, str) or not name or ":" in name:
        raise ValueError(f"name must be a non-empty string without ':', got {name!r}")
    _count_glue_in_this_cell(name)
    glued[name] = variable
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    if get_ipython() is None:
        return None
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    mimebundle, metadata = format_display_data(variable)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=prefix)
    show({prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
    return None


def _count_glue_in_this_cell(name: str) -> None:
    """Raise once one notebook cell has glued more than :data:`MAX_GLUES_PER_CELL` values."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:  # plain Python (tests, scripts): no cells
        return
    # the execute request being answered names the cell (the execution count does not:
    # nbval runs cells without storing history, so the count never moves)
    parent = getattr(shell, "parent_header", None) or {}
    cell = parent.get("header", parent).get("msg_id") or shell.execution_count
    if _cell_glues["cell"] != cell:
        _cell_glues.update(cell=cell, count=0)
    _cell_glues["count"] += 1
    if _cell_glues["count"] > MAX_GLUES_PER_CELL:
        raise RuntimeError(
            f"this cell glues more than {MAX_GLUES_PER_CELL} values (the latest is {name!r}); "
            "JupyterLab folds a cell's outputs past 50 behind 'Show more outputs': "
            "split the cell")
