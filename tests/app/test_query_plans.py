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


@pytest.mark.parametrize("descending", [False, True])
def test_the_sort_by_dialogue_date_walks_the_dialogues_in_meeting_order(
    demo_db: Database, descending: bool
) -> None:
    """Ngày hội nghị: the dialogues in meeting order off their index, each one's petitions by
    position; no step reads every petition (the old plan scanned them all, read each wide row
    for received_on and sorted all of them before the LIMIT: 160 ms on 100 000)."""
    with demo_db.reading() as session:
        plan = _ids_plan(session, PetitionFilter(), "dialogue_date", descending)
    assert "SCAN meeting USING INDEX ix_dialogue_moment" in plan, plan
    assert "SEARCH petition USING COVERING INDEX ix_petition_dialogue_position (dialogue_id=?)" in plan, plan
    assert not [step for step in plan if step.startswith("SCAN petition")], plan
    # Only one dialogue's petitions are sorted at a time; a full sort is of the few outside any
    # held dialogue, found by their dialogue (dialogue_id IS NULL, or one without a date).
    sorted_parts = [n for n, step in enumerate(plan) if step == "USE TEMP B-TREE FOR ORDER BY"]
    assert all(plan[n - 1].endswith("(dialogue_id=?)") for n in sorted_parts), plan


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
        # A backward walk of the narrow index in id order that stops at the LIMIT (no sort of the
        # history); only those newest rows are grouped into distinct speakers.
        assert "SCAN petition USING COVERING INDEX ix_petition_speakers" in plan, plan
        temp = [n for n, step in enumerate(plan) if "TEMP B-TREE" in step]
        walk_done = next((n for n, step in enumerate(plan) if step.startswith("SCAN anon_")), len(plan))
        assert all(n > walk_done for n in temp), plan


OPEN = (PetitionStatus.NEW, PetitionStatus.IN_PROGRESS)  # Theo dõi's default "chưa xong"
THEO_DOI_FILTERS = [
    PetitionFilter(statuses=OPEN),
    PetitionFilter(),  # "mọi tình trạng"
    PetitionFilter(statuses=(PetitionStatus.RESOLVED,)),
    PetitionFilter(statuses=OPEN, due="overdue"),
    PetitionFilter(statuses=OPEN, due="near"),
    PetitionFilter(statuses=OPEN, dialogue_id=1),
    PetitionFilter(statuses=OPEN, year=2026),
    PetitionFilter(statuses=OPEN, field_id=1),
    PetitionFilter(statuses=OPEN, unit_id=1),
    PetitionFilter(statuses=OPEN, hamlet_id=1),
    PetitionFilter(dialogue_id=1),
    PetitionFilter(year=2026),
    PetitionFilter(field_id=1),
    PetitionFilter(unit_id=1),
    PetitionFilter(hamlet_id=1),
]


@pytest.mark.parametrize("flt", THEO_DOI_FILTERS)
@pytest.mark.parametrize("sort", ["deadline", "no_deadline"])  # the two parts of the deadline order
def test_theo_doi_pages_by_deadline_read_no_petition_row(
    demo_db: Database, flt: PetitionFilter, sort: str
) -> None:
    """Every filter of the Theo dõi screen in its deadline order: the page is read from one
    covering index; if anything is sorted, it is that index's few entries, never table rows."""
    with demo_db.reading() as session:
        plan = _ids_plan(session, flt, sort)
    petition_steps = [step for step in plan if step.split()[1:2] == ["petition"]]
    assert petition_steps and all("COVERING INDEX" in step for step in petition_steps), plan
    assert not any("LIST SUBQUERY" in step and "assignment" in " ".join(plan) for step in plan), plan


@pytest.mark.parametrize(
    "flt",
    [
        PetitionFilter(),
        PetitionFilter(dialogue_id=1),
        PetitionFilter(field_id=1),
        PetitionFilter(hamlet_id=1),
        PetitionFilter(year=2026),
    ],
)
@pytest.mark.parametrize("sort", ["deadline", "no_deadline"])
def test_one_filter_in_deadline_order_is_not_sorted_at_all(
    demo_db: Database, flt: PetitionFilter, sort: str
) -> None:
    """One lĩnh vực, thôn or hội nghị (or none): the index gives the deadline order itself and
    the walk stops at the page's end."""
    with demo_db.reading() as session:
        plan = _ids_plan(session, flt, sort)
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_the_search_box_alone_walks_the_matches_newest_first(demo_db: Database) -> None:
    with demo_db.reading() as session:
        plan = _ids_plan(session, PetitionFilter(query="duong lang"))
        assert plan[0].startswith("SCAN petition_fts VIRTUAL TABLE"), plan  # FTS5 leads, in its order
        assert not any("TEMP B-TREE" in step or "LIST SUBQUERY" in step for step in plan), plan
        stmt = petitions.petition_ids_statement(
            PetitionFilter(query="duong lang"), today=TODAY, near_due_days=7, window=220
        ).limit(200)
        ranked = _plan(session, str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})))
    # Only the window's rows meet petition: the best 220 are kept while scanning, then joined.
    assert ranked[0] == "MATERIALIZE fts_best", ranked
