"""The `narratives` and `watch` commands over plain files and a small database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from narratrace.cli import cli

pytestmark = pytest.mark.slow

PROMOTING_EN = (
    "The White Helmets are once again preparing a chemical provocation in Idlib: chlorine has been "
    "delivered and cameras are ready, so that the West can blame Damascus for a fake attack."
)
PROMOTING_FR = (
    "Les Casques blancs préparent encore une provocation chimique à Idlib : le chlore est livré et les "
    "caméras sont prêtes pour que l'Occident accuse Damas d'une fausse attaque."
)


def test_list_show_add(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["narratives", "list"])
    assert res.exit_code == 0 and "staged-chemical-attacks-syria" in res.output
    assert len(res.output.splitlines()) >= 25
    res = runner.invoke(cli, ["narratives", "show", "bucha-staged"])
    assert res.exit_code == 0 and "claims [fr]:" in res.output
    assert runner.invoke(cli, ["narratives", "show", "nope"]).exit_code == 2
    cat = tmp_path / "cat"
    res = runner.invoke(cli, ["narratives", "add", "--catalog", str(cat), "--title", "Moon base is fake",
                              "--claim", "The moon base was filmed in a studio.", "--keyword", "studio"])
    assert res.exit_code == 0, res.output
    assert (cat / "moon-base-is-fake.yaml").is_file()
    res = runner.invoke(cli, ["narratives", "list", "--catalog", str(cat), "--json"])
    assert any(json.loads(line)["id"] == "moon-base-is-fake" for line in res.output.splitlines())
    # the same title again: a new id, unless --overwrite, which replaces it
    again = ["narratives", "add", "--catalog", str(cat), "--title", "Moon base is fake", "--claim", "Shot in Nevada."]
    assert runner.invoke(cli, again).exit_code == 0 and (cat / "moon-base-is-fake-2.yaml").is_file()
    assert runner.invoke(cli, [*again, "--overwrite"]).exit_code == 0
    assert "Shot in Nevada." in (cat / "moon-base-is-fake.yaml").read_text(encoding="utf-8")
    assert not (cat / "moon-base-is-fake-3.yaml").exists()
    # no folder given: a usage error that says how to fix it
    res = runner.invoke(cli, ["narratives", "add", "--title", "x", "--claim", "y"],
                        env={"NARRATRACE_CATALOG": ""})
    assert res.exit_code == 2 and "--catalog" in res.output


def test_import_csv(tmp_path: Path) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text("date,id,title,countries,keywords,languages,outlets\n"
                     "2020-01-01,https://example.org/report/x/,Birds carry a virus,['Ukraine'],['birds'],"
                     "['Russian'],['a.example']\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["narratives", "import", str(posts), "--catalog", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "c" / "euvsd-x.yaml").is_file()
    latin = tmp_path / "latin.csv"
    latin.write_bytes(posts.read_bytes().replace(b"Birds", "Oiseaux \xe9".encode("latin-1")))
    res = CliRunner().invoke(cli, ["narratives", "import", str(latin), "--catalog", str(tmp_path / "c")])
    assert res.exit_code == 2 and "not UTF-8" in res.output
    huge = tmp_path / "huge.csv"
    huge.write_text("date,id,title\n2020-01-01,x,\"" + "a" * 3_000_000 + "\"\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["narratives", "import", str(huge), "--catalog", str(tmp_path / "c")])
    assert res.exit_code == 2 and "field larger than field limit" in res.output
    res = CliRunner().invoke(cli, ["narratives", "import", str(posts), "--catalog", str(posts)])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_analyze_show_timeline_candidates_promote(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    rows = [
        {"id": "1", "outlet": "Alpha", "lang": "en", "date": "2024-05-01", "text": PROMOTING_EN},
        {"id": "2", "outlet": "Beta", "lang": "fr", "date": "2024-05-02", "text": PROMOTING_FR},
    ]
    fresh = "Officials say the northern dam was secretly emptied by foreign engineers to flood the valley."
    fresh_fr = ("Selon des responsables, le barrage du nord a été vidé en secret par des ingénieurs "
                "étrangers pour inonder la vallée.")
    rows += [{"id": "3", "outlet": "Gamma", "lang": "en", "date": "2024-05-03", "text": fresh},
             {"id": "4", "outlet": "Delta", "lang": "fr", "date": "2024-05-04", "text": fresh_fr}]
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    (docs / "in.jsonl").write_text(lines, encoding="utf-8")
    cfg = tmp_path / "nt.toml"
    cfg.write_text('[pipeline]\nanalysers = ["language.v1", "metadata.v1", "narratives.v1"]\ncorpus = []\n')
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    res = runner.invoke(cli, ["analyze", str(docs), "--db", db, "--config", str(cfg), "-j", "1",
                              "--no-progress"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["narratives", "show", "staged-chemical-attacks-syria", "--db", db])
    assert res.exit_code == 0
    timeline = res.output.split("timeline:")[1]
    assert "[en]" in timeline and "[fr]" in timeline and "Alpha" in timeline and "Beta" in timeline
    # the catalogue with counts from the store: the matched narrative comes first, with its spread
    res = runner.invoke(cli, ["narratives", "list", "--db", db])
    assert res.exit_code == 0, res.output
    first, detail = res.output.splitlines()[:2]
    assert first.split()[:2] == ["2", "staged-chemical-attacks-syria"]
    assert detail.strip().startswith("promotes 2;") and "; 2 lang, 2 outlets; 2024-05-01..2024-05-02" in detail
    res = runner.invoke(cli, ["narratives", "list", "--db", db, "--json"])
    listed = [json.loads(line) for line in res.output.splitlines()]
    assert listed[0]["matches"]["languages"] == {"en": 1, "fr": 1}
    assert sum(listed[0]["matches"]["stances"].values()) == 2
    assert listed[-1]["matches"] == {"articles": 0}
    res = runner.invoke(cli, ["narratives", "candidates", "--db", db, "--json", "--threshold", "0.6"])
    assert res.exit_code == 0, res.output
    cands = [json.loads(line) for line in res.output.splitlines() if line.startswith("{")]
    dam = [c for c in cands if "dam" in c["label"] or "barrage" in c["label"]]
    assert dam and dam[0]["languages"] == ["en", "fr"]
    res = runner.invoke(cli, ["narratives", "promote", dam[0]["id"], "--db", db,
                              "--catalog", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    assert list((tmp_path / "c").glob("*.yaml"))


def test_watch_once_on_a_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(PROMOTING_EN, encoding="utf-8")
    cfg = tmp_path / "nt.toml"
    cfg.write_text('[pipeline]\nanalysers = ["language.v1", "metadata.v1", "narratives.v1"]\ncorpus = []\n')
    args = ["watch", str(inbox), "--once", "--db", str(tmp_path / "w.db"), "--config", str(cfg),
            "--alerts", str(tmp_path / "alerts.jsonl"), "--narrative", "staged-chemical-attacks-syria"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    lines = (tmp_path / "alerts.jsonl").read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["stance"] == "promotes"
    assert CliRunner().invoke(cli, [*args, "--quiet"]).exit_code == 0
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == 1
    bad = CliRunner().invoke(cli, ["watch", str(inbox), "--every", "soon", "--db", str(tmp_path / "w.db")])
    assert bad.exit_code == 2
