"""The lists fit a 1366×728 screen at 100 % and at 150 % scaling: no horizontal scrollbar.

At 150 % a 1366×728 screen holds 910×485 device-independent pixels; fonts keep their size in
those pixels, so a window of that logical size lays out exactly as it does on the scaled screen.
(``python -m ui.screenshots OUT --scale 1.5`` grabs the real thing with QT_SCALE_FACTOR.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTableView
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
