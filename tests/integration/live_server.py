"""A real uvicorn server on a free 127.0.0.1 port, in a daemon thread, for tests that need sockets."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from narratrace.web.limits import uvicorn_options


def serve(app: Any, wait: float = 20.0) -> tuple[uvicorn.Server, int]:
    """Start ``app`` with the server's own limits; returns the server (set ``should_exit``) and its port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                                           **uvicorn_options()))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + wait
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return server, port
