"""The public CLI contract: commands, outputs and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from narratrace.cli import cli

EN = "Convoy Reaches Ariha\n\nARIHA – A convoy of twelve trucks reached the town on 4 June 2020, officials said.\n"
HOSTILE = ('<script>alert("x")</script> Headline\n\n=HYPERLINK("http://evil") paragraph with <img src=x '
           'onerror=alert(1)> and "quotes" & ampersands.\n')


def _folder(tmp_path: Path, bad: bool = False) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "en.txt").write_text(EN, encoding="utf-8")
    (d / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    if bad:
        (d / "empty.txt").write_text("", encoding="utf-8")
    return d


def test_analyze_exit_codes_and_summary(tmp_path: Path, db_path: str) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["analyze", str(_folder(tmp_path)), "--db", db_path, "--no-progress"])
    assert ok.exit_code == 0, ok.output
    assert "articles stored  2" in ok.output and "rejected         0" in ok.output
    d2 = tmp_path / "second"
    d2.mkdir()
    (d2 / "empty.txt").write_text("", encoding="utf-8")
    (d2 / "en.txt").write_text(EN, encoding="utf-8")
    bad = runner.invoke(cli, ["analyze", str(d2), "--db", db_path, "--no-progress"])
    assert bad.exit_code == 1
    assert "[empty]" in bad.output and "empty.txt: file is empty" in bad.output
    assert "already stored   1" in bad.output


def test_usage_errors_exit_2(tmp_path: Path, db_path: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["analyze"]).exit_code == 2
    missing_db = runner.invoke(cli, ["export", "--db", str(tmp_path / "nope.db")])
    assert missing_db.exit_code == 2 and "narratrace analyze" in missing_db.output
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[pipeline]\nanalysers = ["nope.v9"]\n', encoding="utf-8")
    res = runner.invoke(cli, ["analyze", str(tmp_path), "--db", db_path, "--config", str(cfg)])
    assert res.exit_code == 2 and "no analyser stage named 'nope.v9'" in res.output
    res = runner.invoke(cli, ["analyze", str(tmp_path), "--db", "postgresql://u@h:port/db"])
    assert res.exit_code == 2 and "cannot parse database URL" in res.output
    # in a process of its own, as users run it: a failed Dask client leaves threads behind
    exe = str(Path(sys.executable).with_name("narratrace"))
    res2 = subprocess.run([exe, "analyze", str(tmp_path), "--db", db_path, "--scheduler", "not-an-address"],
                          capture_output=True, text=True, timeout=120)
    assert res2.returncode == 2 and "cannot reach the Dask scheduler 'not-an-address'" in res2.stderr
    from narratrace.store import open_store

    last = open_store(db_path).runs.list()[-1]
    assert last["finished_at"] is not None and "cannot reach" in last["stats"]["failed"]  # no orphan run


def test_export_jsonl_record_contract_and_csv(tmp_path: Path, db_path: str) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["analyze", str(_folder(tmp_path)), "--db", db_path, "--no-progress"])
    out = runner.invoke(cli, ["export", "--db", db_path])
    assert out.exit_code == 0
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == 2
    required = {"id", "external_id", "source", "outlet", "lang", "title", "published", "authors", "body",
                "comments", "removed", "entities", "attributions", "claims", "story_id", "duplicate_of",
                "narratives", "techniques"}
    for rec in records:
        assert required <= set(rec)
        assert set(rec["source"]) >= {"path", "url"}
    en = next(r for r in records if r["title"] == "Convoy Reaches Ariha")
    assert en["lang"] == "en" and en["published"] == "2020-06-04" and en["body"].startswith("Convoy Reaches Ariha")
    target = tmp_path / "out.csv"
    res = runner.invoke(cli, ["export", "--db", db_path, "--format", "csv", "-o", str(target)])
    assert res.exit_code == 0 and target.exists() and res.stdout == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 2
    hostile = next(r for r in rows if "HYPERLINK" in r["body"])
    assert not hostile["body"].startswith("=")  # no formula injection into spreadsheets
    # a spreadsheet user sees what the JSONL record holds, relations and date source included
    assert {"relations", "published_source", "warnings"} <= set(rows[0])
    by_id = {r["id"]: r for r in rows}
    for rec in records:
        assert json.loads(by_id[rec["id"]]["relations"] or "[]") == rec["relations"]
        assert (by_id[rec["id"]]["published_source"] or None) == rec["published_source"]


def test_report_escapes_article_text(tmp_path: Path, db_path: str) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["analyze", str(_folder(tmp_path, bad=True)), "--db", db_path, "--no-progress"])
    target = tmp_path / "report.html"
    res = runner.invoke(cli, ["report", "--db", db_path, "-o", str(target)])
    assert res.exit_code == 0, res.output
    html = target.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Convoy Reaches Ariha" in html and "file is empty" in html
    assert "script-src 'none'" in html  # the CSP forbids scripts even if escaping failed
    last = runner.invoke(cli, ["report", "--db", db_path, "--run", "last", "-o", "-"])
    assert last.exit_code == 0 and "run 1" in last.stdout


def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    res = subprocess.run([sys.executable, "-m", "narratrace", "--help"], capture_output=True, text=True, check=False)
    assert res.returncode == 0
    for command in ("analyze", "export", "report"):
        assert command in res.stdout


def test_configured_encoder_drives_stories_and_semantic_search(tmp_path: Path, db_path: str) -> None:
    """`[stages."stories.v1"] encoder = "onnx:DIR"`: analyze embeds with it, the dashboard
    searches the vectors it wrote, and queries are encoded by the same model."""
    from fastapi.testclient import TestClient

    from narratrace.config import load_settings
    from narratrace.embed import get_encoder, vector_key
    from narratrace.store import open_store
    from narratrace.web.app import create_app
    from tests.onnx_model import DIM, build

    build(tmp_path / "tiny")
    spec = f"onnx:{tmp_path / 'tiny'}"
    cfg = tmp_path / "narratrace.toml"
    cfg.write_text(f'[stages."stories.v1"]\nencoder = {json.dumps(spec)}\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["analyze", str(_folder(tmp_path)), "--db", db_path, "--no-progress",
                                   "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    store = open_store(db_path)
    vectors = store.vectors.get(vector_key(spec))
    assert len(vectors) == 2 and {v.shape for v in vectors.values()} == {(DIM,)}
    assert all(a.story_id for a in store.articles.iter())

    client = TestClient(create_app(store, load_settings(cfg)))
    hits = client.get("/api/search", params={"q": "convoy", "mode": "semantic"}).json()["items"]
    assert sorted(h["id"] for h in hits) == sorted(vectors)
    encoded = get_encoder(spec).encode(["convoy"])[0]
    best = max(vectors, key=lambda aid: float(vectors[aid] @ encoded))
    assert hits[0]["id"] == best


def test_stage_option_typos_are_refused_before_anything_is_read(tmp_path: Path, db_path: str) -> None:
    """A misspelt stage or option in [stages.*] is a usage error (exit 2) that stores nothing,
    for analyze, watch and serve alike."""
    from narratrace.store import open_store

    cases = {
        '[stages."storis.v1"]\nthreshold_projected = 0.2\n': "no such stage in the pipeline",
        '[stages."stories.v1"]\nthreshhold = 0.2\n': "unknown option(s) threshhold",
        '[stages."entities.v1"]\nalias_files = "x.yaml"\n': "known: alias_file, fuzzy",
        '[stages."stories.v1"]\nencoder = "onnx:/no/such/model"\n': "no model.onnx",
        '[stages."stories.v1"]\nencoder = "no-such-encoder"\n': "unknown encoder 'no-such-encoder'",
    }
    folder = _folder(tmp_path)
    for i, (text, message) in enumerate(cases.items()):
        cfg = tmp_path / f"c{i}.toml"
        cfg.write_text(text, encoding="utf-8")
        for args in (["analyze", str(folder), "--db", db_path], ["watch", str(folder), "--db", db_path, "--once"],
                     ["serve", "--db", db_path]):
            res = CliRunner().invoke(cli, [*args, "--config", str(cfg)])
            assert res.exit_code == 2 and message in res.output, (args[0], text, res.output)
    assert open_store(db_path).articles.count() == 0
    good = tmp_path / "good.toml"
    good.write_text('[stages."stories.v1"]\nthreshold = 0.7\n[stages."entities.v1"]\nfuzzy = false\n',
                    encoding="utf-8")
    res = CliRunner().invoke(cli, ["analyze", str(folder), "--db", db_path, "--no-progress", "--config", str(good)])
    assert res.exit_code == 0, res.output


def _in_terminal(args: list[str], cwd: Path) -> str:
    """Run the installed CLI with standard output and error on a pseudo-terminal."""
    import os
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdout=slave, stderr=slave, cwd=cwd, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    proc.wait(120)
    return out.decode("utf-8", "replace")


def test_article_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    """Escape sequences in titles, outlets and file names are shown, not obeyed, when the
    output is a terminal; piped output keeps the data as it is."""
    exe = str(Path(sys.executable).with_name("narratrace"))
    feed = tmp_path / "in"
    feed.mkdir()
    item = {"id": "e1", "title": "Port strike \x1b]0;PWNED\x07 ends", "outlet": "Wire\x1b]52;c;ZXZpbA==\x07",
            "text": "Dockers ended their strike on Monday after two weeks, the union said.", "date": "2021-05-03"}
    (feed / "items.jsonl").write_text(json.dumps(item) + "\n", encoding="utf-8")
    (feed / "e\x1b[31mvil\nFAKE rejected line.txt").write_text("", encoding="utf-8")
    db = str(tmp_path / "t.db")
    shown = _in_terminal([exe, "analyze", str(feed), "--db", db, "--no-progress"], tmp_path)
    assert "\x1b]" not in shown and "e\\x1b[31mvil\\nFAKE rejected line.txt" in shown
    stories = _in_terminal([exe, "stories", "--db", db], tmp_path)
    assert "\x1b]" not in stories and "\x07" not in stories
    assert "Wire\\x1b]52;c;ZXZpbA==\\x07" in stories and "\\x1b]0;PWNED\\x07" in stories
    piped = subprocess.run([exe, "stories", "--db", db, "--json"], capture_output=True, text=True, check=True)
    assert json.loads(piped.stdout.splitlines()[0])["outlets"] == {item["outlet"]: 1}


def test_unknown_run_is_a_usage_error(tmp_path: Path, db_path: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["analyze", str(_folder(tmp_path)), "--db", db_path, "--no-progress"]).exit_code == 0
    for command in (["export", "--run", "99"], ["report", "--run", "99", "-o", "-"]):
        res = runner.invoke(cli, [*command, "--db", db_path])
        assert res.exit_code == 2 and "no run 99" in res.output


def test_a_broken_encoder_model_stops_the_run_before_anything_is_stored(tmp_path: Path, db_path: str) -> None:
    from tests.onnx_model import build

    build(tmp_path / "broken")
    (tmp_path / "broken" / "model.onnx").write_bytes(b"not a model")
    cfg = tmp_path / "b.toml"
    cfg.write_text(f'[stages."stories.v1"]\nencoder = "onnx:{tmp_path / "broken"}"\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["analyze", str(_folder(tmp_path)), "--db", db_path, "--config", str(cfg)])
    assert res.exit_code == 2 and "onnxruntime cannot load it" in res.output
    pairs = tmp_path / "p.jsonl"
    pairs.write_text(json.dumps({"pair_id": "p", "text1": "a", "text2": "b"}) + "\n", encoding="utf-8")
    sim = CliRunner().invoke(cli, ["similarity", "--pairs", str(pairs), "--encoder", f"onnx:{tmp_path / 'broken'}"])
    assert sim.exit_code == 2 and "onnxruntime cannot load it" in sim.output
    from narratrace.store import open_store

    assert open_store(db_path).articles.count() == 0
