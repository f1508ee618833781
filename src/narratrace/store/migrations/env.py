"""Alembic environment: runs on the connection that ``narratrace.store`` hands over."""

from __future__ import annotations

from alembic import context

from narratrace.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")


def run() -> None:
    if connection is None:  # command-line use: alembic -x url=sqlite:///file.db upgrade head
        from sqlalchemy import create_engine

        url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///narratrace.db")
        with create_engine(url).connect() as conn:
            context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
