"""The periodic Báo cáo kết quả giải quyết: every figure of a period, computed once.

The screen, the .docx, the .xlsx and the charts all call :func:`period_report` and print what it
returns; none of them counts. Standings come from :mod:`app.domain.standing` (the one rule:
"on time" is resolved on or before the deadline day, no deadline is never overdue, a reopened
petition counts by its last resolution) through the counters of :mod:`app.domain.statistics`.

Which petitions belong to a period: those of the dialogues held in it (meeting day from start to
end), and those received in it outside any dialogue; the same rule as
:func:`app.services.statistics.period_statistics`. Rows are read with plain column queries (no
ORM objects) so a year of a busy commune counts in a fraction of a second.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import ARRAY, ColumnElement, Integer, Select, and_, any_, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import Cast

from app.domain.periods import Cutoff, Period, month_buckets, parse_period
from app.domain.rules import DialogueState, PetitionSource, PetitionStatus
from app.domain.standing import AssignmentFacts, PetitionFacts, Standing, meeting_day, petition_standing
from app.domain.standing import resolved_on as resolved_on_rule
from app.domain.statistics import NO_FIELD, NO_HAMLET, StandingCounts, count_groups, counts_of
from app.domain.text import short_date, sort_key
from app.errors import NotFoundError
from app.export.data import OrganizationData
from app.services import settings
from app.services.petitions import PetitionFilter, dialogues_held_between, list_petitions
from app.services.users import Permission, require
from app.storage.models import (
    Assignment,
    Commune,
    Dialogue,
    Field,
    Hamlet,
    Organization,
    Petition,
    ResolutionUpdate,
    Unit,
    commune_organizations,
)

CUTOFF_KEY = "report_cutoff"  # Cutoff value; calendar periods until changed
NO_UNIT = "Chưa giao đơn vị"
NO_DIALOGUE = "Ngoài hội nghị"


def report_cutoff(session: Session) -> Cutoff:
    """The data cut-off of the periodic reports (Cài đặt); calendar periods by default."""
    try:
        return Cutoff(settings.get_setting(session, CUTOFF_KEY, Cutoff.CALENDAR.value))
    except ValueError:
        return Cutoff.CALENDAR


def set_report_cutoff(session: Session, cutoff: Cutoff) -> None:
    settings.set_setting(session, CUTOFF_KEY, Cutoff(cutoff).value)


def period_from_code(session: Session, code: str) -> Period:
    """``2026-H1`` and the others under the cut-off of this database; a code that does not read
    is a ValidationError saying which forms do."""
    from app.domain.periods import PeriodError
    from app.errors import ValidationError

    try:
        return parse_period(code, report_cutoff(session))
    except PeriodError as exc:
        raise ValidationError(
            {
                "period": f"Kỳ báo cáo «{code[:40]}» không đọc được: dùng 2026-05, 2026-Q1, 2026-H1, "
                "2026-9M, 2026 hoặc 2026-01-01..2026-03-31."
            }
        ) from exc


# --- plain facts of the period's petitions ---------------------------------------------------


@dataclass(frozen=True)
class ReportPetition:
    """One petition of the period, as the figures need it."""

    id: int
    facts: PetitionFacts
    standing: Standing
    source: PetitionSource
    dialogue: str  # the dialogue's title, else NO_DIALOGUE
    day: date | None  # the meeting day, else the day it was received
    units: tuple[str, ...]  # lead units of its assignments
    informed: bool

    @property
    def assigned(self) -> bool:
        return bool(self.facts.assignments)


_STATUSES = {s.value: s for s in PetitionStatus}
_SOURCES = {s.value: s for s in PetitionSource}
AT_MEETING = PetitionSource.AT_MEETING.value


def _day(value: object) -> date | None:
    """A date or a timestamp as SQLite stores it (ISO text), as a date."""
    if value is None or value == "":
        return None
    return _iso_day(str(value)[:10])


# A year of petitions names a few hundred distinct days: parse each once.
_iso_day = lru_cache(maxsize=1 << 14)(date.fromisoformat)


def _raw_rows(session: Session, stmt: Any) -> list[Any]:
    """Rows of ``stmt`` straight from the SQLite driver: a year of petitions is tens of thousands
    of rows, and SQLAlchemy's per-value conversions cost more than the query. Callers convert
    the few columns they use (ISO dates, enum codes)."""
    dialect = session.get_bind().dialect
    compiled = stmt.compile(dialect=dialect)
    params = compiled.construct_params()

    def bound(name: str) -> Any:
        value = params[name]
        processor = compiled.binds[name].type.bind_processor(dialect)
        return processor(value) if processor is not None and value is not None else value

    # The DB-API cursor itself: SQLAlchemy's result rows cost more per row than the driver's tuples.
    cursor = session.connection().connection.cursor()
    try:
        if compiled.positiontup is None:  # PostgreSQL: named (pyformat) parameters
            cursor.execute(str(compiled), {name: bound(name) for name in params})
        else:
            cursor.execute(str(compiled), tuple(bound(name) for name in compiled.positiontup))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def report_scope(session: Session, commune_id: int | None = None) -> int | None:
    """The commune a report covers: the one asked for, else the signed-in user's; None: all of them.

    A commune user cannot widen it: asking for another commune gives theirs.
    """
    from app.storage.models import WORK_COMMUNE_KEY

    work = session.info.get(WORK_COMMUNE_KEY)
    if isinstance(work, int):
        return work
    return commune_id


def _period_condition(
    period: Period, commune_id: int | None = None, dialect: str = "sqlite"
) -> ColumnElement[bool]:
    held: Select[tuple[int]] = dialogues_held_between(period.start, period.end)
    in_held: ColumnElement[bool] = Petition.dialogue_id.in_(held)
    if dialect == "postgresql":
        # ``= ANY (the held dialogues' ids, as one array)``: both arms of the OR are then index
        # scans (dialogue; received_on outside any dialogue, revision 0025) joined in one bitmap.
        # ``IN (subquery)`` made it a scan of every petition of the province (1.5 s).
        ids = select(func.array_agg(Dialogue.id)).where(Dialogue.id.in_(held)).scalar_subquery()
        in_held = Petition.dialogue_id == any_(cast(ids, ARRAY(Integer)))
    condition = and_(
        Petition.deleted_at.is_(None),
        or_(
            in_held,
            and_(Petition.dialogue_id.is_(None), Petition.received_on.between(period.start, period.end)),
        ),
    )
    if commune_id is not None:
        condition = and_(condition, Petition.organization_id.in_(commune_organizations(commune_id)))
    return condition


class _Row(NamedTuple):
    """One petition of the period as the figures need it (a tuple: thousands are made per report)."""

    id: int
    standing: Standing
    source: str  # PetitionSource value
    dialogue: str
    day: date | None
    units: tuple[str, ...]
    informed: bool
    field: str
    field_position: int
    hamlet: str
    facts: PetitionFacts  # shared by every petition alike in status, assignments and resolution
    organization: int | None = None  # the body whose petition it is (its commune: a province's rows)


def _names(session: Session, model: Any) -> dict[int, str]:
    return dict(_raw_rows(session, select(model.id, model.name)))


def _period_rows(session: Session, period: Period, today: date, commune_id: int | None) -> list[_Row]:
    """The petitions of ``period`` with their standing ``today``, in id order.

    Three plain column reads (petitions, their assignments, their resolution steps) with no
    joins: catalogue names and the period's few dialogues are looked up in small dictionaries,
    dates are parsed once per distinct value, and the standing is computed once per kind of
    petition (it depends only on the status, the assignments and the resolution day).
    """
    near = settings.near_due_days(session)
    condition = _period_condition(period, commune_id, session.get_bind().dialect.name)
    rows = _raw_rows(
        session,
        select(
            Petition.id,
            Petition.status,
            Petition.source,
            Petition.received_on,
            Petition.informed_on,
            Petition.hamlet_id,
            Petition.hamlet_text,
            Petition.field_id,
            Petition.dialogue_id,
            Petition.organization_id,
        )
        .where(condition)
        .order_by(Petition.id),
    )
    if not rows:
        return []
    hamlets = _names(session, Hamlet)
    fields = {ident: (name, position) for ident, name, position in _raw_rows(
        session, select(Field.id, Field.name, Field.position)
    )}  # fmt: skip
    units = _names(session, Unit)
    dialogues = {
        ident: ((title or "Hội nghị đối thoại"), _day(started or scheduled))
        for ident, title, started, scheduled in _raw_rows(
            session,
            select(Dialogue.id, Dialogue.title, Dialogue.started_at, Dialogue.scheduled_at).where(
                Dialogue.id.in_(dialogues_held_between(period.start, period.end))
            ),
        )
    }
    ids: Any = select(Petition.id).where(condition).scalar_subquery()
    if session.get_bind().dialect.name == "postgresql":
        # The ids just read, as one array: the server looks each one up in the index instead of
        # working the period's condition out again, twice.
        ids = cast(bindparam("period_ids", [row[0] for row in rows], type_=ARRAY(Integer)), ARRAY(Integer))
    # Assignments and resolution steps stay as read (driver values) per petition: what they
    # mean is worked out once per kind of petition below, not once per petition.
    assignments: dict[int, list[tuple[Any, Any, int]]] = defaultdict(list)
    for pid, deadline, finished, unit in _raw_rows(
        session,
        select(Assignment.petition_id, Assignment.deadline, Assignment.finished_on, Assignment.lead_unit_id)
        .where(
            Assignment.petition_id.in_(ids)
            if not isinstance(ids, Cast)
            else Assignment.petition_id == any_(ids)
        )
        .order_by(Assignment.id),
    ):
        assignments[pid].append((deadline, finished, unit))
    updates: dict[int, list[tuple[Any, Any, str]]] = defaultdict(list)
    for pid, on, reply, after in _raw_rows(
        session,
        select(
            ResolutionUpdate.petition_id,
            ResolutionUpdate.on,
            ResolutionUpdate.reply_date,
            ResolutionUpdate.status_after,
        )
        .where(
            ResolutionUpdate.petition_id.in_(ids)
            if not isinstance(ids, Cast)
            else ResolutionUpdate.petition_id == any_(ids)
        )
        .order_by(ResolutionUpdate.id),
    ):
        updates[pid].append((on, reply, after))

    # Petitions alike in status, assignments and resolution steps share their facts, standing
    # and units (the standing depends on nothing else): each kind is worked out once.
    alike: dict[tuple[object, ...], tuple[PetitionFacts, Standing, tuple[str, ...]]] = {}
    none: tuple[Any, ...] = ()
    result = []
    for (
        pid,
        status,
        source,
        received,
        informed,
        hamlet_id,
        typed,
        field_id,
        dialogue_id,
        organization,
    ) in rows:
        held = assignments.get(pid)
        steps = updates.get(pid)
        key = (status, tuple(held) if held else none, tuple(steps) if steps else none)
        known = alike.get(key)
        if known is None:
            facts = PetitionFacts(
                status=_STATUSES[status],
                assignments=tuple(AssignmentFacts(_day(d), _day(f)) for d, f, _u in key[1]),
                resolved_on=resolved_on_rule(
                    (_day(o) or date.min, _day(r), _STATUSES[a]) for o, r, a in key[2]
                )
                if key[2]
                else None,
            )
            units_of = tuple(dict.fromkeys(units.get(u, "") for _d, _f, u in key[1]))
            known = alike[key] = (facts, petition_standing(facts, today, near).standing, units_of)
        fname, fpos = fields.get(field_id, ("", 0)) if field_id is not None else ("", 0)
        if dialogue_id is not None:
            dialogue, day = dialogues.get(dialogue_id, ("Hội nghị đối thoại", None))
        else:
            dialogue, day = NO_DIALOGUE, _day(received)
        result.append(
            _Row(
                pid,
                known[1],
                source,
                dialogue,
                day,
                known[2],
                informed is not None,
                fname,
                fpos if fname else 1_000_000,
                (hamlets.get(hamlet_id) if hamlet_id is not None else None) or typed or "",
                known[0],
                organization,
            )
        )
    return result


def period_petitions(
    session: Session, period: Period, *, today: date | None = None, commune_id: int | None = None
) -> list[ReportPetition]:
    """The petitions a period reports on, each with its standing ``today`` (the report's day)."""
    today = today or date.today()
    return [
        ReportPetition(
            id=row.id,
            facts=PetitionFacts(
                status=row.facts.status,
                assignments=row.facts.assignments,
                resolved_on=row.facts.resolved_on,
                field=row.field,
                field_position=row.field_position,
                hamlet=row.hamlet,
            ),
            standing=row.standing,
            source=_SOURCES[row.source],
            dialogue=row.dialogue,
            day=row.day,
            units=row.units,
            informed=row.informed,
        )
        for row in _period_rows(session, period, today, report_scope(session, commune_id))
    ]


# --- the figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class DialogueRow:
    title: str
    day: date | None
    citizens: int
    counts: StandingCounts


@dataclass
class PeriodReport:
    """Everything the Báo cáo of a period prints: figures, tables and the series of the charts."""

    period: Period
    today: date
    dialogues_held: int = 0
    participants: int = 0  # everybody counted at the dialogues
    citizens: int = 0  # of whom citizens
    raised: int = 0  # opinions (duplicates left out)
    collected_before: int = 0
    at_meeting: int = 0
    assigned: int = 0
    informed: int = 0
    overall: StandingCounts = field(default_factory=StandingCounts)
    by_field: list[tuple[str, StandingCounts]] = field(default_factory=list)
    by_hamlet: list[tuple[str, StandingCounts]] = field(default_factory=list)
    by_unit: list[tuple[str, StandingCounts]] = field(default_factory=list)
    by_dialogue: list[DialogueRow] = field(default_factory=list)
    by_month: list[tuple[str, int]] = field(default_factory=list)
    recurring: list[tuple[str, int]] = field(default_factory=list)  # "Đất đai – Thôn Đông", dialogues

    def figures(self) -> list[Figure]:
        """The headline figures in the order the screen, the .docx and the .xlsx print them."""
        c = self.overall
        values = [
            ("dialogues_held", "Số hội nghị đối thoại đã tổ chức", self.dialogues_held),
            ("participants", "Số người tham dự", self.participants),
            ("citizens", "Trong đó công dân", self.citizens),
            ("raised", "Ý kiến, kiến nghị tiếp nhận", self.raised),
            ("collected_before", "Thu thập trước hội nghị", self.collected_before),
            ("at_meeting", "Nêu tại hội nghị", self.at_meeting),
            ("answered", "Trả lời ngay tại hội nghị", c.answered),
            ("assigned", "Giao đơn vị giải quyết", self.assigned),
            ("resolved_on_time", "Đã giải quyết đúng hạn", c.resolved_on_time),
            ("resolved_late", "Đã giải quyết nhưng quá hạn", c.resolved_late),
            ("in_time", "Đang giải quyết, còn trong hạn", c.in_progress + c.pending),
            ("overdue", "Quá hạn, chưa giải quyết", c.overdue),
            ("forwarded", "Chuyển cấp có thẩm quyền", c.forwarded),
            ("out_of_competence", "Không thuộc thẩm quyền", c.out_of_competence),
            ("informed", "Đã thông báo kết quả cho công dân", self.informed),
        ]
        return [Figure(k, label, v) for k, label, v in values]

    def figure(self, key: str) -> int:
        for item in self.figures():
            if item.key == key:
                return item.value
        raise KeyError(key)

    @property
    def title(self) -> str:
        return f"Báo cáo kết quả giải quyết ý kiến, kiến nghị {self.period.label}"

    @property
    def as_of_text(self) -> str:
        return f"Số liệu {self.period.range_text}; tình trạng tính đến ngày {short_date(self.today)}."


def _held_dialogues(
    session: Session, period: Period, commune_id: int | None = None
) -> list[tuple[int, str, date | None, int, int, int | None]]:
    scope = (
        [Dialogue.organization_id.in_(commune_organizations(commune_id))] if commune_id is not None else []
    )
    rows = session.execute(
        select(
            Dialogue.id,
            Dialogue.title,
            Dialogue.started_at,
            Dialogue.scheduled_at,
            Dialogue.citizens_count,
            Dialogue.leaders_count + Dialogue.units_count + Dialogue.hamlet_heads_count,
            Dialogue.organization_id,
        ).where(
            Dialogue.id.in_(dialogues_held_between(period.start, period.end)),
            Dialogue.state != DialogueState.PLANNED,
            *scope,
        )
    ).all()
    return [
        (
            ident,
            title or "Hội nghị đối thoại",
            meeting_day(started, scheduled),
            citizens or 0,
            others or 0,
            org,
        )
        for ident, title, started, scheduled, citizens, others, org in rows
    ]


def _recurring(rows: Sequence[_Row]) -> list[tuple[str, int]]:
    """Matters raised again: the same field in the same thôn at two or more dialogues (top 10)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for fname, hamlet, dialogue in {(r.field, r.hamlet, r.dialogue) for r in rows}:
        if dialogue != NO_DIALOGUE and fname and hamlet:
            seen[f"{fname} – {hamlet}"].add(dialogue)
    repeated = [(name, len(where)) for name, where in seen.items() if len(where) >= 2]
    if len(repeated) > 10:  # the Vietnamese sort key only for those that can make the top 10
        floor = sorted((n for _name, n in repeated), reverse=True)[9]
        repeated = [item for item in repeated if item[1] >= floor]
    return sorted(repeated, key=lambda kv: (-kv[1], sort_key(kv[0])))[:10]


def period_report(
    session: Session, period: Period, *, today: date | None = None, commune_id: int | None = None
) -> PeriodReport:
    """Every figure of the Báo cáo of ``period``, with standings as of ``today``.

    One commune (``commune_id``, else the signed-in user's) or, with neither, every commune
    the database holds: a province's report is the same figures over all of them.
    """
    with collector_paused():
        return _period_report(session, period, today or date.today(), report_scope(session, commune_id))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a report is counted or drawn.

    Counting a year makes tens of thousands of small tuples and dicts (no reference cycles), and
    each of the collector's passes over the whole program's objects that they trigger costs tens
    of milliseconds, more than the counting; the collector runs as usual once the work is done.
    """
    if not gc.isenabled():  # paused already (nested, or by the caller)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _period_report(session: Session, period: Period, today: date, scope: int | None) -> PeriodReport:
    return _report_of(
        period, today, _period_rows(session, period, today, scope), _held_dialogues(session, period, scope)
    )


def commune_reports(
    session: Session, period: Period, commune_ids: Sequence[int], *, today: date | None = None
) -> tuple[PeriodReport, dict[int, PeriodReport]]:
    """:func:`period_report` over every commune, and that of each of ``commune_ids``: all from
    the same read.

    The figures are the Báo cáo's own (:func:`_report_of` over the petitions and dialogues of
    the whole database, then of each commune), read once (a province's 150 communes read one by
    one took 17 s).
    """
    today = today or date.today()
    with collector_paused():
        bodies = dict(_raw_rows(session, select(Organization.id, Organization.commune_id)))
        every = _period_rows(session, period, today, None)
        held_all = _held_dialogues(session, period, None)
        rows: dict[int, list[_Row]] = defaultdict(list)
        for row in every:
            rows[bodies.get(row.organization, -1)].append(row)
        dialogues: dict[int, list[tuple[int, str, date | None, int, int, int | None]]] = defaultdict(list)
        for held in held_all:
            dialogues[bodies.get(held[5], -1)].append(held)
        each = {
            ident: _report_of(period, today, rows.get(ident, []), dialogues.get(ident, []))
            for ident in commune_ids
        }
        return _report_of(period, today, every, held_all), each


def _report_of(
    period: Period,
    today: date,
    petitions: Sequence[_Row],
    dialogues: Sequence[tuple[int, str, date | None, int, int, int | None]],
) -> PeriodReport:
    """Every figure of the Báo cáo from the period's petitions and held dialogues."""
    # Duplicates are counted with their original.
    counted = [r for r in petitions if r.standing is not Standing.DUPLICATE]
    standings = [r.standing for r in counted]
    report = PeriodReport(period, today)
    report.dialogues_held = len(dialogues)
    report.citizens = sum(d[3] for d in dialogues)
    report.participants = report.citizens + sum(d[4] for d in dialogues)
    report.raised = len(counted)
    report.at_meeting = sum(1 for r in counted if r.source == AT_MEETING)
    report.collected_before = report.raised - report.at_meeting
    report.assigned = sum(1 for r in counted if r.units)
    report.informed = sum(1 for r in counted if r.informed)
    report.overall = counts_of(Counter(standings))

    # Each grouping is one count of (group, standing) pairs (Counter counts in C).
    positions = {r.field: r.field_position for r in counted if r.field}
    by_field = count_groups(
        zip([r.field or NO_FIELD for r in counted], standings, strict=True), last=NO_FIELD
    )
    report.by_field = sorted(by_field, key=lambda kv: (positions.get(kv[0], 2_000_000), sort_key(kv[0])))
    report.by_hamlet = count_groups(
        zip([r.hamlet or NO_HAMLET for r in counted], standings, strict=True), last=NO_HAMLET
    )
    report.by_unit = count_groups(
        ((unit, r.standing) for r in counted for unit in (r.units or (NO_UNIT,))), last=NO_UNIT
    )

    per_dialogue = dict(count_groups(zip([r.dialogue for r in counted], standings, strict=True)))
    rows = [
        DialogueRow(title, day, citizens, per_dialogue.pop(title, StandingCounts()))
        for _id, title, day, citizens, _others, _org in sorted(
            dialogues, key=lambda d: (d[2] or date.min, d[0])
        )
    ]
    if NO_DIALOGUE in per_dialogue:
        rows.append(DialogueRow(NO_DIALOGUE, None, 0, per_dialogue.pop(NO_DIALOGUE)))
    # Petitions of a dialogue still planned (held on paper only) keep their own row.
    rows.extend(DialogueRow(title, None, 0, counts) for title, counts in per_dialogue.items())
    report.by_dialogue = rows

    buckets = month_buckets(period)
    starts = [b.start for b in buckets]
    per_month = [0] * len(buckets)
    for day, count in Counter(r.day for r in counted).items():  # a few hundred days at most
        if day is not None:
            n = bisect_right(starts, day) - 1
            if n >= 0 and day <= buckets[n].end:
                per_month[n] += count
    report.by_month = [(b.label, n) for b, n in zip(buckets, per_month, strict=True)]
    report.recurring = _recurring(counted)
    return report


@dataclass(frozen=True)
class CommuneFigures:
    commune_id: int
    name: str
    report: PeriodReport


def province_report(
    session: Session, period: Period, *, today: date | None = None
) -> tuple[PeriodReport, list[CommuneFigures]]:
    """A province's view: the figures over every commune, and the same figures commune by commune.

    The same :func:`period_report` as the report screen, once for all and once per commune; a
    user bound to one commune gets only that commune (the scope cannot be widened here).
    """
    own = report_scope(session)
    communes_held = [
        (ident, name)
        for ident, name in session.execute(select(Commune.id, Commune.name).order_by(Commune.id)).all()
        if own is None or ident == own
    ]
    total, each = commune_reports(session, period, [ident for ident, _name in communes_held], today=today)
    communes = [CommuneFigures(ident, name, each[ident]) for ident, name in communes_held]
    communes.sort(key=lambda c: sort_key(c.name))
    if own is not None:  # a commune user: their commune is the whole of it
        total = each[own] if own in each else period_report(session, period, today=today, commune_id=own)
    return total, communes


def status_series(groups: Sequence[tuple[str, StandingCounts]]) -> dict[str, list[int]]:
    """On time / late / in time / overdue per group: the stacked bars of "status by unit"."""
    return {
        "Đúng hạn": [c.resolved_on_time for _n, c in groups],
        "Quá hạn đã giải quyết": [c.resolved_late for _n, c in groups],
        "Đang giải quyết": [c.in_progress + c.pending for _n, c in groups],
        "Quá hạn": [c.overdue for _n, c in groups],
    }


# --- exports: the Word report, the .xlsx, the PNG charts -------------------------------------


def _organization(session: Session) -> OrganizationData:
    from app.services.documents import organization_data
    from app.storage.models import Organization

    info = settings.current_organization(session)
    org = session.get(Organization, info.id) if info else session.scalars(select(Organization)).first()
    if org is None:
        raise NotFoundError("cơ quan", 0)
    return organization_data(org)


def export_report_docx(
    session: Session, period: Period, target: Path, *, today: date | None = None, number: int | None = None
) -> Path:
    """The Báo cáo kết quả giải quyết of ``period`` as .docx, with its tables and charts."""
    require(session, Permission.EXPORT)
    from app.export.period_report import PeriodIssue, write_period_report

    report = period_report(session, period, today=today)
    return write_period_report(report, _organization(session), target, PeriodIssue(number=number))


def export_report_xlsx(session: Session, period: Period, target: Path, *, today: date | None = None) -> Path:
    """The same figures and tables as the .docx, one sheet per table."""
    require(session, Permission.EXPORT)
    from app.export.period_report import report_sheets
    from app.export.xlsx import write_workbook

    return write_workbook(report_sheets(period_report(session, period, today=today)), target)


def export_report_charts(
    session: Session, period: Period, folder: Path, *, today: date | None = None
) -> list[Path]:
    """The charts of the period as PNG files (for pasting elsewhere)."""
    require(session, Permission.EXPORT)
    from app.export.charts import report_charts, write_pngs

    return write_pngs(report_charts(period_report(session, period, today=today)), folder)


def export_petitions_xlsx(
    session: Session,
    target: Path,
    views: Sequence[tuple[str, PetitionFilter]] = (("Sổ theo dõi", PetitionFilter()),),
    *,
    today: date | None = None,
) -> Path:
    """Petition lists to .xlsx, one sheet per (name, filter); the default is the whole sổ theo dõi."""
    require(session, Permission.EXPORT)
    from app.export.period_report import petition_sheet
    from app.export.xlsx import write_workbook

    sheets = [
        petition_sheet(name, list_petitions(session, flt, sort="dialogue_date", today=today))
        for name, flt in views
    ]
    return write_workbook(sheets, target)
