"""The build's Sphinx extensions (_ext/): fail-fast execution, BLAS threads, no widget."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))


# --- parallel_execute.run_jobs: two spawned workers for the whole run, a pipe each -----------

import build_ext_jobs  # noqa: E402  (tests/ is on the path of the spawned workers too)
from parallel_execute import join_workers, run_jobs  # noqa: E402


def _run(jobs, target, workers=2):
    seen = []

    def report(result):
        seen.append(result)
        if result[2] is not None:
            raise RuntimeError(f"{result[0]}: {result[2]}")

    start = time.perf_counter()
    try:
        run_jobs(jobs, target, workers, report)
        error = None
    except RuntimeError as exc:
        error = str(exc)
    return seen, error, time.perf_counter() - start


def test_run_jobs_reports_every_result_two_at_a_time():
    jobs = [(i, f"nb{i}.ipynb", 0.2) for i in range(4)]
    seen, error, _ = _run(jobs, build_ext_jobs.answer)
    assert error is None
    assert sorted(uri for uri, _, _ in seen) == [f"nb{i}.ipynb" for i in range(4)]


@pytest.mark.parametrize("target, message", [
    (build_ext_jobs.die, "nb0.ipynb: the worker process died (exit code 3)"),
    (build_ext_jobs.raise_, "nb0.ipynb: ValueError: planted in the worker"),
    (build_ext_jobs.fail, "nb0.ipynb: cell 3: RuntimeError: planted error"),
])
def test_run_jobs_fails_fast_and_names_the_notebook(target, message, tmp_path):
    """A failing or dying worker stops the run at once; the slow neighbour is killed, not
    awaited: it never gets to leave its mark."""
    mark = tmp_path / "slow-finished"
    slow = (1, "slow.ipynb", 60.0, str(mark))   # awaited, it would leave its mark within 60 s
    seen, error, _ = _run([slow, (0, "nb0.ipynb", 0.0)], _Mixed(target))
    assert error == message
    assert [uri for uri, _, _ in seen] == ["nb0.ipynb"]
    assert not mark.exists(), "the slow neighbour ran to its end"


def test_run_jobs_reuses_its_workers_and_leaves_none_behind():
    """Six notebooks on two workers: two processes run them all (the imports are paid twice,
    not six times), both work, and both have ended when run_jobs returns."""
    import multiprocessing

    seen = []
    run_jobs([(i, f"nb{i}.ipynb", 0.1) for i in range(6)], build_ext_jobs.pid, 2, seen.append)
    assert sorted(r[0] for r in seen) == [f"nb{i}.ipynb" for i in range(6)]
    assert len({r[3] for r in seen}) == 2
    assert os.getpid() not in {r[3] for r in seen}
    assert multiprocessing.active_children() == []


def test_detached_workers_end_after_the_results_and_are_joined_later():
    """``detach=True``: every result is reported before run_jobs returns, the workers it
    returns have been told to end, and join_workers leaves none behind."""
    import multiprocessing

    seen = []
    ending = run_jobs([(i, f"nb{i}.ipynb", 0.1) for i in range(4)], build_ext_jobs.pid, 2,
                      seen.append, detach=True)
    assert sorted(r[0] for r in seen) == [f"nb{i}.ipynb" for i in range(4)]
    assert sorted(p.pid for p, _ in ending) == sorted({r[3] for r in seen})
    join_workers(ending)
    assert all(p.exitcode == 0 for p, _ in ending)     # they ended by themselves, not killed
    assert multiprocessing.active_children() == []


def test_a_worker_dead_after_its_last_result_does_not_fail_the_run(tmp_path):
    """Every notebook ran; the worker died before it was told to end (telling it raised
    BrokenPipeError and failed a build whose chapters had all succeeded)."""
    seen, arrived = [], tmp_path / "arrived"

    def report(result):
        seen.append(result)
        arrived.touch()                                # the worker may die now
        # it dies before it is told to end (a zombie: join_workers reaps it)
        worker, deadline = psutil.Process(result[3]), time.monotonic() + 60
        while worker.status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, "the worker did not die"
            time.sleep(0.01)

    ending = run_jobs([(0, "nb0.ipynb", str(arrived))], build_ext_jobs.answer_then_die, 1,
                      report, detach=True)
    assert [r[:3] for r in seen] == [("nb0.ipynb", 0.0, None)]
    join_workers(ending)
    assert [p.exitcode for p, _ in ending] == [4]


def test_the_extension_joins_its_workers_when_the_build_ends():
    import parallel_execute

    class App:
        connected = []

        def connect(self, event, handler, priority=500):
            self.connected.append((event, handler, priority))

    parallel_execute.setup(App())
    assert ("build-finished", parallel_execute._join_ending, 100) in App.connected


@pytest.mark.parametrize("target, error", [
    (build_ext_jobs.die_on_first, "the worker process died (exit code 3)"),
    (build_ext_jobs.raise_on_first, "ValueError: planted in the worker"),
])
def test_run_jobs_goes_on_after_a_failure_it_is_told_to_survive(target, error):
    """When ``report`` does not stop the run, every other notebook is still run: a dead worker
    is replaced, a worker whose job raised serves the next job."""
    seen = []
    run_jobs([(i, f"nb{i}.ipynb") for i in range(4)], target, 1, seen.append)
    assert [r[0] for r in seen] == [f"nb{i}.ipynb" for i in range(4)]
    assert seen[0][2] == error
    assert [r[2] for r in seen[1:]] == [None] * 3
    assert len({r[3] for r in seen[1:]}) == 1     # one worker at a time, alive to the end


class _Mixed:
    """``answer`` for the slow job, ``target`` for the others (picklable for spawn)."""

    def __init__(self, target):
        self.target = target

    def __call__(self, job):
        return build_ext_jobs.answer_and_mark(job) if job[1] == "slow.ipynb" else self.target(job)


def test_kernels_share_the_cores_out_in_blas_threads(monkeypatch):
    """Two notebooks at once get cores/2 BLAS threads each, unless the environment says."""
    import parallel_execute

    for variable in parallel_execute.BLAS_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    seen = []
    run_jobs([(0, "a.ipynb"), (1, "b.ipynb")], build_ext_jobs.blas_threads, 2, seen.append)
    expected = str(max(1, (os.cpu_count() or 1) // parallel_execute.WORKERS))
    assert [r[3] for r in seen] == [dict.fromkeys(parallel_execute.BLAS_VARIABLES, expected)] * 2
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")   # an explicit choice is kept
    seen.clear()
    run_jobs([(0, "a.ipynb")], build_ext_jobs.blas_threads, 2, seen.append)
    assert seen[0][3]["OPENBLAS_NUM_THREADS"] == "3"


def test_the_build_kernels_show_twins_not_widgets():
    """The workers' kernels run with OPTIM_LIB_SITE=1, which makes Explorer.show() a twin."""
    from optim_lib.course.explorer import SITE_BUILD

    seen = []
    run_jobs([(0, "a.ipynb")], build_ext_jobs.site_flag, 1, seen.append)
    assert seen[0][3] == {SITE_BUILD: "1"}


def test_importing_nbformat_builds_no_iri_parser():
    """Every build worker, nbval worker and the Sphinx process import nbformat, hence
    jsonschema's format checkers. With rfc3987-syntax installed (jsonschema >= 4.25's
    format-nongpl extra), that import compiles its Earley grammars: 1 s of CPU per process.
    requirements.txt pins jsonschema 4.24.1 to keep it out; a re-pin that brings it back fails here."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", "import sys, nbformat, jsonschema; "
                           "print('rfc3987_syntax' in sys.modules, 'lark' in sys.modules)"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
