"""The PostgreSQL figures: search p95, list open, a year's report, ten concurrent autosave writers.

    .venv/bin/python benchmarks/pg.py [--url postgresql+psycopg://user:pw@host:port/postgres]
                                      [--petitions 20000] [--repeat 7] [--fresh]

The server comes from ``--url`` or ``DOITHOAI_BENCH_PG_URL`` / ``DOITHOAI_TEST_PG_URL`` (a server
where a database ``doithoai_bench`` may be created; ``tests/pg_server.sh start DIR`` starts a
throwaway one). Without one, a single line says the PostgreSQL figures were skipped. The
generated history (benchmarks/history.py, the same one SQLite's figures use) is written once and
kept while its petition count and the generator version match (``--fresh`` rebuilds it).

Each figure stands beside a floor measured in the same run, interleaved: a bare full-text
``SELECT … LIMIT`` for search, a bare ``SELECT … ORDER BY id DESC LIMIT 200`` for the list, a bare
``count(*) … GROUP BY status`` over the year for the report, and ten threads each committing a
bare one-row UPDATE for the writers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DOITHOAI_HOME", tempfile.mkdtemp(prefix="doithoai-bench-pg-"))

from benchmarks.run import Figure, percentile, print_table  # noqa: E402

BENCH_DB = "doithoai_bench"
QUERIES = ("đường", "dang van", "ngập úng", "hỗ trợ giống", "điện thôn", "đất đai bồi thường", "nuoc sach")
WRITERS = 10


def server_url(given: str | None) -> str | None:
    return given or os.environ.get("DOITHOAI_BENCH_PG_URL") or os.environ.get("DOITHOAI_TEST_PG_URL") or None


def _admin(url: str) -> Any:
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.pool import NullPool

    return create_engine(
        make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


def ensure_history(url: str, petitions: int, fresh: bool) -> tuple[str, str]:
    """The URL of the bench database, (re)generated when needed, and how it was had."""
    from sqlalchemy import make_url, text

    from app.storage.database import Database
    from benchmarks import history

    stamp = f"{petitions} petitions, generator {history.GENERATOR_VERSION}"
    target = make_url(url).set(drivername="postgresql+psycopg", database=BENCH_DB)
    target_url = target.render_as_string(hide_password=False)
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BENCH_DB})
            current = None
            if exists:
                current = conn.scalar(text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"), {"n": BENCH_DB})  # fmt: skip
            if exists and current == stamp and not fresh:
                return target_url, f"reused ({stamp})"
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
        started = time.perf_counter()
        db = Database.open_url(target_url)
        try:
            plan = history.make_plan(petitions, 20, seed=1)
            history.write_in_bulk(db, plan)
        finally:
            db.close()
        bench = _admin(target_url)
        try:
            with bench.connect() as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")  # fresh statistics, as autovacuum would leave them
        finally:
            bench.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f"COMMENT ON DATABASE \"{BENCH_DB}\" IS '{stamp}'")
        return target_url, f"generated in {time.perf_counter() - started:.0f} s ({stamp})"
    finally:
        admin.dispose()


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def interleaved(
    value: Callable[[], object], floor: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    values, floors = [], []
    for _ in range(repeat):
        values.append(timed(value))
        floors.append(timed(floor))
    return values, floors


def search_figures(db: Any, repeat: int) -> list[Figure]:
    from sqlalchemy import text

    from app.services.search import match_expression, search_everything
    from app.services.search_pg import tsquery

    values: list[float] = []
    floors: list[float] = []
    with db.reading() as session:
        search_everything(session, "khởi động")  # warm the caches as a running program has
        for _ in range(repeat):
            for query in QUERIES:
                q = tsquery(match_expression(query) or "")
                v, f = interleaved(
                    lambda query=query: search_everything(session, query, limit=8),
                    lambda q=q: session.execute(
                        text("SELECT id FROM petition WHERE to_tsvector('simple'::regconfig, search_key)"
                             " @@ to_tsquery('simple'::regconfig, :q) LIMIT 8"),
                        {"q": q},
                    ).all(),
                    1,
                )  # fmt: skip
                values += v
                floors += f
    return [
        Figure(
            f"search everywhere p95 ({len(QUERIES)} queries × {repeat})",
            percentile(values, 0.95),
            percentile(floors, 0.95),
            "≤ 300 ms",
            limit=0.300,
        )
    ]


def list_figures(db: Any, repeat: int) -> list[Figure]:
    from sqlalchemy import text

    from app.services.petitions import list_petitions

    with db.reading() as session:
        v, f = interleaved(
            lambda: list_petitions(session, limit=200),
            lambda: session.execute(
                text("SELECT id, content, petitioner_name FROM petition WHERE deleted_at IS NULL ORDER BY id DESC LIMIT 200")
            ).all(),
            repeat,
        )  # fmt: skip
    return [
        Figure(
            "petition list open (first 200)",
            statistics.median(v),
            statistics.median(f),
            "≤ 150 ms",
            limit=0.150,
        )
    ]


def report_figures(db: Any, repeat: int) -> list[Figure]:
    from sqlalchemy import func, select, text

    from app.services.reports import period_from_code, period_report
    from app.storage.models import Petition

    with db.reading() as session:
        year = (
            int(
                session.scalar(select(func.max(func.extract("year", Petition.received_on))))
                or date.today().year
            )
            - 1
        )
        period = period_from_code(session, f"{year}")
        v, f = interleaved(
            lambda: period_report(session, period),
            lambda: session.execute(
                text("SELECT status, count(*) FROM petition WHERE received_on BETWEEN :a AND :b GROUP BY status"),
                {"a": date(year, 1, 1), "b": date(year, 12, 31)},
            ).all(),
            repeat,
        )  # fmt: skip
    return [
        Figure(f"report of the year {year}", statistics.median(v), statistics.median(f), "≤ 2 s", limit=2.0)
    ]


def writers_figures(db: Any, samples: int) -> list[Figure]:
    """Ten PCs autosaving their own opinion at once: p99 of each unit of work's commit."""
    from datetime import datetime

    from sqlalchemy import text

    from app.services import dialogues, minutes, settings

    with db.transaction() as session:
        org = settings.current_organization(session)
        assert org is not None
        dialogue_id = dialogues.create_dialogue(
            session,
            dialogues.DialogueInput(organization_id=org.id, title="Hội nghị đo ghi đồng thời", scheduled_at=datetime.now()),
        )  # fmt: skip
        minutes.start_dialogue(session, dialogue_id)
        opinions = [
            minutes.record_opinion(
                session, dialogue_id, minutes.OpinionInput(petitioner_name=f"Người nêu {n}")
            )[0]
            for n in range(WRITERS)
        ]
        session.execute(text("CREATE TABLE IF NOT EXISTS bench_floor (id int PRIMARY KEY, body text)"))
        session.execute(text("DELETE FROM bench_floor"))
        session.execute(
            text("INSERT INTO bench_floor SELECT g, '' FROM generate_series(1, :n) g"), {"n": WRITERS}
        )

    def run(work: Callable[[int, int], None]) -> list[float]:
        latencies: list[float] = []
        lock = threading.Lock()
        start = threading.Barrier(WRITERS)

        def writer(n: int) -> None:
            mine = []
            start.wait()
            for k in range(samples):
                mine.append(timed(lambda k=k: work(n, k)))
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return latencies

    words = "Đường thôn bị ngập khi mưa lớn, đề nghị xã sớm nạo vét rãnh thoát nước".split()

    def autosave(n: int, k: int) -> None:
        content = " ".join(words[: 3 + k % (len(words) - 3)])
        db.write(
            lambda session: minutes.update_opinion(
                session, opinions[n], minutes.OpinionInput(petitioner_name=f"Người nêu {n}", content=content)
            )
        )

    def bare(n: int, k: int) -> None:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE bench_floor SET body = :b WHERE id = :i"), {"b": str(k), "i": n + 1})

    values, floors = [], []
    for _ in range(2):  # interleaved rounds, so both see the same machine
        values += run(autosave)
        floors += run(bare)
    with db.transaction() as session:
        minutes.end_dialogue(session, dialogue_id, [])
        session.execute(text("DROP TABLE bench_floor"))
    return [
        Figure(
            f"{WRITERS} concurrent autosave writers, commit p99 ({2 * WRITERS * samples} commits)",
            percentile(values, 0.99),
            percentile(floors, 0.99),
            "≤ 50 ms",
            limit=0.050,
        )
    ]


def pg_figures(url: str | None, petitions: int, repeat: int, samples: int, fresh: bool) -> list[Figure]:
    """The PostgreSQL rows of the table; none (and one line saying why) without a server."""
    url = server_url(url)
    if not url:
        print("PostgreSQL figures skipped: no server (set DOITHOAI_BENCH_PG_URL or DOITHOAI_TEST_PG_URL)")
        return []
    from app.storage.database import Database

    target, how = ensure_history(url, petitions, fresh)
    print(f"PostgreSQL history: {how}", flush=True)
    db = Database.open_url(target)
    try:
        figures = search_figures(db, repeat)
        figures += list_figures(db, repeat)
        figures += report_figures(db, repeat)
        figures += writers_figures(db, samples)
    finally:
        db.close()
    for figure in figures:
        figure.name = "PG " + figure.name
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None)
    parser.add_argument("--petitions", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--samples", type=int, default=30, help="autosaves per writer and round")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    figures = pg_figures(args.url, args.petitions, args.repeat, args.samples, args.fresh)
    if figures:
        print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
