"""The book's bibliography (references.bib, tools/references.py): every cited work is in it,
and each chapter ends with its reference list, for the website and for JupyterLab."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import references  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
ENTRIES = references.bib_entries()


def test_the_bib_file_reads_whole():
    assert len(ENTRIES) >= 25
    for key, fields in ENTRIES.items():
        assert {"title", "author", "year"} <= set(fields), key


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_cites_known_works_and_lists_them(path):
    assert references.problems(path, ENTRIES) == []


def test_the_checker_catches_an_unknown_key_and_a_stale_list(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Adam {cite:p}`kingma2015adam`; "
                                              "AMSGrad {cite:t}`reddi2018convergence`.")]
    path = tmp_path / "10_demo.ipynb"
    nbformat.write(nb, str(path))
    assert any("missing or stale" in p for p in references.problems(path, ENTRIES))
    assert references.main([str(path)]) == 0
    assert references.problems(path, ENTRIES) == []
    cells = nbformat.read(str(path), as_version=4).cells
    site, lab = cells[-2:]
    assert "```{bibliography}" in site.source and site.metadata["jupyter"]["source_hidden"]
    assert lab.metadata["tags"] == ["remove-cell"]
    assert "`kingma2015adam` — Kingma and Ba (2015)" in lab.source
    assert lab.source.index("kingma2015adam") < lab.source.index("reddi2018convergence")
    assert references.main([str(path)]) == 0 and nbformat.read(str(path), as_version=4).cells == cells
    # a citation removed from the prose leaves the list stale; an unknown key is named
    cells[0].source = "Only {cite:p}`kingma2015adam` and {cite:p}`nobody2031`."
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
    found = references.problems(path, ENTRIES)
    assert any("'nobody2031'" in p for p in found) and any("stale" in p for p in found)


def test_the_website_list_is_output_in_the_books_build_only(monkeypatch):
    """Its output is the bibliography on the site; in Lab (and nbval) the cell outputs nothing:
    run there, it unfolded a second "References" heading above Lab's own list."""
    from IPython.core.interactiveshell import InteractiveShell

    from optim_lib.course.explorer import SITE_BUILD

    shell = InteractiveShell.instance()
    for value, shown in (("1", True), (None, False), ("0", False)):
        if value is None:
            monkeypatch.delenv(SITE_BUILD, raising=False)
        else:
            monkeypatch.setenv(SITE_BUILD, value)
        result = shell.run_cell(references.SITE_SOURCE, store_history=False)
        assert result.success, result.error_in_exec
        if shown:
            assert "```{bibliography}" in result.result.data, value
        else:
            assert result.result is None, value
