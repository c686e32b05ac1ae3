"""Figures of the follow-up: how the petitions of a dialogue or a period stand today.

One function per figure; all of them go through :func:`app.domain.statistics.resolution_statistics`
so the Báo cáo, the follow-up screen and the .xlsx export count the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from app.domain.statistics import PetitionFacts, ResolutionStatistics, resolution_statistics, resolved_on
from app.errors import NotFoundError
from app.storage.models import Dialogue, Petition

_PETITION_LOAD = (
    selectinload(Petition.assignments),
    selectinload(Petition.updates),
    selectinload(Petition.field),
    selectinload(Petition.hamlet),
)


def petition_facts(petition: Petition) -> PetitionFacts:
    """What the figures need from one stored petition."""
    deadlines = [a.deadline for a in petition.assignments if a.deadline is not None]
    return PetitionFacts(
        status=petition.status,
        deadline=max(deadlines) if deadlines else None,
        resolved_on=resolved_on((u.on, u.reply_date, u.status_after) for u in petition.updates),
        field=petition.field.name if petition.field else "",
        field_position=petition.field.position if petition.field else 1_000_000,
        hamlet=petition.hamlet.name if petition.hamlet else "",
    )


def _statistics(petitions: Iterable[Petition], today: date | None) -> ResolutionStatistics:
    return resolution_statistics((petition_facts(p) for p in petitions), today or date.today())


def dialogue_statistics(
    session: Session, dialogue_id: int, *, today: date | None = None
) -> ResolutionStatistics:
    """The petitions raised at or collected for one dialogue."""
    if session.get(Dialogue, dialogue_id) is None:
        raise NotFoundError("hội nghị", dialogue_id)
    petitions = session.scalars(
        select(Petition)
        .where(Petition.dialogue_id == dialogue_id, Petition.deleted_at.is_(None))
        .options(*_PETITION_LOAD)
    ).all()
    return _statistics(petitions, today)


def period_statistics(
    session: Session,
    start: date,
    end: date,
    *,
    organization_id: int | None = None,
    today: date | None = None,
) -> ResolutionStatistics:
    """Petitions of the dialogues held from ``start`` to ``end`` (inclusive), and petitions received
    in that period outside any dialogue: the monthly, quarterly and yearly reports."""
    first, last = datetime.combine(start, time.min), datetime.combine(end, time.max)
    in_dialogue = select(Dialogue.id).where(
        or_(
            Dialogue.started_at.between(first, last),
            Dialogue.started_at.is_(None) & Dialogue.scheduled_at.between(first, last),
        )
    )
    if organization_id is not None:
        in_dialogue = in_dialogue.where(Dialogue.organization_id == organization_id)
    condition: ColumnElement[bool] = Petition.dialogue_id.in_(in_dialogue)
    if organization_id is None:
        condition = or_(condition, Petition.dialogue_id.is_(None) & Petition.received_on.between(start, end))
    petitions = session.scalars(
        select(Petition).where(condition, Petition.deleted_at.is_(None)).options(*_PETITION_LOAD)
    ).all()
    return _statistics(petitions, today)
