"""The server bounds request heads (issue 12.9) and refuses a busy port before saying it serves."""

from __future__ import annotations

import socket
import time
from typing import Any

import uvicorn
from click.testing import CliRunner

from narratrace.cli import cli

from .live_server import serve


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    size = 0
    while True:
        msg = await receive()
        size += len(msg.get("body", b""))
        if not msg.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": f"got {size}".encode()})


def _serve() -> tuple[uvicorn.Server, int]:
    return serve(_app)


def _exchange(port: int, data: bytes, chunk: int = 65536) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        try:
            for i in range(0, len(data), chunk):
                conn.sendall(data[i : i + chunk])
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = b""
        try:
            while part := conn.recv(65536):
                out += part
        except (ConnectionResetError, TimeoutError):
            pass
        return out


def test_unterminated_huge_header_gets_431_and_a_closed_connection() -> None:
    server, port = _serve()
    try:
        hostile = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: " + b"a" * (8 << 20)  # never ends
        started = time.monotonic()
        answer = _exchange(port, hostile)
        assert answer.startswith(b"HTTP/1.1 431"), answer[:80]
        assert time.monotonic() - started < 5
        body = b"x" * 300_000  # a big body right behind its headers is not a big head
        ok = _exchange(port, b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body), chunk=1 << 20)
        assert ok.startswith(b"HTTP/1.1 200") and b"got 300000" in ok
        long_url = _exchange(port, b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert long_url.startswith(b"HTTP/1.1 431")
    finally:
        server.should_exit = True


def test_serve_on_a_busy_port_is_a_usage_error_before_serving(tmp_path: Any) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "x.db"), "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert "serving" not in result.output and "cannot listen" in result.output
