"""Demo data: the seeds' plans and a realistic held dialogue with deadlines around today."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.rules import DialogueState, PetitionStatus
from app.services import dialogues, petitions
from app.storage.database import Database
from app.storage.models import Answer, Assignment, Dialogue, Field, Hamlet, Organization, Petition, Plan
from tests.conftest import TODAY

pytestmark = pytest.mark.pg_extended  # on PostgreSQL too with DOITHOAI_TEST_PG_ALL=1 (tests/conftest.py)


def test_demo_holds_both_seed_plans_with_all_their_sections(demo_db: Database) -> None:
    with demo_db.reading() as session:
        plans = {plan.year: plan for plan in session.scalars(select(Plan))}
        luong_phong, bac_kan = plans[2024], plans[2016]
        assert "Lương Phong" in luong_phong.title and luong_phong.symbol == "KH-HĐND"
        assert len(luong_phong.purposes) == 3 and len(luong_phong.requirements) == 2
        assert len(luong_phong.steps) == 4 and len(luong_phong.tasks) == 2
        assert luong_phong.recipients[-1] == "Lưu: VT"
        assert luong_phong.signer_name == "Nguyễn Văn Luận"
        assert "Bắc Kạn" in bac_kan.title
        assert len(bac_kan.purposes) == 4 and len(bac_kan.contents) == 3 and len(bac_kan.tasks) == 3
        assert bac_kan.time_place[0].endswith("Từ 8h00 ngày 23 tháng 9 năm 2016.")
        assert session.scalar(select(func.count()).select_from(Organization)) == 3


def test_demo_has_a_held_dialogue_with_many_answered_and_assigned_petitions(demo_db: Database) -> None:
    with demo_db.reading() as session:
        held = session.scalars(
            select(Dialogue)
            .where(Dialogue.state == DialogueState.CLOSED, Dialogue.started_at.is_not(None))
            .order_by(Dialogue.started_at.desc())  # this year's; the seeds' were held years ago
            .limit(1)
        ).one()
        items = session.scalars(select(Petition).where(Petition.dialogue_id == held.id)).all()
        assert len(items) >= 20
        assert len({p.field_id for p in items}) >= 8
        assert len({p.hamlet_id for p in items}) >= 6
        assert all(p.answers for p in items), "every opinion got an answer at the meeting"
        assert session.scalar(select(func.count()).select_from(Answer)) >= 20
        assert session.scalar(select(func.count()).select_from(Assignment)) >= 10
        assert len(held.entries) >= 2 * len(items)
        assert held.conclusions
        names = {p.petitioner_name for p in items}
        assert len(names) >= 20  # written by hand, not copies
        assert session.scalar(select(func.count()).select_from(Hamlet)) == 8
        assert session.scalar(select(func.count()).select_from(Field)) == 14


def test_demo_deadlines_are_mixed_around_today(demo_db: Database) -> None:
    with demo_db.reading() as session:
        rows = petitions.list_petitions(session, today=TODAY)
    overdue = [r for r in rows if r.overdue]
    upcoming = [r for r in rows if r.status.is_open and r.days_left is not None and r.days_left >= 0]
    resolved = [r for r in rows if r.status == PetitionStatus.RESOLVED]
    forwarded = [r for r in rows if r.status == PetitionStatus.FORWARDED]
    assert overdue and upcoming and resolved and forwarded
    assert all(r.days_left is not None and r.days_left < 0 for r in overdue)


def test_demo_has_one_planned_dialogue_with_collected_opinions(demo_db: Database) -> None:
    with demo_db.reading() as session:
        rows = dialogues.list_dialogues(session, today=TODAY)
    planned = [r for r in rows if r.state == DialogueState.PLANNED]
    assert len(planned) == 1
    assert planned[0].days_left == 20 and planned[0].due_text == "còn 20 ngày"
    assert planned[0].petitions == 3
    assert not planned[0].notice_overdue  # 20 days ahead: the 7-day notice is not late yet


def test_accent_free_search_finds_vietnamese_names(demo_db: Database) -> None:
    with demo_db.reading() as session:
        by_name = petitions.list_petitions(session, petitions.PetitionFilter(query="dang van loi"))
        by_hamlet = petitions.list_petitions(session, petitions.PetitionFilter(query="huong cau"))
        by_prefix = petitions.list_petitions(session, petitions.PetitionFilter(query="Đặng"))
    assert [r.petitioner for r in by_name] == ["Đặng Văn Lợi"]
    assert by_hamlet and all(r.hamlet == "Thôn Hương Câu" or "Hương Câu" in r.content for r in by_hamlet)
    assert {r.petitioner for r in by_prefix} >= {"Đặng Văn Lợi"}


def test_every_held_demo_dialogue_is_complete_and_listed_at_its_real_start(demo_db: Database) -> None:
    from sqlalchemy import select

    from app.domain.rules import DialogueState, MinuteKind
    from app.domain.text import short_date
    from app.services.dialogues import list_dialogues
    from app.storage.models import Dialogue

    with demo_db.reading() as session:
        closed = session.scalars(select(Dialogue).where(Dialogue.state == DialogueState.CLOSED)).all()
        assert len(closed) >= 2
        for dialogue in closed:
            kinds = [e.kind for e in dialogue.entries]
            assert dialogue.started_at and dialogue.ended_at, dialogue.title
            assert MinuteKind.OPENING in kinds and MinuteKind.CONCLUSION in kinds, dialogue.title
            assert len(dialogue.conclusions) == kinds.count(MinuteKind.CONCLUSION) >= 1, dialogue.title
            # Opinions and their answers, each answered opinion also in the minutes.
            speeches = [e for e in dialogue.entries if e.kind == MinuteKind.SPEECH]
            assert speeches and all(e.petition_id for e in speeches), dialogue.title
            answered = {e.petition_id for e in dialogue.entries if e.kind == MinuteKind.ANSWER}
            assert answered == {e.petition_id for e in speeches}, dialogue.title
            for petition in dialogue.petitions:
                assert petition.answers, (dialogue.title, petition.content)
        rows = list_dialogues(session)
    for row in rows:
        if row.state == DialogueState.CLOSED:
            assert row.started_at is not None
            assert row.when_text == f"{row.started_at:%H:%M} {short_date(row.started_at.date())}"
            assert not row.when_text.startswith("Quý")


@pytest.mark.sqlite_only  # the sample is a file beside hers
def test_the_demo_file_is_its_own_file_and_replaces_an_older_sample(tmp_path: Path, db: Database) -> None:

    from app.services.demo import create_demo_file
    from app.storage.models import Organization, Petition

    own_before = db.path.read_bytes()
    sample = tmp_path / "du-lieu-mau.sqlite"
    first = create_demo_file(sample, today=TODAY)
    again = create_demo_file(sample, today=TODAY)  # «Tạo dữ liệu mẫu» twice: one fresh sample
    assert first == again and first.petitions >= 20
    opened = Database.open(sample)
    try:
        with opened.reading() as session:
            assert session.scalar(select(func.count()).select_from(Petition)) == first.petitions
    finally:
        opened.close()
    assert not list(tmp_path.glob("*.tao-moi*"))
    assert db.path.read_bytes() == own_before
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Organization)) == 0


def test_the_seeds_dialogues_had_their_conclusion_notice(demo_db: Database) -> None:
    with demo_db.reading() as session:
        rows = dialogues.list_dialogues(session, today=TODAY)
    old = [row for row in rows if row.started_at and row.started_at.year < TODAY.year]
    assert len(old) == 2
    assert all(row.notice_text == "" for row in old), [row.notice_text for row in old]
