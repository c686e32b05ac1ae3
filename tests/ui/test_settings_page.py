"""Cài đặt: correcting the issuing body and editing the wording of documents."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from sqlalchemy import select

from app import paths
from app.export import templates
from app.services import settings
from app.services.documents import export_document
from app.storage.models import Dialogue
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.views.settings_page import SettingsPage


def _page(qtbot, context: AppContext) -> SettingsPage:  # type: ignore[no-untyped-def]
    page = SettingsPage(context)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.templates.list.count() > 20, timeout=10000)
    return page


def test_organization_is_corrected_in_place(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_context)
    form = page.organization
    qtbot.waitUntil(lambda: form.edits["place_name"].text() == "Lương Phong", timeout=10000)
    form.edits["signer_name"].clear()
    form.save()
    assert form.errors["signer_name"].isVisible()
    type_text(form.edits["signer_name"], "Nguyễn Thị Hạnh")
    with qtbot.waitSignal(form.saved, timeout=10000):
        form.save()
    with demo_context.db.reading() as session:
        org = settings.current_organization(session)
    assert org is not None and org.signer_name == "Nguyễn Thị Hạnh"
    assert org.name == "ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG"  # the two-line layout is kept


def test_organization_saves_as_typed_without_a_save_button(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    page = _page(qtbot, demo_context)
    form = page.organization
    qtbot.waitUntil(lambda: form.edits["place_name"].text() == "Lương Phong", timeout=10000)
    assert not [b for b in form.findChildren(QPushButton) if "Lưu" in b.text()]
    form.edits["signer_name"].selectAll()
    type_text(form.edits["signer_name"], "Hoàng Văn Sơn")
    with qtbot.waitSignal(form.saved, timeout=10000):
        pass  # no key, no click: the autosave rule writes it
    assert form.status.text().startswith("Đã lưu")
    with demo_context.db.reading() as session:
        org = settings.current_organization(session)
    assert org is not None and org.signer_name == "Hoàng Văn Sơn"
    # An invalid state is shown in place and never written.
    form.edits["signer_name"].clear()
    assert form.errors["signer_name"].isVisible()
    qtbot.waitUntil(lambda: not form.saver.pending and not demo_context.tasks.busy, timeout=5000)
    with demo_context.db.reading() as session:
        org = settings.current_organization(session)
    assert org is not None and org.signer_name == "Hoàng Văn Sơn"


def test_template_with_unknown_field_is_refused_and_named(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_context)
    editor = page.templates
    page.tabs.setCurrentWidget(editor)
    keys = [editor.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(editor.list.count())]
    editor.list.setCurrentRow(keys.index("tb_ket_thuc"))
    editor.editor.setPlainText("Kính gửi {ten_chu_tich_sai} để biết.")
    editor.save()
    qtbot.waitUntil(lambda: editor.error.isVisible(), timeout=10000)
    assert "ten_chu_tich_sai" in editor.error.text()
    assert not templates.user_path("tb_ket_thuc").exists()


def test_template_is_on_disk_after_the_autosave_interval_without_any_key(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from app.domain.rules import AUTOSAVE_IDLE_MS

    page = _page(qtbot, demo_context)
    editor = page.templates
    page.tabs.setCurrentWidget(editor)
    assert not [b for b in editor.findChildren(QPushButton) if "Lưu" in b.text()]  # no lone save button
    keys = [editor.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(editor.list.count())]
    editor.list.setCurrentRow(keys.index("tb_ket_thuc"))
    editor.editor.setFocus()
    editor.editor.moveCursor(QTextCursor.MoveOperation.End)
    type_text(editor.editor, " Đề nghị thôn niêm yết")
    target = templates.user_path("tb_ket_thuc")
    assert not target.exists()
    qtbot.wait(AUTOSAVE_IDLE_MS * 4)  # no key, no click
    qtbot.waitUntil(lambda: target.exists() and not editor.saver.pending, timeout=5000)
    assert target.read_text(encoding="utf-8").rstrip().endswith("Đề nghị thôn niêm yết")
    assert editor.status.text().startswith("Đã lưu mẫu")
    # Typing goes on where it was: the save did not reload the editor under the cursor.
    qtbot.waitUntil(lambda: editor.list.currentItem().text().startswith("●"), timeout=5000)
    type_text(editor.editor, " công khai.")
    assert editor.editor.toPlainText().endswith("Đề nghị thôn niêm yết công khai.")
    # Leaving for another template saves at once, into the template being typed.
    editor.list.setCurrentRow(keys.index("tb_ket_thuc") - 1 if keys.index("tb_ket_thuc") else 1)
    qtbot.waitUntil(lambda: not editor.saver.pending and not demo_context.tasks.busy, timeout=5000)
    assert target.read_text(encoding="utf-8").rstrip().endswith("niêm yết công khai.")
    editor.list.setCurrentRow(keys.index("tb_ket_thuc"))
    editor.reset()
    qtbot.waitUntil(lambda: not target.exists(), timeout=10000)


def test_edited_template_reaches_the_exported_document(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_context)
    editor = page.templates
    page.tabs.setCurrentWidget(editor)
    keys = [editor.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(editor.list.count())]
    editor.list.setCurrentRow(keys.index("tb_ket_thuc"))
    editor.editor.setPlainText("{ten_co_quan} đề nghị các thôn thông báo rộng rãi đến Nhân dân./.")
    with qtbot.waitSignal(editor.template_saved, timeout=10000):
        editor.save()
    assert templates.user_path("tb_ket_thuc").parent == paths.templates_dir()
    qtbot.waitUntil(lambda: editor.list.currentItem().text().startswith("●"), timeout=10000)

    with demo_context.db.reading() as session:
        held = session.scalars(
            select(Dialogue.id).where(Dialogue.started_at.is_not(None)).order_by(Dialogue.started_at.desc())
        ).first()
    assert held is not None
    out = export_document(demo_context.db, "tb", held, tmp_path / "tb.docx")
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "Ủy ban nhân dân xã Lương Phong đề nghị các thôn thông báo rộng rãi đến Nhân dân" in text

    editor.reset()
    qtbot.waitUntil(lambda: not templates.user_path("tb_ket_thuc").exists(), timeout=10000)


def test_deadline_rules_are_saved_as_they_are_chosen(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from app.services import catalog, settings
    from ui.views.deadline_settings import DeadlineSettingsForm

    with context.db.transaction() as session:
        catalog.ensure_defaults(session)
    form = DeadlineSettingsForm(context)
    qtbot.addWidget(form)
    qtbot.waitUntil(lambda: form.fields.rowCount() > 0, timeout=10000)
    form.mode.setCurrentIndex(form.mode.findData("working"))
    form.days.setValue(15)
    land = form.fields.cellWidget(0, 1)
    land.setCurrentIndex(land.findData("calendar"))
    form.fields.cellWidget(0, 2).setValue(45)
    form.days_off.setPlainText("abc")
    qtbot.waitUntil(lambda: "Không hiểu ngày: abc" in form.status.text(), timeout=5000)
    form.days_off.setPlainText("10/3/2026")
    context.ops.wait()
    qtbot.waitUntil(lambda: form.saved.text() == "Đã lưu.", timeout=5000)
    with context.db.reading() as session:
        default = settings.default_deadline_rule(session)
        assert (default.mode, default.days) == ("working", 15)
        first_field = catalog.list_entries(session, "field")[0].id
        rule = settings.field_deadline_rules(session)[first_field]
        assert (rule.mode, rule.days) == ("calendar", 45)
        assert settings.local_days_off(session) == [date(2026, 3, 10)]


def test_the_defaults_cannot_be_typed_into_before_their_stored_values_are_shown(
    qtbot, demo_context: AppContext
) -> None:  # type: ignore[no-untyped-def]
    """Keys typed before the read returned were replaced by the stored name, and Enter saved that."""
    from app.services import audit
    from ui.views.settings_page import DefaultsForm

    with demo_context.db.transaction() as session:
        audit.set_display_name(session, "Lê Thị Lan")
    form = DefaultsForm(demo_context)
    qtbot.addWidget(form)
    assert (
        not form.display_name.isEnabled()
        and form.status.text() == "Đang đọc cài đặt…" == DefaultsForm.READING
    )
    qtbot.waitUntil(form.display_name.isEnabled, timeout=10000)
    assert form.display_name.text() == "Lê Thị Lan" and form.status.text() == ""


def test_the_display_name_is_edited_in_settings_and_audited(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from app.services import audit
    from app.storage.models import AuditEvent

    page = _page(qtbot, demo_context)
    page.tabs.setCurrentWidget(page.defaults)
    form = page.defaults
    qtbot.waitUntil(form.display_name.isEnabled, timeout=10000)
    form.display_name.setFocus()
    type_text(form.display_name, "Trần Văn Hùng")
    qtbot.keyClick(form.display_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.status.text() == "Đã lưu.", timeout=10000)
    page.grab().save(str(tmp_path / "settings-name.png"))
    with demo_context.db.reading() as session:
        assert audit.display_name(session) == "Trần Văn Hùng"
        line = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert line is not None and line.action == "settings"
        assert line.details["new"] == "Trần Văn Hùng" and line.actor == "Trần Văn Hùng"
