"""The one read model of the outlet network, shared by the CLI, the API, the dashboard and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .graph import CoordinationParams, OutletNetwork, build_network

if TYPE_CHECKING:
    from ..store import Store


def outlet_network(store: Store, since: str | None = None, until: str | None = None,
                   narrative: str | None = None, lang: str | None = None, outlet: str | None = None,
                   params: CoordinationParams | None = None) -> OutletNetwork:
    """The relay network of the stored articles, filtered by period, narrative, language or outlet."""
    edges = store.relays.iter(since=since, until=until, narrative=narrative, lang=lang, outlet=outlet)
    return build_network(edges, params)


def format_lag(hours: float | None) -> str:
    if hours is None:
        return "?"
    if abs(hours) < 24 and hours != 0:
        return f"{hours:g} h"
    return f"{hours / 24:g} d"
