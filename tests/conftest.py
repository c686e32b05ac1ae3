"""Test set-up: Qt offscreen before any Qt import; data and settings in tmp_path, never the real ones.

The ``db`` fixture is a fresh SQLite file per test. When ``DOITHOAI_TEST_PG_URL`` names a
PostgreSQL server where the tests may create and drop databases (``tests/pg_server.sh`` starts
a throwaway one), every test in a module marked ``pg`` runs a second time on a fresh server
database, copied from a template migrated once per run (``CREATE DATABASE … TEMPLATE``).
Tests of the SQLite file itself are marked ``sqlite_only`` and never get the server.
Modules marked ``pg_extended`` (documents, reports, imports: the same services over more data)
run on the server only with ``DOITHOAI_TEST_PG_ALL=1``, which keeps ``make test`` within its
15 minutes; ``pg`` modules (storage, lists, follow-up, minutes, search, concurrency) always do.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the developer's real keyring: tests that need one install tests.app.memory_keyring's.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.storage.database import Database

# A fixed "today" makes derived figures (overdue, còn N ngày) reproducible.
TODAY = date(2026, 11, 21)
PG_URL = os.environ.get("DOITHOAI_TEST_PG_URL", "").strip()
PG_ALL = os.environ.get("DOITHOAI_TEST_PG_ALL", "") == "1"
_numbers = itertools.count(1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_kind" not in metafunc.fixturenames:  # asked for by db and demo_db
        return
    node = metafunc.definition
    on_server = node.get_closest_marker("pg") or (PG_ALL and node.get_closest_marker("pg_extended"))
    if PG_URL and on_server and not node.get_closest_marker("sqlite_only"):
        metafunc.parametrize("db_kind", ["sqlite", "pg"], indirect=True, scope="function")


@pytest.fixture
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DOITHOAI_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def program_logging() -> Iterator[None]:
    """A test that starts the program (ui.main.run, the CLI) gets its log handler, and loses it
    after: a handler left on the root logger writes to this test's closed output stream (or its
    tmp folder) for every later test, and a log line that fails costs a traceback each time."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


class PgServer:
    """The test server: a migrated template database and fresh copies of it."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, make_url

        self.base = make_url(url).set(drivername="postgresql+psycopg")
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT", poolclass=_null_pool())
        self.prefix = f"doithoai_t{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._demo_template: str | None = None
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}"')
        self._execute(f"CREATE DATABASE \"{self.template}\" ENCODING 'UTF8' TEMPLATE template0")
        Database.open_url(self.url_of(self.template)).close()

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def url_of(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def fresh(self, template: str | None = None) -> str:
        """A new database copied from the template (migrated, empty); its name."""
        name = f"{self.prefix}_{next(_numbers)}"
        self._execute(f'DROP DATABASE IF EXISTS "{name}"')
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template or self.template}"')
        return name

    def demo_template(self) -> str:
        """A template holding the demo commune (built once: the build is the slow part on a server)."""
        if self._demo_template is None:
            from app.services.demo import build_demo

            name = f"{self.prefix}_demo"
            self._execute(f'DROP DATABASE IF EXISTS "{name}"')
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            database = Database.open_url(self.url_of(name))
            with database.transaction() as session:
                build_demo(session, today=TODAY)
            database.close()
            self._demo_template = name
        return self._demo_template

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._demo_template is not None:
            self.drop(self._demo_template)
        self.drop(self.template)
        self.admin.dispose()


def _null_pool() -> type:
    from sqlalchemy.pool import NullPool

    return NullPool


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if not PG_URL:
        pytest.skip("DOITHOAI_TEST_PG_URL is not set: no PostgreSQL server for this run")
    server = PgServer(PG_URL)
    yield server
    server.close()


@pytest.fixture
def db(tmp_path: Path, db_kind: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    if db_kind == "pg":
        server: PgServer = request.getfixturevalue("pg_server")
        name = server.fresh()
        database = Database.open_url(server.url_of(name))
        yield database
        database.close()
        server.drop(name)
        return
    database = Database.open(tmp_path / "test.sqlite", create=True)
    yield database
    database.close()


@pytest.fixture
def demo_db(db_kind: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    if db_kind == "pg":
        server: PgServer = request.getfixturevalue("pg_server")
        name = server.fresh(server.demo_template())
        database = Database.open_url(server.url_of(name))
        yield database
        database.close()
        server.drop(name)
        return
    from app.services.demo import build_demo

    db: Database = request.getfixturevalue("db")
    with db.transaction() as session:
        build_demo(session, today=TODAY)
    yield db
