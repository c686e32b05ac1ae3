"""Hội nghị: the dialogues, what is due, and which notices are late."""

from __future__ import annotations

from collections.abc import Sequence

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

from app.domain.dialogue_list import DialogueRow
from app.domain.rules import DocumentKind
from app.services.dialogues import list_dialogues
from ui.context import AppContext
from ui.export_dialog import WordExporter
from ui.models.table import Page, RowTableModel
from ui.operations import watch
from ui.views.common import CountLabel, make_table_view, menu_button
from ui.views.dialogue_list import DIALOGUE_COLUMNS, INTRO, NOUN, PAGE_SIZE, TITLE, fit_columns
from ui.views.sheets import OpinionImporter
from ui.widgets import Banner, page_title

DIALOGUE_KINDS = ("dialogue", "petition", "issued_document", "leader", "plan")


class DialoguesPage(QWidget):
    # Listed by F1 while this page is shown.
    SHORTCUTS = (
        ("Enter", "Mở biên bản trực tiếp của hội nghị đang chọn"),
        ("Ctrl+E", "Xuất Word: Giấy mời, Thông báo, Biên bản, Thông báo kết luận, Báo cáo"),
        ("Ctrl+I", "Nhập ý kiến thu thập trước hội nghị từ tệp Excel"),
    )
    open_requested = Signal(int)  # the live minutes of a dialogue

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        first_rows: Sequence[DialogueRow] | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(TITLE))
        layout.addWidget(Banner(INTRO, "info"))

        def load(session: Session, page: Page) -> list[DialogueRow]:
            if page.offset:
                return []  # a commune's dialogues fit in one page
            return list_dialogues(session, sort=page.sort, descending=page.descending)

        self.model: RowTableModel[DialogueRow] = RowTableModel(
            DIALOGUE_COLUMNS, None, context.ops, page_size=PAGE_SIZE, parent=self
        )
        self.view = make_table_view(self.model, self)
        layout.addWidget(self.view, 1)
        footer = QHBoxLayout()
        self.count: QLabel = CountLabel(self.model, NOUN)
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
        self.columns = fit_columns(self.view)
        # A dialogue scheduled in a plan, a petition answered live, a notice exported (the 7-day
        # warning clears): the list follows, whichever screen did it.
        watch(context.ops, self, DIALOGUE_KINDS, lambda _changes: self.model.reload(), skip_own=False)
        if first_rows is None:
            self.model.set_loader(load)
        else:  # the start-up's first page: shown at once, then read again by the list itself
            self.model.set_rows(first_rows)
            self.model.hand_over(load, context.ops)

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
