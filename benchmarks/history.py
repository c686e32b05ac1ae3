"""A realistic history of one commune, written two ways from one plan.

:func:`make_plan` draws, from a seed, everything that happened: yearly plans, quarterly dialogues
(split by cluster of thôn), who spoke, what they asked, who answered, which unit got the matter
with which deadline, the follow-up replies and how each petition ended. Then either

- :func:`write_with_services` replays it through the service functions, one user action at a time,
  as the live screen and the follow-up screen would (the reference, slow); or
- :func:`write_in_bulk` writes the high-volume rows (petitions, minute lines, answers, assignments,
  replies, audit lines) with Core ``executemany``, one transaction per year.

Both create the small things (organisation, catalogues, plans, dialogues, start and end of each
meeting) through the same services. Every value the services derive (search key, speaker label,
status after an answer) comes from the functions the services call, so the bulk rows follow when
the services change; ``tests/app/test_generator.py`` compares both results table by table.
"""

from __future__ import annotations

import bisect
import functools
import inspect
import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, event, func, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.domain.followup import UpdateKind
from app.domain.rules import (
    DEFAULT_FIELDS,
    OUTCOME_STATUS,
    AnswerOutcome,
    MinuteKind,
    PetitionKind,
    PetitionSource,
    PetitionStatus,
)
from app.domain.text import clean
from app.services import audit, catalog, dialogues, followup, minutes, petitions, plans, search, settings
from app.storage import models
from app.storage.database import Database
from app.storage.models import (
    Answer,
    Assignment,
    AuditEvent,
    Base,
    Counter,
    Hamlet,
    MinuteEntry,
    Petition,
    ResolutionUpdate,
    assignment_support,
    refresh_derived,
)
from benchmarks import words

# Bump when the plan or the way rows are written changes: run.py then rebuilds its database.
GENERATOR_VERSION = 2  # 2: derived order columns (revision 0012) and position counters
BULK_CACHE_KIB = 256 * 1024  # page cache of the bulk connection
PETITIONS_PER_DIALOGUE = 250  # 100 000 petitions over 20 years ≈ 400 dialogues

ORGANIZATION = settings.OrganizationInput(
    name="ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG",
    place_name="Lương Phong",
    issuer_code="UBND",
    signer_name="Trần Quốc Hưng",
    signer_title="Chủ tịch",
    signing_authority="TM. ỦY BAN NHÂN DÂN",
)


# --- the plan: plain data, drawn once from a seed -------------------------------------------------


@dataclass(frozen=True)
class AnswerStep:
    leader: int  # index into words.LEADERS
    outcome: AnswerOutcome
    content: str
    at: datetime
    lead_unit: int | None = None  # index into DEFAULT_UNITS
    support: tuple[int, ...] = ()
    deadline: date | None = None
    forwarded_to: str = ""


@dataclass(frozen=True)
class FollowStep:
    """Something the office records after the meeting (the follow-up screen)."""

    kind: str  # "assign" | "result" (a unit's reply) | "update" (closed otherwise) | "forward"
    on: date
    lead_unit: int | None = None
    support: tuple[int, ...] = ()
    deadline: date | None = None
    task: str = ""
    result: str = ""
    status_after: PetitionStatus | None = None
    reply_number: str = ""
    authority: str = ""


@dataclass(frozen=True)
class PetitionPlan:
    name: str
    hamlet: int  # index into words.HAMLETS
    field: int  # index into DEFAULT_FIELDS
    kind: PetitionKind
    content: str
    anonymous: bool = False
    group_org: str = ""  # a group petition (collected only): the tổ chức that sent it
    phone: str = ""
    collected_on: date | None = None  # gathered before the meeting
    raised_at: datetime | None = None  # raised at the meeting (a speech in the minutes)
    answers: tuple[AnswerStep, ...] = ()
    follow: tuple[FollowStep, ...] = ()


@dataclass(frozen=True)
class DialoguePlan:
    title: str
    quarter: int
    scheduled_at: datetime
    place: str
    audience: str
    chair: int
    co_chairs: tuple[int, ...]
    secretary: str
    collect_deadline: date
    held: bool
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # leaders, units, hamlet heads, citizens
    opening: tuple[int, str] = (0, "")  # (leader, what was said)
    report: tuple[int, str] = (0, "")
    petitions: tuple[PetitionPlan, ...] = ()  # creation order: collected first, then by speech
    conclusions: tuple[str, ...] = ()
    ended_at: datetime | None = None

    def speeches(self) -> list[PetitionPlan]:
        """Petitions raised at the meeting, in the order they were raised."""
        raised = [p for p in self.petitions if p.raised_at is not None]
        return sorted(raised, key=lambda p: p.raised_at or datetime.min)


@dataclass(frozen=True)
class YearPlan:
    year: int
    issued_on: date
    number: int
    dialogues: tuple[DialoguePlan, ...]


@dataclass(frozen=True)
class HistoryPlan:
    today: date
    years: tuple[YearPlan, ...]

    @property
    def petition_count(self) -> int:
        return sum(len(d.petitions) for y in self.years for d in y.dialogues)


@functools.cache
def _cumulative(pairs: tuple[tuple[Any, float], ...]) -> tuple[tuple[Any, ...], list[float]]:
    values, weights = zip(*pairs, strict=True)
    return values, list(itertools.accumulate(weights))


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    # choices() with cum_weights draws exactly as with the weights it would accumulate itself.
    values, cumulative = _cumulative(pairs)
    return rng.choices(values, cum_weights=cumulative)[0]


FIELD_WEIGHTS = tuple(enumerate((14, 6, 5, 14, 9, 10, 5, 5, 4, 7, 5, 3, 7, 3)))  # by DEFAULT_FIELDS
KIND_WEIGHTS = (
    (PetitionKind.PROPOSAL, 60), (PetitionKind.OPINION, 15), (PetitionKind.REPORT, 20),
    (PetitionKind.COMPLAINT, 4), (PetitionKind.DENUNCIATION, 1),
)  # fmt: skip
OUTCOME_WEIGHTS = (
    (AnswerOutcome.ANSWERED, 30), (AnswerOutcome.ASSIGNED, 55), (AnswerOutcome.FORWARDED, 8),
    (AnswerOutcome.NOTED, 7),
)  # fmt: skip


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.families = [name for name, _w in words.FAMILY_NAMES]
        self.cumulative = list(itertools.accumulate(w for _n, w in words.FAMILY_NAMES))
        # People speak up again over the years: a commune's pool of regular speakers.
        self.pool = [self.fresh() for _ in range(1500)]

    def fresh(self) -> str:
        rng = self.rng
        family = self.families[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]
        if rng.random() < 0.45:
            return f"{family} {rng.choice(words.FEMALE_MIDDLE)} {rng.choice(words.FEMALE_GIVEN)}"
        return f"{family} {rng.choice(words.MALE_MIDDLE)} {rng.choice(words.MALE_GIVEN)}"

    def pick(self) -> str:
        return self.rng.choice(self.pool) if self.rng.random() < 0.3 else self.fresh()


def _content(rng: random.Random, field_index: int, hamlet: str) -> str:
    problem = rng.choice(words.PROBLEMS[field_index])
    first, _space, rest = hamlet.partition(" ")
    opener = rng.choice(words.OPENERS).format(problem=problem, hamlet=f"{first.lower()} {rest}")
    parts = [opener]
    if rng.random() < 0.6:
        parts.append(rng.choice(words.LOCATIONS))
    sentence = ", nhất là ".join(parts) + "; " + rng.choice(words.REQUESTS) + "."
    closing = rng.choice(words.CLOSINGS)
    text = f"{sentence} {closing}".strip()
    return text[0].upper() + text[1:]


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """``total`` split along ``shares`` exactly (largest remainder)."""
    whole = sum(shares)
    raw = [total * s / whole for s in shares]
    counts = [int(r) for r in raw]
    for index in sorted(range(len(raw)), key=lambda i: counts[i] - raw[i])[: total - sum(counts)]:
        counts[index] += 1
    return counts


def make_plan(petition_total: int, years: int, *, seed: int = 1, today: date | None = None) -> HistoryPlan:
    """Everything that happened in ``years`` years up to ``today``, with ``petition_total`` petitions."""
    rng = random.Random(seed)
    today = today or date.today()
    names = _Names(rng)
    first_year = today.year - years + 1
    clusters = max(1, round(petition_total / PETITIONS_PER_DIALOGUE / (4 * years)))
    hamlet_ids = list(range(len(words.HAMLETS)))

    # The calendar first: which dialogues, when, for which thôn.
    calendar: list[tuple[int, int, datetime, list[int]]] = []  # year, quarter, when, thôn
    for year in range(first_year, today.year + 1):
        for quarter in range(1, 5):
            split = max(1, clusters + rng.choice((-1, 0, 0, 1))) if clusters > 1 else 1
            rng.shuffle(hamlet_ids)
            groups = [sorted(hamlet_ids[i::split]) for i in range(split)]
            month = 3 * quarter - rng.choice((0, 1))
            for index, group in enumerate(groups):
                day = min(28, 8 + 4 * index + rng.randint(0, 3))
                when = datetime.combine(date(year, month, day), time(rng.choice((8, 14)), 0))
                calendar.append((year, quarter, when, group))
    # The next dialogue is already planned and collecting opinions.
    upcoming = min(today + timedelta(days=20), date(today.year, 12, 30))
    if upcoming > today and all(when.date() < upcoming for _y, _q, when, _g in calendar):
        calendar.append(
            (
                today.year,
                (upcoming.month - 1) // 3 + 1,
                datetime.combine(upcoming, time(8)),
                sorted(hamlet_ids),
            )
        )
    held_share = [rng.uniform(0.55, 1.6) if when.date() < today else 0.15 for _y, _q, when, _g in calendar]
    counts = _split(petition_total, held_share)

    by_year: dict[int, list[DialoguePlan]] = {}
    for (year, quarter, when, group), count in zip(calendar, counts, strict=True):
        by_year.setdefault(year, []).append(
            _dialogue_plan(rng, names, year, quarter, when, group, count, today)
        )
    return HistoryPlan(
        today=today,
        years=tuple(
            YearPlan(year, date(year, 1, rng.randint(5, 20)), rng.randint(1, 9), tuple(items))
            for year, items in sorted(by_year.items())
        ),
    )


def _era_leaders(year: int) -> tuple[int, list[int]]:
    """(chair, who answers) for the term of office ``year`` falls in."""
    if (year // 5) % 2 == 0:
        return 0, [0, 1, 2, 4, 5]
    return 6, [6, 7, 2, 4, 5]


def _dialogue_plan(
    rng: random.Random,
    names: _Names,
    year: int,
    quarter: int,
    when: datetime,
    group: list[int],
    count: int,
    today: date,
) -> DialoguePlan:
    chair, answerers = _era_leaders(year)
    hamlet_names = [words.HAMLETS[i] for i in group]
    cluster = (
        " – cụm "
        + ", ".join(name.split(" ", 1)[1] if name.startswith("Thôn ") else name for name in hamlet_names)
        if len(group) < len(words.HAMLETS)
        else ""
    )
    title = f"Hội nghị đối thoại với Nhân dân Quý {'I II III IV'.split()[quarter - 1]} năm {year}{cluster}"
    first, _space, rest = hamlet_names[0].partition(" ")
    place = rng.choice(words.PLACES).format(hamlet=f"{first.lower()} {rest}")
    held = when.date() < today
    collect_deadline = when.date() - timedelta(days=rng.choice((5, 7, 10)))
    collect_start = collect_deadline - timedelta(days=20)
    items: list[PetitionPlan] = []
    speeches: list[PetitionPlan] = []
    clock = when + timedelta(minutes=25)  # after the opening and the report
    for _ in range(count):
        hamlet = rng.choice(group)
        field_index = _weighted(rng, FIELD_WEIGHTS)
        kind = _weighted(rng, KIND_WEIGHTS)
        content = _content(rng, field_index, words.HAMLETS[hamlet])
        # A meeting still to come has only what was collected so far.
        collected = not held or rng.random() < 0.2
        if collected:
            received = min(today, collect_start + timedelta(days=rng.randint(0, 20)))
            group_petition = rng.random() < 0.05
            name = "" if group_petition else names.pick()
            plan = PetitionPlan(
                name=name,
                hamlet=hamlet,
                field=field_index,
                kind=kind,
                content=content,
                group_org=f"Chi hội Nông dân {words.HAMLETS[hamlet]}" if group_petition else "",
                phone=f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.4 else "",
                collected_on=received,
                raised_at=None,
            )
            raised = held and rng.random() < 0.75
        else:
            anonymous = rng.random() < 0.03
            plan = PetitionPlan(
                name="" if anonymous else names.pick(),
                hamlet=hamlet,
                field=field_index,
                kind=kind,
                content=content,
                anonymous=anonymous,
            )
            raised = True
        if raised:
            clock += timedelta(minutes=rng.choice((1, 2, 2, 3)))
            plan = _with_meeting(rng, plan, clock, when.date(), answerers, today)
            clock = (plan.answers[-1].at if plan.answers else clock) + timedelta(minutes=1)
            speeches.append(plan)
        elif held:
            plan = _with_follow_up(rng, plan, when.date(), "none", None, today)
        if plan.collected_on is not None:
            items.append(plan)
    items.sort(key=lambda p: p.collected_on or date.min)
    items += [p for p in speeches if p.collected_on is None]
    return DialoguePlan(
        title=title,
        quarter=quarter,
        scheduled_at=when,
        place=place,
        audience=rng.choice(words.AUDIENCES),
        chair=chair,
        co_chairs=(3, 5) if rng.random() < 0.7 else (3,),
        secretary=rng.choice(words.SECRETARIES),
        collect_deadline=collect_deadline,
        held=held,
        counts=(rng.randint(4, 9), rng.randint(6, 12), len(group), rng.randint(60, 220))
        if held
        else (0, 0, 0, 0),
        opening=(chair, rng.choice(words.OPENINGS)),
        report=(answerers[1], rng.choice(words.REPORTS)),
        petitions=tuple(items),
        conclusions=tuple(rng.sample(words.CONCLUSIONS, rng.randint(2, 4))) if held else (),
        ended_at=clock + timedelta(minutes=15) if held else None,
    )


def _with_meeting(
    rng: random.Random, plan: PetitionPlan, at: datetime, day: date, answerers: list[int], today: date
) -> PetitionPlan:
    """Raised at ``at``; answered on the spot (once, sometimes twice, rarely not at all)."""
    answers: list[AnswerStep] = []
    state, deadline = "none", None
    if rng.random() < 0.96:
        clock = at + timedelta(minutes=1)
        outcome = _weighted(rng, OUTCOME_WEIGHTS)
        if outcome == AnswerOutcome.ANSWERED and rng.random() < 0.08:
            # A first answer, then a leader adds the decision.
            answers.append(AnswerStep(rng.choice(answerers), outcome, rng.choice(words.ANSWERED), clock))
            clock += timedelta(minutes=1)
            outcome = AnswerOutcome.ASSIGNED
        step = _answer(rng, outcome, clock, day, answerers)
        answers.append(step)
        state, deadline = outcome.value, step.deadline
    plan = PetitionPlan(**{**plan.__dict__, "raised_at": at, "answers": tuple(answers)})
    return _with_follow_up(rng, plan, day, state, deadline, today)


def _answer(
    rng: random.Random, outcome: AnswerOutcome, at: datetime, day: date, answerers: list[int]
) -> AnswerStep:
    leader = rng.choice(answerers)
    if outcome == AnswerOutcome.ASSIGNED:
        return AnswerStep(
            leader,
            outcome,
            rng.choice(words.ASSIGNED),
            at,
            lead_unit=rng.choice((0, 1, 1, 1, 2, 3, 3, 4, 5, 5, 6)),
            support=tuple(sorted(rng.sample(range(7, 12), rng.randint(1, 2)))) if rng.random() < 0.4 else (),
            deadline=day + timedelta(days=rng.choice((10, 15, 20, 30, 30, 45, 60, 90))),
        )
    if outcome == AnswerOutcome.FORWARDED:
        return AnswerStep(
            leader, outcome, rng.choice(words.FORWARDED), at, forwarded_to=rng.choice(words.AUTHORITIES)
        )
    pool = words.ANSWERED if outcome == AnswerOutcome.ANSWERED else words.NOTED
    return AnswerStep(leader, outcome, rng.choice(pool), at)


def _reply_number(rng: random.Random, unit: int | None) -> str:
    code = words.UNIT_CODES[unit] if unit is not None else "VP"
    return f"{rng.randint(1, 199):02d}/BC-{code}"


def _with_follow_up(
    rng: random.Random, plan: PetitionPlan, day: date, state: str, deadline: date | None, today: date
) -> PetitionPlan:
    """What the office recorded afterwards, up to ``today``: most matters end resolved."""
    steps: list[FollowStep] = []
    recent = (today - day).days < 400
    unit = None
    if state in ("none", "noted"):
        r = rng.random()
        when = day + timedelta(days=rng.randint(3, 12))
        if r < 0.08:
            steps.append(FollowStep("forward", when, authority=rng.choice(words.AUTHORITIES)))
        elif r < 0.13:
            steps.append(_closing(rng, when, PetitionStatus.OUT_OF_COMPETENCE, words.OUT_OF_COMPETENCE))
        elif r < 0.16:
            steps.append(_closing(rng, when, PetitionStatus.WITHDRAWN, words.WITHDRAWN))
        elif r < 0.19:
            steps.append(_closing(rng, when, PetitionStatus.DUPLICATE, words.DUPLICATE))
        else:
            unit = rng.choice((0, 1, 2, 3, 4, 5))
            deadline = when + timedelta(days=rng.choice((15, 30, 45)))
            steps.append(
                FollowStep("assign", when, lead_unit=unit, deadline=deadline, task=rng.choice(words.TASKS))
            )
            state = "assigned"
    if state == "assigned" and deadline is not None:
        unit = unit if unit is not None else (plan.answers[-1].lead_unit if plan.answers else None)
        start = steps[-1].on if steps else day
        if rng.random() < 0.1:
            # A second unit takes over part of the matter, with its own, later deadline.
            unit = rng.choice((1, 2, 3, 5))
            when = start + timedelta(days=rng.randint(5, 20))
            steps.append(
                FollowStep(
                    "assign",
                    when,
                    lead_unit=unit,
                    support=(8,) if rng.random() < 0.5 else (),
                    deadline=max(deadline, when) + timedelta(days=rng.choice((15, 30))),
                    task=rng.choice(words.TASKS),
                )
            )
            deadline = steps[-1].deadline or deadline
        if rng.random() < 0.3:
            steps.append(
                FollowStep(
                    "result",
                    start + timedelta(days=max(1, (deadline - start).days // 2)),
                    result=rng.choice(words.PROGRESS),
                    status_after=PetitionStatus.IN_PROGRESS,
                    reply_number=_reply_number(rng, unit),
                )
            )
        r = rng.random()
        stays_open = 0.3 if recent else 0.03
        if r >= stays_open:
            late = rng.random() < 0.25
            span = max(1, (deadline - start).days)
            when = (
                deadline + timedelta(days=rng.randint(1, 60))
                if late
                else start + timedelta(days=rng.randint(1, span))
            )
            when = max(when, steps[-1].on if steps else start)
            steps.append(
                FollowStep(
                    "result",
                    when,
                    result=rng.choice(words.RESOLVED),
                    status_after=PetitionStatus.RESOLVED,
                    reply_number=_reply_number(rng, unit),
                )
            )
    steps = [s for s in steps if s.on <= today]
    return PetitionPlan(**{**plan.__dict__, "follow": tuple(steps)})


def _closing(rng: random.Random, on: date, status: PetitionStatus, texts: Sequence[str]) -> FollowStep:
    return FollowStep("update", on, result=rng.choice(texts), status_after=status)


# --- what both ways share: catalogues, plans, dialogues, start and end of each meeting -----------


@dataclass
class Catalogue:
    """Database ids of the plan's indexes (fields, units, thôn, leaders)."""

    organization: int
    fields: list[int]
    units: list[int]
    hamlets: list[int]
    leaders: list[int]
    leader_labels: list[str] = field(default_factory=list)  # "họ tên, chức vụ" as answers show them


def open_database(path: Path) -> Database:
    """A new database file, created the way the program creates one."""
    if "create" in inspect.signature(Database.open).parameters:
        return Database.open(path, create=True)  # type: ignore[call-arg]
    return Database.open(path)


def _setup(session: Session) -> Catalogue:
    info = settings.save_organization(session, ORGANIZATION, make_current=True, add_chair=False)
    catalog.ensure_defaults(session)
    hamlets = [catalog.add_entry(session, "hamlet", name).id for name in words.HAMLETS]
    leaders = [catalog.add_leader(session, name, title) for name, title in words.LEADERS]
    fields = {e.name: e.id for e in catalog.list_entries(session, "field")}
    units = {e.name: e.id for e in catalog.list_entries(session, "unit")}
    from app.domain.rules import DEFAULT_UNITS

    return Catalogue(
        organization=info.id,
        fields=[fields[name] for name in DEFAULT_FIELDS],
        units=[units[name] for name in DEFAULT_UNITS],
        hamlets=hamlets,
        leaders=[leader.id for leader in leaders],
        leader_labels=[f"{leader.full_name}, {leader.title}" for leader in leaders],
    )


def _create_plan(session: Session, ids: Catalogue, year: YearPlan, today: date) -> int:
    data = plans.new_plan_input(session, year=year.year, organization_id=ids.organization, today=today)
    data.number, data.issued_on = year.number, year.issued_on
    return plans.create_plan(session, data)


def _create_dialogue(session: Session, ids: Catalogue, plan_id: int, year: int, d: DialoguePlan) -> int:
    return dialogues.create_dialogue(
        session,
        dialogues.DialogueInput(
            organization_id=ids.organization,
            title=d.title,
            scheduled_at=d.scheduled_at,
            quarter=d.quarter,
            place=d.place,
            audience=d.audience,
            participants="Lãnh đạo Đảng ủy, HĐND, UBND, Ủy ban MTTQ xã; trưởng các thôn; Nhân dân",
            chair_id=ids.leaders[d.chair],
            co_chair_ids=tuple(ids.leaders[i] for i in d.co_chairs),
            secretary_name=d.secretary,
            collect_deadline=d.collect_deadline,
            plan_id=plan_id,
            plan_year=year,
        ),
    )


def _open_meeting(session: Session, ids: Catalogue, dialogue_id: int, d: DialoguePlan) -> None:
    minutes.start_dialogue(session, dialogue_id, now=d.scheduled_at)
    leaders, units, heads, citizens = d.counts
    minutes.set_attendance(
        session, dialogue_id, leaders=leaders, units=units, hamlet_heads=heads, citizens=citizens
    )
    for kind, (leader, content), minute in (
        (MinuteKind.OPENING, d.opening, 0),
        (MinuteKind.REPORT, d.report, 5),
    ):
        minutes.add_entry(
            session,
            dialogue_id,
            kind,
            speaker=ids.leader_labels[leader],
            content=content,
            at=d.scheduled_at + timedelta(minutes=minute),
        )


def _close_meeting(session: Session, dialogue_id: int, d: DialoguePlan) -> None:
    minutes.end_dialogue(session, dialogue_id, list(d.conclusions), now=d.ended_at)


# --- way 1: one service call per user action (the reference) -------------------------------------


def write_with_services(
    db: Database, plan: HistoryPlan, progress: Callable[[str], None] | None = None
) -> None:
    with db.transaction() as session:
        ids = _setup(session)
    for year in plan.years:
        with db.transaction() as session:
            plan_id = _create_plan(session, ids, year, plan.today)
        for d in year.dialogues:
            with db.transaction() as session:
                _dialogue_with_services(session, ids, plan_id, year.year, d)
        if progress:
            progress(f"year {year.year}")
    _settle_counters_and_ids(db)


def _settle_counters_and_ids(db: Database) -> None:
    """After rows written with their own positions and ids: counters and sequences follow them."""
    with db.transaction() as session:
        # The positions were written in bulk: their counters end where the services' would.
        for model, prefix in ((Petition, "petition.position"), (MinuteEntry, "minute_entry.position")):
            tops = session.execute(
                select(model.dialogue_id, func.max(model.position))
                .where(model.dialogue_id.is_not(None))
                .group_by(model.dialogue_id)
            ).all()
            for dialogue_id, top in tops:
                session.merge(Counter(name=f"{prefix}:{dialogue_id}", value=int(top)))
    if db.on_server:
        # The bulk rows carry their own ids: move each table's sequence past them.
        with db.transaction() as session:
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key:
                    session.connection().exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                    )


def _dialogue_with_services(
    session: Session, ids: Catalogue, plan_id: int, year: int, d: DialoguePlan
) -> None:
    dialogue_id = _create_dialogue(session, ids, plan_id, year, d)
    petition_ids: dict[int, int] = {}  # id(plan) → database id
    for p in d.petitions:
        if p.collected_on is None:
            continue
        petition_ids[id(p)] = petitions.create_petition(
            session,
            petitions.PetitionInput(
                content=p.content,
                petitioner_name=p.name,
                hamlet_id=ids.hamlets[p.hamlet],
                field_id=ids.fields[p.field],
                kind=p.kind,
                source=PetitionSource.COLLECTED,
                dialogue_id=dialogue_id,
                petitioner_phone=p.phone,
                petitioner_org=p.group_org,
                is_group=bool(p.group_org),
                received_on=p.collected_on,
            ),
        )
    if not d.held:
        return
    _open_meeting(session, ids, dialogue_id, d)
    for p in d.speeches():
        assert p.raised_at is not None
        if p.collected_on is not None:
            minutes.tick_collected(session, petition_ids[id(p)], dialogue_id, at=p.raised_at)
        else:
            # The live screen: the opinion exists from the first key, then autosave fills it in.
            opinion = minutes.OpinionInput(
                petitioner_name=p.name,
                hamlet=words.HAMLETS[p.hamlet],
                field_id=ids.fields[p.field],
                kind=p.kind,
                is_anonymous=p.anonymous,
            )
            petition_id, _entry = minutes.record_opinion(session, dialogue_id, opinion, at=p.raised_at)
            opinion.content = p.content
            minutes.update_opinion(session, petition_id, opinion)
            petition_ids[id(p)] = petition_id
        for a in p.answers:
            minutes.answer(
                session,
                minutes.AnswerInput(
                    petition_id=petition_ids[id(p)],
                    content=a.content,
                    outcome=a.outcome,
                    leader_id=ids.leaders[a.leader],
                    lead_unit_id=ids.units[a.lead_unit] if a.lead_unit is not None else None,
                    supporting_unit_ids=[ids.units[u] for u in a.support],
                    deadline=a.deadline,
                    forwarded_to=a.forwarded_to,
                    at=a.at,
                ),
            )
    _close_meeting(session, dialogue_id, d)
    for p in d.petitions:
        for step in p.follow:
            petition_id = petition_ids[id(p)]
            if step.kind == "assign":
                assert step.lead_unit is not None and step.deadline is not None
                petitions.assign(
                    session,
                    petition_id,
                    lead_unit_id=ids.units[step.lead_unit],
                    deadline=step.deadline,
                    task=step.task,
                    supporting_unit_ids=[ids.units[u] for u in step.support],
                    assigned_on=step.on,
                )
            elif step.kind == "forward":
                petitions.forward(session, petition_id, step.authority)
            elif step.kind == "result":  # Theo dõi giải quyết: «Ghi kết quả»
                assert step.status_after is not None
                followup.record_result(
                    session,
                    petition_id,
                    on=step.on,
                    result=step.result,
                    status_after=step.status_after,
                    reply_number=step.reply_number,
                    reply_date=step.on if step.reply_number else None,
                )
            else:
                assert step.status_after is not None
                petitions.record_update(
                    session,
                    petition_id,
                    on=step.on,
                    result=step.result,
                    status_after=step.status_after,
                    reply_number=step.reply_number,
                    reply_date=step.on if step.reply_number else None,
                )


# --- way 2: the same rows in bulk ---------------------------------------------------------------


class _Rows:
    """Rows of one dialogue, per table, in the order the services would write them."""

    def __init__(self, next_ids: dict[str, int]) -> None:
        self.next_ids = next_ids
        self.petition: list[dict[str, Any]] = []
        self.entry: list[dict[str, Any]] = []
        self.answer: list[dict[str, Any]] = []
        self.assignment: list[dict[str, Any]] = []
        self.support: list[dict[str, Any]] = []
        self.update: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []

    def new_id(self, table: str) -> int:
        self.next_ids[table] += 1
        return self.next_ids[table]

    def log(self, at: datetime, action: str, entity: str, entity_id: int, user: str, **details: Any) -> None:
        self.audit.append(
            {
                "at": at,
                "user": user,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "details": details,
            }
        )

    def write(self, session: Session) -> None:
        connection = session.connection()
        # The bodies of the records these rows name, as a loaded record gives them to the listeners.
        bodies = {("petition", row["id"]): row["organization_id"] for row in self.petition}
        for table, rows in (
            (Petition.__table__, self.petition),
            (MinuteEntry.__table__, self.entry),
            (Answer.__table__, self.answer),
            (Assignment.__table__, self.assignment),
            (assignment_support, self.support),
            (ResolutionUpdate.__table__, self.update),
            (AuditEvent.__table__, self.audit),
        ):
            # Rows of one kind share their columns (a unit's result carries more than a closing note).
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for row in rows:
                groups.setdefault(tuple(row), []).append(row)
            for group in groups.values():
                _insert_many(connection, table, _completed(connection, table, group, bodies))


_MAPPED: dict[str, type[Any]] = {
    model.__tablename__: model
    for model in (Petition, MinuteEntry, Answer, Assignment, ResolutionUpdate, AuditEvent)
}


def _completed(
    connection: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    bodies: dict[tuple[str, int], int] | None = None,
) -> list[dict[str, Any]]:
    """``rows`` with what the ORM adds on the services' way: flush listeners, then scalar defaults.

    The models keep derived columns (stored collation keys …) in ``before_insert`` listeners. A
    listener known to _ROW_RULES is applied to the plain rows through the function it calls
    itself; if a model has any other listener, every listener runs on a transient object holding
    the row, so the bulk rows still get the values the services' rows get.
    """
    model = _MAPPED.get(table.name)
    if model is not None:
        mapper = sa_inspect(model)
        listeners = list(mapper.dispatch.before_insert)
        rules = [
            rule
            for listener, rule in _ROW_RULES.get(model, ())
            if event.contains(model, "before_insert", listener)
        ]
        if len(rules) == len(listeners):
            for rule in rules:
                rule(connection, rows, bodies or {})
        else:
            _through_listeners(connection, model, rows)
    for column in table.columns:
        default = column.default
        if column.name not in rows[0] and default is not None and getattr(default, "is_scalar", False):
            value = default.arg  # type: ignore[attr-defined]
            for row in rows:
                row[column.name] = value
    return rows


def _through_listeners(connection: Connection, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Run the model's ``before_insert`` listeners on a transient object per row; copy back the result."""
    mapper = sa_inspect(model)
    listeners = list(mapper.dispatch.before_insert)
    keys = {attr.key for attr in mapper.column_attrs}
    for row in rows:
        target = model(**{k: v for k, v in row.items() if k in keys})
        state = sa_inspect(target)  # the mapper's dispatch hands listeners the instance state
        for listener in listeners:
            listener(mapper, connection, state)
        row.update((k, v) for k, v in vars(target).items() if k in keys)


# What each listener does to a new row, on the plain rows (a transient object per row, only to
# run the listeners on it, was a fifth of the generation): the listener's own function, called
# with what the listener would read from the object. _completed checks they are all registered.
_RowRule = Callable[[Connection, list[dict[str, Any]], dict[tuple[str, int], int]], None]


def _petition_commune_rows(connection: Connection, rows: list[dict[str, Any]], _bodies: Any) -> None:
    # models._petition_commune leaves a new row's body as it is; the bulk rows carry their dialogue's.
    unplaced = [row for row in rows if row.get("organization_id") is None]
    if unplaced:
        _through_listeners(connection, Petition, unplaced)


def _petition_keys_rows(_connection: Connection, rows: list[dict[str, Any]], _bodies: Any) -> None:
    for row in rows:  # models._petition_keys on a new row
        row["petitioner_sort"], row["content_sort"] = models.petition_sort_keys(
            row.get("petitioner_name"), row.get("is_anonymous"), row.get("content"), row.get("is_group")
        )


def _audit_commune_rows(
    connection: Connection, rows: list[dict[str, Any]], bodies: dict[tuple[str, int], int]
) -> None:
    for row in rows:  # models._audit_commune on a line written without a session
        if row.get("commune_id") is None:
            entity, entity_id = row["entity"], row.get("entity_id")
            row["commune_id"] = models.audit_commune(
                connection, None, entity, entity_id, organization_id=bodies.get((entity, entity_id))
            )


_ROW_RULES: dict[type[Any], tuple[tuple[Callable[..., None], _RowRule], ...]] = {
    Petition: (
        (models._petition_commune, _petition_commune_rows),
        (models._petition_keys, _petition_keys_rows),
    ),
    AuditEvent: ((models._audit_commune, _audit_commune_rows),),
}


def _insert_many(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany of ``rows``, values converted by the column types' own bind processors.

    What ``connection.execute(insert(table), rows)`` does, without building and checking a
    parameter dictionary per row (a third of the generation time at 100 000 petitions).
    """
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    columns = [c for c in table.columns if c.name in rows[0]]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    names = [c.name for c in columns]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"  # psycopg on a server
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join(mark for _ in names)})"
    )
    pairs = list(zip(names, processors, strict=True))
    values = [tuple(p(row[n]) if p else row[n] for n, p in pairs) for row in rows]
    connection.exec_driver_sql(sql, values)  # type: ignore[arg-type]


def _after_assignment(status: PetitionStatus) -> PetitionStatus:
    # petitions.assign: a matter given to a unit is being resolved unless it already moved on.
    return PetitionStatus.IN_PROGRESS if status in (PetitionStatus.NEW, PetitionStatus.ANSWERED) else status


def write_in_bulk(db: Database, plan: HistoryPlan, progress: Callable[[str], None] | None = None) -> None:
    with db.transaction() as session:
        # The search indexes are filled once at the end, not row by row (search.pause_index_triggers),
        # and so are the wide deadline-order indexes, which no query of the generation reads.
        paused = search.pause_index_triggers(session)
        deferred = _drop_deferred_indexes(session)
    try:
        _write_years_in_bulk(db, plan, progress)
    finally:
        with db.transaction() as session:
            for statement in deferred:
                session.execute(text(statement))
            search.fill_paused_index(session, paused)
    if progress:
        progress("search indexes")
    _settle_counters_and_ids(db)
    if progress:
        progress("counters")


# Covering indexes (revision 0016) that only the Theo dõi lists read: every petition row is written
# and then updated several times during generation, and keeping these eight-column entries up to
# date cost more than all the rest of a year's work. Built once at the end from their own SQL,
# the schema is the same as the services leave it.
DEFERRED_INDEXES = (
    "ix_petition_due",
    "ix_petition_status_due",
    "ix_petition_field_due",
    "ix_petition_hamlet_due",
    "ix_petition_dialogue_due",
)


def _drop_deferred_indexes(session: Session) -> list[str]:
    """Drop DEFERRED_INDEXES (SQLite); the statements that make them again."""
    if session.get_bind().dialect.name != "sqlite":
        return []
    rows = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    ).all()
    found = [(name, sql) for name, sql in rows if name in DEFERRED_INDEXES]
    for name, _sql in found:
        session.execute(text(f'DROP INDEX "{name}"'))
    return [sql for _name, sql in found]


def _write_years_in_bulk(db: Database, plan: HistoryPlan, progress: Callable[[str], None] | None) -> None:
    with db.transaction() as session:
        ids = _setup(session)
        next_ids = {
            name: session.scalar(select(func.max(model.id))) or 0
            for name, model in (
                ("petition", Petition),
                ("answer", Answer),
                ("assignment", Assignment),
                ("resolution_update", ResolutionUpdate),
            )
        }
        hamlet_names = {ident: name for ident, name in session.execute(select(Hamlet.id, Hamlet.name))}
    user = audit.current_user()
    for year in plan.years:
        with db.transaction() as session:
            # A bigger page cache for this connection only: the indexes on long stored keys are
            # filled in random order, and with SQLite's 2 MiB default every insert went to disk.
            if not db.on_server:
                session.connection().exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
            plan_id = _create_plan(session, ids, year, plan.today)
            for d in year.dialogues:
                dialogue_id = _create_dialogue(session, ids, plan_id, year.year, d)
                if d.held:
                    _open_meeting(session, ids, dialogue_id, d)
                rows = _dialogue_rows(ids, hamlet_names, dialogue_id, d, next_ids, user)
                session.flush()
                rows.write(session)
                # What the flush hook does for the services' writes (models.refresh_derived).
                refresh_derived(
                    session.connection(), f"SELECT id FROM petition WHERE dialogue_id = {dialogue_id}"
                )
                if d.held:
                    _close_meeting(session, dialogue_id, d)
        if progress:
            progress(f"year {year.year}")


def _dialogue_rows(
    ids: Catalogue,
    hamlet_names: dict[int, str],
    dialogue_id: int,
    d: DialoguePlan,
    next_ids: dict[str, int],
    user: str,
) -> _Rows:
    rows = _Rows(next_ids)
    petition_rows: dict[int, dict[str, Any]] = {}
    position = 0
    entry_position = 2 if d.held else 0  # the opening and the report
    meeting_day = d.scheduled_at.date()

    def petition_row(p: PetitionPlan) -> dict[str, Any]:
        nonlocal position
        position += 1
        hamlet_id = ids.hamlets[p.hamlet]
        hamlet = clean(hamlet_names[hamlet_id])
        name = clean(p.name)
        if p.collected_on is not None:  # petitions.create_petition
            row = {
                "source": PetitionSource.COLLECTED,
                "raised_at_meeting": False,
                "received_on": p.collected_on,
                "is_anonymous": False,
                "search_key": petitions.petition_search_key(p.name, hamlet_names[hamlet_id], p.content),
                "created_at": datetime.combine(p.collected_on, time(9)),
            }
        else:  # minutes.record_opinion, then update_opinion with the typed content
            assert p.raised_at is not None
            row = {
                "source": PetitionSource.AT_MEETING,
                "raised_at_meeting": True,
                "received_on": p.raised_at.date(),
                "is_anonymous": p.anonymous or not name,
                "search_key": petitions.petition_search_key(name, hamlet, clean(p.content)),
                "created_at": p.raised_at,
            }
        row.update(
            id=rows.new_id("petition"),
            dialogue_id=dialogue_id,
            # The dialogue's body, as models._petition_commune gives it (it skips a row that has
            # one; asking the database per row was a quarter of the generation).
            organization_id=ids.organization,
            position=position,
            kind=p.kind,
            petitioner_name=name,
            petitioner_phone=clean(p.phone),
            petitioner_address="",
            petitioner_org=clean(p.group_org),
            is_group=bool(p.group_org),
            hamlet_id=hamlet_id,
            field_id=ids.fields[p.field],
            content=clean(p.content),
            status=PetitionStatus.NEW,
            forwarded_to="",
            updated_at=row["created_at"],
        )
        rows.petition.append(row)
        petition_rows[id(p)] = row
        details = {} if p.collected_on is not None else {"live": True}
        rows.log(row["created_at"], "create", "petition", row["id"], user, **details)
        return row

    def entry(kind: MinuteKind, speaker: str, content: str, petition_id: int, at: datetime) -> None:
        nonlocal entry_position
        entry_position += 1
        rows.entry.append(
            {
                "dialogue_id": dialogue_id,
                "position": entry_position,
                "at": at,
                "kind": kind,
                "speaker": clean(speaker),
                "content": clean(content),
                "petition_id": petition_id,
            }
        )

    def assignment(
        row: dict[str, Any], unit: int, deadline: date, task: str, support: Iterable[int], on: date
    ) -> None:
        ident = rows.new_id("assignment")
        rows.assignment.append(
            {
                "id": ident,
                "petition_id": row["id"],
                "lead_unit_id": ids.units[unit],
                "task": clean(task),
                "assigned_on": on,
                "deadline": deadline,
            }
        )
        rows.support.extend({"assignment_id": ident, "unit_id": ids.units[u]} for u in support)
        row["status"] = _after_assignment(row["status"])
        rows.log(datetime.combine(on, time(10)), "create", "assignment", ident, user, petition_id=row["id"])

    for p in d.petitions:
        if p.collected_on is not None:
            petition_row(p)
    for p in d.speeches():
        assert p.raised_at is not None
        if p.collected_on is not None:  # minutes.tick_collected
            row = petition_rows[id(p)]
            row["raised_at_meeting"] = True
            entry(
                MinuteKind.SPEECH,
                minutes._speaker_label(row["petitioner_name"], clean(hamlet_names[row["hamlet_id"]])),
                row["content"],
                row["id"],
                p.raised_at,
            )
            rows.log(p.raised_at, "update", "petition", row["id"], user, raised_at_meeting=True)
        else:
            row = petition_row(p)
            hamlet = clean(words.HAMLETS[p.hamlet])
            entry(
                MinuteKind.SPEECH,
                minutes._speaker_label(row["petitioner_name"], hamlet),
                p.content,
                row["id"],
                p.raised_at,
            )
        for number, a in enumerate(p.answers, start=1):  # minutes.answer
            ident = rows.new_id("answer")
            name, title = words.LEADERS[a.leader]
            rows.answer.append(
                {
                    "id": ident,
                    "petition_id": row["id"],
                    "position": number,
                    "leader_id": ids.leaders[a.leader],
                    "answerer_name": clean(name),
                    "answerer_title": clean(title),
                    "content": clean(a.content),
                    "outcome": a.outcome,
                    "at": a.at,
                }
            )
            row["status"] = OUTCOME_STATUS[a.outcome]
            rows.log(a.at, "create", "answer", ident, user, petition_id=row["id"], outcome=a.outcome.value)
            if a.outcome == AnswerOutcome.ASSIGNED:
                assert a.lead_unit is not None and a.deadline is not None
                assignment(row, a.lead_unit, a.deadline, a.content, a.support, meeting_day)
            elif a.outcome == AnswerOutcome.FORWARDED:
                _forward(rows, row, a.forwarded_to, a.at, user)
            entry(MinuteKind.ANSWER, ids.leader_labels[a.leader], a.content, row["id"], a.at)
    for p in d.petitions:
        row = petition_rows[id(p)]
        for step in p.follow:
            if step.kind == "assign":
                assert step.lead_unit is not None and step.deadline is not None
                assignment(row, step.lead_unit, step.deadline, step.task, step.support, step.on)
            elif step.kind == "forward":
                _forward(rows, row, step.authority, datetime.combine(step.on, time(10)), user)
            elif step.kind == "result":  # followup.record_result
                assert step.status_after is not None
                ident = rows.new_id("resolution_update")
                before = row["status"]
                rows.update.append(
                    {
                        "id": ident,
                        "petition_id": row["id"],
                        "on": step.on,
                        "kind": UpdateKind.RESULT.value,
                        "result": clean(step.result),
                        "status_after": step.status_after,
                        "reply_number": clean(step.reply_number),
                        "reply_date": step.on if step.reply_number else None,
                        "recorded_by": user,
                        "attachment": "",
                        "reason": "",
                        "created_at": datetime.combine(step.on, time(15)),
                    }
                )
                row["status"] = step.status_after
                rows.log(
                    datetime.combine(step.on, time(15)),
                    "record_result",
                    "petition",
                    row["id"],
                    user,
                    update_id=ident,
                    status_before=before.value,
                    status_after=step.status_after.value,
                    attachment=False,
                )
            else:  # petitions.record_update
                assert step.status_after is not None
                ident = rows.new_id("resolution_update")
                rows.update.append(
                    {
                        "id": ident,
                        "petition_id": row["id"],
                        "on": step.on,
                        "result": clean(step.result),
                        "status_after": step.status_after,
                        "reply_number": clean(step.reply_number),
                        "reply_date": step.on if step.reply_number else None,
                        "created_at": datetime.combine(step.on, time(15)),
                    }
                )
                row["status"] = step.status_after
                rows.log(
                    datetime.combine(step.on, time(15)),
                    "create",
                    "resolution_update",
                    ident,
                    user,
                    petition_id=row["id"],
                )
    return rows


def _forward(rows: _Rows, row: dict[str, Any], authority: str, at: datetime, user: str) -> None:
    # petitions.forward
    row["forwarded_to"] = clean(authority)
    row["status"] = PetitionStatus.FORWARDED
    rows.log(at, "update", "petition", row["id"], user, forwarded_to=row["forwarded_to"])
