"""The hot queries use their indexes: what EXPLAIN QUERY PLAN says, checked on every run.

A full scan of ``petition`` (wide rows: content, keys) or a sort of every match before the LIMIT
is what made the lists, the filters and the autosave slow on a 100 000-petition history.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.domain.rules import DialogueState, PetitionStatus
from app.services import dialogues, minutes, petitions
from app.services.petitions import PetitionFilter
from app.storage.database import Database
from tests.conftest import TODAY


def _plan(session: Session, statement: str, parameters: object = ()) -> list[str]:
    rows = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()  # type: ignore[arg-type]
    return [row[3] for row in rows]


def _ids_plan(
    session: Session, flt: PetitionFilter, sort: str = "default", descending: bool = False
) -> list[str]:
    stmt = petitions.petition_ids_statement(
        flt, sort=sort, descending=descending, today=TODAY, near_due_days=7, ranked=False
    ).limit(50)
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return _plan(session, str(compiled))


def _full_scans(plan: list[str], table: str = "petition") -> list[str]:
    """Steps that read every row of ``table`` from the table itself (index scans are fine)."""
    return [step for step in plan if step.split()[:2] == ["SCAN", table] and "INDEX" not in step]


@pytest.mark.parametrize(
    ("flt", "sort", "descending"),
    [
        (PetitionFilter(), "default", False),
        (PetitionFilter(), "default", True),
        (PetitionFilter(), "content", False),
        (PetitionFilter(), "content", True),
        (PetitionFilter(), "petitioner", False),
        (PetitionFilter(statuses=(PetitionStatus.ANSWERED,)), "default", False),
        (PetitionFilter(statuses=(PetitionStatus.RESOLVED,)), "default", True),
        (PetitionFilter(dialogue_id=1), "default", False),
        (PetitionFilter(), "deadline", False),
        (PetitionFilter(), "deadline", True),
        (PetitionFilter(), "lead_unit", False),
        (PetitionFilter(), "lead_unit", True),
    ],
)
def test_list_pages_come_straight_off_an_index(
    demo_db: Database, flt: PetitionFilter, sort: str, descending: bool
) -> None:
    with demo_db.reading() as session:
        plan = _ids_plan(session, flt, sort, descending)
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan  # no sort of every match
    assert not _full_scans(plan), plan


@pytest.mark.parametrize(
    "flt",
    [
        PetitionFilter(hamlet_id=1),
        PetitionFilter(field_id=1),
        PetitionFilter(unit_id=1),
        PetitionFilter(due="near"),
        PetitionFilter(due="overdue"),
        PetitionFilter(year=2026),
        PetitionFilter(query="duong lang"),
    ],
)
def test_filters_never_read_every_petition_row(demo_db: Database, flt: PetitionFilter) -> None:
    with demo_db.reading() as session:
        for sort in ("default", "hamlet", "field", "status"):
            plan = _ids_plan(session, flt, sort)
            assert not _full_scans(plan), (sort, plan)


def test_autosave_and_the_live_window_use_their_indexes(demo_db: Database) -> None:
    with demo_db.reading() as session:
        rows = dialogues.list_dialogues(session, today=TODAY)
    dialogue_id = next(r.id for r in rows if r.state == DialogueState.PLANNED and r.scheduled_at)
    with demo_db.transaction() as session:
        minutes.start_dialogue(session, dialogue_id)
        petition_id, _entry = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="Lê Văn Tám", content="Đường")
        )
    seen: list[tuple[str, object]] = []

    def before(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(demo_db.engine, "before_cursor_execute", before)
    try:
        with demo_db.transaction() as session:
            minutes.update_opinion(
                session, petition_id, minutes.OpinionInput(petitioner_name="Lê Văn Tám", content="Đường hỏng")
            )
        autosave = list(seen)
        seen.clear()
        with demo_db.reading() as session:
            minutes.live_dialogue(session, dialogue_id)
        live = list(seen)
        seen.clear()
        with demo_db.reading() as session:
            minutes.known_speakers(session)
        speakers = list(seen)
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", before)

    with demo_db.reading() as session:
        for statement, parameters in autosave + live:
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
                plan = _plan(session, statement, parameters)
                for table in ("petition", "minute_entry", "answer", "assignment"):
                    assert not _full_scans(plan, table), (statement, plan)
        (speaker_query,) = [(s, p) for s, p in speakers if "petitioner_name" in s]
        plan = _plan(session, *speaker_query)
        # A backward walk of the primary key that stops at the LIMIT: no grouping, no sort.
        assert not any("TEMP B-TREE" in step for step in plan), plan
