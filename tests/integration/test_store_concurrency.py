"""Several writers on one store: every article gets its own arrival number (``seq``).

``seq`` keys the full-text index and the dashboard's paging; a shared one made search
show one article's snippets for another and paging skip an article.
"""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from narratrace.records import Article, SourceRef
from narratrace.store import Store, open_store
from narratrace.store.store import _alembic_config
from tests.pg import PG


def _article(tag: str, i: int) -> Article:
    return Article(id=f"{tag}{i:04d}", content_hash=f"h-{tag}-{i}", source=SourceRef(path=f"{tag}{i}.txt"),
                   body=f"word{tag}{i} body of {tag} {i}", title=f"{tag} {i}")


def _write(url: str, tag: str, n: int, migrate: bool = True) -> None:
    # Alembic is not thread-safe: threads share a store whose schema is already current
    store = open_store(url) if migrate else Store(create_engine(url))
    run = store.runs.start(tag, [])
    for i in range(n):
        assert store.articles.add(_article(tag, i), run, pending=["stories.v1"])


def _seqs(url: str) -> list[int]:
    store = open_store(url)
    with store._engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(text("SELECT seq FROM articles"))]


def test_interleaved_writers_never_share_a_number(tmp_path: Path) -> None:
    db = str(tmp_path / "two.db")
    first, second = open_store(db), open_store(db)  # e.g. analyze and watch
    runs = first.runs.start("a", []), second.runs.start("b", [])
    for i in range(5):
        assert first.articles.add(_article("a", i), runs[0])
        assert second.articles.add(_article("b", i), runs[1])
    seqs = _seqs(db)
    assert len(seqs) == 10 and len(set(seqs)) == 10
    hits = first._engine.connect().execute(
        text("SELECT a.id FROM articles_fts f JOIN articles a ON a.seq = f.rowid WHERE articles_fts MATCH 'worda3'")
    ).all()
    assert [h[0] for h in hits] == ["a0003"]  # the index points at the right article


def test_processes_writing_at_once(tmp_path: Path) -> None:
    db = str(tmp_path / "procs.db")
    open_store(db)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write, args=(db, tag, 60)) for tag in ("p", "q")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    seqs = _seqs(db)
    assert len(seqs) == 120 and len(set(seqs)) == 120


@pytest.mark.skipif(not PG, reason="set NARRATRACE_TEST_PG_URL to run the PostgreSQL tests")
def test_postgres_threads_writing_at_once(pg_url: str) -> None:
    open_store(pg_url)
    threads = [threading.Thread(target=_write, args=(pg_url, tag, 40, False)) for tag in ("x", "y", "z")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    seqs = _seqs(pg_url)
    assert len(seqs) == 120 and len(set(seqs)) == 120


def test_migration_renumbers_numbers_already_shared(tmp_path: Path) -> None:
    db = str(tmp_path / "old.db")
    store = open_store(db)
    with store._engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0005")
    run = store.runs.start("old", [])
    with store._engine.begin() as conn:
        for i, seq in enumerate([1, 2, 2, 3, 3, 3]):
            a = _article("o", i)
            conn.execute(text(
                "INSERT INTO articles (id, content_hash, body, record, run_id, seq, created_at, title) "
                "VALUES (:id, :h, :b, '{}', :run, :seq, CURRENT_TIMESTAMP, :t)"),
                {"id": a.id, "h": a.content_hash, "b": a.body, "run": run, "seq": seq, "t": a.title})
            conn.execute(text("INSERT INTO pending (article_id, stage, seq) VALUES (:id, 's', :seq)"),
                         {"id": a.id, "seq": seq})
    store = open_store(db)  # migrates to the latest revision
    with store._engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, seq FROM articles")).all())
        pending = dict(conn.execute(text("SELECT article_id, seq FROM pending")).all())
    assert sorted(rows.values()) == [1, 2, 3, 4, 5, 6] and pending == rows
    assert rows["o0000"] == 1 and rows["o0001"] == 2 and rows["o0003"] == 3  # the first of each keeps it
    assert store.articles.add(_article("n", 0), run) and max(_seqs(db)) == 7


def test_two_analyses_at_once_on_a_new_database(tmp_path: Path) -> None:
    """Both migrate-or-wait, both store, and the stories stage runs one at a time: no copy
    cycle, no article a duplicate of itself."""
    _two_analyses(tmp_path, str(tmp_path / "both.db"))


@pytest.mark.skipif(not PG, reason="set NARRATRACE_TEST_PG_URL to run the PostgreSQL tests")
def test_two_analyses_at_once_on_a_new_postgres_database(tmp_path: Path, pg_url: str) -> None:
    _two_analyses(tmp_path, pg_url)  # the database exists but has no schema yet


def _two_analyses(tmp_path: Path, db: str) -> None:
    import json
    import os
    import shutil
    import subprocess
    import sys

    corpus = Path(__file__).resolve().parents[2] / "examples" / "corpus"
    halves = [tmp_path / "a", tmp_path / "b"]
    for half in halves:
        half.mkdir()
    for i, f in enumerate(sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".html", ".jsonl", ".xml"))):
        shutil.copy(f, halves[i % 2] / f.name)
    exe = str(Path(sys.executable).with_name("narratrace"))
    env = {**os.environ, "NARRATRACE_DATA": str(tmp_path)}  # side files of a server database
    procs = [subprocess.Popen([exe, "analyze", str(h), "--db", db, "--no-progress", "--jobs", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for h in halves]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    out = subprocess.run([exe, "export", "--db", db], capture_output=True, text=True, check=True, env=env).stdout
    records = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert len(records) == 20 and all(r["story_id"] for r in records.values())
    for r in records.values():
        assert r["duplicate_of"] != r["id"]
        for rel in r["relations"]:
            assert records[rel["article_id"]]["duplicate_of"] != r["id"]  # no cycle of two
