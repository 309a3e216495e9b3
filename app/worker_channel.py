"""A worker's socket read and written on the event loop: a job's exchange wakes no thread.

Every thread hand-off of a request (to a thread that writes the job and waits for the reply, and
back to the loop) is a context switch that, on a busy machine, waits for a core. Here the job is
written and the reply read with the loop's non-blocking socket calls instead, in the framing
multiprocessing's Connection uses (`Connection.send_bytes`/`recv_bytes`), so the worker side keeps
its plain blocking Connection.
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
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
    past the message (the worker's next message can arrive in the same read).

    The socket is watched once for the whole exchange (`watching`), not once a read: each watch and
    unwatch is a system call and a turn of the loop on the path of every request."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = bytearray()
        self._closed = False
        self._arrived: asyncio.Future[None] | None = None

    @contextmanager
    def watching(self) -> Iterator[FrameReader]:
        """Read what the worker sends, as it arrives, for the block (the socket must be non-blocking)."""
        loop = asyncio.get_running_loop()
        loop.add_reader(self._sock.fileno(), self._read_ready)
        try:
            yield self
        finally:
            with suppress(OSError, ValueError):  # closed meanwhile (the pool stopped the worker)
                loop.remove_reader(self._sock.fileno())

    async def message(self) -> bytes:
        """The next whole message's bytes; ChannelClosed when the worker's end closes first."""
        while True:
            framed_size = self._framed_size()
            if framed_size is not None and len(self._buffer) >= framed_size[0] + framed_size[1]:
                header, size = framed_size
                data = bytes(self._buffer[header : header + size])
                del self._buffer[: header + size]
                return data
            if self._closed:
                raise ChannelClosed
            self._arrived = asyncio.get_running_loop().create_future()
            try:
                await self._arrived
            finally:
                self._arrived = None

    def pending(self) -> bool:
        """Whether a read brought bytes of a message not taken yet."""
        return bool(self._buffer)

    async def reply(self) -> tuple[str, Any]:
        """The next message, unpickled as Connection.recv does."""
        reply: tuple[str, Any] = ForkingPickler.loads(await self.message())
        return reply

    def _framed_size(self) -> tuple[int, int] | None:
        """(header length, payload length) of the buffered message, once its header is in."""
        if len(self._buffer) < 4:
            return None
        (size,) = struct.unpack_from("!i", self._buffer)
        if size != LONG_SIZE:
            return 4, size
        if len(self._buffer) < 12:
            return None
        (long_size,) = struct.unpack_from("!Q", self._buffer, 4)
        return 12, long_size

    def _read_ready(self) -> None:
        try:
            chunk = self._sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # reset: the worker died with our job unread
            chunk = b""
        if chunk:
            self._buffer += chunk
        else:
            self._closed = True
            asyncio.get_running_loop().remove_reader(self._sock.fileno())
        if self._arrived is not None and not self._arrived.done():
            self._arrived.set_result(None)


def write_message(conn: Connection, payload: bytes) -> None:
    """Connection.send_bytes in one write (the worker's side): past 16 KB send_bytes writes the length
    and the bytes apart, and the web process would wake for the 4-byte length alone."""
    data = memoryview(framed(payload))
    while data:
        data = data[os.write(conn.fileno(), data) :]


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
