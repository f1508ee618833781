"""An item over its time budget is rejected with its reason and the run goes on (issue 12)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from narratrace import pipeline
from narratrace.config import ConfigError, Settings, load_settings
from narratrace.records import Article


def test_a_slow_item_is_rejected_over_budget_and_the_next_one_is_stored(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a_slow.txt").write_text("Slow one\n\nThis body makes the stage spin forever.\n", encoding="utf-8")
    (tmp_path / "b_good.txt").write_text("Good one\n\nThis body is analysed normally.\n", encoding="utf-8")
    settings = Settings(analysers=("language.v1",), corpus=(), max_item_seconds=1)
    stages = pipeline._stages(settings)
    real = stages.analysers[0]

    class Spinning:
        name = real.name

        def __call__(self, article: Article) -> Article:
            while "spin forever" in article.body:  # pure Python: the timer interrupts it
                time.sleep(0.01)
            result: Any = real(article)
            return result

    monkeypatch.setattr(pipeline, "_stages", lambda s: pipeline._Stages(stages.cleaner, (Spinning(),)))
    started = time.monotonic()
    summary = pipeline.analyze([str(tmp_path)], str(tmp_path / "b.db"), settings, jobs=1)
    assert time.monotonic() - started < 30
    assert summary.accepted == 1 and summary.rejected_by_reason == {"over_budget": 1}
    assert "max_item_seconds" in summary.rejected[0].detail


def test_the_budget_is_a_checked_configuration_key(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[limits]\nmax_item_seconds = 30\n", encoding="utf-8")
    assert load_settings(good).max_item_seconds == 30
    bad = tmp_path / "bad.toml"
    bad.write_text("[limits]\nmax_item_seconds = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_item_seconds"):
        load_settings(bad)
