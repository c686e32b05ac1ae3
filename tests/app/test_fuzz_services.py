"""Arbitrary Unicode, lengths, dates and numbers through every service that takes user input and
every exporter: the only failure allowed is a typed refusal worded in Vietnamese, and everything
stored is NFC (text columns and the text inside JSON values: settings, the Nhật ký).

Each test works on its own copy of one demo database (built once); the examples of a test share
that copy, so later examples meet what earlier ones stored.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import shutil
import sqlite3
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.periods import Cutoff, parse_period
from app.domain.rules import AnswerOutcome, DocumentKind, MinuteKind, PetitionStatus
from app.errors import AppError
from app.services import (
    audit,
    catalog,
    dialogues,
    documents,
    followup,
    locking,
    maintenance,
    minutes,
    opinion_import,
    petitions,
    plans,
    reports,
    search,
    unit_sheets,
    wording,
)
from app.services import settings as app_settings
from app.storage.database import Database
from app.storage.models import Dialogue, Field, Hamlet, Leader, Organization, Petition, Plan, Unit
from tests.conftest import TODAY

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Any code point (surrogates and controls included), short and long.
texts = st.one_of(
    st.text(st.characters(codec=None), max_size=60),
    st.text(st.characters(codec=None), min_size=200, max_size=1200),
)
numbers = st.one_of(st.integers(-(2**70), 2**70), st.integers(-3, 400))
days = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    st.dates(min_value=date(2026, 12, 1), max_value=date(2027, 12, 31)),  # around the demo's meetings
)
AFTER = date(2026, 12, 20)  # after every demo meeting: dates that services accept
VIETNAMESE = re.compile("[ạảãáàâấầẩẫậăắằẳẵặẹẻẽéèêếềểễệịỉĩíìọỏõóòôốồổỗộơớờởỡợụủũúùưứừửữựỵỷỹýỳđ]", re.I)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "demo.sqlite"
    db = Database.open(path, create=True)
    from app.services.demo import build_demo

    with db.transaction() as session:
        build_demo(session, today=TODAY)
    db.close()
    return path


@pytest.fixture
def fuzz_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "fuzz.sqlite"
    shutil.copy(demo_file, copy)
    db = Database.open(copy)
    yield db
    db.close()


@dataclasses.dataclass(frozen=True)
class Ids:
    org: int
    plan: int
    open_dialogue: int  # planned, not started: everything may change
    closed_dialogue: int
    petition: int
    unit: int
    hamlet: int
    field: int
    leader: int


def _ids(db: Database) -> Ids:
    with db.reading() as s:
        closed = s.scalars(
            select(Petition.dialogue_id)
            .join(Dialogue, Dialogue.id == Petition.dialogue_id)
            .where(Dialogue.state == "closed")
            .order_by(Petition.dialogue_id)
        ).first()  # a meeting held, with opinions: every document has something to print
        opened = s.scalars(
            select(Dialogue.id).where(Dialogue.state != "closed").order_by(Dialogue.id)
        ).first()
        petition = (
            s.scalars(
                select(Petition.id).where(Petition.dialogue_id == opened, Petition.deleted_at.is_(None))
            ).first()
            or s.scalars(select(Petition.id)).first()
        )

        def first(model: Any) -> int:
            value = s.scalars(select(model.id).order_by(model.id)).first()
            assert value is not None, model
            return int(value)

        assert closed is not None and opened is not None and petition is not None
        return Ids(
            first(Organization), first(Plan), opened, closed, petition,
            first(Unit), first(Hamlet), first(Field), first(Leader),
        )  # fmt: skip


def _refusal_is_vietnamese(exc: AppError) -> None:
    assert exc.user_message and VIETNAMESE.search(exc.user_message), repr(exc.user_message)


def _run(db: Database, op: Callable[[Session], object]) -> bool:
    """True when ``op`` committed; a refusal must be typed and Vietnamese (anything else fails)."""
    try:
        db.write(op)
    except AppError as exc:
        _refusal_is_vietnamese(exc)
        return False
    return True


def _not_nfc(value: Any) -> bool:
    if isinstance(value, str):
        return not unicodedata.is_normalized("NFC", value)
    if isinstance(value, dict):
        return any(_not_nfc(k) or _not_nfc(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_not_nfc(v) for v in value)
    return False


def assert_all_nfc(path: Path) -> None:
    """Every text value in the file, and every string inside its JSON values, is NFC."""
    import json

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            if table.startswith(("sqlite_", "petition_fts", "search_")) or "_fts" in table:
                continue
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                for column, value in zip(columns, row, strict=True):
                    if not isinstance(value, str):
                        continue
                    if value[:1] in "[{":
                        with contextlib.suppress(ValueError):
                            value = json.loads(value)
                    assert not _not_nfc(value), f"{table}.{column} holds text that is not NFC"
    finally:
        conn.close()


def _text_calls(ids: Ids) -> dict[str, Callable[[Session, str, str], object]]:
    def plan_edit(s: Session, a: str, b: str) -> object:
        data = plans.get_plan(s, ids.plan).to_input()
        return plans.update_plan(s, ids.plan, dataclasses.replace(data, title=a, opening=b, contents=[a, b]))

    def dialogue_edit(s: Session, a: str, b: str) -> object:
        data = dialogues.dialogue_detail(s, ids.open_dialogue).to_input()
        return dialogues.update_dialogue(
            s, ids.open_dialogue, dataclasses.replace(data, title=a, place=b, content=a, secretary_name=b)
        )

    def organization(s: Session, a: str, b: str) -> object:
        return app_settings.update_organization(
            s, ids.org, app_settings.OrganizationInput(a, b, "UBND", a, b, parent_name=b, signing_authority=a)
        )

    def petition(s: Session, a: str, b: str) -> object:
        data = petitions.PetitionInput(
            content=a, petitioner_name=b, petitioner_phone=a, petitioner_address=b, petitioner_org=a
        )
        new = petitions.create_petition(s, data)
        return petitions.update_petition(
            s, new, dataclasses.replace(data, content=b or "x", petitioner_name=a)
        )

    def opinion(s: Session, a: str, b: str) -> object:
        pid, entry = minutes.record_opinion(
            s, ids.open_dialogue, minutes.OpinionInput(petitioner_name=a, hamlet=b, content=a)
        )
        minutes.update_opinion(s, pid, minutes.OpinionInput(petitioner_name=b, hamlet=a, content=b))
        minutes.update_entry(s, entry, speaker=a, content=b)
        return minutes.finish_opinion(s, pid)

    return {
        "organization": organization,
        "display name": lambda s, a, b: audit.set_display_name(s, a),
        "new hamlet": lambda s, a, b: catalog.add_entry(s, "hamlet", a),
        "rename unit": lambda s, a, b: catalog.rename_entry(s, "unit", ids.unit, a),
        "new field": lambda s, a, b: catalog.add_entry(s, "field", b),
        "new leader": lambda s, a, b: catalog.add_leader(s, a, b),
        "edit leader": lambda s, a, b: catalog.update_leader(s, ids.leader, full_name=a, title=b),
        "plan": plan_edit,
        "new dialogue": lambda s, a, b: dialogues.create_dialogue(
            s,
            dialogues.DialogueInput(
                organization_id=ids.org,
                title=a,
                place=b,
                audience=a,
                participants=b,
                scheduled_at=datetime(2027, 3, 1, 8),
                secretary_name=a,
            ),
        ),
        "dialogue": dialogue_edit,
        "petition": petition,
        "answer": lambda s, a, b: petitions.add_answer(
            s, ids.petition, content=a, outcome=AnswerOutcome.ANSWERED
        ),
        "assign": lambda s, a, b: petitions.assign(
            s, ids.petition, lead_unit_id=ids.unit, deadline=AFTER, task=a, assigned_on=AFTER
        ),
        "result": lambda s, a, b: followup.record_result(
            s, ids.petition, on=AFTER, result=a, reply_number=b, status_after=PetitionStatus.RESOLVED
        ),
        "forward": lambda s, a, b: petitions.forward(s, ids.petition, a),
        "status note": lambda s, a, b: followup.change_status(
            s, ids.petition, PetitionStatus.FORWARDED, note=a, authority=b
        ),
        "extend": lambda s, a, b: followup.extend_deadline(
            s, ids.petition, deadline=date(2027, 6, 1), reason=a
        ),
        "reopen petition": lambda s, a, b: followup.reopen(s, ids.petition, reason=a),
        "opinion": opinion,
        "minute line": lambda s, a, b: minutes.add_entry(
            s, ids.open_dialogue, MinuteKind.NOTE, speaker=a, content=b
        ),
        "conclusions": lambda s, a, b: minutes.save_conclusions(s, ids.open_dialogue, [a, b]),
        "attendance": lambda s, a, b: minutes.set_attendance(
            s,
            ids.open_dialogue,
            leaders=1,
            units=2,
            hamlet_heads=3,
            citizens=4,
            attendees=[(a, b)],
            absentees=[(b, a, a)],
            secretary=a,
        ),
        "live answer": lambda s, a, b: minutes.answer(
            s, minutes.AnswerInput(ids.petition, a, AnswerOutcome.FORWARDED, forwarded_to=b)
        ),
        "summary": lambda s, a, b: wording.set_summary(s, ids.petition, a),
        "assessment": lambda s, a, b: wording.set_assessment(s, ids.closed_dialogue, a),
        "unlock reason": lambda s, a, b: (
            locking.lock_dialogue(s, ids.closed_dialogue),
            locking.unlock_dialogue(s, ids.closed_dialogue, a),
        ),
        "saved search": lambda s, a, b: search.save_search(s, search.SavedSearch(a, b)),
        "drop saved search": lambda s, a, b: search.delete_saved_search(s, a),
        "search": lambda s, a, b: search.search_everything(s, a, today=TODAY),
        "list filter": lambda s, a, b: petitions.list_petitions(
            s, petitions.PetitionFilter(query=a), limit=20, today=TODAY
        ),
        "similar": lambda s, a, b: minutes.similar_petitions(s, a, today=TODAY),
        "period code": lambda s, a, b: reports.period_from_code(s, a),
    }


@FUZZ
@given(call=st.data(), a=texts, b=texts)
def test_any_text_through_every_service(fuzz_db: Database, call: st.DataObject, a: str, b: str) -> None:
    ids = _ids(fuzz_db)
    calls = _text_calls(ids)
    name = call.draw(st.sampled_from(sorted(calls)), label="service")
    _run(fuzz_db, lambda s: calls[name](s, a, b))
    assert_all_nfc(fuzz_db.path)


def _number_calls(ids: Ids) -> dict[str, Callable[[Session, int, date], object]]:
    def scheduled(s: Session, n: int, day: date) -> object:
        data = dialogues.dialogue_detail(s, ids.open_dialogue).to_input()
        return dialogues.update_dialogue(
            s, ids.open_dialogue,
            dataclasses.replace(data, scheduled_at=datetime(day.year, day.month, day.day, 8), collect_deadline=day, quarter=n),
        )  # fmt: skip

    def plan_numbers(s: Session, n: int, day: date) -> object:
        data = plans.get_plan(s, ids.plan).to_input()
        return plans.update_plan(s, ids.plan, dataclasses.replace(data, number=n, issued_on=day, year=n))

    return {
        "near due": lambda s, n, d: app_settings.set_near_due_days(s, n),
        "deadline rule": lambda s, n, d: app_settings.set_default_deadline_rule(s, "working", n),
        "field rule": lambda s, n, d: app_settings.set_field_deadline_rule(s, ids.field, "calendar", n),
        "days off": lambda s, n, d: app_settings.set_local_days_off(s, [d]),
        "work days": lambda s, n, d: app_settings.set_compensating_work_days(s, [d]),
        "backup keep": lambda s, n, d: maintenance.set_backup_keep(s, daily=n, weekly=n, monthly=n),
        "speaker timer": lambda s, n, d: app_settings.set_setting(s, "speaker_seconds", n),
        "copy plan": lambda s, n, d: plans.copy_plan(s, ids.plan, n),
        "default plan": lambda s, n, d: plans.create_default_plan(s, year=n, today=TODAY),
        "plan numbers": plan_numbers,
        "schedule": scheduled,
        "received on": lambda s, n, d: petitions.create_petition(
            s, petitions.PetitionInput(content="Kiến nghị", petitioner_name="Lê Văn B", received_on=d)
        ),
        "assign deadline": lambda s, n, d: petitions.assign(
            s, ids.petition, lead_unit_id=ids.unit, deadline=d, assigned_on=d
        ),
        "extend": lambda s, n, d: followup.extend_deadline(s, ids.petition, deadline=d, reason="Gia hạn"),
        "result day": lambda s, n, d: followup.record_result(
            s, ids.petition, on=d, result="Đã xong", reply_date=d, status_after=PetitionStatus.IN_PROGRESS
        ),
        "informed": lambda s, n, d: followup.record_informed(
            s, ids.petition, on=d, how=next(iter(followup.InformMethod))
        ),
        "attendance": lambda s, n, d: minutes.set_attendance(
            s, ids.open_dialogue, leaders=n, units=n, hamlet_heads=1, citizens=n
        ),
        "live answer deadline": lambda s, n, d: minutes.answer(
            s,
            minutes.AnswerInput(
                ids.petition, "Giao xã", AnswerOutcome.ASSIGNED, lead_unit_id=ids.unit, deadline=d
            ),
        ),
        "move entry": lambda s, n, d: catalog.move_entry(s, "unit", ids.unit, n),
        "reminder sent": lambda s, n, d: unit_sheets.record_reminder_sent(s, ids.unit, d),
        "mark duplicate": lambda s, n, d: followup.mark_duplicate(s, ids.petition, n),
        "no such record": lambda s, n, d: petitions.forward(s, n, "Huyện"),
    }


@FUZZ
@given(call=st.data(), n=numbers, day=days)
def test_any_number_and_date_through_every_service_and_the_lists_still_open(
    fuzz_db: Database, call: st.DataObject, n: int, day: date
) -> None:
    ids = _ids(fuzz_db)
    calls = _number_calls(ids)
    name = call.draw(st.sampled_from(sorted(calls)), label="service")
    _run(fuzz_db, lambda s: calls[name](s, n, day))
    with fuzz_db.reading() as s:  # one bad value must never break a whole screen
        assert dialogues.list_dialogues(s, today=TODAY)
        assert plans.list_plans(s)
        assert petitions.list_petitions(s, limit=20, today=TODAY)
        followup_rows = followup.petition_detail(s, ids.petition, today=TODAY)
        assert followup_rows is not None


def _exporters(ids: Ids, folder: Path) -> dict[str, Callable[[Session], Path | list[Path]]]:
    period = parse_period("2026", Cutoff.CALENDAR)
    out: dict[str, Callable[[Session], Path | list[Path]]] = {}
    for kind in DocumentKind:
        ident = ids.plan if kind is DocumentKind.PLAN else ids.closed_dialogue
        out[f"docx {kind.value}"] = lambda s, k=kind, i=ident: documents.write_document(
            s, k, i, folder / f"{k.value}.docx", issued_on=date(2026, 12, 1), today=TODAY
        )
        out[f"docx {kind.value} public"] = lambda s, k=kind, i=ident: documents.write_document(
            s, k, i, folder / f"{k.value}-public.docx", public=True, today=TODAY
        )
    out["xlsx petitions"] = lambda s: reports.export_petitions_xlsx(s, folder / "so.xlsx", today=TODAY)
    out["xlsx report"] = lambda s: reports.export_report_xlsx(s, period, folder / "bc.xlsx", today=TODAY)
    out["docx report"] = lambda s: reports.export_report_docx(s, period, folder / "bc.docx", today=TODAY)
    out["xlsx unit sheet"] = lambda s: unit_sheets.export_unit_sheet(
        s, ids.unit, folder / "dv.xlsx", today=TODAY
    )
    out["docx slip"] = lambda s: unit_sheets.export_assignment_slip(
        s, ids.unit, folder / "pg.docx", today=TODAY
    )
    out["docx reminder"] = lambda s: unit_sheets.export_reminder_letter(
        s, ids.unit, folder / "dd.docx", today=TODAY
    )
    out["xlsx import template"] = lambda s: opinion_import.write_template(folder / "mau.xlsx", s)
    return out


def _plant(s: Session, ids: Ids, a: str, b: str) -> None:
    """Put the texts where every document prints them (each refusal leaves the old value)."""
    org = s.get(Organization, ids.org)
    closed = s.get(Dialogue, ids.closed_dialogue)
    plan = s.get(Plan, ids.plan)
    unit = s.get(Unit, ids.unit)
    petition = s.scalars(select(Petition).where(Petition.dialogue_id == ids.closed_dialogue)).first()
    assert org and closed and plan and unit and petition
    org.name, org.place_name, org.signer_name = a or "UBND", b or "Xã", a
    closed.title, closed.place, closed.assessment = a, b, a
    plan.title, plan.opening = b, a
    unit.name = (a or "Đơn vị")[:200]
    petition.content, petition.petitioner_name, petition.summary = a, b, b


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=texts, b=texts)
@example(a="", b="\x0c")  # a page break pasted from Word: Excel refused it as a name
@pytest.mark.slow
def test_any_text_through_every_exporter(fuzz_db: Database, tmp_path: Path, a: str, b: str) -> None:
    ids = _ids(fuzz_db)
    _run(fuzz_db, lambda s: _plant(s, ids, a, b))  # a refused text leaves the demo wording
    folder = tmp_path / "out"
    folder.mkdir(exist_ok=True)
    for name, export in _exporters(ids, folder).items():
        try:
            made = fuzz_db.write(export)  # as the window does: the file is final at the commit
        except AppError as exc:
            _refusal_is_vietnamese(exc)
            continue
        for path in made if isinstance(made, list) else [made]:
            with zipfile.ZipFile(path) as package:
                assert package.testzip() is None, name
                core = (
                    package.read("docProps/core.xml").decode("utf-8")
                    if "docProps/core.xml" in package.namelist()
                    else ""
                )
            title = re.search(r"<dc:title>(.*?)</dc:title>", core, re.S)
            assert title is None or len(title.group(1)) <= 255 * 6, name  # escaped, cut at 255
    assert not list(folder.glob(".*")), "no hidden temp file is left beside the documents"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    number=st.one_of(numbers, st.text(max_size=30)),
    day=st.one_of(days.map(date.isoformat), st.text(max_size=12)),
)
def test_any_number_and_date_on_the_command_line(
    fuzz_db: Database, tmp_path: Path, number: int | str, day: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from app import cli

    ids = _ids(fuzz_db)
    fuzz_db.close()
    out = tmp_path / "tb.docx"
    argv = ["export", "--kind", "tb", "--id", str(ids.closed_dialogue), "--number", str(number),
            "--date", day, "--out", str(out), "--db", str(fuzz_db.path)]  # fmt: skip
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse's refusal: exit 2 with the Vietnamese reason
        code = int(stop.code or 0)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code != 0:
        assert code in (1, 2) and VIETNAMESE.search(err), err
    else:
        assert out.is_file()
    for ident in (str(number), "0", str(2**63)):
        try:
            code = cli.main(
                [
                    "export",
                    "--kind",
                    "gm",
                    "--id",
                    ident,
                    "--out",
                    str(tmp_path / "g.docx"),
                    "--db",
                    str(fuzz_db.path),
                ]
            )
        except SystemExit as stop:
            code = int(stop.code or 0)
        err = capsys.readouterr().err
        assert "Traceback" not in err and (code == 0 or VIETNAMESE.search(err)), err


def test_an_id_beyond_int64_is_not_found_not_an_overflow(fuzz_db: Database) -> None:
    from app.errors import NotFoundError

    for service in (
        lambda s: petitions.forward(s, 2**63, "Huyện"),
        lambda s: followup.reopen(s, 2**63, reason="Kiểm tra"),
    ):
        with pytest.raises(NotFoundError), fuzz_db.transaction() as session:
            service(session)
