"""Alerts are raised once, delivered in order, retried after a failing sink; story growth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from narratrace.records import Article, SourceRef
from narratrace.store import open_store
from narratrace.watch import StdoutSink, WatchOptions, deliver_pending, parse_every, raise_alert
from narratrace.watch.loop import _story_alerts
from narratrace.watch.net import FetchError


class _Flaky:
    name = "flaky"

    def __init__(self) -> None:
        self.fail = True
        self.got: list[dict[str, Any]] = []

    def send(self, alert: dict[str, Any]) -> None:
        if self.fail:
            raise FetchError("down")
        self.got.append(alert)


def test_raise_once_deliver_in_order_and_retry(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "a.db"))
    assert raise_alert(store, "narrative:x:1", "narrative", {"n": 1})
    assert not raise_alert(store, "narrative:x:1", "narrative", {"n": 1})
    assert raise_alert(store, "narrative:x:2", "narrative", {"n": 2})
    sink = _Flaky()
    delivered, errors = deliver_pending(store, [sink])
    assert delivered == 0 and errors == ["alert 1: down"]
    sink.fail = False
    assert deliver_pending(store, [sink]) == (2, [])
    assert [a["n"] for a in sink.got] == [1, 2]
    assert deliver_pending(store, [sink]) == (0, [])


def test_story_growth_alerts_once_per_doubling(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "s.db"))
    run = store.runs.start("t", [])
    opts = WatchOptions(story_growth=3, growth_window=dt.timedelta(hours=1))
    for i in range(7):
        store.articles.add(Article(id=f"a{i}", content_hash=f"h{i}", source=SourceRef(path=str(i)), body="b",
                                  story_id="s1"), run)
        _story_alerts(store, opts)
    with store._engine.connect() as conn:
        from sqlalchemy import select

        from narratrace.store import schema

        keys = list(conn.execute(select(schema.alerts.c.key).order_by(schema.alerts.c.id)).scalars())
    assert keys == ["story:s1:3", "story:s1:6"]


def test_parse_every_and_stdout_sink(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_every("90") == 90 and parse_every("10m") == 600 and parse_every("2h") == 7200
    with pytest.raises(ValueError, match="interval"):
        parse_every("soon")
    StdoutSink().send({"kind": "narrative", "title": "<b>é</b>"})
    assert capsys.readouterr().out == '{"kind": "narrative", "title": "<b>é</b>"}\n'
