"""From the live minutes, Ctrl+O opens the chosen opinion's own window (issue #10), and F1 says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.domain.rules import DialogueState
from app.storage.models import Dialogue
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.views.live import window as live_module
from ui.views.live.window import LiveMinutesWindow
from ui.views.petition_detail import PetitionWindow


def _held(context: AppContext) -> int:
    with context.db.reading() as session:
        held = session.scalars(
            select(Dialogue.id)
            .where(Dialogue.state == DialogueState.CLOSED)
            .order_by(Dialogue.started_at.desc())
        ).first()
    assert held is not None
    return held


def _ctrl_o(window: LiveMinutesWindow) -> None:
    window.activateWindow()
    QApplication.processEvents()
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_o_opens_the_selected_opinion_from_the_main_window(
    qtbot, demo_context: AppContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    main = MainWindow(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), demo_context)
    qtbot.addWidget(main)
    main.show()
    live = main.open_live_minutes(_held(demo_context))
    qtbot.waitUntil(lambda: live.opinions_model.rowCount() >= 3, timeout=20000)
    chosen = live.opinions_model.row_at(2)
    live.opinions_view.setCurrentIndex(live.opinions_model.index(2, 0))
    live.opinions_view.setFocus()
    _ctrl_o(live)
    qtbot.waitUntil(lambda: chosen.id in main.petition_windows, timeout=5000)
    petition = main.petition_windows[chosen.id]
    assert isinstance(petition, PetitionWindow) and petition.isVisible()
    qtbot.waitUntil(lambda: petition.detail is not None, timeout=10000)
    assert petition.detail is not None and petition.detail.content == chosen.content
    # Asking again brings the same window to the front, not a second one.
    live.open_petition_button.click()
    assert main.petition_windows[chosen.id] is petition
    petition.close()
    live.close()


def test_a_live_window_on_its_own_opens_the_petition_too(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    live = LiveMinutesWindow(demo_context, _held(demo_context))
    qtbot.addWidget(live)
    live.show()
    qtbot.waitUntil(lambda: live.opinions_model.rowCount() >= 1, timeout=20000)
    _ctrl_o(live)  # nothing chosen: the last opinion, as F3 does
    last = live.opinions_model.rows()[-1]
    assert last.id in live.petition_windows and live.petition_windows[last.id].isVisible()
    live.petition_windows[last.id].close()
    live.close()


def test_f1_lists_ctrl_o(qtbot, demo_context: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(
        live_module.QMessageBox, "information", lambda _parent, _title, text: shown.append(text)
    )
    live = LiveMinutesWindow(demo_context, _held(demo_context))
    qtbot.addWidget(live)
    live.show()
    live.activateWindow()
    QApplication.processEvents()
    QTest.keyClick(live.focusWidget() or live, Qt.Key.Key_F1)
    assert shown and "<b>Ctrl+O</b>" in shown[0] and "Mở cửa sổ ý kiến" in shown[0]
    live.close()
