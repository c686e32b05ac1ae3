"""SIGKILL during an export with a number, a backup and a restore (SQLite's crash-test style).

After each kill: the database passes integrity_check, every step the child reported is there,
no number is on two documents, and no final file name holds an incomplete file.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.services.numbering import settle_exports
from app.storage import backups
from app.storage.database import Database
from tests.crashkit import ROOT
from tests.damage import _good

KILLS_PER_KIND = 10


def _run_and_kill(args: list[str], rng: random.Random, low: float, high: float) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.safety_child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    if first.strip() != "ready":
        child.kill()
        raise AssertionError(f"child did not start: {first!r} {child.stderr.read() if child.stderr else ''}")
    time.sleep(rng.uniform(low, high))
    child.send_signal(signal.SIGKILL)
    out, _err = child.communicate(timeout=30)
    return [line for line in out.splitlines() if line and line[0] in "EBR"]


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        verdict: str = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return verdict


@pytest.mark.slow
def test_kills_during_numbered_exports_never_reuse_a_number(tmp_path: Path) -> None:
    from app.services import demo
    from app.storage.models import IssuedDocument

    db_path = tmp_path / "data.sqlite"
    db = Database.open(db_path, create=True)
    with db.transaction() as session:
        demo.build_demo(session)
    with db.reading() as session:
        from app.storage.models import Dialogue

        dialogue_id = session.scalars(select(Dialogue.id)).first()
    db.close()
    out = tmp_path / "out"
    out.mkdir()
    rng = random.Random(11)
    reported: dict[int, str] = {}
    next_number = 1
    for _kill in range(KILLS_PER_KIND):
        lines = _run_and_kill(
            ["export", str(db_path), str(out), str(next_number), str(dialogue_id)], rng, 0.3, 2.5
        )
        for line in lines:
            _e, number, name = line.split()
            reported[int(number)] = name
        assert _integrity(db_path) == "ok"
        reopened = Database.open(db_path)
        reopened.write(settle_exports)
        with reopened.reading() as session:
            records = session.scalars(select(IssuedDocument).where(IssuedDocument.number.is_not(None))).all()
        reopened.close()
        numbers = [r.number for r in records]
        assert len(numbers) == len(set(numbers)), "a number was recorded twice"
        by_file = {Path(r.file_name).name: r.number for r in records}
        for number, name in reported.items():
            assert by_file.get(name) == number, f"reported export {name} missing"
        finals = [p for p in out.iterdir() if not p.name.startswith(".")]
        for final in finals:
            assert final.name in by_file, f"{final.name} on disk with a number the data does not hold"
            with zipfile.ZipFile(final) as docx:
                assert docx.testzip() is None
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
        next_number = max(numbers, default=0) + 1
    assert len(reported) >= KILLS_PER_KIND, "the child really exported"


@pytest.mark.slow
def test_kills_during_backups_leave_only_verified_copies(tmp_path: Path) -> None:
    db_path = _good(tmp_path / "data.sqlite", petitions=3000)
    folder = tmp_path / "b"
    rng = random.Random(12)
    reported: set[str] = set()
    for _kill in range(KILLS_PER_KIND):
        reported |= {
            line.split()[1]
            for line in _run_and_kill(["backup", str(db_path), str(folder), "0"], rng, 0.1, 1.0)
        }
        assert _integrity(db_path) == "ok"
        finals = [p for p in folder.iterdir() if not p.name.startswith(".")]
        assert reported <= {p.name for p in finals}
        for final in finals:
            assert backups.summary_of(final) is not None, f"{final.name} is not a complete backup"
        backups.clean_partial(folder)
    assert len(reported) >= KILLS_PER_KIND


@pytest.mark.slow
def test_kills_during_restores_leave_a_whole_database(tmp_path: Path) -> None:
    db_path = _good(tmp_path / "data.sqlite", petitions=10)
    work = tmp_path / "w"
    work.mkdir()
    _good(work / "source.sqlite", petitions=2000)
    rng = random.Random(13)
    for _kill in range(KILLS_PER_KIND):
        _run_and_kill(["restore", str(db_path), str(work), "0"], rng, 0.1, 1.2)
        assert _integrity(db_path) == "ok"
        summary = backups.summary_of(db_path)
        assert summary is not None and summary.petitions in (10, 2000)
        for leftover in tmp_path.glob(".data.sqlite.restore*"):
            leftover.unlink()  # an interrupted restore's hidden temp file: never under the final name
