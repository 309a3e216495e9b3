"""A worker's socket read and written on the event loop: a job's exchange wakes no thread.

Every thread hand-off of a request (to a thread that writes the job and waits for the reply, and
back to the loop) is a context switch that, on a busy machine, waits for a core. Here the job is
written and the reply read with the loop's non-blocking socket calls instead, in the framing
multiprocessing's Connection uses (`Connection.send_bytes`/`recv_bytes`), so the worker side keeps
its plain blocking Connection.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing.reduction import ForkingPickler
from typing import Any

READ_CHUNK = 256 * 1024  # one read takes a typical answer (~20 KB) and the marker after it at once
LONG_SIZE = -1  # Connection's header for a message past 2 GiB: an 8-byte length follows


class ChannelClosed(Exception):
    """The worker's end closed: the process ended."""


def framed(payload: bytes) -> bytes:
    """`payload` as Connection.send_bytes writes it: its length, then its bytes."""
    size = len(payload)
    if size > 0x7FFFFFFF:
        return struct.pack("!iQ", LONG_SIZE, size) + payload
    return struct.pack("!i", size) + payload


@contextmanager
def nonblocking(sock: socket.socket) -> Iterator[None]:
    """`sock` non-blocking for the block: the pool's threads read the same socket blocking
    (`WorkerPool.run`), never while an exchange on the loop holds the worker."""
    sock.setblocking(False)
    try:
        yield
    finally:
        with suppress(OSError):  # closed meanwhile (the pool stopped the worker)
            sock.setblocking(True)


class FrameReader:
    """Reads whole messages from a worker's socket on the running loop, keeping what a read brought
    past the message (the worker's next message can arrive in the same read)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = bytearray()

    async def message(self) -> bytes:
        """The next whole message's bytes; ChannelClosed when the worker's end closes first."""
        header = await self._exactly(4)
        (size,) = struct.unpack("!i", header)
        if size == LONG_SIZE:
            (size,) = struct.unpack("!Q", await self._exactly(8))
        return await self._exactly(size)

    def pending(self) -> bool:
        """Whether a read brought bytes of a message not taken yet."""
        return bool(self._buffer)

    async def reply(self) -> tuple[str, Any]:
        """The next message, unpickled as Connection.recv does."""
        reply: tuple[str, Any] = ForkingPickler.loads(await self.message())
        return reply

    async def _exactly(self, size: int) -> bytes:
        if size - len(self._buffer) > READ_CHUNK:
            return await self._large(size)
        while len(self._buffer) < size:  # small reads bring the next message's start too: kept
            chunk = await self._received(READ_CHUNK)
            self._buffer += chunk
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    async def _large(self, size: int) -> bytes:
        """A large message read straight into one buffer of its size (a big drawing: megabytes)."""
        loop = asyncio.get_running_loop()
        data = bytearray(size)
        view = memoryview(data)
        have = len(self._buffer)
        view[:have] = self._buffer
        self._buffer.clear()
        while have < size:
            try:
                count = await loop.sock_recv_into(self._sock, view[have:])
            except OSError:  # reset: the worker died
                raise ChannelClosed from None
            if count == 0:
                raise ChannelClosed
            have += count
        view.release()
        return bytes(data)

    async def _received(self, most: int) -> bytes:
        try:
            chunk = await asyncio.get_running_loop().sock_recv(self._sock, most)
        except OSError:  # reset: the worker died with our job unread
            raise ChannelClosed from None
        if not chunk:
            raise ChannelClosed
        return chunk


async def send_message(sock: socket.socket, payload: bytes) -> None:
    """Write one message as Connection.send_bytes does; ChannelClosed if the worker's end is gone."""
    try:
        await asyncio.get_running_loop().sock_sendall(sock, framed(payload))
    except OSError:
        raise ChannelClosed from None


def settle(answered: asyncio.Future[object], outcome: object) -> None:
    """Give the waiting request its answer or error, unless it has one already."""
    if answered.done():
        return
    if isinstance(outcome, BaseException):
        answered.set_exception(outcome)
    else:
        answered.set_result(outcome)


def read_outcome(answered: asyncio.Future[object]) -> None:
    # A request cancelled while its job ran never reads the error: read it here, so asyncio does not
    # log it as lost.
    if not answered.cancelled():
        answered.exception()
