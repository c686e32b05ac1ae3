"""The live minutes at 1366×728, at 100 % and at 150 % scaling (910×485 points, see
test_layout_scaling): side tabs with whole titles, the minutes table with rows in sight, and the
buttons that end an answer and the meeting inside the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QStyle, QStyleOptionTab

from ui.context import AppContext
from ui.screenshots import live_window, settle
from ui.views.live.window import STEP_ANSWERS, STEP_CONCLUSION

SCREEN = (1366, 728)
# Rows of the minutes in sight at least, by scaling (the demo meeting has eight lines so far).
ROWS = {1.0: 8, 1.5: 6}


def _logical(scale: float) -> tuple[int, int]:
    return round(SCREEN[0] / scale), round(SCREEN[1] / scale)


def _rows_in_sight(view) -> int:  # type: ignore[no-untyped-def]
    model, height = view.model(), view.viewport().height()
    rects = [view.visualRect(model.index(row, 0)) for row in range(model.rowCount())]
    return sum(1 for r in rects if r.top() >= 0 and r.bottom() <= height)


@pytest.mark.parametrize("scale", (1.0, 1.5))
def test_live_window_fits_a_small_screen(
    qtbot, demo_context: AppContext, tmp_path: Path, scale: float
) -> None:  # type: ignore[no-untyped-def]
    size = _logical(scale)
    window = live_window(demo_context, size)
    qtbot.addWidget(window)
    # The fourth opinion, being typed, reaches the minutes with the next reload.
    qtbot.waitUntil(lambda: window.entries_model.rowCount() >= 8, timeout=20000)
    settle(demo_context, 50)
    window.grab().save(str(tmp_path / f"live-{int(scale * 100)}.png"))
    assert window.width() <= size[0] and window.height() <= size[1]
    # Each side tab shows its title whole: not elided, and the text inside the tab's text area.
    bar = window.tabs.tabBar()
    for index in range(bar.count()):
        option = QStyleOptionTab()
        bar.initStyleOption(option, index)
        text_rect = bar.style().subElementRect(QStyle.SubElement.SE_TabBarTabText, option, bar)
        assert option.text == bar.tabText(index), (option.text, scale)
        assert bar.fontMetrics().horizontalAdvance(bar.tabText(index)) <= text_rect.width(), bar.tabText(
            index
        )
        assert bar.tabRect(index).right() <= bar.width()
    # The minutes show a useful number of lines above the editor.
    assert _rows_in_sight(window.entries_view) >= ROWS[scale]
    # The editor stays roomy: the opinion's text box at least four lines high.
    content = window.opinion_editor.content
    assert content.isVisible() and content.height() >= 4 * content.fontMetrics().lineSpacing()
    # «Ghi trả lời» and «Kết thúc hội nghị» are inside the window, whole.
    for step, button in (
        (STEP_ANSWERS, window.answer_editor.submit_button),
        (STEP_CONCLUSION, window.conclusion_editor.end_button),
    ):
        window.agenda.setCurrentRow(step)
        settle(demo_context, 20)
        rect = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        assert button.isVisible() and window.rect().contains(rect), (step, rect, window.size())
        window.grab().save(str(tmp_path / f"live-{step}-{int(scale * 100)}.png"))
    window.close()


def test_f12_opens_the_attendance_tab(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    window = live_window(demo_context, _logical(1.5))
    qtbot.addWidget(window)
    settle(demo_context, 20)
    window.focus_attendance()
    assert window.tabs.currentWidget() is window.attendance_tab
    assert window.counts["leaders"].hasFocus() or window.counts["leaders"].isVisible()
    window.close()
