"""Power cut in the middle of typing, on the real path.

A child process runs the real live-minutes window offscreen (its Autosaver, the operations layer
and the database thread), types into it with Qt key events at 5 characters a second and is
killed with SIGKILL at random moments (tests/livechild.py, tests/crashkit.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.crashkit import LOSS_LIMIT, run_kills, summary

KILLS = 30


def test_real_window_survives_sigkill(tmp_path: Path) -> None:
    results = run_kills(tmp_path, KILLS, parallel=3)
    print(summary(results))

    assert len(results) == KILLS
    assert all(r.integrity == "ok" for r in results), [r.integrity for r in results]
    assert [m for r in results for m in r.missing_commits] == [], "a commit the window reported is gone"
    assert sum(r.missing_entries for r in results) == 0, "an opinion lost its line in the minutes"
    assert sum(r.keys for r in results) > KILLS and sum(r.reported_commits for r in results) > KILLS
    # Most kills fall mid-opinion: the next start must bring that opinion back, cursor at its end.
    assert sum(r.restored for r in results) >= KILLS // 3, summary(results)
    assert sum(r.restored_wrong for r in results) == 0, summary(results)
    worst = max(r.lost_seconds for r in results)
    assert worst <= LOSS_LIMIT, f"lost {worst:.3f} s of typing: {summary(results)}"
    for db_path in tmp_path.glob("crash-*.sqlite"):
        with sqlite3.connect(db_path) as conn:
            opinions = conn.execute("SELECT count(*) FROM petition WHERE length(content) > 0").fetchone()[0]
            assert opinions > 0
