"""The live-minutes services without a screen: what the secretary's actions leave in the database."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.domain.rules import AnswerOutcome, DialogueState, MinuteKind, PetitionStatus
from app.errors import AppError, ValidationError
from app.services import catalog, dialogues, minutes
from app.storage.database import Database
from app.storage.models import AuditEvent, Dialogue, Hamlet, MinuteEntry, Petition
from tests.conftest import TODAY

pytestmark = pytest.mark.pg  # the storage and service tests run on PostgreSQL too


def _planned(db: Database) -> int:
    with db.reading() as session:
        rows = dialogues.list_dialogues(session, today=TODAY)
    return next(r.id for r in rows if r.state == DialogueState.PLANNED and r.scheduled_at)


def _started(db: Database) -> int:
    dialogue_id = _planned(db)
    with db.transaction() as session:
        minutes.start_dialogue(session, dialogue_id, now=datetime(2026, 12, 11, 14, 5))
    return dialogue_id


def test_start_records_the_actual_time_and_remembers_the_running_dialogue(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.reading() as session:
        dialogue = session.get(Dialogue, dialogue_id)
        assert dialogue is not None and dialogue.state == DialogueState.IN_PROGRESS
        assert dialogue.started_at == datetime(2026, 12, 11, 14, 5)
        assert dialogues.running_dialogue(session) == dialogue_id


def test_a_closed_dialogue_cannot_be_started_again(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.transaction() as session:
        minutes.end_dialogue(session, dialogue_id, ["Kết luận"], now=datetime(2026, 12, 11, 16, 0))
    with pytest.raises(AppError) as caught, demo_db.transaction() as session:
        minutes.start_dialogue(session, dialogue_id)
    assert "đã kết thúc" in caught.value.user_message
    with demo_db.transaction() as session:
        minutes.reopen_dialogue(session, dialogue_id)
    with demo_db.reading() as session:
        dialogue = session.get(Dialogue, dialogue_id)
        assert (
            dialogue is not None and dialogue.state == DialogueState.IN_PROGRESS and dialogue.ended_at is None
        )


def test_a_petition_can_get_several_answers_and_the_last_outcome_counts(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.transaction() as session:
        leaders = catalog.list_leaders(session)
        unit = catalog.list_entries(session, "unit")[0]
        petition_id, _entry = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="Vũ Văn Nam", content="Điện yếu")
        )
        minutes.answer(
            session,
            minutes.AnswerInput(
                petition_id, "Điện lực sẽ kiểm tra", AnswerOutcome.ANSWERED, leader_id=leaders[0].id
            ),
        )
        minutes.answer(
            session,
            minutes.AnswerInput(
                petition_id,
                "Giao Văn phòng làm việc với điện lực",
                AnswerOutcome.ASSIGNED,
                leader_id=leaders[1].id,
                lead_unit_id=unit.id,
                deadline=date(2027, 1, 15),
            ),
        )
    with demo_db.reading() as session:
        petition = session.get(Petition, petition_id)
        assert petition is not None
        assert [a.answerer_name for a in petition.answers] == [leaders[0].full_name, leaders[1].full_name]
        assert petition.status == PetitionStatus.IN_PROGRESS
        assert petition.assignments[0].deadline == date(2027, 1, 15)
        kinds = [
            e.kind for e in session.scalars(select(MinuteEntry).where(MinuteEntry.petition_id == petition_id))
        ]
        assert kinds == [MinuteKind.SPEECH, MinuteKind.ANSWER, MinuteKind.ANSWER]


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        (dict(content=""), "content", "nội dung trả lời"),
        (dict(outcome=AnswerOutcome.ASSIGNED, deadline=date(2027, 1, 1)), "lead_unit_id", "đơn vị chủ trì"),
        (
            dict(outcome=AnswerOutcome.ASSIGNED, lead_unit_id=1, deadline=date(2026, 12, 1)),
            "deadline",
            "trước ngày hội nghị",
        ),
        (dict(outcome=AnswerOutcome.FORWARDED), "forwarded_to", "cấp có thẩm quyền"),
    ],
)
def test_answers_are_validated_in_vietnamese_and_nothing_half_saves(
    demo_db: Database,
    answer: dict,
    field: str,
    message: str,  # type: ignore[type-arg]
) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.transaction() as session:
        petition_id, _entry = minutes.record_opinion(
            session,
            dialogue_id,
            minutes.OpinionInput(petitioner_name="Hà Văn Khoa", content="Rãnh thoát nước"),
        )
    data = dict(petition_id=petition_id, content="Trả lời", outcome=AnswerOutcome.ANSWERED) | answer
    with pytest.raises(ValidationError) as caught, demo_db.transaction() as session:
        minutes.answer(session, minutes.AnswerInput(**data))
    assert message in caught.value.problems[field]
    with demo_db.reading() as session:
        petition = session.get(Petition, petition_id)
        assert petition is not None and petition.answers == [] and petition.status == PetitionStatus.NEW


def test_unknown_hamlet_is_added_once_and_matched_without_accents(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.transaction() as session:
        first, _ = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="A", hamlet="Thôn Mới Lập")
        )
        second, _ = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="B", hamlet="thon moi lap")
        )
        third, _ = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="C", hamlet="Thôn Đông")
        )
        for petition_id in (first, second, third):
            minutes.finish_opinion(session, petition_id)
    with demo_db.reading() as session:
        names = [h.name for h in session.scalars(select(Hamlet))]
    assert names.count("Thôn Mới Lập") == 1 and "thon moi lap" not in names
    assert names.count("Thôn Đông") == 1


def test_deleted_entry_is_restored_by_undo_and_both_are_audited(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.transaction() as session:
        petition_id, entry_id = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="Lý Văn Bảy", content="Ý kiến nhầm")
        )
    with demo_db.transaction() as session:
        minutes.delete_entry(session, entry_id)
    with demo_db.reading() as session:
        state = minutes.live_dialogue(session, dialogue_id)
        assert entry_id not in [e.id for e in state.entries]
        assert petition_id not in [o.id for o in state.opinions]
    with demo_db.transaction() as session:
        minutes.restore_entry(session, entry_id)
    with demo_db.reading() as session:
        state = minutes.live_dialogue(session, dialogue_id)
        assert entry_id in [e.id for e in state.entries]
        assert petition_id in [o.id for o in state.opinions]
        actions = [
            a.action
            for a in session.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity == "minute_entry", AuditEvent.entity_id == entry_id
                )
            )
        ]
    assert actions == ["delete", "restore"]


def test_ticking_a_collected_opinion_is_idempotent_and_undoable(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.reading() as session:
        collected = minutes.live_dialogue(session, dialogue_id).collected
    assert len(collected) == 3
    with demo_db.transaction() as session:
        first = minutes.tick_collected(session, collected[0].id, dialogue_id)
        again = minutes.tick_collected(session, collected[0].id, dialogue_id)
    assert first == again
    with demo_db.reading() as session:
        state = minutes.live_dialogue(session, dialogue_id)
        assert [o.id for o in state.opinions] == [collected[0].id] and len(state.collected) == 2
    with demo_db.transaction() as session:
        minutes.untick_collected(session, collected[0].id)
    with demo_db.reading() as session:
        state = minutes.live_dialogue(session, dialogue_id)
        assert state.opinions == [] and len(state.collected) == 3
        assert [e for e in state.entries if e.petition_id == collected[0].id] == []


def test_similar_petitions_ignore_tones_and_d_with_stroke_and_need_enough_words(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.reading() as session:
        found = minutes.similar_petitions(
            session,
            "DUONG TRUC THON DONG doan tu nha van hoa xuong cap",
            exclude_dialogue_id=dialogue_id,
            today=TODAY,
        )
        assert found and found[0].petitioner == "Nguyễn Văn Thắng"
        assert "quá hạn" in found[0].status_text
        assert minutes.similar_petitions(session, "đường", exclude_dialogue_id=dialogue_id) == []


def test_default_deadline_follows_the_setting(demo_db: Database) -> None:
    from app.services import settings

    with demo_db.transaction() as session:
        settings.set_setting(session, "default_deadline_days", 15)
        # 11/12 + 15 calendar days is Saturday 26/12: the deadline moves to Monday 28/12.
        assert minutes.default_deadline(session, date(2026, 12, 11)) == date(2026, 12, 28)
        settings.set_setting(session, "default_deadline_days", 12)
        assert minutes.default_deadline(session, date(2026, 12, 11)) == date(2026, 12, 23)


def _statements(db: Database):  # type: ignore[no-untyped-def]
    """Collect the SQL each call sends (to see what a hot path costs)."""
    from sqlalchemy import event

    seen: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", before)


def test_opening_the_live_window_costs_a_fixed_small_set_of_queries(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with demo_db.transaction() as session:
        for n in range(30):
            minutes.record_opinion(
                session,
                dialogue_id,
                minutes.OpinionInput(petitioner_name=f"Người {n}", content=f"Ý kiến {n}"),
            )
    seen, stop = _statements(demo_db)
    try:
        with demo_db.reading() as session:
            live = minutes.live_dialogue(session, dialogue_id)
            reads = len([s for s in seen if s.lstrip().upper().startswith("SELECT")])
            seen.clear()
            speakers = minutes.known_speakers(session)
    finally:
        stop()
    assert len(live.opinions) >= 30 and len(live.entries) >= 30
    assert reads <= 10  # one query per table read, however many lines the minutes have
    assert ("Người 7", "") in speakers
    # The speakers come from a bounded walk of the newest petitions, not a GROUP BY of all of them:
    # only the rows of that walk (its LIMIT, inside) are grouped.
    (speaker_query,) = [s for s in seen if "petitioner_name" in s]
    upper = speaker_query.upper()
    assert "LIMIT" in upper and ("GROUP BY" not in upper or upper.index("LIMIT") < upper.index("GROUP BY"))
