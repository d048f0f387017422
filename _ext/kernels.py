"""A build worker's kernels: a fresh kernel for every notebook, the next one started early.

A kernel takes about 0.5 s from launch to its first reply and 0.1 to 0.2 s to shut down; run
one after the other, a worker waits for both on every notebook. :class:`Kernels` starts the
next notebook's kernel as soon as the current notebook starts, so that it boots while the
current one runs, and kills a finished kernel after its notebook's result has gone out,
reaping it one notebook later (:meth:`Kernels.stop_finished`). Only the waiting is saved,
not the kernel's own CPU, which the other notebook then shares (on this 2-core machine the
build's execution took 63.3 s against 64.3 s without the early start, one build each: within
its noise). The CPU is what ``fork=True`` (the build's choice) saves: each kernel is forked
from a process that has imported what the chapters import (forked_kernels.py), 0.16 s of CPU
for a kernel's start and its notebook's imports instead of 0.78 s (the build's execution:
56.9 and 58.2 s against 61.9 and 61.9 s for fresh kernels, clean builds taken in turns).
Each notebook still runs in a kernel nothing ran in before: a kernel is only *started*
early, never reused.

A kernel started early is used only by a notebook with the same kernel name and folder (the
kernel's working directory); otherwise it is stopped and the notebook gets its own. Public
APIs only: nbclient's ``NotebookClient`` (given a started kernel manager, it leaves the
kernel running for its owner) and jupyter_client's kernel manager and kernel spec (whose
``kernel_provisioner`` metadata names forked_kernels' provisioner).
"""

from __future__ import annotations

import signal
import time

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def _kernel_name(nb) -> str:
    return nb.metadata.get("kernelspec", {}).get("name") or "python3"


class Kernels:
    """The kernels of one worker process: ``run`` a notebook, ``stop_finished`` after its
    result is sent, ``close`` at the end (stops every kernel this object started)."""

    def __init__(self, early: bool = True, fork: bool = True):
        self.early = early            # start the next notebook's kernel early
        self.fork = fork              # fork kernels from a process that has imported numpy...
        if fork:
            import forked_kernels
            import private_api

            private_api.register_kernel_provisioner(
                forked_kernels.NAME, f"forked_kernels:{forked_kernels.ForkedProvisioner.__name__}")
        self.spare = None             # (kernel name, cwd, started kernel manager)
        self.finished = []            # (client, kernel manager) whose notebook is done
        self.stopping = []            # kernel managers whose kernel was killed, not yet reaped

    def start(self, name: str, cwd: str):
        """A kernel started exactly as nbclient starts one for a notebook in ``cwd``."""
        starter = NotebookClient(nbformat.v4.new_notebook(), kernel_name=name,
                                 resources={"metadata": {"path": cwd}})
        km = starter.create_kernel_manager()
        if self.fork:   # a kernel spec names its provisioner in its metadata; this one is ours
            import forked_kernels

            km.kernel_spec.metadata["kernel_provisioner"] = {"provisioner_name": forked_kernels.NAME}
        starter.start_new_kernel()
        return km

    def _take(self, name: str, cwd: str):
        spare, self.spare = self.spare, None
        if spare is not None and spare[:2] == (name, cwd):
            return spare[2]
        if spare is not None:
            self._stop(None, spare[2])
        return self.start(name, cwd)

    def run(self, nb, cwd: str, timeout: int | None, allow_errors: bool = False):
        """Execute ``nb`` in place in a fresh kernel running in ``cwd``, with nbclient's
        ``record_timing`` (which cell was running when an error came). Returns
        ``(seconds, error or None)``; the error is the cell's (``CellExecutionError``) or the
        timeout's (``CellTimeoutError``), as jupyter-cache reports them. The notebook's own
        ``metadata.execution`` (timeout, allow_errors) wins, as in jupyter-cache."""
        execution = nb.metadata.get("execution", {})
        timeout = execution.get("timeout", timeout)
        allow_errors = execution.get("allow_errors", allow_errors)
        name = _kernel_name(nb)
        km = self._take(name, cwd)
        if self.early:                # the next notebook's kernel boots while this one runs
            self.spare = (name, cwd, self.start(name, cwd))
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=allow_errors,
                                record_timing=True, resources={"metadata": {"path": cwd}})
        self.finished.append((client, km))
        start = time.perf_counter()
        try:
            client.execute()
            error = None
        except (CellExecutionError, CellTimeoutError) as exc:
            error = exc
        return time.perf_counter() - start, error

    @staticmethod
    def _stop(client, km) -> None:
        """Stop a kernel now (its channels, then its process: a kill waits 0.1 s for it)."""
        if client is not None and client.kc is not None:
            client.kc.stop_channels()
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)

    def stop_finished(self) -> None:
        """Kill the kernels whose notebooks have run (every reply and output is in: nothing
        is lost) without waiting for them to exit, and reap the ones killed the time before
        (gone by then: 0.01 s each, not the 0.1 s ``shutdown_kernel`` waits on a kill)."""
        while self.stopping:
            self._stop(None, self.stopping.pop())
        while self.finished:
            client, km = self.finished.pop()
            if client.kc is not None:
                client.kc.stop_channels()
            if km.has_kernel:
                run_sync(km.signal_kernel)(signal.SIGKILL)
                self.stopping.append(km)

    def close(self) -> None:
        """Stop every kernel still running: the finished ones and the one started early."""
        self.stop_finished()
        while self.stopping:
            self._stop(None, self.stopping.pop())
        spare, self.spare = self.spare, None
        if spare is not None:
            self._stop(None, spare[2])
        if self.fork:
            import forked_kernels

            forked_kernels.close()
