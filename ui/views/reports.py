"""Báo cáo – thống kê: pick a period, see every figure, the tables and the charts, export them.

Everything shown comes from one read: :func:`app.services.reports.period_report` (the figures,
the same the .docx and the .xlsx print) and :func:`app.export.charts.render_png` (the same PNG
the Word report embeds). The screen counts nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.periods import Cutoff, Period, PeriodKind
from app.domain.statistics import StandingCounts
from app.domain.text import short_date
from app.export.charts import SIZE_INCHES, render_png, report_charts
from app.services import reports
from app.services.reports import DialogueRow, Figure, PeriodReport
from app.storage.changes import Changes
from ui import file_dialogs
from ui.context import AppContext
from ui.flow_layout import FlowLayout, row_of
from ui.models.table import Column, RowTableModel
from ui.operations import watch
from ui.views.common import make_table_view
from ui.views.period_picker import PeriodChoice, PeriodPicker
from ui.widgets import page_title

WATCHED = (
    "petition",
    "answer",
    "assignment",
    "resolution_update",
    "dialogue",
    "field",
    "unit",
    "hamlet",
    "setting",
)

CUTOFFS = (
    (Cutoff.CALENDAR, "Theo tháng dương lịch"),
    (Cutoff.DAY_15, "Từ ngày 15 tháng trước đến ngày 14 (NĐ 09/2019)"),
)

FIGURE_COLUMNS: list[Column[Figure]] = [
    Column("Chỉ tiêu", lambda f: f.label),
    Column("Số lượng", lambda f: str(f.value), align_right=True),
]

Group = tuple[str, StandingCounts]


def _group_columns(first: str) -> list[Column[Group]]:
    return [
        Column(first, lambda g: g[0]),
        Column("Tổng số", lambda g: str(g[1].total), align_right=True),
        Column("Trả lời tại HN", lambda g: str(g[1].answered), align_right=True),
        Column("Đúng hạn", lambda g: str(g[1].resolved_on_time), align_right=True),
        Column("Giải quyết quá hạn", lambda g: str(g[1].resolved_late), align_right=True),
        Column("Đang giải quyết", lambda g: str(g[1].in_progress + g[1].pending), align_right=True),
        Column(
            "Quá hạn",
            lambda g: str(g[1].overdue),
            align_right=True,
            tone=lambda g: "danger" if g[1].overdue else None,
        ),
        Column(
            "Chuyển cấp, khác",
            lambda g: str(g[1].forwarded + g[1].out_of_competence + g[1].withdrawn),
            align_right=True,
        ),
    ]


DIALOGUE_COLUMNS: list[Column[DialogueRow]] = [
    Column("Hội nghị", lambda r: r.title),
    Column("Ngày", lambda r: short_date(r.day)),
    Column("Công dân dự", lambda r: str(r.citizens), align_right=True),
    Column("Số ý kiến", lambda r: str(r.counts.total), align_right=True),
    Column("Đã giải quyết", lambda r: str(r.counts.resolved), align_right=True),
    Column("Quá hạn", lambda r: str(r.counts.overdue), align_right=True),
]


@dataclass(frozen=True)
class Loaded:
    report: PeriodReport
    cutoff: Cutoff


def load_report(session: Session, choice: PeriodChoice) -> Loaded:
    """The figures of one period (on the database thread); the charts follow in a second step."""
    cutoff = reports.report_cutoff(session)
    return Loaded(reports.period_report(session, choice.resolve(cutoff)), cutoff)


CHART_WIDTH = 540  # pixels a chart takes on screen: two columns fit a 1366-pixel window beside the menu
CHART_GAP = 12
SCREEN_DPI = CHART_WIDTH / SIZE_INCHES[0]  # the .docx picture drawn at the screen's size
CHART_KEYS = ("linh-vuc", "don-vi", "theo-thang", "lap-lai")
NARROW = 900  # below this width (logical pixels) the group tables go under the figures


def draw_charts(report: PeriodReport, *, dpi: float = SCREEN_DPI) -> list[tuple[str, bytes]]:
    """The chart PNGs of a report already counted: (key, PNG), the .docx picture at ``dpi``.

    The screen gets the same figure (size in inches, layout, colours) drawn at its own size, which
    is cheaper than drawing the .docx resolution and scaling it down.
    """
    return [(c.key, render_png(c, dpi=dpi)) for c in report_charts(report)]


def _fit_group_columns(view: QTableView, samples: dict[int, str] | None = None) -> None:
    """The name column takes the room left; the others (counts, a date) are as wide as their
    titles on two lines or their widest value, so the table never scrolls sideways at 125–150 %.

    Set once from the titles and the font, never measured over the rows: the counts of any
    period fit, and loading a period costs no layout pass over its tables.
    """
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
    header.setFixedHeight(2 * header.fontMetrics().lineSpacing() + 8)
    header.setStretchLastSection(False)
    metrics = view.fontMetrics()
    model = view.model()
    for column in range(1, model.columnCount()):
        title = model.headerData(column, Qt.Orientation.Horizontal)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        # A count of seven digits, or the sample given (a date).
        values = metrics.horizontalAdvance((samples or {}).get(column, "0000000")) + 12
        view.setColumnWidth(column, max(_two_line_width(header, title), values))
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    _compact_rows(view)


def _compact_rows(view: QTableView) -> None:
    """Rows one line of text high (the style's default is almost two): more of a report in view."""
    rows = view.verticalHeader()
    rows.setMinimumSectionSize(0)
    rows.setDefaultSectionSize(view.fontMetrics().lineSpacing() + 6)


def _two_line_width(header: QHeaderView, title: str) -> int:
    """The width a column title needs on at most two lines (split where the lines are most even)."""
    metrics = header.fontMetrics()
    words = title.split()
    widest = min(
        (
            max(
                metrics.horizontalAdvance(" ".join(words[:n])), metrics.horizontalAdvance(" ".join(words[n:]))
            )
            for n in range(1, len(words))
        ),
        default=metrics.horizontalAdvance(title),
    )
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    return widest + 2 * margin + 6


def _picture(png: bytes, ratio: float) -> QImage:
    """The PNG decoded off the GUI thread (a QImage may be made on any thread, a QPixmap not)."""
    image = QImage.fromData(png, "PNG")
    image.setDevicePixelRatio(ratio)
    return image


class _Body(QWidget):
    """What scrolls under the period bar: figures beside the group tables (one above the other on
    a narrow window), then the charts, two columns or one."""

    def __init__(self, figures: QWidget, tables: QWidget, charts: QWidget) -> None:
        super().__init__()
        self.top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.top.addWidget(figures, 0, Qt.AlignmentFlag.AlignTop)
        self.top.addWidget(tables, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top)
        layout.addWidget(charts)
        layout.addStretch(1)

    def resizeEvent(self, event):  # type: ignore[no-untyped-def]
        narrow = event.size().width() < NARROW
        wanted = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if self.top.direction() != wanted:
            self.top.setDirection(wanted)
        super().resizeEvent(event)


class ReportsPage(QWidget):
    """The Báo cáo – thống kê screen."""

    SHORTCUTS = (("F5", "Tính lại số liệu"),)
    shown = Signal()  # the figures, or one more chart, are on screen

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
        self.charts_ready = False  # every chart of the period shown
        self.charts_shown = 0

        self.picker = PeriodPicker(kind, year)
        self.cutoff = QComboBox()
        for cutoff, label in CUTOFFS:
            self.cutoff.addItem(label, cutoff)
        self.cutoff.setToolTip("Mốc chốt số liệu của báo cáo định kỳ (lưu trong Cài đặt của tệp dữ liệu)")
        self.range_label = QLabel("")
        self.range_label.setObjectName("periodRange")
        self.range_label.setWordWrap(True)  # a long period sentence wraps, never runs under the buttons

        self.export_docx = QPushButton("Xuất Báo cáo (Word)…")
        self.export_xlsx = QPushButton("Xuất số liệu (Excel)…")
        self.export_png = QPushButton("Lưu biểu đồ (PNG)…")
        self.export_book = QPushButton("Xuất sổ theo dõi (Excel)…")

        # The period bar and the buttons wrap onto a second row rather than being cut (125–150 %).
        bar = QWidget()
        bar_layout = FlowLayout(bar, margins=0)
        bar_layout.addWidget(self.picker)
        bar_layout.addWidget(row_of(QLabel("Chốt số liệu:"), self.cutoff))
        actions = QWidget()
        actions_layout = FlowLayout(actions, margins=0)
        for button in (self.export_docx, self.export_xlsx, self.export_png, self.export_book):
            actions_layout.addWidget(button)

        self.figures = RowTableModel(FIGURE_COLUMNS, None, context.ops, parent=self)
        self.figure_view = make_table_view(self.figures, self)
        self.figure_view.verticalHeader().hide()
        self.figure_view.horizontalHeader().setStretchLastSection(False)
        _compact_rows(self.figure_view)
        for set_policy in (
            self.figure_view.setHorizontalScrollBarPolicy,
            self.figure_view.setVerticalScrollBarPolicy,
        ):
            set_policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # sized to show every figure whole
        self.by_field = RowTableModel(_group_columns("Lĩnh vực"), None, context.ops, parent=self)
        self.by_hamlet = RowTableModel(_group_columns("Thôn, tổ dân phố"), None, context.ops, parent=self)
        self.by_unit = RowTableModel(_group_columns("Đơn vị chủ trì"), None, context.ops, parent=self)
        self.by_dialogue = RowTableModel(DIALOGUE_COLUMNS, None, context.ops, parent=self)
        self.tabs = QTabWidget()
        self.group_views: list[QTableView] = []
        for model, title in (
            (self.by_field, "Theo lĩnh vực"),
            (self.by_hamlet, "Theo thôn"),
            (self.by_unit, "Theo đơn vị"),
            (self.by_dialogue, "Theo hội nghị"),
        ):
            view = make_table_view(model, self)
            _fit_group_columns(view, {1: "00/00/0000"} if model is self.by_dialogue else None)
            self.group_views.append(view)
            self.tabs.addTab(view, title)

        self.chart_labels: dict[str, QLabel] = {}
        self.charts = QWidget()
        charts_layout = FlowLayout(self.charts, spacing=CHART_GAP, margins=0)
        for key in CHART_KEYS:
            label = QLabel("Đang vẽ biểu đồ…")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setFixedSize(CHART_WIDTH, round(SIZE_INCHES[1] * SCREEN_DPI))
            self.chart_labels[key] = label
            charts_layout.addWidget(label)
        self.body = _Body(self.figure_view, self.tabs, self.charts)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.body)

        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Báo cáo – thống kê"))
        layout.addWidget(bar)
        layout.addWidget(self.range_label)
        layout.addWidget(actions)
        layout.addWidget(self.scroll, 1)

        self.picker.changed.connect(self.refresh)
        self.cutoff.currentIndexChanged.connect(self._cutoff_chosen)
        self.export_docx.clicked.connect(self._export_docx)
        self.export_xlsx.clicked.connect(self._export_xlsx)
        self.export_png.clicked.connect(self._export_png)
        self.export_book.clicked.connect(self._export_book)
        watch(context.ops, self, WATCHED, self._data_changed, skip_own=False)
        self.refresh()

    # --- period -----------------------------------------------------------------------------
    @Slot()
    def _cutoff_chosen(self) -> None:
        cutoff = Cutoff(self.cutoff.currentData())  # a plain str from Qt, like the kind
        if self.loaded is not None and cutoff is self.loaded.cutoff:
            return
        self._context.ops.write(lambda s: reports.set_report_cutoff(s, cutoff), parent=self)

    @Slot()
    def refresh(self) -> None:
        choice = self.picker.choice()
        self._context.ops.read(lambda s: load_report(s, choice), on_done=self._loaded, owner=self)

    def _data_changed(self, _changes: Changes) -> None:
        self.refresh()

    def keyPressEvent(self, event):  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_F5:
            self.refresh()
            return
        super().keyPressEvent(event)

    # --- showing ----------------------------------------------------------------------------
    def _loaded(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.charts_ready = False
        report = loaded.report
        # The pictures first: they are drawn off the GUI thread, one task each in their order on
        # screen, while the figures below are put on screen; each is shown as soon as it is drawn.
        # Drawn for this screen's pixel ratio, so they are sharp at 125–150 % as at 100 %.
        charts = report_charts(report)
        count = len(charts)
        self.charts_shown = 0
        ratio = self.devicePixelRatioF()
        for chart in charts:
            self._context.tasks.run(
                lambda c=chart: (c.key, _picture(render_png(c, dpi=SCREEN_DPI * ratio), ratio)),
                on_success=lambda drawn, r=report: self._chart_drawn(r, drawn, count, ratio),
                owner=self,
            )
        self.cutoff.blockSignals(True)
        self.cutoff.setCurrentIndex(self.cutoff.findData(loaded.cutoff))
        self.cutoff.blockSignals(False)
        self.range_label.setText(
            f"<b>{report.period.label[:1].upper()}{report.period.label[1:]}</b>: {report.as_of_text}"
        )
        self.figures.set_rows(report.figures())
        self.by_field.set_rows(report.by_field)
        self.by_hamlet.set_rows(report.by_hamlet)
        self.by_unit.set_rows(report.by_unit)
        self.by_dialogue.set_rows(report.by_dialogue)
        self._fit_figures()
        self.shown.emit()

    def _fit_figures(self) -> None:
        """The figures table as large as its rows: every figure in view, none cut (measured from
        the labels and the font, not by a layout pass over the table)."""
        view = self.figure_view
        metrics = view.fontMetrics()
        padding = 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 14
        labels = [f.label for f in self.figures.rows()]
        label_width = max(metrics.horizontalAdvance(text) for text in [*labels, FIGURE_COLUMNS[0].title])
        view.setColumnWidth(0, label_width + padding)
        number = max(metrics.horizontalAdvance(FIGURE_COLUMNS[1].title), metrics.horizontalAdvance("0000000"))
        view.setColumnWidth(1, number + padding)
        frame = 2 * view.frameWidth()
        view.setFixedWidth(view.columnWidth(0) + view.columnWidth(1) + frame)
        rows = view.verticalHeader().defaultSectionSize() * self.figures.rowCount()
        view.setFixedHeight(view.horizontalHeader().height() + rows + frame)
        self.tabs.setMinimumHeight(min(view.height(), 320))

    def _chart_drawn(self, report: PeriodReport, drawn: tuple[str, QImage], count: int, ratio: float) -> None:
        if self.loaded is None or self.loaded.report is not report:
            return  # a newer period is being shown
        key, image = drawn
        pixmap = QPixmap.fromImage(image)
        label = self.chart_labels[key]
        label.setPixmap(pixmap)
        label.setFixedSize(pixmap.deviceIndependentSize().toSize())
        self.charts_shown += 1
        self.charts_ready = self.charts_shown == count
        self.shown.emit()

    # --- exports ------------------------------------------------------------------------------
    def _period(self) -> Period | None:
        return self.loaded.report.period if self.loaded else None

    def _save_name(self, title: str, suggestion: str, pattern: str) -> Path | None:
        suffix = Path(suggestion).suffix
        return file_dialogs.ask_save_file(self, title, suggestion, pattern, suffix=suffix)

    def _done(self, path: object) -> None:
        shown = path[0].parent if isinstance(path, list) and path else path
        self.window().statusBar().showMessage(f"Đã xuất «{shown}».", 8000)  # type: ignore[attr-defined]

    def _export(self, op, target: Path) -> None:  # type: ignore[no-untyped-def]
        self._context.ops.read(op, on_done=self._done, label=f"Đang xuất «{target.name}»…", parent=self)

    @Slot()
    def _export_docx(self) -> None:
        period = self._period()
        target = period and self._save_name("Xuất Báo cáo", f"BC-{period.code}.docx", "Word (*.docx)")
        if period and target:
            self._export(lambda s: reports.export_report_docx(s, period, target), target)

    @Slot()
    def _export_xlsx(self) -> None:
        period = self._period()
        target = period and self._save_name("Xuất số liệu", f"So-lieu-{period.code}.xlsx", "Excel (*.xlsx)")
        if period and target:
            self._export(lambda s: reports.export_report_xlsx(s, period, target), target)

    @Slot()
    def _export_png(self) -> None:
        period = self._period()
        if period is None:
            return
        folder = file_dialogs.ask_folder(self, "Lưu biểu đồ vào thư mục")
        if folder:
            self._export(lambda s: reports.export_report_charts(s, period, Path(folder)), Path(folder))

    @Slot()
    def _export_book(self) -> None:
        target = self._save_name("Xuất sổ theo dõi", "So-theo-doi.xlsx", "Excel (*.xlsx)")
        if target:
            self._export(lambda s: reports.export_petitions_xlsx(s, target), target)
