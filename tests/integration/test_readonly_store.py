"""A store on read-only media can still be read by export and serve (issue 12.10)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from narratrace.cli import cli
from narratrace.config import Settings
from narratrace.pipeline import analyze
from narratrace.store import open_store
from narratrace.web.app import create_app


def test_export_and_serve_read_a_store_that_cannot_be_written(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    media = tmp_path / "media"
    media.mkdir()
    (tmp_path / "a.txt").write_text("Convoy reaches Ariha\n\nTrucks arrived on 4 June 2020.\n", encoding="utf-8")
    db = media / "corpus.db"
    store = open_store(str(db))
    analyze([str(tmp_path / "a.txt")], store, Settings(analysers=("language.v1",), corpus=()), jobs=1)
    store.close()
    assert not list(media.glob("corpus.db-*"))  # a cleanly closed WAL database is just the file
    real_access = os.access
    # root ignores permission bits, so the read-only mount is what os.access reports (EROFS)
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode & os.W_OK and str(media) in str(p)
                        else real_access(p, mode))
    media.chmod(0o555)
    try:
        result = CliRunner().invoke(cli, ["export", "--db", str(db)])
        assert result.exit_code == 0, result.output
        (rec,) = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
        assert rec["title"] == "Convoy reaches Ariha"
        client = TestClient(create_app(open_store(str(db)), Settings()))
        assert client.get("/api/articles").json()["total"] == 1
        assert not list(media.glob("corpus.db-*"))  # nothing written beside it
    finally:
        media.chmod(0o755)
