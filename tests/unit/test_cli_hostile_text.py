"""Titles and outlets written by the people studied cannot drive the terminal (issue 12.10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from narratrace.cli import cli
from narratrace.cli.terminal import shown
from narratrace.store import StorySummary, open_store
from narratrace.store.stories import Stories

HOSTILE = "Real title\x1b[8m hidden\x1b[0m \x1b]0;owned\x07 \u202eevil"


def test_shown_escapes_colours_conceal_and_closes_direction_overrides() -> None:
    out = shown(HOSTILE)
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[8m" in out
    assert out.endswith("\u202c")  # the override is closed at the end of the value


def test_stories_table_shows_hostile_titles_inert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "s.db")
    open_store(db).close()
    story = StorySummary("s1", 2, "2020-01-01", "2020-01-02", HOSTILE, {"en": 2}, {"Wire\x1b[31m": 2})
    monkeypatch.setattr(Stories, "list", lambda self, *a, **k: [story])
    result = CliRunner().invoke(cli, ["stories", "--db", db])
    assert result.exit_code == 0, result.output
    assert "\x1b[8m" not in result.output and "\x1b[31m" not in result.output and "\x07" not in result.output
    assert "\u202eevil\u202c" in result.output
