"""The province bench generator (benchmarks/province.py): its copies speak of their own commune,
and what it writes directly is what the program and the server's triggers would have written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from app.domain.text import PETITION_CONTENT_KEY_LENGTH, collation_key, person_collation_key, petitioner_label
from app.services.search import petition_search_key
from benchmarks import province
from tests.conftest import PgServer

# The province is a PostgreSQL bench (its copies are written by the server itself): no SQLite run.
pytestmark = pytest.mark.pg


@pytest.fixture(scope="module")
def built(pg_server: PgServer) -> Iterator[Engine]:
    name = pg_server.fresh()
    url = pg_server.url_of(name)
    province.build_province(url, communes=4, petitions=900, templates=2, seed=3)
    engine = create_engine(url)
    yield engine
    engine.dispose()
    pg_server.drop(name)


def test_search_doc_holds_what_the_triggers_compute(built: Engine) -> None:
    sources, shift = province._revision_0010().SOURCES, province._revision_0010().SHIFT
    with built.connect() as conn:
        stored = dict(conn.execute(text("SELECT rowid, body::text FROM search_doc")).all())
        expected = {}
        for table, (code, body, condition) in sources.items():
            where = f" WHERE {condition.format(r='t')}" if condition else ""
            expected.update(
                conn.execute(
                    text(
                        f"SELECT {code}::bigint * {shift} + t.id, to_tsvector('simple'::regconfig,"
                        f' doithoai_fold({body.format(r="t")}))::text FROM "{table}" t{where}'
                    )
                ).all()
            )
    assert len(stored) > 3000
    assert stored == expected


def test_petitions_keys_are_what_the_program_computes(built: Engine) -> None:
    with built.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.petitioner_name, p.is_anonymous, p.is_group, coalesce(h.name, p.hamlet_text), p.content,"
                " p.search_key, p.petitioner_sort, p.content_sort FROM petition p"
                " LEFT JOIN hamlet h ON h.id = p.hamlet_id"
            )
        ).all()
        hamlets = conn.execute(text("SELECT name, sort_key FROM hamlet")).all()
    assert len(rows) == 900
    for name, anonymous, group, hamlet, content, key, name_sort, content_sort in rows:
        assert key == petition_search_key(name, hamlet, content)
        assert name_sort == person_collation_key(petitioner_label(name, anonymous, group))
        assert content_sort == collation_key(content, length=PETITION_CONTENT_KEY_LENGTH)
    assert all(sort == collation_key(name) for name, sort in hamlets)


def test_each_copy_speaks_of_its_own_commune(built: Engine) -> None:
    with built.connect() as conn:
        communes = conn.execute(text("SELECT c.id, c.name FROM commune c ORDER BY c.id")).all()
        assert len(communes) == 4

        def words(commune_id: int, sql: str) -> set[str]:
            return set(conn.execute(text(sql), {"c": commune_id}).scalars())

        by_org = " JOIN organization o ON o.id = {}.organization_id WHERE o.commune_id = :c"
        hamlet_sql = "SELECT name FROM hamlet WHERE commune_id = :c"
        content_sql = "SELECT p.content FROM petition p" + by_org.format("p")
        name_sql = (
            "SELECT p.petitioner_name FROM petition p" + by_org.format("p") + " AND p.petitioner_name <> ''"
        )
        plan_sql = "SELECT pl.title FROM plan pl" + by_org.format("pl")
        (first, _first_name), (_second, _n), (copy, copy_name) = communes[0], communes[1], communes[2]
        # Copy 1 of the first template: its thôn, sentences, people and plans are its own.
        assert len(words(copy, hamlet_sql)) == len(words(first, hamlet_sql)) == 30
        assert not words(copy, hamlet_sql) & words(first, hamlet_sql)
        # Most of its sentences too (a few plain ones, naming nothing and said the usual way, remain).
        assert len(words(copy, content_sql) & words(first, content_sql)) < len(words(first, content_sql)) / 10
        assert len(words(copy, name_sql) & words(first, name_sql)) < len(words(first, name_sql)) / 4
        place = copy_name.removeprefix("Xã ")
        assert all(place in title for title in words(copy, plan_sql))
        assert not any(place in title for title in words(first, plan_sql))
