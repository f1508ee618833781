"""Big-corpus conveniences of ``analyze``: JSONL on standard input, --limit, --since/--until, progress."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from narratrace.cli import cli
from narratrace.cli.analyze import count_items
from narratrace.store import open_store

LIGHT = "[pipeline]\nanalysers = [\"language.v1\", \"metadata.v1\"]\ncorpus = []\n"
LINES = [
    {"id": "a", "title": "Convoy reaches Ariha", "text": "Aid trucks reached Ariha on Tuesday, officials said.",
     "lang": "en", "date": "2019-03-05"},
    {"id": "b", "title": "Talks resume in Geneva", "text": "Delegations met again in Geneva, diplomats said.",
     "lang": "en", "date": "2020-06-04"},
    {"id": "c", "title": "Le convoi arrive", "text": "Les camions sont arrivés à Ariha mardi, selon les autorités.",
     "lang": "fr", "date": "2019-12"},
]


def _jsonl() -> str:
    return "".join(json.dumps(o) + "\n" for o in LINES)


def _ids(db: str) -> set[str | None]:
    return {a.external_id for a in open_store(db).articles.iter()}


def test_jsonl_from_standard_input(tmp_path: Path) -> None:
    cfg = tmp_path / "light.toml"
    cfg.write_text(LIGHT, encoding="utf-8")
    db = str(tmp_path / "s.db")
    res = CliRunner().invoke(cli, ["analyze", "-", "--db", db, "--config", str(cfg), "--no-progress"], input=_jsonl())
    assert res.exit_code == 0, res.output
    assert _ids(db) == {"a", "b", "c"}
    stored = list(open_store(db).articles.iter())
    assert {a.source.path for a in stored} == {"<stdin>"} and sorted(a.source.line for a in stored) == [1, 2, 3]


def test_limit_and_date_range(tmp_path: Path) -> None:
    cfg = tmp_path / "light.toml"
    cfg.write_text(LIGHT, encoding="utf-8")
    dump = tmp_path / "dump.jsonl"
    dump.write_text(_jsonl(), encoding="utf-8")
    base = ["analyze", str(dump), "--config", str(cfg), "--no-progress", "--db"]
    runner = CliRunner()
    assert runner.invoke(cli, [*base, str(tmp_path / "l.db"), "--limit", "2"]).exit_code == 0
    assert _ids(str(tmp_path / "l.db")) == {"a", "b"}
    res = runner.invoke(cli, [*base, str(tmp_path / "d.db"), "--since", "2019-06", "--until", "2019-12-31"])
    assert res.exit_code == 0, res.output
    assert _ids(str(tmp_path / "d.db")) == {"c"}
    # the skipped ones are not lost: a later run without the range stores them
    assert runner.invoke(cli, [*base, str(tmp_path / "d.db")]).exit_code == 0
    assert _ids(str(tmp_path / "d.db")) == {"a", "b", "c"}
    bad = runner.invoke(cli, [*base, str(tmp_path / "x.db"), "--since", "yesterday"])
    assert bad.exit_code == 2 and "not a date" in bad.output


def test_progress_bar_knows_the_total_of_one_article_files(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("Headline\n\nA body sentence.\n", encoding="utf-8")
    assert count_items([str(tmp_path)], None) == 3
    assert count_items([str(tmp_path)], 2) == 2
    (tmp_path / "d.jsonl").write_text(_jsonl(), encoding="utf-8")
    assert count_items([str(tmp_path)], None) is None  # lines are not counted ahead
    cfg = tmp_path / "light.toml.cfg"
    cfg.write_text(LIGHT, encoding="utf-8")
    res = CliRunner().invoke(cli, ["analyze", str(tmp_path), "--db", str(tmp_path / "p.db"), "--config",
                                   str(cfg), "--progress"])
    assert res.exit_code == 0, res.output
