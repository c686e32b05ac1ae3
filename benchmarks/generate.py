"""Generate a realistic history of one commune for the benchmarks.

    .venv/bin/python benchmarks/generate.py --petitions 100000 --years 20 --out FILE [--seed N]

One organisation, its catalogues, a yearly plan per year, quarterly dialogues (split by cluster of
thôn), their minutes, and the petitions with answers, assignments, replies and statuses spread
like a real office (benchmarks/history.py). The file is created through Database.open, so the
schema is the program's own, migrations included; rows are written in bulk (one transaction a year).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Backups and logs of this run go to a scratch folder, never the user's data folder.
os.environ.setdefault("DOITHOAI_HOME", tempfile.mkdtemp(prefix="doithoai-generate-"))

from benchmarks import history  # noqa: E402


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class Progress:
    """One line per phase: its name, then wall-clock and CPU seconds since the previous line
    (CPU too, because on a shared machine the wall clock also counts other programs)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __call__(self, phase: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        if not self.quiet:
            print(f"  {phase:<24} {wall - self.wall:6.1f} s  (CPU {cpu - self.cpu:5.1f} s)", flush=True)
        self.wall, self.cpu = wall, cpu


def generate(
    out: Path, petitions: int, years: int, seed: int, today: date | None = None, *, quiet: bool = False
) -> float:
    """Write the history to ``out`` (replacing it); returns the seconds it took."""
    start = time.perf_counter()
    progress = Progress(quiet)
    remove_database(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    plan = history.make_plan(petitions, years, seed=seed, today=today)
    progress("plan drawn")
    db = history.open_database(out)
    progress("schema")
    try:
        history.write_in_bulk(db, plan, progress)
    finally:
        db.close()
    progress("closed")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--out", type=Path, required=True, help="the SQLite file to write (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")
    args = parser.parse_args(argv)
    seconds = generate(args.out, args.petitions, args.years, args.seed, args.today)
    size = args.out.stat().st_size / 2**20
    print(
        f"{args.petitions} petitions over {args.years} years in {seconds:.1f} s: {args.out} ({size:.0f} MiB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
