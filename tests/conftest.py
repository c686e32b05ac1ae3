"""Test set-up: Qt offscreen before any Qt import; data and settings in tmp_path, never the real ones."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the developer's real keyring: tests that need one install tests.app.memory_keyring's.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.storage.database import Database

# A fixed "today" makes derived figures (overdue, còn N ngày) reproducible.
TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DOITHOAI_HOME", str(home))
    return home


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "test.sqlite", create=True)
    yield database
    database.close()


@pytest.fixture
def demo_db(db: Database) -> Database:
    from app.services.demo import build_demo

    with db.transaction() as session:
        build_demo(session, today=TODAY)
    return db
