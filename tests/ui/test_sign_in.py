"""Đăng nhập: only when the database has users; a wrong password is said in place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from sqlalchemy import select

from app.services import users
from app.storage.models import AuditEvent
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.views.sign_in import SignInDialog, sign_in_if_needed

SHOTS = Path("/tmp/pgadmin_shots")


def test_no_users_no_sign_in(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    assert sign_in_if_needed(context, "xa.sqlite") is True


def test_sign_in_refuses_then_accepts(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    with context.db.transaction() as session:
        users.add_user(session, "admin", "quan-tri-2026", full_name="Quản trị viên", role=users.Role.ADMIN)
    dialog = SignInDialog(context, "thuky@192.168.1.10:5432/doithoai")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.login, "admin")
    type_text(dialog.password, "sai-mat-khau")
    dialog.try_sign_in()
    qtbot.waitUntil(lambda: "Sai tên đăng nhập hoặc mật khẩu" in dialog.error.text(), timeout=10000)
    assert dialog.password.text() == "" and dialog.signed is None
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "sign_in_refused.png"))
    type_text(dialog.password, "quan-tri-2026")
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.try_sign_in()
    assert dialog.signed is not None and dialog.signed.login == "admin"
    # Every later unit of work carries the person: the Nhật ký names them.
    with context.db.reading() as session:
        assert users.signed_in(session) == dialog.signed
        assert session.scalar(select(AuditEvent.user).where(AuditEvent.action == "sign_in")) == "admin"
    users.bind_user(context.db.sessions, None)


def test_cancelling_the_sign_in_stops_the_start(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    with context.db.transaction() as session:
        users.add_user(session, "admin", "quan-tri-2026", role=users.Role.ADMIN)

    def cancel() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, SignInDialog) and widget.isVisible():
                widget.reject()
                return
        QTimer.singleShot(50, cancel)

    QTimer.singleShot(50, cancel)
    assert sign_in_if_needed(context, "xa.sqlite") is False
