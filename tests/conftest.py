"""Shared test helpers. No test uses the network; all fixtures are the project's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import PG, fresh_database

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip("../shared/seeds is not present on this machine")
    return SEEDS


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A new PostgreSQL database for one test (skipped without $NARRATRACE_TEST_PG_URL)."""
    if not PG:
        pytest.skip("set NARRATRACE_TEST_PG_URL to run the PostgreSQL tests")
    with fresh_database(tmp_path / "pg-side-files") as url:
        yield url
