"""Power cuts on the real paths, SQLite's crash-test style: SIGKILL children at random moments.

    .venv/bin/python benchmarks/crash.py [--kills 200] [--per-kind 50] [--parallel 3]

Two parts, each with its counts and a verdict:

* the live-minutes window typed into (``--kills``, tests/crashkit.py): worst and mean span of
  typing lost against the 0.3 s rule;
* an export with a number, a backup, a restore and a migration of a first-release file
  (``--per-kind`` each, tests/safetykit.py): integrity, reported steps present, no number twice,
  no incomplete file under a final name, the old or the new schema with every row.

``benchmarks/run.py`` runs both as its ``crash`` section. Exit 1 when a verdict fails.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crashkit import LOSS_LIMIT, KillResult, run_kills, summary


def live_kills(folder: Path, kills: int, parallel: int) -> list[KillResult]:
    return run_kills(folder, kills, seed=11, parallel=parallel) if kills else []


def safety_kills(folder: Path, per_kind: int) -> list:  # type: ignore[type-arg]
    """``per_kind`` kills during each of export-with-number, backup, restore and migration."""
    from sqlalchemy import select

    from app.services import demo
    from app.storage.database import Database
    from app.storage.models import Dialogue
    from tests import safetykit
    from tests.damage import _good

    if not per_kind:
        return []
    verdicts = []
    exports = folder / "exports"
    exports.mkdir(parents=True)
    db_path = exports / "data.sqlite"
    db = Database.open(db_path, create=True)
    with db.transaction() as session:
        demo.build_demo(session)
    with db.reading() as session:
        dialogue_id = session.scalars(select(Dialogue.id)).first()
    db.close()
    assert dialogue_id is not None
    verdicts += safetykit.export_kills(db_path, exports / "out", dialogue_id, per_kind, seed=21)
    copies = folder / "backups"
    copies.mkdir()
    verdicts += safetykit.backup_kills(
        _good(copies / "data.sqlite", petitions=3000), copies / "b", per_kind, 22
    )
    restores = folder / "restores"
    (restores / "w").mkdir(parents=True)
    _good(restores / "w" / "source.sqlite", petitions=2000)
    verdicts += safetykit.restore_kills(
        _good(restores / "data.sqlite", petitions=10), restores / "w", per_kind, 23, sizes=(10, 2000)
    )
    migrations = folder / "migrations"
    migrations.mkdir()
    template = safetykit.old_schema_file(migrations / "first-release.sqlite", petitions=2000)
    span = safetykit.migration_seconds(template, migrations / "w")
    verdicts += safetykit.migration_kills(template, migrations / "w", per_kind, seed=24, span=span)
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=200, help="kills of the live window")
    parser.add_argument(
        "--per-kind", type=int, default=50, help="kills during each of export, backup, restore, migration"
    )
    parser.add_argument("--parallel", type=int, default=3)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory(prefix="doithoai-crash-") as folder:
        start = time.perf_counter()
        results = live_kills(Path(folder) / "live", args.kills, args.parallel)
        if results:
            print(f"power cuts in {time.perf_counter() - start:.0f} s: {summary(results)}", flush=True)
            ok = max(r.lost_seconds for r in results) <= LOSS_LIMIT
        start = time.perf_counter()
        from tests import safetykit

        verdicts = safety_kills(Path(folder) / "safety", args.per_kind)
        if verdicts:
            print(
                f"kills during exports, backups, restores, migrations in {time.perf_counter() - start:.0f} s:"
            )
            print(safetykit.summary(verdicts))
            ok = ok and all(v.ok for v in verdicts)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
