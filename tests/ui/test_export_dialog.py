"""Xuất Word from the Hội nghị screen and from the live window, with the modal dialogs stubbed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from docx import Document
from PySide6.QtCore import QSettings

from app.domain.rules import DialogueState, DocumentKind
from app.services import dialogues
from app.storage.models import Dialogue
from ui.context import AppContext
from ui.export_dialog import ExportOptionsDialog
from ui.main_window import MainWindow
from ui.views.dialogues import DialoguesPage


def _options(number: int = 0, public: bool = False):  # type: ignore[no-untyped-def]
    def ask(kind: DocumentKind) -> ExportOptionsDialog:
        dialog = ExportOptionsDialog(kind)
        dialog.number.setValue(number)
        dialog.public.setChecked(public)
        return dialog

    return ask


def test_conclusion_notice_from_the_dialogue_list(qtbot, demo_context: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), demo_context)
    qtbot.addWidget(window)
    window.nav.setCurrentRow(1)
    page = window.pages.currentWidget()
    assert isinstance(page, DialoguesPage)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10000)
    held_row = next(r for r in range(page.model.rowCount()) if page.model.index(r, 4).data() == "24")
    page.view.setCurrentIndex(page.model.index(held_row, 0))
    target = tmp_path / "out" / "TB.docx"
    target.parent.mkdir()
    asked: list[str] = []
    page.exporter.set_hooks(
        ask_options=_options(number=7, public=True),
        ask_path=lambda _parent, name: (asked.append(name), target)[1],
    )
    with qtbot.waitSignal(page.exporter.exported, timeout=20000) as signal:
        page.export_selected(DocumentKind.CONCLUSION_NOTICE)
    assert signal.args == [target]
    assert asked and asked[0].endswith(".docx") and asked[0].startswith("TB")
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "Số: 07/TB-UBND" in "\n".join(
        cell.text for table in Document(str(target)).tables for row in table.rows for cell in row.cells
    )
    assert "Đặng Văn Lợi" not in text  # public version


def test_invitation_export_clears_the_seven_day_warning(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with demo_context.db.transaction() as session:
        planned = next(
            r
            for r in dialogues.list_dialogues(session)
            if r.state == DialogueState.PLANNED and r.scheduled_at
        )
        dialogue = session.get(Dialogue, planned.id)
        assert dialogue is not None
        dialogue.scheduled_at = datetime.combine(date.today() + timedelta(days=3), datetime.min.time())
    page = DialoguesPage(demo_context)
    qtbot.addWidget(page)
    page.show()  # the list on screen follows the export (a hidden one refreshes when shown)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10000)
    assert planned.id in [r.id for r in page.model.rows() if r.notice_overdue]
    row = next(i for i, r in enumerate(page.model.rows()) if r.id == planned.id)
    page.view.setCurrentIndex(page.model.index(row, 0))
    page.exporter.set_hooks(ask_options=_options(), ask_path=lambda _p, _n: tmp_path / "GM.docx")
    with qtbot.waitSignal(page.exporter.exported, timeout=20000):
        page.export_selected(DocumentKind.INVITATION)
    qtbot.waitUntil(
        lambda: (
            page.model.rowCount() == 4
            and not any(r.notice_overdue and r.id == planned.id for r in page.model.rows())
        ),
        timeout=10000,
    )
    assert (tmp_path / "GM.docx").is_file()


def test_export_failure_is_a_vietnamese_message_and_no_file(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = DialoguesPage(demo_context)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=10000)
    missing = tmp_path / "no-such-folder" / "GM.docx"
    page.exporter.set_hooks(ask_options=_options(), ask_path=lambda _p, _n: missing)
    with qtbot.waitSignal(page.exporter.failed, timeout=20000) as signal:
        page.export_selected(DocumentKind.INVITATION)
    assert "Không ghi được tệp" in signal.args[0]
    assert not missing.exists()
    # The first row is a meeting not held yet: its Biên bản is refused, and the message says why.
    with qtbot.waitSignal(page.exporter.failed, timeout=20000) as signal:
        page.export_selected(DocumentKind.MINUTES)
    assert "chưa được tổ chức" in signal.args[0] and "Biên bản để ghi tay" in signal.args[0]
