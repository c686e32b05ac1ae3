"""A throwaway PostgreSQL database for tests, when ``DOITHOAI_TEST_PG_URL`` names one.

The database the variable names is wiped (its ``public`` schema dropped and made again) by
every test that uses it: point it only at a database made for the tests.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine, create_engine, text

PG_URL = os.environ.get("DOITHOAI_TEST_PG_URL", "")
needs_pg = pytest.mark.skipif(not PG_URL, reason="DOITHOAI_TEST_PG_URL is not set")


def wiped_pg_engine() -> Engine:
    engine = create_engine(PG_URL, hide_parameters=True)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


def migrated_pg_engine() -> Engine:
    """An empty database at the newest revision, made by the real migrations when they run on
    PostgreSQL; until then (revisions 0002 and 0009 build SQLite FTS5 tables) by the models'
    own DDL, stamped with the head revision."""
    from app.errors import MigrationError
    from app.storage.migrate import head_revision
    from app.storage.models import Base
    from app.storage.urls import upgrade_server

    engine = wiped_pg_engine()
    try:
        upgrade_server(engine)
        return engine
    except MigrationError:
        pass
    engine.dispose()
    engine = wiped_pg_engine()
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": head_revision()})
    return engine
