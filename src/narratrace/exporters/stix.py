"""STIX 2.1 bundles that OpenCTI and MISP import (``narratrace export --format stix2``).

What is written, per exported article set:

- the catalogue narratives the articles match, as ``narrative`` objects and the outlets as
  ``channel`` objects (OpenCTI's disinformation types), articles as ``media-content``
  observables (url, title, publication_date, content hash), all declared by one
  extension-definition (new-sdo / new-sco) so a strict STIX 2.1 validator accepts them;
- ``publishes`` (channel -> article), ``uses`` (article -> narrative, with the stance and score;
  article -> DISARM attack-pattern), and ``derived-from`` (copy -> source, with its tier:
  copy, rewording, translation) relationships;
- one ``report`` per story, referencing its articles, outlets and narratives.

Ids are deterministic (uuid5 of what identifies each object, OpenCTI's scheme for narratives and
channels: a name lower-cased), and every timestamp comes from the data (the latest publication
date), so the same store always gives the same bundle. DISARM techniques are mapped by T-number
(``network/data/disarm.yaml``, version recorded on each attack-pattern), because DISARM's own STIX
ids change between versions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ..yamlfile import load_yaml
from .base import Exporter

NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")  # STIX 2.1's namespace for deterministic ids
EXTENSION_ID = "extension-definition--" + str(uuid.uuid5(NAMESPACE, "narratrace-disinformation-types-v1"))
IDENTITY_ID = "identity--" + str(uuid.uuid5(NAMESPACE, "narratrace"))
_DISARM = Path(__file__).resolve().parents[1] / "network" / "data" / "disarm.yaml"
_T_NUMBER = re.compile(r"^T\d{4}(\.\d{3})?$")
_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


@cache
def disarm() -> dict[str, Any]:
    """The DISARM mapping: version, technique names by T-number, relay tiers to T-numbers."""
    data: dict[str, Any] = load_yaml(_DISARM.read_text(encoding="utf-8"))
    return data


def technique_t_numbers(row: Mapping[str, Any]) -> set[str]:
    """The DISARM T-numbers of a record's persuasion techniques (each technique lists its own)."""
    out: set[str] = set()
    for tech in row.get("techniques") or []:
        if not isinstance(tech, Mapping):
            continue
        ids = tech.get("disarm") or ()
        for t in [ids] if isinstance(ids, str) else ids:
            if isinstance(t, str) and _T_NUMBER.match(t):
                out.add(t)
    return out


def _sid(kind: str, *key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, json.dumps(list(key), ensure_ascii=False, separators=(',', ':')))}"


def _name_id(kind: str, name: str) -> str:
    """OpenCTI's id of a narrative or channel: uuid5 of ``{"name": <lower-cased name>}``."""
    data = json.dumps({"name": name.lower().strip()}, ensure_ascii=False, separators=(",", ":"))
    return f"{kind}--{uuid.uuid5(NAMESPACE, data)}"


def stix_time(published: str | None) -> str | None:
    """A STIX timestamp for an ISO date, partial dates at the start of their period ("2018-10" -> Oct 1)."""
    if not published or not _DAY.match(published):
        return None
    text = published.strip()
    try:
        if len(text) == 4:
            value = dt.datetime(int(text), 1, 1, tzinfo=dt.UTC)
        elif len(text) == 7:
            value = dt.datetime(int(text[:4]), int(text[5:7]), 1, tzinfo=dt.UTC)
        else:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _precision(published: str | None) -> str | None:
    if not published:
        return None
    return {4: "year", 7: "month"}.get(len(published.strip()), "day" if len(published.strip()) == 10 else "time")


class StixExporter(Exporter):
    """A STIX 2.1 bundle (JSON). Rows are kept without their bodies until ``finish`` writes the bundle."""

    name = "stix2"
    media_type = "application/stix+json;version=2.1"
    suffix = ".json"
    records_only = True

    def start(self) -> None:
        self._rows: list[dict[str, Any]] = []

    def write(self, row: Mapping[str, Any]) -> None:
        keep = ("id", "outlet", "lang", "title", "published", "story_id", "narratives", "techniques",
                "relations", "content_hash", "source", "duplicate_of")
        self._rows.append({k: row.get(k) for k in keep})

    def finish(self) -> None:
        # stix2 parses every object against its STIX 2.1 class (and our extension's custom types)
        # before anything is written: a bundle it could not build is never handed to a platform.
        # Imported here: listing the exporters (every list download's format check) loads this
        # class, and stix2 takes 150 ms to import.
        import stix2

        bundle = stix2.parse(build_bundle(self._rows), allow_custom=True)
        self.stream.write(bundle.serialize(pretty=True, ensure_ascii=False) + "\n")


def _base(kind: str, oid: str, when: str) -> dict[str, Any]:
    return {"type": kind, "spec_version": "2.1", "id": oid, "created": when, "modified": when,
            "created_by_ref": IDENTITY_ID}


def _props(obj: dict[str, Any], **props: Any) -> dict[str, Any]:
    """narratrace's own properties of a standard object, in its property-extension (no ``x_`` names)."""
    found = {k: v for k, v in props.items() if v is not None}
    if found:
        obj.setdefault("extensions", {})[EXTENSION_ID] = {"extension_type": "property-extension", **found}
    return obj


def _relationship(rel: str, source: str, target: str, when: str, ext: dict[str, Any] | None = None,
                  **extra: Any) -> dict[str, Any]:
    obj = _base("relationship", _sid("relationship", rel, source, target), when)
    obj.update({"relationship_type": rel, "source_ref": source, "target_ref": target}, **extra)
    return _props(obj, **(ext or {}))


def _url(row: Mapping[str, Any]) -> str:
    source = row.get("source") or {}
    return str(source.get("url") or f"urn:narratrace:article:{row['id']}")


def build_bundle(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The bundle of these export records (deterministic: sorted, ids and times from the data)."""
    rows = sorted(rows, key=lambda r: r["id"])
    times = [t for t in (stix_time(r.get("published")) for r in rows) if t]
    when = max(times) if times else "1970-01-01T00:00:00.000Z"
    objects: dict[str, dict[str, Any]] = {}

    def add(obj: dict[str, Any]) -> str:
        objects.setdefault(obj["id"], obj)
        return str(obj["id"])

    identity = {"type": "identity", "spec_version": "2.1", "id": IDENTITY_ID, "created": when, "modified": when,
                "name": "narratrace", "identity_class": "system",
                "description": "Narratives, relays and persuasion techniques found by narratrace."}
    add(identity)
    ext = _base("extension-definition", EXTENSION_ID, when)
    ext.update({"name": "narratrace disinformation types",
                "description": "narrative and channel objects and media-content observables with the "
                               "properties OpenCTI gives them (docs/interop.md).",
                "schema": "https://github.com/narratrace/narratrace/blob/main/docs/interop.md",
                "version": "1.0.0", "extension_types": ["new-sdo", "new-sco", "property-extension"]})
    add(ext)
    mapping = disarm()
    article_ref = {r["id"]: "media-content--" + str(uuid.uuid5(NAMESPACE, json.dumps({"url": _url(r)})))
                   for r in rows}
    stories: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        ref = article_ref[row["id"]]
        media: dict[str, Any] = {"type": "media-content", "spec_version": "2.1", "id": ref, "url": _url(row),
                                 "extensions": {EXTENSION_ID: {"extension_type": "new-sco"}},
                                 "article_id": row["id"]}
        for key, value in (("title", row.get("title")), ("publication_date", stix_time(row.get("published"))),
                           ("published", row.get("published")),
                           ("published_precision", _precision(row.get("published"))),
                           ("lang", row.get("lang")), ("sha256", row.get("content_hash"))):
            if value:
                media[key] = value
        media["media_category"] = "article"
        add(media)
        refs = [ref]
        if row.get("outlet"):
            channel = _base("channel", _name_id("channel", row["outlet"]), when)
            channel.update({"name": row["outlet"], "channel_types": ["website"],
                            "extensions": {EXTENSION_ID: {"extension_type": "new-sdo"}}})
            refs.append(add(channel))
            refs.append(add(_relationship("publishes", channel["id"], ref, when)))
        for match in row.get("narratives") or []:
            narrative = _base("narrative", _name_id("narrative", match.get("title") or match["id"]), when)
            narrative.update({"name": match.get("title") or match["id"], "narrative_types": ["disinformation"],
                              "catalogue_id": match["id"],
                              "extensions": {EXTENSION_ID: {"extension_type": "new-sdo"}}})
            refs.append(add(narrative))
            refs.append(add(_relationship(
                "uses", ref, narrative["id"], when, confidence=round(100 * float(match.get("score") or 0)),
                description=f"stance: {match.get('stance') or 'unknown'}",
                ext={"stance": match.get("stance"), "score": match.get("score")})))
        t_numbers = technique_t_numbers(row)
        relation = (row.get("relations") or [None])[-1]
        if relation and relation.get("article_id") in article_ref:
            tier = {"republished_from": "copy", "translated_from": "translation"}.get(relation.get("kind"))
            if tier:
                refs.append(add(_relationship("derived-from", ref, article_ref[relation["article_id"]], when,
                                              ext={"tier": tier, "score": relation.get("score")})))
                t_numbers.add(mapping["tiers"][tier])
        for t_number in sorted(t_numbers):
            pattern = _base("attack-pattern", _sid("attack-pattern", "DISARM", t_number), when)
            pattern.update({"name": mapping["techniques"].get(t_number) or f"DISARM {t_number}",
                            "external_references": [{"source_name": "DISARM", "external_id": t_number}]})
            refs.append(add(_props(pattern, disarm_version=mapping["version"])))
            refs.append(add(_relationship("uses", ref, pattern["id"], when)))
        if row.get("story_id"):
            stories.setdefault(row["story_id"], []).append({"row": row, "refs": refs})
    for story_id, members in sorted(stories.items()):
        first = min(members, key=lambda m: (m["row"].get("published") or "~", m["row"]["id"]))["row"]
        report = _base("report", _sid("report", story_id), when)
        dated = [t for t in (stix_time(m["row"].get("published")) for m in members) if t]
        report.update({"name": first.get("title") or f"Story {story_id}", "report_types": ["threat-report"],
                       "published": min(dated, default=when),
                       "object_refs": sorted({r for m in members for r in m["refs"]})})
        add(_props(report, story_id=story_id))
    ordered = [objects[k] for k in sorted(objects, key=lambda k: (k.split("--")[0] != "identity", k))]
    return {"type": "bundle", "id": _sid("bundle", *sorted(objects)), "objects": ordered}
