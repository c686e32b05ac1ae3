"""How a petition and a dialogue stand on a given day: the one home of these rules.

- The meeting day of a dialogue is the day it actually started, else the day it was scheduled.
- A petition's deadline is the earliest deadline among its unfinished assignments (a unit that
  finished its part no longer holds the petition up). Only an open petition (new, in progress)
  has a *running* deadline: it is overdue when that day has passed, near due when it comes within
  the near-due threshold (a setting, :data:`DEFAULT_NEAR_DUE_DAYS` until changed).
- A resolved petition was resolved late when any assignment was done after its deadline (its
  own finish date, else the date the result was recorded): exactly when it was ever overdue.
- "Overdue" is never stored: a petition still being resolved is overdue today and was not
  yesterday. Lists, the Thông báo, the Báo cáo, the statistics and the live hint all ask here.

The SQL twin of :func:`petition_deadline` is ``app.services.petitions.petition_deadline_sql``
(filters and the sort by deadline run inside SQLite); a test checks that they agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.rules import DialogueState, LabelledEnum, PetitionStatus
from app.domain.text import days_phrase, short_date

DEFAULT_NEAR_DUE_DAYS = 7  # the default of the ``near_due_days`` setting, nothing else
NEAR_DUE_LIMITS = (1, 90)


def near_due_days_from(value: object) -> int:
    """The near-due threshold a stored ``near_due_days`` setting means (the default when unset or
    unusable)."""
    try:
        days = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DEFAULT_NEAR_DUE_DAYS
    low, high = NEAR_DUE_LIMITS
    return days if low <= days <= high else DEFAULT_NEAR_DUE_DAYS


# Tone names the UI maps to colours; the core never names a colour.
DANGER, WARNING, OK, MUTED = "danger", "warning", "ok", "muted"


def meeting_moment(started_at: datetime | None, scheduled_at: datetime | None) -> datetime | None:
    """When a dialogue was held: when it actually started, else when it was scheduled."""
    return started_at or scheduled_at


def meeting_day(started_at: datetime | None, scheduled_at: datetime | None) -> date | None:
    """The day of :func:`meeting_moment`."""
    moment = meeting_moment(started_at, scheduled_at)
    return moment.date() if moment else None


class Standing(LabelledEnum):
    """Where one petition stands on a given day; each petition has exactly one."""

    ANSWERED = "answered", "đã trả lời tại hội nghị"
    RESOLVED_ON_TIME = "resolved_on_time", "đã giải quyết đúng hạn"
    RESOLVED_LATE = "resolved_late", "đã giải quyết quá hạn"
    IN_PROGRESS = "in_progress", "đang giải quyết trong hạn"
    NEAR_DUE = "near_due", "sắp đến hạn"
    OVERDUE = "overdue", "quá hạn chưa giải quyết"
    FORWARDED = "forwarded", "chuyển cấp có thẩm quyền"
    OUT_OF_COMPETENCE = "out_of_competence", "không thuộc thẩm quyền"
    PENDING = "pending", "chưa phân loại"
    WITHDRAWN = "withdrawn", "công dân rút"
    DUPLICATE = "duplicate", "trùng"

    @property
    def tone(self) -> str | None:
        return _TONES.get(self)


_TONES = {
    Standing.OVERDUE: DANGER,
    Standing.NEAR_DUE: WARNING,
    Standing.ANSWERED: OK,
    Standing.RESOLVED_ON_TIME: OK,
    Standing.RESOLVED_LATE: OK,
    Standing.WITHDRAWN: MUTED,
    Standing.DUPLICATE: MUTED,
}


@dataclass(frozen=True)
class AssignmentFacts:
    """What the rules need from one assignment."""

    deadline: date | None
    finished_on: date | None = None  # the unit finished its part


def petition_deadline(assignments: Iterable[AssignmentFacts]) -> date | None:
    """The earliest deadline among the unfinished assignments (``None`` when there is none)."""
    deadlines = [a.deadline for a in assignments if a.deadline is not None and a.finished_on is None]
    return min(deadlines) if deadlines else None


@dataclass(frozen=True)
class PetitionFacts:
    """What the rules and the figures need to know about one petition (plain data)."""

    status: PetitionStatus
    assignments: tuple[AssignmentFacts, ...] = ()
    resolved_on: date | None = None  # when the result was recorded (reply date or update date)
    field: str = ""
    field_position: int = 1_000_000
    hamlet: str = ""

    @property
    def deadline(self) -> date | None:
        return petition_deadline(self.assignments)

    @property
    def running_deadline(self) -> date | None:
        """The deadline that still counts: only an open petition has one."""
        return self.deadline if self.status.is_open else None


def resolved_late(facts: PetitionFacts) -> bool:
    """Some assignment was done after its deadline (finish date, else the resolution date)."""
    for assignment in facts.assignments:
        done = assignment.finished_on or facts.resolved_on
        if assignment.deadline is not None and done is not None and done > assignment.deadline:
            return True
    return False


def resolved_on(updates: Iterable[tuple[date, date | None, PetitionStatus]]) -> date | None:
    """The date the petition last became resolved: that step's reply date, else its own date.

    ``updates`` are ``(on, reply_date, status_after)`` in the order they were recorded. Only a
    step that moves the status to RESOLVED counts: steps recorded while it stays resolved (telling
    the citizen, a note, a reminder) do not move the date; after a reopening, the next result does.
    """
    found: date | None = None
    previous: PetitionStatus | None = None
    for on, reply_date, status_after in updates:
        if status_after is PetitionStatus.RESOLVED and previous is not PetitionStatus.RESOLVED:
            found = reply_date or on
        previous = status_after
    return found


@dataclass(frozen=True)
class PetitionStanding:
    """A petition's standing today with what every screen and document prints about it."""

    standing: Standing
    deadline: date | None  # earliest unfinished assignment deadline (shown even when closed)
    days_left: int | None  # only for a running deadline
    near_due_days: int

    @property
    def overdue(self) -> bool:
        return self.standing is Standing.OVERDUE

    @property
    def tone(self) -> str | None:
        return self.standing.tone

    @property
    def phrase(self) -> str:
        """``còn 3 ngày`` / ``quá hạn 12 ngày`` / ``đến hạn hôm nay``; empty with no running deadline."""
        return days_phrase(self.days_left) if self.days_left is not None else ""

    @property
    def deadline_text(self) -> str:
        """``05/3/2026 (còn 3 ngày)``; only the date once the petition is closed."""
        if self.deadline is None:
            return ""
        phrase = self.phrase
        return f"{short_date(self.deadline)} ({phrase})" if phrase else short_date(self.deadline)


def _standing(facts: PetitionFacts, today: date, near_due_days: int) -> Standing:
    status = facts.status
    if status is PetitionStatus.DUPLICATE:
        return Standing.DUPLICATE
    if status is PetitionStatus.ANSWERED:
        return Standing.ANSWERED
    if status is PetitionStatus.RESOLVED:
        return Standing.RESOLVED_LATE if resolved_late(facts) else Standing.RESOLVED_ON_TIME
    if status is PetitionStatus.FORWARDED:
        return Standing.FORWARDED
    if status is PetitionStatus.OUT_OF_COMPETENCE:
        return Standing.OUT_OF_COMPETENCE
    if status is PetitionStatus.WITHDRAWN:
        return Standing.WITHDRAWN
    deadline = facts.running_deadline
    if deadline is not None:
        days_left = (deadline - today).days
        if days_left < 0:
            return Standing.OVERDUE
        if days_left <= near_due_days:
            return Standing.NEAR_DUE
        return Standing.IN_PROGRESS
    if status is PetitionStatus.IN_PROGRESS:
        return Standing.IN_PROGRESS
    return Standing.PENDING


def petition_standing(
    facts: PetitionFacts, today: date, near_due_days: int = DEFAULT_NEAR_DUE_DAYS
) -> PetitionStanding:
    """The one answer to "how does this petition stand today?"."""
    running = facts.running_deadline
    return PetitionStanding(
        standing=_standing(facts, today, near_due_days),
        deadline=facts.deadline,
        days_left=(running - today).days if running is not None else None,
        near_due_days=near_due_days,
    )


# --- dialogues --------------------------------------------------------------------------------


def dialogue_tone(
    state: DialogueState,
    days_left: int | None,
    notice_overdue: bool,
    near_due_days: int,
    *,
    conclusion_overdue: bool = False,
) -> str | None:
    """The tone of a dialogue in the lists: notice or Thông báo kết luận late, coming soon, closed."""
    if notice_overdue or conclusion_overdue:
        return DANGER
    if state is DialogueState.PLANNED and days_left is not None and 0 <= days_left <= near_due_days:
        return WARNING
    return MUTED if state is DialogueState.CLOSED else None
