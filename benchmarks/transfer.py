"""«Chuyển dữ liệu» throughput on a generated history, beside the bare copy SQLite itself can do.

    .venv/bin/python benchmarks/transfer.py [--petitions 20000] [--pg URL]

The history comes from benchmarks/generate.py. The transfer (app.services.transfer: batches by
primary key, progress rows, the duplicate fix-up, then a content hash of every table on both
sides) is timed into a fresh migrated SQLite file; the floor is the same copy done by SQLite alone
(``ATTACH`` + ``INSERT INTO … SELECT *`` per table, one transaction, no check) into another fresh
migrated file, the two runs interleaved. ``--pg URL`` (a throwaway database: its schema is wiped)
also times the transfer into PostgreSQL. Figures only; never part of the tests.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DOITHOAI_HOME", tempfile.mkdtemp(prefix="doithoai-bench-transfer-"))

from benchmarks.generate import generate, remove_database  # noqa: E402


def _fresh(path: Path) -> None:
    from app.storage.database import Database

    remove_database(path)
    Database.open(path, create=True).close()


def bare_copy(source: Path, target: Path) -> float:
    from app.services.transfer import transfer_tables

    _fresh(target)
    start = time.perf_counter()
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        conn.execute("BEGIN IMMEDIATE")
        for table in transfer_tables():
            conn.execute(f'INSERT INTO main."{table.name}" SELECT * FROM src."{table.name}"')
        conn.execute("COMMIT")
    finally:
        conn.close()
    return time.perf_counter() - start


def program_copy(source: Path, target: Path) -> tuple[float, int]:
    from app.services.transfer import transfer
    from app.storage.engine import make_engine

    _fresh(target)
    src, dst = make_engine(source), make_engine(target)
    try:
        start = time.perf_counter()
        report = transfer(src, dst)
        elapsed = time.perf_counter() - start
    finally:
        src.dispose()
        dst.dispose()
    assert report.ok
    return elapsed, report.total_rows


def pg_copy(source: Path, url: str) -> tuple[float, int]:
    from sqlalchemy import create_engine, text

    from app.services.transfer import transfer
    from app.storage.engine import make_engine
    from app.storage.migrate import head_revision
    from app.storage.models import Base

    server = create_engine(url, hide_parameters=True)
    with server.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        Base.metadata.create_all(conn)  # the models' DDL until the PostgreSQL migrations land
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": head_revision()})
    src = make_engine(source)
    try:
        start = time.perf_counter()
        report = transfer(src, server)
        elapsed = time.perf_counter() - start
    finally:
        src.dispose()
        server.dispose()
    assert report.ok
    return elapsed, report.total_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", metavar="URL", help="also into this throwaway PostgreSQL database")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="doithoai-transfer-"))
    source = work / "history.sqlite"
    seconds = generate(source, args.petitions, args.years, seed=1)
    print(f"history: {args.petitions} petitions over {args.years} years, generated in {seconds:.1f} s")
    program, bare, rows = [], [], 0
    for _ in range(args.repeat):
        elapsed, rows = program_copy(source, work / "copy.sqlite")
        program.append(elapsed)
        bare.append(bare_copy(source, work / "bare.sqlite"))
    ours, floor = statistics.median(program), statistics.median(bare)
    print(f"rows copied and verified: {rows}")
    print(
        f"transfer SQLite→SQLite (copy + verify): {ours:.2f} s median of {args.repeat}, {rows / ours:,.0f} rows/s"
    )
    print(f"floor: SQLite's own INSERT … SELECT, no check: {floor:.2f} s ({rows / floor:,.0f} rows/s)")
    print(f"ratio: {ours / floor:.1f}× the floor")
    if args.pg:
        elapsed, rows = pg_copy(source, args.pg)
        print(
            f"transfer SQLite→PostgreSQL (copy + verify, one run): {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
