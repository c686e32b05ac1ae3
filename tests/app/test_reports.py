"""The figures of the periodic Báo cáo on a commune whose answers are known (tests/app/report_samples)."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.periods import Cutoff, PeriodError, PeriodKind, make_period, month_buckets, parse_period
from app.services import reports
from app.services.reports import NO_UNIT, period_report
from app.storage.database import Database
from tests.app.report_samples import TODAY, build_report_commune

pytestmark = pytest.mark.pg_extended  # on PostgreSQL too with DOITHOAI_TEST_PG_ALL=1 (tests/conftest.py)


@pytest.fixture
def report_db(db: Database) -> Database:
    with db.transaction() as session:
        build_report_commune(session)
    return db


def test_periods_calendar_and_15_to_14() -> None:
    h1 = parse_period("2026-H1")
    assert (h1.kind, h1.start, h1.end) == (PeriodKind.HALF, date(2026, 1, 1), date(2026, 6, 30))
    cut = parse_period("2026-H1", Cutoff.DAY_15)
    assert (cut.start, cut.end) == (date(2025, 12, 15), date(2026, 6, 14))
    assert parse_period("2026-Q1", Cutoff.DAY_15).end == date(2026, 3, 14)
    assert parse_period("2026-9M").end == date(2026, 9, 30)
    assert (parse_period("2026").start, parse_period("2026").end) == (date(2026, 1, 1), date(2026, 12, 31))
    feb = parse_period("2026-02")
    assert (feb.start, feb.end, feb.label) == (date(2026, 2, 1), date(2026, 2, 28), "tháng 2 năm 2026")
    assert parse_period("2026-01", Cutoff.DAY_15).start == date(2025, 12, 15)
    span = parse_period("2026-01-10..2026-02-20", Cutoff.DAY_15)
    assert (span.kind, span.start, span.end) == (PeriodKind.RANGE, date(2026, 1, 10), date(2026, 2, 20))
    assert make_period(PeriodKind.HALF, 2026).label == "6 tháng đầu năm 2026"
    for bad in ("2026-13", "26-H1", "2026-02-10..2026-01-01", "H1"):
        with pytest.raises(PeriodError):
            parse_period(bad)


def test_month_buckets_follow_the_cutoff() -> None:
    assert [b.label for b in month_buckets(parse_period("2026-Q1"))] == ["T1/2026", "T2/2026", "T3/2026"]
    cut = month_buckets(parse_period("2026-Q1", Cutoff.DAY_15))
    assert (cut[0].label, cut[0].start, cut[0].end) == ("T1/2026", date(2025, 12, 15), date(2026, 1, 14))
    assert cut[-1].end == date(2026, 3, 14) and len(cut) == 3


CALENDAR_H1 = {
    "dialogues_held": 3,
    "participants": 177,
    "citizens": 160,
    "raised": 11,
    "collected_before": 2,
    "at_meeting": 9,
    "answered": 1,
    "assigned": 5,
    "resolved_on_time": 1,  # on the deadline day itself
    "resolved_late": 2,  # one day late, and the reopened one by its last resolution
    "in_time": 5,  # the one with no deadline is never overdue
    "overdue": 1,
    "forwarded": 1,
    "out_of_competence": 0,
    "informed": 1,
}


def test_calendar_half_year_counts(report_db: Database) -> None:
    with report_db.reading() as session:
        report = period_report(session, parse_period("2026-H1"), today=TODAY)
    assert {f.key: f.value for f in report.figures()} == CALENDAR_H1
    units = {
        name: (c.total, c.resolved_on_time, c.resolved_late, c.in_progress, c.overdue)
        for name, c in report.by_unit
    }
    assert units == {
        "Công chức Địa chính – Xây dựng": (2, 1, 1, 0, 0),
        "Văn phòng HĐND và UBND": (2, 0, 1, 1, 0),
        "Công an xã": (1, 0, 0, 0, 1),
        NO_UNIT: (6, 0, 0, 0, 0),
    }
    assert report.by_unit[-1][0] == NO_UNIT
    assert [name for name, _c in report.by_field] == ["Đất đai", "Giao thông – thủy lợi"]
    assert [c.total for _n, c in report.by_field] == [6, 5]
    assert {name: c.total for name, c in report.by_hamlet} == {"Thôn Đông": 8, "Thôn Tây": 3}
    assert [(r.title, r.counts.total) for r in report.by_dialogue] == [
        ("Hội nghị đối thoại với Nhân dân năm 2026", 8),
        ("Hội nghị đối thoại với thanh niên", 1),
        ("Hội nghị đối thoại với nông dân", 1),
        ("Ngoài hội nghị", 1),
    ]
    assert report.by_month == [
        ("T1/2026", 0),
        ("T2/2026", 1),
        ("T3/2026", 8),
        ("T4/2026", 0),
        ("T5/2026", 0),
        ("T6/2026", 2),
    ]
    assert report.recurring == [("Giao thông – thủy lợi – Thôn Đông", 2)]


def test_the_15_to_14_cutoff_moves_the_boundary_dialogues(report_db: Database) -> None:
    with report_db.transaction() as session:
        reports.set_report_cutoff(session, Cutoff.DAY_15)
    with report_db.reading() as session:
        period = reports.period_from_code(session, "2026-H1")
        report = period_report(session, period, today=TODAY)
    assert (period.start, period.end) == (date(2025, 12, 15), date(2026, 6, 14))
    titles = [r.title for r in report.by_dialogue]
    assert "Hội nghị đối thoại tháng 12/2025" in titles  # 20/12/2025: inside
    assert "Hội nghị đối thoại với thanh niên" in titles  # 14/6: the last day, inside
    assert "Hội nghị đối thoại với nông dân" not in titles  # 15/6: the next period
    assert report.dialogues_held == 3
    assert report.participants == 167 and report.citizens == 150
    assert report.raised == 11 and report.overall.pending == 4
    assert report.by_month[0] == ("T1/2026", 1) and report.by_month[-1] == ("T6/2026", 1)
    assert ("Đất đai – Thôn Đông", 2) in report.recurring


def test_report_matches_the_follow_up_statistics(report_db: Database) -> None:
    """The period figures and the older per-period statistics count the same petitions alike."""
    from app.services.statistics import period_statistics

    with report_db.reading() as session:
        period = parse_period("2026-H1")
        report = period_report(session, period, today=TODAY)
        older = period_statistics(session, period.start, period.end, today=TODAY)
    assert report.overall == older.overall
    assert [(n, c) for n, c in report.by_hamlet] == older.by_hamlet


def test_report_facts_are_the_one_orm_mapping(report_db: Database) -> None:
    """The report reads rows straight from the driver; its facts equal petition_facts of the ORM."""
    from sqlalchemy import select

    from app.services.petitions import PETITION_LOAD, petition_facts
    from app.storage.models import Petition

    with report_db.reading() as session:
        items = reports.period_petitions(session, parse_period("2026"), today=TODAY)
        loaded = {p.id: p for p in session.scalars(select(Petition).options(*PETITION_LOAD)).all()}
        assert len(items) == 12  # d0 was held in 2025
        for item in items:
            assert item.facts == petition_facts(loaded[item.id])
