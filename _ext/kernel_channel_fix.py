"""No lost replies: re-arm an asyncio ZMQ channel after every send.

The stall it fixes (nbclient issue #312, open): about one clean build in five waited a whole
cell timeout for a reply that had already arrived. How it happens:

1. nbclient awaits a cell's ``execute_reply`` on the shell channel, an asyncio ZMQ socket.
   pyzmq wakes that await through the socket's file descriptor, which is *edge-triggered*:
   it signals once when messages arrive, and pyzmq must then ask ZMQ_EVENTS itself.
2. While waiting, nbclient also *sends* on the shell channel (its emulation of ipywidgets'
   ``Output`` widget answers a ``clear_output`` with a ``comm_msg``). jupyter_client sends
   through a blocking shadow of the asyncio socket (``Session.send`` makes
   ``zmq.Socket.shadow(socket.underlying)``). The send processes the socket's pending
   commands, which consumes the edge that announced the arrived reply. pyzmq's own
   asyncio ``send`` re-checks ZMQ_EVENTS afterwards (``_schedule_remaining_events``); the
   shadow's send does not, so the reply sits in the socket and nobody looks until the
   timeout fires.

The fix does what pyzmq's asyncio ``send`` does: after jupyter_client's channel ``send``,
ask the asyncio socket to re-check its events. It is guarded: it installs only when the
private hook it needs exists (pyzmq >= 17), and installing twice is harmless. The test in
``tests/test_build_ext.py`` reproduces the lost reply on bare sockets without the fix and
shows it delivered with it.
"""

from __future__ import annotations

import functools

_MARK = "_optim_book_rearmed"


def _rearm(socket) -> None:
    schedule = getattr(socket, "_schedule_remaining_events", None)
    if schedule is not None and not getattr(socket, "closed", True):
        schedule()   # if ZMQ_EVENTS says a message is waiting, handle it on the next loop turn


def install() -> bool:
    """Patch ``AsyncZMQSocketChannel.send``; return True if the patch is (now) in place."""
    import zmq.asyncio
    from jupyter_client.channels import AsyncZMQSocketChannel

    send = AsyncZMQSocketChannel.send
    if getattr(send, _MARK, False):
        return True
    if not hasattr(zmq.asyncio.Socket, "_schedule_remaining_events"):
        return False   # a pyzmq without the hook: leave jupyter_client alone

    @functools.wraps(send)
    def send_and_rearm(self, msg):
        try:
            return send(self, msg)
        finally:
            if self.socket is not None:
                _rearm(self.socket)

    setattr(send_and_rearm, _MARK, True)
    AsyncZMQSocketChannel.send = send_and_rearm
    return True


def uninstall() -> None:
    """Restore jupyter_client's own ``send`` (for the test that shows the stall)."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    send = AsyncZMQSocketChannel.send
    if getattr(send, _MARK, False):
        AsyncZMQSocketChannel.send = send.__wrapped__


def setup(app):
    if not install():
        from sphinx.util import logging
        logging.getLogger(__name__).warning(
            "kernel_channel_fix: this pyzmq has no _schedule_remaining_events; not installed")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
