"""The outlet network written for the tools analysts open it in: Gephi (GEXF), yEd/Cytoscape
(GraphML), scripts and the dashboard (JSON node-link).

Outlet names are written by the people being studied: characters XML cannot hold (C0 controls,
lone surrogates, U+FFFE/U+FFFF) are replaced before networkx writes the file, so a hostile name
cannot make the GEXF or GraphML unreadable.
"""

from __future__ import annotations

import json
import re
from typing import IO, TYPE_CHECKING, Any

from .graph import OutletNetwork

if TYPE_CHECKING:  # networkx costs 0.4 s to import: only what draws or exports a graph loads it
    import networkx as nx

FORMATS = ("gexf", "graphml", "json")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: Any) -> Any:
    return _XML_BAD.sub("\ufffd", value) if isinstance(value, str) else value


def _safe_graph(network: OutletNetwork) -> nx.DiGraph:
    import networkx as nx

    graph = network.to_graph()
    safe = nx.DiGraph(**{k: xml_safe(v) for k, v in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        safe.add_node(xml_safe(node), **{k: xml_safe(v) for k, v in data.items()})
    for a, b, data in graph.edges(data=True):
        safe.add_edge(xml_safe(a), xml_safe(b), **{k: xml_safe(v) for k, v in data.items()})
    return safe


def network_json(network: OutletNetwork) -> dict[str, Any]:
    """Node-link JSON: nodes, edges (with tiers and median lags), groups and the window."""
    return {
        "window_hours": network.window_hours,
        "nodes": [{"id": n.outlet, "relayed": n.relayed, "relayed_from_it": n.relayed_from_it,
                   "languages": list(n.languages), "group": n.group} for n in network.nodes],
        "edges": [{"source": e.source, "target": e.target, "items": e.items, "tiers": e.tiers,
                   "tier": e.main_tier, "median_lag_hours": e.median_lag_hours,
                   "languages": list(e.languages)} for e in network.edges],
        "groups": [{"id": g.id, "outlets": list(g.outlets), "copublished": g.copublished,
                    "density": g.density} for g in network.groups],
    }


def write_network(network: OutletNetwork, fmt: str, stream: IO[bytes]) -> None:
    """Write ``network`` as ``fmt`` (one of ``FORMATS``) to a binary stream."""
    import networkx as nx

    if fmt == "json":
        stream.write(json.dumps(network_json(network), ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    elif fmt == "gexf":
        nx.write_gexf(_safe_graph(network), stream, encoding="utf-8", version="1.2draft")
    elif fmt == "graphml":
        nx.write_graphml(_safe_graph(network), stream, encoding="utf-8")
    else:
        raise ValueError(f"unknown network format {fmt!r}; known: {', '.join(FORMATS)}")
