"""SIGKILL during an export with a number, a backup, a restore and a migration (SQLite's style).

After each kill: the database passes integrity_check, every step the child reported is there,
no number is on two documents, no final file name holds an incomplete file, and a migration
leaves the file at the old or the new schema with every row, its pre-migration backup complete
or absent. 8 kills of each kind: 32 in all (tests/safetykit.py; `make bench` runs 200+).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.storage.database import Database
from tests import safetykit
from tests.damage import _good

KILLS_PER_KIND = 8


def _passed(verdicts: list[safetykit.Verdict]) -> None:
    problems = [p for v in verdicts for p in v.problems]
    assert not problems, problems[:5]
    assert len(verdicts) == KILLS_PER_KIND


@pytest.mark.slow
def test_kills_during_numbered_exports_never_reuse_a_number(tmp_path: Path) -> None:
    from app.services import demo
    from app.storage.models import Dialogue

    db_path = tmp_path / "data.sqlite"
    db = Database.open(db_path, create=True)
    with db.transaction() as session:
        demo.build_demo(session)
    with db.reading() as session:
        dialogue_id = session.scalars(select(Dialogue.id)).first()
    db.close()
    assert dialogue_id is not None
    verdicts = safetykit.export_kills(db_path, tmp_path / "out", dialogue_id, KILLS_PER_KIND, seed=11)
    _passed(verdicts)
    assert sum(v.reported for v in verdicts) >= KILLS_PER_KIND, "the child really exported"


@pytest.mark.slow
def test_kills_during_backups_leave_only_verified_copies(tmp_path: Path) -> None:
    db_path = _good(tmp_path / "data.sqlite", petitions=3000)
    verdicts = safetykit.backup_kills(db_path, tmp_path / "b", KILLS_PER_KIND, seed=12)
    _passed(verdicts)
    assert sum(v.reported for v in verdicts) >= KILLS_PER_KIND


@pytest.mark.slow
def test_kills_during_restores_leave_a_whole_database(tmp_path: Path) -> None:
    db_path = _good(tmp_path / "data.sqlite", petitions=10)
    work = tmp_path / "w"
    work.mkdir()
    _good(work / "source.sqlite", petitions=2000)
    _passed(safetykit.restore_kills(db_path, work, KILLS_PER_KIND, seed=13, sizes=(10, 2000)))


@pytest.mark.slow
def test_kills_during_a_migration_leave_the_old_or_the_new_schema_whole(tmp_path: Path) -> None:
    template = safetykit.old_schema_file(tmp_path / "first-release.sqlite", petitions=2000)
    work = tmp_path / "w"
    span = safetykit.migration_seconds(template, work)  # kills spread over the whole upgrade
    verdicts = safetykit.migration_kills(template, work, KILLS_PER_KIND, seed=14, span=span)
    _passed(verdicts)
    # Some kills landed before the upgrade's commit (the file stayed whole at the old schema).
    assert any(v.state == "old" for v in verdicts), safetykit.summary(verdicts)
