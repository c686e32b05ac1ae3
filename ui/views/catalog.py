"""Danh mục: units, thôn/tổ dân phố, fields and leaders used by every other screen.

Each tab is a table model over the service's rows. Names are renamed in place (F2 or a double
click); «Ngừng sử dụng» hides an entry from pick lists while old records keep its name; an entry
that records use is never deleted and the refusal says which records.
"""

from __future__ import annotations

from typing import Any, Literal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.services import catalog
from app.services.catalog import CatalogueUsageRow
from ui.context import AppContext
from ui.models.table import Column, Page, RowsById
from ui.operations import watch
from ui.tasks import user_message
from ui.views.common import make_table_view
from ui.views.sheets import OpinionImporter
from ui.widgets import Banner, FieldError, NfcLineEdit, page_title

Kind = Literal["unit", "hamlet", "field", "leader"]
AnyIndex = QModelIndex | QPersistentModelIndex

TABS: list[tuple[Kind, str, str]] = [
    ("unit", "Đơn vị", "đơn vị"),
    ("hamlet", "Thôn, tổ dân phố", "thôn, tổ dân phố"),
    ("field", "Lĩnh vực", "lĩnh vực"),
    ("leader", "Lãnh đạo", "lãnh đạo"),
]
NAME_COLUMN = 1
# What a tab shows depends on its own table and on the records that use its entries (the counts).
USERS = ("petition", "assignment", "assignment_support", "dialogue", "plan", "answer")
CATALOGUE_TABLES: dict[str, tuple[str, ...]] = {kind: (kind, *USERS) for kind, _title, _noun in TABS}


def _state_tone(row: CatalogueUsageRow) -> str | None:
    return None if row.active else "muted"


def _columns(kind: Kind) -> list[Column[CatalogueUsageRow]]:
    columns: list[Column[CatalogueUsageRow]] = [
        Column("STT", lambda r: str(r.position), sort=lambda r: r.position, align_right=True),
        Column("Họ tên" if kind == "leader" else "Tên", lambda r: r.name, tone=_state_tone),
    ]
    if kind == "leader":
        columns.append(Column("Chức vụ", lambda r: r.title, tone=_state_tone))
    columns += [
        Column("Tình trạng", lambda r: "Đang dùng" if r.active else "Ngừng sử dụng", tone=_state_tone),
        Column("Đang được dùng trong", lambda r: r.usage or "—", tone=lambda r: "muted"),
    ]
    return columns


class CatalogueModel(RowsById):
    """Names (and a leader's chức vụ) are edited in place; the rename runs as a task."""

    rename_requested = Signal(int, int, str)  # entry id, column, new text

    def __init__(self, kind: Kind, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def _editable(self, column: int) -> bool:
        return column == NAME_COLUMN or (self.kind == "leader" and column == NAME_COLUMN + 1)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self._editable(index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable(index.column()):
            return False
        row = self.row_at(index.row())
        if str(value) == (row.name if index.column() == NAME_COLUMN else row.title):
            return False
        self.rename_requested.emit(row.id, index.column(), str(value))
        return False  # the table shows the new name once the service has stored it


class CatalogueTab(QWidget):
    """One catalogue: add, rename in place, Ngừng sử dụng / Dùng lại, Xóa, Lên / Xuống."""

    changed = Signal()

    def __init__(self, context: AppContext, kind: Kind, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.kind = kind
        self.noun = noun
        self._select_after_load: int | None = None
        layout = QVBoxLayout(self)

        add_row = QHBoxLayout()
        self.new_name = NfcLineEdit()
        self.new_name.setPlaceholderText("Họ tên lãnh đạo mới" if kind == "leader" else f"Tên {noun} mới")
        add_row.addWidget(self.new_name, 2)
        self.new_title = NfcLineEdit()
        self.new_title.setPlaceholderText("Chức vụ, ví dụ «Phó Chủ tịch UBND xã»")
        add_row.addWidget(self.new_title, 2)
        self.new_title.setVisible(kind == "leader")
        self.add_button = QPushButton("Thêm")
        self.add_button.setToolTip(f"Thêm {noun} (Enter trong ô tên)")
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)
        self.add_error = FieldError()
        layout.addWidget(self.add_error)

        def load(session: Session, page: Page) -> list[CatalogueUsageRow]:
            if page.offset:
                return []  # a catalogue fits in one page
            return catalog.catalogue_rows(session, kind)

        self.model = CatalogueModel(kind, _columns(kind), load, context.ops, page_size=100_000, parent=self)
        self.view = make_table_view(self.model, self)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table for the next field
        self.view.setSortingEnabled(False)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
        )
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        if kind == "leader":
            header.setSectionResizeMode(NAME_COLUMN + 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        self.rename_button = QPushButton("Đổi tên")
        self.rename_button.setToolTip("Sửa tên ngay trong bảng (F2 hoặc bấm đúp)")
        self.toggle_button = QPushButton("Ngừng sử dụng")
        self.toggle_button.setToolTip("Ẩn khỏi danh sách chọn, hồ sơ cũ vẫn giữ tên (Ctrl+D)")
        self.delete_button = QPushButton("Xóa")
        self.delete_button.setToolTip("Xóa hẳn (chỉ khi chưa có hồ sơ nào dùng) (Delete)")
        self.up_button = QPushButton("Lên")
        self.up_button.setToolTip("Chuyển lên trong danh sách chọn (Alt+↑)")
        self.down_button = QPushButton("Xuống")
        self.down_button.setToolTip("Chuyển xuống trong danh sách chọn (Alt+↓)")
        for button in (self.rename_button, self.toggle_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        layout.addLayout(buttons)
        self.message = FieldError()
        layout.addWidget(self.message)

        self.new_name.returnPressed.connect(self.add)
        self.new_title.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.edit_current)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.delete_button.clicked.connect(self.delete)
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button.clicked.connect(lambda: self.move(1))
        for keys, slot in (
            ("Delete", self.delete),
            ("Ctrl+D", self.toggle_active),
            ("Alt+Up", lambda: self.move(-1)),
            ("Alt+Down", lambda: self.move(1)),
        ):
            QShortcut(QKeySequence(keys), self.view, slot, Qt.ShortcutContext.WidgetShortcut)
        self.model.rename_requested.connect(self.rename)
        self.model.loaded.connect(self._loaded)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    # --- helpers ----------------------------------------------------------------------------
    def current_row(self) -> CatalogueUsageRow | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        row: CatalogueUsageRow = self.model.row_at(index.row())
        return row

    def select_id(self, ident: int) -> None:
        row = self.model.row_of_id(ident)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, NAME_COLUMN))

    def _loaded(self, _count: int) -> None:
        wanted = self._select_after_load
        self._select_after_load = None
        if wanted is not None:
            self.select_id(wanted)
        elif self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, NAME_COLUMN))
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.current_row()
        for button in (
            self.rename_button,
            self.toggle_button,
            self.delete_button,
            self.up_button,
            self.down_button,
        ):
            button.setEnabled(row is not None)
        self.toggle_button.setText("Dùng lại" if row is not None and not row.active else "Ngừng sử dụng")

    def _run(
        self,
        work: Any,
        select: int | None,
        *,
        error_label: FieldError | None = None,
        after: Any = None,
    ) -> None:
        label = error_label or self.message

        def done(result: object) -> None:
            label.show_message(None)
            if after is not None:
                after()
            self._select_after_load = select if select is not None else getattr(result, "id", None)
            self.model.reload()
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                label.show_message(" ".join(exc.problems.values()))
            else:
                label.show_message(user_message(exc))

        self.message.show_message(None)
        self.add_error.show_message(None)
        self._context.ops.write(work, on_done=done, on_error=failed, owner=self, origin=self)

    def reload(self) -> None:
        row = self.current_row()
        self._select_after_load = row.id if row else None
        self.model.reload()

    # --- actions ----------------------------------------------------------------------------
    @Slot()
    def add(self) -> None:
        name, title, kind = self.new_name.text_nfc(), self.new_title.text_nfc(), self.kind

        def work(session: Session) -> object:
            if kind == "leader":
                return catalog.add_leader(session, name, title)
            return catalog.add_entry(session, kind, name)

        def clear_inputs() -> None:
            self.new_name.clear()
            self.new_title.clear()
            self.new_name.setFocus(Qt.FocusReason.OtherFocusReason)

        self._run(work, None, error_label=self.add_error, after=clear_inputs)

    @Slot()
    def edit_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            index = index.siblingAtColumn(NAME_COLUMN)
            self.view.setCurrentIndex(index)
            self.view.edit(index)

    @Slot(int, int, str)
    def rename(self, ident: int, column: int, value: str) -> None:
        kind = self.kind
        row_index = self.model.row_of_id(ident)
        if row_index is None:
            return
        current = self.model.row_at(row_index)
        # The entry as this list shows it: renaming one another PC changed since is refused
        # («đã được người khác sửa», with both names) and the list reloads.
        seen: Any = current.expected(kind)

        def work(session: Session) -> object:
            if kind == "leader":
                name = value if column == NAME_COLUMN else current.name
                title = value if column != NAME_COLUMN else current.title
                return catalog.update_leader(
                    session, ident, full_name=name, title=title, active=current.active, expected=seen
                )
            return catalog.rename_entry(session, kind, ident, value, expected=seen)

        self._run(work, ident)

    @Slot()
    def toggle_active(self) -> None:
        row = self.current_row()
        if row is None:
            return
        kind, active = self.kind, not row.active
        seen: Any = row.expected(kind)

        def work(session: Session) -> object:
            if kind == "leader":
                return catalog.set_leader_active(session, row.id, active, expected=seen)
            return catalog.set_active(session, kind, row.id, active, expected=seen)

        self._run(work, row.id)

    @Slot()
    def delete(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if row.usage:
            # Known refusal: say why at once, without asking first.
            self.message.show_message(self._in_use_text(row))
            return
        answer = QMessageBox.question(
            self,
            f"Xóa {self.noun}",
            f"Xóa hẳn «{row.name}» khỏi danh mục?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        kind = self.kind
        index = self.model.row_of_id(row.id) or 0
        neighbour = self.model.row_at(index - 1).id if index > 0 else None
        seen: Any = row.expected(kind)

        def work(session: Session) -> None:
            if kind == "leader":
                catalog.delete_leader(session, row.id, expected=seen)
            else:
                catalog.delete_entry(session, kind, row.id, expected=seen)

        self._run(work, neighbour)

    def _in_use_text(self, row: CatalogueUsageRow) -> str:
        return (
            f"Không thể xóa «{row.name}» vì đang được dùng trong {row.usage}. "
            "Hãy chọn «Ngừng sử dụng» để ẩn khỏi danh sách chọn mà vẫn giữ hồ sơ cũ."
        )

    def move(self, offset: int) -> None:
        row = self.current_row()
        if row is None:
            return
        kind = self.kind

        def work(session: Session) -> None:
            if kind == "leader":
                catalog.move_leader(session, row.id, offset)
            else:
                catalog.move_entry(session, kind, row.id, offset)

        self._run(work, row.id)


class CataloguePage(QWidget):
    """The four catalogues in tabs (Alt+1 … Alt+4)."""

    # Listed by F1 while this page is shown.
    SHORTCUTS = (
        ("Alt+1 … Alt+4", "Đơn vị / Thôn, tổ dân phố / Lĩnh vực / Lãnh đạo"),
        ("F2", "Đổi tên dòng đang chọn"),
        ("Ctrl+D", "Ngừng sử dụng / dùng lại"),
        ("Alt+↑ / Alt+↓", "Đổi thứ tự"),
        ("Delete", "Xóa (chỉ khi chưa dùng ở đâu)"),
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        title_row = QHBoxLayout()
        title_row.addWidget(page_title("Danh mục"), 1)
        # The list MTTQ, đoàn thể and thôn fill in before a meeting, with this commune's fields and thôn.
        self.importer = OpinionImporter(context, self)
        self.template_button = QPushButton("Tải mẫu Excel ý kiến thu thập…")
        self.template_button.setToolTip(
            "Mẫu danh sách ý kiến, kiến nghị gửi trước hội nghị (có sẵn lĩnh vực, thôn)"
        )
        self.template_button.clicked.connect(self.importer.save_template)
        self.template_note = QLabel("")
        self.importer.done.connect(self.template_note.setText)
        self.importer.failed.connect(self.template_note.setText)
        title_row.addWidget(self.template_note)
        title_row.addWidget(self.template_button)
        layout.addLayout(title_row)
        layout.addWidget(
            Banner(
                "Các danh mục dùng chung cho kế hoạch, hội nghị và ý kiến. «Ngừng sử dụng» ẩn một mục khỏi "
                "danh sách chọn nhưng hồ sơ cũ vẫn giữ tên; mục đã có hồ sơ dùng đến thì không xóa được. "
                "Thứ tự ở đây là thứ tự trong các danh sách chọn.",
                "info",
            )
        )
        self.tabs = QTabWidget()
        self.catalogues: dict[str, CatalogueTab] = {}
        for number, (kind, title, noun) in enumerate(TABS, start=1):
            tab = CatalogueTab(context, kind, noun)
            self.catalogues[kind] = tab
            self.tabs.addTab(tab, title)
            self.tabs.setTabToolTip(number - 1, f"{title} (Alt+{number})")
            QShortcut(
                QKeySequence(f"Alt+{number}"),
                self,
                lambda i=number - 1: self.show_tab(i),
                Qt.ShortcutContext.WindowShortcut,
            )
        layout.addWidget(self.tabs, 1)
        for kind, tab in self.catalogues.items():
            tab.model.reload()
            # A thôn added in the live minutes, a leader picked elsewhere: shown when it happens.
            watch(context.ops, tab, CATALOGUE_TABLES[kind], lambda _c, t=tab: t.reload())

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        tab = self.tabs.currentWidget()
        if isinstance(tab, CatalogueTab):
            tab.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
