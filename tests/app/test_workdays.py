"""Working-day deadlines on the Vietnamese calendar (2026, a fixed year) and their settings.

Facts of 2026 the tests rely on (Bộ luật Lao động 2019 Điều 112; the plan of Bộ Nội vụ the Prime
Minister approved for officials in October 2025): Tết Bính Ngọ — the office is off from Saturday
14/2 (27 tháng Chạp) to Sunday 22/2 (mùng 6), nine days: the five legal days Monday 16/2 to
Friday 20/2 plus two weekends; Giỗ Tổ Hùng Vương 10/3 âm lịch = Sunday 26/4, observed Monday
27/4; 30/4 and 1/5 (Thursday, Friday); Quốc khánh off 29/8–2/9, Monday 31/8 in exchange for
working Saturday 22/8; Ngày Văn hóa Việt Nam 24/11. The holidays package (0.109) gives exactly these.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.workdays import (
    OfficeCalendar,
    add_calendar_days,
    add_days,
    add_working_days,
    national_year,
)
from app.errors import NotFoundError, ValidationError
from app.services import catalog, minutes, settings
from app.storage.database import Database

pytestmark = pytest.mark.pg_extended  # on PostgreSQL too with DOITHOAI_TEST_PG_ALL=1 (tests/conftest.py)

NATIONAL = OfficeCalendar()


def test_the_holidays_package_knows_tet_and_gio_to_2026() -> None:
    year = national_year(2026)
    tet = {day for day, name in year.holidays.items() if "Tết Nguyên Đán" in name}
    assert tet == {date(2026, 2, d) for d in range(16, 21)}
    assert "Giỗ Tổ Hùng Vương" in year.holidays[date(2026, 4, 26)]
    assert date(2026, 4, 27) in year.holidays  # observed: the day itself is a Sunday
    assert date(2026, 8, 22) in year.work_days  # the Saturday worked for Monday 31/8


def test_the_whole_tet_break_is_off_and_work_resumes_on_monday_23() -> None:
    for day in range(14, 23):
        assert not NATIONAL.is_working_day(date(2026, 2, day)), day
    assert NATIONAL.is_working_day(date(2026, 2, 13))
    assert NATIONAL.is_working_day(date(2026, 2, 23))
    assert NATIONAL.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"


def test_working_days_across_tet_2026() -> None:
    assert add_working_days(date(2026, 2, 13), 1, NATIONAL) == date(2026, 2, 23)
    # Thursday 12/2: Friday 13/2 is the first working day, then Monday 23, Tuesday 24.
    assert add_working_days(date(2026, 2, 12), 3, NATIONAL) == date(2026, 2, 24)
    # Ten working days from the meeting on 10/2 end on 3/3, not 24/2.
    assert add_working_days(date(2026, 2, 10), 10, NATIONAL) == date(2026, 3, 3)
    assert NATIONAL.working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_working_days_across_gio_to_and_the_april_holidays_2026() -> None:
    # Friday 24/4 → Monday 27/4 is the observed Giỗ Tổ: the next working day is Tuesday 28/4.
    assert add_working_days(date(2026, 4, 24), 1, NATIONAL) == date(2026, 4, 28)
    # 28, 29 April, then 30/4–3/5 are off: the third working day is Monday 4/5.
    assert add_working_days(date(2026, 4, 24), 3, NATIONAL) == date(2026, 5, 4)


def test_the_national_compensating_saturday_is_a_working_day() -> None:
    assert add_working_days(date(2026, 8, 21), 1, NATIONAL) == date(2026, 8, 22)
    assert not NATIONAL.is_working_day(date(2026, 8, 31))
    assert add_working_days(date(2026, 8, 28), 1, NATIONAL) == date(2026, 9, 3)


def test_local_days_off_and_a_compensating_saturday() -> None:
    office = OfficeCalendar.of(
        local_days_off=[date(2026, 3, 10)],  # lễ hội of the commune, a Tuesday
        compensating_work_days=[date(2026, 3, 14)],  # the Saturday worked in exchange
    )
    assert add_working_days(date(2026, 3, 9), 1, office) == date(2026, 3, 11)
    assert add_working_days(date(2026, 3, 13), 1, office) == date(2026, 3, 14)
    assert add_working_days(date(2026, 3, 13), 1, NATIONAL) == date(2026, 3, 16)
    # Monday 9/3 + 5 working days: 11, 12, 13, 14 (Saturday worked), 16.
    assert add_working_days(date(2026, 3, 9), 5, office) == date(2026, 3, 16)
    assert add_working_days(date(2026, 3, 9), 5, NATIONAL) == date(2026, 3, 16)
    assert office.holiday_name(date(2026, 3, 10)) == "Ngày nghỉ của cơ quan"


def test_calendar_days_land_on_a_day_off_and_move_to_the_next_working_day() -> None:
    # 6/2 + 10 days = Monday 16/2, Tết: moved to Monday 23/2 (Bộ luật Dân sự 2015, Điều 148).
    assert add_calendar_days(date(2026, 2, 6), 10, NATIONAL) == date(2026, 2, 23)
    # Landing on a working day keeps the date.
    assert add_calendar_days(date(2026, 3, 2), 10, NATIONAL) == date(2026, 3, 12)
    # Landing on a Saturday: the following Monday.
    assert add_days(date(2026, 12, 11), 15, "calendar", NATIONAL) == date(2026, 12, 28)


def test_calendar_and_working_modes_differ() -> None:
    start = date(2026, 12, 11)  # a Friday
    assert add_days(start, 15, "working", NATIONAL) == date(2027, 1, 4)  # 1/1/2027 is a holiday
    assert add_days(start, 15, "calendar", NATIONAL) == date(2026, 12, 28)
    assert add_days(start, 0, "working", NATIONAL) == start
    assert add_days(date(2026, 2, 14), 0, "working", NATIONAL) == date(2026, 2, 23)
    with pytest.raises(ValueError):
        add_days(start, -1, "working", NATIONAL)
    with pytest.raises(ValueError):
        add_days(start, 3, "weekly", NATIONAL)  # type: ignore[arg-type]


# --- settings ------------------------------------------------------------------------------------


def _field_id(session: object, name: str) -> int:
    catalog.ensure_defaults(session)  # type: ignore[arg-type]
    entry = catalog.find_entry(session, "field", name)  # type: ignore[arg-type]
    assert entry is not None
    return entry.id


def test_default_rule_keeps_the_old_setting_working(db: Database) -> None:
    with db.transaction() as session:
        assert settings.default_deadline_rule(session) == settings.DeadlineRule("calendar", 30)
        settings.set_setting(session, "default_deadline_days", 15)  # what the Cài đặt spin box writes
        assert settings.default_deadline_rule(session).days == 15
        assert minutes.default_deadline(session, date(2026, 12, 11)) == date(2026, 12, 28)
        settings.set_default_deadline_rule(session, "working", 10)
        assert settings.get_setting(session, "default_deadline_days") == 10
        assert settings.deadline_for(session, date(2026, 2, 10), None) == date(2026, 3, 3)
        assert minutes.default_deadline(session, date(2026, 2, 10)) == date(2026, 3, 3)
        assert settings.default_deadline_rule(session).label == "10 ngày làm việc"


def test_a_field_has_its_own_rule(db: Database) -> None:
    with db.transaction() as session:
        land = _field_id(session, "Đất đai")
        health = _field_id(session, "Y tế")
        settings.set_default_deadline_rule(session, "calendar", 30)
        settings.set_field_deadline_rule(session, land, "working", 15)
        assert settings.field_deadline_rules(session) == {land: settings.DeadlineRule("working", 15)}
        # 15 working days from Thursday 5/2 across Tết: 6, 9–13, 23–27, 2–5/3.
        assert settings.deadline_for(session, date(2026, 2, 5), land) == date(2026, 3, 5)
        assert settings.deadline_for(session, date(2026, 2, 5), health) == date(2026, 3, 9)  # 7/3 Sat
        settings.set_field_deadline_rule(session, land, None)
        assert settings.deadline_for(session, date(2026, 2, 5), land) == date(2026, 3, 9)


def test_the_office_calendar_comes_from_the_settings(db: Database) -> None:
    with db.transaction() as session:
        settings.set_default_deadline_rule(session, "working", 1)
        settings.set_local_days_off(session, [date(2026, 3, 10), date(2026, 3, 10)])
        settings.set_compensating_work_days(session, [date(2026, 3, 14)])
        assert settings.local_days_off(session) == [date(2026, 3, 10)]
        assert settings.compensating_work_days(session) == [date(2026, 3, 14)]
        calendar = settings.office_calendar(session)
        assert calendar.local_days_off == frozenset({date(2026, 3, 10)})
        assert settings.deadline_for(session, date(2026, 3, 9), None) == date(2026, 3, 11)
        assert settings.deadline_for(session, date(2026, 3, 13), None) == date(2026, 3, 14)


def test_settings_are_validated_in_vietnamese(db: Database) -> None:
    with db.transaction() as session:
        land = _field_id(session, "Đất đai")
        for mode, days in (("weekly", 10), ("working", 0), ("working", 400), ("calendar", True)):
            with pytest.raises(ValidationError) as caught:
                settings.set_default_deadline_rule(session, mode, days)  # type: ignore[arg-type]
            assert "thời hạn" in caught.value.user_message.lower()
        with pytest.raises(ValidationError):
            settings.set_field_deadline_rule(session, land, "working", -3)
        with pytest.raises(NotFoundError):
            settings.set_field_deadline_rule(session, 9999, "working", 5)
        with pytest.raises(ValidationError) as weekday:
            settings.set_compensating_work_days(session, [date(2026, 3, 12)])
        assert "không phải thứ Bảy hay Chủ nhật" in weekday.value.user_message
        with pytest.raises(ValidationError):
            settings.set_local_days_off(session, ["10/3/2026"])  # type: ignore[list-item]
        settings.set_local_days_off(session, [date(2026, 3, 14)])
        with pytest.raises(ValidationError) as clash:
            settings.set_compensating_work_days(session, [date(2026, 3, 14)])
        assert "14/3/2026" in clash.value.user_message
        # Nothing invalid was stored: the defaults still apply.
        assert settings.default_deadline_rule(session) == settings.DeadlineRule("calendar", 30)
        assert settings.compensating_work_days(session) == []


def test_hand_edited_settings_fall_back_to_the_default(db: Database) -> None:
    with db.transaction() as session:
        land = _field_id(session, "Đất đai")
        settings.set_setting(session, "default_deadline_mode", "fortnightly")
        settings.set_setting(session, "field_deadlines", {str(land): {"mode": "working"}, "x": 3})
        settings.set_setting(session, "local_days_off", ["not a date", "2026-03-10"])
        assert settings.default_deadline_rule(session) == settings.DeadlineRule("calendar", 30)
        assert settings.field_deadline_rules(session) == {}
        assert settings.local_days_off(session) == [date(2026, 3, 10)]


def test_without_the_translation_files_the_dates_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    # A bundle built without holidays' locale files: gettext finds no VN.mo for "vi".
    import holidays.holiday_base

    real = holidays.holiday_base.translation
    refused: list[str] = []

    def missing(domain: str, *args: object, **kwargs: object) -> object:
        if kwargs.get("languages") == ["vi"]:
            refused.append(domain)
            raise FileNotFoundError(f"No translation file found for domain: {domain!r}")
        return real(domain, *args, **kwargs)  # type: ignore[arg-type]

    national_year.cache_clear()
    monkeypatch.setattr(holidays.holiday_base, "translation", missing)
    try:
        fallback = national_year(2026)
        assert refused == ["VN"]
        assert set(fallback.holidays) == {
            *(date(2026, 2, d) for d in range(16, 21)),
            date(2026, 1, 1),
            date(2026, 4, 26),
            date(2026, 4, 27),
            date(2026, 4, 30),
            date(2026, 5, 1),
            date(2026, 8, 31),
            date(2026, 9, 1),
            date(2026, 9, 2),
            date(2026, 11, 24),
        }
        assert add_working_days(date(2026, 2, 13), 1, NATIONAL) == date(2026, 2, 23)
    finally:
        national_year.cache_clear()
