"""The server protocol's pieces that need no running server (the rest: tests/security/test_server_limits.py)."""

from __future__ import annotations

import asyncio

from gradtrace.web.connection_guard import HeadJoinedToBody, access_line


class RecordingTransport(asyncio.Transport):
    """A transport that keeps what is written, one entry a write."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def test_head_and_body_written_in_the_same_turn_leave_in_one_write() -> None:
    async def answer() -> list[bytes]:
        transport = RecordingTransport()
        joined = HeadJoinedToBody(transport, asyncio.get_running_loop())
        joined.write(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n")
        joined.write(b"body")
        await asyncio.sleep(0)
        joined.write(b"more")  # later writes go straight through
        return transport.writes

    assert asyncio.run(answer()) == [b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nbody", b"more"]


def test_a_head_without_body_is_sent_on_the_next_turn_and_before_a_close() -> None:
    async def answer() -> tuple[list[bytes], list[bytes]]:
        loop = asyncio.get_running_loop()
        waiting, closing = RecordingTransport(), RecordingTransport()
        HeadJoinedToBody(waiting, loop).write(b"HTTP/1.1 304 Not Modified\r\n\r\n")
        assert waiting.writes == []
        await asyncio.sleep(0)
        closed = HeadJoinedToBody(closing, loop)
        closed.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        closed.close()
        assert closing.closed
        return waiting.writes, closing.writes

    waited, closed = asyncio.run(answer())
    assert waited == [b"HTTP/1.1 304 Not Modified\r\n\r\n"]
    assert closed == [b"HTTP/1.1 204 No Content\r\n\r\n"]


def test_the_access_line_quotes_the_path_as_uvicorn_did() -> None:
    scope = {
        "client": ("10.0.0.7", 5151),
        "method": "GET",
        "path": "/s/a b.svg",
        "query_string": b"theme=dark",
        "http_version": "1.1",
    }
    assert access_line(scope, 200) == 'INFO:     10.0.0.7:5151 - "GET /s/a%20b.svg?theme=dark HTTP/1.1" 200\n'
