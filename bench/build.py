"""Build speed, measured in one run: per-chapter execution, nbval, and the full book build.

1. Each chapter of _toc.yml executed alone with nbclient (kernel start excluded), slowest first.
2. The wall time of nbval over chapters/ as `make test` runs it (`make test-notebooks`).
3. The wall time of a full `jupyter-book build` from an empty execution cache (what CI and a
   fresh clone pay), and of a rebuild with the cache warm (what `make book` pays after an edit
   of the prose).

Budgets on one quiet core of the 2-core machine: no chapter over 15 s (the two races,
chapters 11 and 12, 20 s), and all chapters together within 60 s of execution; nbval < 90 s.
A missed budget is printed (MISSED), not raised: timings on a shared machine are noisy.
The full build is done in a temporary output folder, so `_build/` is left alone.
`--chapters` times the chapters only (step 1).

`--clean N` instead builds the book N times, each from nothing (a fresh output folder: no
execution cache and no `.doctrees`, which would make Sphinx skip execution), and prints each
build's time, each notebook's execution time, and every stall (a notebook that took over
STALL_S seconds or hit the cell timeout). It also compares the text of every page with the
first build's and prints every sentence that differs (only timings, which the prose labels
as measured on the reader's machine, may differ).

Run: `make bench` or `.venv/bin/python bench/build.py [--clean N]`.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
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

EXECUTION_TARGET, NBVAL_TARGET, CHAPTER_TARGET = 60.0, 90.0, 15.0
RACE_TARGET, RACES = 20.0, ("11_which_optimizer.ipynb", "12_neural_network.ipynb")
STALL_S = 120.0  # the cell timeout of _config.yml: a lost reply would wait this long, then fail


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


def chapter_budget(name: str) -> float:
    return RACE_TARGET if name in RACES else CHAPTER_TARGET


def main(chapters_only: bool = False):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    os.environ.update(env)
    chapters = [ROOT / f"{e}.ipynb" for e in toc_files() if (ROOT / f"{e}.ipynb").exists()]
    times = sorted(((chapter_time(p), p.name) for p in chapters), reverse=True)

    print("Chapter execution (each alone, kernel start excluded), slowest first:")
    for seconds, name in times:
        print(f"  {name:32s} {seconds:6.1f} s  {verdict(seconds, chapter_budget(name))}")
    total = sum(t for t, _ in times)
    print(f"  {'all chapters':32s} {total:6.1f} s  {verdict(total, EXECUTION_TARGET)}")
    if chapters_only:
        return 0
    nbval = wall(["make", "-s", "test-notebooks"], env)   # exactly as `make test` runs it
    with tempfile.TemporaryDirectory() as out:
        jb = [str(BIN / "jupyter-book"), "build", ".", "--path-output", out, "-W", "--keep-going"]
        cold = wall(jb, env)
        (Path(out) / "_build" / "html" / "index.html").touch()
        warm = wall(jb, env)
    print(f"\nnbval over chapters/            {nbval:6.1f} s  {verdict(nbval, NBVAL_TARGET)}")
    print(f"jupyter-book build, cold cache  {cold:6.1f} s  (two kernels at once)")
    print(f"jupyter-book build, warm cache  {warm:6.1f} s")
    return 0


def page_texts(html: Path) -> dict[str, list[str]]:
    """The visible text of every page, one sentence per item (scripts and styles dropped)."""
    from bs4 import BeautifulSoup

    texts = {}
    for page in sorted(html.rglob("*.html")):
        if "_static" in page.parts or page.name in ("genindex.html", "search.html"):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        main = soup.find("main") or soup
        for tag in main(["script", "style"]):
            tag.decompose()
        text = re.sub(r"\s+", " ", main.get_text(" "))
        texts[str(page.relative_to(html))] = re.split(r"(?<=[.!?]) ", text)
    return texts


def clean_builds(n: int) -> int:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    first, stalls, failures, times = None, 0, 0, []
    for i in range(1, n + 1):
        with tempfile.TemporaryDirectory() as out:
            cmd = [str(BIN / "jupyter-book"), "build", ".", "--path-output", out, "-W", "--keep-going"]
            start = time.perf_counter()
            run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            times.append(seconds)
            log = run.stdout + run.stderr
            chapters = re.findall(r"\[parallel_execute\] (\S+\.ipynb): ([0-9.]+) s", log)
            slow = [(name, float(t)) for name, t in chapters if float(t) > STALL_S]
            slow += [("timeout", 0.0)] * log.count("no reply before the cell timeout")
            stalls += bool(slow)
            failures += run.returncode != 0
            worst = max(chapters, key=lambda c: float(c[1])) if chapters else ("-", "0")
            print(f"build {i}/{n}: {seconds:6.1f} s, exit {run.returncode}, {len(chapters)} notebooks "
                  f"executed, slowest {worst[0]} {float(worst[1]):.1f} s"
                  + (f", STALL {slow}" if slow else ""), flush=True)
            if run.returncode != 0:
                print(log[-3000:])
                continue
            texts = page_texts(Path(out) / "_build" / "html")
            if first is None:
                first = texts
                continue
            for page, sentences in texts.items():
                diff = [line for line in difflib.unified_diff(first.get(page, []), sentences, lineterm="", n=0)
                        if line[:1] in "+-" and not line.startswith(("+++", "---"))]
                for line in diff:
                    print(f"    {page}: {line[:200]}")
    print(f"\n{n} clean builds: {min(times):.1f}-{max(times):.1f} s (median "
          f"{sorted(times)[len(times) // 2]:.1f} s), {stalls} with a stall, {failures} failed")
    return 1 if stalls or failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", type=int, metavar="N", help="build N times from nothing")
    parser.add_argument("--chapters", action="store_true", help="time the chapters only")
    args = parser.parse_args()
    raise SystemExit(clean_builds(args.clean) if args.clean else main(args.chapters))
