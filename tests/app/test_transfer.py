"""«Chuyển dữ liệu»: a whole database into an empty one and back, verified, resumable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.services import transfer
from app.services.search import search_everything
from app.storage.database import Database
from app.storage.models import Petition, TransferState
from tests.app.pg import PG_URL, migrated_pg_engine, needs_pg
from tests.conftest import TODAY


def _fresh(tmp_path: Path, name: str) -> Database:
    return Database.open(tmp_path / name, create=True)


def _petition_rows(db: Database) -> list[tuple[int, str, int | None]]:
    with db.reading() as session:
        rows = session.execute(
            select(Petition.id, Petition.content, Petition.duplicate_of_id).order_by(Petition.id)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.fixture
def source(demo_db: Database) -> Database:
    # A petition marked duplicate of a *later* one: copied naively, it would point at a row not there yet.
    with demo_db.transaction() as session:
        first, last = session.execute(select(func.min(Petition.id), func.max(Petition.id))).one()
        session.execute(update(Petition).where(Petition.id == first).values(duplicate_of_id=last))
    return demo_db


def test_sqlite_to_sqlite_copies_every_table_and_verifies(source: Database, tmp_path: Path) -> None:
    target = _fresh(tmp_path, "copy.sqlite")
    steps: list[transfer.TransferProgress] = []
    report = transfer.transfer(source.engine, target.engine, progress=steps.append, batch_rows=7)

    assert report.ok and not report.resumed
    names = {check.table for check in report.tables}
    assert {"petition", "dialogue", "minute_entry", "audit_event", "dialogue_co_chair"} <= names
    assert "transfer_state" not in names
    assert all(check.source_hash == check.target_hash for check in report.tables)
    assert report.copied_rows == report.total_rows > 200
    assert _petition_rows(target) == _petition_rows(source)
    assert any(row[2] is not None for row in _petition_rows(target))
    # Progress ends at the whole count, for the copy and for the check.
    copy_steps = [s for s in steps if s.phase == "copy"]
    assert copy_steps[-1].done == copy_steps[-1].total == report.total_rows
    assert [s for s in steps if s.phase == "verify"][-1].done == report.total_rows
    assert "đều khớp" in report.lines()[-1]
    # The copy is a working database: its search index was filled, new ids follow the copied ones.
    with target.reading() as session:
        word = _petition_rows(source)[0][1].split()[0]
        assert search_everything(session, word).groups
    with target.transaction() as session:
        fresh = Petition(content="mới")
        session.add(fresh)
        session.flush()
        assert fresh.id == max(row[0] for row in _petition_rows(source)) + 1
    target.close()


def test_a_target_with_data_is_refused_untouched(source: Database, tmp_path: Path) -> None:
    from app.services.demo import build_demo

    other = _fresh(tmp_path, "other.sqlite")
    with other.transaction() as session:
        build_demo(session, today=TODAY)
    before = _petition_rows(other)
    with pytest.raises(transfer.TransferError) as refused:
        transfer.transfer(source.engine, other.engine)
    assert "đã có dữ liệu" in refused.value.user_message
    assert _petition_rows(other) == before
    other.close()


def test_verification_notices_a_changed_row(source: Database, tmp_path: Path) -> None:
    target = _fresh(tmp_path, "copy.sqlite")
    transfer.transfer(source.engine, target.engine)
    with target.transaction() as session:
        session.execute(update(Petition).where(Petition.id == 3).values(content="sửa sau khi chuyển"))
    checks = {check.table: check for check in transfer.verify(source.engine, target.engine)}
    assert not checks["petition"].ok
    assert checks["petition"].source_rows == checks["petition"].target_rows
    assert checks["dialogue"].ok
    target.close()


def test_content_hash_ignores_row_order_but_not_values() -> None:
    names = ["id", "content", "on"]
    one = transfer.row_digest(names, (1, "Đường", None))
    assert one == transfer.row_digest(names, (1, "Đường", None))
    assert one != transfer.row_digest(names, (1, "Duong", None))
    assert one != transfer.row_digest(names, (1, "Đường", ""))
    assert transfer.row_digest(["a", "b"], (1, 2)) == transfer.row_digest(["b", "a"], (2, 1))


CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from app.services import transfer
    from app.storage.database import Database

    source, target, marker = (Path(arg) for arg in sys.argv[1:4])
    src, dst = Database.open(source), Database.open(target, create=True)

    def progress(step):
        if step.phase == "copy" and step.done >= 120:
            marker.write_text(str(step.done))
            time.sleep(60)  # killed here, between two committed batches or in the middle of the next

    transfer.transfer(src.engine, dst.engine, progress=progress, batch_rows=10)
    """
)


def test_a_killed_transfer_resumes_and_verifies(source: Database, tmp_path: Path) -> None:
    target_path, marker = tmp_path / "copy.sqlite", tmp_path / "reached"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(source.path), str(target_path), str(marker)],
        env=dict(os.environ),
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        for _ in range(600):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), "the child never reached the kill point"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()

    target = Database.open(target_path)
    with target.reading() as session:
        partial = session.scalar(
            select(func.sum(TransferState.copied)).where(TransferState.table_name != "*")
        )
        finished = session.scalar(select(TransferState.done).where(TransferState.table_name == "*"))
    assert partial is not None and 120 <= partial < 250 and not finished

    report = transfer.transfer(source.engine, target.engine, batch_rows=10)
    assert report.ok and report.resumed
    assert report.copied_rows == report.total_rows - partial
    assert _petition_rows(target) == _petition_rows(source)
    # Run again: nothing to copy, checked again, still fine.
    again = transfer.transfer(source.engine, target.engine)
    assert again.ok and again.copied_rows == 0
    target.close()


def test_a_resume_from_another_source_is_refused(source: Database, tmp_path: Path) -> None:
    target = _fresh(tmp_path, "copy.sqlite")
    transfer.transfer(source.engine, target.engine, source_name="xa-a.sqlite")
    with pytest.raises(transfer.TransferError) as refused:
        transfer.transfer(source.engine, target.engine, source_name="xa-b.sqlite")
    assert "xa-a.sqlite" in refused.value.user_message
    target.close()


def test_cli_transfer_prints_progress_and_the_check(source: Database, tmp_path: Path) -> None:
    out = tmp_path / "moi.sqlite"
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "transfer", "--from", str(source.path), "--to", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Đang chép bảng" in result.stdout and "«Ý kiến, kiến nghị» (petition)" in result.stdout
    assert "Đang kiểm tra bảng" in result.stdout
    assert "số dòng và mã kiểm tra nội dung của mọi bảng đều khớp" in result.stdout
    assert out.is_file()
    again = subprocess.run(
        [sys.executable, "-m", "app.cli", "transfer", "--from", str(out), "--to", str(source.path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=dict(os.environ),
        timeout=120,
    )
    assert again.returncode == 2
    assert "đã có dữ liệu" in again.stderr


@needs_pg
def test_sqlite_to_postgresql_and_back(source: Database, tmp_path: Path) -> None:
    from sqlalchemy.orm import Session

    assert PG_URL
    server = migrated_pg_engine()
    try:
        up = transfer.transfer(source.engine, server, batch_rows=50)
        assert up.ok and up.total_rows > 200
        # The id sequences moved past the copied ids: a new petition on the server does not collide.
        with Session(server) as session, session.begin():
            top = session.scalar(select(func.max(Petition.id)))
            fresh = Petition(content="ý kiến mới trên máy chủ")
            session.add(fresh)
            session.flush()
            assert fresh.id == (top or 0) + 1
            session.rollback()
        back = _fresh(tmp_path, "back.sqlite")
        down = transfer.transfer(server, back.engine)
        assert down.ok
        # Same hashes whichever engine computed them: the round trip is the original, row for row.
        assert [c.source_hash for c in up.tables] == [c.target_hash for c in down.tables]
        assert all(check.ok for check in transfer.verify(source.engine, back.engine))
        back.close()
    finally:
        server.dispose()
