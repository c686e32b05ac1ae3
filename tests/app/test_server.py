"""Opening a server database: each way it can fail is its own typed problem, nothing is touched.

The tests that need a server use the one of DOITHOAI_TEST_PG_URL (tests/pg_server.sh) and skip
without it; the others need none (a closed port, a malformed URL, the messages psycopg gives).
"""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine, make_url, text

from app.storage import server
from app.storage.database import Database
from app.storage.migrate import head_revision
from tests.conftest import PgServer


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_does_not_answer_is_server_down() -> None:
    with pytest.raises(server.ServerDown) as caught:
        Database.open_url(f"postgresql+psycopg://doithoai@127.0.0.1:{_closed_port()}/xa", password="bí mật")
    assert caught.value.reason is server.Reason.SERVER_DOWN
    assert "bí mật" not in str(caught.value) and "127.0.0.1" in caught.value.where


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://user@/db",
        "postgresql+psycopg://user@host/",
        "mysql://user@host/db",
        "::not a url",
    ],
)
def test_a_malformed_url_is_refused_before_connecting(url: str) -> None:
    with pytest.raises(server.BadUrl):
        server.server_url(url)


def test_the_driver_and_the_password_are_set_and_never_shown() -> None:
    url = server.server_url("postgresql://can_bo@10.0.0.5:5433/xa_an_binh", "mật khẩu")
    assert url.drivername == "postgresql+psycopg" and url.password == "mật khẩu"
    assert server.display_url(url) == "postgresql://can_bo:***@10.0.0.5:5433/xa_an_binh"
    assert server.is_server_url("postgresql+psycopg://a@b/c") and not server.is_server_url(
        r"C:\dữ liệu\a.sqlite"
    )


@pytest.mark.parametrize(
    ("message", "sqlstate", "kind"),
    [
        ('FATAL:  password authentication failed for user "can_bo"', None, server.WrongPassword),
        ("fe_sendauth: no password supplied", None, server.PasswordRequired),
        ('FATAL:  database "xa_moi" does not exist', None, server.NoSuchDatabase),
        ('FATAL:  role "can_bo" does not exist', None, server.NoSuchRole),
        ("permission denied for table petition", "42501", server.NoPrivilege),
        ('connection to server at "10.0.0.5", port 5432 failed: Connection refused', None, server.ServerDown),
        ('connection to server at "x" failed: timeout expired', None, server.ServerDown),
        ('could not translate host name "may-chu" to address', None, server.ServerDown),
    ],
)
def test_psycopg_failures_map_to_their_problem(message: str, sqlstate: str | None, kind: type) -> None:
    class Failure(Exception):
        pass

    failure = Failure(message)
    failure.sqlstate = sqlstate  # type: ignore[attr-defined]
    problem = server.classify(failure, "postgresql://can_bo@may-chu/xa")
    assert type(problem) is kind
    assert problem.where == "postgresql://can_bo@may-chu/xa"


@pytest.fixture
def blank(pg_server: PgServer):  # type: ignore[no-untyped-def]
    """An empty server database (no tables) and its URL with the password."""
    name = f"{pg_server.prefix}_blank"
    pg_server.drop(name)
    pg_server._execute(f'CREATE DATABASE "{name}"')
    yield pg_server.url_of(name)
    pg_server.drop(name)


def _without_password(url: str) -> tuple[str, str | None]:
    parsed = make_url(url)
    # URL.set ignores None, so the password is dropped through the named tuple.
    return parsed._replace(password=None).render_as_string(hide_password=False), parsed.password


def test_an_empty_server_database_gets_the_schema_and_works(blank: str) -> None:
    bare, password = _without_password(blank)
    db = Database.open_url(bare, password=password)
    try:
        assert db.on_server and db.path is None and db.location.startswith("postgresql://")
        assert not password or password not in db.location
        assert db.migration is not None and db.migration.to_revision == head_revision()
        with db.transaction() as session:
            from app.services import catalog

            catalog.add_entry(session, "hamlet", "Thôn Đông")
        with db.reading() as session:
            assert [e.name for e in catalog.list_entries(session, "hamlet")] == ["Thôn Đông"]
    finally:
        db.close()
    Database.open_url(blank).close()  # at head: opens again without migrating


def test_a_wrong_or_missing_password_and_a_missing_database(blank: str) -> None:
    bare, password = _without_password(blank)
    if not password:
        pytest.skip("the test server asks for no password")
    with pytest.raises(server.WrongPassword) as wrong:
        Database.open_url(bare, password=password + "x")
    assert wrong.value.reason is server.Reason.WRONG_PASSWORD
    with pytest.raises(server.PasswordRequired):
        Database.open_url(bare)
    missing = make_url(blank).set(database="khong_co_csdl_nay").render_as_string(hide_password=False)
    with pytest.raises(server.NoSuchDatabase):
        Database.open_url(missing)


def _set_revision(url: str, revision: str) -> None:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_newer_older_and_foreign_schemas_are_refused_untouched(blank: str) -> None:
    Database.open_url(blank).close()
    _set_revision(blank, "9999")
    with pytest.raises(server.SchemaTooNew) as too_new:
        Database.open_url(blank)
    assert (too_new.value.current, too_new.value.head) == ("9999", head_revision())
    _set_revision(blank, "0009")
    with pytest.raises(server.SchemaTooOld) as too_old:
        Database.open_url(blank, allow_upgrade=False)
    assert too_old.value.current == "0009"
    engine = create_engine(make_url(blank).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    with pytest.raises(server.NotOurDatabase):
        Database.open_url(blank)


def test_the_migrated_server_schema_matches_the_models(blank: str) -> None:
    """Revisions 0001…head run unchanged on PostgreSQL and give the models' schema there too."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.storage.models import Base

    Database.open_url(blank).close()
    engine = create_engine(make_url(blank).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    # search_doc (partitioned by kind, 0025) and its triggers, and petition's stored
                    # tsvector: PostgreSQL's search index (revisions 0010, 0025)
                    "include_object": lambda obj, name, type_, reflected, compare_to: (
                        not (
                            (type_ == "table" and (name or "").startswith("search_doc"))
                            or (
                                type_ == "index"
                                and name in ("ix_petition_search_tsv", "ix_petition_search_vector")
                            )
                            or (type_ == "column" and name == "search_tsv")
                        )
                    ),
                },
            )
            diffs = compare_metadata(context, Base.metadata)
            collations = dict(
                conn.execute(
                    text(
                        "SELECT table_name || '.' || column_name, collation_name FROM information_schema.columns"
                        " WHERE column_name IN ('sort_key', 'title_sort', 'petitioner_sort', 'content_sort')"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    expression_indexes = {
        "ix_petition_status_dialogue",
        "ix_petition_dialogue_position",
        "ix_dialogue_moment",
    }
    unexplained = [
        d for d in diffs if not (d[0] in ("add_index", "remove_index") and d[1].name in expression_indexes)
    ]
    assert unexplained == []
    assert set(collations.values()) == {"C"} and len(collations) == 7


def test_a_user_who_may_not_create_the_tables_is_told_so(blank: str, pg_server: PgServer) -> None:
    """PostgreSQL 15 lets only the database's owner create tables in it by default."""
    role = f"{pg_server.prefix}_clerk"
    pg_server._execute(f'DROP ROLE IF EXISTS "{role}"')
    pg_server._execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'thu-ky'")
    try:
        url = make_url(blank).set(username=role, password="thu-ky").render_as_string(hide_password=False)
        with pytest.raises(server.NoPrivilege):
            Database.open_url(url)
    finally:
        pg_server.drop(make_url(blank).database or "")  # its connections end with it
        pg_server._execute(f'DROP ROLE IF EXISTS "{role}"')


def test_without_the_driver_the_problem_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Windows program has no psycopg yet: a server URL is refused with DriverMissing."""
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(server.DriverMissing):
        Database.open_url("postgresql+psycopg://can_bo@127.0.0.1:5432/xa")
