"""The benchmark history: its bulk path writes exactly what the services write, and the file checks out."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main as cli_main
from app.domain.rules import PetitionStatus
from app.storage.database import Database
from app.storage.models import Base
from benchmarks import history
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
# Database ids and clocks differ between the two ways; everything else must match.
# updated_at and version (optimistic locking) count the saves a row went through, not what it holds.
IGNORED = {"created_at", "updated_at", "version"}
IGNORED_BY_TABLE = {"audit_event": {"id", "at"}, "minute_entry": {"id"}, "conclusion": {"id"}}


def table_rows(db: Database) -> dict[str, tuple[list[str], list[tuple[str, ...]]]]:
    """Every table's compared columns and its rows (values as JSON text), sorted."""
    out: dict[str, tuple[list[str], list[tuple[str, ...]]]] = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            ignored = IGNORED | IGNORED_BY_TABLE.get(table.name, set())
            columns = [c for c in table.columns if c.name not in ignored]
            rows = conn.execute(select(*columns)).all()
            out[table.name] = (
                [c.name for c in columns],
                sorted(
                    tuple(json.dumps(v, sort_keys=True, default=str, ensure_ascii=False) for v in row)
                    for row in rows
                ),
            )
    return out


def index_rows(db: Database) -> dict[str, list[tuple[str, ...]]]:
    """Every FTS5 index as stored (fts5vocab, not the content it points to): per indexed row,
    that row's compared columns and the words with their positions, sorted."""
    out: dict[str, list[tuple[str, ...]]] = {}
    with db.engine.connect() as conn:
        sources = dict(
            conn.exec_driver_sql(
                "SELECT substr(name, 1, length(name) - 7), tbl_name FROM sqlite_master"
                " WHERE type = 'trigger' AND name LIKE '%fts%\\_insert' ESCAPE '\\'"
            ).all()
        )
        assert {"petition_fts", "search_fts_minute", "search_fts_answer"} <= set(sources)
        for fts, source in sorted(sources.items()):
            table = Base.metadata.tables[source]
            ignored = IGNORED | IGNORED_BY_TABLE.get(source, set())
            columns = [c for c in table.columns if c.name not in ignored]
            described = {
                row[0]: json.dumps(row[1:], default=str, ensure_ascii=False)
                for row in conn.execute(select(table.c.id, *columns))
            }
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, '{fts}', 'instance')"
            )
            words: dict[int, list[tuple[str, int]]] = {}
            for term, doc, offset in conn.exec_driver_sql('SELECT term, doc, "offset" FROM temp.vocab'):
                words.setdefault(doc, []).append((term, offset))
            conn.exec_driver_sql("DROP TABLE temp.vocab")
            out[fts] = sorted(
                (described.get(doc, f"no {source} {doc}"), str(sorted(w))) for doc, w in words.items()
            )
    return out


@pytest.fixture(scope="module")
def plan() -> history.HistoryPlan:
    return history.make_plan(500, 2, seed=5, today=TODAY)


def test_the_plan_looks_like_a_real_office(plan: history.HistoryPlan) -> None:
    assert plan.petition_count == 500
    dialogues = [d for year in plan.years for d in year.dialogues]
    items = [p for d in dialogues for p in d.petitions]
    assert len(dialogues) >= 8  # quarterly over two years, and the next one already planned
    assert not dialogues[-1].held and all(p.collected_on for p in dialogues[-1].petitions)
    assert 0.1 < sum(1 for p in items if p.collected_on) / len(items) < 0.3
    assert any(len(p.answers) > 1 for p in items)
    assert any(
        sum(s.kind == "assign" for s in p.follow) + (len(p.answers) and p.answers[-1].lead_unit is not None)
        > 1
        for p in items
    )
    assert any(a.support for p in items for a in p.answers)
    assert any(p.anonymous for p in items) and any(p.group_org for p in items)
    assert "Thị" in {p.name.split()[1] for p in items if p.name}
    text = unicodedata.normalize("NFD", " ".join(p.content + p.name for p in items).lower())
    assert set("ăâđêôơư") <= set(unicodedata.normalize("NFC", text))
    assert {"\u0300", "\u0309", "\u0303", "\u0301", "\u0323"} <= set(text)  # the five tones


@pytest.mark.slow  # the service path makes every user action in turn: ~20 ms a petition here
def test_bulk_rows_equal_the_rows_the_services_write(tmp_path: Path, plan: history.HistoryPlan) -> None:
    by_services = history.open_database(tmp_path / "services.sqlite")
    by_bulk = history.open_database(tmp_path / "bulk.sqlite")
    try:
        history.write_with_services(by_services, plan)
        history.write_in_bulk(by_bulk, plan)
        expected, actual = table_rows(by_services), table_rows(by_bulk)
        # The search indexes too: the bulk path fills them afterwards instead of row by row.
        indexed, indexed_in_bulk = index_rows(by_services), index_rows(by_bulk)
        with by_bulk.engine.begin() as conn:
            for fts in indexed_in_bulk:
                conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
    finally:
        by_services.close()
        by_bulk.close()
    assert len(expected["petition"][1]) == 500
    assert len(expected["minute_entry"][1]) > 800
    for table, (columns, rows) in expected.items():
        missing = Counter(rows) - Counter(actual[table][1])
        extra = Counter(actual[table][1]) - Counter(rows)

        def example(found: Counter[tuple[str, ...]], columns: list[str] = columns) -> str:
            return str(dict(zip(columns, next(iter(found)), strict=True))) if found else "-"

        assert not missing and not extra, (
            f"{table}: {sum(missing.values())} rows written only by the services, e.g. {example(missing)}; "
            f"{sum(extra.values())} only by the bulk path, e.g. {example(extra)}"
        )
    assert len(indexed["search_fts_minute"]) == len(expected["minute_entry"][1])
    assert len(indexed["petition_fts"]) == 500
    for fts, entries in indexed.items():
        missing = Counter(entries) - Counter(indexed_in_bulk[fts])
        extra = Counter(indexed_in_bulk[fts]) - Counter(entries)
        assert not missing and not extra, (
            f"{fts}: {sum(missing.values())} rows indexed only by the services, e.g. {next(iter(missing), '-')}; "
            f"{sum(extra.values())} only by the bulk path, e.g. {next(iter(extra), '-')}"
        )


def test_a_generated_history_passes_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "history.sqlite"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--petitions", "1000", "--years", "2",
         "--out", str(out), "--seed", "3", "--today", TODAY.isoformat()],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert cli_main(["check", "--db", str(out)]) == 0, capsys.readouterr().out
    db = Database.open(out)
    try:
        from app.services import petitions

        with db.reading() as session:
            rows = petitions.count_petitions(session)
            listed = petitions.list_petitions(session, today=TODAY, limit=1000)
    finally:
        db.close()
    assert rows == 1000
    status = Counter(r.status for r in listed)
    assert status[PetitionStatus.RESOLVED] > 300
    assert any(r.overdue for r in listed) and status[PetitionStatus.FORWARDED]
    assert len({r.dialogue_date for r in listed}) >= 8
