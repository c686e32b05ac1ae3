"""Numbers handed out without races: positions of a dialogue's lines, of a catalogue's entries.

``max(position) + 1`` read in two transactions at once gives both the same number once two PCs
write to one server. Here the number comes from a row of ``counter`` (revision 0010) bumped by
one ``UPDATE … RETURNING``: the row stays locked until the commit, so a second PC allocating at
the same moment waits a few milliseconds and gets the next number. On SQLite a write already
holds the whole file (``BEGIN IMMEDIATE``), and the same statements run unchanged.

A counter starts from what the table already holds (``seed``: the current maximum), so data
written before the counter existed keeps its numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from app.storage.models import Counter

_COUNTER = cast(Table, Counter.__table__)


def _insert_if_missing(session: Session, name: str, value: int) -> None:
    values = {"name": name, "value": value}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(_COUNTER).values(values).on_conflict_do_nothing(index_elements=["name"]))
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(
            sqlite_insert(_COUNTER).values(values).on_conflict_do_nothing(index_elements=["name"])
        )


def _bump(session: Session, name: str) -> int | None:
    stmt = (
        update(_COUNTER)
        .where(_COUNTER.c.name == name)
        .values(value=_COUNTER.c.value + 1)
        .returning(_COUNTER.c.value)
    )
    value = session.execute(stmt).scalar()
    return None if value is None else int(value)


def next_value(session: Session, name: str, seed: Callable[[], int]) -> int:
    """The next number of the sequence ``name``, above ``seed()`` (the table's current maximum),
    within the caller's unit of work: a rollback gives the number back.

    ``seed()`` is read again once the counter row is locked, so rows written without the counter
    (a bulk import, the demo) are counted too; holding the lock, it sees every number that an
    earlier holder committed, so the two together never hand out one number twice.
    """
    value = _bump(session, name)
    if value is None:
        # Two PCs may both get here: the second INSERT waits for the first's commit and does
        # nothing; its UPDATE then counts on from the first's number.
        _insert_if_missing(session, name, seed())
        value = _bump(session, name)
    assert value is not None
    top = seed()
    if value <= top:
        value = top + 1
        session.execute(update(_COUNTER).where(_COUNTER.c.name == name).values(value=value))
    return value


def lock(session: Session, name: str) -> None:
    """Hold the row ``name`` until the commit: a second PC doing the same waits here.

    For a check-then-write that a unique constraint cannot express (one sổ of TB numbers shared
    by two kinds of document): both PCs check only after taking the lock, so the second sees
    the first's number.
    """
    if _bump(session, name) is None:
        _insert_if_missing(session, name, 0)
        _bump(session, name)


def dialogue_petition_position(session: Session, dialogue_id: int) -> int:
    from sqlalchemy import func, select

    from app.storage.models import Petition

    return next_value(
        session,
        f"petition.position:{dialogue_id}",
        lambda: int(
            session.scalar(select(func.max(Petition.position)).where(Petition.dialogue_id == dialogue_id))
            or 0
        ),
    )


def minute_entry_position(session: Session, dialogue_id: int) -> int:
    from sqlalchemy import func, select

    from app.storage.models import MinuteEntry

    return next_value(
        session,
        f"minute_entry.position:{dialogue_id}",
        lambda: int(
            session.scalar(
                select(func.max(MinuteEntry.position)).where(MinuteEntry.dialogue_id == dialogue_id)
            )
            or 0
        ),
    )


def catalogue_position(session: Session, table: str, max_position: Callable[[], int]) -> int:
    return next_value(session, f"{table}.position", max_position)
