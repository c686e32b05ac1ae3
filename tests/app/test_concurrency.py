"""Several programs writing at once wait for each other instead of failing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.storage.database import Database
from tests.crashkit import ROOT


def test_a_write_unit_of_work_holds_the_write_lock_from_its_begin(db: Database) -> None:
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        with db.transaction() as session:
            session.connection()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        with db.reading() as session:
            session.connection()
            other.execute("BEGIN IMMEDIATE")  # a read does not take the write lock
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_three_writers_at_once_lose_no_write(tmp_path: Path) -> None:
    target = tmp_path / "shared.sqlite"
    Database.open(target, create=True).close()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.writer", str(target), f"w{n}", "150"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        for n in range(3)
    ]
    outputs = [child.communicate(timeout=300)[0] for child in children]
    elapsed = time.monotonic() - started
    assert all(out.strip().endswith("done 0") for out in outputs), outputs
    with sqlite3.connect(target) as conn:
        written = conn.execute("SELECT count(*) FROM setting WHERE key LIKE 'w%'").fetchone()[0]
    conn.close()
    assert written == 450, f"{written} of 450 writes in {elapsed:.1f} s"


MOUNTS = """/dev/sda1 / ext4 rw 0 0
//server/xa /mnt/xa cifs rw 0 0
server:/data /srv/nfs nfs4 rw 0 0
/dev/sdb1 /mnt/xa/local ext4 rw 0 0
"""


def test_network_shares_are_recognised() -> None:
    from app.storage.engine import network_share

    assert network_share(Path("/mnt/xa/doithoai.sqlite"), MOUNTS) == "cifs"
    assert network_share(Path("/srv/nfs/a/b.sqlite"), MOUNTS) == "nfs4"
    assert network_share(Path("/mnt/xa/local/b.sqlite"), MOUNTS) == ""
    assert network_share(Path("/home/u/b.sqlite"), MOUNTS) == ""
    assert network_share(Path("//server/xa/b.sqlite")) == "UNC"


def test_a_database_on_a_network_share_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.errors import StorageError
    from app.storage import engine

    monkeypatch.setattr(engine, "network_share", lambda _path, mounts=None: "cifs")
    with pytest.raises(StorageError) as caught:
        Database.open(tmp_path / "x.sqlite", create=True)
    assert "ổ mạng" in caught.value.user_message
    assert not (tmp_path / "x.sqlite").exists()
