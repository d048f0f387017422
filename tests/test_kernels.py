"""A build worker's kernels (_ext/kernels.py): a fresh kernel per notebook, the next one started
while the current notebook runs, every kernel stopped."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

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


def _kernel_processes():
    """The kernels among this process's children (a killed one not yet reaped counts)."""
    found = []
    for p in psutil.Process().children(recursive=True):
        try:
            if "ipykernel" in " ".join(p.cmdline()):
                found.append(p)
        except psutil.ZombieProcess:
            found.append(p)
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
    kernels.close()
    assert _kernel_processes() == []           # killed and reaped, none left waiting


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
