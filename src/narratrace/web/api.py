"""REST API under /api/: read endpoints are open, writes need the bearer token.

Handlers are plain ``def`` functions: FastAPI runs them in its thread pool, so the
blocking database calls of one request do not stall the others. Every list takes
``format=csv|jsonl`` to download the whole list (not just the page) as a stream.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..exporters import row_exporter_names
from ..store import ArticleFilter
from .analyze import analyze_request, read_body, require_token
from .app import WebState
from .corpus import entity_detail, filter_entities, list_entities, list_stories, story_detail
from .export import download
from .models import (
    AnalyzeResult,
    ArticlePage,
    ArticleRecord,
    EntityDetail,
    EntityPage,
    Health,
    NarrativeDetail,
    NarrativePage,
    Problem,
    SavedSearch,
    SavedSearchList,
    SaveSearch,
    SearchResults,
    StoryDetail,
    StoryPage,
)
from .narratives import EditError, list_narratives, narrative_detail, save_narrative

PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": desc}
    for code, desc in {400: "Bad request", 404: "Not found", 422: "Invalid parameters"}.items()
}
EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
        "description": "The page as JSON, or the whole list as CSV / JSONL with `format`",
    }
}
MAX_NARRATIVE_BYTES = 1_000_000
ARTICLE_COLUMNS = ["id", "title", "outlet", "lang", "published", "story_id", "duplicate_of", "url"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", responses=PROBLEMS)
Text = Annotated[str | None, Query(max_length=256)]
Date = Annotated[
    str | None,
    Query(pattern=r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$", description="ISO date, may be partial"),
]
# json (one page) or any registered exporter (the whole list), as `narratrace export --format`
_FORMAT_HELP = "json: one page; csv/jsonl (any registered exporter): the whole list"
if TYPE_CHECKING:
    Format = Annotated[str, Query(description=_FORMAT_HELP)]
else:
    Format = Annotated[Literal[("json", *row_exporter_names())], Query(description=_FORMAT_HELP)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=200)]
Ident = Annotated[str, Path(max_length=256)]


async def web(request: Request) -> WebState:
    """``async`` although it only reads a field: a plain ``def`` dependency would cost every
    request a trip through the thread pool."""
    state: WebState = request.app.state.web
    return state


Web = Annotated[WebState, Depends(web)]


def not_found(kind: str, ident: str) -> HTTPException:
    return HTTPException(404, f"no {kind} with id {ident!r}; list them at /api/{kind.replace('y', 'ie')}s")


def _page(items: list[dict[str, Any]], offset: int, limit: int) -> dict[str, Any]:
    return {"items": items[offset : offset + limit], "total": len(items), "offset": offset}


@router.get("/health", response_model=Health)
def health(w: Web) -> dict[str, Any]:
    """For load balancers and scripts: the store answers; ``semantic_index`` says whether the
    ANN graph is ``ready``, still ``building`` (exact search answers meanwhile) or not needed
    (``exact``: small corpus, or no semantic query yet)."""
    count = w.cache.get("health:articles", w.store.articles.count)  # polled often: kept 5 s
    return {"status": "ok", "articles": int(count), "semantic_index": w.search.semantic.ann.state}


@router.get("/articles", response_model=ArticlePage, responses=EXPORTS)
def articles(
    w: Web,
    lang: Text = None,
    outlet: Text = None,
    date_from: Date = None,
    date_to: Date = None,
    story: Text = None,
    narrative: Text = None,
    entity: Text = None,
    technique: Text = None,
    sort: Literal["recent", "published"] = "recent",
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Limit = 50,
    format: Format = "json",
) -> Any:
    """Articles, newest first (or by publication date), filtered; keyset-paginated by ``next``."""
    filt = w.store.resolve_filter(ArticleFilter(lang, outlet, date_from, date_to, story, narrative, entity, technique))
    if format != "json":
        return download(_export_articles(w, filt, sort, format), format, ARTICLE_COLUMNS, "articles")
    return w.store.articles.page(filt, sort, cursor, limit, memo=w.cache.get)


def _export_articles(w: WebState, filt: ArticleFilter, sort: str, fmt: str) -> Any:
    with w.store.reading() as r:
        for ids in r.articles.iter_ids(filt, sort, batch=200):
            for rec in r.articles.records(ids):
                if fmt == "csv":
                    rec = {k: rec.get(k) for k in ARTICLE_COLUMNS} | {"url": (rec.get("source") or {}).get("url")}
                yield rec


@router.get("/articles/{article_id}", response_model=ArticleRecord)
def article(w: Web, article_id: Ident) -> Any:
    """The full record of one article (docs/record.md), with every flag and its offsets."""
    full = w.store.articles.full_id(article_id)  # the 12-character ids the CLI prints resolve too
    rec = w.store.articles.record(full) if full else None
    if rec is None:
        raise not_found("article", article_id)
    return rec


@router.get("/stories", response_model=StoryPage, responses=EXPORTS)
def stories(w: Web, offset: Offset = 0, limit: Limit = 50, format: Format = "json") -> Any:
    """Stories (groups of articles telling the same event), largest first."""
    items = w.cache.get("stories", lambda: list_stories(w.store))
    if format != "json":
        return download(items, format, ["id", "title", "size", "first_date", "last_date"], "stories")
    return _page(items, offset, limit)


def cached_narratives(w: WebState) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = w.cache.get("narratives", lambda: list_narratives(w.store, w.catalogue))
    return items


@router.get("/stories/{story_id}", response_model=StoryDetail)
def story(w: Web, story_id: Ident) -> Any:
    """One story: its articles, languages, outlets, timeline and copy/translation edges."""
    with w.store.reading() as r:
        found = story_detail(r, story_id)
    if found is None:
        raise not_found("story", story_id)
    return found


@router.get("/searches", response_model=SavedSearchList)
def saved_searches(w: Web) -> Any:
    """The saved searches (standing queries: `watch` alerts on each new matching article)."""
    return {"items": w.store.searches.list()}


@router.post(
    "/searches",
    response_model=SavedSearch,
    status_code=201,
    dependencies=[Depends(require_token)],
    responses={401: PROBLEMS[400] | {"description": "Missing or wrong token"},
               403: PROBLEMS[400] | {"description": "Writes disabled: no token configured"}},
)
async def save_search(request: Request, body: SaveSearch) -> Any:
    """Save a search (or rename it: the same query, mode and language is one saved search).

    Needs ``Authorization: Bearer <token>``. Alerts start with the articles stored after it.
    """
    w = await web(request)
    return await run_in_threadpool(w.store.searches.save, body.name, body.q, body.mode, body.lang)


@router.delete(
    "/searches/{search_id}",
    status_code=204,
    dependencies=[Depends(require_token)],
    responses={401: PROBLEMS[400] | {"description": "Missing or wrong token"},
               403: PROBLEMS[400] | {"description": "Writes disabled: no token configured"},
               404: PROBLEMS[404]},
)
async def delete_search(request: Request, search_id: Ident) -> Response:
    """Forget a saved search (its alerts already raised stay in the alert log)."""
    w = await web(request)
    if not await run_in_threadpool(w.store.searches.delete, search_id):
        raise not_found("saved search", search_id)
    return Response(status_code=204)


@router.get("/narratives", response_model=NarrativePage, responses=EXPORTS)
def narratives(w: Web, offset: Offset = 0, limit: Limit = 50, format: Format = "json") -> Any:
    """Known narratives with how many articles carry them."""
    items = cached_narratives(w)
    if format != "json":
        return download(items, format, ["id", "title", "articles", "mean_score", "max_score"], "narratives")
    return _page(items, offset, limit)


@router.get("/narratives/{narrative_id}", response_model=NarrativeDetail)
def narrative(w: Web, narrative_id: Ident) -> Any:
    """One narrative with the articles matching it (best first), by stance, language and outlet."""
    found = narrative_detail(w.store, narrative_id, cached_narratives(w), source=w.catalogue)
    if found is None:
        raise not_found("narrative", narrative_id)
    return found


@router.get("/entities", response_model=EntityPage, responses=EXPORTS)
def entities(
    w: Web,
    q: Annotated[str | None, Query(max_length=100, description="part of the name")] = None,
    type: Text = None,
    offset: Offset = 0,
    limit: Limit = 50,
    format: Format = "json",
) -> Any:
    """Canonical entities (people, organisations, places) by number of articles."""
    items = w.cache.get("entities", lambda: list_entities(w.store))
    if q:
        items = filter_entities(w.store, items, q)
    if type:
        items = [e for e in items if (e["type"] or "").upper() == type.upper()]
    if format != "json":
        return download(items, format, ["id", "name", "type", "articles", "mentions"], "entities")
    return _page(items, offset, limit)


@router.get("/entities/{entity_id}", response_model=EntityDetail)
def entity(w: Web, entity_id: Ident, cursor: Annotated[str | None, Query(max_length=512)] = None) -> Any:
    """One entity: its spellings across languages and the articles that mention it."""
    with w.store.reading() as r:
        found = entity_detail(r, entity_id)
        if found is None:
            raise not_found("entity", entity_id)
        found["articles"] = r.articles.page(ArticleFilter(entity=entity_id), "recent", cursor, 50, memo=w.cache.get)
    return found


@router.get("/search", response_model=SearchResults, responses=EXPORTS)
async def search(
    w: Web,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    mode: Literal["hybrid", "text", "semantic"] = "hybrid",
    lang: Text = None,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
    limit: Limit = 20,
    format: Format = "json",
) -> Any:
    """Full-text and cross-lingual semantic search (an English query finds French articles)."""
    hits = await w.search.search_async(q, mode, lang, limit, offset)
    if format != "json":
        return download(hits, format, [*ARTICLE_COLUMNS, "score"], "search")
    total, exact = await run_in_threadpool(w.search.total, q, mode, lang, hits, offset, limit)
    return {"query": q, "mode": mode, "items": hits, "offset": offset, "total": total, "total_exact": exact}


@router.post(
    "/analyze",
    response_model=AnalyzeResult,
    dependencies=[Depends(require_token)],
    responses={
        401: PROBLEMS[400] | {"description": "Missing or wrong token"},
        403: PROBLEMS[400] | {"description": "Writes disabled: no token configured"},
        413: PROBLEMS[400] | {"description": "Body too large"},
        415: PROBLEMS[400] | {"description": "Unsupported content type"},
        503: PROBLEMS[400] | {"description": "Pipeline unavailable"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "text": {"type": "string"},
                            "html": {"type": "string"},
                            "title": {"type": "string"},
                            "url": {"type": "string"},
                            "outlet": {"type": "string"},
                            "lang": {"type": "string"},
                            "date": {"type": "string"},
                            "id": {"type": "string"},
                        },
                    }
                },
                "text/plain": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def analyze(request: Request) -> Response:
    """Analyse pasted text, an HTML page or a JSONL batch; returns the analysed records.

    Needs ``Authorization: Bearer <token>``. Already stored inputs come back as stored.
    """
    response = await analyze_request(request)
    if response.status_code < 400:
        (await web(request)).cache.clear()  # totals, stories, entities and the overview moved
    return response


NARRATIVE_BODY = {
    "type": "object",
    "required": ["title", "claims"],
    "properties": {
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "claims": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "keywords": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "entities": {"type": "array", "items": {"type": "string"}},
        "anchors": {"type": "array", "items": {"type": "string"}},
        "debunks": {"type": "array", "items": {"type": "string"}},
        "first_seen": {"type": "string"},
        "sources": {"type": "array", "items": {"type": "string"}},
    },
}


@router.put(
    "/narratives/{narrative_id}",
    dependencies=[Depends(require_token)],
    responses={
        401: PROBLEMS[400] | {"description": "Missing or wrong token"},
        403: PROBLEMS[400] | {"description": "Writes disabled: no token configured"},
        409: PROBLEMS[400] | {"description": "No catalogue folder configured ($NARRATRACE_CATALOG)"},
        413: PROBLEMS[400] | {"description": "Body too large"},
    },
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": NARRATIVE_BODY}}}},
)
async def put_narrative(request: Request, narrative_id: Ident) -> Response:
    """Create or replace a narrative of the analyst's catalogue (the last folder of
    ``[stages."narratives.v1"] catalog``, else ``$NARRATRACE_CATALOG``).

    Needs ``Authorization: Bearer <token>``. The stored articles are re-matched against the
    edited narrative before the answer (``narratives/rematch.py``), and later analyses match it.
    """
    w = await web(request)
    body = await read_body(request, MAX_NARRATIVE_BYTES)
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise HTTPException(400, f"invalid JSON: {exc}") from None
    try:
        saved = await run_in_threadpool(save_narrative, narrative_id, data, w.catalogue)
    except EditError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    w.worker.invalidate()  # its matcher was built from the catalogue before the edit
    headers = {}
    try:
        from ..pipeline import rematch_archive

        result = await run_in_threadpool(rematch_archive, w.store, w.settings)
        if result is not None:
            headers["x-narratrace-rematched"] = str(result.updated)
    except Exception as exc:  # a read-only store: the edit is saved, the archive follows at the next analyze
        log.warning("re-matching after the edit of %s failed: %r", narrative_id, exc)
    w.cache.invalidate("narratives")
    w.cache.invalidate("overview")
    return JSONResponse(saved, headers=headers)
