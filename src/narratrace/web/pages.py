"""Dashboard pages: server-rendered HTML over the same queries as the API.

Each page is one template fed with plain data and chart geometry; links carry the
same filters as the API, so every export button downloads exactly what is on screen
(all pages of it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..store import ArticleFilter
from .api import Date, Ident, Text, Web, cached_narratives
from .charts import bars, meaningful_edges, stacked, story_graph
from .corpus import entity_detail, filter_entities, list_entities, list_stories, overview, story_detail
from .narratives import narrative_detail
from .render import marks_of, segments, strongest_layer, technique_table

router = APIRouter(include_in_schema=False)
PAGE = 50


def render(request: Request, template: str, **data: Any) -> HTMLResponse:
    html = request.app.state.web.templates.get_template(template).render(path=request.url.path, **data)
    return HTMLResponse(html)


def _url(path: str, params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(clean)}" if clean else path


@router.get("/", response_class=HTMLResponse)
def home(request: Request, w: Web) -> HTMLResponse:
    data = w.cache.get("overview", lambda: overview(w.store, w.catalogue))
    return render(
        request,
        "overview.html",
        data=data,
        timeline=stacked(data["timeline"], "month", "lang"),
        lang_bars=bars(data["languages"]),
        outlet_bars=bars(data["outlets"]),
    )


@router.get("/articles", response_class=HTMLResponse)
def articles_page(
    request: Request,
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
) -> HTMLResponse:
    filt = w.store.resolve_filter(ArticleFilter(lang, outlet, date_from, date_to, story, narrative, entity, technique))
    page = w.store.articles.page(filt, sort, cursor, PAGE, memo=w.cache.get)
    params = filt.as_params() | {"sort": sort}
    return render(
        request,
        "articles.html",
        page=page,
        filt=filt,
        sort=sort,
        next_url=_url("/articles", params | {"cursor": page["next"]}) if page["next"] else None,
        export_csv=_url("/api/articles", params | {"format": "csv"}),
        export_jsonl=_url("/api/articles", params | {"format": "jsonl"}),
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, w: Web, article_id: Ident) -> HTMLResponse:
    with w.store.reading() as r:
        article_id = r.articles.full_id(article_id) or article_id  # a 12-character id from the CLI
        rec = r.articles.record(article_id)
        if rec is None:
            raise HTTPException(404, f"no article with id {article_id!r}")
        linked = [rel.get("article_id") for rel in rec.get("relations") or []] + [rec.get("duplicate_of")]
        related = r.articles.summaries([i for i in linked if isinstance(i, str)][:100])
        derived = r.articles.derived_from(article_id, rec.get("story_id"))
    marks = marks_of(rec)
    kinds = sorted({m["kind"] for m in marks})
    copies = [c.meta() for c in w.store.evidence.for_article(article_id)]
    return render(
        request,
        "article.html",
        a=rec,
        copies=copies,
        segments=segments(rec.get("body") or "", marks),
        kinds=kinds,
        shown=strongest_layer(kinds),
        related=related,
        derived=derived,
        n_marks=len(marks),
    )


# The archived bytes are the hostile page itself: never rendered, only downloaded, and
# even a browser that opens it gets a sandbox where nothing runs or loads (nosniff and the
# dashboard's own CSP are added to every response by the app's middleware).
RAW_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "no-store",
}


@router.get("/articles/{article_id}/raw/{sha256}")
def article_raw(w: Web, article_id: Ident, sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")]) -> Response:
    body = w.store.evidence.body(article_id, sha256)
    if body is None:
        raise HTTPException(404, f"no archived copy {sha256} for article {article_id!r}")
    headers = {**RAW_HEADERS, "Content-Disposition": f'attachment; filename="{sha256}.raw"'}
    return Response(body, media_type="application/octet-stream", headers=headers)


@router.get("/stories", response_class=HTMLResponse)
def stories_page(request: Request, w: Web, offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    items = w.cache.get("stories", lambda: list_stories(w.store))
    return render(
        request,
        "stories.html",
        items=items[offset : offset + PAGE],
        total=len(items),
        offset=offset,
        next_url=_url("/stories", {"offset": offset + PAGE}) if offset + PAGE < len(items) else None,
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, w: Web, story_id: Ident) -> HTMLResponse:
    with w.store.reading() as r:
        s = story_detail(r, story_id)
    if s is None:
        raise HTTPException(404, f"no story with id {story_id!r}")
    titles = {a["id"]: a["title"] or a["id"] for a in s["articles"]}
    return render(
        request,
        "story.html",
        s=s,
        graph=story_graph(s["articles"], s["edges"]),
        outlet_bars=bars(s["outlets"]),
        lang_bars=bars(s["languages"]),
        titles=titles,
        edges=meaningful_edges(s["edges"]),
        techniques=technique_table(w.store.techniques.by_outlet(story=story_id)),
    )


@router.get("/narratives", response_class=HTMLResponse)
def narratives_page(request: Request, w: Web) -> HTMLResponse:
    items = cached_narratives(w)
    return render(request, "narratives.html", items=items)


@router.get("/narratives/{narrative_id}", response_class=HTMLResponse)
def narrative_page(request: Request, w: Web, narrative_id: Ident) -> HTMLResponse:
    n = narrative_detail(w.store, narrative_id, cached_narratives(w), source=w.catalogue)
    if n is None:
        raise HTTPException(404, f"no narrative with id {narrative_id!r}")
    points = [
        {"month": (m.get("published") or "")[:7] or None, "lang": m.get("lang") or "?", "n": 1} for m in n["matches"]
    ]
    return render(
        request,
        "narrative.html",
        n=n,
        timeline=stacked(points, "month", "lang"),
        outlet_bars=bars(n["outlets"]),
        stance_bars=bars(n["stances"]),
        techniques=technique_table(w.store.techniques.by_outlet(narrative=narrative_id)),
    )


@router.get("/entities", response_class=HTMLResponse)
def entities_page(
    request: Request,
    w: Web,
    q: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    items = w.cache.get("entities", lambda: list_entities(w.store))
    if q:
        items = filter_entities(w.store, items, q)
    return render(
        request,
        "entities.html",
        items=items[offset : offset + PAGE],
        total=len(items),
        q=q,
        next_url=_url("/entities", {"q": q, "offset": offset + PAGE}) if offset + PAGE < len(items) else None,
    )


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(
    request: Request, w: Web, entity_id: Ident, cursor: Annotated[str | None, Query(max_length=512)] = None
) -> HTMLResponse:
    with w.store.reading() as r:
        e = entity_detail(r, entity_id)
        if e is None:
            raise HTTPException(404, f"no entity with id {entity_id!r}")
        page = r.articles.page(ArticleFilter(entity=entity_id), "recent", cursor, PAGE, memo=w.cache.get)
    return render(
        request,
        "entity.html",
        e=e,
        page=page,
        variant_bars=bars(e["variants"][:15]),
        next_url=_url(f"/entities/{entity_id}", {"cursor": page["next"]}) if page["next"] else None,
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    w: Web,
    q: Annotated[str | None, Query(max_length=500)] = None,
    mode: Literal["hybrid", "text", "semantic"] = "hybrid",
    lang: Text = None,
    offset: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> HTMLResponse:
    hits = w.search.search(q, mode, lang, 20, offset) if q and q.strip() else []
    total, exact = w.search.total(q, mode, lang, hits, offset, 20) if q and q.strip() else (0, True)
    params = {"q": q, "mode": mode, "lang": lang}
    saved = []
    for s in w.store.searches.list():
        count, recent = w.store.watch.alerts(f"search:{s['id']}:", 5)
        saved.append(s | {"url": _url("/search", {"q": s["query"], "mode": s["mode"], "lang": s["lang"]}),
                          "new": count, "recent": recent})
    return render(
        request,
        "search.html",
        q=q or "",
        mode=mode,
        lang=lang or "",
        hits=hits,
        total=total,
        total_exact=exact,
        saved=saved,
        next_url=_url("/search", params | {"offset": offset + 20}) if len(hits) == 20 else None,
        export_csv=_url("/api/search", params | {"format": "csv", "limit": 200}) if q else None,
        export_jsonl=_url("/api/search", params | {"format": "jsonl", "limit": 200}) if q else None,
    )
