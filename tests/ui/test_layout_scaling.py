"""The lists fit a 1366×728 screen at 100 % and at 150 % scaling: no horizontal scrollbar.

At 150 % a 1366×728 screen holds 910×485 device-independent pixels; fonts keep their size in
those pixels, so a window of that logical size lays out exactly as it does on the scaled screen.
(``python -m ui.screenshots OUT --scale 1.5`` grabs the real thing with QT_SCALE_FACTOR.)
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtWidgets import QLabel, QTableView, QWidget
from sqlalchemy import select

from app.domain.rules import DialogueState
from app.storage.models import Dialogue
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.views.live.window import LiveMinutesWindow

SCREEN = (1366, 728)
SCALES = (1.0, 1.5)


def _logical(scale: float) -> tuple[int, int]:
    return round(SCREEN[0] / scale), round(SCREEN[1] / scale)


def _window_on(qtbot, context: AppContext, tmp_path: Path, scale: float, key: str):  # type: ignore[no-untyped-def]
    """The main window at ``scale``'s logical size of the screen, showing page ``key``."""
    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), context)
    qtbot.addWidget(window)
    window.resize(*_logical(scale))
    window.show()
    return window, window.show_page(key)


def _overflow(view: QTableView) -> int:
    """How far the columns run past the view (0 = no horizontal scrollbar needed)."""
    return view.horizontalScrollBar().maximum()


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("key", ["dialogues", "petitions", "follow_up"])
def test_lists_fit_without_a_horizontal_scrollbar(
    qtbot, demo_context: AppContext, tmp_path: Path, key: str, scale: float
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), demo_context)
    qtbot.addWidget(window)
    window.resize(*_logical(scale))
    window.show()
    page = window.show_page(key)
    view: QTableView = page.view  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not demo_context.tasks.busy, timeout=20000)
    qtbot.wait(50)
    window.grab().save(str(tmp_path / f"{key}-{int(scale * 100)}.png"))
    assert _overflow(view) == 0
    header = view.horizontalHeader()
    stretch = page.columns._stretch  # type: ignore[attr-defined]
    assert view.columnWidth(stretch) >= 120  # the text column stays readable
    # The title/content column is the one that takes the room left over.
    shown = [c for c in range(header.count()) if not view.isColumnHidden(c)]
    assert sum(view.columnWidth(c) for c in shown) <= view.viewport().width()
    if scale == 1.0 and key == "follow_up":  # at 100 % (1366×768) every title is read whole
        for column in shown:
            if column != stretch:
                title = view.model().headerData(column, Qt.Orientation.Horizontal)
                assert header.sectionSizeHint(column) <= view.columnWidth(column), (key, title)
    if key == "dialogues":
        # "Lưu ý" of the held dialogue is read whole, and the start time too.
        model = page.model  # type: ignore[attr-defined]
        metrics = view.fontMetrics()
        for row in range(model.rowCount()):
            for column in (0, 6):
                text = model.index(row, column).data()
                assert metrics.horizontalAdvance(text) <= view.columnWidth(column), (text, scale)


@pytest.mark.parametrize("scale", SCALES)
def test_live_opinions_fit_the_side_list(
    qtbot, demo_context: AppContext, scale: float, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with demo_context.db.reading() as session:
        held = session.scalars(
            select(Dialogue.id)
            .where(Dialogue.state == DialogueState.CLOSED)
            .order_by(Dialogue.started_at.desc())
        ).first()
    assert held is not None
    window = LiveMinutesWindow(demo_context, held)
    qtbot.addWidget(window)
    window.resize(*_logical(scale))
    window.show()
    qtbot.waitUntil(lambda: window.opinions_model.rowCount() >= 20, timeout=20000)
    qtbot.waitUntil(lambda: not demo_context.tasks.busy, timeout=20000)
    qtbot.wait(50)
    window.grab().save(str(tmp_path / f"live-{int(scale * 100)}.png"))
    assert _overflow(window.opinions_view) == 0
    assert window.opinions_view.columnWidth(0) >= 90  # the speaker's name stays readable
    assert window.tabs.tabBar().isVisible()
    window.close()


def _overlapping(widgets: list[QWidget]) -> list[tuple[str, str]]:
    """Pairs of visible widgets whose rectangles (in ``widgets[0]``'s window) intersect."""
    shown = [w for w in widgets if w.isVisible()]
    rects = [(w, QRect(w.mapTo(w.window(), QPoint(0, 0)), w.size())) for w in shown]
    return [
        (_name(a), _name(b))
        for i, (a, ra) in enumerate(rects)
        for b, rb in rects[i + 1 :]
        if ra.intersects(rb) and not a.isAncestorOf(b) and not b.isAncestorOf(a)
    ]


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return f"{type(widget).__name__}({text() if callable(text) else ''})"


def _cut_labels(root: QWidget) -> list[str]:
    """Visible labels under ``root`` given less room than their text needs."""
    cut = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            if label.height() < label.heightForWidth(label.width()):
                cut.append(label.text())
        elif label.width() < label.sizeHint().width() or label.height() < label.sizeHint().height():
            cut.append(label.text())
    return cut


@pytest.mark.parametrize("scale", (1.0, 1.25, 1.5))
def test_plan_form_rows_do_not_overlap_or_cut(
    qtbot, demo_context: AppContext, tmp_path: Path, scale: float
) -> None:  # type: ignore[no-untyped-def]
    window, page = _window_on(qtbot, demo_context, tmp_path, scale, "plans")
    form = page.editor.form  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: form.plan_id is not None and form.bases.count() > 0, timeout=20000)
    qtbot.waitUntil(lambda: not demo_context.tasks.busy, timeout=20000)
    qtbot.wait(50)
    window.grab().save(str(tmp_path / f"plans-{int(scale * 100)}.png"))
    # The form is read top to bottom: nothing runs off to the right behind a scrollbar.
    assert form.horizontalScrollBar().maximum() == 0, form.widget().minimumSizeHint()
    # «Thông tin chung»: each field and its label whole, none drawn over another.
    info = [form._info.itemAt(i).widget() for i in range(form._info.count())]
    assert _overlapping(info) == []
    assert _cut_labels(form.widget()) == []
    # The sections, one under the other, each given at least the height it needs.
    body = form.widget().layout()
    items = [body.itemAt(i) for i in range(body.count())]
    shown = [it for it in items if (it.widget() is None or it.widget().isVisible()) and not it.isEmpty()]
    for above, below in pairwise(shown):
        assert above.geometry().bottom() < below.geometry().top(), (above.widget(), below.widget())
    for item in shown:
        assert item.geometry().height() >= item.minimumSize().height(), item.widget() or item.layout()
    # The heading and the buttons above the form, and the three tabs, fit the width.
    editor = page.editor  # type: ignore[attr-defined]
    assert _cut_labels(editor) == []
    assert _overlapping([editor.heading, page.preview_button, page.export_button]) == []  # type: ignore[attr-defined]
    assert editor.tabs.tabBar().sizeHint().width() <= editor.tabs.width()


@pytest.mark.parametrize("scale", (1.0, 1.25, 1.5))
def test_settings_sections_are_all_reachable_with_whole_titles(
    qtbot, demo_context: AppContext, tmp_path: Path, scale: float
) -> None:  # type: ignore[no-untyped-def]
    window, page = _window_on(qtbot, demo_context, tmp_path, scale, "settings")
    qtbot.waitUntil(lambda: not demo_context.tasks.busy, timeout=20000)
    qtbot.wait(50)
    window.grab().save(str(tmp_path / f"settings-{int(scale * 100)}.png"))
    assert window.width() <= _logical(scale)[0] and window.height() <= _logical(scale)[1]
    sections = page.sections  # type: ignore[attr-defined]
    titles = [sections.item(row).text() for row in range(sections.count())]
    assert "Dữ liệu, phiên bản" in titles and "Người dùng" in titles
    metrics = sections.fontMetrics()
    window_rect = QRect(QPoint(0, 0), window.size())
    for row in range(sections.count()):
        rect = sections.visualItemRect(sections.item(row))
        # Each title is drawn whole inside the list, and the list itself inside the window.
        assert metrics.horizontalAdvance(titles[row]) <= rect.width(), (titles[row], scale)
        assert sections.viewport().rect().contains(rect), (titles[row], scale)
        assert window_rect.contains(QRect(sections.viewport().mapTo(window, rect.topLeft()), rect.size()))
    assert sections.horizontalScrollBar().maximum() == 0
    # The keyboard walks them: ↓ in the list, Ctrl+PgDown from inside a section.
    sections.setFocus()
    sections.setCurrentRow(0)
    for row in range(1, sections.count()):
        qtbot.keyClick(sections, Qt.Key.Key_Down)
        assert page.pages.currentIndex() == row  # type: ignore[attr-defined]
    page.pages.currentWidget().setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(page.pages.currentWidget(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
    assert sections.currentRow() == 0  # past the last, round to the first
    assert page.pages.currentWidget() is page.organization  # type: ignore[attr-defined]
