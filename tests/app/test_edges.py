"""Bad input at the edges: refused with a typed, Vietnamese message, or stored NFC; logs stay private."""

from __future__ import annotations

import logging
import stat
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.errors import AppError, TextInputError
from app.services import minutes
from app.services.documents import write_document
from app.storage.database import Database
from app.storage.models import Dialogue, Petition
from tests.app.test_cli import doithoai
from tests.app.test_minutes import _started

pytestmark = pytest.mark.pg_extended  # on PostgreSQL too with DOITHOAI_TEST_PG_ALL=1 (tests/conftest.py)


def test_a_lone_surrogate_is_refused_in_vietnamese_and_nothing_is_stored(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    with pytest.raises(TextInputError) as caught, demo_db.transaction() as session:
        minutes.record_opinion(session, dialogue_id, minutes.OpinionInput(content="Đường \ud800 hỏng"))
    assert "ký tự hỏng" in caught.value.user_message
    with demo_db.reading() as session:
        assert session.scalar(select(Petition.id).where(Petition.content.like("Đường%hỏng"))) is None


def test_combining_marks_are_stored_nfc_and_nul_is_refused(demo_db: Database) -> None:
    dialogue_id = _started(demo_db)
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng, thôn Đông")
    with demo_db.transaction() as session:
        petition_id, _ = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name=decomposed, content=decomposed)
        )
        row = session.get(Petition, petition_id)
        assert row is not None
        row.content = decomposed  # even a raw ORM write is normalised
    with demo_db.reading() as session:
        stored = session.get(Petition, petition_id)
        assert stored is not None and stored.content == unicodedata.normalize("NFC", decomposed)
    with pytest.raises(TextInputError) as caught, demo_db.transaction() as session:
        minutes.update_opinion(session, petition_id, minutes.OpinionInput(content="a\x00b"))
    assert "ký tự điều khiển" in caught.value.user_message


def test_dates_out_of_range_are_refused_and_the_list_keeps_working(demo_db: Database) -> None:
    from app.services import dialogues

    with demo_db.reading() as session:
        dialogue_id = session.scalars(select(Dialogue.id)).first()
    for year in (1, 9999):
        with pytest.raises(TextInputError) as caught, demo_db.transaction() as session:
            dialogue = session.get(Dialogue, dialogue_id)
            assert dialogue is not None
            dialogue.scheduled_at = datetime(year, 1, 1, 8, 0)
        assert "1900 đến 2200" in caught.value.user_message
    with demo_db.reading() as session:
        assert dialogues.list_dialogues(session, today=date(2026, 11, 21))


def test_a_long_title_is_cut_in_the_properties_only(demo_db: Database, tmp_path: Path) -> None:
    dialogue_id = _started(demo_db)
    title = "Hội nghị đối thoại " + "về đất đai, môi trường và giao thông nông thôn " * 6
    with demo_db.transaction() as session:
        dialogue = session.get(Dialogue, dialogue_id)
        assert dialogue is not None
        dialogue.title = title
    with demo_db.transaction() as session:
        out = write_document(session, "bb", dialogue_id, tmp_path / "bb.docx")
    with zipfile.ZipFile(out) as docx:
        core = docx.read("docProps/core.xml").decode("utf-8")
    import re

    stored_title = re.search(r"<dc:title>(.*?)</dc:title>", core)
    assert stored_title is not None and len(stored_title.group(1)) <= 255


def test_cli_refuses_numbers_beyond_int64_and_odd_dates(tmp_path: Path, data_home: Path) -> None:
    for args in (
        ("--id", str(2**63), "--number", "1"),
        ("--id", "1", "--number", "99999999999999999999"),
        ("--id", "1", "--date", "0001-01-01"),
    ):
        result = doithoai("export", "--kind", "tb", "--out", str(tmp_path / "x.docx"), *args, home=data_home)
        assert result.returncode == 2
        assert "nằm ngoài khoảng cho phép" in result.stderr
        assert "Traceback" not in result.stderr


def test_logged_tracebacks_hold_no_personal_values(
    db: Database, data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.log import setup_logging
    from app.storage.models import Petition

    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [h for h in root.handlers if not getattr(h, "_doithoai", False)])
    setup_logging()
    try:
        with db.transaction() as session:
            session.add(
                Petition(dialogue_id=987654, content="x", petitioner_name="Phạm Thị Riêng Tư 0912345678")
            )
    except Exception:
        logging.getLogger("test").exception("save failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (data_home / "logs" / "doithoai.log").read_text(encoding="utf-8")
    assert "save failed" in text
    assert "0912345678" not in text and "Riêng Tư" not in text
    assert stat.S_IMODE(data_home.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_home / "logs" / "doithoai.log").stat().st_mode) == 0o600


texts = st.text(st.characters(codec=None), max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=texts, content=texts, hamlet=st.text(max_size=40))
def test_any_unicode_through_the_minutes_and_the_minutes_export(
    db: Database, tmp_path: Path, name: str, content: str, hamlet: str
) -> None:
    from app.storage.models import Organization

    with db.transaction() as session:
        if session.scalar(select(Dialogue.id)) is None:
            org = Organization(
                name="ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG", place_name="Lương Phong", issuer_code="UBND"
            )
            session.add(org)
            session.flush()
            dialogue = Dialogue(organization_id=org.id, title="Hội nghị")
            session.add(dialogue)
            session.flush()
            minutes.start_dialogue(session, dialogue.id)  # a Biên bản is made of a meeting held
        dialogue_id = session.scalars(select(Dialogue.id)).one()
    try:
        with db.transaction() as session:
            petition_id, _ = minutes.record_opinion(
                session,
                dialogue_id,
                minutes.OpinionInput(petitioner_name=name, content=content, hamlet=hamlet),
            )
    except AppError as exc:
        assert exc.user_message and any(ch in exc.user_message for ch in "ạảãáàệữ")
        return
    with db.reading() as session:
        stored = session.get(Petition, petition_id)
        assert stored is not None
        for value in (stored.content, stored.petitioner_name, stored.hamlet_text):
            assert value == unicodedata.normalize("NFC", value)
    with db.transaction() as session:
        out = write_document(session, "bb", dialogue_id, tmp_path / "bb.docx")
    with zipfile.ZipFile(out) as docx:
        assert docx.testzip() is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    number=st.integers(min_value=-(2**70), max_value=2**70),
    day=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
def test_any_number_and_date_through_attendance_and_schedule(db: Database, number: int, day: date) -> None:
    from app.storage.models import Organization

    with db.transaction() as session:
        if session.scalar(select(Dialogue.id)) is None:
            org = Organization(name="UBND XÃ A", place_name="A", issuer_code="UBND")
            session.add(org)
            session.flush()
            dialogue = Dialogue(organization_id=org.id, title="Hội nghị")
            session.add(dialogue)
            session.flush()
            minutes.start_dialogue(session, dialogue.id)  # a Biên bản is made of a meeting held
        dialogue_id = session.scalars(select(Dialogue.id)).one()
    try:
        with db.transaction() as session:
            minutes.set_attendance(session, dialogue_id, leaders=1, units=1, hamlet_heads=1, citizens=number)
            dialogue = session.get(Dialogue, dialogue_id)
            assert dialogue is not None
            dialogue.scheduled_at = datetime(day.year, day.month, day.day, 8, 0)
    except AppError as exc:
        assert exc.user_message
        return
    from app.services import dialogues

    with db.reading() as session:
        assert dialogues.list_dialogues(session, today=date(2026, 11, 21))
