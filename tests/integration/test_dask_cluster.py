"""A real Dask cluster on 127.0.0.1 (a scheduler and two worker processes) gives exactly the
records of the inline executor: ids, stories, copy/translation links, narrative matches.

Into SQLite always; into PostgreSQL too when ``NARRATRACE_TEST_PG_URL`` is set (CI starts a
throw-away server), the store a team shares with a cluster.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")

from narratrace.config import Settings  # noqa: E402
from narratrace.pipeline import analyze  # noqa: E402
from narratrace.records import to_dict  # noqa: E402
from narratrace.store import open_store  # noqa: E402
from tests.pg import PG, fresh_database  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"
SETTINGS = Settings(analysers=("language.v1", "metadata.v1", "narratives.v1"), corpus=("stories.v1",))


def _records(db: str) -> list[dict[str, Any]]:
    return sorted((to_dict(a) for a in open_store(db).articles.iter()), key=lambda r: r["id"])


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, scheduler_port=0) as lc:
        yield lc.scheduler_address


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "dask.db")
        return
    if not PG:
        pytest.skip("set NARRATRACE_TEST_PG_URL to run on PostgreSQL")
    with fresh_database(tmp_path / "pg-side-files", "nt_dask") as url:
        yield url


@pytest.mark.slow
@pytest.mark.parametrize("target", ["sqlite", "postgresql"], indirect=True)
def test_cluster_gives_the_records_of_the_inline_executor(cluster: str, target: str, tmp_path: Path) -> None:
    inline = str(tmp_path / "inline.db")
    analyze([str(EXAMPLES)], inline, SETTINGS, jobs=1)
    summary = analyze([str(EXAMPLES)], target, SETTINGS, scheduler=cluster)
    assert summary.accepted >= 16 and not summary.corpus_errors
    assert _records(target) == _records(inline)
    client = distributed.Client(cluster)
    try:  # every worker was set up by the plugin: one BLAS thread, models loaded
        def blas_env() -> str | None:
            return os.environ.get("OPENBLAS_NUM_THREADS")

        assert set(client.run(blas_env).values()) == {"1"}
    finally:
        client.close()


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_and_doubles_nothing(cluster: str, tmp_path: Path) -> None:
    """The batch of a worker that dies is run again elsewhere; every item is stored exactly once."""
    from narratrace import registry

    docs = tmp_path / "docs"
    docs.mkdir()
    for k in range(24):
        word = "KILLME" if k == 7 else "steady"
        (docs / f"a{k:02d}.txt").write_text(f"Item {k}\n\nA short {word} note number {k} about the harbour, "
                                            f"the council and the bridge repairs of week {k}.\n", encoding="utf-8")
    marker = tmp_path / "killed.pid"
    registry.STAGES.register("test-kill-once.v1", "tests.integration.hostile_stages:KillOnceStage")
    try:
        settings = Settings(analysers=("language.v1", "test-kill-once.v1"), corpus=(),
                            stage_options={"test-kill-once.v1": {"marker": str(marker)}})
        db = str(tmp_path / "killed.db")
        summary = analyze([str(docs)], db, settings, scheduler=cluster)
    finally:
        registry.STAGES.unregister("test-kill-once.v1")
    assert marker.exists()  # a worker did die in the middle of the run
    assert summary.accepted == 24 and not summary.rejected
    titles = sorted(a.title or "" for a in open_store(db).articles.iter())
    assert titles == sorted(f"Item {k}" for k in range(24))  # none lost, none twice
