"""How fast every explorer of the book redraws when a slider moves.

Every chapter of _toc.yml is executed in-process (an IPython shell, Agg backend); every
`optim_lib.course.explorer.Explorer` it builds is then driven programmatically: each control is
swept through its values (the others at their defaults), and each redraw is timed the way
a learner waits for it: `update(...)` plus `render()`, the PNG the live widget displays.
Prints the median and worst redraw per explorer, slowest first. Target: median under 100 ms and worst under 250 ms for every explorer.

Run: `make bench` or `.venv/bin/python bench/explorers.py [chapter-name-substring ...]`.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402

from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from optim_lib.course import (classifier_explorers, explorer, network_explorers,  # noqa: E402
                              path_explorers, valley_explorer)

EXPLORER_MODULES = (classifier_explorers, path_explorers, valley_explorer, network_explorers)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from test_book import toc_files  # noqa: E402

MEDIAN_TARGET, WORST_TARGET = 0.100, 0.250


def chapter_explorers(path: Path, shell: InteractiveShell):
    """Run a notebook's code cells in ``shell``; return the explorers it built."""
    shell.reset(new_session=False)
    os.chdir(path.parent)
    built = []                       # every Explorer the chapter builds, in order
    init = explorer.Explorer.__init__

    def record(self, *args, **kwargs):
        init(self, *args, **kwargs)
        built.append(self)

    explorer.Explorer.__init__ = record
    try:
        _run_cells(path, shell)
    finally:
        explorer.Explorer.__init__ = init
    return {f"explorer {i + 1}": e for i, e in enumerate(built)}


def _run_cells(path: Path, shell: InteractiveShell):
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
        # store_history: each cell gets its own execution count, as in a kernel (glue counts
        # its values per cell); the displayed results go nowhere
        with contextlib.redirect_stdout(io.StringIO()):
            result = shell.run_cell(code, store_history=True)
        if not result.success:
            raise RuntimeError(f"{path.name}: a cell failed: {result.error_in_exec!r}")


def redraw_times(explorer: "Explorer"):
    times = []
    for name, control in explorer.controls.items():
        for value in control.sweep():
            start = time.perf_counter()
            explorer.update(**{name: value})
            explorer.render()
            times.append(time.perf_counter() - start)
    explorer.update()
    return np.array(times)


def main(filters):
    shell = InteractiveShell.instance()
    rows, used = [], set()
    for entry in toc_files():
        path = ROOT / f"{entry}.ipynb"
        if not path.exists() or (filters and not any(f in path.name for f in filters)):
            continue
        cwd = os.getcwd()
        try:
            found = chapter_explorers(path, shell)
        finally:
            os.chdir(cwd)
        for var, explorer in found.items():
            # the factory that built it: update is a closure defined inside it
            factory = explorer._update.__qualname__.split(".<locals>")[0]
            used.add(factory)
            t = redraw_times(explorer)
            rows.append((path.stem, var, factory, len(t), np.median(t), t.max()))

    rows.sort(key=lambda r: r[4], reverse=True)
    print(f"Explorer redraw: update + PNG render, per slider value "
          f"(target: median < {MEDIAN_TARGET * 1e3:.0f} ms, worst < {WORST_TARGET * 1e3:.0f} ms)\n")
    print(f"{'chapter':24s} {'explorer':28s} {'redraws':>7s} {'median ms':>10s} {'worst ms':>9s}")
    ok = True
    for chapter, var, factory, n, med, worst in rows:
        good = med < MEDIAN_TARGET and worst < WORST_TARGET
        ok &= good
        print(f"{chapter:24s} {var + ' (' + factory + ')':28.28s} {n:7d} {med * 1e3:10.1f} "
              f"{worst * 1e3:9.1f}  {'OK' if good else 'MISSED'}")
    factories = {n for m in EXPLORER_MODULES for n, f in inspect.getmembers(m, inspect.isfunction)
                 if n.endswith("_explorer") and f.__module__ == m.__name__}
    unused = sorted(factories - used)
    if unused and not filters:
        print(f"\nexplorer factories in optim_lib.course that no chapter uses (not measured): {unused}")
    if not rows:
        print("no explorer found")
        return 1
    # A missed target is reported, not raised: on a shared machine a busy neighbour can push
    # a redraw past it, and `make bench` must run to the end to show every other number.
    print("\nevery explorer within its target" if ok else
          "\nMISSED: some explorer is over its target on this run (re-run on a quiet machine)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
