"""Outlet networks: who relays whom (copies, rewordings, translations), how fast, and who acts together.

Article-level relay edges are derived once per new article by the ``network.v1`` corpus stage
(``edges.py``, ``stage.py``) and stored; the outlet graph, the quick-share window and the
coordinated groups are computed from the stored edges when asked (``graph.py``, networkx), so
they always reflect the whole store and cost nothing at ingest.
"""

from .edges import TIERS, RelayEdge, edges_of, lag_hours

__all__ = ["TIERS", "RelayEdge", "edges_of", "lag_hours"]
