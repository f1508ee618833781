"""A MISP event (JSON) of the exported articles (``narratrace export --format misp``).

One ``news-media`` object per article (title, url, source outlet, language in a comment), one
``narrative`` object per catalogue narrative matched (its title as the summary), object
references article -> narrative (``uses``, with the stance) and copy -> source (``derived-from``,
with the relay tier), and DISARM galaxy tags by T-number (``network/data/disarm.yaml``). The
object templates are MISP's own (uuid and version as MISP's objects repository defines them).
uuids are uuid5 of what identifies each thing and times come from the data, so the same store
gives the same event.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from .base import Exporter
from .stix import NAMESPACE, disarm, stix_time, technique_t_numbers

NEWS_MEDIA = ("news-media", "691463c5-5302-4847-9bec-4c56ccfec677", "3")
NARRATIVE = ("narrative", "83bea299-514a-4719-a84b-f6fd0997fac1", "4")


def _uuid(*key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "misp:" + json.dumps(list(key), ensure_ascii=False)))


def _attribute(owner: str, relation: str, kind: str, value: str, stamp: str, comment: str = "") -> dict[str, Any]:
    return {"uuid": _uuid(owner, relation, value), "object_relation": relation, "type": kind,
            "category": "External analysis" if kind in ("url", "link") else "Other",
            "value": value, "to_ids": False, "distribution": "5", "timestamp": stamp, "comment": comment}


def _object(template: tuple[str, str, str], key: str, stamp: str, attributes: list[tuple[str, str, str]],
            comment: str = "") -> dict[str, Any]:
    name, template_uuid, version = template
    oid = _uuid(name, key)
    return {"name": name, "meta-category": "misc", "template_uuid": template_uuid, "template_version": version,
            "uuid": oid, "timestamp": stamp, "distribution": "5", "comment": comment,
            "Attribute": [_attribute(oid, rel, kind, value, stamp) for rel, kind, value in attributes if value],
            "ObjectReference": []}


class MispExporter(Exporter):
    name = "misp"
    media_type = "application/json"
    suffix = ".misp.json"
    records_only = True

    def start(self) -> None:
        self._rows: list[dict[str, Any]] = []

    def write(self, row: Mapping[str, Any]) -> None:
        keep = ("id", "outlet", "lang", "title", "published", "narratives", "techniques", "relations", "source")
        self._rows.append({k: row.get(k) for k in keep})

    def finish(self) -> None:
        self.stream.write(json.dumps(build_event(self._rows), ensure_ascii=False, indent=1) + "\n")


def build_event(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rows = sorted(rows, key=lambda r: r["id"])
    times = [t for t in (stix_time(r.get("published")) for r in rows) if t]
    latest = max(times) if times else "1970-01-01T00:00:00.000Z"
    moment = dt.datetime.strptime(latest, "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=dt.UTC)
    stamp = str(int(moment.timestamp()))
    mapping = disarm()
    articles: dict[str, dict[str, Any]] = {}
    narratives: dict[str, dict[str, Any]] = {}
    tags: set[str] = set()
    for row in rows:
        url = (row.get("source") or {}).get("url")
        articles[row["id"]] = _object(NEWS_MEDIA, row["id"], stamp, [
            ("title", "text", row.get("title") or ""), ("url", "url", url or ""),
            ("source", "text", row.get("outlet") or ""), ("type", "text", "article"),
        ], comment=f"narratrace article {row['id']}; lang {row.get('lang') or '?'}; "
                   f"published {row.get('published') or '?'}")
        for match in row.get("narratives") or []:
            narrative = narratives.setdefault(match["id"], _object(NARRATIVE, match["id"], stamp, [
                ("narrative-summary", "text", match.get("title") or match["id"])], comment=f"narratrace {match['id']}"))
            articles[row["id"]]["ObjectReference"].append({
                "uuid": _uuid("ref", row["id"], match["id"]), "referenced_uuid": narrative["uuid"],
                "relationship_type": "uses", "timestamp": stamp,
                "comment": f"stance {match.get('stance') or '?'}, score {match.get('score')}"})
        for t_number in technique_t_numbers(row):
            name = mapping["techniques"].get(t_number)
            tag = f'misp-galaxy:disarm-techniques="{t_number} - {name}"' if name else f'disarm:technique="{t_number}"'
            tags.add(tag)
    for row in rows:
        relation = (row.get("relations") or [None])[-1]
        if not relation or relation.get("article_id") not in articles:
            continue
        tier = {"republished_from": "copy", "translated_from": "translation"}.get(relation.get("kind"))
        if tier is None:
            continue
        articles[row["id"]]["ObjectReference"].append({
            "uuid": _uuid("ref", row["id"], relation["article_id"]),
            "referenced_uuid": articles[relation["article_id"]]["uuid"], "relationship_type": "derived-from",
            "timestamp": stamp, "comment": f"{tier}, score {relation.get('score')}"})
        t_number = mapping["tiers"][tier]
        tags.add(f'misp-galaxy:disarm-techniques="{t_number} - {mapping["techniques"][t_number]}"')
    event_uuid = _uuid("event", *sorted(articles))
    return {"Event": {
        "uuid": event_uuid, "info": f"narratrace: {len(rows)} article(s), {len(narratives)} narrative(s)",
        "date": latest[:10], "timestamp": stamp, "publish_timestamp": "0", "published": False,
        "threat_level_id": "4", "analysis": "2", "distribution": "0",
        "Tag": [{"name": t} for t in sorted(tags)],
        "Object": [*(articles[k] for k in sorted(articles)), *(narratives[k] for k in sorted(narratives))],
        "Attribute": [],
    }}
