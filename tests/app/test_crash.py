"""Power cut in the middle of typing: SIGKILL at random moments, nothing committed is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.storage.database import Database
from tests.crashkit import run_kills

KILLS = 30


@pytest.mark.slow
def test_typing_survives_sigkill(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.sqlite"
    Database.open(db_path, create=True).close()  # created and migrated once, as the program would
    results = run_kills(db_path, tmp_path, KILLS)

    assert len(results) == KILLS
    assert all(r.integrity == "ok" for r in results), [r.integrity for r in results]
    assert [m for r in results for m in r.missing_commits] == []
    assert sum(r.reported_commits for r in results) > KILLS, "the child really typed and committed"
    worst = max(r.lost_seconds for r in results)
    assert worst <= 1.0, f"lost {worst:.2f} s of typing"
    with sqlite3.connect(db_path) as conn:
        typed = conn.execute("SELECT count(*), sum(length(content)) FROM petition").fetchone()
        entries = conn.execute("SELECT count(*) FROM minute_entry WHERE kind = 'speech'").fetchone()[0]
    assert typed[0] >= KILLS and typed[1] > 0
    assert entries == typed[0], "every opinion kept its line in the minutes"
