"""watch with hostile sources (issue 12.3, 12.10): the pipeline's rejections are counted, and
one source failing does not stop the others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from narratrace import pipeline
from narratrace.config import Settings
from narratrace.store import open_store
from narratrace.watch import WatchOptions, poll_once

SETTINGS = Settings(analysers=("language.v1", "metadata.v1"), corpus=())


def _folder(root: Path, name: str, files: dict[str, str]) -> str:
    d = root / name
    d.mkdir()
    for fname, text in files.items():
        (d / fname).write_text(text, encoding="utf-8")
    return str(d)


def test_pipeline_rejections_are_reported_not_rejected_0(tmp_path: Path) -> None:
    deep = "<html><body>" + "<div>" * 5000 + "text" + "</div>" * 5000 + "</body></html>"
    src = _folder(tmp_path, "in", {"deep.html": deep, "good.txt": "Title\n\nA body that is fine.\n"})
    store = open_store(str(tmp_path / "w.db"))
    report = poll_once(store, [src], SETTINGS, [], WatchOptions())
    assert report.articles == 1 and report.rejected == 1
    assert any("nested more than" in e for e in report.errors)


def test_a_source_that_fails_in_the_store_does_not_stop_the_others(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    bad = _folder(tmp_path, "bad", {"a.txt": "Bad source\n\nIts items break the store.\n"})
    good = _folder(tmp_path, "good", {"b.txt": "Good source\n\nIts items are stored.\n"})
    real = pipeline.run_items

    def failing(items: Any, store: Any, settings: Any, kind: str, inputs: Any, **kw: Any) -> Any:
        if inputs == [bad]:
            raise RuntimeError("DataError: simulated store failure")
        return real(items, store, settings, kind, inputs, **kw)

    monkeypatch.setattr(pipeline, "run_items", failing)
    store = open_store(str(tmp_path / "w2.db"))
    report = poll_once(store, [bad, good], SETTINGS, [], WatchOptions())
    assert report.articles == 1
    assert any("simulated store failure" in e for e in report.errors)
