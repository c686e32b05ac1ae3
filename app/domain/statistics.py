"""How petitions stand: the one classification the Báo cáo, the follow-up screen and .xlsx share.

Every figure is derived from a petition's status, its assignment deadline and the date its
resolution was recorded, seen from ``today``. "Overdue" is never stored: a petition still being
resolved whose deadline has passed is overdue today and was not yesterday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date

from app.domain.rules import LabelledEnum, PetitionStatus
from app.domain.text import sort_key


class Standing(LabelledEnum):
    """Where one petition stands on a given day; each counted petition has exactly one."""

    ANSWERED = "answered", "đã trả lời tại hội nghị"
    RESOLVED_ON_TIME = "resolved_on_time", "đã giải quyết đúng hạn"
    RESOLVED_LATE = "resolved_late", "đã giải quyết quá hạn"
    IN_PROGRESS = "in_progress", "đang giải quyết trong hạn"
    OVERDUE = "overdue", "quá hạn chưa giải quyết"
    FORWARDED = "forwarded", "chuyển cấp có thẩm quyền"
    OUT_OF_COMPETENCE = "out_of_competence", "không thuộc thẩm quyền"
    PENDING = "pending", "chưa phân loại"
    WITHDRAWN = "withdrawn", "công dân rút"


@dataclass(frozen=True)
class PetitionFacts:
    """What the figures need to know about one petition."""

    status: PetitionStatus
    deadline: date | None = None  # the latest deadline of its assignments
    resolved_on: date | None = None  # when the result was recorded (reply date or update date)
    field: str = ""
    field_position: int = 1_000_000
    hamlet: str = ""


def standing(facts: PetitionFacts, today: date) -> Standing | None:
    """The standing of one petition today; ``None`` for a duplicate (counted with its original)."""
    status = facts.status
    if status is PetitionStatus.DUPLICATE:
        return None
    if status is PetitionStatus.ANSWERED:
        return Standing.ANSWERED
    if status is PetitionStatus.RESOLVED:
        late = (
            facts.deadline is not None
            and facts.resolved_on is not None
            and facts.resolved_on > facts.deadline
        )
        return Standing.RESOLVED_LATE if late else Standing.RESOLVED_ON_TIME
    if status is PetitionStatus.FORWARDED:
        return Standing.FORWARDED
    if status is PetitionStatus.OUT_OF_COMPETENCE:
        return Standing.OUT_OF_COMPETENCE
    if status is PetitionStatus.WITHDRAWN:
        return Standing.WITHDRAWN
    if facts.deadline is not None and facts.deadline < today:
        return Standing.OVERDUE
    if status is PetitionStatus.IN_PROGRESS or facts.deadline is not None:
        return Standing.IN_PROGRESS
    return Standing.PENDING


@dataclass
class StandingCounts:
    """Counts of one group of petitions; ``total`` is the sum of the standings."""

    total: int = 0
    answered: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress: int = 0
    overdue: int = 0
    forwarded: int = 0
    out_of_competence: int = 0
    pending: int = 0
    withdrawn: int = 0

    def add(self, value: Standing) -> None:
        self.total += 1
        setattr(self, value.value, getattr(self, value.value) + 1)

    @property
    def resolved(self) -> int:
        return self.resolved_on_time + self.resolved_late

    @property
    def open(self) -> int:
        """Still waiting for a result: in progress, overdue or not yet sorted."""
        return self.in_progress + self.overdue + self.pending

    def get(self, value: Standing) -> int:
        count: int = getattr(self, value.value)
        return count


@dataclass
class ResolutionStatistics:
    """The figures of a Báo cáo: overall, by field (in field order) and by thôn (alphabetical)."""

    today: date
    overall: StandingCounts = field(default_factory=StandingCounts)
    by_field: list[tuple[str, StandingCounts]] = field(default_factory=list)
    by_hamlet: list[tuple[str, StandingCounts]] = field(default_factory=list)


NO_FIELD = "Khác"
NO_HAMLET = "Không rõ thôn"


def resolution_statistics(petitions: Iterable[PetitionFacts], today: date) -> ResolutionStatistics:
    """Count petitions by standing, overall, per field and per thôn, as they stand ``today``."""
    stats = ResolutionStatistics(today)
    fields_seen: dict[str, tuple[int, StandingCounts]] = {}
    hamlets_seen: dict[str, StandingCounts] = {}
    for facts in petitions:
        value = standing(facts, today)
        if value is None:
            continue
        stats.overall.add(value)
        field_name = facts.field.strip() or NO_FIELD
        position = facts.field_position if facts.field.strip() else 2_000_000
        entry = fields_seen.setdefault(field_name, (position, StandingCounts()))
        entry[1].add(value)
        hamlets_seen.setdefault(facts.hamlet.strip() or NO_HAMLET, StandingCounts()).add(value)
    stats.by_field = [
        (name, counts)
        for name, (_pos, counts) in sorted(fields_seen.items(), key=lambda kv: (kv[1][0], sort_key(kv[0])))
    ]
    stats.by_hamlet = sorted(hamlets_seen.items(), key=lambda kv: (kv[0] == NO_HAMLET, sort_key(kv[0])))
    return stats


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


def standing_fields() -> list[str]:
    """Names of the :class:`StandingCounts` counters in report order (for tables and .xlsx)."""
    return [f.name for f in fields(StandingCounts)]
