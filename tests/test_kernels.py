"""A build worker's kernels (_ext/kernels.py, _ext/forked_kernels.py): a fresh kernel per notebook,
forked from a process that has imported what the chapters import and in the state a fresh
kernel would be in, the next one started while the current notebook runs, every kernel stopped."""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

import forked_kernels  # noqa: E402
from kernels import Kernels  # noqa: E402


def _notebook(*sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _printed(nb, index=-1) -> str:
    return "".join(o.get("text", "") for o in nb.cells[index].outputs if o.output_type == "stream")


REPORT = "import os, psutil; print(os.getpid(), psutil.Process().create_time(), os.getcwd())"


def _gone(pid: int, within: float = 5.0) -> bool:
    """True once process ``pid`` has exited (or is a zombie waiting to be reaped)."""
    end = time.time() + within
    while time.time() < end:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.05)
    return False


def _kernel_processes(zygotes: bool = False):
    """The kernels among this process's descendants (a killed one not yet reaped counts), or
    with ``zygotes`` the zygotes (our children running kernel_zygote.py)."""
    found, me = [], psutil.Process()
    for p in me.children(recursive=True):
        try:
            zygote = forked_kernels.ZYGOTE.name in " ".join(p.cmdline()) and p.ppid() == me.pid
            if ("ipykernel" in " ".join(p.cmdline())) and zygote == zygotes:
                found.append(p)
        except psutil.ZombieProcess:
            found.append(p) if not zygotes else None
        except psutil.NoSuchProcess:
            pass
    return found


@pytest.fixture
def kernels():
    k = Kernels()
    yield k
    k.close()


def test_each_notebook_gets_a_fresh_kernel_started_while_the_one_before_ran(kernels, tmp_path):
    first = _notebook("secret = 42", REPORT, "import time; time.sleep(1.0)")
    second = _notebook("print('secret' in globals())", REPORT)
    seconds, error = kernels.run(first, str(tmp_path), 30)
    assert error is None and seconds >= 1.0
    finished_at = time.time()
    pid1, _, cwd1 = _printed(first, 1).split()
    kernels.stop_finished()           # killed at once, reaped later
    assert _gone(int(pid1)) and kernels.stopping and not kernels.finished
    assert kernels.run(second, str(tmp_path), 30)[1] is None
    pid2, started2, cwd2 = _printed(second).split()
    assert _printed(second, 0).strip() == "False"            # nothing of the first notebook
    assert pid2 != pid1 and cwd1 == cwd2 == str(tmp_path)
    # the second kernel was started before the first notebook ended (while it slept 1 s)
    assert float(started2) < finished_at - 0.5


def test_a_notebook_in_another_folder_gets_a_kernel_there(kernels, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    nb_a, nb_b = _notebook(REPORT), _notebook(REPORT)
    kernels.run(nb_a, str(a), 30)
    kernels.run(nb_b, str(b), 30)
    assert _printed(nb_a).split()[2] == str(a) and _printed(nb_b).split()[2] == str(b)


def test_an_error_is_returned_with_its_cell_and_close_leaves_no_kernel(tmp_path):
    kernels = Kernels()
    nb = _notebook("x = 1", "raise ValueError('planted')", "print('never')")
    seconds, error = kernels.run(nb, str(tmp_path), 30)
    assert type(error).__name__ == "CellExecutionError" and "planted" in str(error)
    assert nb.cells[2].outputs == []
    assert len(_kernel_processes()) == 2                      # this one's and the next one's
    assert len(_kernel_processes(zygotes=True)) == 1
    kernels.close()
    assert _kernel_processes() == []           # killed and reaped, none left waiting
    assert _kernel_processes(zygotes=True) == []


def test_the_notebooks_own_timeout_wins(kernels, tmp_path):
    nb = _notebook("import time; time.sleep(3)")
    nb.metadata.execution = {"timeout": 1}
    seconds, error = kernels.run(nb, str(tmp_path), 60)
    assert type(error).__name__ == "CellTimeoutError" and seconds < 3


def test_without_early_start_no_kernel_waits(tmp_path):
    kernels = Kernels(early=False)
    try:
        kernels.run(_notebook("1"), str(tmp_path), 30)
        kernels.stop_finished()
        assert kernels.spare is None
        assert all(_gone(p.pid) for p in _kernel_processes())
    finally:
        kernels.close()


# ---------------------------------------------------------------- kernels forked from the zygote
#: What a notebook can see of its kernel's process. It first imports what the zygote imports,
#: so a fresh kernel and a forked one should then be in the same state.
PROBE = f"""
import {", ".join(forked_kernels.PRELOAD)}
import json, os, signal, sys, warnings, matplotlib, threadpoolctl, numpy as np
plt = sys.modules["matplotlib.pyplot"]
plt.close(plt.figure())              # a first figure imports the backend
backend = matplotlib.get_backend()
print(json.dumps({{
    "sys.path": sys.path, "argv": [os.path.basename(sys.argv[0]), *sys.argv[1:2]],
    "cwd": os.getcwd(), "executable": sys.executable, "flags": str(sys.flags),
    "environ": {{k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"}},
    "JPY_PARENT_PID is the parent": os.environ.get("JPY_PARENT_PID") == str(os.getppid()),
    "own session": os.getsid(0) == os.getpid() == os.getpgid(0),
    "stdin": os.fstat(0).st_mode, "__main__": sys.modules["__main__"].__name__,
    "signals": {{s: str(signal.getsignal(getattr(signal, s)))
                for s in ("SIGINT", "SIGCHLD", "SIGPIPE", "SIGTERM", "SIGHUP", "SIGUSR1")}},
    "blocked signals": sorted(map(int, signal.pthread_sigmask(signal.SIG_BLOCK, []))),
    "rcParams": {{k: str(v) for k, v in matplotlib.rcParams.items()}},
    "backend": backend, "threads": __import__("threading").active_count(),
    "blas": [(d["internal_api"], d["num_threads"], d.get("architecture"))
             for d in threadpoolctl.threadpool_info()],
    "warning filters": sorted(map(str, warnings.filters)),
    "displayhook": type(sys.displayhook).__name__, "stdout": type(sys.stdout).__name__,
    "numbers": np.random.default_rng(0).random(3).tolist(), "errstate": np.geterr(),
    "stdin at its end": os.read(0, 1) == b"",
    "parent watched": sys.modules["ipykernel.kernelapp"].IPKernelApp.instance().parent_handle
                      == os.getppid(),
}}))
"""


def _probe(kernels, tmp_path, preloaded: str = "") -> dict:
    nb = _notebook(f"import sys; print({preloaded!r} in sys.modules)", PROBE, REPORT)
    assert kernels.run(nb, str(tmp_path), 60)[1] is None
    state = json.loads(_printed(nb, 1))
    state["had imported"] = _printed(nb, 0).strip() == "True"
    parent = psutil.Process(int(_printed(nb).split()[0])).parent()
    state["forked"] = forked_kernels.ZYGOTE.name in " ".join(parent.cmdline())
    return state


@pytest.mark.parametrize("sighup", [signal.SIG_DFL, signal.SIG_IGN], ids=["SIGHUP default", "under nohup"])
def test_a_forked_kernel_is_in_the_state_of_a_fresh_one(tmp_path, monkeypatch, sighup):
    """Also when the build runs with SIGHUP ignored (``nohup make book``): a fresh kernel
    inherits the ignored signal, so a forked one must too."""
    monkeypatch.delenv("MPLBACKEND", raising=False)    # as the build's kernels have it
    previous = signal.signal(signal.SIGHUP, sighup)   # what the build's processes inherit
    fresh, forked = Kernels(fork=False), Kernels(fork=True)
    try:
        a = _probe(fresh, tmp_path, "numpy")
        b = _probe(forked, tmp_path, "numpy")
    finally:
        fresh.close(), forked.close()
        signal.signal(signal.SIGHUP, previous)
    assert a["signals"]["SIGHUP"] == str(sighup)
    assert not a.pop("forked") and b.pop("forked")
    assert not a.pop("had imported") and b.pop("had imported")  # numpy: imported by the zygote
    assert a["JPY_PARENT_PID is the parent"] and a["own session"] and a["__main__"] == "__main__"
    assert a["stdin at its end"] and a["parent watched"]
    assert a["rcParams"]["interactive"] == "True"     # the inline backend hooked into IPython
    assert a["backend"] == "module://matplotlib_inline.backend_inline"
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == [], {k: (a[k], b[k]) for k in a if a[k] != b[k]}


def test_the_check_sees_what_a_module_with_side_effects_would_change(tmp_path, monkeypatch):
    """The comparison above can fail: a zygote that imported the course's plot style (it sets
    rcParams when imported) gives kernels another state than fresh ones."""
    monkeypatch.setattr(forked_kernels, "PRELOAD", (*forked_kernels.PRELOAD, "optim_lib.course.plots"))
    fresh, forked = Kernels(fork=False), Kernels(fork=True)
    try:
        a, b = _probe(fresh, tmp_path), _probe(forked, tmp_path)
    finally:
        fresh.close(), forked.close()
    assert b["forked"] and a["rcParams"]["figure.dpi"] != b["rcParams"]["figure.dpi"]


def test_a_kernel_with_another_environment_is_not_forked(tmp_path, monkeypatch):
    kernels = Kernels(early=False)
    try:
        first = _probe(kernels, tmp_path)
        monkeypatch.setenv("OPENBLAS_CORETYPE", "Prescott")    # read once, when BLAS loads
        second = _probe(kernels, tmp_path)
    finally:
        kernels.close()
    assert first["forked"] and not second["forked"]
    assert second["environ"]["OPENBLAS_CORETYPE"] == "Prescott"
    assert second["blas"][0][2] != first["blas"][0][2]       # another BLAS kernel loaded


def test_a_zygote_that_cannot_serve_leaves_kernels_to_start_on_their_own(tmp_path, monkeypatch,
                                                                       capfd):
    # threadpoolctl sets KMP_DUPLICATE_LIB_OK when imported: a kernel's environment would
    # no longer be its own, so the zygote refuses to start
    monkeypatch.setattr(forked_kernels, "PRELOAD", (*forked_kernels.PRELOAD, "threadpoolctl"))
    monkeypatch.delenv("KMP_DUPLICATE_LIB_OK", raising=False)   # as a test may have set it
    kernels = Kernels(early=False)
    try:
        state = _probe(kernels, tmp_path)
    finally:
        kernels.close()
    assert not state["forked"] and state["numbers"]
    assert "changed the environment" in capfd.readouterr().err


def test_where_kernels_cannot_be_forked_they_start_on_their_own(tmp_path, monkeypatch):
    assert forked_kernels.can_fork()                 # this machine forks (the tests above ran)
    monkeypatch.setattr(forked_kernels, "can_fork", lambda: False)   # no fork or no pidfd here
    kernels = Kernels(early=False)
    try:
        state = _probe(kernels, tmp_path)
        assert _kernel_processes(zygotes=True) == []
    finally:
        kernels.close()
    assert not state["forked"] and state["numbers"]


def test_forked_kernels_draw_different_unseeded_numbers(tmp_path):
    kernels = Kernels(early=False)
    try:
        drawn = []
        for _ in range(2):
            nb = _notebook("import numpy as np; print(np.random.rand())")
            assert kernels.run(nb, str(tmp_path), 30)[1] is None
            kernels.stop_finished()
            drawn.append(_printed(nb))
    finally:
        kernels.close()
    assert drawn[0] != drawn[1]
