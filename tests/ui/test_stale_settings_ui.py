"""Cài đặt opened before another PC's save: «đã được người khác sửa», theirs reloaded, nothing
overwritten; the form's own saves in a row never conflict with themselves.

Runs on SQLite and, with DOITHOAI_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.services import settings
from tests.ui.keyboard import type_text
from tests.ui.test_settings_page import _page
from ui.context import AppContext

pytestmark = pytest.mark.pg

TIMEOUT = 15000
CONFLICT = "đã được người khác sửa"


def _idle(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not context.tasks.busy, timeout=TIMEOUT)


def test_the_body_autosaves_in_a_row_then_refuses_over_another_pcs_save(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_context)
    form = page.organization
    qtbot.waitUntil(lambda: form.edits["place_name"].text() == "Lương Phong", timeout=TIMEOUT)
    _idle(qtbot, demo_context)
    for name in ("Hoàng Văn Sơn", "Hoàng Văn Sơn Hải"):  # two saves of this form, one after the other
        form.edits["signer_name"].selectAll()
        type_text(form.edits["signer_name"], name)
        with qtbot.waitSignal(form.saved, timeout=TIMEOUT):
            form.save()
        assert form.status.text().startswith("Đã lưu"), form.status.text()
    with demo_context.db.transaction() as session:  # the other PC, reading afresh
        org = settings.current_organization(session)
        assert org is not None
        typed = settings.OrganizationInput(
            org.name, org.place_name, org.issuer_code, org.signer_name, org.signer_title,
            org.parent_name, org.signing_authority,
        )  # fmt: skip
        settings.update_organization(
            session, org.id, replace(typed, signer_name="Lê Thị Máy Kia"), expected=org
        )
    with qtbot.waitSignal(demo_context.tasks.task_failed, timeout=TIMEOUT) as told:
        form.edits["place_name"].selectAll()
        type_text(form.edits["place_name"], "Lương Phong Máy Này")
        form.save()
    assert CONFLICT in told.args[0]
    assert "«Lê Thị Máy Kia»" in told.args[0] and "«Hoàng Văn Sơn Hải»" in told.args[0]
    qtbot.waitUntil(lambda: form.edits["signer_name"].text() == "Lê Thị Máy Kia", timeout=TIMEOUT)  # reloaded
    assert form.edits["place_name"].text() == "Lương Phong"
    _idle(qtbot, demo_context)
    with demo_context.db.reading() as session:
        now = settings.current_organization(session)
    assert now is not None and now.signer_name == "Lê Thị Máy Kia" and now.place_name == "Lương Phong"


def test_a_default_changed_in_a_row_then_over_another_pcs_save_is_refused(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_context)
    spin = page.defaults.speaker_seconds
    qtbot.waitUntil(lambda: bool(page.defaults._versions), timeout=TIMEOUT)
    for seconds in (210, 240):
        spin.setValue(seconds)
        qtbot.waitUntil(lambda: page.defaults.status.text() == "Đã lưu.", timeout=TIMEOUT)
        _idle(qtbot, demo_context)
        page.defaults.status.clear()
    with demo_context.db.reading() as session:
        assert settings.get_setting(session, "speaker_seconds") == 240
    with demo_context.db.transaction() as session:  # the other PC
        seen = settings.setting_versions(session, ["speaker_seconds"])["speaker_seconds"]
        settings.set_setting(session, "speaker_seconds", 600, expected=seen)
    with qtbot.waitSignal(demo_context.tasks.task_failed, timeout=TIMEOUT) as told:
        spin.setValue(90)
    assert CONFLICT in told.args[0] and "«90»" in told.args[0] and "«600»" in told.args[0]
    qtbot.waitUntil(lambda: spin.value() == 600, timeout=TIMEOUT)  # theirs, reloaded
    _idle(qtbot, demo_context)
    with demo_context.db.reading() as session:
        assert settings.get_setting(session, "speaker_seconds") == 600


def test_the_deadline_section_refuses_over_another_pcs_save_and_shows_theirs(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_context)
    form = page.deadlines
    qtbot.waitUntil(lambda: bool(form._versions), timeout=TIMEOUT)
    for days in (20, 25):  # this form's own saves in a row
        form.days.setValue(days)
        qtbot.waitUntil(lambda: form.saved.text() == "Đã lưu.", timeout=TIMEOUT)
        _idle(qtbot, demo_context)
        form.saved.clear()
    with demo_context.db.reading() as session:
        assert settings.default_deadline_rule(session).days == 25
    with demo_context.db.transaction() as session:  # the other PC
        seen = settings.setting_versions(session, settings.DEADLINE_KEYS)
        settings.set_default_deadline_rule(session, "calendar", 40, expected=seen)
    with qtbot.waitSignal(demo_context.tasks.task_failed, timeout=TIMEOUT) as told:
        form.days.setValue(30)
    assert CONFLICT in told.args[0] and "«40»" in told.args[0], told.args[0]
    assert CONFLICT in form.status.text()
    qtbot.waitUntil(lambda: form.days.value() == 40, timeout=TIMEOUT)  # theirs, reloaded
    assert form.mode.currentData() == "calendar"
    _idle(qtbot, demo_context)
    with demo_context.db.reading() as session:
        assert settings.default_deadline_rule(session) == settings.DeadlineRule("calendar", 40)
