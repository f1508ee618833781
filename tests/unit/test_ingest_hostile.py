"""Reasons that say what happened (issue 12.10): a symlink loop is a loop, not a broken link."""

from __future__ import annotations

import os
from pathlib import Path

from narratrace.ingest.walk import iter_files
from narratrace.records import Rejection


def test_a_symlink_loop_named_on_the_command_line_is_reported_as_a_loop(tmp_path: Path) -> None:
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    os.symlink(tmp_path / "missing", tmp_path / "dangling")
    found = {Path(str(r.source.path)).name: r.reason for r in iter_files(
        [str(tmp_path / "a"), str(tmp_path / "dangling")]) if isinstance(r, Rejection)}
    assert found == {"a": "symlink_loop", "dangling": "broken_symlink"}
