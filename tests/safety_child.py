"""A child process killed by tests/app/test_crash_safety.py: exports, backups or restores in a loop,
or one migration.

Prints ``ready`` once open, then one line per finished step (``E <number> <file>``,
``B <file>``, ``R <n>``, ``M done``) flushed before the next step starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.services.documents import export_document
from app.storage import backups
from app.storage.database import Database


def main() -> int:
    mode, db_path, work, start = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
    dialogue_id = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    if mode == "export":
        db = Database.open(db_path)
        print("ready", flush=True)
        for number in range(start, start + 10_000):
            out = work / f"tb-{number}.docx"
            export_document(db, "tb", dialogue_id, out, number=number)
            print(f"E {number} {out.name}", flush=True)
    elif mode == "backup":
        print("ready", flush=True)
        while True:
            made = backups.make_backup(db_path, work, "auto")
            print(f"B {made.name}", flush=True)
    elif mode == "migrate":
        # Open an old-schema file as the program does at start: backup, then upgrade; killed at
        # any moment of it. ``M`` once the database is open at the new schema.
        print("ready", flush=True)
        Database.open(db_path).close()
        print("M done", flush=True)
    elif mode == "restore":
        source = work / "source.sqlite"
        print("ready", flush=True)
        for n in range(10_000):
            backups.restore_backup(db_path, source, work / "safety")
            print(f"R {n}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
