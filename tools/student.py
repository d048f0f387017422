"""The student edition: every chapter without its solutions, for a class to work through.

    .venv/bin/python tools/student.py [OUT_DIR]      # default _build/student (`make student`)

For each chapter of _toc.yml, writes OUT_DIR/<chapter>.ipynb where

- the first cell says how to get ``optim_lib`` and stops with that message when it is missing;
- solutions are gone, prose and code: ``{solution}`` directives, and everything from a
  ``{solution-start}`` to its ``{solution-end}`` (the gated form, whose code cells run);
- hidden check cells (tag ``remove-cell``) that use a name a removed solution defined are
  gone too (they assert the solution is right), the other checks stay, collapsed;
- exercise cells stay as their stubs, so their checkers say "not done yet" until solved;
- outputs and Lab's evaluated expressions are cleared.

The website's download button serves these files (``_ext/student_download.py``).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION_BLOCK = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution\}.*?^(?P=fence)[ \t]*$\n?",
                            re.M | re.S)
GATE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-(?P<edge>start|end)\}.*?^(?P=fence)[ \t]*$\n?",
                  re.M | re.S)
SOLUTION_WORDS = re.compile(r"\bsolutions?\b", re.I)

FIRST_CELL = '''\
# Student edition of "Optimizers, executable", {title}.
# This notebook needs the course's library, optim_lib (and numpy, matplotlib, scikit-learn,
# ipywidgets). Get the course's source folder, then, inside it, either
#     make lab                          # installs everything into .venv and starts JupyterLab
# or, in the Python environment of this notebook,
#     python -m pip install -e .
try:
    import optim_lib  # noqa: F401
except ImportError:
    raise ModuleNotFoundError(
        "This notebook needs optim_lib, the library of the course 'Optimizers, executable'. "
        "Get the course's source folder and run `python -m pip install -e .` inside it "
        "(or `make lab` there, which installs everything and starts JupyterLab); "
        "then restart the kernel and run this notebook again.") from None
'''


def text(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def defined_names(code: str) -> set[str]:
    """Top-level names a cell defines (functions, classes, assignments)."""
    try:
        tree = ast.parse("\n".join(line for line in code.split("\n")
                                   if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def used_names(code: str) -> set[str]:
    """The names a cell reads (not the words of its strings and comments)."""
    try:
        tree = ast.parse("\n".join(line for line in code.split("\n")
                                   if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return set(re.findall(r"[A-Za-z_]\w*", code))
    nodes = list(ast.walk(tree))
    bound = {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {n.arg for n in nodes if isinstance(n, ast.arg)}   # loop, comprehension, parameters
    return {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


def student_notebook(nb, title: str):
    """A new notebook: the student edition of ``nb`` (which is not changed)."""
    cells, in_gate, solution_defs = [], False, set()
    for cell in nb.cells:
        src = text(cell)
        if cell.cell_type == "markdown":
            new = SOLUTION_BLOCK.sub("", src)
            for gate in GATE.finditer(src):
                in_gate = gate.group("edge") == "start"
            new = GATE.sub("", new)
            if in_gate and not GATE.search(src):
                continue  # prose inside a gated solution
            if not new.strip():
                continue
            cell = nbformat.v4.new_markdown_cell(new, id=cell.get("id"),
                                                 metadata=dict(cell.metadata))
        elif in_gate:
            solution_defs |= defined_names(src)
            continue
        cells.append(cell)
    # Hidden checks of the removed solutions: a check that reads a name a solution defined
    # goes, unless later cells need a name it defines (then it is plumbing, not a check) and
    # every solution name it reads is also defined by the chapter's own code.
    chapter_defs = set()
    for cell in cells:
        if cell.cell_type == "code":
            chapter_defs |= defined_names(text(cell))
    code = [c for c in cells if c.cell_type == "code"]
    kept = []
    for cell in cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and "remove-cell" in tags:
            reads = used_names(text(cell)) & solution_defs
            later = set().union(*(used_names(text(c)) for c in code[code.index(cell) + 1:]))
            needed = defined_names(text(cell)) & later
            if reads and (not needed or reads - chapter_defs):
                continue
        kept.append(cell)
    out = nbformat.v4.new_notebook(metadata=dict(nb.metadata))
    first = nbformat.v4.new_code_cell(FIRST_CELL.format(title=title), id="get-optim-lib")
    out.cells = [first]
    for cell in kept:
        cell = nbformat.from_dict(dict(cell))
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("user_expressions", None)
        out.cells.append(cell)
    return out


def chapter_title(nb, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", text(cell), re.M)
            if m:
                return "chapter " + m.group(1).strip()
    return path.stem


def write_student(path: Path, target: Path) -> None:
    nb = nbformat.read(str(path), as_version=4)
    edition = student_notebook(nb, chapter_title(nb, Path(path)))
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(edition, str(target))


def toc_chapters() -> list[Path]:
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry["file"] for part in toc.get("parts", []) for entry in part.get("chapters", [])]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else ROOT / "_build" / "student"
    out.mkdir(parents=True, exist_ok=True)
    for path in toc_chapters():
        write_student(path, out / path.name)
        print(f"{out / path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
