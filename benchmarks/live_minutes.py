"""Live minutes under load: how fast typing reaches the disk, and what a power cut can take.

    .venv/bin/python benchmarks/live_minutes.py [--petitions 100000] [--kills 200]

Prints, on a database holding --petitions petitions:
- the commit time of one autosave (update_opinion in its own transaction, synchronous=FULL);
- keystroke-to-committed latency of a typist at 6 characters a second under the autosave rule
  (the same rule and commit as the live screen), median and p99;
- the time the GUI thread spends per autosave of the real editor (snapshot + hand-off), which
  must stay well under a 16 ms frame so typing never stutters;
- the worst and mean typing loss over --kills SIGKILLs of the real live window typed into at
  5 characters a second (tests.crashkit, also benchmarks/crash.py);
and, as the floor measured in the same run, a bare INSERT+COMMIT of one row on the same file.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DOITHOAI_HOME", tempfile.mkdtemp(prefix="doithoai-bench-"))

from app.domain.rules import AUTOSAVE_IDLE_MS, AUTOSAVE_MAX_MS  # noqa: E402
from app.services import minutes  # noqa: E402
from app.services.petitions import petition_search_key  # noqa: E402
from app.storage.database import Database  # noqa: E402
from app.storage.models import Dialogue, Organization  # noqa: E402

WORDS = (
    "đường làng kênh mương ngập úng đất đai giấy chứng nhận hộ nghèo bảo hiểm y tế rác thải "
    "chiếu sáng trường học trạm y tế an ninh trộm cắp chợ phân bón giống lúa bồi thường quy hoạch"
).split()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def build(db_path: Path, count: int) -> int:
    """A file with ``count`` petitions (through the FTS triggers, as real ones arrive)."""
    db = Database.open(db_path, create=True)
    with db.transaction() as session:
        org = Organization(name="ỦY BAN NHÂN DÂN XÃ THỬ", place_name="Thử", issuer_code="UBND")
        session.add(org)
        session.flush()
        dialogue = Dialogue(organization_id=org.id, title="Hội nghị đo tốc độ")
        session.add(dialogue)
        session.flush()
        minutes.start_dialogue(session, dialogue.id)
        dialogue_id = dialogue.id
    db.close()
    rng = random.Random(7)
    rows = []
    for n in range(count):
        content = " ".join(rng.choice(WORDS) for _ in range(18))
        name = f"Người số {n}"
        rows.append((content, petition_search_key(name, "", content), "at_meeting", "proposal", "new", name))
    with sqlite3.connect(db_path) as conn:
        conn.executemany(
            "INSERT INTO petition (content, search_key, source, kind, status, petitioner_name, position,"
            " raised_at_meeting, petitioner_phone, petitioner_address, petitioner_org, is_group, is_anonymous,"
            " forwarded_to) VALUES (?, ?, ?, ?, ?, ?, 0, 0, '', '', '', 0, 0, '')",
            rows,
        )
    return dialogue_id


def start_opinion(db: Database, dialogue_id: int) -> int:
    """A citizen starts speaking at ``dialogue_id``: the petition the autosave will write to."""
    with db.transaction() as session:
        petition_id, _entry = minutes.record_opinion(
            session, dialogue_id, minutes.OpinionInput(petitioner_name="Đo")
        )
    return petition_id


def autosave_commit(db: Database, petition_id: int, text: str) -> float:
    """Seconds for one autosave of the opinion being typed (update_opinion in its own transaction)."""
    start = time.perf_counter()
    with db.transaction() as session:
        minutes.update_opinion(session, petition_id, minutes.OpinionInput(petitioner_name="Đo", content=text))
    return time.perf_counter() - start


def floor_connection(db_path: Path) -> sqlite3.Connection:
    """The floor's own connection: a scratch table on the same file, synchronous=FULL as ours."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (x TEXT)")
    return conn


def floor_commit(conn: sqlite3.Connection, n: int) -> float:
    """Seconds for a bare INSERT+COMMIT of one row."""
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("INSERT INTO bench_floor VALUES (?)", (str(n),))
    conn.execute("COMMIT")
    return time.perf_counter() - start


def close_floor(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE bench_floor")
    conn.close()


def commit_times(db: Database, dialogue_id: int, samples: int) -> list[float]:
    return interleaved_commit_times(db, db.path, dialogue_id, samples)[0]


def interleaved_commit_times(
    db: Database, db_path: Path, dialogue_id: int, samples: int
) -> tuple[list[float], list[float]]:
    """(autosave commits, floor commits), one of each in turn so both meet the same disk.

    Paced as the live screen commits: the Autosaver writes at most every AUTOSAVE_IDLE_MS to
    AUTOSAVE_MAX_MS while the secretary types, and she pauses now and then (a sentence ends, the
    next speaker stands up). The database's upkeep (index merges, checkpoints) uses those pauses,
    so back-to-back commits, which the program never makes, would measure something else.
    """
    petition_id = start_opinion(db, dialogue_id)
    conn = floor_connection(db_path)
    rng = random.Random(11)
    text, times, floors = "", [], []
    try:
        for n in range(samples):
            text += WORDS[n % len(WORDS)][0]
            times.append(autosave_commit(db, petition_id, text))
            floors.append(floor_commit(conn, n))
            typing = rng.uniform(AUTOSAVE_IDLE_MS, AUTOSAVE_MAX_MS) / 1000
            time.sleep(rng.uniform(0.5, 2.0) if rng.random() < 0.08 else typing)
    finally:
        close_floor(conn)
    return times, floors


def typing_latency(commit_seconds: list[float], keys: int = 2000, rate: float = 6.0) -> list[float]:
    """Simulated typist under the autosave rule; commit durations drawn from the measured ones."""
    rng = random.Random(3)
    t, pending, first_dirty, latencies = 0.0, [], None, []

    def commit(at: float) -> float:
        done = at + rng.choice(commit_seconds)
        latencies.extend(done - k for k in pending)
        pending.clear()
        return done

    idle, longest = AUTOSAVE_IDLE_MS / 1000, AUTOSAVE_MAX_MS / 1000
    for _ in range(keys):
        gap = rng.expovariate(rate) if rng.random() > 0.05 else rng.uniform(0.5, 3.0)  # pauses too
        # Both timers run at once (ui/autosave.py): the idle one restarts on each key, the
        # other counts from the first unsaved key; whichever fires first commits.
        if first_dirty is not None and min(t + idle, first_dirty + longest) <= t + gap:
            commit(min(t + idle, first_dirty + longest))
            first_dirty = None
        t += gap
        pending.append(t)
        first_dirty = first_dirty if first_dirty is not None else t
    commit(t + idle)
    return latencies


def gui_thread_cost(db: Database, dialogue_id: int, samples: int) -> list[float]:
    from ui.context import AppContext
    from ui.main import make_application
    from ui.tasks import TaskManager
    from ui.views.live.editors import OpinionEditor

    app = make_application()
    context = AppContext(db, TaskManager(app))
    editor = OpinionEditor(context, dialogue_id)
    editor.show()
    costs = []
    for n in range(samples):
        editor.content.insertPlainText(WORDS[n % len(WORDS)] + " ")
        start = time.perf_counter()
        editor.saver.flush()
        costs.append(time.perf_counter() - start)
        app.processEvents()
    context.tasks.wait()
    app.processEvents()
    editor.close()
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="doithoai-live-"))
    db_path = work / "bench.sqlite"

    start = time.perf_counter()
    dialogue_id = build(db_path, args.petitions)
    print(
        f"database: {args.petitions} petitions built in {time.perf_counter() - start:.1f} s ({db_path.stat().st_size / 2**20:.0f} MiB)"
    )
    db = Database.open(db_path)
    commits, floor = interleaved_commit_times(db, db_path, dialogue_id, args.samples)
    print(
        f"autosave commit (update_opinion, synchronous=FULL): median {statistics.median(commits) * 1000:.2f} ms, "
        f"p99 {percentile(commits, 0.99) * 1000:.2f} ms"
    )
    print(
        f"floor (bare INSERT+COMMIT, same file):              median {statistics.median(floor) * 1000:.2f} ms, "
        f"p99 {percentile(floor, 0.99) * 1000:.2f} ms"
    )
    latencies = typing_latency(commits)
    print(
        f"keystroke-to-committed at 6 keys/s under the rule ({AUTOSAVE_IDLE_MS} ms idle, {AUTOSAVE_MAX_MS} ms max): "
        f"median {statistics.median(latencies) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    costs = gui_thread_cost(db, dialogue_id, args.samples)
    print(
        f"GUI thread per autosave (snapshot + hand-off): median {statistics.median(costs) * 1000:.3f} ms, "
        f"max {max(costs) * 1000:.3f} ms (a frame is 16 ms)"
    )
    db.close()

    if args.kills:
        from tests.crashkit import run_kills, summary

        start = time.perf_counter()
        results = run_kills(work / "crash", args.kills, seed=11, parallel=3)
        print(f"power cuts in {time.perf_counter() - start:.0f} s: {summary(results)}")


if __name__ == "__main__":
    main()
