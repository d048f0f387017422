"""The student edition (tools/student.py): no solutions, stubs kept, a first cell that explains.

`make test-student` runs every notebook of the edition under nbval (the checkers then say
"not done yet"); these checks read the notebooks only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import student  # noqa: E402

CHAPTERS = student.toc_chapters()


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    student.main([str(out)])
    return out


def test_one_notebook_per_chapter(edition):
    assert sorted(p.name for p in edition.glob("*.ipynb")) == sorted(p.name for p in CHAPTERS)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_left_and_stubs_kept(edition, path):
    full = nbformat.read(str(path), as_version=4)
    ed = nbformat.read(str(edition / path.name), as_version=4)
    text = "\n".join(c.source for c in ed.cells)
    assert not re.search(r"\{solution", text), "a solution directive is left"
    sources = {c.source for c in ed.cells if c.cell_type == "code"}
    in_gate, n_solution_cells = False, 0
    for cell in full.cells:
        if cell.cell_type == "markdown":
            if "{solution-start}" in cell.source:
                in_gate = True
            if "{solution-end}" in cell.source:
                in_gate = False
        elif in_gate:
            n_solution_cells += 1
            assert cell.source not in sources, f"solution code left: {cell.source[:60]!r}"
    # every exercise stays, with its text, and so does every code cell outside the solutions
    assert text.count("{exercise}") == "\n".join(c.source for c in full.cells).count("{exercise}")
    stubs = [c for c in full.cells if c.cell_type == "code" and "raise NotImplementedError" in c.source
             and "remove-cell" not in c.metadata.get("tags", [])]
    for stub in stubs:
        assert stub.source in sources, f"the exercise stub {stub.source[:60]!r} is gone"
    assert all(c.cell_type != "code" or (not c.outputs and c.execution_count is None)
               for c in ed.cells)


def test_first_cell_says_how_to_get_optim_lib(edition, monkeypatch):
    first = nbformat.read(str(edition / CHAPTERS[0].name), as_version=4).cells[0]
    assert first.cell_type == "code" and "pip install -e ." in first.source
    monkeypatch.setitem(sys.modules, "optim_lib", None)  # as if it were not installed
    with pytest.raises(ModuleNotFoundError, match="needs optim_lib.*pip install -e ."):
        exec(compile(first.source, "first-cell", "exec"), {})
    monkeypatch.undo()
    exec(compile(first.source, "first-cell", "exec"), {})  # installed: passes silently


def test_student_notebook_removes_the_checks_of_removed_solutions():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 3 · Demo"),
        nbformat.v4.new_markdown_cell("```{exercise} E\n:label: ex-e\nWrite f.\n```"),
        nbformat.v4.new_code_cell("def f():\n    raise NotImplementedError\ncheck(f)"),
        nbformat.v4.new_markdown_cell("````{solution-start} ex-e\n:class: dropdown\n````"),
        nbformat.v4.new_markdown_cell("The idea is simple."),
        nbformat.v4.new_code_cell("def f():\n    return 1\ncheck(f)"),
        nbformat.v4.new_markdown_cell("````{solution-end}\n````"),
        nbformat.v4.new_code_cell("assert check(f).passed", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_code_cell("assert 1 + 1 == 2", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_markdown_cell("Why?\n\n```{solution} ex-e\n:class: dropdown\nBecause.\n```\n"
                                      "\nMore prose."),
    ]
    ed = student.student_notebook(nb, "chapter 3 · Demo")
    sources = [c.source for c in ed.cells]
    assert "ModuleNotFoundError" in sources[0] and "chapter 3 · Demo" in sources[0]
    assert sources[1:] == ["# 3 · Demo", nb.cells[1].source, nb.cells[2].source,
                           "assert 1 + 1 == 2", "Why?\n\n\nMore prose."]


def test_student_notebook_keeps_hidden_plumbing_that_later_cells_need():
    """A hidden cell that reads a name a solution also happens to define (a loop variable)
    but defines what later cells use is plumbing: it stays."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 3 · Demo"),
        nbformat.v4.new_code_cell("rows = [1, 2]\nn = len(rows)"),
        nbformat.v4.new_markdown_cell("```{exercise} E\n:label: ex-e\nSum the rows.\n```"),
        nbformat.v4.new_markdown_cell("````{solution-start} ex-e\n:class: dropdown\n````"),
        nbformat.v4.new_code_cell("n = 0\ntotal = sum(rows)"),
        nbformat.v4.new_markdown_cell("````{solution-end}\n````"),
        nbformat.v4.new_code_cell("names = [str(r) for r in rows]\nMID = n - 1",
                                  metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_code_cell("print(names[MID])"),
    ]
    ed = student.student_notebook(nb, "chapter 3 · Demo")
    sources = [c.source for c in ed.cells]
    assert "names = [str(r) for r in rows]\nMID = n - 1" in sources
    assert not any("total" in s for s in sources[1:])
