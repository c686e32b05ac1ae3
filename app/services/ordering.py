"""ORDER BY helpers shared by the lists that sort in SQL (petitions, dialogues, plans)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators

# Made by revision 0019 on a PostgreSQL server with ICU, from ICU's Vietnamese ("vi") order.
VIETNAMESE_COLLATION = "doithoai_vi"


def reversed_order(key: Any) -> Any:
    """The opposite direction of an ORDER BY key (``x DESC`` becomes ``x``, ``x`` becomes ``x DESC``)."""
    if getattr(key, "modifier", None) is operators.desc_op:
        return key.element
    return key.desc()


def _has_collation(session: Session) -> bool:
    # Asked once per engine: a server without ICU has no such collation and keeps the stored keys.
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    known: bool | None = engine.__dict__.get("_doithoai_vi_collation")
    if known is None:
        found = session.execute(
            text("SELECT 1 FROM pg_collation WHERE collname = :name"), {"name": VIETNAMESE_COLLATION}
        ).scalar()
        known = found is not None
        engine.__dict__["_doithoai_vi_collation"] = known
    return known


def vietnamese(session: Session, value: Any, stored_key: Any) -> Any:
    """The ORDER BY key that sorts ``value`` in Vietnamese order (a ă â b c d đ e ê …).

    On PostgreSQL, ``value`` itself through the ICU collation; on SQLite (and a server without
    ICU), the column holding ``app.domain.text.collation_key(value)``, compared byte by byte.
    Both give the order of ``app.domain.text.sort_key`` (tests/app/test_vietnamese_order.py).
    """
    if session.get_bind().dialect.name == "postgresql" and _has_collation(session):
        return value.collate(VIETNAMESE_COLLATION)
    return stored_key
