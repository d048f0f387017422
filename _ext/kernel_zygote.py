"""A process that imports what the book's kernels import, then forks a kernel per request.

Run by ``forked_kernels.Zygote`` as ``python kernel_zygote.py REPLY_FD MODULE...``, with the
environment the kernels will have. It imports each MODULE (one that fails to import is
skipped: the kernel then imports it itself and meets the error where a chapter would), then
reads one request per line on stdin, a JSON object ``{"argv", "cwd", "env"}``, and answers
each on the file descriptor REPLY_FD with the pid of a forked child that runs ipykernel
exactly as ``python -m ipykernel_launcher ARGV`` would: in its own session, in ``cwd``, with
the environment ``env``, the same ``sys.path``, stdout and stderr. A child has imported
everything its parent had and has run nothing else.

At the end of stdin (the build is done, or the process that started this one died) every
kernel still running is killed, and this process exits.
"""

import json
import os
import signal
import sys

sys.path.pop(0)   # this script's folder: `python -m ipykernel_launcher` has no folder there
# ipykernel sets this before any code of a kernel imports matplotlib (IPKernelApp.init_gui_pylab)
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")

children = set()
#: The signals whose disposition this process changes, as Python's start and the preloaded
#: imports left them (a fresh kernel, started by the same parent, has these when it has
#: imported the same modules: an ignored SIGHUP under nohup, say).
SIGNALS = (signal.SIGINT, signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP)
inherited = {}


def _reap(signum, frame):
    """Collect every child that has exited, so that none is left a zombie."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)


def _kernel(request: dict, fds: tuple[int, ...], mask) -> None:
    """In the forked child: become ``python -m ipykernel_launcher ARGV``; never returns."""
    code = 1
    try:
        for sig, handler in inherited.items():   # None: not set from Python, so the default
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for fd in fds:                 # the pipe of replies to the build is this process's alone
            os.close(fd)
        stdin, writer = os.pipe()      # stdin, the pipe of requests, too: a kernel's stdin is a
        os.close(writer)               # pipe at its end (jupyter_client's launch_kernel closes
        os.dup2(stdin, 0)              # the other end)
        os.close(stdin)
        os.setsid()                    # as jupyter_client starts a kernel: its own session
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # the kernel's parent is this process: ipykernel exits when its parent is gone
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        if "numpy.random" in sys.modules:   # its legacy global generator, like a fresh one's:
            sys.modules["numpy.random"].seed()   # from the OS, not the zygote's state
        import ipykernel_launcher
        sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    reply_fd, modules = int(sys.argv[1]), sys.argv[2:]
    import importlib
    import threading

    # ipykernel reads its parent's pid when imported: its parent is this process
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    environ = dict(os.environ)
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    if dict(os.environ) != environ:    # the kernel's environment is the request's, exactly
        sys.exit(f"kernel_zygote: importing {modules} changed the environment")
    if threading.active_count() != 1:   # a fork copies one thread: the others' locks break
        sys.exit(f"kernel_zygote: {threading.active_count()} threads after importing {modules}")
    replies = os.fdopen(reply_fd, "w")
    inherited.update({sig: signal.getsignal(sig) for sig in SIGNALS})
    signal.signal(signal.SIGCHLD, _reap)
    for sig in set(SIGNALS) - {signal.SIGCHLD}:   # Ctrl-C reaches the whole group:
        signal.signal(sig, _stop)                  # kill the kernels, then exit
    try:
        _serve(replies, reply_fd)
    finally:
        for pid in list(children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def _stop(signum, frame):
    raise SystemExit(128 + signum)


def _serve(replies, reply_fd) -> None:
    for line in sys.stdin:
        # no reaping between the fork and the child's entry in `children`
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        pid = os.fork()
        if pid == 0:
            _kernel(json.loads(line), (reply_fd,), mask)
        children.add(pid)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        replies.write(f"{pid}\n")
        replies.flush()


if __name__ == "__main__":
    main()
