"""The PostgreSQL figures on a generated province: search p95, list open, a year's report across
every commune, ten concurrent autosave writers.

    .venv/bin/python benchmarks/pg.py [--url postgresql+psycopg://user:pw@host:port/postgres]
                                      [--petitions 500000] [--communes 150] [--repeat 7] [--fresh]

The server comes from ``--url`` or ``DOITHOAI_BENCH_PG_URL`` / ``DOITHOAI_TEST_PG_URL`` (a server
where a database ``doithoai_province`` may be created). Without one, when PostgreSQL is installed,
``tests/pg_server.sh start-kept build/bench/pg`` starts the benchmarks' own server: durable like an
office's (fsync on), its data kept between runs, stopped at the end. Without either, one line says
the PostgreSQL figures were skipped. The province (benchmarks/province.py) is written once and
kept while its size, the generators and the schema match (``--fresh`` rebuilds it).

Each figure stands beside a floor measured in the same run, interleaved: a bare full-text
``SELECT … LIMIT 8`` over the petitions' stored, GIN-indexed ``tsvector`` for search (what a
well-indexed server answers; over ``to_tsvector(search_key)`` computed per row it took seconds), a bare ``SELECT … ORDER BY id DESC LIMIT 200`` for the list, a bare
``count(*) … GROUP BY status`` over the year for the report, and for the writers a bare one-row
UPDATE committed by the same ten processes between their autosaves, at the same pace.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("DOITHOAI_HOME", tempfile.mkdtemp(prefix="doithoai-bench-pg-"))

from benchmarks.run import Figure, percentile, print_table  # noqa: E402

BENCH_DB = "doithoai_province"
KEPT_SERVER = ROOT / "build" / "bench" / "pg"  # the benchmarks' own server (tests/pg_server.sh start-kept)
QUERIES = ("đường", "dang van", "ngập úng", "hỗ trợ giống", "điện thôn", "đất đai bồi thường", "nuoc sach")
WRITERS = 10
WRITER_PACE_MS = 250  # app.domain.rules.AUTOSAVE_MAX_MS: the live screen's save rhythm while typing


def server_url(given: str | None) -> str | None:
    return given or os.environ.get("DOITHOAI_BENCH_PG_URL") or os.environ.get("DOITHOAI_TEST_PG_URL") or None


@contextlib.contextmanager
def bench_server(given: str | None) -> Iterator[str | None]:
    """The server to measure on: the one named, else the kept one started for this run, else None."""
    url = server_url(given)
    if url:
        yield url
        return
    script = ROOT / "tests" / "pg_server.sh"
    if shutil.which("bash") is None or not (
        shutil.which("pg_config") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    ):
        yield None
        return
    KEPT_SERVER.mkdir(parents=True, exist_ok=True)
    started = subprocess.run(
        ["bash", str(script), "start-kept", str(KEPT_SERVER)], capture_output=True, text=True
    )
    if started.returncode != 0:
        print(f"PostgreSQL server did not start: {started.stderr.strip()[-300:]}")
        yield None
        return
    try:
        yield started.stdout.strip().split("=", 1)[1]
    finally:
        subprocess.run(["bash", str(script), "stop-kept", str(KEPT_SERVER)], capture_output=True)


def _admin(url: str) -> Any:
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.pool import NullPool

    return create_engine(
        make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


def province_stamp(communes: int, petitions: int) -> str:
    from app.storage.migrate import head_revision
    from benchmarks import history, province

    return (
        f"{petitions} petitions in {communes} communes, generator {history.GENERATOR_VERSION},"
        f" province {province.PROVINCE_VERSION}, schema {head_revision()}"
    )


def ensure_province(url: str, communes: int, petitions: int, fresh: bool) -> tuple[str, str]:
    """The URL of the province database, (re)generated when needed, and how it was had."""
    from sqlalchemy import make_url, text

    from benchmarks import province

    stamp = province_stamp(communes, petitions)
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
        print(f"Generating the province ({petitions} petitions, {communes} communes)…", flush=True)
        province.build_province(
            target_url, communes, petitions, progress=lambda line: print(f"    {line}", flush=True)
        )
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

    from app.services import search_pg
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
                        text(f"SELECT id FROM petition WHERE {search_pg.PETITION_VECTOR}"
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

    from app.services.reports import period_from_code, period_report, province_report
    from app.storage.models import Commune, Petition

    with db.reading() as session:
        year = (
            int(
                session.scalar(select(func.max(func.extract("year", Petition.received_on))))
                or date.today().year
            )
            - 1
        )
        period = period_from_code(session, f"{year}")
        communes = session.scalar(select(func.count()).select_from(Commune)) or 0

        def floor() -> object:
            return session.execute(
                text(
                    "SELECT status, count(*) FROM petition WHERE received_on BETWEEN :a AND :b GROUP BY status"
                ),
                {"a": date(year, 1, 1), "b": date(year, 12, 31)},
            ).all()

        pv, pf = interleaved(lambda: province_report(session, period), floor, max(3, repeat // 2))
        v, f = interleaved(
            lambda: period_report(session, period),
            lambda: session.execute(
                text("SELECT status, count(*) FROM petition WHERE received_on BETWEEN :a AND :b GROUP BY status"),
                {"a": date(year, 1, 1), "b": date(year, 12, 31)},
            ).all(),
            repeat,
        )  # fmt: skip
    return [
        Figure(
            f"report of the year {year}, all {communes} communes",
            statistics.median(v),
            statistics.median(f),
            "≤ 2 s",
            limit=2.0,
        ),
        Figure(
            f"province report {year} (all, then each of {communes} communes)",
            statistics.median(pv),
            statistics.median(pf),
            "≤ 2 s",
            limit=2.0,
        ),
    ]


WORDS = "Đường thôn bị ngập khi mưa lớn, đề nghị xã sớm nạo vét rãnh thoát nước".split()


def _writer(url: str, opinion_id: int, floor_id: int, samples: int, start_at: float, out: Any) -> None:
    """One PC (its own process, program and connection) typing into its opinion.

    A secretary typing steadily: one commit every ``AUTOSAVE_MAX_MS`` (the live screen's autosave
    rule while typing goes on), alternately the real autosave and the bare one-row UPDATE, so the
    floor is measured under the same load, at the same moments.
    """
    from sqlalchemy import text

    from app.domain.rules import AUTOSAVE_MAX_MS
    from app.services import minutes
    from app.storage.database import Database

    pace = AUTOSAVE_MAX_MS / 1000
    db = Database.open_url(url)
    rng = random.Random(opinion_id)
    ours: list[float] = []
    floors: list[float] = []
    try:

        def autosave(k: int) -> None:
            content = " ".join(WORDS[: 3 + k % (len(WORDS) - 3)])
            db.write(
                lambda session: minutes.update_opinion(
                    session,
                    opinion_id,
                    minutes.OpinionInput(petitioner_name=f"Người nêu {floor_id}", content=content),
                )
            )

        def bare(k: int) -> None:
            with db.engine.begin() as conn:
                conn.execute(
                    text("UPDATE bench_floor SET body = :b WHERE id = :i"), {"b": str(k), "i": floor_id}
                )

        autosave(0)  # connect and warm up before the clock starts
        bare(0)
        time.sleep(max(0.0, start_at - time.time()) + rng.uniform(0, pace))  # PCs are not in step
        for k in range(2 * samples):
            began = time.perf_counter()
            if k % 2 == 0:
                autosave(k // 2 + 1)
                ours.append(time.perf_counter() - began)
            else:
                bare(k)
                floors.append(time.perf_counter() - began)
            time.sleep(max(0.0, pace - (time.perf_counter() - began)))
    finally:
        db.close()
        out.put((ours, floors))


def writers_figures(db: Any, samples: int, url: str) -> list[Figure]:
    """Ten PCs of ten communes autosaving at once: p99 of each unit of work's commit."""
    from datetime import datetime

    from sqlalchemy import select, text

    from app.services import dialogues, minutes
    from app.storage.models import Organization

    with db.transaction() as session:
        orgs = list(session.scalars(select(Organization.id).order_by(Organization.id).limit(WRITERS)))
        opinions = []
        dialogue_ids = []
        for n in range(WRITERS):
            dialogue_id = dialogues.create_dialogue(
                session,
                dialogues.DialogueInput(organization_id=orgs[n % len(orgs)], title=f"Hội nghị đo ghi đồng thời {n + 1}", scheduled_at=datetime.now()),
            )  # fmt: skip
            minutes.start_dialogue(session, dialogue_id)
            dialogue_ids.append(dialogue_id)
            opinions.append(
                minutes.record_opinion(session, dialogue_id, minutes.OpinionInput(petitioner_name=f"Người nêu {n + 1}"))[0]
            )  # fmt: skip
        session.execute(text("CREATE TABLE IF NOT EXISTS bench_floor (id int PRIMARY KEY, body text)"))
        session.execute(text("DELETE FROM bench_floor"))
        session.execute(
            text("INSERT INTO bench_floor SELECT g, '' FROM generate_series(1, :n) g"), {"n": WRITERS}
        )
    spawn = multiprocessing.get_context("spawn")
    out = spawn.Queue()
    start_at = time.time() + 8.0  # every child started and warmed up by then
    children = [
        spawn.Process(target=_writer, args=(url, opinions[n], n + 1, samples, start_at, out))
        for n in range(WRITERS)
    ]
    for child in children:
        child.start()
    values: list[float] = []
    floors: list[float] = []
    for _ in children:
        ours, bare = out.get(timeout=600)
        values += ours
        floors += bare
    for child in children:
        child.join()
    with db.transaction() as session:
        for dialogue_id in dialogue_ids:
            minutes.end_dialogue(session, dialogue_id, [])
        session.execute(text("DROP TABLE bench_floor"))
    if len(values) < WRITERS * samples:
        raise RuntimeError(f"only {len(values)} of {WRITERS * samples} autosaves came back")
    return [
        Figure(
            f"{WRITERS} writers (processes, a save per {WRITER_PACE_MS} ms each), commit p99 ({len(values)} commits)",
            percentile(values, 0.99),
            percentile(floors, 0.99),
            "≤ 50 ms",
            limit=0.050,
        )
    ]


def pg_figures(
    url: str | None, communes: int, petitions: int, repeat: int, samples: int, fresh: bool
) -> list[Figure]:
    """The PostgreSQL rows of the table; none (and one line saying why) without a server."""
    from app.storage.database import Database

    with bench_server(url) as server:
        if not server:
            print("PostgreSQL figures skipped: no server (set DOITHOAI_BENCH_PG_URL or install PostgreSQL)")
            return []
        target, how = ensure_province(server, communes, petitions, fresh)
        print(f"PostgreSQL province: {how}", flush=True)
        db = Database.open_url(target)
        try:
            figures = search_figures(db, repeat)
            figures += list_figures(db, repeat)
            figures += report_figures(db, repeat)
            figures += writers_figures(db, samples, target)
        finally:
            db.close()
    for figure in figures:
        figure.name = "PG " + figure.name
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None)
    parser.add_argument("--petitions", type=int, default=500_000)
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--samples", type=int, default=30, help="autosaves per writer (and as many floor commits)"
    )
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    figures = pg_figures(args.url, args.communes, args.petitions, args.repeat, args.samples, args.fresh)
    if figures:
        print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
