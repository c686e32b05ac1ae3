"""Cài đặt → «Cơ sở dữ liệu», and the start-up dialog when a server cannot be used."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.storage.connection_config import load_choice
from app.storage.models import Petition
from app.storage.urls import Problem, ServerConnectionError, Target
from tests.app.pg import PG_URL, migrated_pg_engine, needs_pg
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.views.database_settings import DatabaseSettings
from ui.views.server_connect import Choice, ServerProblemDialog, connect_server

SHOTS = Path("/tmp/pgadmin_shots")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tab(qtbot, context: AppContext) -> DatabaseSettings:  # type: ignore[no-untyped-def]
    tab = DatabaseSettings(context)
    qtbot.addWidget(tab)
    tab.resize(760, 520)
    tab.show()
    return tab


def _fill(tab: DatabaseSettings, host: str, port: int, database: str, user: str) -> None:
    tab.server.setChecked(True)
    type_text(tab.form.host, host)
    tab.form.port.setValue(port)
    type_text(tab.form.database, database)
    type_text(tab.form.user, user)


def test_the_local_file_is_the_default_and_the_server_form_waits(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, context)
    assert tab.local.isChecked()
    assert not tab.form.isEnabled() and not tab.check.isEnabled()
    tab.server.setChecked(True)
    assert tab.form.isEnabled()
    # No keyring on the test machine: the box says the password is asked each time.
    assert not tab.form.remember.isEnabled()
    assert "hỏi mật khẩu mỗi lần" in tab.form.remember.toolTip()
    tab.save.click()
    assert tab.status.text() == "Hãy nhập địa chỉ máy chủ."
    assert not load_choice().server


def test_check_connection_explains_a_server_that_is_down(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, context)
    _fill(tab, "127.0.0.1", _free_port(), "doithoai", "thuky")
    tab.check.click()
    qtbot.waitUntil(lambda: "Không kết nối được máy chủ" in tab.status.text(), timeout=15000)
    assert tab.check.isEnabled()
    SHOTS.mkdir(exist_ok=True)
    tab.grab().save(str(SHOTS / "database_settings_down.png"))


def test_the_choice_is_saved_on_this_pc(qtbot, context: AppContext, data_home: Path) -> None:  # type: ignore[no-untyped-def]
    tab = _tab(qtbot, context)
    _fill(tab, "192.168.1.10", 5432, "doithoai", "thuky")
    type_text(tab.form.password, "bí mật")
    with qtbot.waitSignal(tab.choice_saved, timeout=5000):
        tab.save.click()
    assert "lần mở sau, chương trình dùng thuky@192.168.1.10:5432/doithoai" in tab.status.text()
    choice = load_choice()
    assert choice.server and choice.host == "192.168.1.10" and choice.user == "thuky"
    assert "bí mật" not in (data_home / "connection.json").read_text(encoding="utf-8")
    again = _tab(qtbot, context)
    assert again.server.isChecked() and again.form.database.text() == "doithoai"
    again.local.setChecked(True)
    again.save.click()
    assert not load_choice().server


def test_the_start_up_dialog_offers_the_local_file(qtbot) -> None:  # type: ignore[no-untyped-def]
    target = Target(host="192.168.1.10", port=5432, database="doithoai", user="thuky")
    dialog = ServerProblemDialog(ServerConnectionError(Problem.BAD_PASSWORD, target, "auth failed"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.password.isVisible() and dialog.retry.text() == "Kết nối"
    assert "Sai mật khẩu" in dialog.message.text()
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "server_problem.png"))
    qtbot.mouseClick(dialog.local, Qt.MouseButton.LeftButton)
    assert dialog.choice is Choice.LOCAL and dialog.result() == dialog.DialogCode.Accepted

    down = ServerProblemDialog(ServerConnectionError(Problem.UNREACHABLE, target))
    qtbot.addWidget(down)
    down.show()
    assert not down.password.isVisible() and down.retry.text() == "Thử lại"


def test_connect_server_returns_the_users_choice(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    target = Target(host="127.0.0.1", port=_free_port(), database="doithoai", user="thuky")
    seen: list[str] = []

    def press_local() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, ServerProblemDialog) and widget.isVisible():
                seen.append(widget.message.text())
                widget.local.click()
                return
        QTimer.singleShot(50, press_local)

    QTimer.singleShot(50, press_local)
    assert connect_server(context.tasks, target, window) is Choice.LOCAL
    assert seen and "Không kết nối được máy chủ" in seen[0]


@needs_pg
def test_transfer_to_the_server_shows_progress_and_the_check(qtbot, demo_context: AppContext) -> None:  # type: ignore[no-untyped-def]
    url = make_url(PG_URL)
    migrated_pg_engine().dispose()  # an empty database at the newest revision
    tab = _tab(qtbot, demo_context)
    _fill(tab, url.host or "", url.port or 5432, url.database or "", url.username or "")
    type_text(tab.form.password, url.password or "")
    steps: list[str] = []
    tab.transfer.click()
    dialog = tab.dialog
    assert dialog is not None
    dialog.bar.valueChanged.connect(lambda _v: steps.append(dialog.step.text()))
    try:
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=120000)
    except Exception:
        pytest.fail(dialog.result.toPlainText())
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "transfer_done.png"))
    assert dialog.step.text() == "Đã chuyển xong và kiểm tra khớp."
    assert "đều khớp" in dialog.result.toPlainText()
    assert any("Đang chép bảng" in s for s in steps) and any("Đang kiểm tra bảng" in s for s in steps)
    from app.storage.urls import server_engine

    where = Target(
        host=url.host or "", port=url.port or 5432, database=url.database or "", user=url.username or ""
    )
    engine = server_engine(where, url.password)
    with Session(engine) as session, demo_context.db.reading() as local:
        assert session.scalar(select(func.count()).select_from(Petition)) == local.scalar(
            select(func.count()).select_from(Petition)
        )
    engine.dispose()
