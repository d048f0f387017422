"""Kernels forked from a process that has already imported what the chapters import.

A fresh kernel costs about 0.8 s of CPU before a chapter's first line has run: Python starts,
then imports ipykernel, then the chapter's setup cell imports numpy, matplotlib, scipy and the
course's library, the same modules for every notebook. The build runs two notebooks at a
time on two cores, so that CPU is build time. Here a *zygote* (``kernel_zygote.py``), started
once per build worker with the kernels' environment, imports those modules once; each kernel
is then a fork of it, as ``python -m ipykernel_launcher`` would run (same arguments, working
directory, environment, ``sys.path`` and session). A forked kernel has imported modules and
run nothing else; each notebook still gets a kernel of its own, and a module the chapter did
not import is only an entry in ``sys.modules`` (tests/test_kernels.py compares a forked
kernel's state with a fresh one's). Measured on this machine: a kernel's start
and setup cell take 0.16 s of CPU instead of 0.78 s.

:class:`ForkedProvisioner` is a jupyter_client kernel provisioner (the public API for how a
kernel process is started): ``kernels.Kernels`` names it in the kernel spec of each kernel it
starts, and ``private_api.register_kernel_provisioner`` lets jupyter_client find it. It forks only a kernel the zygote can stand for: the ipykernel of this
Python, and an environment equal to the zygote's but for what jupyter_client sets per kernel.
Any other kernel is started as jupyter_client's own provisioner starts it.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

NAME = "book-forked-kernels"   # the name the build worker registers this provisioner under
ZYGOTE = Path(__file__).with_name("kernel_zygote.py")
#: What the zygote imports: ipykernel, and the costly modules the chapters import (every chapter
#: imports numpy and pyplot; 12 of 17 import optim_lib.stats, whose Student-t quantile is
#: scipy.special's; 8 solve the SVM optimum with scipy.optimize). Only modules whose import
#: changes no state a notebook's code meets, but what concerns their own warnings (the
#: filters numpy, scipy.special and scipy.optimize add: the last one silences np.matrix's
#: PendingDeprecationWarning, silenced by Python's defaults already). Left out: the course's
#: own modules (the style of optim_lib.course.plots sets matplotlib's rcParams when it is
#: imported; all of them take 0.07 s to import) and the inline backend (imported in a
#: running kernel, it hooks itself into IPython).
PRELOAD = ("ipykernel.kernelapp", "numpy", "matplotlib.pyplot", "IPython.display", "scipy.special",
           "scipy.optimize")
#: What jupyter_client sets for each kernel (jupyter_client.launcher.launch_kernel): a kernel
#: may differ from the zygote's environment in these, and in nothing else.
PER_KERNEL = frozenset({"JPY_PARENT_PID", "JPY_SESSION_NAME"})


class Zygote:
    """The zygote process of one build worker: ``fork`` a kernel, ``close`` at the end."""

    def __init__(self, env: dict, modules=None):
        self.env = dict(env)
        read, write = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, str(ZYGOTE), str(write), *(modules or PRELOAD)],
            stdin=subprocess.PIPE, env=self.env, pass_fds=(write,), text=True)
        os.close(write)
        self.replies = os.fdopen(read)

    def serves(self, cmd: list[str], env: dict) -> bool:
        """Whether a kernel started as ``cmd`` with ``env`` can be forked from this zygote."""
        keys = (set(env) | set(self.env)) - PER_KERNEL
        return (cmd[:3] == [sys.executable, "-m", "ipykernel_launcher"]
                and all(env.get(k) == self.env.get(k) for k in keys)
                and self.process.poll() is None)

    def fork(self, argv: list[str], cwd: str, env: dict) -> int:
        """The pid of a new kernel, run as ``python -m ipykernel_launcher *argv``."""
        self.process.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
        self.process.stdin.flush()
        line = self.replies.readline()
        if not line:
            raise RuntimeError(f"the kernel zygote exited (code {self.process.wait()})")
        return int(line)

    def close(self) -> None:
        """End the zygote: it kills the kernels it forked that still run, then exits."""
        try:
            self.process.stdin.close()
        except OSError:             # it had died: what was written could not be flushed
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.replies.close()


_zygote: Zygote | None = None


def can_fork() -> bool:
    """Whether kernels can be forked and watched here: ``fork`` and a working ``pidfd_open``
    (Linux 5.3 or later); elsewhere every kernel is started as jupyter_client starts it."""
    if not (hasattr(os, "fork") and hasattr(os, "pidfd_open")):
        return False
    try:
        os.close(os.pidfd_open(os.getpid()))
    except OSError:
        return False
    return True


def close() -> None:
    """Stop this process's zygote, if it started one."""
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None


class ForkedProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, whose kernels are forked from the zygote.

    The zygote of this process is started by the first kernel, with that kernel's
    environment. A kernel it cannot stand for (see :meth:`Zygote.serves`) is launched as
    ``LocalProvisioner`` launches it. A forked kernel is the zygote's child, not ours: it is
    watched through a pidfd, and its exit status, collected by the zygote, is not known here
    (``poll`` gives 0 once it has exited).
    """

    pidfd = None

    @property
    def has_process(self) -> bool:
        return self.pidfd is not None or super().has_process

    async def launch_kernel(self, cmd: list[str], **kwargs) -> dict:
        global _zygote
        env = dict(kwargs.get("env") or os.environ)
        env["JPY_PARENT_PID"] = str(os.getpid())   # as jupyter_client's launch_kernel sets it
        if _zygote is None and can_fork():
            _zygote = Zygote(env)
        if _zygote is None or not _zygote.serves(cmd, env):
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or Path.cwd())
        try:
            pid = _zygote.fork(cmd[3:], cwd, env)
        except (OSError, RuntimeError) as exc:   # it could not start: a kernel of our own
            print(f"forked_kernels: {exc}; starting kernels without the zygote", file=sys.stderr)
            return await super().launch_kernel(cmd, **kwargs)
        self.cwd, self.pid, self.pgid = cwd, pid, pid
        try:
            self.pidfd = os.pidfd_open(self.pid)
        except ProcessLookupError:   # it has exited already: poll() says so
            self.pidfd = -1
        return self.connection_info

    async def poll(self) -> int | None:
        if self.pidfd is None:
            return await super().poll()
        if self.pidfd == -1 or select.select([self.pidfd], [], [], 0)[0]:
            return 0
        return None

    async def wait(self) -> int | None:
        if self.pidfd is None:
            return await super().wait()
        while await self.poll() is None:
            await asyncio.sleep(0.01)
        if self.pidfd >= 0:
            os.close(self.pidfd)
        self.pidfd = None
        return 0

    async def send_signal(self, signum: int) -> None:
        if self.pidfd is None:
            return await super().send_signal(signum)
        try:
            os.killpg(self.pgid, signum)   # the kernel's session: it and what it started
        except ProcessLookupError:
            pass

    async def kill(self, restart: bool = False) -> None:
        if self.pidfd is None:
            return await super().kill(restart)
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        if self.pidfd is None:
            return await super().terminate(restart)
        await self.send_signal(signal.SIGTERM)
