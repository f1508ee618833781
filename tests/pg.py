"""A throw-away PostgreSQL database per test, on the server named by $NARRATRACE_TEST_PG_URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

PG = os.environ.get("NARRATRACE_TEST_PG_URL")


@contextmanager
def fresh_database(side_files: Path, prefix: str = "nt_test") -> Iterator[str]:
    """The URL of a new, empty database, dropped (connections and all) when the block ends.

    A server database keeps its index files in ``$NARRATRACE_DATA``, else the working folder
    (``Store.side_path``): for the block they go to ``side_files``, never into the checkout.
    """
    assert PG, "set NARRATRACE_TEST_PG_URL to run the PostgreSQL tests"
    saved = os.environ.get("NARRATRACE_DATA")
    side_files.mkdir(parents=True, exist_ok=True)
    os.environ["NARRATRACE_DATA"] = str(side_files)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        if saved is None:
            os.environ.pop("NARRATRACE_DATA", None)
        else:
            os.environ["NARRATRACE_DATA"] = saved
        create_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
