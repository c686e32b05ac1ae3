"""Kế hoạch: the plans on the left, the open plan on the right, «Xuất Word» on top.

New plans start from the office's standard wording; «Sao chép từ kế hoạch trước» starts from an
earlier plan with its dates moved to the new year. All database work runs through ``ui.tasks``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.rules import DocumentKind, PlanKind
from app.errors import ValidationError
from app.export.errors import DuplicateNumberError
from app.services import plans
from app.services.plans import PlanDetail, PlanRow
from app.storage.changes import Changes
from ui import file_dialogs
from ui.context import AppContext
from ui.models.table import Column, Page, RowsById
from ui.operations import watch
from ui.tasks import user_message
from ui.views.common import CountLabel, make_table_view
from ui.views.plan_editor import PlanEditor
from ui.views.plan_widgets import Choices, load_choices
from ui.widgets import FieldError, page_title

LIST_WIDTH = 330  # the plans list beside the form, on a wide screen
LIST_MIN_WIDTH = 230

PLAN_COLUMNS: list[Column[PlanRow]] = [
    Column("Năm", lambda r: str(r.year), sort=lambda r: r.year),
    Column("Trích yếu", lambda r: r.title, tooltip=lambda r: f"{r.number_text} – {r.title}"),
    Column(
        "HN",
        lambda r: str(r.dialogues),
        sort=lambda r: r.dialogues,
        align_right=True,
        tooltip=lambda r: f"{r.dialogues} hội nghị trong kế hoạch",
    ),
]


def _kind_label(kind: PlanKind) -> str:
    return (
        "Kế hoạch năm (một hoặc nhiều hội nghị trong năm)"
        if kind is PlanKind.YEARLY
        else "Kế hoạch một hội nghị"
    )


class NewPlanDialog(QDialog):
    """«Kế hoạch mới»: which kind, which year."""

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kế hoạch mới")
        layout = QFormLayout(self)
        self.kind = QComboBox()
        for kind in PlanKind:
            self.kind.addItem(_kind_label(kind), kind)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        layout.addRow("Loại kế hoạch", self.kind)
        layout.addRow("Năm", self.year)
        layout.addRow(
            QLabel(
                "Kế hoạch mới có sẵn căn cứ, mục đích, yêu cầu, các bước và nơi nhận thường dùng để sửa tiếp."
            )
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tạo kế hoạch")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)


class CopyPlanDialog(QDialog):
    """«Sao chép từ kế hoạch trước»: which plan, for which year."""

    def __init__(self, rows: list[PlanRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sao chép từ kế hoạch trước")
        layout = QFormLayout(self)
        self.source = QComboBox()
        self.source.setMinimumContentsLength(50)
        self.source.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for row in rows:
            self.source.addItem(f"{row.year} – {row.title}", row.id)
            self.source.setItemData(self.source.count() - 1, row.title, Qt.ItemDataRole.ToolTipRole)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self._years = {row.id: row.year for row in rows}
        self.source.currentIndexChanged.connect(self._suggest_year)
        self._suggest_year()
        layout.addRow("Sao chép kế hoạch", self.source)
        layout.addRow("Cho năm", self.year)
        layout.addRow(
            QLabel(
                "Bản sao giữ mọi phần của kế hoạch; «năm …» trong các câu, ngày ban hành, ngày hội nghị và hạn thu "
                "ý kiến được chuyển sang năm mới. Căn cứ giữ nguyên; số văn bản để trống."
            )
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sao chép")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    @Slot()
    def _suggest_year(self, *_args: object) -> None:
        source_year = self._years.get(self.source.currentData(), date.today().year - 1)
        self.year.setValue(max(source_year + 1, date.today().year))


class ExportBar(QFrame):
    """After an export: where the file is, and buttons to open it or its folder."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(
            "ExportBar { background: #e6f4ea; border-radius: 4px; } QLabel { color: #14532d; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        self.label = QLabel("")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.open_file = QPushButton("Mở tệp")
        self.open_file.setToolTip("Mở tệp vừa xuất bằng Word (Ctrl+Shift+O)")
        self.open_file.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_folder = QPushButton("Mở thư mục")
        self.open_folder.setToolTip("Mở thư mục chứa tệp vừa xuất")
        layout.addWidget(self.open_file)
        layout.addWidget(self.open_folder)
        self.path: Path | None = None
        self.open_file.clicked.connect(lambda: self._open(self.path))
        self.open_folder.clicked.connect(lambda: self._open(self.path.parent if self.path else None))
        self.hide()

    def show_path(self, path: Path) -> None:
        self.path = path
        self.label.setText(f"Đã xuất Kế hoạch: {path}")
        self.show()

    @staticmethod
    def _open(path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _first_read(session: Session) -> tuple[list[PlanRow], PlanDetail | None, Choices]:
    """The plans, the newest one in full (the one the page opens on) and the pick lists."""
    rows = plans.list_plans(session)
    detail = plans.get_plan(session, rows[0].id) if rows else None
    return rows, detail, load_choices(session)


class PlansPage(QWidget):
    # Listed by F1 while this page is shown.
    SHORTCUTS = (
        ("Ctrl+N", "Kế hoạch mới"),
        ("Ctrl+Shift+N", "Sao chép từ kế hoạch trước"),
        ("Ctrl+E", "Xuất Word"),
        ("Ctrl+L", "Về danh sách kế hoạch"),
        ("Alt+1 / Alt+2 / Alt+3", "Nội dung kế hoạch / Lịch hội nghị / Xem trước"),
        ("Ctrl+Enter", "Thêm dòng tiếp theo trong danh sách"),
        ("Alt+↑ / Alt+↓", "Đổi thứ tự dòng"),
        ("Ctrl+Shift+H", "Lên lịch hội nghị"),
        ("Delete", "Xóa kế hoạch đang chọn (trong danh sách)"),
    )
    plan_exported = Signal(object)  # Path of the .docx written

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._select_after_load: int | None = None
        self._switching = False
        self.last_dir: Path | None = None
        self.new_dialog: NewPlanDialog | None = None
        self.copy_dialog: CopyPlanDialog | None = None
        # Everything the page shows first, in one read started before the widgets are made: the
        # database thread reads while this thread builds, and the page fills in one pass.
        self._opening: PlanDetail | None = None
        context.ops.read(_first_read, on_done=self._first_read_done, owner=self)

        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter, 1)

        # Left: the plans.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(page_title("Kế hoạch"))
        buttons = QHBoxLayout()
        self.new_button = QPushButton("Kế hoạch mới")
        self.new_button.setToolTip("Tạo kế hoạch với câu chữ thường dùng (Ctrl+N)")
        self.copy_button = QPushButton("Sao chép từ kế hoạch trước")
        self.copy_button.setToolTip(
            "Bắt đầu từ kế hoạch năm trước, ngày tháng chuyển sang năm mới (Ctrl+Shift+N)"
        )
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.copy_button)
        left_layout.addLayout(buttons)

        def load(session: Session, page: Page) -> list[PlanRow]:
            if page.offset:
                return []  # a commune's plans fit in one page
            return plans.list_plans(session)

        self.model = RowsById(PLAN_COLUMNS, load, context.ops, page_size=100_000, parent=self)
        self.view = make_table_view(self.model, self)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table for the next field
        self.view.setSortingEnabled(False)
        self.view.setWordWrap(True)
        self.view.setToolTip("Chọn kế hoạch để sửa; Delete: xóa kế hoạch chưa tổ chức hội nghị nào")
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_layout.addWidget(self.view, 1)
        footer = QHBoxLayout()
        self.count = CountLabel(self.model, "kế hoạch")
        footer.addWidget(self.count, 1)
        self.delete_button = QPushButton("Xóa")
        self.delete_button.setToolTip("Xóa kế hoạch đang chọn (phím Delete trong danh sách)")
        footer.addWidget(self.delete_button)
        left_layout.addLayout(footer)
        self.message = FieldError()
        left_layout.addWidget(self.message)
        splitter.addWidget(left)

        # Right: the open plan.
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        self.editor = PlanEditor(context)
        self.preview_button = QPushButton("Xem trước")
        self.preview_button.setToolTip("Xem cấu trúc văn bản trước khi xuất (Alt+3)")
        self.export_button = QPushButton("Xuất Word…")
        self.export_button.setToolTip("Xuất kế hoạch ra tệp .docx đúng thể thức Nghị định 30 (Ctrl+E)")
        self.export_button.setStyleSheet("font-weight: 600;")
        self.editor.actions_box.addWidget(self.preview_button)
        self.editor.actions_box.addWidget(self.export_button)
        self.export_bar = ExportBar()
        self.export_error = FieldError()
        right_layout.addWidget(self.export_bar)
        right_layout.addWidget(self.export_error)
        right_layout.addWidget(self.editor, 1)
        self.empty_note = QLabel(
            "Chưa có kế hoạch nào. Bấm «Kế hoạch mới» (Ctrl+N) hoặc «Sao chép từ kế hoạch trước» (Ctrl+Shift+N)."
        )
        self.empty_note.setWordWrap(True)
        self.empty_note.setStyleSheet("color: #6b7280;")
        right_layout.addWidget(self.empty_note)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 820])
        self.splitter = splitter
        self._split_by_user = False
        splitter.splitterMoved.connect(self._splitter_moved)

        self.new_button.clicked.connect(self.ask_new_plan)
        self.copy_button.clicked.connect(self.ask_copy_plan)
        self.delete_button.clicked.connect(self.delete_plan)
        self.preview_button.clicked.connect(lambda: self.editor.show_tab(2))
        self.export_button.clicked.connect(self.export_word)
        for keys, slot in (
            ("Ctrl+N", self.ask_new_plan),
            ("Ctrl+Shift+N", self.ask_copy_plan),
            ("Ctrl+E", self.export_word),
            ("Ctrl+L", self.view.setFocus),
        ):
            # Window-wide while this page is shown (Qt ignores shortcuts of hidden pages).
            QShortcut(QKeySequence(keys), self, slot, Qt.ShortcutContext.WindowShortcut)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete), self.view, self.delete_plan, Qt.ShortcutContext.WidgetShortcut
        )
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.loaded.connect(self._loaded)
        self.editor.plan_saved.connect(self._plan_saved)
        self.editor.dialogues_changed.connect(self._dialogues_counted)
        self.editor.open_plan(None)
        watch(context.ops, self, ("unit", "leader", "dialogue", "petition"), self._data_changed)

    # --- the list ---------------------------------------------------------------------------------
    def _first_read_done(self, first: tuple[list[PlanRow], PlanDetail | None, Choices]) -> None:
        rows, detail, choices = first
        self._set_choices(choices)
        self._opening = detail
        self.model.set_rows(rows)  # → _loaded, which opens ``detail`` without reading it again

    def _loaded(self, count: int) -> None:
        # The year and «HN» columns measured on the rows now in (the header alone is narrower).
        self.view.horizontalHeader().resizeSections()
        self.view.resizeRowsToContents()
        self.empty_note.setVisible(count == 0)
        self.editor.setVisible(count > 0)
        self.export_button.setEnabled(count > 0)
        self.preview_button.setEnabled(count > 0)
        self.delete_button.setEnabled(count > 0)
        wanted = self._select_after_load if self._select_after_load is not None else self.editor.plan_id
        self._select_after_load = None
        row = self.model.row_of_id(wanted) if wanted is not None else None
        if row is None and count:
            row = 0
        if row is None:
            self.editor.open_plan(None)
            return
        index = self.model.index(row, 0)
        self._switching = True
        self.view.setCurrentIndex(index)
        self._switching = False
        plan_id = self.model.row_at(row).id
        opening, self._opening = self._opening, None
        if plan_id != self.editor.plan_id or wanted == plan_id:
            self.editor.open_plan(plan_id, opening)

    @Slot()
    def _row_changed(self, current: Any, previous: Any) -> None:
        if self._switching or not current.isValid():
            return
        plan_id = self.model.row_at(current.row()).id
        if plan_id == self.editor.plan_id:
            return
        if self.editor.problems:
            answer = QMessageBox.question(
                self,
                "Phần sửa chưa lưu",
                "Kế hoạch đang mở có ô chưa hợp lệ (chữ đỏ) nên phần vừa sửa chưa được lưu.\n"
                "Chuyển sang kế hoạch khác và bỏ phần chưa lưu?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                self._switching = True
                self.view.setCurrentIndex(previous)
                self._switching = False
                return
            self.editor.discard_pending()
        self.export_bar.hide()
        self.export_error.show_message(None)
        self.editor.open_plan(plan_id)

    def _plan_saved(self, row: PlanRow) -> None:
        self.model.replace_row(row)

    def _dialogues_counted(self, count: int) -> None:
        # The scheduler loaded the open plan's dialogues: the list's «HN» is read again only when
        # it no longer says that many (a dialogue added or removed), not at each plan opened.
        index = self.model.row_of_id(self.editor.plan_id) if self.editor.plan_id is not None else None
        if index is not None and self.model.row_at(index).dialogues != count:
            self._refresh_counts()

    def _refresh_counts(self) -> None:
        def load(session: Session) -> list[PlanRow]:
            return plans.list_plans(session)

        def done(rows: list[PlanRow]) -> None:
            shown = {row.id: row for row in self.model.rows()}
            for row in rows:
                if shown.get(row.id) != row:  # each change re-measures the list's rows
                    self.model.replace_row(row)

        self._context.ops.read(load, on_done=done, owner=self)

    def refresh_choices(self) -> None:
        self._context.ops.read(load_choices, on_done=self._set_choices, owner=self)

    def _set_choices(self, choices: Choices) -> None:
        self.editor.set_choices(choices)

    def _data_changed(self, changes: Changes) -> None:
        # Danh mục (units, leaders) or a dialogue held in the live minutes changed elsewhere.
        if changes.touches("unit", "leader"):
            self.refresh_choices()
        # A dialogue saved by this page's own scheduler is on screen already: reloading it would
        # put back what is stored over what is being typed (a date just picked, say).
        own = isinstance(changes.origin, QWidget) and self.isAncestorOf(changes.origin)
        if changes.touches("dialogue", "petition") and self.editor.plan_id is not None and not own:
            self.editor.reload_dialogues()
            self._refresh_counts()

    # --- new, copy, delete -----------------------------------------------------------------------
    @Slot()
    def ask_new_plan(self) -> None:
        years = [row.year for row in self.model.rows() if row.kind is PlanKind.YEARLY]
        this_year = date.today().year
        self.new_dialog = NewPlanDialog(this_year + 1 if this_year in years else this_year, self)
        self.new_dialog.accepted.connect(
            lambda: self.create_plan(
                PlanKind(self.new_dialog.kind.currentData()), self.new_dialog.year.value()
            )  # type: ignore[union-attr]
        )
        self.new_dialog.open()

    def create_plan(self, kind: PlanKind, year: int) -> None:
        self.editor.flush()

        def work(session: Session) -> int:
            return plans.create_default_plan(session, year=year, kind=kind)

        self._context.ops.write(work, on_done=self._created, on_error=self._failed, owner=self)

    @Slot()
    def ask_copy_plan(self) -> None:
        rows = self.model.rows()
        if not rows:
            self.message.show_message("Chưa có kế hoạch nào để sao chép; hãy tạo «Kế hoạch mới».")
            return
        self.copy_dialog = CopyPlanDialog(rows, self)
        current = self.editor.plan_id
        if current is not None:
            self.copy_dialog.source.setCurrentIndex(max(0, self.copy_dialog.source.findData(current)))
        self.copy_dialog.accepted.connect(
            lambda: self.copy_plan(self.copy_dialog.source.currentData(), self.copy_dialog.year.value())  # type: ignore[union-attr]
        )
        self.copy_dialog.open()

    def copy_plan(self, plan_id: int, year: int) -> None:
        self.editor.flush()

        def work(session: Session) -> int:
            return plans.copy_plan(session, plan_id, year)

        self._context.ops.write(
            work,
            on_done=self._created,
            on_error=self._failed,
            label="Đang sao chép…",
            owner=self,
        )

    def _created(self, plan_id: int) -> None:
        self.message.show_message(None)
        self._select_after_load = plan_id
        self.editor.plan_id = None  # make the reload open the new plan
        self.model.reload()
        self.editor.tabs.setCurrentIndex(0)
        self.editor.form.title.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def delete_plan(self) -> None:
        plan_id = self.editor.plan_id
        if plan_id is None:
            return
        index = self.model.row_of_id(plan_id)
        title = self.model.row_at(index).title if index is not None else ""
        answer = QMessageBox.question(
            self,
            "Xóa kế hoạch",
            f"Xóa kế hoạch «{title}» và các hội nghị chưa tổ chức của nó?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.editor.flush()

        def work(session: Session) -> None:
            plans.delete_plan(session, plan_id)

        def done(_result: object) -> None:
            self.message.show_message(None)
            self.editor.discard_pending()
            self.editor.plan_id = None
            self.model.reload()

        self._context.ops.write(work, on_done=done, on_error=self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(user_message(exc))

    # --- export ---------------------------------------------------------------------------------
    @Slot()
    def export_word(self) -> None:
        plan_id = self.editor.plan_id
        if plan_id is None:
            return
        if self.editor.problems:
            self.export_error.show_message("Hãy sửa các ô chữ đỏ trước khi xuất Word.")
            return
        self.editor.flush()
        self.export_bar.hide()
        self.export_error.show_message(None)

        def check(session: Session) -> PlanDetail:
            detail = plans.get_plan(session, plan_id)
            plans.validate_for_export(detail)
            return detail

        self._context.ops.read(check, on_done=self._choose_file, on_error=self._export_failed, owner=self)

    def ask_save_path(self, suggested: Path) -> Path | None:
        """The Save As dialog (tests replace this)."""
        return file_dialogs.ask_save_file(
            self,
            "Xuất Kế hoạch ra tệp Word",
            suggested.name,
            "Tài liệu Word (*.docx)",
            folder=suggested.parent,
        )

    def _default_dir(self) -> Path:
        if self.last_dir is not None:
            return self.last_dir
        return file_dialogs.start_folder(file_dialogs.EXPORT_FOLDER)

    def _choose_file(self, detail: PlanDetail) -> None:
        out = self.ask_save_path(self._default_dir() / plans.default_file_name(detail))
        if out is None:
            return
        if out.suffix.lower() != ".docx":
            out = out.with_name(out.name + ".docx")
        self.last_dir = out.parent

        def work(session: Session) -> Path:
            from app.services.documents import write_document

            return write_document(
                session,
                DocumentKind.PLAN,
                detail.id,
                out,
                number=detail.number,
                issued_on=detail.issued_on if detail.number else None,
            )

        self._context.ops.write(
            work,
            on_done=self._exported,
            on_error=self._export_failed,
            label="Đang xuất Kế hoạch ra Word…",
            parent=self,
            owner=self,
        )

    def _exported(self, path: Path) -> None:
        self.export_bar.show_path(path)
        self.plan_exported.emit(path)

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.editor.show_problems(exc.problems)
            self.export_error.show_message("Chưa xuất được: " + "; ".join(exc.problems.values()))
            return
        if isinstance(exc, DuplicateNumberError):
            self.editor.show_problems({"number": exc.user_message})
        self.export_error.show_message(user_message(exc))

    # --- room for the form ------------------------------------------------------------------
    @Slot()
    def _splitter_moved(self, *_args: object) -> None:
        self._split_by_user = True

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if not self._split_by_user:
            # The list narrows on a small screen (125–150 %) so the form keeps its fields whole;
            # its titles wrap. Once the user drags the divider, their choice stays.
            total = self.splitter.width() - self.splitter.handleWidth()
            left = max(LIST_MIN_WIDTH, min(LIST_WIDTH, int(total * 0.32)))
            self.splitter.blockSignals(True)
            self.splitter.setSizes([left, max(0, total - left)])
            self.splitter.blockSignals(False)

    def hideEvent(self, event: Any) -> None:
        self.editor.flush()
        super().hideEvent(event)
