"""Two PCs on one database: no edit silently overwritten, no number handed out twice.

Runs on SQLite and, with DOITHOAI_TEST_PG_URL, on PostgreSQL (where the two sessions really
interleave: READ COMMITTED, row locks, the version column).
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.errors import EditConflict
from app.services import documents, minutes, petitions
from app.storage.database import Database
from app.storage.models import MinuteEntry, Petition
from tests.conftest import TODAY

pytestmark = pytest.mark.pg  # the storage and service tests run on PostgreSQL too


def _running_dialogue(db: Database) -> int:
    from app.domain.rules import DialogueState
    from app.services import dialogues

    with db.reading() as session:
        rows = dialogues.list_dialogues(session, today=TODAY)
    dialogue_id = next(r.id for r in rows if r.state == DialogueState.PLANNED and r.scheduled_at)
    with db.transaction() as session:
        minutes.start_dialogue(session, dialogue_id, now=datetime(2026, 12, 11, 14, 5))
    return dialogue_id


def _opinion(db: Database, dialogue_id: int, name: str = "Nguyễn Văn Bình") -> int:
    with db.transaction() as session:
        petition_id, _entry = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name=name, content="Đường thôn bị ngập")
        )
    return petition_id


def _input(row: petitions.PetitionRow, content: str) -> petitions.PetitionInput:
    return petitions.PetitionInput(
        content=content, petitioner_name="Nguyễn Văn Bình", dialogue_id=row.dialogue_id, version=row.version
    )


def test_an_edit_from_a_stale_copy_is_refused_with_both_versions(demo_db: Database) -> None:
    petition_id = _opinion(demo_db, _running_dialogue(demo_db))
    with demo_db.reading() as session:  # both PCs open the same petition
        (copy_a,) = petitions.petition_rows(session, [petition_id], today=TODAY)
        (copy_b,) = petitions.petition_rows(session, [petition_id], today=TODAY)
    with demo_db.transaction() as session:  # B saves first
        petitions.update_petition(session, petition_id, _input(copy_b, "Đường thôn ngập sâu 0,5 m"))
    with pytest.raises(EditConflict) as caught, demo_db.transaction() as session:
        petitions.update_petition(session, petition_id, _input(copy_a, "Đường thôn bị ngập khi mưa"))
    conflict = caught.value
    assert conflict.mine["content"] == "Đường thôn bị ngập khi mưa"
    assert conflict.theirs["content"] == "Đường thôn ngập sâu 0,5 m"
    assert (conflict.expected_version, conflict.current_version) == (copy_a.version, copy_a.version + 1)
    assert "đã được người khác sửa" in conflict.user_message
    with demo_db.reading() as session:
        (now,) = petitions.petition_rows(session, [petition_id], today=TODAY)
    assert now.content == "Đường thôn ngập sâu 0,5 m"  # B's words stand, A's were not written
    with demo_db.transaction() as session:  # A reloads and saves on top of B's version
        petitions.update_petition(session, petition_id, _input(now, "Đường thôn ngập sâu, cần nạo vét"))
    with demo_db.reading() as session:
        assert session.get(Petition, petition_id).content == "Đường thôn ngập sâu, cần nạo vét"  # type: ignore[union-attr]


def test_the_live_autosave_is_refused_too_when_another_pc_saved_the_opinion(demo_db: Database) -> None:
    dialogue_id = _running_dialogue(demo_db)
    petition_id = _opinion(demo_db, dialogue_id)
    with demo_db.reading() as session:
        row = next(o for o in minutes.live_dialogue(session, dialogue_id).opinions if o.id == petition_id)
    mine = minutes.OpinionInput(petitioner_name="Nguyễn Văn Bình", content="Xin làm đèn", version=row.version)
    with demo_db.transaction() as session:
        minutes.update_opinion(session, petition_id, mine)  # the first save of this copy goes through
    with pytest.raises(EditConflict), demo_db.transaction() as session:
        minutes.update_opinion(session, petition_id, mine)  # same stale version again: refused


def test_two_sessions_saving_the_same_petition_at_the_same_moment(demo_db: Database) -> None:
    """Both read version n inside their own transactions, both write: exactly one wins."""
    if not demo_db.on_server:
        pytest.skip("SQLite runs one writer at a time (BEGIN IMMEDIATE): the two cannot interleave")
    petition_id = _opinion(demo_db, _running_dialogue(demo_db))
    both_read = threading.Barrier(2, timeout=20)
    outcomes: dict[str, str] = {}

    def edit(who: str) -> None:
        try:
            with demo_db.transaction() as session:
                petition = session.get(Petition, petition_id)
                assert petition is not None
                both_read.wait()
                petition.content = f"Nội dung do máy {who} sửa"
                session.flush()
            outcomes[who] = "saved"
        except EditConflict:
            outcomes[who] = "conflict"

    threads = [threading.Thread(target=edit, args=(who,)) for who in "AB"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(who for who, outcome in outcomes.items() if outcome == "saved")
    with demo_db.reading() as session:
        assert session.get(Petition, petition_id).content == f"Nội dung do máy {winner} sửa"  # type: ignore[union-attr]


def test_two_pcs_adding_opinions_at_once_get_distinct_positions(demo_db: Database) -> None:
    dialogue_id = _running_dialogue(demo_db)
    with demo_db.reading() as session:  # opinions collected before the meeting already hold 1..n
        before = session.scalar(select(func.count()).where(Petition.dialogue_id == dialogue_id)) or 0
    per_writer, writers = 12, 2
    errors: list[BaseException] = []
    start = threading.Barrier(writers, timeout=20)

    def add(who: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                demo_db.write(
                    lambda session, n=n: minutes.record_opinion(
                        session,
                        dialogue_id,
                        minutes.OpinionInput(petitioner_name=f"Người {who}-{n}", content="x"),
                    )
                )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with demo_db.reading() as session:
        positions = list(
            session.scalars(select(Petition.position).where(Petition.dialogue_id == dialogue_id))
        )
        lines = list(
            session.scalars(select(MinuteEntry.position).where(MinuteEntry.dialogue_id == dialogue_id))
        )
        count = session.scalar(select(func.count()).where(Petition.dialogue_id == dialogue_id))
    assert count == len(positions) == before + writers * per_writer
    assert sorted(positions) == list(range(1, count + 1))  # none twice, none skipped
    assert len(set(lines)) == len(lines)


def test_two_pcs_giving_one_number_at_once_leave_it_on_one_document(demo_db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Thông báo tổ chức and Thông báo kết luận share one sổ: the second export of số 7 is refused."""
    from app.domain.rules import DocumentKind
    from app.errors import AppError
    from app.storage.models import IssuedDocument

    dialogue_id = _running_dialogue(demo_db)
    start = threading.Barrier(2, timeout=20)
    results: dict[str, str] = {}

    def export(kind: DocumentKind, name: str) -> None:
        try:
            start.wait()
            documents.export_document(demo_db, kind, dialogue_id, tmp_path / f"{name}.docx", number=7)
            results[name] = "issued"
        except AppError as exc:
            results[name] = type(exc).__name__

    threads = [
        threading.Thread(target=export, args=(DocumentKind.MEETING_NOTICE, "to-chuc")),
        threading.Thread(target=export, args=(DocumentKind.CONCLUSION_NOTICE, "ket-luan")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(results.values()) == ["DuplicateNumberError", "issued"], results
    with demo_db.reading() as session:
        holders = session.scalars(select(IssuedDocument).where(IssuedDocument.number == 7)).all()
    assert len(holders) == 1
    assert (tmp_path / f"{next(n for n, r in results.items() if r == 'issued')}.docx").exists()


def test_a_dialogue_edited_from_a_stale_copy_is_refused(demo_db: Database) -> None:
    from dataclasses import replace

    from app.domain.rules import DialogueState
    from app.services import dialogues

    with demo_db.reading() as session:
        rows = dialogues.list_dialogues(session, today=TODAY)
        dialogue_id = next(r.id for r in rows if r.state == DialogueState.PLANNED and r.scheduled_at)
        copy = dialogues.dialogue_detail(session, dialogue_id, today=TODAY)
    form = dialogues.DialogueInput(
        organization_id=copy.organization_id,
        title=copy.title,
        scheduled_at=copy.scheduled_at,
        place="Nhà văn hóa thôn Đông",
        chair_id=copy.chair_id,
        co_chair_ids=copy.co_chair_ids,
        secretary_name=copy.secretary_name,
        collect_deadline=copy.collect_deadline,
        plan_id=copy.plan_id,
        version=copy.version,
    )
    with demo_db.transaction() as session:
        dialogues.update_dialogue(
            session, dialogue_id, replace(form, title="Hội nghị đối thoại quý IV (dời lịch)")
        )
    with pytest.raises(EditConflict) as caught, demo_db.transaction() as session:
        dialogues.update_dialogue(session, dialogue_id, replace(form, place="Hội trường UBND xã"))
    assert (
        caught.value.kind == "dialogue"
        and caught.value.theirs["title"] == "Hội nghị đối thoại quý IV (dời lịch)"
    )
    with demo_db.reading() as session:
        assert dialogues.dialogue_detail(session, dialogue_id, today=TODAY).place == "Nhà văn hóa thôn Đông"
