"""``narratrace serve``: the REST API and the dashboard over a store."""

from __future__ import annotations

import os

import click

from .common import checked_settings, config_option, db_option, open_db


@click.command("serve")
@db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind; the default keeps the server private to this machine.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes; one per core serves more analysts at once.",
)
@config_option
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def serve_command(db: str, host: str, port: int, workers: int, config_path: str | None, log_level: str) -> None:
    """Serve the dashboard and the REST API (/api/, /openapi.json).

    Reading is open to whoever can reach the server; analysing new articles
    (POST /api/analyze) needs `Authorization: Bearer TOKEN` with the token from
    $NARRATRACE_TOKEN or the [serve] section of the configuration.
    """
    from ..web import serve
    from ..web.server import check_port

    settings = checked_settings(config_path)
    problem = check_port(host, port)
    if problem:
        raise click.UsageError(f"{problem}; is another server running there? Pick another --port")
    if "://" not in db and not os.path.exists(db):  # a typo must not look like an empty corpus
        click.echo(f"narratrace: no database at {db!r}: serving a new, empty one "
                   "(analyses posted to it are stored there)", err=True)
    store = open_db(db, must_exist=False)
    click.echo(f"narratrace: serving {db} on http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    if not settings.token:
        click.echo(
            "narratrace: no token configured, so POST /api/analyze is refused (set $NARRATRACE_TOKEN to allow it)",
            err=True,
        )
    if config_path:
        os.environ["NARRATRACE_CONFIG"] = config_path  # for worker processes
    serve(store, settings, host=host, port=port, workers=workers, log_level=log_level)


commands = [serve_command]
