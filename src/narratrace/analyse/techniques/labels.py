"""Label tables: SemEval-2023 names, the PTC -> SemEval-2023 mapping and DISARM ids (data files)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ...yamlfile import load_yaml


@dataclass(frozen=True)
class Labels:
    semeval2023: tuple[str, ...]
    from_ptc: dict[str, tuple[str, tuple[tuple[str, str], ...]]]  # ptc -> (default, ((category, technique), ...))
    relabel_below: float
    relabel: tuple[tuple[str, str], ...]
    cue_score: float
    cue_min_tokens: int
    cues: tuple[tuple[str, str], ...]
    disarm: dict[str, tuple[str, ...]]
    disarm_version: str
    descriptions: dict[str, str]

    def to_semeval2023(self, ptc: str, categories: set[str]) -> str:
        default, rules = self.from_ptc[ptc]
        for cat, tech in rules:
            if cat in categories:
                return tech
        return default


def _read(name: str) -> dict[str, Any]:
    path = resources.files("narratrace.analyse.techniques") / "data" / name
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    return data


def _pairs(rules: list[dict[str, str]] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(r["category"]), str(r["technique"])) for r in rules or ())


@functools.cache
def load() -> Labels:
    lab = _read("labels.yaml")
    dis = _read("disarm.yaml")
    names = tuple(str(x) for x in lab["semeval2023"])
    from_ptc = {str(k): (str(v["default"]), _pairs(v.get("rules"))) for k, v in lab["from_ptc"].items()}
    relabel = lab.get("relabel") or {}
    cues = lab.get("cue_phrases") or {}
    disarm = {str(k): tuple(str(t) for t in v) for k, v in dis["techniques"].items()}
    used = {d for d, _ in from_ptc.values()} | {t for _, rules in from_ptc.values() for _, t in rules}
    used |= {t for _, t in _pairs(relabel.get("rules"))} | {t for _, t in _pairs(cues.get("rules"))}
    unknown = (used | set(disarm)) - set(names)
    if unknown:
        raise ValueError(f"techniques data names labels outside SemEval-2023: {sorted(unknown)}")
    return Labels(
        names,
        from_ptc,
        float(relabel.get("below", 0.0)),
        _pairs(relabel.get("rules")),
        float(cues.get("score", 0.3)),
        int(cues.get("min_tokens", 2)),
        _pairs(cues.get("rules")),
        disarm,
        str(dis["version"]),
        {str(k): str(v) for k, v in (lab.get("descriptions") or {}).items()},
    )
