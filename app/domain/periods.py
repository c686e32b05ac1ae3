"""Report periods: the month, quarter, 6, 9 and 12 months of Kết luận 215-KL/TW, or any range.

Provinces set a data cut-off for the periodic reports (DOMAIN.md §1). Calendar periods are the
default; many follow the 15th-to-14th window of Nghị định 09/2019, where the 6-month report of
2026 covers 15/12/2025 to 14/6/2026. The cut-off is a setting; this module only does the dates.

A period is written ``2026-05`` (month), ``2026-Q1``, ``2026-H1`` (6 months), ``2026-9M``,
``2026`` (year) or ``2026-01-10..2026-02-20`` (any range; the cut-off does not move it).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.text import short_date


class Cutoff(enum.StrEnum):
    CALENDAR = "calendar"  # 1st to end of month
    DAY_15 = "15-14"  # 15th of the previous month to the 14th (Nghị định 09/2019)


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"  # 6 months
    NINE = "nine"  # 9 months
    YEAR = "year"
    RANGE = "range"


class PeriodError(ValueError):
    """A period that cannot be read (the CLI and the screen say so in Vietnamese)."""


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date  # inclusive
    year: int
    month: int = 0  # the last month covered (report month); 0 for a range
    cutoff: Cutoff = Cutoff.CALENDAR

    @property
    def label(self) -> str:
        """``6 tháng đầu năm 2026`` and so on: the period as the report's title names it."""
        match self.kind:
            case PeriodKind.MONTH:
                return f"tháng {self.month} năm {self.year}"
            case PeriodKind.QUARTER:
                return f"quý I năm {self.year}"
            case PeriodKind.HALF:
                return f"6 tháng đầu năm {self.year}"
            case PeriodKind.NINE:
                return f"9 tháng năm {self.year}"
            case PeriodKind.YEAR:
                return f"năm {self.year}"
        return f"từ {short_date(self.start)} đến {short_date(self.end)}"

    @property
    def range_text(self) -> str:
        return f"từ ngày {short_date(self.start)} đến ngày {short_date(self.end)}"

    @property
    def code(self) -> str:
        match self.kind:
            case PeriodKind.MONTH:
                return f"{self.year}-{self.month:02d}"
            case PeriodKind.QUARTER:
                return f"{self.year}-Q1"
            case PeriodKind.HALF:
                return f"{self.year}-H1"
            case PeriodKind.NINE:
                return f"{self.year}-9M"
            case PeriodKind.YEAR:
                return str(self.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


_MONTHS_OF = {PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.NINE: 9, PeriodKind.YEAR: 12}


def _month_end(year: int, month: int) -> date:
    first_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_next - timedelta(days=1)


def report_month_range(year: int, month: int, cutoff: Cutoff) -> tuple[date, date]:
    """The days of report month ``month``: calendar, or 15th of the month before to the 14th."""
    if cutoff is Cutoff.DAY_15:
        start = date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)
        return start, date(year, month, 14)
    return date(year, month, 1), _month_end(year, month)


def make_period(kind: PeriodKind, year: int, month: int = 0, cutoff: Cutoff = Cutoff.CALENDAR) -> Period:
    """A named period of ``year`` (``month`` only for a monthly report)."""
    kind, cutoff = PeriodKind(kind), Cutoff(cutoff)  # also from their stored or shown codes
    if kind is PeriodKind.MONTH:
        if not 1 <= month <= 12:
            raise PeriodError(f"month out of range: {month}")
        start, end = report_month_range(year, month, cutoff)
        return Period(kind, start, end, year, month, cutoff)
    if kind is PeriodKind.RANGE:
        raise PeriodError("a range needs its dates: use range_period")
    last = _MONTHS_OF[kind]
    start = report_month_range(year, 1, cutoff)[0]
    end = report_month_range(year, last, cutoff)[1]
    return Period(kind, start, end, year, last, cutoff)


def range_period(start: date, end: date) -> Period:
    if end < start:
        raise PeriodError(f"range ends before it starts: {start} > {end}")
    return Period(PeriodKind.RANGE, start, end, end.year, 0)


_CODE = re.compile(r"^(\d{4})(?:-(\d{1,2}|Q1|H1|6M|9M))?$", re.IGNORECASE)


def parse_period(code: str, cutoff: Cutoff = Cutoff.CALENDAR) -> Period:
    """Read ``2026-05``, ``2026-Q1``, ``2026-H1``, ``2026-9M``, ``2026`` or ``A..B`` (ISO dates)."""
    value = code.strip()
    if ".." in value:
        first, _, last = value.partition("..")
        try:
            return range_period(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
        except ValueError as exc:
            raise PeriodError(f"bad range: {code!r}") from exc
    found = _CODE.match(value)
    if not found:
        raise PeriodError(f"bad period: {code!r}")
    year = int(found.group(1))
    part = (found.group(2) or "").upper()
    if not part:
        return make_period(PeriodKind.YEAR, year, cutoff=cutoff)
    if part == "Q1":
        return make_period(PeriodKind.QUARTER, year, cutoff=cutoff)
    if part in ("H1", "6M"):
        return make_period(PeriodKind.HALF, year, cutoff=cutoff)
    if part == "9M":
        return make_period(PeriodKind.NINE, year, cutoff=cutoff)
    return make_period(PeriodKind.MONTH, year, int(part), cutoff)


@dataclass(frozen=True)
class MonthBucket:
    label: str  # "T5/2026"
    start: date
    end: date


def month_buckets(period: Period) -> list[MonthBucket]:
    """The report months a period spans (for the trend chart), under the period's cut-off."""
    cutoff = period.cutoff if period.kind is not PeriodKind.RANGE else Cutoff.CALENDAR
    buckets: list[MonthBucket] = []
    # The report month of the start day: under 15–14, the 15th onwards belongs to the next month.
    year, month = period.start.year, period.start.month
    if cutoff is Cutoff.DAY_15 and period.start.day >= 15:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while True:
        start, end = report_month_range(year, month, cutoff)
        if start > period.end:
            break
        buckets.append(MonthBucket(f"T{month}/{year}", max(start, period.start), min(end, period.end)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return buckets
