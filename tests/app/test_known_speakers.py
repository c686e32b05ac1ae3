"""Speakers offered for autocompletion: the most recent people, read without grouping the whole history."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.text import person_sort_key
from app.services import minutes
from app.storage.models import Hamlet, Petition
from benchmarks import history
from tests.conftest import TODAY


def grouped(session: Session, limit: int) -> set[tuple[str, str]]:
    """The definition: the ``limit`` (name, thôn) pairs whose latest petition is the newest."""
    latest = func.max(Petition.id)
    rows = session.execute(
        select(Petition.petitioner_name, Hamlet.name, latest)
        .outerjoin(Hamlet, Petition.hamlet_id == Hamlet.id)
        .where(Petition.petitioner_name != "", Petition.deleted_at.is_(None))
        .group_by(Petition.petitioner_name, Hamlet.name)
        .order_by(latest.desc())
        .limit(limit)
    ).all()
    return {(name, hamlet or "") for name, hamlet, _latest in rows}


def test_known_speakers_are_the_most_recent_people_sorted_by_ten(tmp_path: Path) -> None:
    db = history.open_database(tmp_path / "history.sqlite")
    try:
        history.write_in_bulk(db, history.make_plan(400, 1, seed=2, today=TODAY))
        with db.reading() as session:
            for limit in (1, 25, 3000):
                speakers = minutes.known_speakers(session, limit=limit)
                assert set(speakers) == grouped(session, limit)
                assert len(speakers) == len(set(speakers))
                keys = [person_sort_key(name) for name, _hamlet in speakers]
                assert keys == sorted(keys)
    finally:
        db.close()
