"""POST /api/analyze: pasted text, an HTML page or a JSONL batch through the pipeline.

This is the one write path of the server, so it is guarded: a bearer token compared
in constant time (no token configured means writes are refused, not open), a body
read in chunks up to a limit (a missing or false Content-Length cannot get past it),
and a cap on the number of items per request.
"""

from __future__ import annotations

import hmac
import json
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


def _json_item(obj: Any, line: int) -> RawItem | Rejection:
    from ..ingest.readers import jsonl_item

    return jsonl_item(json.dumps(obj).encode(), SourceRef(path=SOURCE, line=line))


def parse_items(body: bytes, content_type: str) -> list[RawItem | Rejection]:
    """Raw items from a request body; unparseable parts become per-item rejections."""
    from ..ingest.readers import jsonl_item

    kind = content_type.split(";")[0].strip().lower()
    if kind in ("text/plain", "text/html"):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPException(400, f"body is not UTF-8 (byte {exc.start}); send UTF-8 text") from None
        if not text.strip():
            raise HTTPException(400, "empty body: send the article text or HTML")
        ref = SourceRef(path=SOURCE)
        return [
            RawItem(source=ref, fmt="html", html=text, encoding="utf-8")
            if kind == "text/html"
            else RawItem(source=ref, fmt="txt", text=text, encoding="utf-8")
        ]
    if kind in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines"):
        lines = [ln for ln in body.splitlines() if ln.strip()]
        if len(lines) > MAX_ITEMS:
            raise HTTPException(413, f"{len(lines)} lines; at most {MAX_ITEMS} items per request")
        if not lines:
            raise HTTPException(400, "empty batch: send one JSON object per line")
        return [jsonl_item(ln, SourceRef(path=SOURCE, line=i)) for i, ln in enumerate(lines, 1)]
    if kind == "application/json":
        try:
            obj = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HTTPException(400, f"invalid JSON: {exc}") from None
        items = obj.get("items") if isinstance(obj, dict) else None
        objs: list[Any] = items if isinstance(items, list) else [obj]
        if len(objs) > MAX_ITEMS:
            raise HTTPException(413, f"{len(objs)} items; at most {MAX_ITEMS} per request")
        return [_json_item(o, i) for i, o in enumerate(objs, 1)]
    raise HTTPException(
        415,
        f"unsupported content type {kind or '(none)'!r}; send text/plain, text/html, "
        "application/json or application/x-ndjson",
    )


def _run(request: Request, items: list[RawItem | Rejection]) -> dict[str, Any]:
    try:
        from ..identity import content_hash
        from ..pipeline import analyze_items
    except ImportError as exc:  # pragma: no cover - the pipeline ships with the package
        raise HTTPException(503, f"the analysis pipeline is not available in this build: {exc}") from None
    state = request.app.state.web
    store, settings = state.store, state.settings
    run_id = store.start_run("serve:analyze", [SOURCE])
    summary = analyze_items(items, store, settings, run_id, jobs=1)
    store.finish_run(run_id, summary.as_dict())
    ids: list[str] = []
    for item in items:
        if isinstance(item, RawItem):
            found = store.has_content(content_hash(item))
            if found and found not in ids:
                ids.append(found)
    articles = [to_dict(a) for a in store.get_articles(ids)]
    rejected = [{"reason": r.reason, "detail": r.detail, "line": r.source.line} for r in summary.rejected]
    return {"articles": articles, "rejected": rejected}


async def analyze_request(request: Request) -> Response:
    state = request.app.state.web
    limit = min(state.max_body, state.settings.max_file_bytes)
    body = await read_body(request, limit)
    items = parse_items(body, request.headers.get("content-type", ""))
    result = await anyio.to_thread.run_sync(_run, request, items, limiter=_analysis_limiter(state))
    return JSONResponse(result)


def _analysis_limiter(state: Any) -> anyio.CapacityLimiter:
    """One analysis at a time, on a thread outside the readers' limiter (made in the event loop)."""
    if state.analysis_limiter is None:
        state.analysis_limiter = anyio.CapacityLimiter(1)
    limiter: anyio.CapacityLimiter = state.analysis_limiter
    return limiter
