"""Options and error handling shared by the sub-commands."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..config import DEFAULT_STORE, ConfigError, Settings, environ, load_settings
from ..store import Store, StoreError, open_store

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_CRASH = 70  # EX_SOFTWARE of sysexits.h: a bug or a failing machine, not bad input
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl+C

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = DEFAULT_STORE



def _resolve_db(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """--db, else $NARRATRACE_DB, else the configuration's [store] url, else narratrace.db."""
    if value:
        return value
    config = ctx.params.get("config_path") or environ("NARRATRACE_CONFIG")
    try:
        settings = load_settings(config) if config else Settings()
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    return settings.store()


db_option = click.option(
    "--db",
    default=None,
    callback=_resolve_db,
    show_default="$NARRATRACE_DB, else [store] url, else narratrace.db",
    help="SQLite file or SQLAlchemy URL (postgresql+psycopg://user@host/db).",
)

# The one --config of every command that reads the configuration (eager: --db may come from it).
config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default=None, is_eager=True,
    help="TOML configuration file (default: $NARRATRACE_CONFIG, else built-in defaults).",
)


def checked_settings(config_path: str | None) -> Settings:
    """The configuration, with every stage and stage option checked (a usage error if not)."""
    from ..pipeline import check_settings
    from ..stages import UnknownStageError

    try:
        settings = load_settings(config_path)
        check_settings(settings)
    except (ConfigError, UnknownStageError) as exc:
        raise click.UsageError(str(exc)) from None
    return settings


def open_db(db: str, must_exist: bool = False) -> Store:
    """Open the store, turning database problems into usage errors that say how to fix them."""
    if must_exist and "://" not in db and not os.path.exists(db):
        raise click.UsageError(
            f"no database at {db!r}. Run `narratrace analyze PATH... --db {db}` first, "
            "or pass --db with the file you analysed into."
        )
    try:
        return open_store(db)
    except StoreError as exc:
        raise click.UsageError(str(exc)) from None
    except Exception as exc:  # driver missing, server down, permission denied
        raise click.UsageError(f"cannot open database {db!r}: {exc}") from None


def output_stream(path: str | None) -> Any:
    """Standard output unless ``-o FILE`` was given."""
    if path in (None, "-"):
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise click.UsageError(f"cannot write {path!r}: {exc.strerror}") from None


def handle_broken_pipe(func: F) -> F:
    """`narratrace export | head` must not print a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_OK)

    return wrapper  # type: ignore[return-value]
