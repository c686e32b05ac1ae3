"""Cài đặt → «Người dùng»: the first administrator turns sign-in on; roles are changed in place."""

from __future__ import annotations

from pathlib import Path

from app.services import users
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.views.users_settings import UsersSettings

SHOTS = Path("/tmp/pgadmin_shots")


def _fill(tab: UsersSettings, login: str, name: str, role: users.Role, password: str) -> None:
    for edit in (tab.login, tab.full_name, tab.password):
        edit.clear()
    type_text(tab.login, login)
    type_text(tab.full_name, name)
    tab.role.setCurrentIndex(tab.role.findData(role.value))
    type_text(tab.password, password)


def test_adding_people_and_roles(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    tab = UsersSettings(context)
    qtbot.addWidget(tab)
    tab.resize(820, 560)
    tab.show()
    _fill(tab, "thuky", "Lê Thị Thu", users.Role.SECRETARY, "thu-ky-2026")
    tab.add.click()
    qtbot.waitUntil(lambda: "phải là Quản trị" in tab.status.text(), timeout=10000)

    _fill(tab, "admin", "Nguyễn Văn An", users.Role.ADMIN, "quan-tri-2026")
    tab.add.click()
    qtbot.waitUntil(lambda: "đang đăng nhập là «admin»" in tab.status.text(), timeout=10000)
    with context.db.reading() as session:
        signed = users.signed_in(session)
    assert signed is not None and signed.login == "admin"

    _fill(tab, "thuky", "Lê Thị Thu", users.Role.SECRETARY, "thu-ky-2026")
    tab.add.click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=10000)
    assert tab.status.text() == "Đã thêm «thuky» (Thư ký)."
    _fill(tab, "thuky", "Lê Thị Thu", users.Role.LEADER, "")
    tab.change_role.click()
    qtbot.waitUntil(lambda: "nay là Lãnh đạo" in tab.status.text(), timeout=10000)
    qtbot.waitUntil(lambda: "Lãnh đạo" in [r.role_label for r in tab.model.rows()], timeout=10000)
    _fill(tab, "admin", "Nguyễn Văn An", users.Role.VIEWER, "")
    tab.change_role.click()
    qtbot.waitUntil(lambda: "ít nhất một tài khoản Quản trị" in tab.status.text(), timeout=10000)
    SHOTS.mkdir(exist_ok=True)
    tab.grab().save(str(SHOTS / "users_settings.png"))
    users.bind_user(context.db.sessions, None)
