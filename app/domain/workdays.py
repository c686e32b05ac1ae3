"""Working days on the Vietnamese office calendar: the one place deadlines are counted.

A working day is Monday to Friday that is not a public holiday (the maintained ``holidays``
package: Tết Nguyên Đán, Giỗ Tổ Hùng Vương and the other lunar and solar days, with the
Government's yearly swaps) and not one of the office's own days off. A Saturday or Sunday becomes
a working day when the Government (``holidays``' ``weekend_workdays``) or the office names it a
compensating work day ("làm bù" for a bridge day).

Counting follows Bộ luật Dân sự 2015, Điều 147–148: a period counted in days starts on the day
*after* the starting event, and when its last day is a weekend day or a holiday the period ends
at the end of the next working day. So in calendar-days mode a deadline that lands on a day off
moves to the next working day; in working-days mode it lands on a working day by construction.

Pure: no database, no Qt. The office's settings become an :class:`OfficeCalendar` in
``app.services.settings.office_calendar``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Literal

DeadlineMode = Literal["working", "calendar"]
DEADLINE_MODES: tuple[DeadlineMode, ...] = ("working", "calendar")
MODE_LABELS: dict[str, str] = {"working": "ngày làm việc", "calendar": "ngày (theo lịch)"}

SATURDAY, SUNDAY = 5, 6
# Far enough for any deadline a commune sets (a year and more), near enough to stop a runaway loop.
_MAX_SCAN_DAYS = 3 * 366


@dataclass(frozen=True)
class NationalYear:
    """The public holidays of one year and the weekend days the Government made working days."""

    holidays: Mapping[date, str]  # read-only: one cached copy per year is shared
    work_days: frozenset[date]


@functools.lru_cache(maxsize=64)
def national_year(year: int) -> NationalYear:
    """Vietnam's public holidays of ``year`` (names in Vietnamese) from the ``holidays`` package."""
    # Imported by its module path, not through holidays.country_holidays("VN"), which loads the
    # module by name at run time: PyInstaller sees this import and bundles the module.
    from holidays.countries.vietnam import Vietnam

    try:
        calendar = Vietnam(years=year, language="vi")  # type: ignore[no-untyped-call]
    except OSError:
        # The translation file is missing (a bundle built without holidays' locale files): the
        # dates are still right, only the names fall back to the package's built-in wording.
        calendar = Vietnam(years=year)  # type: ignore[no-untyped-call]
    work_days = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return NationalYear(MappingProxyType(dict(calendar.items())), work_days)


@dataclass(frozen=True)
class OfficeCalendar:
    """National holidays plus this office's local days off and compensating work days."""

    local_days_off: frozenset[date] = field(default_factory=frozenset)
    compensating_work_days: frozenset[date] = field(default_factory=frozenset)
    national: bool = True  # False only in tests that want weekends alone

    @classmethod
    def of(
        cls, local_days_off: Iterable[date] = (), compensating_work_days: Iterable[date] = ()
    ) -> OfficeCalendar:
        return cls(frozenset(local_days_off), frozenset(compensating_work_days))

    def holiday_name(self, day: date) -> str | None:
        """Why ``day`` is a day off (holiday name, "Ngày nghỉ của cơ quan", "Thứ Bảy", …), or None."""
        if self.is_working_day(day):
            return None
        if day in self.local_days_off:
            return "Ngày nghỉ của cơ quan"
        if self.national:
            name = national_year(day.year).holidays.get(day)
            if name:
                return name
        return "Thứ Bảy" if day.weekday() == SATURDAY else "Chủ nhật"

    def is_working_day(self, day: date) -> bool:
        if day in self.compensating_work_days:
            return True
        if day in self.local_days_off:
            return False
        national = national_year(day.year) if self.national else None
        if national is not None and day in national.holidays:
            return False
        if day.weekday() in (SATURDAY, SUNDAY):
            return national is not None and day in national.work_days
        return True

    def next_working_day(self, day: date) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        for offset in range(_MAX_SCAN_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days of {day}")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += timedelta(days=1)
        return count


def add_working_days(start: date, days: int, calendar: OfficeCalendar) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted).

    ``days`` = 0 gives ``start`` when it is a working day, else the next working day.
    """
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    if days == 0:
        return calendar.next_working_day(start)
    day = start
    remaining = days
    scanned = 0
    while remaining:
        day += timedelta(days=1)
        scanned += 1
        if scanned > _MAX_SCAN_DAYS + days * 2:
            raise ValueError(f"no {days} working days after {start}")
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def add_calendar_days(start: date, days: int, calendar: OfficeCalendar) -> date:
    """``start`` + ``days``; a last day that is a day off moves to the next working day (BLDS Điều 148)."""
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    return calendar.next_working_day(start + timedelta(days=days))


def add_days(start: date, days: int, mode: DeadlineMode, calendar: OfficeCalendar) -> date:
    """The deadline ``days`` after ``start`` counted in working days or in calendar days."""
    if mode == "working":
        return add_working_days(start, days, calendar)
    if mode == "calendar":
        return add_calendar_days(start, days, calendar)
    raise ValueError(f"unknown deadline mode {mode!r}")
