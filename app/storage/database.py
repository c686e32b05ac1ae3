"""One open database: its path, engine and session factory."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import paths
from app.storage.engine import check_db_location, make_engine, make_session_factory
from app.storage.migrate import MigrationReport, upgrade_database


class Database:
    """The handle the services and the UI share: ``with db.transaction() as session: …``."""

    def __init__(self, path: Path, engine: Engine, migration: MigrationReport | None = None) -> None:
        self.path = path
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_session_factory(engine)
        self.migration = migration

    @classmethod
    def open(cls, path: Path | str | None = None, *, create_folder: bool = False) -> Database:
        """Open (creating if new) and migrate the database at ``path`` or the default one.

        The default folder is created on demand; a folder the user named must already exist,
        so a typo does not silently scatter databases around the disk.
        """
        db_path = Path(path).expanduser() if path else paths.default_db_path()
        if path is None or create_folder:
            # On failure check_db_location explains what is wrong, in Vietnamese.
            with contextlib.suppress(OSError):
                db_path.parent.mkdir(parents=True, exist_ok=True)
        check_db_location(db_path)
        report = upgrade_database(db_path)
        return cls(db_path, make_engine(db_path), report)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (rolled back at the end, never commits)."""
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
