"""Checks on the book itself: the table of contents, the notebooks as committed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files():
    """Every file named in _toc.yml (root included), as paths without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return files


def resolve(entry):
    matches = [ROOT / f"{entry}{ext}" for ext in (".ipynb", ".md") if (ROOT / f"{entry}{ext}").exists()]
    return matches[0] if matches else None


NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
# Numbered chapters (05_sgd, A_cost_of_a_step) follow the chapter template; other pages of
# chapters/ (cheat_sheet) are reference pages placed among them in _toc.yml.
CHAPTER_NOTEBOOKS = [p for p in NOTEBOOKS if re.match(r"(\d+|[A-Z])_", p.name)]


@pytest.mark.parametrize("entry", toc_files())
def test_toc_entry_exists(entry):
    assert resolve(entry) is not None, f"_toc.yml names {entry!r} but no .ipynb or .md file exists"


def test_every_chapter_is_in_the_toc():
    listed = {resolve(e) for e in toc_files()}
    missing = [nb.name for nb in NOTEBOOKS if nb not in listed]
    assert not missing, f"chapters not in _toc.yml: {missing}"


def test_chapters_are_in_road_trip_order():
    chapters = [Path(e).name for e in toc_files()
                if e.startswith("chapters/") and re.match(r"(\d+|[A-Z])_", Path(e).name)]
    assert chapters == sorted(chapters), f"_toc.yml lists chapters out of order: {chapters}"
    assert chapters and chapters[0].startswith("01_")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [i for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: code cells {dirty} have stored outputs; strip them"


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_template(path):
    """Each chapter imports optim_lib, glues its numbers, asserts them in hidden cells,
    and has an explorer (one cell: explorer.show) and exercises."""
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    hidden = [c for c in code if "remove-cell" in c.get("metadata", {}).get("tags", [])]
    assert "optim_lib" in text, "a chapter imports the shared library"
    assert "glue(" in text, "numbers in the prose are glued"
    assert any("assert" in "".join(c["source"]) for c in hidden), "hidden cells assert the claims"
    assert ".show(" in text, ("an explorer, shown with explorer.show(...): live sliders in a "
                              "kernel, its kernel-free twin on the website")
    assert ".live()" not in text, ("one explorer cell per explorer: explorer.show(...), not a "
                                   ".live() cell beside a .twin(...) cell")
    assert "{exercise}" in text, "at least one exercise"
    assert "solution" in text and ":class: dropdown" in text, "solutions are hidden in dropdowns"


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.name)
def test_every_solution_names_an_exercise_of_its_chapter(path):
    """A solution (dropdown or gated) must point at an exercise label defined in the same
    chapter: an edit that drops an exercise's prose leaves an orphan solution and a broken link."""
    import re

    nb = json.loads(path.read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    labels = set(re.findall(r"```\{exercise\}[^\n]*\n(?::[^\n]*\n)*?:label: (\S+)", text))
    targets = re.findall(r"`{3,}\{solution(?:-start)?\} (\S+)", text)
    assert targets, "a chapter has at least one solution"
    orphans = [t for t in targets if t not in labels]
    assert not orphans, f"{path.name}: solutions name missing exercise labels {orphans}"
