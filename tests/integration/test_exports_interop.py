"""STIX 2.1, MISP and GEXF exports of the example corpus: valid, deterministic, with the relays."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from stix2validator import ValidationOptions, validate_string

from narratrace.cli import cli
from narratrace.config import Settings
from narratrace.exporters import export_articles
from narratrace.pipeline import analyze
from narratrace.store import open_store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("interop") / "examples.db")
    settings = Settings(analysers=("language.v1", "metadata.v1", "narratives.v1"), corpus=("stories.v1",))
    analyze([str(EXAMPLES)], db, settings, jobs=1)
    return db


def _export(db: str, fmt: str) -> str:
    buf = io.StringIO()
    export_articles(open_store(db).articles.iter(), buf, fmt)
    return buf.getvalue()


@pytest.mark.slow
def test_stix_bundle_validates_and_carries_narratives_relays_and_disarm(example_db: str) -> None:
    text = _export(example_db, "stix2")
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid and not result.errors
    bundle = json.loads(text)
    objects = {o["id"]: o for o in bundle["objects"]}
    by_type: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for o in bundle["objects"]:
        by_type.setdefault(o["type"], []).append(o)
    assert len(by_type["media-content"]) == 20
    names = {o["name"] for o in by_type["channel"]}
    assert {"TASS", "GeoFront", "Le Veilleur d’Orient"} <= names
    assert any(o["name"] for o in by_type["narrative"])
    derived = [o for o in by_type["relationship"] if o["relationship_type"] == "derived-from"]
    tiers = {o["extensions"][next(iter(o["extensions"]))]["tier"] for o in derived}
    assert tiers == {"copy", "translation"}
    patterns = {o["external_references"][0]["external_id"] for o in by_type["attack-pattern"]}
    assert patterns == {"T0084.002", "T0084.003"}  # copied and translated content, by T-number
    assert all(objects[o["target_ref"]]["type"] == "narrative" for o in by_type["relationship"]
               if o["relationship_type"] == "uses" and o["target_ref"].startswith("narrative--"))
    assert len(by_type["report"]) >= 4  # one per story
    assert _export(example_db, "stix2") == text  # the same store gives the same bundle


@pytest.mark.slow
def test_misp_event_objects_and_references(example_db: str) -> None:
    event = json.loads(_export(example_db, "misp"))["Event"]
    kinds = [o["name"] for o in event["Object"]]
    assert kinds.count("news-media") == 20 and "narrative" in kinds
    refs = [r for o in event["Object"] for r in o["ObjectReference"]]
    assert {r["relationship_type"] for r in refs} == {"uses", "derived-from"}
    uuids = {o["uuid"] for o in event["Object"]}
    assert all(r["referenced_uuid"] in uuids for r in refs)
    assert any("T0084.003" in t["name"] for t in event["Tag"])
    assert _export(example_db, "misp") == _export(example_db, "misp")


@pytest.mark.slow
def test_gexf_export_parses_with_networkx_and_cli_writes_it(example_db: str, tmp_path: Path) -> None:
    graph = nx.read_gexf(io.BytesIO(_export(example_db, "gexf").encode("utf-8")))
    assert graph.has_edge("TASS", "GeoFront") and graph.edges["TASS", "Le Veilleur d’Orient"]["tier"] == "translation"
    out = tmp_path / "bundle.json"
    result = CliRunner().invoke(cli, ["export", "--db", example_db, "--format", "stix2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "bundle"
