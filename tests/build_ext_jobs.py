"""Jobs for tests of ``parallel_execute.run_jobs``: importable by its spawned workers."""

from __future__ import annotations

import os
import time


def answer(job):
    """Finish after ``job[2]`` seconds."""
    time.sleep(job[2])
    return job[1], job[2], None


def answer_and_mark(job):
    """Finish after ``job[2]`` seconds and leave a mark in the file ``job[3]``: a job that was
    killed leaves none."""
    time.sleep(job[2])
    with open(job[3], "w") as f:
        f.write("finished")
    return job[1], job[2], None


def fail(job):
    return job[1], 0.5, "cell 3: RuntimeError: planted error"


def raise_(job):
    raise ValueError("planted in the worker")


def die(job):
    """Die without answering, as a crashed worker does."""
    os._exit(3)


def blas_threads(job):
    """Report the BLAS thread variables the worker (and so its kernel) runs with."""
    return job[1], 0.0, None, {v: os.environ.get(v) for v in (
        "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def site_flag(job):
    """Report the flag that makes the explorers show their twins in the build's kernels."""
    return job[1], 0.0, None, {"OPTIM_LIB_SITE": os.environ.get("OPTIM_LIB_SITE")}


def pid(job):
    """Report the process that ran the job."""
    time.sleep(job[2])
    return job[1], job[2], None, os.getpid()


def die_on_first(job):
    """Die without answering on nb0, answer the others with the process that ran them."""
    if job[1] == "nb0.ipynb":
        os._exit(3)
    return job[1], 0.0, None, os.getpid()


def raise_on_first(job):
    """Raise on nb0, answer the others with the process that ran them."""
    if job[1] == "nb0.ipynb":
        raise ValueError("planted in the worker")
    return job[1], 0.0, None, os.getpid()


def answer_then_die(job):
    """Answer, then die once the file ``job[2]`` exists (the result has arrived), before the
    worker is told to end: as a worker killed after its last result."""
    import threading

    def die_when_told():
        while not os.path.exists(job[2]):
            time.sleep(0.01)
        os._exit(4)

    threading.Thread(target=die_when_told, daemon=True).start()
    return job[1], 0.0, None, os.getpid()
