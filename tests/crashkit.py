"""Kill the real live-minutes window while it is typed into and measure what the file kept.

The child (``tests.livechild``) runs the real window offscreen and logs each key before it is
delivered and each commit its autosaver reported. Shared by tests/app/test_crash.py (30 kills)
and benchmarks/crash.py (200 kills).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOSS_LIMIT = 0.3  # seconds of typing a power cut may take (issue 12, app.domain.rules)


@dataclass
class KillResult:
    integrity: str
    keys: int  # keys the child typed before the kill
    reported_commits: int
    missing_commits: list[str]  # commits the child reported that the file does not hold
    missing_entries: int  # opinions in the file without their line in the minutes
    lost_seconds: float  # from the oldest key the file does not hold to the kill
    restored: int = 0  # 1: the interrupted opinion came back in the editor, cursor at its end
    restored_wrong: int = 0  # it came back, but not focused with the cursor at its end


def _read_log(log: Path) -> list[tuple[str, str, int, float]]:
    rows = []
    if not log.exists():
        return rows
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) != 4 or parts[0] not in ("K", "C", "R"):
            continue  # a line cut by the kill
        rows.append((parts[0], parts[1].replace("_", " "), int(parts[2]), float(parts[3])))
    return rows


def prepare(db_path: Path) -> None:
    """A database with a running dialogue, made once as the program would."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            f"from tests.livechild import ensure_dialogue; ensure_dialogue(__import__('pathlib').Path({str(db_path)!r}))",
        ],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=True,
    )


def kill_once(db_path: Path, workdir: Path, seed: int, rng: random.Random) -> KillResult:
    log = workdir / f"live-{seed}.log"
    env = dict(
        os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", DOITHOAI_HOME=str(workdir / "home")
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.livechild", str(db_path), str(log), str(seed)],
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
        raise RuntimeError(
            f"live child did not start: {first!r} {child.stderr.read() if child.stderr else ''}"
        )
    time.sleep(rng.uniform(0.2, 1.6))
    killed_at = time.time()
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)

    rows = _read_log(log)
    names = {name for _tag, name, _n, _t in rows}
    connection = sqlite3.connect(db_path)  # reading recovers the WAL exactly as the program would
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        stored: dict[str, int] = {}
        entries = 0
        for name, content, has_entry in connection.execute(
            "SELECT petitioner_name, content, EXISTS (SELECT 1 FROM minute_entry m WHERE m.petition_id = p.id) "
            "FROM petition p"
        ):
            if name in names:
                stored[name] = max(stored.get(name, 0), len(content))
                entries += 0 if has_entry else 1
    finally:
        connection.close()
    commits = [r for r in rows if r[0] == "C"]
    missing = [f"{name} {n}" for _tag, name, n, _t in commits if stored.get(name, -1) < n]
    lost = [at for tag, name, n, at in rows if tag == "K" and n > stored.get(name, 0)]
    return KillResult(
        integrity,
        sum(1 for r in rows if r[0] == "K"),
        len(commits),
        missing,
        entries,
        killed_at - min(lost) if lost else 0.0,
        sum(1 for r in rows if r[0] == "R" and r[2] >= 0),
        sum(1 for r in rows if r[0] == "R" and r[2] < 0),
    )


def run_kills(workdir: Path, count: int, seed: int = 1, parallel: int = 2) -> list[KillResult]:
    """``count`` kills, ``parallel`` children at a time, each on its own database file."""
    workdir.mkdir(parents=True, exist_ok=True)
    lanes = [workdir / f"crash-{lane}.sqlite" for lane in range(parallel)]
    for db_path in lanes:
        prepare(db_path)

    def lane(index: int) -> list[KillResult]:
        rng = random.Random(seed * 100 + index)
        return [
            kill_once(lanes[index], workdir, seed * 10000 + n * parallel + index, rng)
            for n in range(index, count, parallel)
        ]

    with ThreadPoolExecutor(parallel) as pool:
        return [r for results in pool.map(lane, range(parallel)) for r in results]


def summary(results: list[KillResult]) -> str:
    losses = [r.lost_seconds for r in results]
    worst = max(losses)
    verdict = "OK" if worst <= LOSS_LIMIT else "TOO MUCH"
    return (
        f"{len(results)} SIGKILLs of the real window: integrity failures "
        f"{sum(r.integrity != 'ok' for r in results)}, reported commits missing "
        f"{sum(len(r.missing_commits) for r in results)}, opinions without their line "
        f"{sum(r.missing_entries for r in results)}; interrupted opinion back in the editor "
        f"{sum(r.restored for r in results)} times (cursor misplaced {sum(r.restored_wrong for r in results)}); typing lost worst {worst:.3f} s, "
        f"mean {statistics.mean(losses):.3f} s — {verdict} (limit {LOSS_LIMIT} s)"
    )
