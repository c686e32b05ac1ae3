"""The PostgreSQL side of the search module (``app.services.search`` calls it; nobody else does).

Same behaviour as FTS5 on SQLite: tone-, case- and đ-insensitive, every word in any order, the
last one a prefix; ranked with a length-normalised ``ts_rank`` (lower score is better, like
bm25's). Petitions are matched over their stored folded key ``petition.search_key`` through a
GIN expression index (revision 0010); everything else over ``search_doc``, whose ``tsvector``
the server's triggers fold with ``doithoai_fold`` (built from ``app.domain.text.search_key``).

The search module speaks one small query language (FTS5's: ``"word"`` terms, a trailing ``*``
for a prefix, ``OR`` between alternatives); :func:`tsquery` turns it into a ``tsquery`` here, so
callers build the same expression whichever database is open.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Select,
    Subquery,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session

from app.storage.models import Petition

_TERM = re.compile(r'"([^"]*)"(\*?)')
# ts_rank normalisation 1: divide by 1 + log(length), so a short petition that says it all
# outranks a long one that mentions it once (what bm25's length term does on SQLite).
_NORMALISATION = 1
CONFIG = "'simple'::regconfig"

SEARCH_DOC = table("search_doc", column("rowid", BigInteger()), column("body"))


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "").replace("'", "") + "'"


def tsquery(expression: str) -> str | None:
    """The ``tsquery`` text of a search-module expression (``"a" "b"*`` or ``"a" OR "b"``)."""
    any_word = " OR " in expression
    terms = [
        _lexeme(word) + (":*" if star else "")
        for word, star in _TERM.findall(expression)
        if word.replace("'", "").replace("\\", "")
    ]
    if not terms:
        return None
    return (" | " if any_word else " & ").join(terms)


def petition_vector() -> ColumnElement[Any]:
    # Exactly the expression of ix_petition_search_tsv, so the planner uses the index.
    return func.to_tsvector(literal_column(CONFIG), Petition.search_key)


def _query(name: str, expression: str) -> ColumnElement[Any]:
    return func.to_tsquery(literal_column(CONFIG), bindparam(name, tsquery(expression) or "''"))


def matching_ids(expression: str) -> Select[Any]:
    return select(Petition.id).where(petition_vector().bool_op("@@")(_query("pg_match_query", expression)))


def ranked_matches(expression: str) -> Subquery:
    query = _query("pg_rank_query", expression)
    vector = petition_vector()
    rank = (-func.ts_rank(vector, query, _NORMALISATION)).cast(Float())
    return (
        select(Petition.id.label("id"), rank.label("rank"))
        .where(vector.bool_op("@@")(query))
        .subquery("fts_match")
    )


def match_count(session: Session, expression: str, *, at_most: int | None = None) -> int:
    matches = matching_ids(expression)
    if at_most is not None:
        matches = matches.limit(at_most)
    return int(session.scalar(select(func.count()).select_from(matches.subquery())) or 0)


def ranked_ids(session: Session, expression: str, *, limit: int) -> list[tuple[int, float]]:
    matches = ranked_matches(expression)
    rows = session.execute(
        select(matches.c.id, matches.c.rank).order_by(matches.c.rank, matches.c.id).limit(limit)
    )
    return [(int(ident), float(score)) for ident, score in rows]


def raw(session: Session, sql: str, params: tuple[Any, ...]) -> list[Any]:
    """The search module's qmark SQL through psycopg's ``%s`` placeholders."""
    return list(session.connection().exec_driver_sql(sql.replace("?", "%s"), params).fetchall())


def fast_ranked(
    session: Session, code: int, shift: int, expression: str, limit: int, *, newest_first: bool = False
) -> list[tuple[int, float]]:
    """Hits of one kind by rank, or newest first (dated records: the SQLite search's order)."""
    q = tsquery(expression)
    if q is None:
        return []
    order = "d.rowid DESC" if newest_first else "score, d.rowid"
    rows = raw(
        session,
        "SELECT d.rowid - ?, -ts_rank(d.body, q, ?) AS score FROM search_doc d,"
        f" to_tsquery({CONFIG}, ?) q WHERE d.body @@ q AND d.rowid BETWEEN ? AND ?"
        f" ORDER BY {order} LIMIT ?",
        (code * shift, _NORMALISATION, q, code * shift, (code + 1) * shift - 1, limit),
    )
    return [(int(i), float(r)) for i, r in rows]


def doc_source(expression: str) -> tuple[Any, ColumnElement[Any], ColumnElement[Any]]:
    """(the search_doc table, its rank column, its match condition) for a filtered search."""
    query = _query("pg_all_query", expression)
    rank = (-func.ts_rank(SEARCH_DOC.c.body, query, _NORMALISATION)).cast(Float())
    return SEARCH_DOC, rank, SEARCH_DOC.c.body.bool_op("@@")(query)


def fast_petition_rows(session: Session, expression: str, limit: int) -> list[Any]:
    q = tsquery(expression)
    if q is None:
        return []
    return raw(
        session,
        "SELECT p.id, p.petitioner_name, p.is_anonymous, p.hamlet_text, h.name, p.content, p.dialogue_id,"
        " p.received_on, d.title, coalesce(d.started_at, d.scheduled_at), m.rank"
        f" FROM (SELECT id, -ts_rank(to_tsvector({CONFIG}, search_key), q, ?) AS rank"
        f" FROM petition, to_tsquery({CONFIG}, ?) q WHERE to_tsvector({CONFIG}, search_key) @@ q"
        " ORDER BY rank, id LIMIT ?) m"
        " JOIN petition p ON p.id = m.id LEFT JOIN hamlet h ON h.id = p.hamlet_id"
        " LEFT JOIN dialogue d ON d.id = p.dialogue_id WHERE p.deleted_at IS NULL ORDER BY m.rank, p.id LIMIT ?",
        (_NORMALISATION, q, limit + 8, limit),
    )
