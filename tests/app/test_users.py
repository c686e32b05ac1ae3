"""Users and roles: sign-in, what each role may do, and the Nhật ký naming the signed-in person."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.domain.rules import DialogueState
from app.errors import ValidationError
from app.services import audit, locking, reports, users
from app.services.users import PermissionRefused, Role, SignInError
from app.storage.database import Database
from app.storage.models import AppUser, AuditEvent, Dialogue, Petition

ADMIN_PASSWORD = "quan-tri-2026"


def _closed_dialogue(db: Database) -> int:
    with db.transaction() as session:
        dialogue = session.scalars(select(Dialogue).order_by(Dialogue.id)).first()
        assert dialogue is not None
        dialogue.state = DialogueState.CLOSED
        return dialogue.id


def _people(db: Database) -> dict[str, users.SignedIn]:
    """An administrator and one user of each role; returns them signed in."""
    with db.transaction() as session:
        users.add_user(session, "admin", ADMIN_PASSWORD, full_name="Quản trị viên", role=Role.ADMIN)
    signed: dict[str, users.SignedIn] = {}
    with db.transaction() as session:
        signed["admin"] = users.sign_in(session, "admin", ADMIN_PASSWORD)
    users.bind_user(db.sessions, signed["admin"])
    with db.transaction() as session:
        users.add_user(session, "thuky", "thu-ky-2026", full_name="Lê Thị Thu", role=Role.SECRETARY)
        users.add_user(session, "chutich", "chu-tich-2026", full_name="Trần Văn Minh", role="leader")
        users.add_user(session, "xem", "chi-xem-2026", full_name="Phạm Xem", role=Role.VIEWER)
    for login, password in (("thuky", "thu-ky-2026"), ("chutich", "chu-tich-2026"), ("xem", "chi-xem-2026")):
        with db.transaction() as session:
            signed[login] = users.sign_in(session, login, password)
    users.bind_user(db.sessions, None)
    return signed


def _rename_petition(db: Database, text: str) -> None:
    with db.transaction() as session:
        petition = session.scalars(select(Petition).order_by(Petition.id)).first()
        assert petition is not None
        petition.summary = text


def test_a_file_without_users_needs_no_sign_in(demo_db: Database) -> None:
    dialogue_id = _closed_dialogue(demo_db)
    with demo_db.transaction() as session:
        assert not users.has_users(session)
        locking.lock_dialogue(session, dialogue_id)
        locking.unlock_dialogue(session, dialogue_id, "sửa lỗi chính tả")
    _rename_petition(demo_db, "tóm tắt mới")
    with demo_db.reading() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and last.user == audit.current_user()


def test_passwords_are_stored_hashed_and_checked(demo_db: Database) -> None:
    _people(demo_db)
    with demo_db.reading() as session:
        stored = session.scalar(select(AppUser.password_hash).where(AppUser.login == "thuky"))
    assert stored is not None and "thu-ky-2026" not in stored and stored.startswith("scrypt$")
    assert users.verify_password("thu-ky-2026", stored) and not users.verify_password("thu-ky-2025", stored)
    for login, password in (("thuky", "sai-mat-khau"), ("khongco", "thu-ky-2026")):
        with pytest.raises(SignInError) as refused, demo_db.transaction() as session:
            users.sign_in(session, login, password)
        assert "Sai tên đăng nhập hoặc mật khẩu" in refused.value.user_message
    with demo_db.transaction() as session:
        assert users.sign_in(session, " ThuKy ", "thu-ky-2026").role is Role.SECRETARY  # login as typed


def test_the_first_user_is_an_administrator_and_then_only_admins_add_people(demo_db: Database) -> None:
    with pytest.raises(ValidationError) as first, demo_db.transaction() as session:
        users.add_user(session, "thuky", "thu-ky-2026", role=Role.SECRETARY)
    assert "phải là Quản trị" in first.value.user_message
    signed = _people(demo_db)
    with pytest.raises(PermissionRefused) as nobody, demo_db.transaction() as session:
        users.add_user(session, "moi", "mat-khau-moi", role=Role.VIEWER)
    assert "hãy đăng nhập" in nobody.value.user_message
    users.bind_user(demo_db.sessions, signed["thuky"])
    with pytest.raises(PermissionRefused) as secretary, demo_db.transaction() as session:
        users.add_user(session, "moi", "mat-khau-moi", role=Role.VIEWER)
    assert "không có quyền quản lý người dùng" in secretary.value.user_message
    users.bind_user(demo_db.sessions, signed["admin"])
    with pytest.raises(ValidationError) as short, demo_db.transaction() as session:
        users.add_user(session, "moi", "ngan", role=Role.VIEWER)
    assert "ít nhất 8 ký tự" in short.value.user_message
    with pytest.raises(ValidationError) as last_admin, demo_db.transaction() as session:
        users.set_role(session, "admin", Role.VIEWER)
    assert "ít nhất một tài khoản Quản trị" in last_admin.value.user_message
    with demo_db.reading() as session:
        listed = {row.login: row.role_label for row in users.list_users(session)}
    assert listed == {"admin": "Quản trị", "thuky": "Thư ký", "chutich": "Lãnh đạo", "xem": "Xem"}


def test_each_role_may_do_what_it_says(demo_db: Database, tmp_path: Path) -> None:
    dialogue_id = _closed_dialogue(demo_db)
    signed = _people(demo_db)

    users.bind_user(demo_db.sessions, signed["xem"])
    with pytest.raises(PermissionRefused) as viewer:
        _rename_petition(demo_db, "Xem sửa")
    assert "«xem» (Xem) không có quyền sửa dữ liệu" in viewer.value.user_message
    assert "chỉ xem" in viewer.value.user_message
    with pytest.raises(PermissionRefused), demo_db.transaction() as session:  # a bulk statement too
        session.execute(update(Petition).values(summary="Xem sửa hàng loạt"))
    with pytest.raises(PermissionRefused), demo_db.reading() as session:
        period = reports.period_from_code(session, "2026")
        reports.export_report_xlsx(session, period, tmp_path / "bc.xlsx")
    assert not (tmp_path / "bc.xlsx").exists()
    with demo_db.reading() as session:  # reading is always allowed
        assert session.scalar(select(Petition.summary).order_by(Petition.id)) != "Xem sửa"

    users.bind_user(demo_db.sessions, signed["thuky"])
    _rename_petition(demo_db, "Thư ký sửa")
    with demo_db.transaction() as session:
        locking.lock_dialogue(session, dialogue_id)
    with pytest.raises(PermissionRefused) as secretary, demo_db.transaction() as session:
        locking.unlock_dialogue(session, dialogue_id, "cần sửa")
    assert "không có quyền mở khóa biên bản" in secretary.value.user_message

    users.bind_user(demo_db.sessions, signed["chutich"])
    with demo_db.transaction() as session:
        locking.unlock_dialogue(session, dialogue_id, "cần sửa")  # granted: writes the dialogue row
    with pytest.raises(PermissionRefused):
        _rename_petition(demo_db, "Lãnh đạo sửa")
    with demo_db.reading() as session:
        period = reports.period_from_code(session, "2026")
        assert reports.export_report_xlsx(session, period, tmp_path / "bc.xlsx").is_file()
    users.bind_user(demo_db.sessions, None)


def test_the_audit_log_names_the_signed_in_user(demo_db: Database) -> None:
    dialogue_id = _closed_dialogue(demo_db)
    signed = _people(demo_db)
    users.bind_user(demo_db.sessions, signed["thuky"])
    with demo_db.transaction() as session:
        locking.lock_dialogue(session, dialogue_id)
    users.bind_user(demo_db.sessions, None)
    with demo_db.reading() as session:
        line = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "lock").order_by(AuditEvent.id.desc())
        ).first()
        locked_by = session.scalar(select(Dialogue.locked_by).where(Dialogue.id == dialogue_id))
        sign_ins = session.scalars(select(AuditEvent.user).where(AuditEvent.action == "sign_in")).all()
    assert line is not None and (line.user, line.actor) == ("thuky", "Lê Thị Thu")
    assert locked_by == "Lê Thị Thu"
    assert set(sign_ins) == {"admin", "thuky", "chutich", "xem"}


def test_cli_adds_people_and_asks_an_administrator(demo_db: Database) -> None:
    import os
    import subprocess
    import sys

    def doithoai(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app.cli", "users", *args, "--db", str(demo_db.path)],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=dict(os.environ),
            timeout=120,
        )

    first = doithoai("add", "admin", "--name", "Quản trị viên", stdin="quan-tri-2026\n")
    assert first.returncode == 0, first.stderr
    assert "Đã thêm «admin» (Quản trị)" in first.stdout
    unsigned = doithoai("add", "thuky", stdin="thu-ky-2026\n")
    assert unsigned.returncode == 2 and "--as" in unsigned.stderr
    wrong = doithoai("add", "thuky", "--as", "admin", stdin="sai-mat-khau\nthu-ky-2026\n")
    assert wrong.returncode == 2 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.stderr
    added = doithoai(
        "add", "thuky", "--role", "thu-ky", "--commune", "1", "--as", "admin",
        stdin="quan-tri-2026\nthu-ky-2026\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = doithoai("list", stdin="")
    assert "thuky            Thư ký" in listed.stdout and "Quản trị viên" in listed.stdout
