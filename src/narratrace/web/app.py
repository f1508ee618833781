"""The web application: REST API under /api/, dashboard pages, static files.

``create_app(db_or_store, settings)`` is the whole server as a plain function, so tests,
the ``serve`` command and other programs build the same thing. Article content is
written by the people being studied, so the app defends in depth: Jinja2 autoescaping
for every template, a Content-Security-Policy that allows scripts and styles only from
this server (no inline script, no inline style), no framing, no MIME sniffing, bounded
request bodies, and errors as RFC 9457 problem details that say what to do.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..config import Settings
from ..embed import DEFAULT_ENCODER
from ..narratives.catalogue import CatalogueSource
from ..store import QueryError, Store, open_store
from ..text.bidi import close_bidi
from .corpus import TTLCache
from .render import safe_url
from .search import SearchIndex
from .worker import AnalysisWorker

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
MAX_BODY_BYTES = 10 * 1024 * 1024
# pooled connections beyond the request threads: analysis, cache refresh, semantic index
SPARE_CONNECTIONS = 4

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


@dataclass
class WebState:
    """What every request handler needs; hung on ``app.state.web``."""

    store: Store
    settings: Settings
    search: SearchIndex
    templates: Environment
    worker: AnalysisWorker  # the process POST /api/analyze items run in (web/worker.py)
    cache: TTLCache = field(default_factory=TTLCache)
    catalogue: CatalogueSource = field(default_factory=CatalogueSource)  # as the analyses read it
    max_body: int = MAX_BODY_BYTES
    analysis_limiter: Any = None  # anyio.CapacityLimiter, made in the event loop on first use


def problem(
    status: int,
    title: str,
    detail: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


class GuardMiddleware:
    """Security headers on every response; refuses bodies larger than the limit up front;
    answers HEAD like GET without the body (FastAPI's GET routes would say 405)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            response = problem(
                413,
                "Request body too large",
                f"bodies are limited to {self.max_body} bytes; split the batch into smaller requests",
            )
            await self._with_headers(response)(scope, receive, send)
            return

        head = scope.get("method") == "HEAD"  # uptime checks: answered as GET, without the body
        if head:
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _with_headers(response: Response) -> Response:
        for key, value in SECURITY_HEADERS:
            response.headers[key.decode()] = value.decode()
        return response


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=close_bidi,
    )
    env.filters["safe_url"] = safe_url
    env.globals["version"] = __version__
    return env


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"


def _allowed_methods(request: Request) -> list[str]:
    """Methods of every route on this path: the documented ones first, then the pages'.

    Starlette answers 405 with the methods of the first route it tried only, so a path with a
    GET and a PUT route would claim ``Allow: GET``; clients (and schemathesis) rely on the list.
    """
    import re

    from starlette.routing import Match

    path = request.url.path
    methods: set[str] = set()
    for template, operations in (request.app.openapi().get("paths") or {}).items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            methods |= {m.upper() for m in operations if m.upper() in _HTTP_METHODS}
    if not methods:
        scope = dict(request.scope) | {"method": "OPTIONS"}
        for route in request.app.router.routes:
            route_methods = getattr(route, "methods", None)
            if route_methods and route.matches(scope)[0] != Match.NONE:
                methods |= set(route_methods)
    return sorted(methods)


_HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _install_errors(app: FastAPI) -> None:
    def render(
        request: Request,
        status: int,
        title: str,
        detail: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> Response:
        if _wants_html(request):
            web: WebState = request.app.state.web
            try:
                html = web.templates.get_template("error.html").render(
                    status=status, title=title, detail=detail, path=request.url.path
                )
            except Exception:  # the error page itself must never fail
                log.exception("error page failed")
                html = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
            return HTMLResponse(html, status_code=status, headers=headers)
        return problem(status, title, detail, request.url.path, headers=headers, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed", 401: "Unauthorized", 403: "Forbidden"}
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # every route of the path, not only the first one Starlette tried
            allowed = _allowed_methods(request)
            if allowed:
                headers = {"Allow": ", ".join(allowed)}
                detail = f"{request.method} is not allowed here; use {' or '.join(allowed)}"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}; the API is described at /openapi.json"
        return render(
            request,
            exc.status_code,
            titles.get(exc.status_code, "Error"),
            detail,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg"))} for e in exc.errors()][:20]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors) or "invalid request"
        return render(request, 422, "Invalid request", detail, errors=errors)

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> Response:
        return render(request, 400, "Bad request", str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return render(request, 500, "Internal error", "the server failed on this request; the log has the details")


def _request_threads(n: int) -> Any:
    """Run the blocking request handlers on ``n`` threads (anyio's default is 40).

    Handlers hold the interpreter lock for their Python work and release it around
    SQLite and numpy calls; forty threads passing the lock around spent more time
    switching than working. On 2 cores with 20 concurrent clients and 100,000 articles,
    the fused search answered at a median of 177-231 ms on 40 threads and 126-193 ms on
    3-4 (docs/benchmarks.md). Requests beyond ``n`` wait in the event loop, which costs
    nothing. Analyses (POST /api/analyze) run on a limiter of their own, so a long one
    never takes a reader's thread. At shutdown the analysis process is ended.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = n
        try:
            yield
        finally:
            app.state.web.worker.stop()

    return lifespan


def create_app(
    db_or_store: str | Store, settings: Settings | None = None, *, allowed_hosts: Sequence[str] | None = None
) -> FastAPI:
    """The FastAPI application over a store (or a database path/URL to open).

    ``allowed_hosts`` restricts the ``Host`` header (``serve`` passes the loopback names
    when bound to 127.0.0.1): a web page the analyst visits cannot then read the
    dashboard through a DNS name re-pointed to 127.0.0.1 (DNS rebinding).
    """
    from . import api, outlets, pages

    settings = settings or Settings()
    if isinstance(db_or_store, Store):
        store = db_or_store
    else:
        store = open_store(db_or_store, pool_size=settings.request_threads + SPARE_CONNECTIONS)
    app = FastAPI(
        lifespan=_request_threads(settings.request_threads),
        title="narratrace",
        version=__version__,
        description="Stories, entities, attributions and narratives across outlets and languages. "
        "Read endpoints are open; writes need `Authorization: Bearer <token>`.",
        docs_url=None,  # Swagger UI loads scripts from a CDN: not under this CSP
        redoc_url=None,
    )
    # search reads the vectors the stories stage stored: that stage's encoder ([encoder] or its override)
    search = SearchIndex(store, encoder=settings.encoder_for("stories.v1") or DEFAULT_ENCODER)
    catalogue = CatalogueSource.from_options(settings.catalogue_options())
    app.state.web = WebState(store=store, settings=settings, search=search, templates=_templates(),
                             worker=AnalysisWorker(settings),
                             catalogue=catalogue)
    _install_errors(app)
    app.include_router(api.router)
    app.include_router(outlets.api)
    app.include_router(pages.router)
    app.include_router(outlets.pages)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(GuardMiddleware, max_body=MAX_BODY_BYTES)
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    return app
