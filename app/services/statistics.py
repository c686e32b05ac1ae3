"""Figures of the follow-up: how the petitions of a dialogue or a period stand today.

One function per figure; all of them go through :func:`app.domain.statistics.resolution_statistics`
over :func:`app.services.petitions.petition_facts` (the one ORM→plain mapping), so the Báo cáo,
the follow-up screen, the lists and the .xlsx export count the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from app.domain.statistics import ResolutionStatistics, resolution_statistics
from app.errors import NotFoundError
from app.services import settings
from app.services.petitions import PETITION_LOAD, dialogues_held_between, petition_facts
from app.storage.models import Dialogue, Petition


def _statistics(session: Session, petitions: Iterable[Petition], today: date | None) -> ResolutionStatistics:
    return resolution_statistics(
        (petition_facts(p) for p in petitions), today or date.today(), settings.near_due_days(session)
    )


def dialogue_statistics(
    session: Session, dialogue_id: int, *, today: date | None = None
) -> ResolutionStatistics:
    """The petitions raised at or collected for one dialogue."""
    if session.get(Dialogue, dialogue_id) is None:
        raise NotFoundError("hội nghị", dialogue_id)
    petitions = session.scalars(
        select(Petition)
        .where(Petition.dialogue_id == dialogue_id, Petition.deleted_at.is_(None))
        .options(*PETITION_LOAD)
    ).all()
    return _statistics(session, petitions, today)


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
    in_dialogue = dialogues_held_between(start, end)
    if organization_id is not None:
        in_dialogue = in_dialogue.where(Dialogue.organization_id == organization_id)
    condition: ColumnElement[bool] = Petition.dialogue_id.in_(in_dialogue)
    if organization_id is None:
        condition = or_(condition, Petition.dialogue_id.is_(None) & Petition.received_on.between(start, end))
    petitions = session.scalars(
        select(Petition).where(condition, Petition.deleted_at.is_(None)).options(*PETITION_LOAD)
    ).all()
    return _statistics(session, petitions, today)
