"""A child process that writes N small units of work to a database (tests/app/test_concurrency.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.storage.database import Database
from app.storage.models import Setting


def main() -> int:
    db_path, name, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    db = Database.open(db_path)
    failures = 0
    for n in range(count):
        try:
            db.write(lambda session, n=n: session.add(Setting(key=f"{name}-{n}", value=n)))
        except Exception as exc:  # counted, not hidden: the test asserts there are none
            failures += 1
            print(f"F {type(exc).__name__}: {exc}", flush=True)
    db.close()
    print(f"done {failures}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
