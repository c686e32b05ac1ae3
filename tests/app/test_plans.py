"""Kế hoạch services: the two real plans stored and read back, copied a year on, dialogues scheduled."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime
from typing import Any

import pytest

from app.domain.rules import DialogueState, DocumentKind, PlanKind
from app.errors import InUseError, ValidationError
from app.paths import resource_path
from app.services import catalog, dialogues, petitions, plans, settings
from app.services.dialogues import DialogueInput
from app.storage.database import Database
from app.storage.models import Dialogue, IssuedDocument

pytestmark = pytest.mark.pg_extended  # on PostgreSQL too with DOITHOAI_TEST_PG_ALL=1 (tests/conftest.py)

TODAY = date(2026, 11, 21)


def seed(key: str) -> dict[str, Any]:
    data = json.loads(resource_path("demo", "plans.json").read_text(encoding="utf-8"))
    return next(p for p in data["plans"] if p["key"] == key)


def organization(db: Database, spec: dict[str, Any] | None = None) -> int:
    spec = spec or {
        "name": "ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG",
        "place_name": "Lương Phong",
        "issuer_code": "UBND",
        "signer_name": "Trần Quốc Hưng",
        "signer_title": "Chủ tịch",
    }
    with db.transaction() as session:
        catalog.ensure_defaults(session)
        info = settings.save_organization(
            session,
            settings.OrganizationInput(
                name=spec["name"],
                place_name=spec["place_name"],
                issuer_code=spec["issuer_code"],
                signer_name=spec["signer_name"],
                signer_title=spec["signer_title"],
                signing_authority=spec.get("signing_authority", ""),
            ),
        )
    return info.id


def seed_input(org_id: int, spec: dict[str, Any]) -> plans.PlanInput:
    return plans.PlanInput(
        organization_id=org_id,
        year=spec["year"],
        title=spec["title"],
        kind=PlanKind(spec["kind"]),
        symbol=spec["symbol"],
        issued_on=date.fromisoformat(spec["issued_on"]),
        opening=spec["opening"],
        bases=spec["bases"],
        purposes=spec["purposes"],
        requirements=spec["requirements"],
        audience=spec["audience"],
        contents=spec["contents"],
        forms=spec["forms"],
        time_place=spec["time_place"],
        steps=spec["steps"],
        tasks_intro=spec["tasks_intro"],
        tasks=spec["tasks"],
        recipients=spec["recipients"],
        signer_title=spec["organization"]["signer_title"],
        signer_name=spec["organization"]["signer_name"],
    )


def make_seed_plan(db: Database, key: str) -> int:
    spec = seed(key)
    org_id = organization(db, spec["organization"])
    with db.transaction() as session:
        plan_id = plans.create_plan(session, seed_input(org_id, spec))
        for d in spec["dialogues"]:
            plans.schedule_dialogue(
                session,
                plan_id,
                DialogueInput(
                    organization_id=org_id,
                    title=d["title"],
                    quarter=d.get("quarter"),
                    scheduled_at=datetime.fromisoformat(d["scheduled_at"]) if d.get("scheduled_at") else None,
                    collect_deadline=date.fromisoformat(d["collect_deadline"])
                    if d.get("collect_deadline")
                    else None,
                    audience=d["audience"],
                    place=d["place"],
                ),
            )
    return plan_id


@pytest.mark.parametrize("key", ["luong-phong-2024", "bac-kan-2016"])
def test_each_seed_plan_is_stored_and_read_back_whole(db: Database, key: str) -> None:
    spec = seed(key)
    plan_id = make_seed_plan(db, key)
    with db.reading() as session:
        detail = plans.get_plan(session, plan_id, today=TODAY)
    assert detail.title == spec["title"]
    assert detail.year == spec["year"] and detail.kind == PlanKind(spec["kind"])
    assert detail.number is None and detail.number_text == f"…/{spec['symbol']}"
    assert list(detail.purposes) == spec["purposes"]
    assert list(detail.requirements) == spec["requirements"]
    assert list(detail.steps) == spec["steps"]
    assert list(detail.time_place) == spec["time_place"]
    assert list(detail.forms) == spec["forms"]
    assert [t.unit for t in detail.tasks] == [t["unit"] for t in spec["tasks"]]
    assert [list(t.tasks) for t in detail.tasks] == [t["tasks"] for t in spec["tasks"]]
    assert detail.recipients[-1] == "Lưu: VT"
    assert detail.signer_name == spec["organization"]["signer_name"]
    assert [d.title for d in detail.dialogues] == [d["title"] for d in spec["dialogues"]]
    assert detail.to_input().purposes == spec["purposes"]


def test_text_typed_with_combining_marks_is_stored_nfc(db: Database) -> None:
    org_id = organization(db)
    decomposed = unicodedata.normalize("NFD", "Lắng nghe tâm tư, nguyện vọng của Nhân dân.")
    with db.transaction() as session:
        plan_id = plans.create_plan(
            session,
            plans.PlanInput(organization_id=org_id, year=2026, title=decomposed, purposes=[decomposed, "  "]),
        )
    with db.reading() as session:
        detail = plans.get_plan(session, plan_id)
    nfc = unicodedata.normalize("NFC", decomposed)
    assert detail.title == nfc
    assert detail.purposes == (nfc,)  # the blank entry is dropped


def test_a_new_plan_starts_with_the_offices_standard_wording(db: Database) -> None:
    organization(db)
    with db.transaction() as session:
        plan_id = plans.create_default_plan(session, year=2026, kind=PlanKind.YEARLY, today=TODAY)
    with db.reading() as session:
        detail = plans.get_plan(session, plan_id)
    assert detail.symbol == "KH-UBND"
    assert detail.issued_on == TODAY
    assert "năm 2026" in detail.title
    assert detail.bases[0].startswith("Căn cứ Luật Tổ chức chính quyền địa phương")
    assert detail.opening.startswith("Ủy ban nhân dân xã Lương Phong xây dựng Kế hoạch")
    assert detail.purposes and detail.requirements and detail.steps and detail.contents
    assert detail.recipients[-1] == "Lưu: VT."
    assert detail.signer_name == "Trần Quốc Hưng" and detail.signing_authority == "TM. ỦY BAN NHÂN DÂN"
    assert "xã Lương Phong" in detail.audience
    # Units of the standard tasks are the ones of Danh mục, linked by id.
    office = detail.tasks[0]
    assert office.unit == "Văn phòng HĐND và UBND" and office.unit_id is not None
    assert any("07 ngày" in task for task in office.tasks)


def test_a_plan_for_next_year_has_no_issue_date_yet(db: Database) -> None:
    organization(db)
    with db.transaction() as session:
        data = plans.new_plan_input(session, year=2027, kind=PlanKind.SINGLE, today=TODAY)
    assert data.issued_on is None
    assert data.kind == PlanKind.SINGLE
    assert any("Địa điểm" in line for line in data.time_place)


def test_an_invalid_autosave_changes_nothing(db: Database) -> None:
    plan_id = make_seed_plan(db, "luong-phong-2024")
    with db.reading() as session:
        data = plans.get_plan(session, plan_id).to_input()
    data.title = "Trích yếu mới"
    data.issued_on = date(2019, 1, 1)
    with pytest.raises(ValidationError) as error, db.transaction() as session:
        plans.update_plan(session, plan_id, data)
    assert "issued_on" in error.value.problems
    assert "năm 2024" in error.value.problems["issued_on"]
    with db.reading() as session:
        assert plans.get_plan(session, plan_id).title == seed("luong-phong-2024")["title"]

    data.issued_on = date(2024, 3, 20)
    data.purposes = [*data.purposes, "Mục đích thứ tư."]
    with db.transaction() as session:
        row = plans.update_plan(session, plan_id, data)
    assert row.title == "Trích yếu mới"
    with db.reading() as session:
        detail = plans.get_plan(session, plan_id)
    assert detail.issued_on == date(2024, 3, 20) and detail.purposes[-1] == "Mục đích thứ tư."


def test_the_year_cannot_move_away_from_its_dated_dialogues(db: Database) -> None:
    plan_id = make_seed_plan(db, "bac-kan-2016")
    with db.reading() as session:
        data = plans.get_plan(session, plan_id).to_input()
    data.year = 2017
    data.issued_on = None
    with pytest.raises(ValidationError) as error, db.transaction() as session:
        plans.update_plan(session, plan_id, data)
    assert "23/9/2016" in error.value.problems["year"]


def test_copying_moves_the_plan_and_its_dialogues_a_year_forward(db: Database) -> None:
    plan_id = make_seed_plan(db, "bac-kan-2016")
    with db.transaction() as session:
        copy_id = plans.copy_plan(session, plan_id, 2017)
    with db.reading() as session:
        copy = plans.get_plan(session, copy_id, today=TODAY)
        original = plans.get_plan(session, plan_id, today=TODAY)
    assert copy.year == 2017 and copy.number is None
    assert copy.title.endswith("năm 2017")
    assert copy.issued_on == date(2017, 8, 25)
    assert "Từ 8h00 ngày 23 tháng 9 năm 2017." in copy.time_place[0]
    assert "8 tháng năm 2017" in copy.contents[0]
    assert "gửi về UBND thành phố trước 10/9/2017." in copy.tasks[0].tasks[0]
    assert copy.recipients == original.recipients
    (dialogue,) = copy.dialogues
    assert dialogue.scheduled_at == datetime(2017, 9, 23, 8, 0)
    assert dialogue.collect_deadline == date(2017, 9, 10)
    assert dialogue.state == DialogueState.PLANNED
    assert original.title.endswith("năm 2016")  # the source is untouched


def test_copying_keeps_the_years_of_other_documents(db: Database) -> None:
    plan_id = make_seed_plan(db, "luong-phong-2024")
    with db.transaction() as session:
        plan = plans.get_plan(session, plan_id).to_input()
        plan.bases = ["Căn cứ Luật Đất đai năm 2024"]
        plans.update_plan(session, plan_id, plan)
        copy_id = plans.copy_plan(session, plan_id, 2025)
    with db.reading() as session:
        copy = plans.get_plan(session, copy_id)
    assert "Quyết định số 1158-QĐ/TU ngày 09/7/2015" in copy.opening
    assert "với nhân dân năm 2025 như sau:" in copy.opening
    assert copy.bases == ("Căn cứ Luật Đất đai năm 2024",)
    assert copy.issued_on == date(2025, 3, 18)
    assert [(d.quarter, d.scheduled_at) for d in copy.dialogues] == [(4, None)]


def test_shift_year_handles_29_february() -> None:
    assert plans.shift_year(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert plans.shift_text("ngày 05/01/2024, năm 2024, Năm 2024; 2024", 2024, 2025) == (
        "ngày 05/01/2025, năm 2025, Năm 2025; 2024"
    )


def test_scheduling_checks_the_plan_year_and_the_collection_deadline(db: Database) -> None:
    plan_id = make_seed_plan(db, "luong-phong-2024")
    org_id = 1
    with pytest.raises(ValidationError) as outside, db.transaction() as session:
        plans.schedule_dialogue(
            session,
            plan_id,
            DialogueInput(org_id, "Hội nghị", scheduled_at=datetime(2025, 1, 10, 8, 0)),
        )
    assert outside.value.problems["scheduled_at"] == "Ngày hội nghị phải nằm trong năm 2024 của kế hoạch."
    with pytest.raises(ValidationError) as late, db.transaction() as session:
        plans.schedule_dialogue(
            session,
            plan_id,
            DialogueInput(
                org_id,
                "Hội nghị",
                scheduled_at=datetime(2024, 6, 10, 8, 0),
                collect_deadline=date(2024, 6, 12),
            ),
        )
    assert late.value.problems["collect_deadline"] == "Hạn thu thập ý kiến phải trước ngày hội nghị."
    with pytest.raises(ValidationError) as after_quarter, db.transaction() as session:
        plans.schedule_dialogue(
            session, plan_id, DialogueInput(org_id, "Hội nghị", quarter=2, collect_deadline=date(2024, 7, 2))
        )
    assert "Quý II năm 2024" in after_quarter.value.problems["collect_deadline"]
    with db.reading() as session:
        assert len(plans.get_plan(session, plan_id).dialogues) == 1  # nothing half-saved


def test_a_scheduled_dialogue_shows_days_left_and_the_late_notice(db: Database) -> None:
    organization(db)
    with db.transaction() as session:
        plan_id = plans.create_default_plan(session, year=2026, today=TODAY)
        suggestion = plans.suggest_dialogue(session, plan_id, today=TODAY)
        assert suggestion.quarter == 4 and suggestion.chair_id is not None
        suggestion.title = "Đối thoại với cán bộ, hội viên Hội Phụ nữ xã"
        suggestion.audience = "cán bộ, hội viên Hội Phụ nữ xã"
        suggestion.quarter = None
        suggestion.scheduled_at = datetime(2026, 11, 25, 8, 0)
        suggestion.collect_deadline = date(2026, 11, 20)
        dialogue_id = plans.schedule_dialogue(session, plan_id, suggestion)
    with db.reading() as session:
        (row,) = [r for r in dialogues.list_dialogues(session, today=TODAY) if r.id == dialogue_id]
        (detail,) = plans.get_plan(session, plan_id, today=TODAY).dialogues
    assert row.due_text == "còn 4 ngày" and row.notice_overdue
    assert detail.due_text == "còn 4 ngày" and detail.notice_overdue
    assert detail.audience == "cán bộ, hội viên Hội Phụ nữ xã"
    assert detail.chair == "Trần Quốc Hưng"

    with db.transaction() as session:
        session.add(
            IssuedDocument(
                organization_id=1,
                kind=DocumentKind.INVITATION,
                year=2026,
                symbol="GM-UBND",
                dialogue_id=dialogue_id,
            )
        )
    with db.reading() as session:
        (detail,) = plans.get_plan(session, plan_id, today=TODAY).dialogues
    assert not detail.notice_overdue


def test_updating_a_dialogue_replaces_its_co_chairs(db: Database) -> None:
    organization(db)
    with db.transaction() as session:
        vice = catalog.add_leader(session, "Lê Văn Đức", "Phó Chủ tịch UBND xã")
        plan_id = plans.create_default_plan(session, year=2026, today=TODAY)
        dialogue_id = plans.schedule_dialogue(session, plan_id)
    with db.reading() as session:
        (detail,) = plans.get_plan(session, plan_id).dialogues
    data = detail.to_input()
    data.co_chair_ids = (vice.id,)
    data.place = "Nhà văn hóa thôn Đông"
    with db.transaction() as session:
        plans.update_plan_dialogue(session, plan_id, dialogue_id, data)
    with db.reading() as session:
        (detail,) = plans.get_plan(session, plan_id).dialogues
    assert detail.co_chairs == ("Lê Văn Đức",) and detail.place == "Nhà văn hóa thôn Đông"


def test_held_dialogues_and_their_plans_are_never_deleted(db: Database) -> None:
    plan_id = make_seed_plan(db, "luong-phong-2024")
    with db.transaction() as session:
        dialogue = session.get(Dialogue, 1)
        assert dialogue is not None
        dialogue.state = DialogueState.CLOSED
    with pytest.raises(InUseError) as refused, db.transaction() as session:
        plans.delete_plan(session, plan_id)
    assert "đã kết thúc" in refused.value.user_message
    with pytest.raises(InUseError), db.transaction() as session:
        dialogues.delete_dialogue(session, 1)


def test_a_dialogue_with_collected_opinions_is_kept(db: Database) -> None:
    plan_id = make_seed_plan(db, "bac-kan-2016")
    with db.transaction() as session:
        petitions.create_petition(
            session,
            petitions.PetitionInput(
                content="Đường ngập nước", petitioner_name="Hoàng Văn Nam", dialogue_id=1
            ),
        )
    with pytest.raises(InUseError) as refused, db.transaction() as session:
        dialogues.delete_dialogue(session, 1)
    assert "1 ý kiến" in refused.value.user_message
    with db.reading() as session:
        assert len(plans.get_plan(session, plan_id).dialogues) == 1


def test_a_plan_with_only_planned_dialogues_is_deleted_with_them(db: Database) -> None:
    plan_id = make_seed_plan(db, "bac-kan-2016")
    with db.transaction() as session:
        plans.delete_plan(session, plan_id)
    with db.reading() as session:
        assert plans.list_plans(session) == []
        assert dialogues.list_dialogues(session) == []


def test_export_needs_a_trich_yeu_and_names_the_file_by_year(db: Database) -> None:
    plan_id = make_seed_plan(db, "luong-phong-2024")
    with db.reading() as session:
        detail = plans.get_plan(session, plan_id)
    plans.validate_for_export(detail)
    assert plans.default_file_name(detail) == "KH-doi-thoai-2024.docx"
    data = detail.to_input()
    data.title = "   "
    with db.transaction() as session:
        plans.update_plan(session, plan_id, data)
    with db.reading() as session:
        empty = plans.get_plan(session, plan_id)
    with pytest.raises(ValidationError) as error:
        plans.validate_for_export(empty)
    assert error.value.problems == {"title": "Hãy nhập trích yếu của kế hoạch trước khi xuất Word."}


def test_the_archive_line_always_closes_the_recipients() -> None:
    assert plans.with_archive_last(["- Lưu: VT.", "Thường trực HĐND xã;"]) == [
        "Thường trực HĐND xã;",
        "- Lưu: VT.",
    ]
    assert plans.with_archive_last(["Thường trực HĐND xã"]) == ["Thường trực HĐND xã", "Lưu: VT."]


def test_the_saved_recipients_end_with_the_archive_line(db: Database) -> None:
    plan_id = make_seed_plan(db, "luong-phong-2024")
    with db.reading() as session:
        data = plans.get_plan(session, plan_id).to_input()
    data.recipients = ["Lưu: VT.", "Thường trực HĐND xã"]
    with db.transaction() as session:
        plans.update_plan(session, plan_id, data)
    with db.reading() as session:
        assert plans.get_plan(session, plan_id).recipients == ("Thường trực HĐND xã", "Lưu: VT.")
    data.recipients = ["Thường trực HĐND xã"]
    with db.transaction() as session:
        plans.update_plan(session, plan_id, data)
    with db.reading() as session:
        assert plans.get_plan(session, plan_id).recipients == ("Thường trực HĐND xã", "Lưu: VT.")
