"""The server's analyses run in a worker process of their own (issue 12): the per-item memory
budget holds there as in a CLI run, and a worker that dies costs one request, not the server."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from narratrace import registry
from narratrace.config import Settings
from narratrace.store import open_store
from narratrace.web import create_app

pytestmark = pytest.mark.slow
AUTH = {"authorization": "Bearer s3cret", "content-type": "application/x-ndjson"}


def _lines(*texts: str) -> bytes:
    return "".join(json.dumps({"id": f"item-{k}", "title": f"Note {k}", "text": t}) + "\n"
                   for k, t in enumerate(texts)).encode()


@pytest.fixture()
def hostile_stages() -> Any:
    registry.STAGES.register("test-hungry.v1", "tests.integration.hostile_stages:HungryStage")
    registry.STAGES.register("test-slow.v1", "tests.integration.hostile_stages:SlowStage")
    yield
    registry.STAGES.unregister("test-hungry.v1")
    registry.STAGES.unregister("test-slow.v1")


def _settings(**kw: Any) -> Settings:
    return Settings(token="s3cret", analysers=("language.v1", "test-hungry.v1", "test-slow.v1"), corpus=(),
                    max_item_memory_mb=512, **kw)


def test_an_item_over_the_memory_budget_is_rejected_in_the_servers_analysis_process(
    tmp_path: Path, hostile_stages: Any
) -> None:
    db = str(tmp_path / "m.db")
    with TestClient(create_app(db, _settings())) as client:
        body = _lines("The council voted to repair the old harbour bridge.",
                      "This article says HUNGRY and asks for gigabytes.",
                      "The school choir sang at the spring festival.")
        res = client.post("/api/analyze", content=body, headers=AUTH)
        assert res.status_code == 200, res.text[:300]
        out = res.json()
        assert [a["title"] for a in out["articles"]] == ["Note 0", "Note 2"]
        assert [r["reason"] for r in out["rejected"]] == ["over_memory"]
        # the 6 GB were asked for in the worker, never in the server's process
        with open("/proc/self/status", encoding="ascii") as fh:
            peak_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
        assert peak_kb < 4 * 1024 * 1024
        workers = client.app.state.web.worker.pids()
        assert len(workers) == 1 and workers[0] != os.getpid()
        again = client.post("/api/analyze", content=_lines("A short note on the ferry timetable."), headers=AUTH)
        assert again.status_code == 200 and client.app.state.web.worker.pids() == workers  # one persistent worker
    assert open_store(db).articles.count() == 3


def test_a_worker_that_dies_fails_one_request_and_the_next_gets_a_new_worker(
    tmp_path: Path, hostile_stages: Any
) -> None:
    db = str(tmp_path / "d.db")
    with TestClient(create_app(db, _settings())) as client:
        first = client.post("/api/analyze", content=_lines("Warm up: the bridge reopened."), headers=AUTH)
        assert first.status_code == 200
        (worker,) = client.app.state.web.worker.pids()
        answer: dict[str, Any] = {}

        def slow_request() -> None:
            answer["res"] = client.post("/api/analyze", content=_lines("This one is SLOW to analyse."), headers=AUTH)

        thread = threading.Thread(target=slow_request)
        thread.start()
        time.sleep(2)  # the worker is inside the slow item
        os.kill(worker, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        thread.join(timeout=60)
        assert not thread.is_alive()
        res = answer["res"]
        assert res.status_code == 503 and res.json()["title"] == "Analysis process died", res.text[:300]
        ok = client.post("/api/analyze", content=_lines("After the crash: the ferry sailed."), headers=AUTH)
        assert ok.status_code == 200 and len(ok.json()["articles"]) == 1
        assert client.app.state.web.worker.pids() not in ([], [worker])
    assert open_store(db).articles.count() == 2  # the warm-up and the note after the crash; the slow one never was


def test_analyses_can_run_on_the_servers_thread_when_configured(tmp_path: Path) -> None:
    settings = Settings(token="s3cret", analysers=("language.v1",), corpus=(), analysis_process=False)
    with TestClient(create_app(str(tmp_path / "t.db"), settings)) as client:
        res = client.post("/api/analyze", content=_lines("The harbour bridge reopened on Monday."), headers=AUTH)
        assert res.status_code == 200 and len(res.json()["articles"]) == 1
        assert client.app.state.web.worker.pids() == []


def test_serve_starts_the_analysis_process_before_the_first_analysis(tmp_path: Path) -> None:
    from narratrace.web.server import _warm

    settings = Settings(token="s3cret", analysers=("language.v1",), corpus=())
    with TestClient(_warm(create_app(str(tmp_path / "w.db"), settings))) as client:
        workers = client.app.state.web.worker.pids()
        assert len(workers) == 1  # started with the app, not by the first request
        res = client.post("/api/analyze", content=_lines("The harbour bridge reopened on Monday."), headers=AUTH)
        assert res.status_code == 200 and client.app.state.web.worker.pids() == workers
    assert not Path(f"/proc/{workers[0]}").exists()  # ended (and reaped) with the app
