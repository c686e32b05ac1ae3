"""Kill a typing secretary at random moments and measure what the database kept.

Shared by tests/app/test_crash.py (30 kills) and benchmarks/live_minutes.py (200 kills).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class KillResult:
    integrity: str
    reported_commits: int
    missing_commits: list[str]  # commits the child reported that the file does not hold
    lost_seconds: float  # span of typing not in the file


def _lost_seconds(keylog: Path, stored: dict[int, int]) -> float:
    lost: list[float] = []
    if not keylog.exists():
        return 0.0
    for line in keylog.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 4 or parts[0] != "K":
            continue  # a line cut by the kill
        petition_id, length, at = int(parts[1]), int(parts[2]), float(parts[3])
        if length > stored.get(petition_id, 0):
            lost.append(at)
    if not lost:
        return 0.0
    from tests.typist import KEY_INTERVAL

    return max(lost) - min(lost) + KEY_INTERVAL


def kill_once(db_path: Path, workdir: Path, seed: int, rng: random.Random) -> KillResult:
    keylog = workdir / f"keys-{seed}.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.typist", str(db_path), str(keylog), str(seed)],
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
        raise RuntimeError(f"typist did not start: {first!r} {child.stderr.read() if child.stderr else ''}")
    time.sleep(rng.uniform(0.2, 1.6))
    child.send_signal(signal.SIGKILL)
    out, _err = child.communicate(timeout=30)
    commits = [line.split() for line in out.splitlines() if line.startswith("C ") and len(line.split()) == 4]

    connection = sqlite3.connect(db_path)  # reading recovers the WAL exactly as the program would
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        stored = {row[0]: len(row[1]) for row in connection.execute("SELECT id, content FROM petition")}
    finally:
        connection.close()
    missing = [" ".join(c) for c in commits if stored.get(int(c[1]), -1) < int(c[2])]
    return KillResult(integrity, len(commits), missing, _lost_seconds(keylog, stored))


def run_kills(db_path: Path, workdir: Path, count: int, seed: int = 1) -> list[KillResult]:
    rng = random.Random(seed)
    return [kill_once(db_path, workdir, seed * 1000 + n, rng) for n in range(count)]
