"""The window started on a damaged file shows the message (and may restore), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from app.storage import backups
from tests.damage import DAMAGES, _good, snapshot
from ui.main import open_database
from ui.tasks import TaskManager


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []

    def answer(kind: str, reply: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def box(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
            said.append((kind, text))
            return reply

        return box

    monkeypatch.setattr(QMessageBox, "critical", answer("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", answer("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", answer("question", QMessageBox.StandardButton.Cancel))
    return said


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_window_on_a_damaged_file_shows_the_message(
    damage: str,
    qtbot,
    tmp_path: Path,
    shown: list[tuple[str, str]],  # type: ignore[no-untyped-def]
) -> None:
    target = tmp_path / "data.sqlite"
    DAMAGES[damage](target)
    before = snapshot(target)
    window = QWidget()
    qtbot.addWidget(window)
    tasks = TaskManager()
    assert open_database(tasks, target, window) is None
    assert tasks.wait(10000)
    assert shown, "the user was told something"
    assert all("Traceback" not in text for _kind, text in shown)
    assert any(
        ("hỏng" in text or "không phải" in text or "rỗng" in text or "mới hơn" in text) for _k, text in shown
    )
    assert snapshot(target) == before


def test_restore_offered_and_done_only_with_consent(
    qtbot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    target = tmp_path / "data.sqlite"
    _good(target, petitions=5)
    copy = backups.make_backup(target, label="auto")
    DAMAGES["garbled-pages"](target)
    damaged_bytes = target.read_bytes()
    said: list[str] = []

    def yes(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        said.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: said.append("ERROR " + text))
    window = QWidget()
    qtbot.addWidget(window)
    tasks = TaskManager()
    db = open_database(tasks, target, window)
    assert db is not None, said
    try:
        from sqlalchemy import func, select

        from app.storage.models import Petition

        with db.reading() as session:
            assert session.scalar(select(func.count()).select_from(Petition)) == 5
    finally:
        tasks.wait(10000)
        db.close()
    assert copy.name in said[0] and "Khôi phục" in said[0]
    aside = [p for p in tmp_path.iterdir() if "-hong-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes() == damaged_bytes
    assert any("Đã khôi phục" in text for text in said)


def test_a_large_file_found_damaged_after_the_window_opened_is_told_and_closes(
    qtbot,
    tmp_path: Path,
    shown: list[tuple[str, str]],
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    from app.storage import database
    from tests.damage import PAGE
    from ui.main import watch_background_check

    monkeypatch.setattr(database, "BACKGROUND_CHECK_BYTES", 0)  # checked beside the first screen
    target = _good(tmp_path / "data.sqlite", petitions=2000)
    data = bytearray(target.read_bytes())
    pages = len(data) // PAGE
    for page in range(pages - 6, pages - 2):
        data[page * PAGE : (page + 1) * PAGE] = bytes((i * 37 + page) % 256 for i in range(PAGE))
    target.write_bytes(bytes(data))
    before = snapshot(target)
    window = QWidget()
    qtbot.addWidget(window)
    tasks = TaskManager()
    db = open_database(tasks, target, window)
    assert db is not None, "a large file opens before its check is over"
    closed: list[bool] = []
    try:
        watch_background_check(db, tasks, window, on_damaged=lambda: closed.append(True))
        qtbot.waitUntil(lambda: bool(closed), timeout=15000)
    finally:
        tasks.wait(10000)
        db.close()
    assert any(kind == "critical" and "bị hỏng" in text for kind, text in shown), shown
    assert snapshot(target) == before
