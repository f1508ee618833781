"""Geometry of the relay network drawn on the dashboard: sources on the left, relays to the right.

A relay chain (state outlet -> proxies -> translators) reads best in layers: each outlet sits one
column right of the deepest outlet it takes items from (cycles broken, own items ignored), rows
ordered by the column before so edges cross little. Plain data for the template, no JS.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..network.graph import OutletNetwork

TIER_CLASS = {"copy": "tier-copy", "rewording": "tier-rewording", "translation": "tier-translation"}
MAX_NODES = 80


def _layers(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    incoming: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        if a != b:
            incoming[b].add(a)
    depth: dict[str, int] = {}

    def visit(node: str, stack: frozenset[str]) -> int:
        if node in depth:
            return depth[node]
        parents = [p for p in incoming[node] if p not in stack]
        value = 0 if not parents else 1 + max(visit(p, stack | {node}) for p in parents)
        depth[node] = value
        return value

    for node in nodes:
        visit(node, frozenset())
    return depth


def network_graph(network: OutletNetwork, width: int = 900, row_h: int = 46) -> dict[str, Any]:
    """Nodes with x/y, edges with their tier class and a hover text, the groups' legend."""
    ranked = sorted(network.nodes, key=lambda n: (-(n.relayed + n.relayed_from_it), n.outlet))[:MAX_NODES]
    names = [n.outlet for n in ranked]
    shown = set(names)
    pairs = [(e.source, e.target) for e in network.edges if e.source in shown and e.target in shown]
    depth = _layers(names, pairs)
    columns: dict[int, list[str]] = defaultdict(list)
    for name in sorted(names, key=lambda n: (depth[n], n)):
        columns[depth[name]].append(name)
    n_cols = max(columns) + 1 if columns else 1
    left, right = 150, 150
    step = (width - left - right) / max(1, n_cols - 1)
    pos: dict[str, tuple[float, float]] = {}
    for col in sorted(columns):
        parents = {name: [pos[a][1] for a, b in pairs if b == name and a in pos] for name in columns[col]}
        order = sorted(columns[col], key=lambda n: (sum(parents[n]) / len(parents[n]) if parents[n] else 0, n))
        for row, name in enumerate(order):
            pos[name] = (left + col * step if n_cols > 1 else width / 2, 36 + row * row_h)
    group_of = {n.outlet: n.group for n in ranked}
    last = max(columns) if columns else 0

    def label(name: str) -> dict[str, Any]:
        """Sources labelled on their left, the last relays on their right, the middle above: edges
        leave a node to the right, so no label sits on an edge."""
        x, y = pos[name]
        if depth[name] == 0 and n_cols > 1:
            return {"lx": x - 12, "ly": y + 4, "anchor": "end"}
        if depth[name] == last:
            return {"lx": x + 12, "ly": y + 4, "anchor": "start"}
        return {"lx": x, "ly": y - 13, "anchor": "middle"}

    nodes = [{"name": n.outlet, "x": pos[n.outlet][0], "y": pos[n.outlet][1], "group": n.group, **label(n.outlet),
              "title": f"{n.outlet}: relays {n.relayed} item(s), relayed {n.relayed_from_it} time(s); "
                       f"languages {', '.join(n.languages) or '?'}"
                       + (f"; coordinated group {n.group}" if n.group else "")} for n in ranked]
    edges = []
    for e in network.edges:
        if e.source not in pos or e.target not in pos or e.source == e.target:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        lag = "?" if e.median_lag_hours is None else f"{e.median_lag_hours:g} h"
        edges.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "cls": TIER_CLASS[e.main_tier],
                      "w": min(6, 1 + e.items), "title": f"{e.source} -> {e.target}: {e.items} item(s) "
                      f"({', '.join(f'{k} {v}' for k, v in sorted(e.tiers.items()))}), median lag {lag}, "
                      f"{', '.join(e.languages)}"})
    height = 60 + max((len(c) for c in columns.values()), default=1) * row_h
    return {"width": width, "height": height, "nodes": nodes, "edges": edges,
            "groups": sorted({g for g in group_of.values() if g}), "truncated": len(network.nodes) > MAX_NODES}
