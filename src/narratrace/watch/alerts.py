"""Alerts: recorded in the store first, then delivered to sinks (JSONL file, stdout, webhook).

Why record first: the unique ``key`` of an alert ("narrative:<id>:<article>") makes raising
it idempotent, and ``delivered_at`` is set only after every sink accepted it. A watcher
killed between the two re-delivers on restart; one that finished never repeats. A sink
that fails (webhook down) leaves the alert pending for the next poll.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, Protocol, TextIO

from ..store import Store
from .net import FetchError, NetPolicy, post_json


class Sink(Protocol):
    name: str

    def send(self, alert: dict[str, Any]) -> None: ...


class StdoutSink:
    name = "stdout"

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, alert: dict[str, Any]) -> None:
        out = self.stream or sys.stdout
        out.write(json.dumps(alert, ensure_ascii=False) + "\n")
        out.flush()


class JsonlSink:
    name = "jsonl"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)

    def send(self, alert: dict[str, Any]) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(alert, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())


class WebhookSink:
    name = "webhook"

    def __init__(self, url: str, policy: NetPolicy | None = None) -> None:
        self.url = url
        self.policy = policy or NetPolicy(timeout=10.0)

    def send(self, alert: dict[str, Any]) -> None:
        post_json(self.url, json.dumps(alert, ensure_ascii=False).encode("utf-8"), self.policy)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def raise_alert(store: Store, key: str, kind: str, payload: dict[str, Any]) -> bool:
    """Record an alert once; False when that key was already raised."""
    body = {"key": key, "kind": kind, **payload, "raised_at": _now().isoformat(timespec="seconds")}
    return store.watch.raise_alert(key, kind, body)


def deliver_pending(store: Store, sinks: Sequence[Sink], limit: int = 1000) -> tuple[int, list[str]]:
    """Send undelivered alerts in order; returns (delivered, errors)."""
    delivered = 0
    errors: list[str] = []
    for alert_id, payload in store.watch.undelivered(limit):
        try:
            for sink in sinks:
                sink.send(payload)
        except (FetchError, OSError) as exc:
            errors.append(f"alert {alert_id}: {exc}")
            break  # keep order: later alerts wait for this one
        store.watch.delivered(alert_id)
        delivered += 1
    return delivered, errors
