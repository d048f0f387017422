"""Build speed, measured in one run: per-chapter execution, nbval, and the full book build.

1. Each chapter of _toc.yml executed alone with nbclient, one BLAS thread, as the book's build
   runs it (in a kernel forked from the build's zygote, _ext/forked_kernels.py;
   ``OPTIM_LIB_SITE=1``: the explorers render their kernel-free players; `--live`
   times them as nbval and JupyterLab run them instead), slowest first: the cells' time and
   the kernel's start, each against the chapter budget, and the kernel's CPU seconds (on a
   shared machine the wall moves with the load; compare CPU seconds of runs side by side).
   Then the build's execution wall:
   the chapters (kernel start included) scheduled two at a time in the order
   `_ext/parallel_execute.py` starts them (largest notebook file first, the next one as a
   kernel frees), against the 60 s budget, with the margin.
2. The wall time of nbval over chapters/ as `make test` runs it (`make test-notebooks`).
3. The wall time of a full `jupyter-book build` from an empty execution cache (what CI and a
   fresh clone pay) with its execution wall as `_ext/parallel_execute.py` logs it ("done in",
   against the 60 s budget), and of a rebuild with the cache warm (what `make book` pays after an edit
   of the prose).

Budgets on one quiet core of the 2-core machine: no chapter over 15 s (the two races,
chapters 11 and 12, 20 s), and the build's execution (two kernels at once, as scheduled
above) within 60 s; nbval < 90 s.
A missed budget is printed (MISSED), not raised: timings on a shared machine are noisy.
The full build is done in a temporary output folder, so `_build/` is left alone.
`--chapters` times the chapters only (step 1). `--log FILE` reads a real build's log instead
(its `[parallel_execute] NAME: X s` and `done in X s` lines) and prints the same budget.

`--clean N` instead builds the book N times, each from nothing (a fresh output folder: no
execution cache and no `.doctrees`, which would make Sphinx skip execution), and prints each
build's time, its execution (`done in`) beside the CPU seconds other work on the machine took
meanwhile (a busy shared machine moves the wall; a virtual machine's steal time counts), the
slowest notebook, and every stall (a notebook that took over STALL_S seconds or hit the cell
timeout); it ends with the executions against the 60 s budget, judged by the slowest (a
build that failed logs none, and is counted apart). It also compares the text of every page
with the first build's and prints every sentence that differs (only timings, which the prose
labels as measured on the reader's machine, may differ).

Run: `make bench` or `.venv/bin/python bench/build.py [--chapters] [--live] [--log FILE] [--clean N]`.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "_ext"))
from kernels import Kernels  # noqa: E402
from test_book import toc_files  # noqa: E402

EXECUTION_TARGET, NBVAL_TARGET, CHAPTER_TARGET = 60.0, 90.0, 15.0
RACE_TARGET, RACES = 20.0, ("11_which_optimizer.ipynb", "12_neural_network.ipynb")
STALL_S = 120.0  # the cell timeout of _config.yml: a lost reply would wait this long, then fail


#: as _ext/parallel_execute.py: one worker per core, at most two
WORKERS = max(1, min(2, os.cpu_count() or 1))


def stop(km) -> None:
    run_sync(km.shutdown_kernel)(now=True)


def chapter_time(path: Path, kernels) -> tuple[float, float, float]:
    """Seconds to run every cell of the notebook in a fresh kernel started as the build starts
    one (``kernels``: _ext/kernels.py's, forked from its zygote), the kernel's start, and the
    kernel's CPU seconds over the cells (less sensitive to a busy machine than the wall)."""
    import psutil

    nb = nbformat.read(path, as_version=4)
    begin = time.perf_counter()
    km = kernels.start("python3", str(path.parent))
    try:
        client = NotebookClient(nb, km=km, timeout=600,
                                resources={"metadata": {"path": str(path.parent)}})
        with client.setup_kernel():
            kernel = psutil.Process(km.provisioner.pid)
            cpu = lambda: sum(kernel.cpu_times()[:2])  # noqa: E731  (user + system)
            start, cpu_start = time.perf_counter(), cpu()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            return time.perf_counter() - start, start - begin, cpu() - cpu_start
    finally:
        stop(km)


def build_order(paths) -> list[Path]:
    """The order _ext/parallel_execute.py starts the notebooks in: largest file first."""
    return sorted(paths, key=lambda p: -Path(p).stat().st_size)


def makespan(seconds: list[float], workers: int = WORKERS) -> float:
    """The wall time of running jobs of these durations, in this order, ``workers`` at a
    time, each started as soon as a worker is free (as parallel_execute.run_jobs does)."""
    free = [0.0] * max(1, workers)
    for s in seconds:
        i = free.index(min(free))
        free[i] += s
    return max(free)


def print_budget(times: dict[str, float], order: list[str], measured: float | None = None):
    """The execution wall of the build against its budget, with the margin."""
    total = sum(times.values())
    span = makespan([times[n] for n in order if n in times])
    best = makespan(sorted(times.values(), reverse=True))
    print(f"  {'sum of the notebooks':32s} {total:6.1f} s  (one kernel after the other)")
    print(f"  {f'build, {WORKERS} kernels at once':32s} {span:6.1f} s  "
          f"{verdict(span, EXECUTION_TARGET)}, margin {EXECUTION_TARGET - span:+.1f} s "
          f"(parallel_execute's order: largest file first)")
    if best < span - 0.05:
        print(f"  {'  ... longest measured first':32s} {best:6.1f} s  "
              f"(the same notebooks started slowest first)")
    if measured is not None:
        print(f"  {'build, as logged (done in)':32s} {measured:6.1f} s  "
              f"{verdict(measured, EXECUTION_TARGET)}, margin {EXECUTION_TARGET - measured:+.1f} s")


def wall(cmd: list[str], env=None) -> tuple[float, str]:
    """The command's wall time, and what it printed."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {shlex.join(cmd)}\n{result.stderr[-3000:]}")
    return time.perf_counter() - start, result.stdout + result.stderr


def logged_execution(log: str) -> float | None:
    """parallel_execute's "done in X s": the real build's execution wall."""
    done = re.findall(r"\[parallel_execute\] done in ([0-9.]+) s", log)
    return float(done[-1]) if done else None


def verdict(value, target):
    return f"{'OK' if value < target else 'MISSED'} (target < {target:.0f} s)"


def chapter_budget(name: str) -> float:
    return RACE_TARGET if name in RACES else CHAPTER_TARGET


def main(chapters_only: bool = False, live: bool = False):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    os.environ.update(env)
    # the kernels of the build: one BLAS thread each (unless set), the explorers' players
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    if live:
        os.environ.pop("OPTIM_LIB_SITE", None)
    else:
        os.environ["OPTIM_LIB_SITE"] = "1"
    chapters = [ROOT / f"{e}.ipynb" for e in toc_files() if (ROOT / f"{e}.ipynb").exists()]
    kernels = Kernels(early=False)
    try:
        stop(kernels.start("python3", str(ROOT / "chapters")))   # its zygote starts here
        measured = {p.name: chapter_time(p, kernels) for p in chapters}
    finally:
        kernels.close()
    times = sorted(((cells, start, cpu, name) for name, (cells, start, cpu) in measured.items()),
                   reverse=True)

    how = "live widgets, as nbval runs them" if live else "players, as the book's build runs them"
    print(f"Chapter execution (each alone, {os.environ['OPENBLAS_NUM_THREADS']} BLAS thread, "
          f"{how}), slowest first:")
    print(f"  {'':32s} {'cells':>8s}  {'budget':24s} {'kernel start':>12s} {'kernel CPU':>11s}")
    for cells, start, cpu, name in times:
        print(f"  {name:32s} {cells:6.1f} s  {verdict(cells, chapter_budget(name)):24s} "
              f"{start:8.1f} s {cpu:9.1f} s")
    total = sum(t[0] for t in times)
    print(f"  {'all chapters, cells only':32s} {total:6.1f} s  {'':24s} {'':10s} "
          f"{sum(t[2] for t in times):9.1f} s")
    print("Execution of the book's build (each notebook: cells + kernel start):")
    print_budget({name: cells + start for name, (cells, start, _) in measured.items()},
                 [p.name for p in build_order(chapters)])
    print("  (timings on a shared machine are noisy: compare runs made side by side)")
    if chapters_only:
        return 0
    nbval, _ = wall(["make", "-s", "test-notebooks"], env)   # exactly as `make test` runs it
    with tempfile.TemporaryDirectory() as out:
        jb = [str(BIN / "jupyter-book"), "build", ".", "--path-output", out, "-W", "--keep-going"]
        cold, log = wall(jb, env)
        (Path(out) / "_build" / "html" / "index.html").touch()
        warm, _ = wall(jb, env)
    executed = logged_execution(log)
    print(f"\nnbval over chapters/            {nbval:6.1f} s  {verdict(nbval, NBVAL_TARGET)}")
    print(f"jupyter-book build, cold cache  {cold:6.1f} s  (two kernels at once)")
    if executed is not None:
        print(f"  its execution (done in)       {executed:6.1f} s  "
              f"{verdict(executed, EXECUTION_TARGET)}, margin {EXECUTION_TARGET - executed:+.1f} s")
    print(f"jupyter-book build, warm cache  {warm:6.1f} s")
    return 0


def from_log(path: str) -> int:
    """The budget from a real build's log: each notebook's time as parallel_execute logged it
    (kernel start included), the build's execution wall ("done in"), and the makespan of
    the logged times in the logged order."""
    text = Path(path).read_text(errors="replace")
    logged = re.findall(r"\[parallel_execute\] (\S+\.ipynb): ([0-9.]+) s", text)
    if not logged:
        raise SystemExit(f"no '[parallel_execute] NAME: X s' line in {path}")
    times = {name: float(t) for name, t in logged}
    print(f"Notebooks executed by the build ({path}), slowest first:")
    for name, seconds in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"  {Path(name).name:32s} {seconds:6.1f} s  (kernel start included; two kernels at once)")
    # the log lists notebooks as they finish; parallel_execute starts them largest file first
    order = [n for n in build_order([ROOT / n for n in times if (ROOT / n).exists()])]
    names = [str(p.relative_to(ROOT)) for p in order] + [n for n in times if not (ROOT / n).exists()]
    print_budget(times, names, logged_execution(text))
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


def machine_cpu() -> tuple[float, float] | None:
    """CPU seconds the whole machine has been busy (steal included: a virtual machine's CPU
    taken by its host) and those of this process's finished children, or None off Linux."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK"),
            children.ru_utime + children.ru_stime)


def others_cpu(before, after) -> float | None:
    """CPU seconds the machine spent on anything but the build between two :func:`machine_cpu`
    readings: what a busy shared machine took from it (the build's own processes are the
    children awaited in between: workers, zygotes and kernels, each reaped by its parent)."""
    if before is None or after is None:
        return None
    return max(0.0, (after[0] - before[0]) - (after[1] - before[1]))


def spread(values) -> str:
    return (f"{min(values):.1f}-{max(values):.1f} s (median "
            f"{statistics.median(values):.1f} s)")


def clean_summary(times, executions, stalls: int, failures: int) -> str:
    """The lines ``--clean`` ends with: the builds' wall, and their execution (``done in``,
    None for a build that logged none: it failed or stopped) against the 60 s budget, judged
    by the slowest (one build over it is a miss)."""
    lines = [f"{len(times)} clean builds: {spread(times)}, {stalls} with a stall, "
             f"{failures} failed"]
    logged = [e for e in executions if e is not None]
    missing = len(executions) - len(logged)
    if not logged:
        lines.append("their execution (done in): logged by no build, no verdict")
        return "\n".join(lines)
    slowest = max(logged)
    lines.append(f"their execution (done in): {spread(logged)}, the slowest "
                 f"{verdict(slowest, EXECUTION_TARGET)}, margin {EXECUTION_TARGET - slowest:+.1f} s"
                 + (f"; {missing} of {len(executions)} builds logged none (failed or stopped): "
                    "judge them by their log" if missing else ""))
    return "\n".join(lines)


def clean_builds(n: int) -> int:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    first, stalls, failures, times, executions = None, 0, 0, [], []
    for i in range(1, n + 1):
        with tempfile.TemporaryDirectory() as out:
            cmd = [str(BIN / "jupyter-book"), "build", ".", "--path-output", out, "-W", "--keep-going"]
            before = machine_cpu()
            start = time.perf_counter()
            run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - start
            others = others_cpu(before, machine_cpu())
            times.append(seconds)
            log = run.stdout + run.stderr
            chapters = re.findall(r"\[parallel_execute\] (\S+\.ipynb): ([0-9.]+) s", log)
            slow = [(name, float(t)) for name, t in chapters if float(t) > STALL_S]
            slow += [("timeout", 0.0)] * log.count("no reply before the cell timeout")
            stalls += bool(slow)
            failures += run.returncode != 0
            slowest_nb = max(chapters, key=lambda c: float(c[1])) if chapters else ("-", "0")
            executed = logged_execution(log)
            executions.append(executed)
            print(f"build {i}/{n}: {seconds:6.1f} s (execution "
                  + (f"{executed:.1f} s" if executed is not None else "not logged")
                  + (f"; other work took {others:.1f} CPU-s meanwhile" if others is not None else "")
                  + f"), exit {run.returncode}, {len(chapters)} notebooks executed, slowest "
                  f"{slowest_nb[0]} {float(slowest_nb[1]):.1f} s"
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
    print("\n" + clean_summary(times, executions, stalls, failures))
    return 1 if stalls or failures else 0


def positive_count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"--clean N needs N >= 1, got {value}")
    return value


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", type=positive_count, metavar="N", help="build N times from nothing")
    parser.add_argument("--chapters", action="store_true", help="time the chapters only")
    parser.add_argument("--live", action="store_true",
                        help="time the explorers as live widgets (nbval, JupyterLab), not players")
    parser.add_argument("--log", metavar="FILE", help="read a real build's log for the budget")
    args = parser.parse_args()
    if args.clean is not None:
        raise SystemExit(clean_builds(args.clean))
    raise SystemExit(from_log(args.log) if args.log else main(args.chapters, args.live))
