"""tools/chapter_stats.py counts what a learner reads on a chapter's core path; every chapter
keeps its open prose to at most 60 numbers, and ends with its key ideas."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import chapter_stats  # noqa: E402

MAX_NUMBERS = 60


def test_dropdowns_and_solutions_are_one_click_away():
    md = ("Open: 1, 2 and {eval}`glued[\"x:.2f\"]`.\n\n"
          ":::{admonition} How we know\n:class: dropdown\nHidden 3, 4, 5.\n:::\n\n"
          "````{solution} ex\n:class: dropdown\nHidden 6.\n````\n\n"
          "```{note}\nOpen 7.\n```\n"
          "See {ref}`sec-12` and `code 13` and [a link](page_14.html).")
    words, numbers = chapter_stats.prose_counts(chapter_stats.open_prose(md))
    assert numbers == 4            # 1, 2, the glued value, 7
    assert "Hidden" not in chapter_stats.open_prose(md)
    assert "How we know" in chapter_stats.open_prose(md)      # a title is read


def test_counts_a_notebook_and_flags_too_many_numbers(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(" ".join(str(i) for i in range(70))),
                nbformat.v4.new_code_cell("x = 1\ny = 2", metadata={"tags": ["hide-input"]}),
                nbformat.v4.new_code_cell("fig, ax = figure()\nax.plot(x)"),
                nbformat.v4.new_code_cell("assert x", metadata={"tags": ["remove-cell"]})]
    path = tmp_path / "05_demo.ipynb"
    nbformat.write(nb, str(path))
    stats = chapter_stats.chapter_stats(path)
    assert stats["numbers"] == 70 and stats["code lines"] == 2 and stats["figures"] == 1
    assert chapter_stats.main([str(path), "--max-numbers", "60"]) == 1
    assert chapter_stats.main([str(path), "--max-numbers", "80"]) == 0


@pytest.mark.parametrize("path", chapter_stats.toc_chapters(), ids=lambda p: p.name)
def test_the_core_path_keeps_to_its_number_budget(path):
    assert chapter_stats.chapter_stats(path)["numbers"] <= MAX_NUMBERS


@pytest.mark.parametrize("path", [p for p in chapter_stats.toc_chapters()
                                  if chapter_stats.CHAPTER.match(p.name)], ids=lambda p: p.name)
def test_every_chapter_ends_with_its_key_ideas(path):
    nb = nbformat.read(path, as_version=4)
    prose = [c.source for c in nb.cells if c.cell_type == "markdown"
             and "<!-- references:" not in c.source]
    assert "## Key ideas" in prose[-1], "the last section of the chapter is its key ideas"
    after = prose[-1].split("## Key ideas", 1)[1]
    assert "\n## " not in after and "```{" not in after and ":::{" not in after, after[:200]
    assert after.count("\n* ") + after.count("\n- ") >= 3, "the rule, the intuition, what breaks"
    assert any("**Look for:**" in c for c in prose), "a Look for line above the explorer"
