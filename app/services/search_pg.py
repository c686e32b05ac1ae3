"""The PostgreSQL side of the search module (``app.services.search`` calls it; nobody else does).

Same behaviour as FTS5 on SQLite: tone-, case- and đ-insensitive, every word in any order, the
last one a prefix; ranked with a length-normalised ``ts_rank`` (lower score is better, like
bm25's). Petitions are matched over ``petition.search_tsv``, the ``tsvector`` of their stored
folded key ``search_key`` kept by the server (a generated column, revision 0025) under a GIN
index; everything else over ``search_doc``, whose ``tsvector`` the server's triggers fold with
``doithoai_fold`` (built from ``app.domain.text.search_key``), each kind a partition of its own
(its rowid range, revision 0025) with its own statistics and GIN index.

The unfiltered search ranks as SQLite's does (app.services.search, the note above SearchKind):
the newest few hundred matches of a kind (a thousand petitions), not all of them. At a
province's size a common word matches a hundred thousand rows; ranking them all took seconds,
while the newest ones come straight off the primary key.

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


# The stored tsvector of search_key (revision 0025): matching and ranking read it instead of
# computing to_tsvector again for every row looked at (about 50 µs a row).
PETITION_VECTOR = "petition.search_tsv"


def petition_vector() -> ColumnElement[Any]:
    return literal_column(PETITION_VECTOR)


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


# Finding the newest matches of a word. The planner cannot pick the way itself: a word it has no
# statistics for (a name, a prefix) it guesses at 0.5 % of the rows, and for a word no answer
# contains it walked all the answers backwards looking for eight (0.5 s). So:
# 1. the newest ``window`` rows are looked at (the primary key backwards): a common word's newest
#    matches are there;
# 2. else, when the word is still common enough (the matches seen there say how common), the
#    primary key backwards on, until ``count`` are found;
# 3. else the word is rare: all its matches (up to ``gather``) through the GIN index, the newest
#    picked from them; as many as ``gather``: the primary key backwards after all.
WINDOW_PER_HIT = 20  # rows looked at first per match wanted …
WINDOW = (2000, 20000)  # … within these bounds
BACKWARD_ROWS = 50_000  # walk the primary key on when the count wanted is expected within this many rows
GATHER = 1000
PETITION_GATHER = 2000


def _newest(
    session: Session, source: str, key: str, vector: str, q: str, count: int, gather: int
) -> list[int]:
    """The keys of the newest ``count`` rows of ``source`` whose ``vector`` matches ``q``."""
    match = f"{vector} @@ to_tsquery({CONFIG}, ?)"
    backward = f"SELECT {key} FROM {source} WHERE {match} ORDER BY {key} DESC LIMIT ?"
    window = min(max(count * WINDOW_PER_HIT, WINDOW[0]), WINDOW[1])
    seen = raw(
        session,
        f"SELECT {key} FROM (SELECT {key}, {vector} FROM {source} ORDER BY {key} DESC LIMIT ?) w"
        f" WHERE {match} ORDER BY {key} DESC LIMIT ?",
        (window, q, count),
    )
    if len(seen) >= count:
        return [int(k) for (k,) in seen]
    if seen and count * window / len(seen) <= BACKWARD_ROWS:
        return [int(k) for (k,) in raw(session, backward, (q, count))]
    found = raw(session, f"SELECT {key} FROM {source} WHERE {match} LIMIT ?", (q, gather))
    if len(found) < gather:
        return sorted((int(k) for (k,) in found), reverse=True)[:count]
    return [int(k) for (k,) in raw(session, backward, (q, count))]


def kind_table(code: int) -> str:
    """The partition of ``search_doc`` holding one kind's rows (revision 0025): its own
    statistics and its own GIN index."""
    return f"search_doc_{int(code)}"


def fast_ranked(
    session: Session, code: int, shift: int, expression: str, limit: int, *, newest_first: bool = False
) -> list[tuple[int, float]]:
    """Hits of one kind newest first (dated records), or by rank among its newest matches
    (``RANK_CANDIDATES``): the SQLite search's orders."""
    from app.services.search import RANK_CANDIDATES

    q = tsquery(expression)
    if q is None:
        return []
    base = code * shift
    newest = _newest(
        session, kind_table(code), "rowid", "body", q, limit if newest_first else RANK_CANDIDATES, GATHER
    )
    if newest_first or not newest:
        return [(rowid - base, float(n)) for n, rowid in enumerate(newest)]
    rows = raw(
        session,
        f"SELECT rowid - ?, -ts_rank(body, to_tsquery({CONFIG}, ?), ?) AS score FROM {kind_table(code)}"
        " WHERE rowid = ANY(?) ORDER BY score, rowid LIMIT ?",
        (base, q, _NORMALISATION, newest, limit),
    )
    return [(int(i), float(r)) for i, r in rows]


def doc_source(expression: str) -> tuple[Any, ColumnElement[Any], ColumnElement[Any]]:
    """(the search_doc table, its rank column, its match condition) for a filtered search."""
    query = _query("pg_all_query", expression)
    rank = (-func.ts_rank(SEARCH_DOC.c.body, query, _NORMALISATION)).cast(Float())
    return SEARCH_DOC, rank, SEARCH_DOC.c.body.bool_op("@@")(query)


def fast_petition_rows(session: Session, expression: str, limit: int) -> list[Any]:
    """The unfiltered petition hits: ``ts_rank`` over the newest ``PETITION_RANK_CANDIDATES``
    matches (SQLite's bm25 window), then the rows the hit list shows."""
    from app.services.search import PETITION_RANK_CANDIDATES

    q = tsquery(expression)
    if q is None:
        return []
    newest = _newest(session, "petition", "id", "search_tsv", q, PETITION_RANK_CANDIDATES, PETITION_GATHER)
    if not newest:
        return []
    return raw(
        session,
        "SELECT p.id, p.petitioner_name, p.is_anonymous, p.is_group, p.hamlet_text, h.name, p.content, p.dialogue_id,"
        " p.received_on, d.title, coalesce(d.started_at, d.scheduled_at), m.rank"
        f" FROM (SELECT id, -ts_rank(search_tsv, to_tsquery({CONFIG}, ?), ?) AS rank FROM petition"
        " WHERE id = ANY(?) ORDER BY rank, id LIMIT ?) m"
        " JOIN petition p ON p.id = m.id LEFT JOIN hamlet h ON h.id = p.hamlet_id"
        " LEFT JOIN dialogue d ON d.id = p.dialogue_id WHERE p.deleted_at IS NULL ORDER BY m.rank, p.id LIMIT ?",
        (q, _NORMALISATION, newest, limit + 8, limit),
    )
