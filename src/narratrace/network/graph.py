"""The outlet network and its coordinated groups, from stored relay edges.

Nodes are outlets; an edge A -> B counts the items B copied, reworded or translated from A,
with the median lag. Coordination follows CooRnet's approach: the quick-share window is not a
constant but estimated from the data (the ``window_quantile`` of the fastest ``fastest_share``
of contents' second publications), outlets that publish the same content within the window
are linked, weighted by how many contents they co-published, only links at or above the
``edge_percentile`` of those weights are kept, and the groups are the communities of what is
left (Louvain modularity, seeded, so the same store gives the same groups).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from .edges import TIERS, RelayEdge, moment

if TYPE_CHECKING:  # networkx costs 0.4 s to import: only what draws or exports a graph loads it
    import networkx as nx

UNKNOWN_OUTLET = "(unknown outlet)"


@dataclass(frozen=True)
class CoordinationParams:
    fastest_share: float = 0.1  # the share of contents, quickest first, the window is estimated on
    window_quantile: float = 0.5  # the quantile of their second-publication lags
    min_window_hours: float = 1.0  # dates known to the day give lags of 0: a same-day window at least
    max_window_hours: float = 72.0
    edge_percentile: float = 0.9  # keep co-publication links at or above this percentile of weights
    min_copublished: int = 2  # CooRnet counts repetition: one shared item on one day is not yet acting together


@dataclass(frozen=True)
class OutletEdge:
    source: str
    target: str
    tiers: dict[str, int]  # tier -> items
    items: int
    median_lag_hours: float | None
    languages: tuple[str, ...]  # "en>fr" pairs seen on this edge

    @property
    def main_tier(self) -> str:
        return max(TIERS, key=lambda t: (self.tiers.get(t, 0), -TIERS.index(t)))


@dataclass(frozen=True)
class OutletNode:
    outlet: str
    relayed: int  # items it took from others
    relayed_from_it: int  # items others took from it
    languages: tuple[str, ...]
    group: int | None = None


@dataclass(frozen=True)
class CoordinatedGroup:
    id: int
    outlets: tuple[str, ...]
    copublished: int  # contents published within the window by at least two of its outlets
    density: float


@dataclass
class OutletNetwork:
    nodes: list[OutletNode]
    edges: list[OutletEdge]
    groups: list[CoordinatedGroup]
    window_hours: float | None
    params: CoordinationParams = field(default_factory=CoordinationParams)

    def node(self, outlet: str) -> OutletNode | None:
        return next((n for n in self.nodes if n.outlet == outlet), None)

    def to_graph(self) -> nx.DiGraph:
        """A networkx graph (the GEXF, GraphML and JSON exports are written from it)."""
        import networkx as nx

        graph = nx.DiGraph(window_hours=self.window_hours if self.window_hours is not None else -1.0)
        for n in self.nodes:
            graph.add_node(n.outlet, label=n.outlet, relayed=n.relayed, relayed_from_it=n.relayed_from_it,
                           languages=",".join(n.languages), group=-1 if n.group is None else n.group)
        for e in self.edges:
            graph.add_edge(e.source, e.target, weight=e.items, tier=e.main_tier,
                           copy=e.tiers.get("copy", 0), rewording=e.tiers.get("rewording", 0),
                           translation=e.tiers.get("translation", 0),
                           median_lag_hours=-1.0 if e.median_lag_hours is None else e.median_lag_hours,
                           languages=",".join(e.languages))
        return graph


def _outlet(name: str | None) -> str:
    return name or UNKNOWN_OUTLET


def quick_share_window(edges: Iterable[RelayEdge], params: CoordinationParams) -> float | None:
    """The quick-share window in hours, estimated from the lags of contents' second publications."""
    first_relay: dict[str, float] = {}
    for e in edges:
        if e.lag_hours is None or e.lag_hours < 0 or _outlet(e.source_outlet) == _outlet(e.target_outlet):
            continue
        first_relay[e.root_id] = min(first_relay.get(e.root_id, e.lag_hours), e.lag_hours)
    if not first_relay:
        return None
    lags = sorted(first_relay.values())
    fastest = lags[: max(1, round(len(lags) * params.fastest_share))]
    window = float(np.quantile(fastest, params.window_quantile))
    return round(min(max(window, params.min_window_hours), params.max_window_hours), 2)


def _shares(edges: Iterable[RelayEdge]) -> dict[str, dict[str, float]]:
    """Content root -> outlet -> its first publication of that content (hours since 1970)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for e in edges:
        for outlet, published in ((e.source_outlet, e.source_published), (e.target_outlet, e.target_published)):
            when = moment(published)
            if outlet is None or when is None:
                continue
            hours = when.timestamp() / 3600.0
            seen = out[e.root_id]
            seen[outlet] = min(seen.get(outlet, hours), hours)
    return out


def coordinated_groups(edges: list[RelayEdge], window: float | None,
                       params: CoordinationParams) -> list[CoordinatedGroup]:
    """Outlets that repeatedly publish the same content within the quick-share window."""
    if window is None:
        return []
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for outlets in _shares(edges).values():
        for (a, ta), (b, tb) in combinations(sorted(outlets.items()), 2):
            if abs(ta - tb) <= window:
                weights[(a, b)] += 1
    if not weights:
        return []
    cut = max(params.min_copublished, float(np.percentile(list(weights.values()), params.edge_percentile * 100)))
    import networkx as nx

    graph = nx.Graph()
    for (a, b), w in weights.items():
        if w >= cut:
            graph.add_edge(a, b, weight=w)
    groups: list[CoordinatedGroup] = []
    communities = nx.community.louvain_communities(graph, weight="weight", seed=7) if graph.number_of_edges() else []
    for members in sorted((sorted(c) for c in communities if len(c) >= 2), key=lambda m: (-len(m), m)):
        sub = graph.subgraph(members)
        groups.append(CoordinatedGroup(
            id=len(groups) + 1, outlets=tuple(members),
            copublished=int(sum(w for _, _, w in sub.edges(data="weight"))),
            density=round(nx.density(sub), 3)))
    return groups


def build_network(edges: Iterable[RelayEdge], params: CoordinationParams | None = None) -> OutletNetwork:
    """Aggregate article-level relay edges into the outlet network with its coordinated groups."""
    params = params or CoordinationParams()
    edges = list(edges)
    per_pair: dict[tuple[str, str], list[RelayEdge]] = defaultdict(list)
    for e in edges:
        per_pair[(_outlet(e.source_outlet), _outlet(e.target_outlet))].append(e)
    outlet_edges = []
    relayed: dict[str, int] = defaultdict(int)
    relayed_from: dict[str, int] = defaultdict(int)
    langs: dict[str, set[str]] = defaultdict(set)
    for (src, dst), items in sorted(per_pair.items()):
        tiers: dict[str, int] = defaultdict(int)
        for e in items:
            tiers[e.tier] += 1
            if e.source_lang:
                langs[src].add(e.source_lang)
            if e.target_lang:
                langs[dst].add(e.target_lang)
        lags = [e.lag_hours for e in items if e.lag_hours is not None]
        pairs = sorted({f"{e.source_lang or '?'}>{e.target_lang or '?'}" for e in items})
        outlet_edges.append(OutletEdge(src, dst, dict(tiers), len(items),
                                       round(statistics.median(lags), 2) if lags else None, tuple(pairs)))
        if src != dst:
            relayed[dst] += len(items)
            relayed_from[src] += len(items)
    window = quick_share_window(edges, params)
    groups = coordinated_groups(edges, window, params)
    member = {o: g.id for g in groups for o in g.outlets}
    names = sorted({o for pair in per_pair for o in pair})
    nodes = [OutletNode(o, relayed[o], relayed_from[o], tuple(sorted(langs[o])), member.get(o)) for o in names]
    return OutletNetwork(nodes, outlet_edges, groups, window, params)
