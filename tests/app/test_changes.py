"""What a unit of work changed is read off the session: creates, edits, deletes and bulk updates."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.services import catalog
from app.storage.changes import Changes, ChangeTracker
from app.storage.database import Database
from app.storage.models import Hamlet

pytestmark = pytest.mark.pg  # the storage and service tests run on PostgreSQL too


def test_creates_edits_and_deletes_are_named_with_their_ids(db: Database) -> None:
    with db.transaction() as session:
        tracker = ChangeTracker(session)
        first = catalog.add_entry(session, "hamlet", "Thôn Đông")
        second = catalog.add_entry(session, "hamlet", "Thôn Đoài")
        session.flush()
        changes = tracker.stop()
    assert {("hamlet", first.id), ("hamlet", second.id)} <= changes.ids
    assert changes.touches("hamlet") and "audit_event" in changes.kinds

    with db.transaction() as session:
        tracker = ChangeTracker(session)
        catalog.rename_entry(session, "hamlet", first.id, "Thôn Đông Hòa")
        session.delete(session.get(Hamlet, second.id))
        session.flush()
        changes = tracker.stop()
    assert changes.ids_of("hamlet") == {first.id, second.id}


def test_a_bulk_update_names_its_table_and_a_read_names_nothing(db: Database) -> None:
    with db.transaction() as session:
        catalog.add_entry(session, "hamlet", "Thôn Trung")
    with db.transaction() as session:
        tracker = ChangeTracker(session)
        session.execute(update(Hamlet).values(active=False))
        assert tracker.stop().kinds == frozenset({"hamlet"})
    with db.reading() as session:
        tracker = ChangeTracker(session)
        catalog.list_entries(session, "hamlet")
        assert tracker.stop().empty


def test_changes_of_merges_kinds_and_ids() -> None:
    changes = Changes.of("setting", ids=[("petition", 7)])
    assert changes.kinds == {"setting", "petition"} and changes.ids_of("petition") == {7}
