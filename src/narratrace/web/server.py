"""Running the application with uvicorn: the plain function behind ``narratrace serve``.

With ``workers > 1`` uvicorn starts separate processes, which cannot receive an app
object: each builds its own from the environment (``app_factory``). On a 2-core machine
two workers roughly double the throughput of CPU-bound pages, since one Python
process serialises its request threads on the interpreter lock.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from ..config import Settings, environ, load_settings
from ..store import Store
from .limits import uvicorn_options

log = logging.getLogger(__name__)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DB_ENV = "NARRATRACE_SERVE_DB"
HOSTS_ENV = "NARRATRACE_SERVE_HOSTS"


def one_blas_thread() -> None:
    """Limit numpy's BLAS to one thread in a server process.

    A server's parallelism is its request threads and worker processes. OpenBLAS would
    add a thread per core for every small product (encoding a query, re-scoring its
    candidates), and its threads spin while they wait: on 2 cores with 20 concurrent
    clients, semantic search answered in 96 ms at the median with them and 72 ms without,
    and with two workers the difference was 108 ms against 52 ms (docs/benchmarks.md).
    """
    from ..runtime import one_blas_thread as limit

    limit()


def app_factory() -> Any:
    """The app of one worker process (``uvicorn --factory``): database and settings from the environment."""
    from .app import create_app

    one_blas_thread()

    hosts = environ(HOSTS_ENV)
    db = environ(DB_ENV)
    if db is None:
        raise RuntimeError(f"${DB_ENV} is not set: start workers with `narratrace serve`")
    return _warm(create_app(db, load_settings(), allowed_hosts=hosts.split(",") if hosts else None))


def allowed_hosts(host: str) -> list[str] | None:
    """Host names a browser may use to reach a server bound to ``host`` (None: any).

    Bound to loopback, only loopback names are accepted, which defeats DNS rebinding;
    bound to another interface, the operator chose the names, so any is accepted.
    """
    if host in LOCAL_HOSTS:
        return ["127.0.0.1", "localhost", "::1", "[::1]"]
    return None


def _warm(app: Any) -> Any:
    """Load the encoder and the vector matrix in the background, so the first search is quick;
    with writes enabled, start the analysis process too, so the first analysis is."""
    state = app.state.web
    threading.Thread(target=state.search.semantic.warm_up, name="warm-up", daemon=True).start()
    if state.settings.token and state.settings.analysis_process:
        state.worker.start()
    return app


def check_port(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be bound, or None: asked before saying "serving ..."."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def serve(
    db: str | Store,
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    log_level: str = "warning",
) -> None:
    """Serve the dashboard and API until interrupted (binds to localhost unless told otherwise).

    With several workers the settings are re-read by each worker from the environment
    (``$NARRATRACE_CONFIG``, ``$NARRATRACE_TOKEN``), so pass configuration that way.
    """
    import uvicorn

    if host not in LOCAL_HOSTS:
        log.warning("serving on %s: every machine that can reach it can read the store", host)
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": log_level,
        "access_log": False,
        "proxy_headers": False,
        "server_header": False,
        **uvicorn_options(),  # request line and headers bounded (web/limits.py)
    }
    if workers > 1:
        url = db.url.render_as_string(hide_password=False) if isinstance(db, Store) else db
        os.environ[DB_ENV] = url
        os.environ[HOSTS_ENV] = ",".join(allowed_hosts(host) or [])
        if settings.token and not environ("NARRATRACE_TOKEN"):
            os.environ["NARRATRACE_TOKEN"] = settings.token
        uvicorn.run("narratrace.web.server:app_factory", factory=True, workers=workers, **common)
        return
    from .app import create_app

    one_blas_thread()
    uvicorn.run(_warm(create_app(db, settings, allowed_hosts=allowed_hosts(host))), **common)
