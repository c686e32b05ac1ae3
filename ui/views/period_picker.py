"""The report period chooser of the Báo cáo screens: kind, month, year, or a range of days.

One widget for every screen that reports on a period, so they offer the same periods with the
same words, and read them the same way (Qt hands a str-based enum back as a plain ``str``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QSizePolicy, QSpinBox, QWidget

from app.domain.periods import Cutoff, Period, PeriodKind, make_period, range_period

KINDS = (
    (PeriodKind.MONTH, "Tháng"),
    (PeriodKind.QUARTER, "Quý I (3 tháng)"),
    (PeriodKind.HALF, "6 tháng"),
    (PeriodKind.NINE, "9 tháng"),
    (PeriodKind.YEAR, "Năm"),
    (PeriodKind.RANGE, "Khoảng ngày…"),
)


@dataclass(frozen=True)
class PeriodChoice:
    """What the user picked; a named period's dates follow the office's cut-off, read with the data."""

    kind: PeriodKind
    year: int
    month: int = 1
    span: Period | None = None  # the typed range, for PeriodKind.RANGE

    def resolve(self, cutoff: Cutoff) -> Period:
        return self.span or make_period(self.kind, self.year, self.month, cutoff)


class PeriodPicker(QWidget):
    """«Kỳ báo cáo:» kind, then the month and year, or the first and last day of a range."""

    changed = Signal()

    def __init__(
        self, kind: PeriodKind = PeriodKind.HALF, year: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        today = date.today()
        self.kind = QComboBox()
        for period_kind, label in KINDS:
            self.kind.addItem(label, period_kind)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year or today.year)
        self.month = QSpinBox()
        self.month.setRange(1, 12)
        self.month.setPrefix("tháng ")
        self.month.setValue(today.month)
        self.start = QDateEdit(QDate(today.year, 1, 1))
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.dash = QLabel("–")
        caption = QLabel("Kỳ báo cáo:")
        caption.setBuddy(self.kind)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (caption, self.kind, self.month, self.year, self.start, self.dash, self.end):
            layout.addWidget(widget)
        # Kept whole on one row of a page's flow of controls (see ui.flow_layout.row_of).
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._sync_inputs()
        self.kind.currentIndexChanged.connect(self._changed)
        for spin in (self.year, self.month):
            spin.valueChanged.connect(self._changed)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._changed)

    def chosen_kind(self) -> PeriodKind:
        # Qt hands a str-based enum back as a plain str: `is PeriodKind.MONTH` would never hold.
        return PeriodKind(self.kind.currentData())

    def choice(self) -> PeriodChoice:
        kind = self.chosen_kind()
        span = None
        if kind is PeriodKind.RANGE:
            start, end = self.start.date().toPython(), self.end.date().toPython()
            span = range_period(min(start, end), max(start, end))  # type: ignore[arg-type]
        return PeriodChoice(kind, self.year.value(), self.month.value(), span)

    def _sync_inputs(self) -> None:
        kind = self.chosen_kind()
        self.month.setVisible(kind is PeriodKind.MONTH)
        self.year.setVisible(kind is not PeriodKind.RANGE)
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(kind is PeriodKind.RANGE)

    @Slot()
    def _changed(self) -> None:
        self._sync_inputs()
        self.changed.emit()
