"""A tiny HTTP server on 127.0.0.1 for the fetcher's tests (never another interface)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def serving(handler: Handler, host: str = "127.0.0.1", port: int = 0) -> Iterator[Any]:
    """Serve GET/POST with ``handler(request)``; yields the server (``.hits`` lists the paths asked)."""

    class _H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server.hits.append(self.path)  # type: ignore[attr-defined]
            with suppress(BrokenPipeError, ConnectionResetError):
                handler(self)

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer((host, port), _H)
    server.daemon_threads = True
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def reply(req: http.server.BaseHTTPRequestHandler, body: bytes, status: int = 200,
          headers: dict[str, str] | None = None) -> None:
    req.send_response(status)
    for k, v in (headers or {}).items():
        req.send_header(k, v)
    req.send_header("Content-Length", str(len(body)))
    req.end_headers()
    req.wfile.write(body)
