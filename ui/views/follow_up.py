"""Theo dõi giải quyết: every petition followed to its answer.

A lazy table over ``list_petitions`` (sorted and filtered in SQL) with filters by dialogue, year,
field, unit, thôn, status and deadline standing; Enter opens the petition; actions on the
selected rows (giao đơn vị, gia hạn, đổi tình trạng, đã thông báo cho công dân) run as one
transaction each through the operations layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.rules import PetitionStatus
from app.domain.text import short_date, upper_first
from app.errors import EditConflict, ValidationError
from app.services import catalog, dialogues, followup, petitions, unit_sheets
from app.services import settings as settings_service
from app.services.petitions import PetitionFilter, PetitionRow
from app.storage.changes import Changes
from ui.context import AppContext
from ui.models.table import Column, Loader, Page, RowTableModel
from ui.operations import watch
from ui.tasks import user_message
from ui.views.common import ColumnFit, CountLabel, debounce, make_table_view, menu_button
from ui.views.sheets import RepeatedDialog, UnitRoundTrip
from ui.widgets import FieldError, NfcLineEdit, page_title

# Tables whose changes can alter a row of this list.
WATCHED = ("petition", "answer", "assignment", "resolution_update", "hamlet", "field", "unit", "dialogue")

FOLLOW_UP_COLUMNS: list[Column[PetitionRow]] = [
    Column("Người nêu", lambda r: r.petitioner, sort="petitioner"),
    Column("Thôn/tổ", lambda r: r.hamlet, sort="hamlet"),
    Column("Nội dung", lambda r: r.content, sort="content", tooltip=lambda r: r.content),
    Column("Đơn vị giải quyết", lambda r: r.lead_unit, sort="lead_unit"),
    # The due date and "còn N ngày" / "quá hạn N ngày" come from the rules module, in colour.
    Column("Thời hạn", lambda r: r.deadline_text, sort="deadline", tone=lambda r: r.tone),
    Column("Tình trạng", lambda r: upper_first(r.status.label), sort="status", tone=lambda r: r.tone),
    Column("Lĩnh vực", lambda r: r.field, sort="field"),
    Column("Ngày hội nghị", lambda r: short_date(r.dialogue_date), sort="dialogue_date"),
]
CONTENT_COLUMN, DEADLINE_COLUMN = 2, 4

DUE_FILTERS: list[tuple[str, str | None]] = [
    ("Mọi thời hạn", None),
    ("Sắp đến hạn", "near"),
    ("Quá hạn", "overdue"),
]
OPEN_STATUSES = (PetitionStatus.NEW, PetitionStatus.IN_PROGRESS)
STATUS_FILTERS: list[tuple[str, tuple[PetitionStatus, ...]]] = [
    ("Chưa xong (mới, đang giải quyết)", OPEN_STATUSES),
    ("Mọi tình trạng", ()),
] + [(upper_first(status.label), (status,)) for status in PetitionStatus]


@dataclass(frozen=True)
class FilterOptions:
    """What the filter lists offer, read in one go."""

    dialogues: list[tuple[int, str]]
    years: list[int]
    fields: list[tuple[int, str]]
    units: list[tuple[int, str]]
    hamlets: list[tuple[int, str]]
    near_due_days: int


def load_filter_options(session: Session) -> FilterOptions:
    choices = dialogues.dialogue_choices(session)
    return FilterOptions(
        dialogues=[(c.id, c.label) for c in choices],
        years=sorted({c.year for c in choices if c.year is not None}, reverse=True),
        fields=[(e.id, e.name) for e in catalog.list_entries(session, "field")],
        units=[(e.id, e.name) for e in catalog.list_entries(session, "unit")],
        hamlets=[(e.id, e.name) for e in catalog.list_entries(session, "hamlet")],
        near_due_days=settings_service.near_due_days(session),
    )


def _fill(combo: QComboBox, everything: str, items: list[tuple[int, str]]) -> None:
    """Refill a filter list, keeping the choice when it still exists."""
    keep = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for ident, name in items:
        combo.addItem(name, ident)
    index = combo.findData(keep)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


class FollowUpPage(QWidget):
    """Theo dõi giải quyết: the filters, the table and the actions on the selected petitions."""

    SHORTCUTS = (
        ("Ctrl+F", "Tìm theo tên, thôn, nội dung (có dấu hoặc không dấu)"),
        ("Enter", "Mở ý kiến đang chọn: kết quả, lịch sử, thao tác"),
        ("Ctrl+A", "Chọn tất cả các dòng đang hiện"),
        ("Ctrl+G", "Giao đơn vị cho các dòng đã chọn"),
        ("Ctrl+H", "Gia hạn các dòng đã chọn"),
        ("Ctrl+Shift+S", "Đổi tình trạng các dòng đã chọn"),
        ("Ctrl+Shift+T", "Ghi đã thông báo kết quả cho công dân"),
    )
    open_requested = Signal(int)  # a petition's detail

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._options: FilterOptions | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Theo dõi giải quyết"))

        bar = QHBoxLayout()
        self.search = NfcLineEdit()
        self.search.setPlaceholderText("Tìm theo tên, thôn, nội dung… Ctrl+F")
        self.search.setClearButtonEnabled(True)
        bar.addWidget(self.search, 3)
        self.status_filter = QComboBox()
        for label, _statuses in STATUS_FILTERS:
            self.status_filter.addItem(label)
        bar.addWidget(self.status_filter, 2)
        self.due_filter = QComboBox()
        for label, key in DUE_FILTERS:
            self.due_filter.addItem(label, key)
        bar.addWidget(self.due_filter, 1)
        layout.addLayout(bar)

        bar2 = QHBoxLayout()
        self.dialogue_filter = QComboBox()
        self.year_filter = QComboBox()
        self.field_filter = QComboBox()
        self.unit_filter = QComboBox()
        self.hamlet_filter = QComboBox()
        for combo, everything, stretch in (
            (self.dialogue_filter, "Mọi hội nghị", 3),
            (self.year_filter, "Mọi năm", 1),
            (self.field_filter, "Mọi lĩnh vực", 2),
            (self.unit_filter, "Mọi đơn vị", 2),
            (self.hamlet_filter, "Mọi thôn, tổ", 2),
        ):
            combo.addItem(everything, None)
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            bar2.addWidget(combo, stretch)
        layout.addLayout(bar2)

        self.model: RowTableModel[PetitionRow] = RowTableModel(
            FOLLOW_UP_COLUMNS, self._loader(), context.ops, parent=self
        )
        # What needs chasing today first: the nearest (or longest overdue) deadline.
        self.model.sort(DEADLINE_COLUMN, Qt.SortOrder.AscendingOrder)
        self.view = make_table_view(self.model, self)
        self.view.horizontalHeader().setSortIndicator(DEADLINE_COLUMN, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout.addWidget(self.view, 1)

        footer = QHBoxLayout()
        self.count = CountLabel(self.model, "ý kiến")
        footer.addWidget(self.count)
        self.legend = QLabel("")
        self.legend.setStyleSheet("color: #6b7280;")
        self.legend.setWordWrap(True)  # two lines on a narrow screen rather than cut off (150 %)
        footer.addWidget(self.legend, 1)
        self.message = FieldError()
        footer.addWidget(self.message)
        self.actions_button = menu_button("Thao tác với các dòng đã chọn")
        menu = QMenu(self.actions_button)
        for label, keys, slot in (
            ("Giao đơn vị giải quyết…", "Ctrl+G", self.bulk_assign),
            ("Gia hạn…", "Ctrl+H", self.bulk_extend),
            ("Đổi tình trạng…", "Ctrl+Shift+S", self.bulk_status),
            ("Đã thông báo kết quả cho công dân…", "Ctrl+Shift+T", self.bulk_informed),
        ):
            action = menu.addAction(f"{label}\t{keys}")
            action.triggered.connect(slot)
            QShortcut(QKeySequence(keys), self, activated=slot)
        self.actions_button.setMenu(menu)
        footer.addWidget(self.actions_button)
        # To the units and back, without a network (USB, Zalo, email).
        self.round_trip = UnitRoundTrip(context, self)
        self.round_trip.done.connect(self._round_trip_done)
        self.round_trip.failed.connect(self.message.show_message)
        self.units_button = menu_button("Đơn vị")
        units_menu = QMenu(self.units_button)
        for label, slot in (
            (
                "Xuất phiếu giao việc (Word + Excel) cho đơn vị…",
                lambda: self.round_trip.export_unit(self.unit_filter.currentData()),
            ),
            ("Nhập kết quả từ bảng Excel đơn vị gửi lại…", self.round_trip.import_results),
            ("Công văn đôn đốc đơn vị có kiến nghị quá hạn…", self.round_trip.remind),
            ("Kiến nghị lặp lại qua nhiều hội nghị…", self.show_repeated),
        ):
            units_menu.addAction(label).triggered.connect(lambda _c=False, f=slot: f())
        self.units_button.setMenu(units_menu)
        footer.addWidget(self.units_button)
        self.open_button = QPushButton("Mở (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        footer.addWidget(self.open_button)
        layout.addLayout(footer)

        self._search_timer = debounce(self, 250, self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (
            self.status_filter,
            self.due_filter,
            self.dialogue_filter,
            self.year_filter,
            self.field_filter,
            self.unit_filter,
            self.hamlet_filter,
        ):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        for keys in ("Return", "Enter"):
            QShortcut(QKeySequence(keys), self.view, activated=self.open_selected)
        # The dates with their "quá hạn 31 ngày" whole, the content the rest; on a narrow screen
        # field and meeting day narrow, then step aside, before a scrollbar would appear.
        self.columns = ColumnFit(
            self.view,
            CONTENT_COLUMN,
            caps=self.WIDTHS,
            give_way=(6, 7, 3, 0, 1),
            drop=(6, 7, 1),
            keep=(4,),
            stretch_min=240,
            min_width=90,
            measure_once=True,
        )
        watch(context.ops, self, WATCHED, self._data_changed, skip_own=False)
        self.load_options()
        self.refresh()

    # --- filters ----------------------------------------------------------------------------
    def current_filter(self) -> PetitionFilter:
        return PetitionFilter(
            query=self.search.text_nfc(),
            dialogue_id=self.dialogue_filter.currentData(),
            year=self.year_filter.currentData(),
            field_id=self.field_filter.currentData(),
            unit_id=self.unit_filter.currentData(),
            hamlet_id=self.hamlet_filter.currentData(),
            statuses=STATUS_FILTERS[max(0, self.status_filter.currentIndex())][1],
            due=self.due_filter.currentData(),
        )

    def _loader(self) -> Loader[PetitionRow]:
        flt = (
            self.current_filter()
            if hasattr(self, "hamlet_filter")
            else PetitionFilter(statuses=OPEN_STATUSES)
        )

        def load(session: Session, page: Page) -> list[PetitionRow]:
            return petitions.list_petitions(
                session, flt, sort=page.sort, descending=page.descending, offset=page.offset, limit=page.limit
            )

        return load

    @Slot()
    def refresh(self) -> None:
        self.message.show_message(None)
        self.model.set_loader(self._loader())

    def load_options(self) -> None:
        self._context.ops.read(load_filter_options, on_done=self._options_loaded, owner=self)

    def _options_loaded(self, options: FilterOptions) -> None:
        self._options = options
        _fill(self.dialogue_filter, "Mọi hội nghị", options.dialogues)
        _fill(self.year_filter, "Mọi năm", [(year, str(year)) for year in options.years])
        _fill(self.field_filter, "Mọi lĩnh vực", options.fields)
        _fill(self.unit_filter, "Mọi đơn vị", options.units)
        _fill(self.hamlet_filter, "Mọi thôn, tổ", options.hamlets)
        self.due_filter.setItemText(1, f"Sắp đến hạn (≤ {options.near_due_days} ngày)")
        self.legend.setText(f"Đỏ: quá hạn · Vàng: còn ≤ {options.near_due_days} ngày · Xanh: đã xong")

    def _data_changed(self, changes: Changes) -> None:
        if changes.touches("dialogue", "field", "unit", "hamlet", "setting"):
            self.load_options()
        self.model.reload()

    # Widths that fit 1366 px: the dates with their "quá hạn 31 ngày" whole, every title whole (the
    # last one, «Ngày hội nghị», was cut at 80), the content the rest.
    WIDTHS = {0: 140, 1: 100, 3: 150, 4: 195, 5: 110, 6: 110, 7: 120}

    def _round_trip_done(self, text: str) -> None:
        self.message.show_message(None)
        self.legend.setText(text)

    @Slot()
    def show_repeated(self) -> None:
        def shown(groups: list[Any]) -> None:
            dialog = RepeatedDialog(groups, self)
            dialog.open_requested.connect(self.open_requested)
            dialog.open()

        self._context.ops.read(
            lambda session: unit_sheets.repeated_petitions(session),
            on_done=shown,
            label="Đang tìm các kiến nghị lặp lại…",
            parent=self,
            owner=self,
        )

    # --- selection and actions --------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return [self.model.row_at(row).id for row in rows]

    @Slot()
    def open_selected(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.open_requested.emit(self.model.row_at(index.row()).id)

    def selected_versions(self) -> dict[int, int]:
        """Each selected petition's version as the list shows it: an action on a row another PC
        changed since the list was read is refused instead of overwriting their change."""
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        return {self.model.row_at(row).id: self.model.row_at(row).version for row in rows}

    def _bulk(self, title: str, dialog_factory: type[BulkDialog]) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.show_message("Hãy chọn ít nhất một dòng (Ctrl+A: chọn tất cả).")
            return
        dialog = dialog_factory(
            self._context, ids, title, self._options, self, versions=self.selected_versions()
        )
        dialog.open()

    @Slot()
    def bulk_assign(self) -> None:
        self._bulk("Giao đơn vị giải quyết", AssignDialog)

    @Slot()
    def bulk_extend(self) -> None:
        self._bulk("Gia hạn giải quyết", ExtendDialog)

    @Slot()
    def bulk_status(self) -> None:
        self._bulk("Đổi tình trạng", StatusDialog)

    @Slot()
    def bulk_informed(self) -> None:
        self._bulk("Đã thông báo kết quả cho công dân", InformedDialog)


# --- the dialogs of the bulk actions (also used by the petition detail for one petition) ----------


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(qdate(value or date.today()))
    return edit


class BulkDialog(QDialog):
    """One action on ``ids``: the form, then one write; a refusal stays in the dialog, in place.

    Each action is a subclass with ``build()`` (its fields, added to ``self.form``), ``collect()``
    (what the fields say, read on the GUI thread) and ``operation(session, values) -> int`` (its
    service call, run as one ``ops.write`` on the database thread, never touching a widget).
    """

    def __init__(
        self,
        context: AppContext,
        ids: list[int],
        title: str,
        options: FilterOptions | None,
        parent: QWidget | None = None,
        *,
        versions: dict[int, int] | None = None,
        seen: dict[int, dict[str, object]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._context, self.ids, self._options = context, ids, options
        # The version of each petition as the screen that opened this showed it (None: no check),
        # and what it showed of it (PetitionDetail.fields), for the conflict message.
        self.versions = versions  # shared with the window that opened it, which reads it back
        self._seen = dict(seen or {})
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        count = len(ids)
        layout.addWidget(
            QLabel(f"<b>{title}</b> — {count} ý kiến đã chọn" if count > 1 else f"<b>{title}</b>")
        )
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = FieldError()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Ghi")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.build()

    @Slot()
    def submit(self) -> None:
        self.error.show_message(None)
        values = self.collect()
        self.buttons.setEnabled(False)
        versions, seen = self.versions, self._seen

        def unit(session: Session) -> int:
            if versions is None:
                return self.operation(session, values)
            petitions.expect_versions(session, versions, seen)
            done = self.operation(session, values)
            for ident in list(versions):  # this action's own new versions: never a conflict later
                version = petitions.version_of(session, ident)
                if version is not None:
                    versions[ident] = version
            return done

        self._context.ops.write(
            unit,
            on_done=self._done,
            on_error=self._failed,
            owner=self,
        )

    def _done(self, _count: int) -> None:
        self.buttons.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        # The screens reload with the stored version; the message puts both side by side.
        # Pressing «Ghi» again, after reading it, applies this action to what is stored now.
        if (
            isinstance(exc, EditConflict)
            and self.versions is not None
            and isinstance(exc.ident, int)
            and exc.current_version is not None
        ):
            self.versions[exc.ident] = exc.current_version
            self._seen[exc.ident] = dict(exc.theirs)
        if isinstance(exc, ValidationError):
            self.error.show_message(" ".join(exc.problems.values()))
        else:
            self.error.show_message(user_message(exc))


class AssignDialog(BulkDialog):
    def build(self) -> None:
        self.unit = QComboBox()
        self.unit.addItem("(chọn đơn vị chủ trì)", None)
        self.support = QListWidget()
        self.support.setMaximumHeight(120)
        for ident, name in self._options.units if self._options else []:
            self.unit.addItem(name, ident)
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.support.addItem(item)
        self.deadline = date_edit()
        self.task = NfcLineEdit()
        self.task.setPlaceholderText("Nhiệm vụ (để trống: kiểm tra, giải quyết và trả lời công dân)")
        self.form.addRow("Đơn vị chủ trì", self.unit)
        self.form.addRow("Đơn vị phối hợp", self.support)
        self.form.addRow("Thời hạn", self.deadline)
        self.form.addRow("Nhiệm vụ", self.task)

    def collect(self) -> dict[str, Any]:
        return {
            "lead_unit_id": self.unit.currentData(),
            "deadline": pydate(self.deadline.date()),
            "task": self.task.text_nfc(),
            "supporting_unit_ids": [
                self.support.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.support.count())
                if self.support.item(i).checkState() == Qt.CheckState.Checked
            ],
        }

    def operation(self, session: Session, values: dict[str, Any]) -> int:
        return followup.bulk_assign(session, self.ids, **values)

    @Slot()
    def submit(self) -> None:
        if self.unit.currentData() is None:
            self.error.show_message("Hãy chọn đơn vị chủ trì giải quyết.")
            return
        super().submit()


class ExtendDialog(BulkDialog):
    def build(self) -> None:
        self.deadline = date_edit()
        self.reason = NfcLineEdit()
        self.reason.setPlaceholderText("Lý do gia hạn (bắt buộc, được lưu trong lịch sử)")
        self.form.addRow("Thời hạn mới", self.deadline)
        self.form.addRow("Lý do", self.reason)

    def collect(self) -> dict[str, Any]:
        return {"deadline": pydate(self.deadline.date()), "reason": self.reason.text_nfc()}

    def operation(self, session: Session, values: dict[str, Any]) -> int:
        return followup.bulk_extend(session, self.ids, **values)


class StatusDialog(BulkDialog):
    def build(self) -> None:
        self.status = QComboBox()
        for status in PetitionStatus:
            self.status.addItem(upper_first(status.label), status)
        self.authority = NfcLineEdit()
        self.authority.setPlaceholderText("Cấp có thẩm quyền (khi chuyển cấp hoặc không thuộc thẩm quyền)")
        self.note = NfcLineEdit()
        self.note.setPlaceholderText("Ghi chú (lưu trong lịch sử)")
        self.form.addRow("Tình trạng mới", self.status)
        self.form.addRow("Cấp có thẩm quyền", self.authority)
        self.form.addRow("Ghi chú", self.note)

    def collect(self) -> dict[str, Any]:
        return {
            "status": PetitionStatus(self.status.currentData()),  # Qt hands str enums back as str
            "note": self.note.text_nfc(),
            "authority": self.authority.text_nfc(),
        }

    def operation(self, session: Session, values: dict[str, Any]) -> int:
        return followup.bulk_set_status(session, self.ids, values.pop("status"), **values)


class InformedDialog(BulkDialog):
    def build(self) -> None:
        self.on = date_edit()
        self.how = QComboBox()
        for method in followup.InformMethod:
            self.how.addItem(upper_first(method.label), method)
        self.form.addRow("Ngày thông báo", self.on)
        self.form.addRow("Hình thức", self.how)

    def collect(self) -> dict[str, Any]:
        # Read on the GUI thread: the operation runs on the database thread and touches no widget.
        return {"on": pydate(self.on.date()), "how": followup.InformMethod(self.how.currentData())}

    def operation(self, session: Session, values: dict[str, Any]) -> int:
        return followup.bulk_informed(session, self.ids, **values)
