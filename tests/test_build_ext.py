"""The build's Sphinx extensions (_ext/): the lost-reply fix and fail-fast execution."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import kernel_channel_fix  # noqa: E402


async def _reply_seen_after_a_send(timeout: float) -> bool:
    """The stall of nbclient #312 on bare sockets, deterministically.

    The client awaits a message on an asyncio DEALER (as nbclient awaits execute_reply on the
    shell channel). The peer's message arrives while the event loop is busy, and before the loop
    looks, the client sends on the same channel (as nbclient's Output-widget emulation does).
    Returns whether the awaited message is seen within ``timeout`` seconds.
    """
    ctx = zmq.asyncio.Context()
    sync_ctx = zmq.Context()
    peer = sync_ctx.socket(zmq.ROUTER)
    port = peer.bind_to_random_port("tcp://127.0.0.1")
    sock = ctx.socket(zmq.DEALER)
    sock.connect(f"tcp://127.0.0.1:{port}")
    session = Session(key=b"")
    channel = AsyncZMQSocketChannel(sock, session)
    try:
        channel.send(session.msg("kernel_info_request"))       # introduce ourselves to the peer
        ident = peer.recv_multipart()[0]
        waiter = asyncio.ensure_future(channel.get_msg(timeout=None))
        await asyncio.sleep(0.05)                              # the await is armed on the fd
        session.send(peer, "execute_reply", content={"status": "ok"}, ident=ident)
        time.sleep(0.2)                                        # the reply lands; the loop is busy
        channel.send(session.msg("comm_msg", content={}))      # send before the loop looks
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            waiter.cancel()
    finally:
        sock.close(linger=0)
        peer.close(linger=0)
        ctx.term()
        sync_ctx.term()


@pytest.fixture
def unpatched():
    was = getattr(AsyncZMQSocketChannel.send, "_optim_book_rearmed", False)
    kernel_channel_fix.uninstall()
    yield
    if was:
        kernel_channel_fix.install()


def test_the_lost_reply_reproduces_without_the_fix(unpatched):
    """If this fails, pyzmq or jupyter_client fixed the race themselves: the patch may go."""
    assert not asyncio.run(_reply_seen_after_a_send(timeout=2.0))


def test_the_fix_delivers_the_reply(unpatched):
    assert kernel_channel_fix.install()
    assert asyncio.run(_reply_seen_after_a_send(timeout=2.0))


def test_install_is_idempotent_and_reversible(unpatched):
    original = AsyncZMQSocketChannel.send
    assert kernel_channel_fix.install() and kernel_channel_fix.install()
    assert AsyncZMQSocketChannel.send.__wrapped__ is original
    kernel_channel_fix.uninstall()
    assert AsyncZMQSocketChannel.send is original
