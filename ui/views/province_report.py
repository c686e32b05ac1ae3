"""Báo cáo toàn tỉnh: a period's figures, one row per commune plus the totals, exportable to .xlsx.

Only for a province user (bound to no commune on a database of several); the main window adds
the page for them alone. Every figure is :func:`app.services.province.province_table`, which
counts each commune with the Báo cáo screen's own figures (:func:`app.services.reports.period_report`'s,
worked out for every commune from one read by :func:`app.services.reports.commune_reports`):
a commune's row is what that commune's Báo cáo shows, the totals are their sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)
from sqlalchemy.orm import Session

from app.domain.periods import Period, PeriodKind
from app.services import province, reports
from app.services.province import ProvinceTable
from app.services.reports import Figure
from app.storage.changes import Changes
from ui import file_dialogs
from ui.context import AppContext
from ui.models.table import Column, RowTableModel
from ui.operations import watch
from ui.views.common import make_table_view
from ui.views.period_picker import PeriodChoice, PeriodPicker
from ui.widgets import FieldError, page_title

WATCHED = ("petition", "answer", "assignment", "resolution_update", "dialogue", "commune", "setting")

# The figures a screen row shows (the .xlsx has every one), with headers short enough for 1366 px.
SHOWN = (
    ("dialogues_held", "Hội\nnghị"),
    ("raised", "Ý kiến\ntiếp nhận"),
    ("answered", "Trả lời\ntại HN"),
    ("assigned", "Giao\ngiải quyết"),
    ("resolved_on_time", "Đúng\nhạn"),
    ("resolved_late", "GQ quá\nhạn"),
    ("in_time", "Đang GQ,\ntrong hạn"),
    ("overdue", "Quá hạn\nchưa GQ"),
    ("forwarded", "Chuyển\ncấp"),
)


@dataclass(frozen=True)
class Line:
    """A row of the table: a commune, or the totals (``commune_id`` None)."""

    commune_id: int | None
    name: str
    figures: tuple[Figure, ...]

    def value(self, key: str) -> int:
        return next(f.value for f in self.figures if f.key == key)


def _column(key: str, title: str) -> Column[Line]:
    return Column(
        title,
        lambda line: str(line.value(key)),
        align_right=True,
        tone=(lambda line: "danger" if line.value(key) else None) if key == "overdue" else None,
    )


COLUMNS: tuple[Column[Line], ...] = (
    Column("Xã, phường", lambda line: line.name),
    *(_column(key, title) for key, title in SHOWN),
)


@dataclass(frozen=True)
class Loaded:
    table: ProvinceTable
    communes: list[tuple[int, str]]


def load_table(session: Session, choice: PeriodChoice, chosen: list[int] | None) -> Loaded:
    """The province table of one period (on the database thread); ``chosen`` None: every commune."""
    period = choice.resolve(reports.report_cutoff(session))
    return Loaded(province.province_table(session, period, commune_ids=chosen), province.communes(session))


def lines_of(table: ProvinceTable) -> list[Line]:
    rows: list[Line] = [Line(r.commune_id, r.name, r.figures) for r in table.rows]
    rows.append(Line(None, province.TOTAL_LABEL, table.totals))
    return rows


class ProvinceReportPage(QWidget):
    """The Báo cáo toàn tỉnh screen."""

    SHORTCUTS = (("F5", "Tính lại số liệu"),)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        kind: PeriodKind = PeriodKind.HALF,
        year: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.loaded: Loaded | None = None
        self._generation = 0

        self.picker = PeriodPicker(kind, year)
        self.export_xlsx = QPushButton("Xuất bảng tổng hợp (Excel)…")
        self.range_label = QLabel("")
        self.range_label.setWordWrap(True)
        self.message = FieldError()

        bar = QHBoxLayout()
        bar.addWidget(self.picker)
        bar.addStretch(1)
        bar.addWidget(self.export_xlsx)

        # Which communes: all, or those ticked (the totals are those of the rows shown). In a pop-up
        # under a button, so the table keeps the whole width (168 communes at 150 % included).
        self.all_communes = QPushButton("Chọn tất cả")
        self.no_communes = QPushButton("Bỏ chọn")
        self.commune_list = QListWidget()
        self.commune_list.setMinimumSize(260, 320)
        chooser = QWidget()
        box = QVBoxLayout(chooser)
        box.addWidget(self.commune_list, 1)
        picks = QHBoxLayout()
        picks.addWidget(self.all_communes)
        picks.addWidget(self.no_communes)
        box.addLayout(picks)
        menu = QMenu(self)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(chooser)
        menu.addAction(holder)
        self.commune_button = QToolButton()
        self.commune_button.setText("Xã, phường: tất cả  ")
        self.commune_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.commune_button.setMenu(menu)
        bar.insertWidget(bar.count() - 2, self.commune_button)

        self.model: RowTableModel[Line] = RowTableModel(COLUMNS, None, context.ops, parent=self)
        self.view = make_table_view(self.model, self)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(False)
        note = QLabel(
            "Mỗi dòng là số liệu của xã, phường đó đúng như màn hình Báo cáo – thống kê của xã; "
            "dòng «Tổng cộng» là tổng các dòng đang hiện. Tệp Excel có đủ mọi chỉ tiêu."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #4b5563;")

        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Báo cáo toàn tỉnh"))
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.range_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(note)

        self.picker.changed.connect(self.refresh)
        self.commune_list.itemChanged.connect(lambda _item: self.refresh())
        self.all_communes.clicked.connect(lambda: self._tick_all(True))
        self.no_communes.clicked.connect(lambda: self._tick_all(False))
        self.export_xlsx.clicked.connect(self._export_xlsx)
        watch(context.ops, self, WATCHED, self._data_changed, skip_own=False)
        self.refresh()

    # --- period and communes ----------------------------------------------------------------
    def chosen_communes(self) -> list[int] | None:
        """The ticked communes; None while the list is not filled yet or every one is ticked."""
        count = self.commune_list.count()
        if count == 0:
            return None
        ticked = [
            int(self.commune_list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(count)
            if self.commune_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        return None if len(ticked) == count else ticked

    def _fill_communes(self, communes: list[tuple[int, str]]) -> None:
        if [
            self.commune_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.commune_list.count())
        ] == [ident for ident, _name in communes]:
            return
        chosen = self.chosen_communes()
        self.commune_list.blockSignals(True)
        self.commune_list.clear()
        for ident, name in communes:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = chosen is None or ident in chosen
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.commune_list.addItem(item)
        self.commune_list.blockSignals(False)

    def _tick_all(self, ticked: bool) -> None:
        self.commune_list.blockSignals(True)
        for i in range(self.commune_list.count()):
            self.commune_list.item(i).setCheckState(
                Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
            )
        self.commune_list.blockSignals(False)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        choice, chosen = self.picker.choice(), self.chosen_communes()
        self._generation += 1
        generation = self._generation
        self._context.ops.read(
            lambda s: load_table(s, choice, chosen),
            on_done=lambda loaded: self._loaded(generation, loaded),
            on_error=lambda exc: self.message.show_message(str(getattr(exc, "user_message", exc))),
            owner=self,
        )

    def _data_changed(self, _changes: Changes) -> None:
        self.refresh()

    def keyPressEvent(self, event):  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_F5:
            self.refresh()
            return
        super().keyPressEvent(event)

    # --- showing ----------------------------------------------------------------------------
    def _loaded(self, generation: int, loaded: Loaded) -> None:
        if generation != self._generation:
            return  # a newer choice is being counted
        self.loaded = loaded
        self.message.show_message(None)
        self._fill_communes(loaded.communes)
        table = loaded.table
        label = table.period.label
        self.range_label.setText(f"<b>{label[:1].upper()}{label[1:]}</b>: {table.as_of_text}")
        self.model.set_rows(lines_of(table))
        self.view.resizeColumnsToContents()
        # The commune's name takes what the figures leave (they keep their own width).
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        ticked = len(table.rows)
        everyone = self.commune_list.count()
        self.commune_button.setText(
            "Xã, phường: tất cả  " if ticked == everyone else f"Xã, phường: {ticked}/{everyone} đã chọn  "
        )
        self.export_xlsx.setEnabled(bool(table.rows))

    # --- export -----------------------------------------------------------------------------
    @Slot()
    def _export_xlsx(self) -> None:
        if self.loaded is None:
            return
        period = self.loaded.table.period
        chosen = [row.commune_id for row in self.loaded.table.rows]
        target = file_dialogs.ask_save_file(
            self,
            "Xuất bảng tổng hợp",
            f"Tong-hop-cac-xa-{period.code}.xlsx",
            "Excel (*.xlsx)",
            suffix=".xlsx",
        )
        if target is None:
            return
        self.export_to(target, period, chosen)

    def export_to(self, target: Path, period: Period, chosen: list[int]) -> None:
        self._context.ops.read(
            lambda s: province.export_province_xlsx(s, period, target, commune_ids=chosen),
            on_done=self._exported,
            on_error=lambda exc: self.message.show_message(str(getattr(exc, "user_message", exc))),
            label=f"Đang xuất «{target.name}»…",
            parent=self,
            owner=self,
        )

    def _exported(self, path: object) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(f"Đã xuất «{path}».", 8000)
