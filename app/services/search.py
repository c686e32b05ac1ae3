"""Search: the folded keys, the FTS5 index over them, and the queries that use it.

This module is the one seam between the product and its full-text engine. On SQLite it owns the
FTS5 table ``petition_fts`` (revision 0002: external content over ``petition.search_key``, kept
in step by triggers; prefix indexes since 0015), the tables ``search_fts_<kind>`` of everything
else a user searches for (0009, one per kind since 0015) and ``petition.search_key`` (folded: no
tones, đ→d, lower case, so "Đặng" and "dang", "hòa" and "hoà" meet). On PostgreSQL the same
functions run over full-text indexes of the same folded text (``app.services.search_pg``, revision
0010): callers never write MATCH themselves, and pass ``dialect_of(session)`` where a statement is
built without a session.

Every change that affects a key refreshes it **in the same transaction** as the change: creating
or editing a petition, the live minutes' autosave, and renaming a thôn (its petitions are
re-keyed at once, so a search by the new name finds them before the commit is even over).
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    Subquery,
    Table,
    bindparam,
    column,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.rules import PetitionStatus
from app.domain.text import petitioner_label, search_key, search_words, sort_key
from app.storage.models import (
    Answer,
    Conclusion,
    Dialogue,
    Hamlet,
    MinuteEntry,
    Petition,
    Plan,
    ResolutionUpdate,
)

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


def _write_keys(session: Session, changes: list[dict[str, Any]]) -> None:
    """Store re-computed keys with a Core UPDATE: a key follows the data, it is not an edit, so
    it neither checks nor bumps the petition's version (another PC's open form stays valid)."""
    petition = cast(Table, Petition.__table__)
    session.execute(
        update(petition).where(petition.c.id == bindparam("key_id")).values(search_key=bindparam("key")),
        [{"key_id": change["id"], "key": change["search_key"]} for change in changes],
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
        _write_keys(session, changes)
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
        _write_keys(session, changes)
    return changed + len(changes)


# --- bulk loads -----------------------------------------------------------------------------
# A bulk load (the benchmark history: 100 000 petitions, 190 000 minute lines) fed through the
# triggers pays FTS5 row by row, interleaved with the tables' own pages: half the load's time.
# Instead the triggers are set aside, and afterwards each index is filled from its table in one
# statement by the trigger's own body, then merged into one segment.


@dataclass(frozen=True)
class PausedIndex:
    """The FTS5 triggers set aside by :func:`pause_index_triggers`: (name, table, SQL) each."""

    triggers: tuple[tuple[str, str, str], ...]
    tables: tuple[str, ...]  # the FTS5 tables they keep


FILL_HASH_BYTES = 64 * 2**20  # FTS5's pending-terms buffer while filling (default 1 MiB)
DEFAULT_HASH_BYTES = 2**20
_TRIGGER_BODY = re.compile(r"\bBEGIN\b(.*)\bEND\s*$", re.IGNORECASE | re.DOTALL)
_AFTER_INSERT = re.compile(r"\bAFTER\s+INSERT\s+ON\b", re.IGNORECASE)


def pause_index_triggers(session: Session) -> PausedIndex:
    """Drop every trigger that writes an FTS5 table (SQLite; nothing on a server).

    Rows written until :func:`fill_paused_index` are not searchable: for a load that builds a
    file nobody uses meanwhile, in its own transactions.
    """
    if _on_server(session):
        return PausedIndex((), ())
    conn = session.connection()
    tables = tuple(
        name
        for (name,) in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'"
            " ORDER BY name"
        )
    )
    words = [re.compile(rf"\b{re.escape(name)}\b") for name in tables]
    triggers = tuple(
        (name, table_name, sql)
        for name, table_name, sql in conn.exec_driver_sql(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        )
        if any(word.search(sql) for word in words)
    )
    for name, _table, _sql in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    return PausedIndex(triggers, tables)


def fill_paused_index(session: Session, paused: PausedIndex) -> None:
    """Put the triggers back and fill their indexes from what the tables hold now.

    Each AFTER INSERT trigger's own body runs once per row of its table (through an INSTEAD OF
    trigger on a temporary view of the table, so ``new.`` means the same), which is what the
    triggers leave behind for rows inserted, updated or deleted one by one: the update triggers
    delete and insert again, the delete triggers remove. Then each index is merged into one segment.
    """
    if not paused.triggers:
        return
    conn = session.connection()
    for table_name in paused.tables:
        # Start empty: an external-content table (petition_fts) is cleared with 'delete-all'.
        shadow = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (f"{table_name}_content",)
        ).first()
        if shadow is not None:
            conn.exec_driver_sql(f'DELETE FROM "{table_name}"')
        else:
            conn.exec_driver_sql(f'INSERT INTO "{table_name}"("{table_name}") VALUES (\'delete-all\')')
        # A larger buffer writes each index in a few large segments instead of hundreds of small
        # ones that 'optimize' would merge again (a third of the fill's time).
        _set_hash_size(conn, table_name, FILL_HASH_BYTES)
    for _name, _source, sql in paused.triggers:
        conn.exec_driver_sql(sql)
    left = list(paused.tables)
    for name, source, sql in paused.triggers:
        body = _TRIGGER_BODY.search(sql)
        if body is None or not _AFTER_INSERT.search(sql[: body.start()]):
            continue
        view = f"fill_{name}"
        conn.exec_driver_sql(f'CREATE TEMP VIEW "{view}" AS SELECT * FROM main."{source}"')
        conn.exec_driver_sql(
            f'CREATE TEMP TRIGGER "{view}_row" INSTEAD OF INSERT ON "{view}" BEGIN {body.group(1)} END'
        )
        conn.exec_driver_sql(f'INSERT INTO "{view}" SELECT * FROM main."{source}"')
        conn.exec_driver_sql(f'DROP VIEW "{view}"')
        # Done with these indexes: write their buffers out now (one at a time in memory).
        for table_name in [t for t in left if re.search(rf"\b{re.escape(t)}\b", body.group(1))]:
            _optimize(conn, table_name)
            left.remove(table_name)
    for table_name in left:
        _optimize(conn, table_name)


def _optimize(conn: Any, table_name: str) -> None:
    # 'optimize' writes out the buffer and merges what is on disk into one segment.
    settle_index_levels(conn, table_name)
    _set_hash_size(conn, table_name, DEFAULT_HASH_BYTES)


def settle_index_levels(conn: Any, table_name: str) -> None:
    """Merge ``table_name`` into one segment that no small merge of new entries will touch.

    'optimize' puts the merged segment above level 0, where each later commit adds its small
    segment, except when the index is one segment already (a fill that fit in the buffer): it
    then leaves it on level 0, so the upkeep's small merges of the new segments dragged the
    whole index along, 16 pages a step, until the crisis merge finished it inside an autosave
    (1.6 s on 100 000 petitions). Writing one row again first (the same words; its rowid, the
    last, makes FTS5 write what it holds as a segment of its own) gives it two to merge.
    """
    table = f'"{table_name}"'
    column = conn.exec_driver_sql(f"SELECT name FROM pragma_table_info('{table_name}') LIMIT 1").scalar()
    if column is not None:
        conn.exec_driver_sql(
            f'UPDATE {table} SET "{column}" = "{column}" WHERE rowid = (SELECT max(rowid) FROM {table})'
        )
    conn.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def _set_hash_size(conn: Any, table_name: str, size: int) -> None:
    import contextlib

    from sqlalchemy.exc import OperationalError

    # An SQLite without the setting: the fill is only slower.
    with contextlib.suppress(OperationalError):
        conn.exec_driver_sql(
            f'INSERT INTO "{table_name}"("{table_name}", rank) VALUES (\'hashsize\', {int(size)})'
        )


# --- queries --------------------------------------------------------------------------------


def dialect_of(session: Session) -> str:
    """``"sqlite"`` or ``"postgresql"``: which engine's search the statements are built for."""
    return session.get_bind().dialect.name


def _on_server(session: Session) -> bool:
    return dialect_of(session) == "postgresql"


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


def search_condition(query: str, dialect: str = "sqlite") -> ColumnElement[bool] | None:
    """A WHERE condition on ``Petition`` for what the user typed, or ``None`` for no search."""
    expression = match_expression(query)
    if expression is None:
        return None
    if dialect == "postgresql":
        from app.services import search_pg

        return Petition.id.in_(search_pg.matching_ids(expression))
    return Petition.id.in_(matching_ids(expression))


PETITION_FTS = table("petition_fts", column("rowid", Integer()))


def newest_matches(query: str, dialect: str = "sqlite") -> tuple[Any, ColumnElement[bool]] | None:
    """For a list of the matches newest first: (the FTS5 table to join on ``rowid = petition.id``,
    its MATCH condition); ``None`` for no search, and on PostgreSQL (there :func:`search_condition`
    with ORDER BY id is the same list).

    ORDER BY ``PETITION_FTS.c.rowid`` DESC (or ASC) is then FTS5's own order: SQLite walks the
    matches from the newest and stops at the page's end, where ``id IN (matches)`` built the list
    of every match first (36 000 for "thôn Đông") before reading the first row.
    """
    expression = match_expression(query)
    if expression is None or dialect == "postgresql":
        return None
    condition = text("petition_fts MATCH :fts_newest_query").bindparams(fts_newest_query=expression)
    return PETITION_FTS, cast(ColumnElement[bool], condition)


def ranked_matches(query: str, dialect: str = "sqlite") -> Subquery | None:
    """The matches of what the user typed as a subquery ``(id, rank)``; ``None`` for no search.

    Join it to ``petition`` and ORDER BY ``rank`` (bm25, lower is better) with a LIMIT: SQLite
    keeps only the best page while it scans the matches instead of sorting all of them.
    """
    expression = match_expression(query)
    if expression is None:
        return None
    if dialect == "postgresql":
        from app.services import search_pg

        return search_pg.ranked_matches(expression)
    return (
        select(
            literal_column("petition_fts.rowid", type_=Integer()).label("id"),
            literal_column("petition_fts.rank", type_=Float()).label("rank"),
        )
        .select_from(text("petition_fts"))
        .where(text("petition_fts MATCH :fts_rank_query").bindparams(fts_rank_query=expression))
        .subquery("fts_match")
    )


def best_matches(query: str, window: int, dialect: str = "sqlite") -> Subquery | None:
    """The ``window`` best matches as a subquery ``(id, rank)``, cut inside SQLite before any
    petition row is read; ``None`` for no search, and on PostgreSQL (use :func:`ranked_matches`).

    For the search box alone: SQLite keeps the best ``window`` of the bm25 scores in a small
    heap (``ORDER BY rank, rowid LIMIT``, ties by id as the list breaks them) and only those
    rows are joined to ``petition``, instead of joining every match and sorting them all. A
    list page past the window, or one short of deleted petitions, asks again without it.
    """
    expression = match_expression(query)
    if expression is None or dialect == "postgresql":
        return None
    return (
        select(
            literal_column("petition_fts.rowid", type_=Integer()).label("id"),
            literal_column("petition_fts.rank", type_=Float()).label("rank"),
        )
        .select_from(text("petition_fts"))
        .where(text("petition_fts MATCH :fts_best_query").bindparams(fts_best_query=expression))
        .order_by(literal_column("petition_fts.rank"), literal_column("petition_fts.rowid"))
        .limit(window)
        .subquery("fts_best")
    )


RANKED_MATCHES_LIMIT = 3000  # beyond this many matches, bm25 ranks noise: newest first instead


def match_count(session: Session, query: str, *, at_most: int | None = None) -> int:
    """How many petitions the FTS index matches for what was typed (deleted ones included).

    ``at_most``: stop counting there (the answer is then ``min(count, at_most)``), so asking
    whether a common word matches more than a few thousand does not count all 36 000.
    """
    expression = match_expression(query)
    if expression is None:
        return 0
    if _on_server(session):
        from app.services import search_pg

        return search_pg.match_count(session, expression, at_most=at_most)
    connection = session.connection()
    if at_most is None:
        sql, params = "SELECT count(*) FROM petition_fts WHERE petition_fts MATCH ?", (expression,)
    else:
        sql = "SELECT count(*) FROM (SELECT 1 FROM petition_fts WHERE petition_fts MATCH ? LIMIT ?)"
        params = (expression, at_most)  # type: ignore[assignment]
    return int(connection.exec_driver_sql(sql, params).scalar() or 0)


def rankable(session: Session, query: str) -> bool:
    """Whether a list searched by ``query`` is ordered by relevance.

    Ranking computes bm25 for every match; for a word found in tens of thousands of petitions
    ("đường") that costs more than the list may take and ranks little, so such a search lists
    the newest matches first, which FTS5 reads in rowid order and stops at the page's end.
    """
    if match_expression(query) is None:
        return False
    return match_count(session, query, at_most=RANKED_MATCHES_LIMIT + 1) <= RANKED_MATCHES_LIMIT


def ranked_ids(session: Session, expression: str, *, limit: int) -> list[tuple[int, float]]:
    """The best ``limit`` matches of an FTS5 expression as (petition id, bm25 score), best first.

    ORDER BY rank with a LIMIT runs inside FTS5, which keeps only the best rows.
    """
    if _on_server(session):
        from app.services import search_pg

        return search_pg.ranked_ids(session, expression, limit=limit)
    rows = session.execute(
        text("SELECT rowid, rank FROM petition_fts WHERE petition_fts MATCH :q ORDER BY rank LIMIT :n"),
        {"q": expression, "n": limit},
    ).all()
    return [(int(ident), float(score)) for ident, score in rows]


# --- search everywhere ------------------------------------------------------------------------
# Petitions are found through petition_fts (above); every other kind through its own table
# ``search_fts_<kind>`` (revision 0015), rowid = the row's id. Each kind is searched apart, with
# a LIMIT inside FTS5 (a search costs what it returns, not what it matches):
#
# - petitions: the newest PETITION_RANK_CANDIDATES matches ranked by bm25 (every match of all
#   but the commonest words, so an old petition that says it best is found; ranking every match
#   up to the list's RANKED_MATCHES_LIMIT cost search everywhere 10 ms more for "giấy chứng nhận");
# - the small kinds: the newest RANK_CANDIDATES matches, ranked by bm25 inside
#   SQLite. FTS5 walks a word's rows newest first and stops at the LIMIT; bm25 is computed for
#   those rows only, never for the tens of thousands that "thôn đông" matches;
# - answers, results and minute lines (a hundred thousand rows each): newest first. bm25 counts
#   every word over its whole table before it scores a row (10–30 ms per kind on a large
#   history), and these are dated records that read best in time order anyway.


class SearchKind(enum.StrEnum):
    PETITION = "petition"
    ANSWER = "answer"
    UPDATE = "update"
    MINUTE = "minute"
    CONCLUSION = "conclusion"
    PLAN = "plan"
    DIALOGUE = "dialogue"
    PERSON = "person"
    HAMLET = "hamlet"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    SearchKind.PETITION: "Ý kiến, kiến nghị",
    SearchKind.ANSWER: "Trả lời tại hội nghị",
    SearchKind.UPDATE: "Kết quả giải quyết",
    SearchKind.MINUTE: "Biên bản (dòng ghi)",
    SearchKind.CONCLUSION: "Kết luận",
    SearchKind.PLAN: "Kế hoạch",
    SearchKind.DIALOGUE: "Hội nghị",
    SearchKind.PERSON: "Người (lãnh đạo, người trả lời)",
    SearchKind.HAMLET: "Thôn, tổ dân phố",
}
RANK_CANDIDATES = 300  # the newest matches of a kind that bm25 ranks
PETITION_RANK_CANDIDATES = 1000  # the same for petitions (bm25 over 1 000 costs ~2 ms more)
NEWEST_FIRST = frozenset({SearchKind.ANSWER, SearchKind.UPDATE, SearchKind.MINUTE})


def fts_table(kind: SearchKind) -> str:
    """The FTS5 table of a kind (revision 0015)."""
    return "petition_fts" if kind is SearchKind.PETITION else f"search_fts_{kind.value}"


# The code of each kind in PostgreSQL's search_doc rowids (the numbers of SQLite's 0009 search_fts).
KIND_CODES = {
    SearchKind.ANSWER: 1,
    SearchKind.UPDATE: 2,
    SearchKind.MINUTE: 3,
    SearchKind.CONCLUSION: 4,
    SearchKind.PLAN: 5,
    SearchKind.DIALOGUE: 6,
    SearchKind.PERSON: 7,
    SearchKind.HAMLET: 8,
}
SHIFT = 2**32
_PETITION_LINKED = (SearchKind.ANSWER, SearchKind.UPDATE)
_DIALOGUE_LINKED = (SearchKind.MINUTE, SearchKind.CONCLUSION, SearchKind.DIALOGUE)
SNIPPET_LENGTH = 160


@dataclass(frozen=True)
class SearchFilter:
    """Filters that combine with the words; field, thôn, unit, status and due keep petition kinds only."""

    year: int | None = None
    field_id: int | None = None
    hamlet_id: int | None = None
    unit_id: int | None = None
    statuses: tuple[PetitionStatus, ...] = ()
    due: str | None = None  # "near" | "overdue"

    @property
    def petitions_only(self) -> bool:
        return bool(
            self.field_id is not None
            or self.hamlet_id is not None
            or self.unit_id is not None
            or self.statuses
            or self.due
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year, "field_id": self.field_id, "hamlet_id": self.hamlet_id,
            "unit_id": self.unit_id, "statuses": [s.value for s in self.statuses], "due": self.due,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SearchFilter:
        return cls(
            year=data.get("year"), field_id=data.get("field_id"), hamlet_id=data.get("hamlet_id"),
            unit_id=data.get("unit_id"), statuses=tuple(PetitionStatus(s) for s in data.get("statuses") or ()),
            due=data.get("due"),
        )  # fmt: skip


@dataclass(frozen=True)
class SearchHit:
    """One thing found: what it is, a piece of its text with the matching words, where it belongs."""

    kind: SearchKind
    id: int
    title: str  # the first line: who, or the plan's number
    snippet: str
    marks: tuple[tuple[int, int], ...]  # (start, end) of the matching words in ``snippet``
    score: float  # bm25, lower is better
    dialogue_id: int | None = None
    dialogue_title: str = ""
    day: date | None = None
    petition_id: int | None = None  # the petition an answer or a result belongs to
    plan_id: int | None = None

    def marked(self, start: str = "[", end: str = "]") -> str:
        """``snippet`` with each matching word wrapped (``<b>``…``</b>`` on screen)."""
        out, last = [], 0
        for a, b in self.marks:
            out += [self.snippet[last:a], start, self.snippet[a:b], end]
            last = b
        out.append(self.snippet[last:])
        return "".join(out)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value, "id": self.id, "title": self.title, "snippet": self.snippet,
            "marks": [list(m) for m in self.marks], "score": round(self.score, 4),
            "dialogue_id": self.dialogue_id, "dialogue_title": self.dialogue_title,
            "day": self.day.isoformat() if self.day else None, "petition_id": self.petition_id,
            "plan_id": self.plan_id,
        }  # fmt: skip


@dataclass
class SearchResults:
    query: str
    groups: list[tuple[SearchKind, list[SearchHit]]] = field(default_factory=list)

    @property
    def hits(self) -> list[SearchHit]:
        return [hit for _kind, hits in self.groups for hit in hits]


_WORD = re.compile(r"\w+")
# A commune's texts use a few thousand distinct words: fold each once, not once per hit shown.
_word_key = functools.lru_cache(maxsize=1 << 15)(search_key)


def word_marks(value: str, query: str) -> tuple[tuple[int, int], ...]:
    """Where the words of ``query`` occur in ``value`` (folded like the index: tones, case, đ)."""
    words = search_words(query)
    if not words:
        return ()
    whole, prefix = set(words[:-1]), words[-1]
    found = []
    for match in _WORD.finditer(value):
        key = _word_key(match.group())
        if key in whole or key.startswith(prefix):
            found.append((match.start(), match.end()))
    return tuple(found)


def snippet(value: str, query: str, length: int = SNIPPET_LENGTH) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A piece of ``value`` around its first matching word, with the marks inside it."""
    value = " ".join((value or "").split())
    marks = word_marks(value, query)
    if len(value) <= length:
        return value, marks
    first = marks[0][0] if marks else 0
    start = max(0, min(first - length // 3, len(value) - length))
    if start:
        space = value.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    piece = value[start : start + length]
    lead = "…" if start else ""
    tail = "…" if start + length < len(value) else ""
    shift = len(lead) - start
    inside = tuple((a + shift, b + shift) for a, b in marks if a >= start and b <= start + length)
    return lead + piece + tail, inside


def _ranked_in_kind(
    session: Session, kind: SearchKind, expression: str, flt: SearchFilter, limit: int
) -> list[tuple[int, float]]:
    """The filtered search of one kind: the same LIMITs inside SQLite, the filter joined in."""
    from app.services.petitions import PetitionFilter, meeting_moment_sql, petition_conditions

    if _on_server(session):
        return _ranked_in_kind_server(session, kind, expression, flt, limit)
    name = fts_table(kind)
    fts = table(name, column("rowid", Integer()))
    ident = fts.c.rowid.label("ident")
    stmt = select(ident).where(text(f"{name} MATCH :fts_all").bindparams(fts_all=expression))
    if kind in _PETITION_LINKED and (flt.petitions_only or flt.year is not None):
        source = Answer if kind is SearchKind.ANSWER else ResolutionUpdate
        stmt = stmt.join(source, source.id == fts.c.rowid).join(Petition, Petition.id == source.petition_id)
        pflt = PetitionFilter(
            year=flt.year, field_id=flt.field_id, hamlet_id=flt.hamlet_id, unit_id=flt.unit_id,
            statuses=flt.statuses, due=flt.due,
        )  # fmt: skip
        stmt = stmt.where(*petition_conditions(session, pflt))
    elif kind in _DIALOGUE_LINKED and flt.year is not None:
        if kind is SearchKind.DIALOGUE:
            stmt = stmt.join(Dialogue, Dialogue.id == fts.c.rowid)
        else:
            source2 = MinuteEntry if kind is SearchKind.MINUTE else Conclusion
            stmt = stmt.join(source2, source2.id == fts.c.rowid).join(
                Dialogue, Dialogue.id == source2.dialogue_id
            )
        moment = meeting_moment_sql()
        stmt = stmt.where(moment >= datetime(flt.year, 1, 1), moment < datetime(flt.year + 1, 1, 1))
    elif kind is SearchKind.PLAN and flt.year is not None:
        stmt = stmt.join(Plan, Plan.id == fts.c.rowid).where(Plan.year == flt.year)
    newest = stmt.order_by(fts.c.rowid.desc())
    if kind in NEWEST_FIRST:
        ids = session.scalars(newest.limit(limit)).all()
        return [(int(i), float(n)) for n, i in enumerate(ids)]
    candidates = newest.add_columns(literal_column(f"bm25({name})", Float()).label("score"))
    inner = candidates.limit(RANK_CANDIDATES).subquery("candidates")
    rows = session.execute(select(inner.c.ident, inner.c.score).order_by(inner.c.score).limit(limit)).all()
    return [(int(i), float(r)) for i, r in rows]


def _ranked_in_kind_server(
    session: Session, kind: SearchKind, expression: str, flt: SearchFilter, limit: int
) -> list[tuple[int, float]]:
    """:func:`_ranked_in_kind` on PostgreSQL: one document table, each kind a rowid range."""
    from app.services import search_pg
    from app.services.petitions import PetitionFilter, meeting_moment_sql, petition_conditions

    code = KIND_CODES[kind]
    source, rank, matches = search_pg.doc_source(expression)
    rowid = source.c.rowid
    ident = (rowid - code * SHIFT).label("ident")
    stmt = select(ident, rank.label("rank")).where(
        matches, rowid.between(code * SHIFT, (code + 1) * SHIFT - 1)
    )
    if kind in _PETITION_LINKED and (flt.petitions_only or flt.year is not None):
        linked = Answer if kind is SearchKind.ANSWER else ResolutionUpdate
        stmt = stmt.join(linked, linked.id == rowid - code * SHIFT).join(
            Petition, Petition.id == linked.petition_id
        )
        pflt = PetitionFilter(
            year=flt.year, field_id=flt.field_id, hamlet_id=flt.hamlet_id, unit_id=flt.unit_id,
            statuses=flt.statuses, due=flt.due,
        )  # fmt: skip
        stmt = stmt.where(*petition_conditions(session, pflt))
    elif kind in _DIALOGUE_LINKED and flt.year is not None:
        if kind is SearchKind.DIALOGUE:
            stmt = stmt.join(Dialogue, Dialogue.id == rowid - code * SHIFT)
        else:
            source2 = MinuteEntry if kind is SearchKind.MINUTE else Conclusion
            stmt = stmt.join(source2, source2.id == rowid - code * SHIFT).join(
                Dialogue, Dialogue.id == source2.dialogue_id
            )
        moment = meeting_moment_sql()
        stmt = stmt.where(moment >= datetime(flt.year, 1, 1), moment < datetime(flt.year + 1, 1, 1))
    elif kind is SearchKind.PLAN and flt.year is not None:
        stmt = stmt.join(Plan, Plan.id == rowid - code * SHIFT).where(Plan.year == flt.year)
    order = (rowid.desc(),) if kind in NEWEST_FIRST else (rank, rowid)  # as on SQLite
    rows = session.execute(stmt.order_by(*order).limit(limit)).all()
    return [(int(i), float(r)) for i, r in rows]


def _dialogue_context(session: Session, ids: set[int]) -> dict[int, tuple[str, date | None]]:
    if not ids:
        return {}
    rows = _raw(
        session,
        f"SELECT id, title, coalesce(started_at, scheduled_at) FROM dialogue WHERE id IN ({', '.join('?' * len(ids))})",
        sorted(ids),
    )
    return {int(i): (t or "Hội nghị đối thoại", _day(moment)) for i, t, moment in rows}


def _petition_hits(
    session: Session, query: str, flt: SearchFilter, limit: int, today: date | None
) -> list[SearchHit]:
    from app.services.petitions import PetitionFilter, petition_ids_statement, scoped

    pflt = scoped(session, PetitionFilter(
        query=query, year=flt.year, field_id=flt.field_id, hamlet_id=flt.hamlet_id, unit_id=flt.unit_id,
        statuses=flt.statuses, due=flt.due,
    ))  # fmt: skip
    from app.services import settings

    ids = list(
        session.scalars(
            petition_ids_statement(
                pflt,
                today=today or date.today(),
                near_due_days=settings.near_due_days(session),
                dialect=dialect_of(session),
            ).limit(limit)
        )
    )
    if not ids:
        return []
    rows = {
        r[0]: r
        for r in session.execute(
            select(
                Petition.id, Petition.petitioner_name, Petition.is_anonymous, Petition.is_group, Petition.hamlet_text,
                Hamlet.name, Petition.content, Petition.dialogue_id, Petition.received_on,
            )
            .outerjoin(Hamlet, Hamlet.id == Petition.hamlet_id)
            .where(Petition.id.in_(ids))
        )
    }  # fmt: skip
    context = _dialogue_context(session, {r[7] for r in rows.values() if r[7] is not None})
    hits = []
    for n, pid in enumerate(ids):
        _id, name, anonymous, group, typed, hamlet, content, dialogue_id, received = rows[pid]
        dtitle, day = context.get(dialogue_id, ("", received)) if dialogue_id else ("", received)
        hits.append(
            _petition_hit(
                query,
                pid,
                name,
                (anonymous, group),
                typed,
                hamlet,
                content,
                dialogue_id,
                dtitle,
                day,
                float(n),
            )
        )
    return hits


def _day(value: object) -> date | None:
    """A date or timestamp as the SQLite driver returns it (ISO text) or as SQLAlchemy does."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# Raw SQL on the hot path: SQLAlchemy's statement building costs more than SQLite's search here.
# Each returns (id, title, body, dialogue id, petition id, plan id, day) for ids IN (...).
_DETAIL_SQL = {
    SearchKind.ANSWER: "SELECT a.id, a.answerer_name, a.content, p.dialogue_id, a.petition_id, NULL, a.at"
    " FROM answer a JOIN petition p ON p.id = a.petition_id WHERE a.id IN ({})",
    SearchKind.UPDATE: "SELECT u.id, u.reply_number, trim(u.result || ' ' || u.reason), p.dialogue_id, u.petition_id,"
    ' NULL, u."on" FROM resolution_update u JOIN petition p ON p.id = u.petition_id WHERE u.id IN ({})',
    SearchKind.MINUTE: "SELECT id, speaker, content, dialogue_id, NULL, NULL, at FROM minute_entry WHERE id IN ({})",
    SearchKind.CONCLUSION: "SELECT id, '', content, dialogue_id, NULL, NULL, NULL FROM conclusion WHERE id IN ({})",
    SearchKind.PLAN: "SELECT id, CASE WHEN number IS NULL THEN 'Kế hoạch ' || symbol || ' năm ' || year"
    " ELSE 'Kế hoạch số ' || number || '/' || symbol END, title, NULL, NULL, id, issued_on"
    ' FROM "plan" WHERE id IN ({})',
    SearchKind.DIALOGUE: "SELECT id, title, trim(title || ' ' || place), id, NULL, NULL,"
    " coalesce(started_at, scheduled_at) FROM dialogue WHERE id IN ({})",
    SearchKind.PERSON: "SELECT id, 'Lãnh đạo', CASE WHEN title <> '' THEN full_name || ', ' || title"
    " ELSE full_name END, NULL, NULL, NULL, NULL FROM leader WHERE id IN ({})",
    SearchKind.HAMLET: "SELECT id, 'Thôn, tổ dân phố', name, NULL, NULL, NULL, NULL FROM hamlet WHERE id IN ({})",
}
_DEFAULT_TITLES = {
    SearchKind.ANSWER: "Trả lời",
    SearchKind.UPDATE: "Kết quả giải quyết",
    SearchKind.MINUTE: "Biên bản",
    SearchKind.CONCLUSION: "Kết luận",
    SearchKind.DIALOGUE: "Hội nghị đối thoại",
}


def _raw(session: Session, sql: str, params: Sequence[Any]) -> list[Any]:
    if _on_server(session):
        from app.services import search_pg

        return search_pg.raw(session, sql, tuple(params))
    return list(session.connection().exec_driver_sql(sql, tuple(params)).fetchall())


def _details(
    session: Session, kind: SearchKind, ids: list[int]
) -> dict[int, tuple[str, str, int | None, int | None, int | None, date | None]]:
    """(title, text, dialogue id, petition id, plan id, day) of each found row."""
    if not ids:
        return {}
    sql = _DETAIL_SQL[kind].format(", ".join("?" * len(ids)))
    out: dict[int, tuple[str, str, int | None, int | None, int | None, date | None]] = {}
    for ident, title, body, did, pid, plan_id, day in _raw(session, sql, ids):
        if kind is SearchKind.UPDATE:
            title = f"Văn bản {title}" if title else ""
        out[int(ident)] = (title or _DEFAULT_TITLES.get(kind, ""), body or "", did, pid, plan_id, _day(day))
    return out


def _fast_ranked(session: Session, kind: SearchKind, expression: str, limit: int) -> list[tuple[int, float]]:
    """The unfiltered search of one kind, LIMIT inside FTS5 (see the note above SearchKind)."""
    if _on_server(session):
        from app.services import search_pg

        return search_pg.fast_ranked(
            session, KIND_CODES[kind], SHIFT, expression, limit, newest_first=kind in NEWEST_FIRST
        )
    name = fts_table(kind)
    if kind in NEWEST_FIRST:
        rows = _raw(
            session,
            f"SELECT rowid FROM {name} WHERE {name} MATCH ? ORDER BY rowid DESC LIMIT ?",
            (expression, limit),
        )
        return [(int(i), float(n)) for n, (i,) in enumerate(rows)]
    rows = _raw(
        session,
        f"SELECT id, score FROM (SELECT rowid AS id, bm25({name}) AS score FROM {name} WHERE {name} MATCH ?"
        " ORDER BY rowid DESC LIMIT ?) ORDER BY score LIMIT ?",
        (expression, RANK_CANDIDATES, limit),
    )
    return [(int(i), float(r)) for i, r in rows]


def _fast_petition_hits(session: Session, query: str, expression: str, limit: int) -> list[SearchHit]:
    if _on_server(session):
        from app.services import search_pg

        return _petition_hits_of(query, search_pg.fast_petition_rows(session, expression, limit))
    rows = _raw(
        session,
        "SELECT p.id, p.petitioner_name, p.is_anonymous, p.is_group, p.hamlet_text, h.name, p.content, p.dialogue_id,"
        " p.received_on, d.title, coalesce(d.started_at, d.scheduled_at), m.score"
        " FROM (SELECT id, score FROM (SELECT rowid AS id, bm25(petition_fts) AS score FROM petition_fts"
        " WHERE petition_fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY score LIMIT ?) m"
        " JOIN petition p ON p.id = m.id LEFT JOIN hamlet h ON h.id = p.hamlet_id"
        " LEFT JOIN dialogue d ON d.id = p.dialogue_id WHERE p.deleted_at IS NULL ORDER BY m.score LIMIT ?",
        (expression, PETITION_RANK_CANDIDATES, limit + 8, limit),  # spare rows for deleted petitions
    )
    return _petition_hits_of(query, rows)


def _petition_hits_of(query: str, rows: Sequence[Any]) -> list[SearchHit]:
    hits = []
    for pid, name, anonymous, group, typed, hamlet, content, did, received, dtitle, moment, rank in rows:
        hits.append(
            _petition_hit(query, pid, name, (anonymous, group), typed, hamlet, content, did,
                          (dtitle or "Hội nghị đối thoại") if did else "", _day(moment) if did else _day(received),
                          float(rank))
        )  # fmt: skip
    return hits


def _petition_hit(
    query: str, pid: int, name: str | None, anonymous_group: tuple[object, object], typed: str | None, hamlet: str | None,
    content: str | None, dialogue_id: int | None, dialogue_title: str, day: date | None, score: float,
) -> SearchHit:  # fmt: skip
    who = petitioner_label(name or "", bool(anonymous_group[0]), bool(anonymous_group[1]))
    place = hamlet or typed or ""
    title = f"{who} – {place}" if place else who
    piece, marks = snippet(content or "", query)
    title_marks = word_marks(title, query)
    if not marks and title_marks:  # found by the name or the thôn: show it in the text line
        piece, marks = snippet(f"{title}: {content or ''}", query)
    return SearchHit(
        SearchKind.PETITION,
        pid,
        title,
        piece,
        marks,
        score,
        dialogue_id,
        dialogue_title,
        day,
        petition_id=pid,
    )


def search_everything(
    session: Session,
    query: str,
    *,
    kinds: Sequence[SearchKind] | None = None,
    flt: SearchFilter = SearchFilter(),
    limit: int = 8,
    today: date | None = None,
) -> SearchResults:
    """The best ``limit`` matches of each kind, grouped by kind, ranked inside SQLite.

    Petitions: bm25 over the newest PETITION_RANK_CANDIDATES matches; the small kinds: over their
    newest RANK_CANDIDATES; answers, results and minute lines: newest first (the note above
    :class:`SearchKind` says why).

    Tone-, case- and đ-insensitive, words in any order, the last word a prefix. Filters on field,
    thôn, unit, status or due keep only petitions and what belongs to them (answers, results).
    """
    results = SearchResults(query)
    expression = match_expression(query)
    if expression is None:
        return results
    wanted = list(kinds) if kinds else list(SearchKind)
    if flt.petitions_only:
        wanted = [k for k in wanted if k is SearchKind.PETITION or k in _PETITION_LINKED]
    elif flt.year is not None:
        wanted = [k for k in wanted if k not in (SearchKind.PERSON, SearchKind.HAMLET)]
    from app.storage.models import WORK_COMMUNE_KEY

    # A commune user's petitions go through the scoped list query (the raw fast path is unscoped).
    plain = flt == SearchFilter() and session.info.get(WORK_COMMUNE_KEY) is None
    for kind in wanted:
        if kind is SearchKind.PETITION:
            if plain:
                hits = _fast_petition_hits(session, query, expression, limit)
            else:
                hits = _petition_hits(session, query, flt, limit, today)
        else:
            if plain:
                ranked = _fast_ranked(session, kind, expression, limit)
            else:
                ranked = _ranked_in_kind(session, kind, expression, flt, limit)
            details = _details(session, kind, [i for i, _s in ranked])
            context = _dialogue_context(session, {d[2] for d in details.values() if d[2] is not None})
            hits = []
            for ident, score in ranked:
                if ident not in details:
                    continue
                title, body, did, pid, plan_id, day = details[ident]
                piece, marks = snippet(body, query)
                dtitle, dday = context.get(did, ("", None)) if did is not None else ("", None)
                hits.append(
                    SearchHit(kind, ident, title, piece, marks, score, did, dtitle, day or dday, pid, plan_id)
                )
        if hits:
            results.groups.append((kind, hits))
    return results


# --- saved searches ----------------------------------------------------------------------------

SAVED_SEARCHES_KEY = "saved_searches"


@dataclass(frozen=True)
class SavedSearch:
    name: str  # "Kiến nghị đất đai quá hạn"
    query: str
    flt: SearchFilter = SearchFilter()
    kinds: tuple[SearchKind, ...] = ()


def saved_searches(session: Session) -> list[SavedSearch]:
    from app.services import settings

    stored = settings.get_setting(session, SAVED_SEARCHES_KEY, []) or []
    found = []
    for item in stored:
        try:
            found.append(
                SavedSearch(
                    str(item["name"]), str(item.get("query", "")), SearchFilter.from_dict(item.get("filter") or {}),
                    tuple(SearchKind(k) for k in item.get("kinds") or ()),
                )
            )  # fmt: skip
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry is skipped, not fatal
    return sorted(found, key=lambda s: sort_key(s.name))


def save_search(session: Session, saved: SavedSearch) -> None:
    """Save (or replace, by name) a named search: the same words and filters, run again later."""
    from app.errors import ValidationError
    from app.services import settings

    name = " ".join(saved.name.split())
    if not name:
        raise ValidationError({"name": "Hãy đặt tên cho danh sách."})
    others = [s for s in saved_searches(session) if search_key(s.name) != search_key(name)]
    entries = [*others, SavedSearch(name, saved.query, saved.flt, saved.kinds)]
    settings.set_setting(
        session,
        SAVED_SEARCHES_KEY,
        [
            {"name": s.name, "query": s.query, "filter": s.flt.as_dict(), "kinds": [k.value for k in s.kinds]}
            for s in entries
        ],
    )


def delete_saved_search(session: Session, name: str) -> None:
    from app.services import settings

    keep = [s for s in saved_searches(session) if search_key(s.name) != search_key(name)]
    settings.set_setting(
        session,
        SAVED_SEARCHES_KEY,
        [
            {"name": s.name, "query": s.query, "filter": s.flt.as_dict(), "kinds": [k.value for k in s.kinds]}
            for s in keep
        ],
    )
