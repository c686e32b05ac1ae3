"""ORDER BY helpers shared by the lists that sort in SQL (petitions, dialogues, plans)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql import operators


def reversed_order(key: Any) -> Any:
    """The opposite direction of an ORDER BY key (``x DESC`` becomes ``x``, ``x`` becomes ``x DESC``)."""
    if getattr(key, "modifier", None) is operators.desc_op:
        return key.element
    return key.desc()
