"""Alembic's environment for the deliverybot schema, run by every Alembic command.

`storage.schema` always hands over the connection (`config.attributes["connection"]`), inside
the transaction that holds the schema lock; the revisions then run in that transaction (Alembic
begins none of its own on a connection already in one). Without a connection (a developer
calling `alembic.command.revision(..., autogenerate=True)` on `storage.schema.alembic_config(url)`)
an engine is made from `sqlalchemy.url` by `storage.db.make_engine`, as the bot makes its own.

`render_as_batch`: on SQLite, ALTERs that SQLite lacks are run as copy-and-move of the table
(`op.batch_alter_table`), which `storage.schema` makes safe by switching foreign keys off around
the transaction and checking them before it commits.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from storage.db import make_engine
from storage.tables import UTCDateTime

config = context.config


def _render_item(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes the database's types, so a revision never imports the models."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and isinstance(obj, AutoString):
        return f"sa.String({obj.length})" if obj.length else "sa.String()"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
        render_item=_render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise RuntimeError("offline (--sql) migrations are not supported: run them on a database")
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url: use storage.schema.alembic_config(url)")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


_main()
