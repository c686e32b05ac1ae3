"""Hội nghị: the dialogues, what is due, and which notices are late."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.rules import DocumentKind
from app.services.dialogues import DialogueRow, list_dialogues
from ui.context import AppContext
from ui.export_dialog import WordExporter
from ui.models.table import Column, Page, RowTableModel
from ui.operations import watch
from ui.views.common import ColumnFit, CountLabel, make_table_view, menu_button
from ui.views.sheets import OpinionImporter
from ui.widgets import Banner, page_title

DIALOGUE_KINDS = ("dialogue", "petition", "issued_document", "leader", "plan")


def _title_tip(row: DialogueRow) -> str:
    """The whole title, with the place and the chair (their columns give way on a narrow screen)."""
    lines = [row.title, row.place, f"Chủ trì: {row.chair}" if row.chair else ""]
    return "\n".join(line for line in lines if line)


DIALOGUE_COLUMNS: list[Column[DialogueRow]] = [
    Column("Thời gian", lambda r: r.when_text, sort="date"),
    Column("Hội nghị", lambda r: r.title, sort="title", tooltip=lambda r: _title_tip(r)),
    Column("Địa điểm", lambda r: r.place),
    Column("Chủ trì", lambda r: r.chair),
    Column("Ý kiến", lambda r: str(r.petitions), align_right=True),
    Column("Tình trạng", lambda r: r.due_text, sort="state", tone=lambda r: r.tone),
    Column("Lưu ý", lambda r: r.notice_text, tone=lambda r: r.tone),
]


class DialoguesPage(QWidget):
    # Listed by F1 while this page is shown.
    SHORTCUTS = (
        ("Enter", "Mở biên bản trực tiếp của hội nghị đang chọn"),
        ("Ctrl+E", "Xuất Word: Giấy mời, Thông báo, Biên bản, Thông báo kết luận, Báo cáo"),
        ("Ctrl+I", "Nhập ý kiến thu thập trước hội nghị từ tệp Excel"),
    )
    open_requested = Signal(int)  # the live minutes of a dialogue

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Hội nghị"))
        layout.addWidget(
            Banner(
                "Chọn một hội nghị rồi nhấn Enter (hoặc nhấp đúp) để mở biên bản trực tiếp: bắt đầu hội nghị, "
                "ghi ý kiến, trả lời, kết luận. Mọi nội dung được lưu tự động.",
                "info",
            )
        )

        def load(session: Session, page: Page) -> list[DialogueRow]:
            if page.offset:
                return []  # a commune's dialogues fit in one page
            return list_dialogues(session, sort=page.sort, descending=page.descending)

        self.model: RowTableModel[DialogueRow] = RowTableModel(
            DIALOGUE_COLUMNS, load, context.ops, page_size=100_000, parent=self
        )
        self.view = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        footer = QHBoxLayout()
        self.count: QLabel = CountLabel(self.model, "hội nghị")
        footer.addWidget(self.count)
        footer.addStretch(1)
        self.exporter = WordExporter(context, self)
        self.export_button = menu_button("Xuất Word")
        self.export_button.setToolTip("Xuất văn bản của hội nghị đang chọn (Ctrl+E)")
        menu = QMenu(self.export_button)
        for kind in (
            DocumentKind.INVITATION,
            DocumentKind.MEETING_NOTICE,
            DocumentKind.MINUTES,
            DocumentKind.CONCLUSION_NOTICE,
            DocumentKind.REPORT,
        ):
            action = menu.addAction(kind.label)
            action.triggered.connect(lambda _checked=False, k=kind: self.export_selected(k))
        self.export_button.setMenu(menu)
        footer.addWidget(self.export_button)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.export_button.showMenu)
        self.importer = OpinionImporter(context, self)
        self.importer.done.connect(self.count.setText)
        self.importer.failed.connect(lambda text: QMessageBox.warning(self, "Không nhập được", text))
        self.import_button = QPushButton("Nhập ý kiến thu thập (Excel)…")
        self.import_button.setToolTip(
            "Nhập danh sách ý kiến MTTQ, đoàn thể, thôn gửi trước hội nghị vào hội nghị đang chọn (Ctrl+I)"
        )
        self.import_button.clicked.connect(self.import_selected)
        footer.addWidget(self.import_button)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.import_selected)
        self.open_button = QPushButton("Mở biên bản trực tiếp (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        footer.addWidget(self.open_button)
        layout.addLayout(footer)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        for keys in ("Return", "Enter"):
            QShortcut(QKeySequence(keys), self.view, activated=self.open_selected)
        # The title takes what is left; "Lưu ý" is read whole. When the window is narrow (150 %),
        # place and chair narrow first, then step aside (the title's tooltip still names them).
        self.columns = ColumnFit(
            self.view,
            1,
            caps={2: 170, 3: 150},
            give_way=(2, 3),
            drop=(2, 3),
            keep=(0, 6),
            stretch_min=240,
            min_width=90,
        )
        # A dialogue scheduled in a plan, a petition answered live, a notice exported (the 7-day
        # warning clears): the list follows, whichever screen did it.
        watch(context.ops, self, DIALOGUE_KINDS, lambda _changes: self.model.reload(), skip_own=False)
        self.model.reload()

    def selected_row(self) -> DialogueRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            if self.model.rowCount() == 0:
                return None
            index = self.model.index(0, 0)
        return self.model.row_at(index.row())

    def open_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.open_requested.emit(row.id)

    def import_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.importer.start(row.id)

    def export_selected(self, kind: DocumentKind) -> None:
        row = self.selected_row()
        if row is not None:
            self.exporter.export(kind, row.id)
