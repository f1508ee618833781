"""Outlets and the relay network: API list endpoints and dashboard pages.

Outlets are named, not numbered: ``/outlets/Le Veilleur d'Orient`` finds the outlet stored as
``Le Veilleur d’Orient`` (any apostrophe, any case). The network page draws the relay graph with
the coordinated groups marked and filters by narrative, language and period; its GEXF, GraphML
and JSON downloads are exactly what is on screen.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from ..exporters import exporter_names, get_exporter, stream_rows
from ..network.formats import network_json, write_network
from ..network.graph import OutletNetwork
from ..network.views import format_lag, outlet_network
from ..store import ArticleFilter
from .api import PROBLEMS, Date, Ident, Text, Web
from .charts import bars, stacked
from .netgraph import network_graph
from .pages import render

api = APIRouter(prefix="/api", responses=PROBLEMS)
pages = APIRouter(include_in_schema=False)
NetFormat = Annotated[Literal["json", "gexf", "graphml"], Query(description="json, or a file for Gephi / yEd")]
MEDIA = {"gexf": "application/gexf+xml", "graphml": "application/graphml+xml"}


def _resolve(w: Any, name: str) -> str:
    found = w.store.outlets.resolve(name)
    if found is None:
        raise HTTPException(404, f"no outlet named {name!r}; list them at /api/outlets")
    return str(found)


def _network(w: Any, narrative: str | None, lang: str | None, date_from: str | None, date_to: str | None,
             outlet: str | None = None) -> OutletNetwork:
    key = f"network:{narrative}:{lang}:{date_from}:{date_to}:{outlet}"
    return w.cache.get(key, lambda: outlet_network(  # type: ignore[no-any-return]
        w.store, since=date_from, until=date_to, narrative=narrative, lang=lang.lower() if lang else None,
        outlet=outlet))


def _relays(network: OutletNetwork, outlet: str) -> dict[str, list[dict[str, Any]]]:
    def row(e: Any, other: str) -> dict[str, Any]:
        return {"outlet": other, "items": e.items, "tiers": e.tiers, "median_lag_hours": e.median_lag_hours,
                "lag": format_lag(e.median_lag_hours), "languages": list(e.languages)}

    copies = [row(e, e.source) for e in network.edges if e.target == outlet and e.source != outlet]
    copied_by = [row(e, e.target) for e in network.edges if e.source == outlet and e.target != outlet]
    key = lambda r: (-r["items"], r["outlet"])  # noqa: E731
    return {"copies_from": sorted(copies, key=key), "copied_by": sorted(copied_by, key=key)}


@api.get("/outlets")
def api_outlets(w: Web, limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
    """Outlets with their article counts and first/last publication dates, largest first."""
    items = w.cache.get(f"outlets:{limit}", lambda: w.store.outlets.list(limit))
    return {"items": items, "total": len(items)}


@api.get("/outlets/{name}")
def api_outlet(name: Ident, w: Web) -> dict[str, Any]:
    """One outlet: articles over time, languages, narratives with stance, techniques, and whom it
    copies and who copies it (items per tier, median lags)."""
    outlet = _resolve(w, name)
    summary = w.store.outlets.summary(outlet) or {}
    network = _network(w, None, None, None, None, outlet)
    member = network.node(outlet)
    return {**summary, **_relays(network, outlet), "group": member.group if member else None}


@api.get("/network", responses={200: {"content": {"application/gexf+xml": {}, "application/graphml+xml": {}}}})
def api_network(w: Web, narrative: Text = None, lang: Text = None, date_from: Date = None, date_to: Date = None,
                format: NetFormat = "json") -> Any:
    """The outlet relay network (edges with tiers and median lags, coordinated groups, the quick-share
    window), filtered by narrative, language and period."""
    network = _network(w, narrative, lang, date_from, date_to)
    if format == "json":
        return network_json(network)
    buf = io.BytesIO()
    write_network(network, format, buf)
    return Response(buf.getvalue(), media_type=MEDIA[format],
                    headers={"content-disposition": f'attachment; filename="network.{format}"'})


if TYPE_CHECKING:
    RecordFormat = Annotated[str, Query()]
else:
    RecordFormat = Annotated[Literal[tuple(exporter_names())], Query(
        description="any registered exporter: stix2 (OpenCTI), misp, gexf (Gephi), jsonl, csv")]


@api.get("/export", responses={200: {"content": {"application/stix+json;version=2.1": {}, "application/json": {},
                                                  "application/gexf+xml": {}, "text/csv": {},
                                                  "application/x-ndjson": {}}}})
def api_export(w: Web, format: RecordFormat = "stix2", story: Text = None, narrative: Text = None,
               outlet: Text = None, lang: Text = None, date_from: Date = None, date_to: Date = None) -> Any:
    """The matching articles' whole records in any export format, as `narratrace export --format`
    writes them: a STIX 2.1 bundle, a MISP event, the relay network as GEXF, JSONL, CSV."""
    filt = w.store.resolve_filter(ArticleFilter(lang, outlet, date_from, date_to, story, narrative))

    def rows() -> Iterator[dict[str, Any]]:
        with w.store.reading() as r:
            for ids in r.articles.iter_ids(filt, "published", batch=200):
                yield from r.articles.records(ids)

    exporter = get_exporter(format)
    return StreamingResponse(stream_rows(format, rows()), media_type=exporter.media_type, headers={
        "content-disposition": f'attachment; filename="narratrace{exporter.suffix or "." + format}"'})


@pages.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request, w: Web) -> HTMLResponse:
    items = w.cache.get("outlets:500", lambda: w.store.outlets.list(500))
    return render(request, "outlets.html", items=items)


@pages.get("/outlets/{name}", response_class=HTMLResponse)
def outlet_page(request: Request, name: Ident, w: Web) -> HTMLResponse:
    data = api_outlet(name, w)
    return render(request, "outlet.html", o=data,
                   timeline=stacked(data["timeline"], "month", "lang"), lang_bars=bars(data["languages"]),
                   technique_bars=bars(data["techniques"][:12]))


@pages.get("/network", response_class=HTMLResponse)
def network_page(request: Request, w: Web, narrative: Text = None, lang: Text = None, date_from: Date = None,
                 date_to: Date = None) -> HTMLResponse:
    network = _network(w, narrative, lang, date_from, date_to)
    params = {k: v for k, v in {"narrative": narrative, "lang": lang, "date_from": date_from,
                                "date_to": date_to}.items() if v}
    query = urlencode(params)
    return render(request, "network.html", net=network, graph=network_graph(network), params=params,
                   window=format_lag(network.window_hours) if network.window_hours is not None else None,
                   export={f: f"/api/network?{urlencode(params | {'format': f})}" for f in ("gexf", "graphml", "json")},
                   query=query, format_lag=format_lag)
