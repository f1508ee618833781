"""EUvsDisinfo keywords -> catalogue narratives (data/euvsdisinfo_keywords.yaml).

Why a mapping and not the keywords themselves: EUvsDisinfo tags cases with topics ("NATO",
"Crimea"), several of which together name one narrative ("Nazi/Fascist" with "Euromaidan"
is the Nazi-regime narrative, with "WWII" it is history). The mapping turns a case's topic
tags into catalogue narratives, for evaluation on the real database and for importing it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from ..yamlfile import load_yaml

_MAP = Path(__file__).with_name("data") / "euvsdisinfo_keywords.yaml"


@cache
def keyword_map(path: Path = _MAP) -> dict[str, tuple[frozenset[str], tuple[frozenset[str], ...]]]:
    """Narrative id -> (keywords any of which suffices, groups all of whose keywords are needed)."""
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    out = {}
    for nid, rule in data.items():
        rule = rule or {}
        any_of = frozenset(str(k).strip().lower() for k in rule.get("any", []) or [])
        groups = tuple(frozenset(str(k).strip().lower() for k in g) for g in rule.get("all", []) or [])
        out[str(nid)] = (any_of, groups)
    return out


def narratives_for(keywords: Iterable[str], path: Path = _MAP) -> list[str]:
    """The catalogue narratives a case tagged with ``keywords`` carries, sorted."""
    tags = {k.strip().lower() for k in keywords if k and k.strip()}
    found = []
    for nid, (any_of, groups) in keyword_map(path).items():
        if tags & any_of or any(g <= tags for g in groups):
            found.append(nid)
    return sorted(found)
