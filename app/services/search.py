"""Search: the folded keys, the FTS5 index over them, and the queries that use it.

This module is the one seam between the product and its full-text engine. On SQLite it owns the
FTS5 table ``petition_fts`` (revision 0002: external content over ``petition.search_key``, kept
in step by triggers) and ``petition.search_key`` (folded: no tones, đ→d, lower case, so "Đặng"
and "dang", "hòa" and "hoà" meet). A PostgreSQL backend will implement the same functions over a
``tsvector`` (or ``pg_trgm``) column: callers never write MATCH themselves.

Every change that affects a key refreshes it **in the same transaction** as the change: creating
or editing a petition, the live minutes' autosave, and renaming a thôn (its petitions are
re-keyed at once, so a search by the new name finds them before the commit is even over).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Float, Integer, Select, Subquery, literal_column, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.text import search_key, search_words
from app.storage.models import Hamlet, Petition

_QUOTE = re.compile(r'"')


# --- keys -----------------------------------------------------------------------------------


def petition_search_key(petitioner_name: str, hamlet: str, content: str) -> str:
    """The folded text a petition is found by: who, which thôn, what."""
    return search_key(f"{petitioner_name} {hamlet} {content}")


def petition_hamlet_name(session: Session, petition: Petition) -> str:
    """The thôn a petition shows: its Danh mục entry, else the name typed in the live minutes."""
    if petition.hamlet_id is not None:
        hamlet = session.get(Hamlet, petition.hamlet_id)
        if hamlet is not None:
            return hamlet.name
    return petition.hamlet_text or ""


def refresh_petition_key(session: Session, petition: Petition) -> None:
    """Recompute one petition's key from what it holds now (call after changing it)."""
    petition.search_key = petition_search_key(
        petition.petitioner_name or "", petition_hamlet_name(session, petition), petition.content or ""
    )


def refresh_keys_for_hamlet(session: Session, hamlet_id: int) -> int:
    """Re-key every petition of one thôn (after a rename); returns how many changed.

    Runs inside the caller's transaction; the FTS5 triggers follow each UPDATE of the key.
    """
    hamlet = session.get(Hamlet, hamlet_id)
    if hamlet is None:
        return 0
    session.flush()
    rows = session.execute(
        select(Petition.id, Petition.petitioner_name, Petition.content, Petition.search_key).where(
            Petition.hamlet_id == hamlet_id
        )
    ).all()
    changes = []
    for ident, name, content, old in rows:
        new = petition_search_key(name or "", hamlet.name, content or "")
        if new != old:
            changes.append({"id": ident, "search_key": new})
    if changes:
        session.execute(update(Petition), changes)
        # Objects already loaded in this session must not write their stale key back.
        for change in changes:
            loaded = session.identity_map.get(session.identity_key(Petition, change["id"]))  # type: ignore[arg-type]
            if isinstance(loaded, Petition):
                set_committed_value(loaded, "search_key", change["search_key"])
    return len(changes)


def refresh_all_keys(session: Session) -> int:
    """Re-key every petition (maintenance; a bulk import that bypassed the services)."""
    changed = 0
    for (hamlet_id,) in session.execute(select(Hamlet.id)).all():
        changed += refresh_keys_for_hamlet(session, hamlet_id)
    rows = session.execute(
        select(
            Petition.id, Petition.petitioner_name, Petition.hamlet_text, Petition.content, Petition.search_key
        ).where(Petition.hamlet_id.is_(None))
    ).all()
    changes = [
        {"id": ident, "search_key": new}
        for ident, name, typed, content, old in rows
        if (new := petition_search_key(name or "", typed or "", content or "")) != old
    ]
    if changes:
        session.execute(update(Petition), changes)
    return changed + len(changes)


# --- queries --------------------------------------------------------------------------------


def _quoted(word: str) -> str:
    return '"' + _QUOTE.sub("", word) + '"'


def match_expression(query: str) -> str | None:
    """The FTS5 query for what a user typed: every word, in any order, the last one a prefix.

    ``None`` when nothing searchable was typed (punctuation only, blanks).
    """
    words = search_words(query)
    if not words:
        return None
    return " ".join([_quoted(w) for w in words[:-1]] + [_quoted(words[-1]) + "*"])


def any_word_expression(words: Sequence[str]) -> str | None:
    """An FTS5 query matching any of ``words`` (the live "similar petition" hint ranks by bm25)."""
    unique = [w for w in dict.fromkeys(words) if w]
    if not unique:
        return None
    return " OR ".join(_quoted(w) for w in unique)


def matching_ids(expression: str) -> Select[tuple[int]]:
    """``SELECT rowid`` of the petitions matching an FTS5 expression (for ``IN (...)``)."""
    return (
        select(literal_column("rowid", type_=Petition.id.type))
        .select_from(text("petition_fts"))
        .where(text("petition_fts MATCH :fts_query").bindparams(fts_query=expression))
    )


def search_condition(query: str) -> ColumnElement[bool] | None:
    """A WHERE condition on ``Petition`` for what the user typed, or ``None`` for no search."""
    expression = match_expression(query)
    if expression is None:
        return None
    return Petition.id.in_(matching_ids(expression))


def ranked_matches(query: str) -> Subquery | None:
    """The matches of what the user typed as a subquery ``(id, rank)``; ``None`` for no search.

    Join it to ``petition`` and ORDER BY ``rank`` (bm25, lower is better) with a LIMIT: SQLite
    keeps only the best page while it scans the matches instead of sorting all of them.
    """
    expression = match_expression(query)
    if expression is None:
        return None
    return (
        select(
            literal_column("petition_fts.rowid", type_=Integer()).label("id"),
            literal_column("petition_fts.rank", type_=Float()).label("rank"),
        )
        .select_from(text("petition_fts"))
        .where(text("petition_fts MATCH :fts_rank_query").bindparams(fts_rank_query=expression))
        .subquery("fts_match")
    )


RANKED_MATCHES_LIMIT = 3000  # beyond this many matches, bm25 ranks noise: newest first instead


def match_count(session: Session, query: str) -> int:
    """How many petitions the FTS index matches for what was typed (deleted ones included)."""
    expression = match_expression(query)
    if expression is None:
        return 0
    return int(
        session.scalar(
            text("SELECT count(*) FROM petition_fts WHERE petition_fts MATCH :q"), {"q": expression}
        )
        or 0
    )


def rankable(session: Session, query: str) -> bool:
    """Whether a list searched by ``query`` is ordered by relevance.

    Ranking computes bm25 for every match; for a word found in tens of thousands of petitions
    ("đường") that costs more than the list may take and ranks little, so such a search lists
    the newest matches first, which SQLite reads straight off the primary key.
    """
    if match_expression(query) is None:
        return False
    return match_count(session, query) <= RANKED_MATCHES_LIMIT


def ranked_ids(session: Session, expression: str, *, limit: int) -> list[tuple[int, float]]:
    """The best ``limit`` matches of an FTS5 expression as (petition id, bm25 score), best first.

    ORDER BY rank with a LIMIT runs inside FTS5, which keeps only the best rows.
    """
    rows = session.execute(
        text("SELECT rowid, rank FROM petition_fts WHERE petition_fts MATCH :q ORDER BY rank LIMIT :n"),
        {"q": expression, "n": limit},
    ).all()
    return [(int(ident), float(score)) for ident, score in rows]
