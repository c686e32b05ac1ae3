"""The Báo cáo – thống kê screen at 1366×728 and 100 %, 125 %, 150 % scaling: nothing cut or overlapping.

At 150 % a 1366×728 screen holds 910×485 device-independent pixels (fonts keep their size in
those pixels), so the main window at that logical size lays the screen out as the scaled screen
does (see test_layout_scaling). What a secretary would see cut or crowded is checked from the
widgets' geometry and the font's measures: the period controls and export buttons each whole and
apart, the period sentence whole, every headline figure in view without scrolling, the group
tables without a sideways scrollbar and their titles within two lines, the four charts whole.
"""

from __future__ import annotations

from datetime import date
from itertools import combinations
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QWidget,
)

from app.domain.periods import PeriodKind
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.views.reports import CHART_WIDTH, ReportsPage

SCREEN = (1366, 728)
TIMEOUT = 20000


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("scale", [1.0, 1.25, 1.5])
def test_report_screen_fits_without_cutting_or_overlapping(
    qtbot, demo_context: AppContext, tmp_path: Path, scale: float
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), demo_context)
    qtbot.addWidget(window)
    window.resize(round(SCREEN[0] / scale), round(SCREEN[1] / scale))
    window.show()
    page = window.show_page("reports")
    assert isinstance(page, ReportsPage)
    page.picker.year.setValue(date.today().year)
    page.picker.kind.setCurrentIndex(page.picker.kind.findData(PeriodKind.YEAR))
    qtbot.waitUntil(
        lambda: page.loaded is not None and page.loaded.report.period.kind == PeriodKind.YEAR, timeout=TIMEOUT
    )
    qtbot.waitUntil(lambda: page.charts_ready, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not demo_context.tasks.busy, timeout=TIMEOUT)
    qtbot.wait(50)
    scroll = page.findChild(QScrollArea)
    body = scroll.widget()
    group_views = [page.tabs.widget(n) for n in range(page.tabs.count())]
    window.grab().save(str(tmp_path / f"bao-cao-{round(scale * 100)}.png"))
    assert page.loaded is not None and page.loaded.report.raised > 0  # a period with figures and charts

    # The period controls, the period sentence and the export buttons: whole, inside the page, apart.
    controls = [
        w
        for w in page.findChildren(QWidget)
        if isinstance(w, QPushButton | QComboBox | QAbstractSpinBox)
        and w.isVisible()
        and not scroll.isAncestorOf(w)
    ]
    controls += [
        w for w in page.findChildren(QLabel) if w.isVisible() and w.text() and not scroll.isAncestorOf(w)
    ]
    assert len([w for w in controls if isinstance(w, QPushButton)]) == 4
    inside = page.rect()
    for widget in controls:
        where = _rect_in(widget, page)
        assert inside.contains(where), (widget.objectName() or type(widget).__name__, where, inside, scale)
        if isinstance(widget, QPushButton | QComboBox | QAbstractSpinBox):
            # Narrower than it asks for, a button or field cuts its text.
            assert widget.width() >= widget.sizeHint().width(), (getattr(widget, "text", str)(), scale)
    for a, b in combinations(controls, 2):
        if a.isAncestorOf(b) or b.isAncestorOf(a):
            continue
        assert not _rect_in(a, page).intersects(_rect_in(b, page)), (a, b, scale)
    sentence = page.range_label
    assert sentence.heightForWidth(sentence.width()) <= sentence.height()  # wrapped, never cut
    assert scroll.geometry().top() >= max(_rect_in(w, page).bottom() for w in controls)

    # Nothing scrolls sideways: the body is as wide as its viewport.
    viewport = scroll.viewport()
    assert body.width() <= viewport.width()

    # Every headline figure in view: the table needs no scrollbar, its numbers are whole.
    figures = page.figure_view
    assert figures.verticalScrollBar().maximum() == 0 and figures.horizontalScrollBar().maximum() == 0
    rows = sum(figures.rowHeight(r) for r in range(page.figures.rowCount()))
    assert rows <= figures.viewport().height()
    assert figures.columnWidth(0) + figures.columnWidth(1) <= figures.viewport().width()
    metrics = figures.fontMetrics()
    for r in range(page.figures.rowCount()):
        for column in (0, 1):
            text = page.figures.index(r, column).data()
            assert metrics.horizontalAdvance(text) <= figures.columnWidth(column), (text, scale)

    # The group tables: no sideways scrollbar, each title within two lines of its column.
    for n, view in enumerate(group_views):
        page.tabs.setCurrentIndex(n)
        assert isinstance(view, QTableView)
        qtbot.waitUntil(view.isVisible)
        qtbot.wait(20)
        model = view.model()
        assert sum(view.columnWidth(c) for c in range(model.columnCount())) <= view.viewport().width() + 1
        header = view.horizontalHeader()
        lines = header.fontMetrics()
        for column in range(1, model.columnCount()):
            title = model.headerData(column, Qt.Orientation.Horizontal)
            box = lines.boundingRect(
                QRect(0, 0, view.columnWidth(column) - 8, 1000), int(Qt.TextFlag.TextWordWrap), title
            )
            assert box.height() <= 2 * lines.lineSpacing() and box.height() <= header.height(), (title, scale)
        assert view.columnWidth(0) >= 120  # the names stay readable

    # The four charts: each whole within the width, none over another or over the tables.
    charts = list(page.chart_labels.values())
    assert all(not label.pixmap().isNull() for label in charts)
    for label in charts:
        where = _rect_in(label, body)
        assert where.width() == CHART_WIDTH and label.pixmap().deviceIndependentSize().width() == CHART_WIDTH
        assert where.left() >= 0 and where.right() < viewport.width(), (where, viewport.width(), scale)
    for a, b in combinations(charts, 2):
        assert not _rect_in(a, body).intersects(_rect_in(b, body))
    tables_bottom = max(_rect_in(figures, body).bottom(), _rect_in(page.tabs, body).bottom())
    assert min(_rect_in(label, body).top() for label in charts) > tables_bottom
    if scale == 1.0:
        # At 100 % the charts stand two by two beside the menu.
        assert len({_rect_in(label, body).top() for label in charts}) == 2
    window.close()
