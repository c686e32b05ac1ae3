"""Alembic environment: always driven from app.storage.migrate with a connection handed in."""

from __future__ import annotations

from alembic import context

from app.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded for someone running plain `alembic`
    raise RuntimeError("run migrations through app.storage.migrate, which supplies the connection")


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # The FTS5 indexes and their shadow tables are made by hand (revisions 0002, 0009), not by the models.
    return not (type_ == "table" and name is not None and name.startswith(("petition_fts", "search_fts")))


context.configure(
    connection=connection,
    include_object=include_object,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables
    transactional_ddl=True,  # the whole upgrade is one transaction: all or nothing
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
