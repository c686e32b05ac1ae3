"""Cài đặt → «Sao lưu, khôi phục» and the Nhật ký page, as the user sees them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.services import audit
from app.storage import backups
from ui import file_dialogs
from ui.context import AppContext
from ui.views.audit_log import AuditLogPage
from ui.views.backups import BackupsTab


def _petitions(context: AppContext) -> int:
    from sqlalchemy import func, select

    from app.storage.models import Petition

    with context.db.reading() as session:
        return int(
            session.scalar(select(func.count()).select_from(Petition).where(Petition.content != "")) or 0
        )


def test_back_up_now_to_a_folder_then_restore_from_the_list(
    qtbot,
    demo_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    tab = BackupsTab(demo_context)
    qtbot.addWidget(tab)
    usb = tmp_path / "usb"
    usb.mkdir()
    with qtbot.waitSignal(tab.backup_made, timeout=10000) as made:
        tab.back_up_to(usb)
    copy = Path(made.args[0])
    assert copy.parent == usb and "-manual" in copy.name and copy.name.startswith("doithoai-")
    assert "Đã sao lưu" in tab.status.text()
    demo_context.ops.wait()
    with demo_context.db.reading() as session:
        assert "backup" in {row.action for row in audit.list_events(session)}

    before = _petitions(demo_context)
    backups.make_backup(demo_context.db.path, label="auto")
    with demo_context.db.transaction() as session:
        from sqlalchemy import update

        from app.storage.models import Petition

        session.execute(update(Petition).values(content=""))
    assert _petitions(demo_context) == 0
    tab.reload()
    qtbot.waitUntil(
        lambda: tab.table.rowCount() >= 1 and "ý kiến" in tab.table.item(0, 3).text(), timeout=5000
    )
    assert f"{before} ý kiến" in tab.table.item(0, 3).text()
    tab.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(tab.restored, timeout=10000):
        tab.restore_selected()
    assert _petitions(demo_context) == before
    assert "Đã khôi phục" in tab.status.text()
    demo_context.ops.wait()
    with demo_context.db.reading() as session:
        kinds = {row.action for row in audit.list_events(session)}
    assert "restore_backup" in kinds  # the Nhật ký after a restore is the backup's, plus the restore


def test_audit_page_filters_by_kind_and_person(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    with demo_context.db.transaction() as session:
        audit.set_display_name(session, "Chị Lan")
        audit.record(session, "lock", "dialogue", 1)
        audit.record(session, "export", "issued_document", 4, number=12)
    page = AuditLogPage(demo_context)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() >= 3, timeout=5000)
    page.action.setCurrentIndex(page.action.findData("lock"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert page.model.row_at(0).entity_id == 1
    assert page.model.data(page.model.index(0, 2)) == "Chốt biên bản"
    page.action.setCurrentIndex(0)
    qtbot.waitUntil(lambda: page.person.findData("Chị Lan") >= 0, timeout=5000)
    page.person.setCurrentIndex(page.person.findData("Chị Lan"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    demo_context.ops.wait()


def test_rotation_counts_are_edited_in_the_tab(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from app.services import maintenance

    tab = BackupsTab(demo_context)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.keep["daily"].value() == 7, timeout=5000)
    tab.keep["monthly"].setValue(24)
    tab.save_keep()
    qtbot.waitUntil(lambda: "Đã lưu" in tab.status.text(), timeout=5000)
    with demo_context.db.reading() as session:
        assert maintenance.backup_keep(session)["monthly"] == 24
    demo_context.ops.wait()


def test_restore_from_a_file_on_a_usb_stick(
    qtbot,
    demo_context: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:

    usb = tmp_path / "usb"
    usb.mkdir()
    on_stick = backups.make_backup(demo_context.db.path, usb, "manual", commune_in_name=True)
    not_a_backup = usb / "ghi-chu.sqlite"
    not_a_backup.write_text("không phải dữ liệu", encoding="utf-8")
    before = _petitions(demo_context)
    with demo_context.db.transaction() as session:
        from sqlalchemy import update

        from app.storage.models import Petition

        session.execute(update(Petition).values(content=""))
    tab = BackupsTab(demo_context)
    qtbot.addWidget(tab)
    tab.show()
    asked: list[str] = []
    monkeypatch.setattr(file_dialogs, "ask_open_file", lambda *_a, **_k: not_a_backup)
    tab.restore_file_button.click()
    assert "không phải bản sao lưu" in tab.status.text() and _petitions(demo_context) == 0

    def yes(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(file_dialogs, "ask_open_file", lambda *_a, **_k: on_stick)
    monkeypatch.setattr(QMessageBox, "question", yes)
    with qtbot.waitSignal(tab.restored, timeout=10000):
        tab.restore_file_button.click()
    assert asked and on_stick.name in asked[0] and f"{before} ý kiến" in asked[0]
    assert _petitions(demo_context) == before
    tab.grab().save(str(tmp_path / "backups-tab.png"))
    demo_context.ops.wait()
