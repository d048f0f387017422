"""Execute the book's notebooks two at a time before Sphinx reads them, and fail fast.

myst-nb executes notebooks one after the other as Sphinx reads them. With
``execute_notebooks: cache`` it first looks each notebook up in the jupyter-cache at
``_build/.jupyter_cache``. This extension fills that cache beforehand: a pool of worker
processes (one per core, at most two) runs the outdated notebooks, each in its own folder
exactly as myst-nb would, and stores the executed notebooks in the cache, so myst-nb then
only reads cached outputs. Notebooks cached with unchanged code are not run again.

Fail fast: the first chapter that raises stops the build at once (the other workers are
terminated), with the chapter, the cell and the error named — instead of executing every
other chapter first and letting myst-nb re-run the failed one to report it.

Each of the (at most two) workers is a *spawned* process that lives for the whole run and
answers on a pipe of its own; every notebook gets a fresh kernel. (A process per notebook
imported Sphinx, jupyter-cache and nbclient again for every notebook: 1.8 s of CPU each time,
on a core the other kernel needed.) The kernels run with ``OPTIM_LIB_SITE=1``: the chapters'
explorers then show their kernel-free twins (``optim_lib.course.explorer.Explorer.show``), so
the build creates no widget and no comm message crosses the kernel's channels while nbclient
waits for a reply (the stall of nbclient #312). No queue or lock is shared between workers: a
worker that dies is seen as the end of its pipe and named in the error, and cannot block the
others. (A ``ProcessPoolExecutor`` hung a clean build here: one forked worker died, the other
blocked for ever on the result-queue lock the workers share, and the pool's shutdown spun
waiting for both.)
"""

from __future__ import annotations

import multiprocessing
import os
import time
from multiprocessing.connection import wait
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

import private_api

LOGGER = logging.getLogger(__name__)
WORKERS = max(1, min(2, os.cpu_count() or 1))


def _failed_cell(nb) -> tuple[int | None, str]:
    """The index of the code cell that raised (or was cut off by the timeout), and its error."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, f"{output.get('ename')}: {output.get('evalue')}"
    started = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and "iopub.execute_input" in c.get("metadata", {}).get("execution", {})]
    return (started[-1] if started else None), "no reply before the cell timeout"


_kernels = None   # in a worker: its kernels (kernels.Kernels), made by the first job


def _execute(job):
    """Run one notebook into the cache; return (uri, seconds, None) or (uri, seconds, error)."""
    global _kernels
    import private_api   # _ext/ is on sys.path here and in spawned workers
    from kernels import Kernels

    if _kernels is None:
        _kernels = Kernels()
    pk, uri, cache_path, timeout = job
    nb, seconds, err = private_api.execute_into_cache(cache_path, pk, str(Path(uri).parent),
                                                      timeout, _kernels.run)
    if err is not None:
        index, what = _failed_cell(nb)
        return uri, seconds, f"cell {index}: {what}" if index is not None else what
    return uri, seconds, None


def _after_result():
    """In a worker, once a result is sent: stop the kernel that produced it."""
    if _kernels is not None:
        _kernels.stop_finished()


def _close():
    """In a worker, at its end: stop every kernel it started."""
    if _kernels is not None:
        _kernels.close()


def _execute_outdated(app, env, docnames):
    if app.config.nb_execution_mode != "cache":
        return
    from jupyter_cache import get_cache

    notebooks = [Path(env.doc2path(name)) for name in docnames]
    notebooks = [p for p in notebooks if p.suffix == ".ipynb"]
    path = private_api.execution_cache_path(app) or Path(app.outdir).parent / ".jupyter_cache"
    cache = get_cache(str(path))
    records = [cache.add_nb_to_project(str(p)) for p in notebooks]
    outdated = [r for r in records if _needs_run(cache, r)]
    if not outdated:
        return
    # The longest notebooks first keeps both workers busy to the end.
    outdated.sort(key=lambda r: -Path(r.uri).stat().st_size)
    timeout = app.config.nb_execution_timeout
    jobs = [(r.pk, r.uri, str(path), timeout) for r in outdated]
    LOGGER.info(f"[parallel_execute] executing {len(jobs)} notebooks, {WORKERS} at a time")
    start = time.perf_counter()

    def report(result):
        uri, seconds, error = result
        name = Path(uri).relative_to(app.srcdir) if Path(uri).is_relative_to(app.srcdir) else uri
        if error is not None:
            raise ExtensionError(f"{name} failed after {seconds:.1f} s, {error}")
        LOGGER.info(f"[parallel_execute] {name}: {seconds:.1f} s")

    # The workers stop their kernels and exit while Sphinx reads: joined when the build ends.
    _ending.extend(run_jobs(jobs, _execute, WORKERS, report, detach=True))
    LOGGER.info(f"[parallel_execute] done in {time.perf_counter() - start:.1f} s")


_ending = []   # (process, pipe) of workers told to end, not yet joined


def join_workers(workers, timeout: float = 10.0) -> None:
    """Wait for workers told to end (``run_jobs(..., detach=True)``); kill one that hangs."""
    for process, ours in workers:
        try:
            process.join(timeout)
            if process.is_alive():
                process.kill()
                process.join()
        finally:
            ours.close()


def _join_ending(app, exception) -> None:
    join_workers(_ending)
    _ending.clear()


#: BLAS threads per kernel, unless the environment says otherwise: the cores shared out
#: among the notebooks running at once. Two kernels of two OpenBLAS threads each on two
#: cores thrash on this course's small matrices: chapter 9's `svm_optimum` takes 0.7 s with
#: one thread, 18 s with two on an idle 2-core machine, and hit the 120 s cell timeout
#: with the other notebook running beside it.
BLAS_THREADS = max(1, (os.cpu_count() or 1) // WORKERS)
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _serve(target, conn):
    """In a spawned worker: run ``target(job)`` for every job received, send each result.

    The worker lives for the whole build: Python, Sphinx's modules, jupyter-cache and
    nbclient are imported once per worker, not once per notebook (1.8 s of CPU each time, on
    a core the other kernel needs). Every notebook still gets a fresh kernel. ``None`` ends
    the worker. The kernels inherit this process's environment, so the BLAS thread count set
    here is theirs.
    """
    for variable in BLAS_VARIABLES:
        os.environ.setdefault(variable, str(BLAS_THREADS))
    # The explorers show their kernel-free twins (optim_lib.course.explorer.Explorer.show): the
    # build creates no widget, so no comm message crosses the kernel's channels. And each
    # chapter's website reference cell outputs its {bibliography} (tools/references.py).
    os.environ["OPTIM_LIB_SITE"] = "1"
    while (job := conn.recv()) is not None:
        try:
            result = target(job)
        except BaseException as exc:  # anything the job raises is reported, not lost
            result = (job[1], 0.0, f"{type(exc).__name__}: {exc}")
        conn.send(result)
        _after_result()       # the finished kernel is stopped while the next job comes
    _close()
    conn.close()


def run_jobs(jobs, target, workers, report, detach: bool = False):
    """Run ``target(job)`` for every job in ``workers`` spawned processes that live to the end.

    ``target(job)`` returns ``(uri, seconds, error)`` with ``job[1]`` the uri; ``report`` is
    called with each result as it arrives and may raise to stop everything at once: the
    workers are killed. Each worker has a pipe of its own to this process and runs one job
    at a time. A worker that dies before answering is reported as
    ``(uri, seconds, "the worker process died (exit code N)")`` and, if jobs remain, replaced.

    Once every result is in, the workers are told to end. By default they are awaited;
    ``detach=True`` returns them, ``(process, pipe)`` pairs, to :func:`join_workers` later:
    a worker's end (stopping its kernels and its zygote, Python's exit) takes about 0.9 s
    that the build can spend reading the executed notebooks instead. Returns ``[]`` otherwise.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a threaded Sphinx process
    pending, idle, running = list(jobs), [], {}   # running: our end -> (process, job, start)

    def start_worker():
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(target=_serve, args=(target, theirs), daemon=True)
        process.start()
        theirs.close()  # only the worker holds its end: its death ends our pipe
        return process, ours

    try:
        idle = [start_worker() for _ in range(min(workers, len(pending)))]
        while pending or running:
            while pending and idle:
                process, ours = idle.pop()
                job = pending.pop(0)
                try:
                    ours.send(job)
                except OSError:          # it died while idle: the next wait() sees its end
                    pass
                running[ours] = (process, job, time.perf_counter())
            for ours in wait(list(running)):
                process, job, started = running.pop(ours)
                try:
                    result = ours.recv()
                    idle.append((process, ours))
                except EOFError:
                    process.join(10)
                    ours.close()
                    result = (job[1], time.perf_counter() - started,
                              f"the worker process died (exit code {process.exitcode})")
                    if pending:
                        idle.append(start_worker())
                report(result)
        for process, ours in idle:   # all done: let the workers end
            try:
                ours.send(None)
            except OSError:          # it died after its last result: nothing is lost
                pass
        ending, idle = idle, []
        if detach:
            return ending
        join_workers(ending)
        return []
    finally:
        for process, ours in [*idle, *[(p, o) for o, (p, _, _) in running.items()]]:
            process.kill()   # fail fast: stop the other chapters now
            process.join()
            ours.close()


def _needs_run(cache, record) -> bool:
    """True unless the cache holds an execution of this notebook's current code."""
    try:
        cache.match_cache_notebook(cache.get_project_notebook(record.pk).nb)
        return False
    except KeyError:
        return True


def setup(app):
    private_api.check_versions()
    app.connect("env-before-read-docs", _execute_outdated)
    app.connect("build-finished", _join_ending, priority=100)   # before other handlers: they may raise
    return {"parallel_read_safe": True, "parallel_write_safe": True}
