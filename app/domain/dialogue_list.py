"""The Hội nghị list's rows, built from plain query results: the one home of that mapping.

``app.services.dialogues.list_dialogues`` feeds it the rows SQLAlchemy read; the start-up's first
page (``app.services.maintenance.quick_first_page``) feeds it the rows of the same statements,
compiled once and kept, read through plain ``sqlite3`` before SQLAlchemy is even imported. Both
go through :func:`dialogue_rows`, so the two lists cannot disagree. Nothing here imports
SQLAlchemy or Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.domain.rules import CONCLUSION_DAYS_AFTER, NOTICE_DAYS_BEFORE, DialogueState
from app.domain.standing import dialogue_tone, meeting_day, near_due_days_from
from app.domain.text import clock_time, days_phrase, roman, short_date

# The statements the list reads, by name (app.services.dialogues.dialogue_list_statements).
NEAR_DUE_SETTING, ANNOUNCED, CONCLUDED, HELD, LISTED = "near_due", "announced", "concluded", "held", "listed"
QUERY_NAMES = (NEAR_DUE_SETTING, ANNOUNCED, CONCLUDED, HELD, LISTED)


@dataclass(frozen=True)
class DialogueRow:
    id: int
    title: str
    scheduled_at: datetime | None
    quarter: int | None
    place: str
    state: DialogueState
    chair: str
    petitions: int
    days_left: int | None
    notice_overdue: bool  # the 7-day notice date has passed without a TB/GM exported
    tone: str | None = None  # app.domain.standing.dialogue_tone: "danger" | "warning" | "muted" | None
    # Held, Thông báo kết luận not yet issued: days left of the 10 the law allows (< 0: late).
    conclusion_days_left: int | None = None
    started_at: datetime | None = None  # the real start, once held

    @property
    def when_text(self) -> str:
        """When it was held (the real start) once it began; until then when it is planned."""
        return when_text(self.started_at or self.scheduled_at, self.quarter)

    @property
    def due_text(self) -> str:
        return due_text(self.state, self.days_left)

    @property
    def notice_text(self) -> str:
        """The "Lưu ý" of the Hội nghị list: a late invitation, or the Thông báo kết luận due."""
        if self.notice_overdue:
            return "Quá hạn gửi thông báo/giấy mời (≥ 7 ngày trước)"
        if self.conclusion_days_left is not None:
            return f"TB kết luận: {days_phrase(self.conclusion_days_left)}"
        return ""


def when_text(scheduled_at: datetime | None, quarter: int | None) -> str:
    """``08:00 23/9/2016`` or ``Quý IV``."""
    if scheduled_at:
        return f"{clock_time(scheduled_at)} {short_date(scheduled_at.date())}"
    return f"Quý {roman(quarter)}" if quarter else ""


def due_text(state: DialogueState, days_left: int | None) -> str:
    """``còn 5 ngày`` for a planned dialogue, else its state."""
    if state != DialogueState.PLANNED or days_left is None:
        return state.label
    return days_phrase(days_left) if days_left >= 0 else f"đã qua {-days_left} ngày"


def notice_due_date(scheduled_at: datetime | None) -> date | None:
    """The last day a Thông báo / Giấy mời can go out (≥ 7 days before)."""
    return scheduled_at.date() - timedelta(days=NOTICE_DAYS_BEFORE) if scheduled_at else None


@dataclass(frozen=True)
class NoticeCountdown:
    """How long is left to issue a held dialogue's Thông báo kết luận (10 days after it)."""

    dialogue_id: int
    due_on: date
    days_left: int

    @property
    def label(self) -> str:
        """``TB kết luận: còn 3 ngày`` / ``TB kết luận: quá hạn 2 ngày``."""
        return f"TB kết luận: {days_phrase(self.days_left)}"


def countdowns(
    held: Iterable[Sequence[Any]], concluded: Iterable[Sequence[Any]], today: date
) -> dict[int, NoticeCountdown]:
    """``held``: (id, started_at, scheduled_at) of held dialogues; ``concluded``: (dialogue_id,)
    of those whose Thông báo kết luận is numbered."""
    issued = {row[0] for row in concluded}
    out: dict[int, NoticeCountdown] = {}
    for dialogue_id, started_at, scheduled_at in held:
        day = meeting_day(started_at, scheduled_at)
        if dialogue_id in issued or day is None:
            continue
        due = day + timedelta(days=CONCLUSION_DAYS_AFTER)
        out[dialogue_id] = NoticeCountdown(dialogue_id, due, (due - today).days)
    return out


def dialogue_rows(
    listed: Iterable[Sequence[Any]],
    announced: set[int],
    countdown: dict[int, NoticeCountdown],
    near: int,
    today: date,
) -> list[DialogueRow]:
    """The list's rows from the ``listed`` statement's rows, in its order."""
    rows = []
    for ident, title, scheduled_at, quarter, place, state, started_at, chair, count in listed:
        days_left = (scheduled_at.date() - today).days if scheduled_at else None
        due = notice_due_date(scheduled_at)
        notice_overdue = bool(
            state == DialogueState.PLANNED and due is not None and today > due and ident not in announced
        )
        conclusion_left = countdown[ident].days_left if ident in countdown else 0
        rows.append(
            DialogueRow(
                id=ident,
                title=title,
                scheduled_at=scheduled_at,
                quarter=quarter,
                place=place,
                state=state,
                chair=chair or "",
                petitions=count,
                days_left=days_left,
                notice_overdue=notice_overdue,
                tone=dialogue_tone(
                    state, days_left, notice_overdue, near, conclusion_overdue=conclusion_left < 0
                ),
                conclusion_days_left=conclusion_left if ident in countdown else None,
                started_at=started_at,
            )
        )
    return rows


def read_dialogue_list(
    run: Callable[[str], Sequence[Sequence[Any]]], today: date, near: int | None = None
) -> list[DialogueRow]:
    """The whole list, ``run(name)`` giving the rows of each statement of :data:`QUERY_NAMES`.

    ``near``: the near-due threshold when the caller knows it already (else read through
    ``run(NEAR_DUE_SETTING)``, the stored value of the setting, if any).
    """
    if near is None:
        stored = run(NEAR_DUE_SETTING)
        near = near_due_days_from(stored[0][0] if stored else None)
    announced = {row[0] for row in run(ANNOUNCED)}
    countdown = countdowns(run(HELD), run(CONCLUDED), today)
    return dialogue_rows(run(LISTED), announced, countdown, near, today)
