"""Make a chapter read the same in JupyterLab (jupyterlab-myst) as on the website (myst-nb).

Mechanical and idempotent: run it as often as you like, on one notebook or all of them.

    .venv/bin/python tools/markup.py                 # every chapters/*.ipynb
    .venv/bin/python tools/markup.py chapters/05_sgd.ipynb
    .venv/bin/python tools/markup.py --check         # list what is left to convert, exit 1 if any

What it changes (nothing else: cell ids, tags, other metadata and the order of cells are kept):

1. Glued numbers. ``{glue:text}`key:spec``` (and ``{glue:md}`key```, ``{glue}`key``` and the
   ``{glue:}`` block directive) become ``{eval}`glued["key:spec"]```. JupyterLab evaluates that
   expression in the kernel (``optim_lib.course.prose.glued``); on the website ``_ext/glued_eval.py``
   reads it back as the glued value. ``from myst_nb import glue`` becomes
   ``from optim_lib.course.prose import glue, glued`` (same ``glue``, and it keeps the value for Lab).
2. Exercise numbers per chapter. Every ``{exercise}`` directive gets ``:enumerator: 11.2``
   (chapter 11, second exercise; ``A.1`` in the appendix), renumbered in order on every run.
   jupyterlab-myst shows that number; the Sphinx extension numbers the website the same way.
3. Plumbing out of the way. Cells tagged ``remove-cell`` (setup, glue and hidden checks) and the
   code cells of gated solutions (between ``solution-start`` and ``solution-end``) get
   ``jupyter.source_hidden`` and ``jupyter.outputs_hidden``: Lab collapses them to a thin bar.
4. Folded, one click away, on both. A cell tagged ``hide-input`` (plotting code, helper source:
   the website shows a "Show code" toggle above its output) gets ``jupyter.source_hidden``; a
   cell tagged ``hide-cell`` (evidence: code and output behind one toggle) gets both
   ``source_hidden`` and ``outputs_hidden``; ``hide-output`` gets ``outputs_hidden``.
"""

from __future__ import annotations

import argparse
import json
import re

import nbformat
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# {glue:text}`key:spec`, {glue:md}`key`, {glue}`key`, {glue:any}`key`
GLUE_ROLE = re.compile(r"\{glue(?::(?:text|md|any))?\}`([^`]+)`")
# ```{glue:} key\n``` (any fence length, backticks or colons, optional :options we drop)
GLUE_DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{glue(?::any)?:?\}[ \t]+(?P<key>\S+)[ \t]*\n"
    r"(?:[ \t]*:[\w-]+:.*\n)*"
    r"(?P=fence)[ \t]*$", re.M)
EXERCISE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<kind>exercise(?:-start)?)\}.*\n", re.M)
ENUMERATOR_LINE = re.compile(r"^:enumerator:.*\n", re.M)
OPTION_LINE = re.compile(r"^:[\w-]+:.*$")
GLUE_IMPORT = re.compile(r"^from myst_nb import glue[ \t]*$", re.M)
NEW_IMPORT = "from optim_lib.course.prose import glue, glued"
SOLUTION_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}", re.M)
SOLUTION_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}", re.M)
CHAPTER = re.compile(r"^(\d+|[A-Z])_")


def chapter_label(path: Path) -> str | None:
    """'11' for chapters/11_which_optimizer.ipynb, 'A' for chapters/A_cost_of_a_step.ipynb,
    None for a page that is not a numbered chapter (chapters/cheat_sheet.ipynb)."""
    m = CHAPTER.match(Path(path).name)
    if not m:
        return None
    label = m.group(1)
    return str(int(label)) if label.isdigit() else label


def eval_role(key: str) -> str:
    return '{eval}`glued["' + key.strip() + '"]`'


def convert_markdown(source: str) -> str:
    source = GLUE_DIRECTIVE.sub(lambda m: eval_role(m.group("key")), source)
    return GLUE_ROLE.sub(lambda m: eval_role(m.group(1)), source)


def number_exercises(source: str, label: str, count: int) -> tuple[str, int]:
    """Set ``:enumerator: label.k`` as the first option of every exercise directive."""
    out, pos = [], 0
    for m in EXERCISE.finditer(source):
        if label is None:
            raise ValueError("an exercise needs a numbered chapter (11_name.ipynb), "
                             "got one on a page without a chapter number")
        out.append(source[pos:m.end()])
        pos = m.end()
        # the directive's option block: the lines starting with :name: right after the header
        lines = source[pos:].split("\n")
        n_opts = 0
        while n_opts < len(lines) and OPTION_LINE.match(lines[n_opts]):
            n_opts += 1
        options = [line for line in lines[:n_opts] if not line.startswith(":enumerator:")]
        count += 1
        options.insert(0, f":enumerator: {label}.{count}")
        out.append("\n".join(options) + ("\n" if n_opts < len(lines) else ""))
        pos += sum(len(line) + 1 for line in lines[:n_opts])
        pos = min(pos, len(source))
    out.append(source[pos:])
    return "".join(out), count


def collapse(cell: dict) -> bool:
    """Collapse a cell's input and outputs in JupyterLab; True if it changed."""
    jup = cell.setdefault("metadata", {}).setdefault("jupyter", {})
    changed = jup.get("source_hidden") is not True or jup.get("outputs_hidden") is not True
    jup["source_hidden"] = True
    jup["outputs_hidden"] = True
    return changed


# website tag -> what JupyterLab folds for it
FOLDS = {"hide-input": ("source_hidden",), "hide-output": ("outputs_hidden",),
         "hide-cell": ("source_hidden", "outputs_hidden")}


def fold(cell: dict) -> bool:
    """Fold in JupyterLab what the cell's hide-* tags fold on the website; True if it changed."""
    tags = cell.get("metadata", {}).get("tags", [])
    keys = {k for tag in tags for k in FOLDS.get(tag, ())}
    if not keys:
        return False
    jup = cell.setdefault("metadata", {}).setdefault("jupyter", {})
    changed = any(jup.get(k) is not True for k in keys)
    for k in keys:
        jup[k] = True
    return changed


def text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def convert_notebook(nb: dict, label: str) -> dict:
    """Convert a notebook (the JSON dict) in place and return it."""
    exercises = 0
    in_solution = False
    for cell in nb["cells"]:
        src = text(cell)
        if cell["cell_type"] == "markdown":
            new = convert_markdown(src)
            new, exercises = number_exercises(new, label, exercises)
            if SOLUTION_START.search(new):
                in_solution = True
            if SOLUTION_END.search(new):
                in_solution = False
        else:
            new = GLUE_IMPORT.sub(NEW_IMPORT, src)
            tags = cell.get("metadata", {}).get("tags", [])
            if "remove-cell" in tags or in_solution:
                collapse(cell)
            else:
                fold(cell)
        if new != src:
            cell["source"] = new
    return nb


def convert_file(path: Path) -> bool:
    """Read, convert and write one notebook in one quick step; True if it changed."""
    path = Path(path)
    raw = path.read_text(encoding="utf-8")
    nb = nbformat.reads(raw, as_version=4)
    convert_notebook(nb, chapter_label(path))
    out = nbformat.writes(nb) + "\n"
    if out == raw:
        return False
    path.write_text(out, encoding="utf-8")
    return True


# ---------------------------------------------------------------------------------------------
# What JupyterLab cannot render (used by --check and by tests/test_markup.py)

ROLE = re.compile(r"\{([\w:.+-]+)\}`")
DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{([\w:.+-]+)\}", re.M)
# roles and directives that jupyterlab-myst 2.7 renders (mystmd core, exercise, grid, card, tabs)
LAB_ROLES = {"eval", "ref", "numref", "eq", "math", "sub", "sup", "abbr", "doc", "download",
             "term", "kbd", "u", "underline", "strike", "del", "smallcaps", "cite", "cite:p",
             "cite:t", "button"}
LAB_DIRECTIVES = {"exercise", "solution", "solution-start", "solution-end", "exercise-start",
                  "exercise-end", "admonition", "note", "tip", "hint", "important", "warning",
                  "caution", "attention", "danger", "error", "seealso", "math", "code",
                  "code-block", "figure", "image", "table", "list-table", "grid", "grid-item",
                  "grid-item-card", "card", "tab-set", "tab-item", "dropdown", "margin",
                  "aside", "sidebar", "csv-table", "div", "raw", "embed", "include", "prf:proof"}
EVAL_GLUED = re.compile(r'\{eval\}`glued\["([^"`:]+)(?::[^"`]*)?"\]`')
EVAL_ANY = re.compile(r"\{eval\}`([^`]*)`")


# Prose that quotes a number before the code that computes it: on the website glue fills it in
# (glue reads the whole executed notebook), but JupyterLab evaluates {eval} when Run All
# reaches the markdown cell, before the value exists, and shows a KeyError there. Each needs
# a content fix (glue the value in a code cell above the prose, or move the sentence below
# it); then delete its entry. tests/test_markup.py fails on any new one, and on an entry
# that is no longer needed, so this list can only shrink.
FORWARD_REFERENCES_TO_FIX: dict[str, set[str]] = {}


def forward_references(path: Path) -> set[str]:
    """The glued names a chapter's prose quotes before a code cell above has glued them."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    code, found = "", set()
    for cell in nb["cells"]:
        src = text(cell)
        if cell["cell_type"] == "code":
            code += src + "\n"
        else:
            found |= {key for key in EVAL_GLUED.findall(src) if not glued_above(key, code)}
    return found


def glued_above(key: str, code: str) -> bool:
    """Whether code (the code cells above a markdown cell) can have glued `key`: the key as a
    string literal, or an f-string first argument of a call such as glue(f"{name}_steps", ...)."""
    if re.search(r"""["']""" + re.escape(key) + r"""["']""", code):
        return True
    for fstring in re.findall(r"""\(\s*f(["'])(.*?)\1""", code):
        pattern = "".join(".+" if part.startswith("{") else re.escape(part)
                          for part in re.split(r"(\{[^}]*\})", fstring[1]))
        if re.fullmatch(pattern, key):
            return True
    return False


def problems(path: Path) -> list[str]:
    """Everything in one chapter that a learner in JupyterLab would see raw or open."""
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    label = chapter_label(path)
    found = []
    code_so_far = ""
    exercises = 0
    in_solution = False
    for i, cell in enumerate(nb["cells"]):
        src = text(cell)
        where = f"{path.name} cell {i} ({cell.get('id', '?')})"
        if cell["cell_type"] == "markdown":
            for role in ROLE.findall(src):
                if role not in LAB_ROLES:
                    found.append(f"{where}: role {{{role}}} is shown raw in JupyterLab")
            for directive in DIRECTIVE.findall(src):
                if directive not in LAB_DIRECTIVES:
                    found.append(f"{where}: directive {{{directive}}} is shown raw in JupyterLab")
            for expr in EVAL_ANY.findall(src):
                m = EVAL_GLUED.fullmatch("{eval}`" + expr + "`")
                if not m:
                    found.append(f"{where}: {{eval}}`{expr}` is not of the form glued[\"key:spec\"]"
                                 " (the website can only read glued values)")
                elif (not glued_above(m.group(1), code_so_far)
                      and m.group(1) not in FORWARD_REFERENCES_TO_FIX.get(path.stem, ())):
                    found.append(f"{where}: {{eval}}`{expr}` quotes {m.group(1)!r} before any "
                                 "code cell above glues it (Lab evaluates it as the cell runs)")
            for m in EXERCISE.finditer(src):
                exercises += 1
                opts = src[m.end():].split("\n")
                want = f":enumerator: {label}.{exercises}"
                if want not in [o.strip() for o in opts[:8] if OPTION_LINE.match(o.strip())]:
                    found.append(f"{where}: exercise {exercises} lacks '{want}'")
            if SOLUTION_START.search(src):
                in_solution = True
            if SOLUTION_END.search(src):
                in_solution = False
        else:
            code_so_far += src + "\n"
            jup = cell.get("metadata", {}).get("jupyter", {})
            hidden = jup.get("source_hidden") and jup.get("outputs_hidden")
            if "remove-cell" in cell.get("metadata", {}).get("tags", []) and not hidden:
                found.append(f"{where}: hidden check cell (remove-cell) stands open in Lab")
            if in_solution and not hidden:
                found.append(f"{where}: solution code cell stands open in Lab")
            tags = cell.get("metadata", {}).get("tags", [])
            for tag in tags:
                missing = [k for k in FOLDS.get(tag, ()) if jup.get(k) is not True]
                if missing:
                    found.append(f"{where}: tagged {tag} on the website but not folded in Lab"
                                 f" ({', '.join(missing)}); run tools/markup.py")
            if GLUE_IMPORT.search(src):
                found.append(f"{where}: imports myst_nb's glue (use {NEW_IMPORT})")
    return found


def chapters() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: chapters/*.ipynb")
    parser.add_argument("--check", action="store_true", help="only list what is left")
    args = parser.parse_args(argv)
    paths = args.notebooks or chapters()
    if args.check:
        left = [p for path in paths for p in problems(path)]
        print("\n".join(left) or "nothing left: every chapter renders in JupyterLab")
        return 1 if left else 0
    for path in paths:
        print(f"{'converted' if convert_file(path) else 'unchanged'} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
