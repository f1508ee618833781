"""POST /api/analyze: pasted text, an HTML page or a JSONL batch through the pipeline.

This is the one write path of the server, so it is guarded: a bearer token compared
in constant time (no token configured means writes are refused, not open), a body
read in chunks up to a limit (a missing or false Content-Length cannot get past it),
and a cap on the number of items per request.
"""

from __future__ import annotations

import hmac
import threading
from typing import Any

import anyio
import anyio.to_thread
from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, Response

from ..records import RawItem, Rejection, SourceRef, to_dict

MAX_ITEMS = 1000
SOURCE = "api:/api/analyze"


def require_token(request: Request) -> None:
    """A dependency for every writing endpoint."""
    token = request.app.state.web.settings.token
    if not token:
        raise HTTPException(
            403,
            "writes are disabled: no token is configured. Set $NARRATRACE_TOKEN "
            "or `token` in the [serve] section of the configuration, then restart the server",
        )
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise HTTPException(
            401,
            "this endpoint writes to the store: send `Authorization: Bearer <token>` "
            "with the token of the server configuration",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def read_body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body larger than {limit} bytes; send smaller batches")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_items(body: bytes, content_type: str) -> list[RawItem | Rejection]:
    """Raw items from a request body, read by the reader registered for its content type
    (the same registry ``analyze`` reads files with); unparseable parts become per-item rejections."""
    from ..ingest.readers import BodyError, reader_for_content_type, supported_content_types

    reader = reader_for_content_type(content_type)
    if reader is None:
        kind = content_type.split(";")[0].strip().lower()
        known = supported_content_types()
        raise HTTPException(
            415, f"unsupported content type {kind or '(none)'!r}; send {', '.join(known[:-1])} or {known[-1]}"
        )
    try:
        return reader.read_body(body, SourceRef(path=SOURCE), MAX_ITEMS)
    except BodyError as exc:
        raise HTTPException(exc.status, str(exc)) from None


def _run(request: Request, items: list[RawItem | Rejection], cancel: threading.Event) -> dict[str, Any]:
    try:
        from ..pipeline import run_items
    except ImportError as exc:  # pragma: no cover - the pipeline ships with the package
        raise HTTPException(503, f"the analysis pipeline is not available in this build: {exc}") from None
    from .worker import BrokenProcessPool

    state = request.app.state.web
    store, settings = state.store, state.settings
    worker = state.worker.executor() if settings.analysis_process else None
    try:
        summary = run_items(items, store, settings, "serve:analyze", [SOURCE], jobs=1, cancel=cancel,
                            executor=worker)
    except BrokenProcessPool:
        state.worker.stop()  # the next analysis starts a new worker
        return {"worker_died": True}
    articles = [to_dict(a) for a in store.articles.get_many(summary.ids_of())]
    rejected = [{"reason": r.reason, "detail": r.detail, "line": r.source.line} for r in summary.rejected]
    out: dict[str, Any] = {"articles": articles, "rejected": rejected}
    if summary.cancelled:
        out["not_analysed"] = max(0, len(items) - summary.read)
    return out


async def analyze_request(request: Request) -> Response:
    state = request.app.state.web
    limit = min(state.max_body, state.settings.max_file_bytes)
    body = await read_body(request, limit)
    ctype = request.headers.get("content-type", "")
    items = parse_items(body, ctype)
    await anyio.to_thread.run_sync(keep_pasted, state.store, body, ctype, items)
    result, why = await _cancellable(request, items, state.settings.max_analysis_seconds)
    if result.get("worker_died"):
        detail = ("the analysis process ended while it analysed this request (killed, or out of the "
                  "machine's memory); articles stored before stay stored, the run is marked failed; "
                  "the next request starts a new analysis process")
        return JSONResponse({"type": "about:blank", "title": "Analysis process died", "status": 503,
                             "detail": detail}, status_code=503, media_type="application/problem+json",
                            headers={"retry-after": "10"})
    if why == "deadline":
        limit = state.settings.max_analysis_seconds
        detail = (f"the analysis stopped after [serve] max_analysis_seconds = {limit} s; "
                  f"{len(result['articles'])} article(s) stored, {result.get('not_analysed', 0)} item(s) not "
                  "analysed: send smaller batches")
        return JSONResponse({"type": "about:blank", "title": "Analysis stopped", "status": 503, "detail": detail,
                             **result}, status_code=503, media_type="application/problem+json",
                            headers={"retry-after": "10"})
    return JSONResponse(result)


async def _cancellable(
    request: Request, items: list[RawItem | Rejection], deadline: float
) -> tuple[dict[str, Any], str]:
    """Run the analysis on its worker thread while watching the client and the clock.

    The pipeline cannot be interrupted inside an item (each is bounded by
    ``max_item_seconds``), so cancelling means: read no further item. A client that goes away
    or a passed deadline sets the event; the thread then ends after the current item, the
    analysis slot is free for the next request, and what was analysed is kept.
    """
    state = request.app.state.web
    cancel = threading.Event()
    why = ""
    result: dict[str, Any] = {}
    start = anyio.current_time()

    async def watch() -> None:
        nonlocal why
        while not cancel.is_set():
            if anyio.current_time() - start > deadline:
                why = "deadline"
                cancel.set()
            elif await request.is_disconnected():
                why = "disconnected"
                cancel.set()
            await anyio.sleep(0.2)

    async with anyio.create_task_group() as tg:
        async def work() -> None:
            done = await anyio.to_thread.run_sync(_run, request, items, cancel, limiter=_analysis_limiter(state))
            result.update(done)
            tg.cancel_scope.cancel()

        tg.start_soon(work)
        tg.start_soon(watch)
    return result, why


def keep_pasted(store: Any, body: bytes, content_type: str, items: list[RawItem | Rejection]) -> None:
    """Pasted text or HTML is archived as received, like a fetched page (one item per body)."""
    import datetime as dt

    from ..ingest.web import pasted_copy
    from ..text.storable import storable_item

    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/plain", "text/html") and len(items) == 1 and isinstance(items[0], RawItem):
        when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        store.evidence.put(pasted_copy(body, storable_item(items[0]), kind, when))  # hashed as the pipeline will


def _analysis_limiter(state: Any) -> anyio.CapacityLimiter:
    """One analysis at a time, on a thread outside the readers' limiter (made in the event loop)."""
    if state.analysis_limiter is None:
        state.analysis_limiter = anyio.CapacityLimiter(1)
    limiter: anyio.CapacityLimiter = state.analysis_limiter
    return limiter
