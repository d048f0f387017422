"""What a learner reads on the core path of each chapter: words, numbers, code lines, figures.

    .venv/bin/python tools/chapter_stats.py            # every chapter of _toc.yml, a table
    .venv/bin/python tools/chapter_stats.py --max-numbers 60   # exit 1 if a chapter has more

The core path is what is open on the page without a click:
- prose: markdown cells (not the chapter's reference list, not a gated solution's cells), minus
  the bodies of collapsible blocks (any directive with
  ``:class: dropdown``, including solutions, and ``{dropdown}``), minus inline code, labels
  and the targets of roles (``{ref}`...```, ``{cite}`...```); math stays (it is read);
- a number is a numeric token in that prose (``0.9``, ``10^{-6}`` counts 10 and 6, ``20%``),
  and every glued value (``{eval}`glued["..."]```) counts as one;
- code lines: non-blank lines of code cells shown open (not tagged ``remove-cell``,
  ``remove-input``, ``hide-input`` or ``hide-cell``, and not folded in JupyterLab);
- figures: shown code cells (open or folded, not removed) that draw: they call ``figure(``,
  ``plt.``, ``subplots(``, ``.twin(``, ``.show(`` or ``animate``;
- minutes: words / 200 + 0.5 per figure + code lines / 20 (a reading estimate, stated so
  that it can be argued with).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<arg>.*)$")
EVAL = re.compile(r"\{eval\}`[^`]*`")
ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
CODE_SPAN = re.compile(r"`[^`]*`")
LABEL = re.compile(r"^\([\w:-]+\)=\s*$", re.M)
LINK_TARGET = re.compile(r"\]\([^)]*\)")
COMMENT = re.compile(r"<!--.*?-->", re.S)
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?")
WORD = re.compile(r"[A-Za-zÀ-ÿα-ωΑ-Ω]+(?:['’-][A-Za-z]+)*")
DRAWS = re.compile(r"figure\(|plt\.|subplots\(|\.twin\(|\.show\(|animate")
SOLUTION_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}", re.M)
SOLUTION_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}", re.M)
CHAPTER = re.compile(r"^(\d+|[A-Z])_")
HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-input", "hide-cell"}


def open_prose(source: str) -> str:
    """The markdown a reader sees without a click: collapsible blocks' bodies removed."""
    out, stack = [], []        # stack of (fence, collapsed?)
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE_OPEN.match(line.strip())
        if m:
            # read the option block to see whether it collapses
            j, opts = i + 1, []
            while j < len(lines) and lines[j].strip().startswith(":") and not lines[j].strip().startswith(":::"):
                opts.append(lines[j]); j += 1
            collapsed = (m.group("name") in ("dropdown", "solution", "solution-start")
                         or any("dropdown" in o for o in opts if o.strip().startswith(":class:")))
            inside_collapsed = any(c for _, c in stack)
            stack.append((m.group("fence"), collapsed))
            if not inside_collapsed:
                out.append(m.group("arg"))          # a title is read, even a closed one's
            i = j
            continue
        if stack and line.strip() == stack[-1][0]:
            stack.pop(); i += 1; continue
        if not any(c for _, c in stack):
            out.append(line)
        i += 1
    return "\n".join(out)


def prose_counts(text: str) -> tuple[int, int]:
    text = COMMENT.sub(" ", text)
    text = LABEL.sub(" ", text)
    n_eval = len(EVAL.findall(text))
    text = EVAL.sub(" ", text)
    text = ROLE.sub(" ", text)
    text = CODE_SPAN.sub(" ", text)
    text = LINK_TARGET.sub("]", text)
    return len(WORD.findall(text)), len(NUMBER.findall(text)) + n_eval


def chapter_stats(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    words = numbers = code = figures = 0
    in_solution = False          # between a gated solution's start and end: collapsed
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type == "markdown":
            source = cell.source
            start = SOLUTION_START.search(source)
            if start:                 # what comes before the gated solution is read
                in_solution, source = True, source[:start.start()]
            elif SOLUTION_END.search(source):
                in_solution, source = False, source[SOLUTION_END.search(source).end():]
            elif in_solution or "remove-cell" in tags or "<!-- references:" in source:
                continue          # a gated solution; the reference list (not running text)
            w, n = prose_counts(open_prose(source))
            words += w; numbers += n
        elif cell.cell_type == "code":
            if "remove-cell" in tags or "remove-input" in tags or in_solution:
                continue
            if DRAWS.search(cell.source):
                figures += 1
            folded = tags & HIDDEN_TAGS or cell.metadata.get("jupyter", {}).get("source_hidden")
            if not folded:
                code += sum(1 for line in cell.source.split("\n") if line.strip())
    minutes = words / 200 + 0.5 * figures + code / 20
    return {"words": words, "numbers": numbers, "code lines": code, "figures": figures,
            "minutes": round(minutes, 1)}


def toc_chapters() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--max-numbers", type=int, default=None,
                    help="exit 1 if a chapter shows more numbers than this on its core path")
    args = ap.parse_args(argv)
    paths = args.paths or toc_chapters()
    cols = ["words", "numbers", "code lines", "figures", "minutes"]
    print(f"{'chapter':32s}" + "".join(f"{c:>12s}" for c in cols))
    over = []
    for p in paths:
        s = chapter_stats(p)
        print(f"{p.stem:32s}" + "".join(f"{s[c]:>12}" for c in cols))
        if args.max_numbers is not None and s["numbers"] > args.max_numbers:
            over.append(f"{p.stem}: {s['numbers']} numbers")
    if over:
        print(f"over {args.max_numbers} numbers: " + "; ".join(over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
