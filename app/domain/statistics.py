"""Counting petitions by standing: the figures the Báo cáo, the follow-up screen and .xlsx share.

Each petition's standing comes from :func:`app.domain.standing.petition_standing`, the one rule;
this module only counts, overall, per field and per thôn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from app.domain.standing import DEFAULT_NEAR_DUE_DAYS, PetitionFacts, Standing, petition_standing
from app.domain.text import sort_key


@dataclass
class StandingCounts:
    """Counts of one group of petitions; ``total`` is the sum of the standings.

    ``in_progress`` counts every open petition still in time, near-due ones included;
    ``near_due`` is that part of it whose deadline comes within the threshold.
    """

    total: int = 0
    answered: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress: int = 0
    near_due: int = 0
    overdue: int = 0
    forwarded: int = 0
    out_of_competence: int = 0
    pending: int = 0
    withdrawn: int = 0

    def add(self, value: Standing) -> None:
        self.total += 1
        if value is Standing.NEAR_DUE:
            self.in_progress += 1
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


def resolution_statistics(
    petitions: Iterable[PetitionFacts], today: date, near_due_days: int = DEFAULT_NEAR_DUE_DAYS
) -> ResolutionStatistics:
    """Count petitions by standing, overall, per field and per thôn, as they stand ``today``.

    Duplicates are counted with their original, so they are left out here.
    """
    stats = ResolutionStatistics(today)
    fields_seen: dict[str, tuple[int, StandingCounts]] = {}
    hamlets_seen: dict[str, StandingCounts] = {}
    for facts in petitions:
        value = petition_standing(facts, today, near_due_days).standing
        if value is Standing.DUPLICATE:
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


def group_counts(
    items: Iterable[tuple[Standing, Iterable[str]]], *, last: str | None = None
) -> list[tuple[str, StandingCounts]]:
    """Counts per group name, a petition counted once in each group it names (two lead units: both).

    Groups come in Vietnamese dictionary order, ``last`` (the "unknown" group) at the end.
    Duplicates are left out, as in :func:`resolution_statistics`.
    """
    # Standings are tallied per group first and turned into counts once per group: a year of
    # a busy commune is tens of thousands of (group, standing) pairs.
    tally: dict[str, dict[Standing, int]] = {}
    for value, names in items:
        if value is Standing.DUPLICATE:
            continue
        # Most petitions name one group: no need to drop repeats then.
        for name in names if isinstance(names, tuple) and len(names) == 1 else dict.fromkeys(names):
            per = tally.get(name)
            if per is None:
                per = tally[name] = {}
            per[value] = per.get(value, 0) + 1
    return _ordered(tally, last)


def count_groups(
    pairs: Iterable[tuple[str, Standing]], *, last: str | None = None
) -> list[tuple[str, StandingCounts]]:
    """:func:`group_counts` from (group, standing) pairs, a pair per petition and group.

    The pairs are counted by :class:`collections.Counter` (in C) before anything else: a year of
    a busy commune is tens of thousands of pairs but a few hundred distinct ones.
    """
    tally: dict[str, dict[Standing, int]] = {}
    for (name, value), n in Counter(pairs).items():
        if value is not Standing.DUPLICATE:
            tally.setdefault(name, {})[value] = n
    return _ordered(tally, last)


def _ordered(tally: dict[str, dict[Standing, int]], last: str | None) -> list[tuple[str, StandingCounts]]:
    """Groups in Vietnamese dictionary order, ``last`` (the "unknown" group) at the end."""
    groups = {name: counts_of(per) for name, per in tally.items()}
    return sorted(groups.items(), key=lambda kv: (kv[0] == last, sort_key(kv[0])))


def counts_of(tally: Mapping[Standing, int]) -> StandingCounts:
    """The counts of a group from how many petitions stand each way (what ``add`` would give)."""
    counts = StandingCounts()
    for value, n in tally.items():
        counts.total += n
        if value is Standing.NEAR_DUE:
            counts.in_progress += n
        setattr(counts, value.value, getattr(counts, value.value) + n)
    return counts
