"""The archive follows the catalogue: `narratives rematch`, and the same at the next `analyze`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from narratrace.cli import cli
from narratrace.narratives.stage import clear_cache
from narratrace.store import open_store

pytestmark = pytest.mark.slow
CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"
AID = "n01_en_levant_daily_idlib_aid.txt"


def _matches(db: str) -> dict[str, set[str]]:
    return {Path(a.source.path or "").name: {m.id for m in a.narratives} for a in open_store(db).articles.iter()}


def _rematch(runner: CliRunner, db: str, config: Path) -> dict[str, object]:
    clear_cache()  # a new CLI process would read the catalogue afresh
    res = runner.invoke(cli, ["narratives", "rematch", "--db", db, "--config", str(config), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)  # type: ignore[no-any-return]


def test_added_edited_and_removed_narratives_reach_stored_articles(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in (AID, "a01_en_tass_briefing.txt", "n02_fr_courrier_opcw_report.txt"):
        shutil.copy(CORPUS / name, docs / name)
    cat = tmp_path / "cat"
    cat.mkdir()
    config = tmp_path / "narratrace.toml"
    config.write_text(f'[catalogue]\nfolders = ["{cat}"]\n', encoding="utf-8")
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    res = runner.invoke(cli, ["analyze", str(docs), "--db", db, "--config", str(config), "--no-progress"])
    assert res.exit_code == 0, res.output
    before = _matches(db)
    assert "aid-crossings-cut" not in before[AID]
    # nothing changed since the analysis: nothing to do
    first = _rematch(runner, db, config)
    assert first["changed"] == [] and first["rematched"] == 0

    # a narrative added to the catalogue reaches the article it describes
    res = runner.invoke(cli, ["narratives", "add", "--catalog", str(cat), "--id", "aid-crossings-cut",
                              "--title", "Aid crossings into Syria were cut",
                              "--claim", "The Security Council cut the cross-border aid mechanism for Syria to two "
                                         "crossing points.",
                              "--keyword", "cross-border", "--keyword", "crossings"])
    assert res.exit_code == 0, res.output
    added = _rematch(runner, db, config)
    assert added["changed"] == ["aid-crossings-cut"] and added["removed"] == []
    assert 1 <= int(added["rematched"]) < 3 + 1 and int(added["updated"]) >= 1  # type: ignore[call-overload]
    after = _matches(db)
    assert "aid-crossings-cut" in after[AID]
    for name in before:  # the other matches are unchanged
        assert after[name] - {"aid-crossings-cut"} == before[name]
    with open_store(db).narratives._db.connect() as conn:  # the matches table agrees with the records
        rows = conn.exec_driver_sql("SELECT article_id FROM narrative_matches WHERE narrative_id = 'aid-crossings-cut'")
        assert len(rows.all()) >= 1
    assert _rematch(runner, db, config)["rematched"] == 0  # idempotent

    # removed from the catalogue: its matches go
    (cat / "aid-crossings-cut.yaml").unlink()
    removed = _rematch(runner, db, config)
    assert removed["removed"] == ["aid-crossings-cut"]
    assert _matches(db) == before

    # and the next analyze re-matches by itself (here with no new input at all)
    runner.invoke(cli, ["narratives", "add", "--catalog", str(cat), "--id", "aid-crossings-cut",
                        "--title", "Aid crossings into Syria were cut", "--claim",
                        "The Security Council cut the cross-border aid mechanism for Syria to two crossing points.",
                        "--keyword", "cross-border"])
    clear_cache()
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(cli, ["analyze", str(docs), "--db", db, "--config", str(config), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "aid-crossings-cut" in _matches(db)[AID]


def test_an_unchanged_catalogue_or_an_empty_store_needs_no_matcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """analyze checks the versions first: no model is loaded in the main process for nothing."""
    from narratrace.config import Settings
    from narratrace.narratives import stage
    from narratrace.pipeline import rematch_archive

    def no_matcher(*_args: object) -> None:
        raise AssertionError("a matcher was built")

    store = open_store(str(tmp_path / "e.db"))
    settings = Settings(analysers=("narratives.v1",), corpus=())
    monkeypatch.setattr(stage, "get_matcher", no_matcher)
    first = rematch_archive(store, settings)  # an empty store: the versions are only recorded
    assert first is not None and first.changed and first.scanned == 0
    again = rematch_archive(store, settings)  # nothing changed since
    assert again is not None and again.changed == [] and again.removed == []
