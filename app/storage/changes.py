"""What a unit of work changed: entity kinds and ids, read off the session as it flushes.

The operations layer announces this after a commit so screens refresh only what concerns them
(Anki's ``OpChanges``). It is taken from SQLAlchemy's own bookkeeping rather than declared by each
caller, so a service that starts touching a new table is announced without anyone remembering to.
Bulk ``UPDATE``/``DELETE`` statements name their table without ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction


@dataclass(frozen=True)
class Changes:
    """Kinds are table names (``petition``, ``dialogue``, ``hamlet`` …); ids are (kind, id) pairs."""

    kinds: frozenset[str] = frozenset()
    ids: frozenset[tuple[str, int]] = frozenset()
    origin: object = field(default=None, compare=False)  # the screen that asked, if any

    def touches(self, *kinds: str) -> bool:
        return any(kind in self.kinds for kind in kinds)

    def ids_of(self, kind: str) -> set[int]:
        return {ident for k, ident in self.ids if k == kind}

    @property
    def empty(self) -> bool:
        return not self.kinds

    @classmethod
    def of(cls, *kinds: str, ids: Iterable[tuple[str, int]] = (), origin: object = None) -> Changes:
        pairs = frozenset(ids)
        return cls(frozenset(kinds) | {k for k, _ in pairs}, pairs, origin)


class ChangeTracker:
    """Collects what ``session`` writes until ``stop()``; use one per unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._kinds: set[str] = set()
        self._ids: set[tuple[str, int]] = set()
        event.listen(session, "after_flush", self._after_flush)
        event.listen(session, "do_orm_execute", self._on_execute)

    def _after_flush(self, session: Session, _flush: UOWTransaction) -> None:
        for instance in (*session.new, *session.dirty, *session.deleted):
            self._note(instance)

    def _note(self, instance: Any) -> None:
        state = inspect(instance)
        table = getattr(state.mapper.local_table, "name", None)
        if table is None:
            return
        self._kinds.add(table)
        # Read the key from the instance: new rows get their identity only after this hook.
        key = state.mapper.primary_key_from_instance(instance)
        if len(key) == 1 and isinstance(key[0], int):
            self._ids.add((table, key[0]))

    def _on_execute(self, state: ORMExecuteState) -> None:
        if state.is_update or state.is_delete:
            table = getattr(getattr(state.statement, "table", None), "name", None)
            if table:
                self._kinds.add(table)

    def stop(self, origin: object = None) -> Changes:
        event.remove(self._session, "after_flush", self._after_flush)
        event.remove(self._session, "do_orm_execute", self._on_execute)
        return Changes(frozenset(self._kinds), frozenset(self._ids), origin)
