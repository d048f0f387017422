"""Build speed, measured in one run: per-chapter execution, nbval, and the full book build.

1. Each chapter of _toc.yml executed alone with nbclient (kernel start excluded), slowest first.
2. The wall time of nbval over chapters/ as `make test` runs it (`make test-notebooks`).
3. The wall time of a full `jupyter-book build` from an empty execution cache (what CI and a
   fresh clone pay), and of a rebuild with the cache warm (what `make book` pays after an edit
   of the prose).

Targets on the 2-core machine: whole build < 90 s, nbval < 60 s, no chapter over 8 s.
The full build is done in a temporary output folder, so `_build/` is left alone.

Run: `make bench` or `.venv/bin/python bench/build.py`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))
from test_book import toc_files  # noqa: E402

BUILD_TARGET, NBVAL_TARGET, CHAPTER_TARGET = 90.0, 60.0, 8.0


def chapter_time(path: Path) -> float:
    """Seconds to run every cell of the notebook in a fresh kernel (kernel start excluded)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        return time.perf_counter() - start


def wall(cmd: list[str], env=None) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {shlex.join(cmd)}\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def verdict(value, target):
    return f"{'OK' if value < target else 'MISSED'} (target < {target:.0f} s)"


def main():
    env = {**os.environ, "MPLBACKEND": "Agg"}
    os.environ.update(env)
    chapters = [ROOT / f"{e}.ipynb" for e in toc_files() if (ROOT / f"{e}.ipynb").exists()]
    times = sorted(((chapter_time(p), p.name) for p in chapters), reverse=True)

    nbval = wall(["make", "-s", "test-notebooks"], env)   # exactly as `make test` runs it
    with tempfile.TemporaryDirectory() as out:
        jb = [str(BIN / "jupyter-book"), "build", ".", "--path-output", out, "-W", "--keep-going"]
        cold = wall(jb, env)
        (Path(out) / "_build" / "html" / "index.html").touch()
        warm = wall(jb, env)

    print("Chapter execution (each alone, kernel start excluded), slowest first:")
    ok = True
    for seconds, name in times:
        ok &= seconds < CHAPTER_TARGET
        print(f"  {name:32s} {seconds:6.1f} s  {verdict(seconds, CHAPTER_TARGET)}")
    print(f"  {'all chapters':32s} {sum(t for t, _ in times):6.1f} s")
    print(f"\nnbval over chapters/            {nbval:6.1f} s  {verdict(nbval, NBVAL_TARGET)}")
    print(f"jupyter-book build, cold cache  {cold:6.1f} s  {verdict(cold, BUILD_TARGET)}")
    print(f"jupyter-book build, warm cache  {warm:6.1f} s")
    ok &= nbval < NBVAL_TARGET and cold < BUILD_TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
