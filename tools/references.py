"""Each chapter's references at its end, from the works its prose cites, on the site and in Lab.

    .venv/bin/python tools/references.py            # refresh every chapter's reference list
    .venv/bin/python tools/references.py --check    # list stale or missing lists, unknown keys

A chapter cites with ``{cite:p}`key``` or ``{cite:t}`key``` (keys in ``references.bib``). The
website renders them with sphinxcontrib-bibtex as "Kingma and Ba [2015]", linked to the list at
the end of the page. jupyterlab-myst has no bibliography: it shows a citation as its key. So the
chapter ends with two cells, written by this tool from the keys the chapter cites:

1. for the website: a code cell whose output is ``## References`` and a ``{bibliography}``
   directive filtered to the page, rendered as MyST by myst-nb (cell option
   ``mystnb.markdown_format: myst``); its input is removed on the site, and Lab folds the
   cell (a markdown cell cannot be folded there, and the directive means nothing to Lab).
   It outputs them in the book's build only (its kernels have ``OPTIM_LIB_SITE=1``); run
   anywhere else it outputs nothing (a run in Lab unfolds the output, which showed a
   second "References" heading above Lab's list);
2. for JupyterLab: the same heading and one line per work, under its key, written from
   ``references.bib`` (tagged ``remove-cell``: the website has the first).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "references.bib"
CITE = re.compile(r"\{cite(?::[pt])?\}`([^`]+)`")
SITE_MARK = "<!-- references: website -->"
LAB_MARK = "<!-- references: JupyterLab -->"
SITE_SOURCE = (f"# {SITE_MARK} (sphinxcontrib-bibtex renders this list; Lab has its own below)\n"
               "import os\n\n"
               "from IPython.display import Markdown\n\n"
               "# in the book's build only: anywhere else the directive means nothing, and a re-run\n"
               "# unfolds this cell's output (a second heading above Lab's list)\n"
               '(Markdown("## References\\n\\n```{bibliography}\\n:filter: docname in docnames\\n```")\n'
               ' if os.environ.get("OPTIM_LIB_SITE") == "1" else None)')
SITE_METADATA = {"tags": ["remove-input"], "mystnb": {"markdown_format": "myst"},
                 "jupyter": {"source_hidden": True, "outputs_hidden": True}}


def bib_entries(path: Path = BIB) -> dict[str, dict[str, str]]:
    """key -> fields of every entry of a .bib file (a small reader: braces balanced per field)."""
    text = path.read_text(encoding="utf-8")
    entries = {}
    for m in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", text):
        body, depth, i = [], 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            body.append(text[i]); i += 1
        fields = {f.lower(): v for f, v in re.findall(
            r"(\w+)\s*=\s*\{((?:[^{}]|\{[^{}]*\})*)\}", "".join(body))}
        entries[m.group(2)] = fields
    return entries


def _plain(value: str) -> str:
    value = re.sub(r"\\['`^\"~]\{?(\w)\}?", r"\1", value)      # {\'e} -> e
    return value.replace("{", "").replace("}", "").replace("--", "–")


def authors(field: str) -> str:
    names = [n.strip() for n in field.split(" and ")]
    last = [_plain(n.split(",")[0]) if "," in n else _plain(n.split()[-1]) for n in names]
    if "others" in last:
        last = last[:last.index("others")] + ["et al."]
    if len(last) > 3:
        return f"{last[0]} et al."
    return " and ".join(last) if len(last) <= 2 else f"{last[0]}, {last[1]} and {last[2]}"


def lab_line(key: str, fields: dict[str, str]) -> str:
    where = fields.get("journal") or fields.get("howpublished") or fields.get("publisher") or ""
    return (f"- `{key}` — {authors(fields.get('author', ''))} ({fields.get('year', 'n.d.')}). "
            f"*{_plain(fields.get('title', ''))}*. {_plain(where)}".rstrip())


def cited_keys(nb) -> list[str]:
    """The keys a chapter's prose cites, in order of first citation."""
    keys = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and LAB_MARK not in cell.source:
            for group in CITE.findall(cell.source):
                for key in (k.strip() for k in group.split(",")):
                    if key not in keys:
                        keys.append(key)
    return keys


def unknown_keys(nb, entries) -> list[str]:
    return [k for k in cited_keys(nb) if k not in entries]


def wanted_cells(nb, entries) -> list:
    keys = cited_keys(nb)
    if not keys:
        return []
    site = nbformat.v4.new_code_cell(SITE_SOURCE, metadata=SITE_METADATA)
    lines = [lab_line(k, entries[k]) for k in keys if k in entries]
    lab = nbformat.v4.new_markdown_cell(f"{LAB_MARK}\n## References\n\n" + "\n".join(lines),
                                        metadata={"tags": ["remove-cell"]})
    return [site, lab]


def _is_ours(cell) -> bool:
    return SITE_MARK in cell.source or LAB_MARK in cell.source


def refresh(nb, entries) -> bool:
    """Put the wanted reference cells at the end of nb (replacing old ones); True if changed."""
    old = [c for c in nb.cells if _is_ours(c)]
    want = wanted_cells(nb, entries)
    same = (len(old) == len(want) and all(o.source == w.source and o.cell_type == w.cell_type
            and o.metadata == w.metadata for o, w in zip(old, want))
            and nb.cells[len(nb.cells) - len(old):] == old)
    if same:
        return False
    kept = [c for c in nb.cells if not _is_ours(c)]
    for w, o in zip(want, old):      # keep cell ids stable across refreshes
        if "id" in o:
            w["id"] = o["id"]
    nb.cells = kept + want
    return True


def problems(path: Path, entries=None) -> list[str]:
    entries = bib_entries() if entries is None else entries
    nb = nbformat.read(path, as_version=4)
    found = [f"{path.name}: cites {k!r}, which references.bib lacks" for k in unknown_keys(nb, entries)]
    if refresh(nb, entries):
        found.append(f"{path.name}: its reference list is missing or stale; run tools/references.py")
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    entries = bib_entries()
    if args.check:
        left = [p for path in paths for p in problems(path, entries)]
        print("\n".join(left) or "every chapter's reference list is current")
        return 1 if left else 0
    bad = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        bad += [f"{path.name}: unknown key {k!r}" for k in unknown_keys(nb, entries)]
        if refresh(nb, entries):
            nbformat.write(nb, str(path))
            print(f"refreshed {path}")
    if bad:
        print("\n".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
