"""A document's số and its file are one step for the user: no paper with a number the data lacks.

The export records its số (``issued_document``, ``reserved``) in the unit of work and renders
the file under a hidden pending name beside the target, fsynced. Only after the commit is the
file renamed to its final name; a rollback deletes it. A kill before the commit leaves a
hidden file and no number (cleaned at the next start); a kill between the commit and the
rename leaves the number reserved, and the next start completes the rename. So a number is
never on two documents and no final name ever holds a half-written file.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.storage.models import IssuedDocument

log = logging.getLogger(__name__)

PENDING = ".pending"


def pending_path(out: Path) -> Path:
    return out.with_name(f".{out.name}{PENDING}")


def reserve(session: Session, out: Path, number: int | None) -> None:
    """Mark the just-recorded export of ``out`` as reserved until its file is in place."""
    if number is None:
        return
    from app.services import audit

    for record in session.scalars(select(IssuedDocument).where(IssuedDocument.file_name == str(out))):
        record.reserved = True
        session.flush()
        audit.record(
            session, "export", "issued_document", record.id, kind=str(record.kind.value), number=record.number
        )
    session.flush()


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def finish_on_commit(session: Session, pending: Path, out: Path) -> None:
    """Rename ``pending`` to ``out`` after the commit; delete it on a rollback."""
    _fsync(pending)

    def committed(_session: Session) -> None:
        try:
            os.replace(pending, out)
        except OSError as exc:  # the number stays reserved; the next start retries the rename
            log.error("export committed but not renamed to its final name: %s", exc)

    def rolled_back(_session: Session) -> None:
        with contextlib.suppress(OSError):
            pending.unlink()

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_rollback", rolled_back, once=True)


def settle_exports(session: Session) -> int:
    """At start: complete or confirm every reserved export; remove killed exports' temp files.

    Returns how many reservations were settled. A reserved number whose file never reached its
    final name keeps its number (nothing on paper, but the number stays taken: the văn thư sees
    it in the list and may export that document again with the same số).
    """
    settled = 0
    folders: set[Path] = set()
    for record in session.scalars(select(IssuedDocument).where(IssuedDocument.reserved.is_(True))):
        out = Path(record.file_name)
        folders.add(out.parent)
        pending = pending_path(out)
        with contextlib.suppress(OSError):
            if pending.exists():
                os.replace(pending, out)
        if out.exists():
            record.reserved = False
            settled += 1
    for file_name in session.scalars(
        select(IssuedDocument.file_name).order_by(IssuedDocument.id.desc()).limit(50)
    ):
        if file_name:
            folders.add(Path(file_name).parent)
    for folder in folders:
        clean_temp_files(folder)
    return settled


def clean_temp_files(folder: Path) -> int:
    """Delete hidden pending and ``.tmp`` files that a killed export left in ``folder``."""
    removed = 0
    with contextlib.suppress(OSError):
        for item in folder.iterdir():
            name = item.name
            if name.startswith(".") and name.endswith((PENDING, ".tmp")) and ".docx" in name:
                with contextlib.suppress(OSError):
                    item.unlink()
                    removed += 1
    return removed
