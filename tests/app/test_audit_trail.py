"""The Nhật ký misses nothing a user changed: every setting (old → new), edits after the meeting,
petitions, wording, pick-list order, and backups and restores made from the command line."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.rules import PetitionKind, PetitionSource
from app.services import audit, catalog, maintenance, minutes, petitions, reports, search, settings, wording
from app.storage.database import Database
from app.storage.models import AuditEvent, Field, Petition
from tests.app.test_cli import doithoai
from tests.app.test_locking import _closed_with_an_opinion


def _events(db: Database, **where: Any) -> list[AuditEvent]:
    with db.reading() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list(session.scalars(query))


def _setting_lines(db: Database, key: str) -> list[dict[str, Any]]:
    return [e.details for e in _events(db, action="settings", entity="setting") if e.details["key"] == key]


def test_every_settings_writer_leaves_old_and_new_who_and_when(db: Database) -> None:
    with db.transaction() as session:
        audit.set_display_name(session, "Chị Lan (văn phòng)")
        field_id = session.scalars(select(Field.id)).first()
        if field_id is None:
            catalog.ensure_defaults(session)
    with db.reading() as session:
        field_id = session.scalars(select(Field.id)).first()
    assert field_id is not None
    writers: dict[str, Callable[[Session], object]] = {
        settings.NEAR_DUE_DAYS: lambda s: settings.set_near_due_days(s, 9),
        settings.DEADLINE_MODE_KEY: lambda s: settings.set_default_deadline_rule(s, "working", 15),
        settings.FIELD_DEADLINES_KEY: lambda s: settings.set_field_deadline_rule(s, field_id, "calendar", 20),
        settings.LOCAL_DAYS_OFF_KEY: lambda s: settings.set_local_days_off(s, [date(2026, 3, 10)]),
        settings.COMPENSATING_WORK_DAYS_KEY: lambda s: settings.set_compensating_work_days(
            s, [date(2026, 5, 9)]
        ),
        "backup_keep": lambda s: maintenance.set_backup_keep(s, daily=5, weekly=3, monthly=2),
        reports.CUTOFF_KEY: lambda s: reports.set_report_cutoff(s, reports.Cutoff.DAY_15),
        search.SAVED_SEARCHES_KEY: lambda s: search.save_search(
            s, search.SavedSearch("Quá hạn thôn Đông", "đường")
        ),
        "speaker_seconds": lambda s: settings.set_setting(s, "speaker_seconds", 240),
    }
    for key, write in writers.items():
        with db.transaction() as session:
            write(session)
        lines = _setting_lines(db, key)
        assert lines, f"{key}: no line in the Nhật ký"
        assert lines[-1]["new"] is not None, key
    assert _setting_lines(db, settings.NEAR_DUE_DAYS)[-1] == {"key": "near_due_days", "old": None, "new": 9}
    assert _setting_lines(db, "speaker_seconds")[-1]["new"] == 240
    assert _setting_lines(db, "backup_keep")[-1]["new"] == {"daily": 5, "weekly": 3, "monthly": 2}
    with db.transaction() as session:
        settings.set_near_due_days(session, 12)
        search.delete_saved_search(session, "Quá hạn thôn Đông")
    assert _setting_lines(db, settings.NEAR_DUE_DAYS)[-1] == {"key": "near_due_days", "old": 9, "new": 12}
    assert _setting_lines(db, search.SAVED_SEARCHES_KEY)[-1]["new"] == []
    last = _events(db, action="settings")[-1]
    assert last.user == audit.current_user() and last.actor == "Chị Lan (văn phòng)"
    assert abs((datetime.now() - last.at).total_seconds()) < 120


def test_an_unchanged_setting_and_program_state_write_no_line(db: Database) -> None:
    with db.transaction() as session:
        settings.set_near_due_days(session, 9)
    before = len(_events(db))
    with db.transaction() as session:
        settings.set_near_due_days(session, 9)  # the same value again (a spin box set back)
        settings.store_state(session, "live_session", {"dialogue_id": 1})
    assert len(_events(db)) == before
    with pytest.raises(ValueError), db.transaction() as session:
        settings.store_state(session, "near_due_days", 3)  # a user setting never skips the log


def test_display_name_is_per_login_and_its_change_is_audited(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "current_user", lambda: "lan")
    with db.transaction() as session:
        audit.set_display_name(session, "Nguyễn Thị Lan")
    monkeypatch.setattr(audit, "current_user", lambda: "hung")
    with db.transaction() as session:
        assert audit.display_name(session) == ""  # another login has not chosen a name yet
        audit.set_display_name(session, "Trần Văn Hùng")
        audit.set_display_name(session, "Trần Văn Hùng (Văn phòng)")
    monkeypatch.setattr(audit, "current_user", lambda: "lan")
    with db.reading() as session:
        assert audit.display_name(session) == "Nguyễn Thị Lan"
    renames = [e for e in _events(db, action="settings") if e.details["key"].startswith("audit_display_name")]
    assert [e.details["new"] for e in renames] == [
        "Nguyễn Thị Lan",
        "Trần Văn Hùng",
        "Trần Văn Hùng (Văn phòng)",
    ]
    assert renames[-1].details["old"] == "Trần Văn Hùng" and renames[-1].user == "hung"
    assert renames[-1].actor == "Trần Văn Hùng (Văn phòng)"


def test_a_closed_meeting_is_audited_before_the_lock_112_to_612(demo_db: Database) -> None:
    dialogue_id, petition_id, _entry = _closed_with_an_opinion(demo_db)
    with demo_db.transaction() as session:
        minutes.set_attendance(session, dialogue_id, leaders=3, units=5, hamlet_heads=4, citizens=612)
        minutes.save_conclusions(session, dialogue_id, ["Giao xã sửa đường trước 30/12"])
        minutes.update_opinion(
            session,
            petition_id,
            minutes.OpinionInput(petitioner_name="Lê Văn A", content="Đường làng hỏng nặng"),
        )
    edits = _events(demo_db, action="edit")
    by_entity = {(e.entity, tuple(sorted(e.details["changes"]))): e for e in edits}
    attendance = next(e for e in edits if e.entity == "dialogue")
    assert attendance.details["changes"]["citizens_count"] == [112, 612]
    assert attendance.details["after_unlock"] is False
    opinion = next(e for e in edits if e.entity == "petition")
    assert opinion.details["changes"]["content"] == ["Đường làng hỏng", "Đường làng hỏng nặng"]
    created = [e for e in _events(demo_db, action="create", entity="conclusion")]
    assert created and created[-1].details["changes"]["content"] == [None, "Giao xã sửa đường trước 30/12"]
    assert by_entity  # every edit names its record and what changed


def test_edits_of_a_petition_its_wording_and_the_pick_list_order_keep_old_and_new(demo_db: Database) -> None:
    with demo_db.reading() as session:
        row = session.scalars(
            select(Petition).where(Petition.deleted_at.is_(None)).order_by(Petition.id)
        ).first()
        assert row is not None
        petition_id, old_content = row.id, row.content
        data = petitions.PetitionInput(
            source=PetitionSource(row.source),
            kind=PetitionKind(row.kind),
            received_on=row.received_on,
            content=row.content + " (đã xác minh)",
            petitioner_name=row.petitioner_name,
            hamlet_id=row.hamlet_id,
            field_id=row.field_id,
        )
    with demo_db.transaction() as session:
        petitions.update_petition(session, petition_id, data)
        wording.set_summary(session, petition_id, "Ông đề nghị sửa đường.")
        units = catalog.list_entries(session, "unit")
        catalog.move_entry(session, "unit", units[0].id, 1)
    updates = _events(demo_db, action="update", entity="petition", entity_id=petition_id)
    assert updates[0].details["changes"]["content"] == [old_content, old_content + " (đã xác minh)"]
    assert updates[1].details["changes"]["summary"][1] == "Ông đề nghị sửa đường."
    moved = _events(demo_db, action="update", entity="unit")
    assert moved and moved[-1].details["position"] == [1, 2]


def _audit_rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT action, details FROM audit_event ORDER BY id").fetchall()
    conn.close()
    return rows


def test_backup_and_restore_from_the_command_line_are_in_the_log(tmp_path: Path, data_home: Path) -> None:
    target = tmp_path / "demo.sqlite"
    assert doithoai("demo", "--db", str(target), home=data_home).returncode == 0
    usb = tmp_path / "usb"
    usb.mkdir()
    made = doithoai("backup", "--db", str(target), "--to", str(usb), home=data_home)
    assert made.returncode == 0, made.stderr
    copy = next(usb.glob("*.sqlite"))
    backups_lines = [details for action, details in _audit_rows(target) if action == "backup"]
    assert len(backups_lines) == 1 and copy.name in backups_lines[0]
    restored = doithoai("restore", str(copy), "--db", str(target), home=data_home)
    assert restored.returncode == 0, restored.stderr
    restore_lines = [details for action, details in _audit_rows(target) if action == "restore_backup"]
    assert len(restore_lines) == 1 and copy.name in restore_lines[0]


def test_edits_of_the_body_a_plan_a_dialogue_and_a_leader_keep_old_and_new(demo_db: Database) -> None:
    import dataclasses

    from app.services import dialogues, plans
    from app.storage.models import Dialogue, Leader, Plan

    with demo_db.reading() as session:
        plan_id = session.scalars(select(Plan.id)).first()
        dialogue_id = session.scalars(select(Dialogue.id).where(Dialogue.state != "closed")).first()
        leader = session.scalars(select(Leader)).first()
        assert plan_id and dialogue_id and leader
        plan_input = plans.get_plan(session, plan_id).to_input()
        dialogue_input = dialogues.dialogue_detail(session, dialogue_id).to_input()
        org = settings.current_organization(session)
        assert org is not None
    with demo_db.transaction() as session:
        plans.update_plan(session, plan_id, dataclasses.replace(plan_input, title="Kế hoạch đã sửa"))
        plans.update_plan(
            session, plan_id, dataclasses.replace(plan_input, title="Kế hoạch đã sửa")
        )  # autosave again
        dialogues.update_dialogue(
            session, dialogue_id, dataclasses.replace(dialogue_input, place="Nhà văn hóa thôn Đông")
        )
        catalog.update_leader(session, leader.id, full_name=leader.full_name, title="Phó Chủ tịch UBND xã")
        settings.update_organization(
            session,
            org.id,
            settings.OrganizationInput(
                org.name, "Tân Sơn", org.issuer_code, org.signer_name, org.signer_title
            ),
        )
    plan_lines = _events(demo_db, action="update", entity="plan")
    assert len(plan_lines) == 1 and plan_lines[0].details["changes"]["title"] == [
        plan_input.title,
        "Kế hoạch đã sửa",
    ]
    place = _events(demo_db, action="update", entity="dialogue")[-1].details["changes"]["place"]
    assert place == [dialogue_input.place, "Nhà văn hóa thôn Đông"]
    title = _events(demo_db, action="update", entity="leader")[-1].details["changes"]["title"]
    assert title == [leader.title, "Phó Chủ tịch UBND xã"]
    body = _events(demo_db, action="update", entity="organization")[-1].details["changes"]
    assert body["place_name"] == [org.place_name, "Tân Sơn"]


def test_a_closed_meeting_made_in_one_go_is_not_a_list_of_edits(demo_db: Database) -> None:
    """The demo (or an import) creates meetings already held: their rows are not after-the-fact edits."""
    hook_lines = [e for e in _events(demo_db) if "after_unlock" in (e.details or {})]
    assert hook_lines == []
