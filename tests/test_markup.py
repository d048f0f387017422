"""Every chapter reads in JupyterLab as on the website (tools/markup.py converts them).

A learner in JupyterLab (with jupyterlab-myst) sees a role or directive it cannot render as raw
text, a glued number written ``{glue:text}`` as raw markup, and an uncollapsed plumbing cell as
code between paragraphs. These checks read the notebooks only (no kernel, no browser);
tests/live checks the same in a real JupyterLab after Run All.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import markup  # noqa: E402

CHAPTERS = markup.chapters()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_nothing_raw_or_open_in_lab(path):
    found = markup.problems(path)
    assert not found, ("run `.venv/bin/python tools/markup.py` (it converts mechanically):\n  "
                       + "\n  ".join(found))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_converter_has_nothing_left_to_do(path):
    nb = nbformat.read(str(path), as_version=4)
    before = nbformat.writes(nb)
    assert nbformat.writes(markup.convert_notebook(nb, markup.chapter_label(path))) == before


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_forward_references_only_shrink(path):
    """Prose quoting a number before the code glues it shows a KeyError in Lab."""
    found = markup.forward_references(path)
    known = markup.FORWARD_REFERENCES_TO_FIX.get(path.stem, set())
    assert not found - known, (f"{path.name}: the prose quotes {sorted(found - known)} before a "
                               "code cell above glues them; glue them earlier or move the text")
    assert not known - found, (f"{path.name}: {sorted(known - found)} are fixed: remove them from "
                               "FORWARD_REFERENCES_TO_FIX in tools/markup.py")


def test_checks_catch_raw_markup_and_open_plumbing(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from myst_nb import glue\nx = 1.5\nglue('x', x, display=False)",
                                  metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_markdown_cell("x is {glue:text}`x:.1f`, y is {eval}`glued[\"y\"]`."),
        nbformat.v4.new_markdown_cell("```{exercise} Try\n:label: ex-try\n\nDo it.\n```"),
        nbformat.v4.new_markdown_cell("````{solution-start} ex-try\n:class: dropdown\n````"),
        nbformat.v4.new_code_cell("answer = 42"),
        nbformat.v4.new_markdown_cell("````{solution-end}\n````"),
        nbformat.v4.new_markdown_cell("```{glue:figure} fig\n```\n{unknownrole}`z`"),
    ]
    path = tmp_path / "07_demo.ipynb"
    nbformat.write(nb, str(path))
    found = "\n".join(markup.problems(path))
    for expected in ("role {glue:text}", "remove-cell", "solution code cell", "lacks ':enumerator: 7.1'",
                     "{unknownrole}", "directive {glue:figure}", "quotes 'y'", "imports myst_nb"):
        assert expected in found, f"{expected!r} not reported in:\n{found}"
    markup.convert_file(path)
    left = markup.problems(path)
    assert len(left) == 3, left          # y is never glued; glue:figure and unknownrole stay
    assert markup.convert_file(path) is False  # idempotent
    converted = nbformat.read(str(path), as_version=4)
    assert 'x is {eval}`glued["x:.1f"]`' in converted.cells[1].source
    assert ":enumerator: 7.1\n:label: ex-try" in converted.cells[2].source
    assert converted.cells[0].source.startswith("from optim_lib.course.prose import glue, glued")
    for i in (0, 4):
        assert converted.cells[i].metadata["jupyter"] == {"source_hidden": True,
                                                          "outputs_hidden": True}


def test_website_folds_are_folded_in_lab(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("plot()", metadata={"tags": ["hide-input"]}),
                nbformat.v4.new_code_cell("evidence()", metadata={"tags": ["hide-cell"]}),
                nbformat.v4.new_code_cell("table()", metadata={"tags": ["hide-output"]}),
                nbformat.v4.new_code_cell("rule()")]
    path = tmp_path / "03_demo.ipynb"
    nbformat.write(nb, str(path))
    found = markup.problems(path)
    assert [f.split(": ", 1)[1].split(" on")[0] for f in found] == [
        "tagged hide-input", "tagged hide-cell", "tagged hide-output"], found
    markup.convert_file(path)
    assert markup.problems(path) == []
    cells = nbformat.read(str(path), as_version=4).cells
    assert cells[0].metadata["jupyter"] == {"source_hidden": True}
    assert cells[1].metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert cells[2].metadata["jupyter"] == {"outputs_hidden": True}
    assert "jupyter" not in cells[3].metadata


def test_glued_formats_like_glue_text():
    from optim_lib.course.prose import Glued, glue, glued

    glue("test_markup_value", 0.123456, display=False)
    assert glued["test_markup_value:.2f"] == "0.12"
    assert glued["test_markup_value"] == 0.123456
    with pytest.raises(KeyError, match="nothing was glued under 'nope'"):
        Glued()["nope:.1f"]
    with pytest.raises(ValueError, match="cannot format glued 'test_markup_value'"):
        glued["test_markup_value:d"]
    with pytest.raises(ValueError, match="name must be a non-empty string without ':'"):
        glue("a:b", 1)


def test_glue_refuses_more_outputs_per_cell_than_lab_shows(monkeypatch):
    """Lab folds a cell's outputs past 50 behind a button: a cell may glue at most 45 values."""
    import IPython

    from optim_lib.course import prose

    class Shell:
        execution_count = 1  # nbval stores no history: the count stays put across cells
        parent_header = {"header": {"msg_id": "cell-1"}}

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    for i in range(prose.MAX_GLUES_PER_CELL):
        prose.glue(f"many_{i}", i, display=False)
    with pytest.raises(RuntimeError, match="this cell glues more than 45 values.*'many_45'"):
        prose.glue("many_45", 45, display=False)
    shell.parent_header = {"header": {"msg_id": "cell-2"}}  # the next cell counts afresh
    prose.glue("many_46", 46, display=False)
