"""Chốt biên bản: a locked dialogue refuses every change of its minutes; unlocking is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.rules import AnswerOutcome, MinuteKind
from app.errors import AppError, LockedError, ValidationError
from app.services import audit, locking, minutes
from app.storage.database import Database
from app.storage.models import AuditEvent, Dialogue, MinuteEntry, Petition
from tests.app.test_minutes import _started

pytestmark = pytest.mark.pg  # the storage and service tests run on PostgreSQL too


def _closed_with_an_opinion(db: Database) -> tuple[int, int, int]:
    dialogue_id = _started(db)
    with db.transaction() as session:
        petition_id, entry_id = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="Lê Văn A", content="Đường làng hỏng")
        )
        minutes.set_attendance(session, dialogue_id, leaders=3, units=5, hamlet_heads=4, citizens=112)
        minutes.end_dialogue(session, dialogue_id, ["Giao xã sửa đường"], now=datetime(2026, 12, 11, 16, 0))
    return dialogue_id, petition_id, entry_id


def test_every_part_of_locked_minutes_is_refused(demo_db: Database) -> None:
    dialogue_id, petition_id, entry_id = _closed_with_an_opinion(demo_db)
    with demo_db.transaction() as session:
        locking.lock_dialogue(session, dialogue_id)
    attempts: dict[str, Callable[[Session], object]] = {
        "attendance": lambda s: minutes.set_attendance(
            s, dialogue_id, leaders=3, units=5, hamlet_heads=4, citizens=612
        ),
        "reopen": lambda s: minutes.reopen_dialogue(s, dialogue_id),
        "conclusions": lambda s: minutes.save_conclusions(s, dialogue_id, ["khác"]),
        "new line": lambda s: minutes.add_entry(s, dialogue_id, MinuteKind.NOTE, content="thêm"),
        "edit line": lambda s: minutes.update_entry(s, entry_id, content="sửa"),
        "delete line": lambda s: minutes.delete_entry(s, entry_id),
        "opinion": lambda s: minutes.update_opinion(
            s, petition_id, minutes.OpinionInput(petitioner_name="Lê Văn A", content="sửa")
        ),
        "new opinion": lambda s: minutes.record_opinion(s, dialogue_id, minutes.OpinionInput(content="x")),
        "answer": lambda s: minutes.answer(
            s, minutes.AnswerInput(petition_id, "Đã trả lời", AnswerOutcome.ANSWERED)
        ),
        "raw ORM edit": lambda s: setattr(s.get(Dialogue, dialogue_id), "citizens_count", 612),
    }
    for name, attempt in attempts.items():
        with pytest.raises(LockedError) as caught, demo_db.transaction() as session:
            attempt(session)
            session.flush()
        assert "đã được chốt" in caught.value.user_message, name
    with demo_db.reading() as session:
        dialogue = session.get(Dialogue, dialogue_id)
        assert dialogue is not None and dialogue.citizens_count == 112
        assert locking.is_locked(session, dialogue_id)
        petition = session.get(Petition, petition_id)
        assert petition is not None and petition.content == "Đường làng hỏng"


def test_only_a_closed_dialogue_is_locked_and_unlocking_needs_a_reason(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with pytest.raises(AppError), demo_db.transaction() as session:
        locking.lock_dialogue(session, dialogue_id)
    with demo_db.transaction() as session:
        minutes.end_dialogue(session, dialogue_id, [], now=datetime(2026, 12, 11, 16, 0))
        locking.lock_dialogue(session, dialogue_id)
    with pytest.raises(ValidationError), demo_db.transaction() as session:
        locking.unlock_dialogue(session, dialogue_id, "   ")


def test_changes_after_unlocking_are_in_the_history_old_to_new(demo_db: Database) -> None:
    dialogue_id, _petition, _entry = _closed_with_an_opinion(demo_db)
    with demo_db.transaction() as session:
        audit.set_display_name(session, "Thư ký Nguyễn Thị B")
        locking.lock_dialogue(session, dialogue_id)
    with demo_db.transaction() as session:
        locking.unlock_dialogue(session, dialogue_id, "Sửa số người dự theo danh sách ký")
    with demo_db.transaction() as session:
        minutes.set_attendance(session, dialogue_id, leaders=3, units=5, hamlet_heads=4, citizens=120)
    with demo_db.reading() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        unlock = next(e for e in events if e.action == "unlock")
        assert unlock.details["reason"] == "Sửa số người dự theo danh sách ký"
        assert unlock.actor == "Thư ký Nguyễn Thị B" and unlock.user
        edit = next(e for e in events if e.action == "edit" and e.entity == "dialogue")
        assert edit.details["changes"]["citizens_count"] == [112, 120]
        assert edit.at is not None and edit.actor == "Thư ký Nguyễn Thị B"
        rows = audit.list_events(session, audit.AuditFilter(entity="dialogue", entity_id=dialogue_id))
        assert [r.action for r in rows][:3] == ["edit", "unlock", "lock"]
        assert audit.count_events(session, audit.AuditFilter(person="Thư ký Nguyễn Thị B")) >= 3


def test_follow_up_stays_open_after_the_lock(demo_db: Database) -> None:
    from app.domain.rules import PetitionStatus
    from app.services import followup

    dialogue_id, petition_id, _entry = _closed_with_an_opinion(demo_db)
    with demo_db.transaction() as session:
        locking.lock_dialogue(session, dialogue_id)
    with demo_db.transaction() as session:
        followup.change_status(session, petition_id, PetitionStatus.WITHDRAWN, note="Công dân rút")
    with demo_db.reading() as session:
        petition = session.get(Petition, petition_id)
        assert petition is not None and petition.status is PetitionStatus.WITHDRAWN
        assert session.scalars(select(MinuteEntry).where(MinuteEntry.dialogue_id == dialogue_id)).all()


def test_the_conclusion_notice_knows_when_its_content_changed_after_issue(
    demo_db: Database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from app.services.documents import write_document

    dialogue_id, petition_id, _entry = _closed_with_an_opinion(demo_db)
    with demo_db.reading() as session:
        assert locking.changed_since_issued(session, dialogue_id) is None
    with demo_db.transaction() as session:
        write_document(session, "tb", dialogue_id, tmp_path / "tb.docx", number=7)
        locking.lock_dialogue(session, dialogue_id)
    with demo_db.reading() as session:
        assert locking.changed_since_issued(session, dialogue_id) is False
        exports = audit.list_events(session, audit.AuditFilter(action="export"))
        assert [row.details["number"] for row in exports] == [7]
    with demo_db.transaction() as session:
        locking.unlock_dialogue(session, dialogue_id, "Sửa nội dung ý kiến")
        minutes.update_opinion(
            session,
            petition_id,
            minutes.OpinionInput(petitioner_name="Lê Văn A", content="Đường làng hỏng nặng"),
        )
    with demo_db.reading() as session:
        assert locking.changed_since_issued(session, dialogue_id) is True
