"""Choosing a server: the address as typed, the errors a user reads, the password kept out of files."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.storage import passwords
from app.storage.connection_config import LOCAL, ConnectionChoice, load_choice, save_choice
from app.storage.urls import Problem, ServerConnectionError, Target, TargetError, check_server, parse_target
from tests.app.memory_keyring import MemoryKeyring, memory_keyring  # noqa: F401
from tests.app.pg import PG_URL, migrated_pg_engine, needs_pg, wiped_pg_engine


def test_targets_as_typed(tmp_path: Path) -> None:
    assert parse_target(str(tmp_path / "xa.sqlite")) == Target(path=tmp_path / "xa.sqlite")
    assert parse_target(f"sqlite:///{tmp_path}/xa.sqlite").path == tmp_path / "xa.sqlite"
    server = parse_target("postgresql+psycopg://thuky@192.168.1.10:5433/doithoai")
    assert server == Target(host="192.168.1.10", port=5433, database="doithoai", user="thuky")
    assert server.is_server and server.display() == "thuky@192.168.1.10:5433/doithoai"
    assert parse_target("postgresql://thuky@maychu/doithoai").port == 5432
    assert server.url("bí-mật").password == "bí-mật"


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("postgresql+psycopg://thuky:matkhau@maychu/doithoai", "Không ghi mật khẩu trong địa chỉ"),
        ("mysql://thuky@maychu/doithoai", "không dùng «mysql»"),
        ("postgresql+psycopg://thuky@maychu", "phải có tên cơ sở dữ liệu"),
        ("   ", "Chưa nhập"),
    ],
)
def test_unusable_addresses_are_explained(typed: str, words: str) -> None:
    with pytest.raises(TargetError) as refused:
        parse_target(typed)
    assert words in refused.value.user_message


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_server_that_is_down_says_so_in_vietnamese() -> None:
    target = Target(host="127.0.0.1", port=_free_port(), database="doithoai", user="thuky")
    with pytest.raises(ServerConnectionError) as refused:
        check_server(target, "x")
    assert refused.value.problem is Problem.UNREACHABLE
    assert "Không kết nối được máy chủ cơ sở dữ liệu «127.0.0.1:" in refused.value.user_message
    assert "Thử lại" in refused.value.user_message


def _pg_target() -> tuple[Target, str | None]:
    url = make_url(PG_URL)
    target = Target(
        host=url.host or "", port=url.port or 5432, database=url.database or "", user=url.username or ""
    )
    return target, url.password


@needs_pg
def test_server_errors_name_the_problem() -> None:
    target, password = _pg_target()
    wiped_pg_engine().dispose()
    with pytest.raises(ServerConnectionError) as empty:
        check_server(target, password)
    assert empty.value.problem is Problem.EMPTY and "còn trống" in empty.value.user_message
    assert check_server(target, password, require_data=False).empty

    missing = Target(host=target.host, port=target.port, database="khong_co_csdl_nay", user=target.user)
    with pytest.raises(ServerConnectionError) as no_db:
        check_server(missing, password)
    assert no_db.value.problem is Problem.NO_DATABASE
    assert "không có cơ sở dữ liệu «khong_co_csdl_nay»" in no_db.value.user_message

    try:
        check_server(target, "mật khẩu sai", require_data=False)
    except ServerConnectionError as wrong:
        assert wrong.problem is Problem.BAD_PASSWORD
        assert "Sai mật khẩu" in wrong.user_message
    # (a server that trusts 127.0.0.1 accepts any password: nothing to check then)

    engine = migrated_pg_engine()
    try:
        report = check_server(target, password)
        assert report.revision == report.head and "đúng phiên bản" in "\n".join(report.lines())
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        with pytest.raises(ServerConnectionError) as older:
            check_server(target, password)
        assert older.value.problem is Problem.SCHEMA_OLDER and "cũ hơn" in older.value.user_message
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(ServerConnectionError) as newer:
            check_server(target, password)
        assert newer.value.problem is Problem.SCHEMA_NEWER
        assert "phiên bản mới hơn" in newer.value.user_message
    finally:
        engine.dispose()


def test_without_a_keyring_the_password_is_asked_each_time() -> None:
    # conftest puts keyring's "fail" backend in force: nothing is stored, nothing crashes.
    target = parse_target("postgresql+psycopg://thuky@maychu/doithoai")
    assert not passwords.keyring_available()
    assert passwords.get_password(target) is None
    assert passwords.store_password(target, "bí mật") is False
    passwords.forget_password(target)


def test_the_keyring_keeps_the_password_per_server(memory_keyring: MemoryKeyring) -> None:  # noqa: F811
    one = parse_target("postgresql+psycopg://thuky@maychu/doithoai")
    other = parse_target("postgresql+psycopg://thuky@maychu/tinh")
    assert passwords.store_password(one, "bí mật")
    assert passwords.get_password(one) == "bí mật"
    assert passwords.get_password(other) is None
    passwords.forget_password(one)
    assert passwords.get_password(one) is None
    passwords.forget_password(one)  # forgetting twice is fine


def test_the_choice_is_remembered_on_this_pc_without_a_password(data_home: Path) -> None:
    assert load_choice() == LOCAL
    choice = ConnectionChoice(True, "192.168.1.10", 5432, "doithoai", "thuky")
    save_choice(choice)
    assert load_choice() == choice
    stored = (data_home / "connection.json").read_text(encoding="utf-8")
    assert "192.168.1.10" in stored and "password" not in stored
    (data_home / "connection.json").write_text("{not json", encoding="utf-8")
    assert load_choice() == LOCAL  # a damaged file never locks the user out
    save_choice(LOCAL)
    assert load_choice() == LOCAL


def test_cli_check_names_a_server_that_is_down() -> None:
    import os
    import subprocess
    import sys

    url = f"postgresql+psycopg://thuky@127.0.0.1:{_free_port()}/doithoai"
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", "--db-url", url],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "Không kết nối được máy chủ cơ sở dữ liệu «127.0.0.1:" in result.stderr
    refused = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", "--db-url", "postgresql://thuky:matkhau@maychu/doithoai"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
    )
    assert refused.returncode == 2 and "Không ghi mật khẩu trong địa chỉ" in refused.stderr
