"""Every text a unit of work stores is NFC, every date and number in range, and holds no character a file cannot keep.

One ``before_flush`` hook over the rows being written, so no service and no import path can
store a lone surrogate (which makes the commit itself fail) or a NUL; the rule is
``app.domain.text.checked``. Refusals are typed (:class:`~app.errors.TextInputError`, worded
in Vietnamese); the log gets the table and column, never the text.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.domain.text import TextRefused, checked
from app.errors import TextInputError

log = logging.getLogger(__name__)


# Dates a commune's records can hold; a year 1 or 9999 breaks every deadline computed from it.
YEARS = range(1900, 2201)
INT64 = range(-(2**63), 2**63)


def _check_value(table: str, key: str, value: Any) -> None:
    if isinstance(value, date) and value.year not in YEARS:
        log.warning("date out of range in %s.%s", table, key)
        raise TextInputError(
            {key: f"Ngày tháng năm {value.year} nằm ngoài khoảng cho phép (năm 1900 đến 2200). Hãy nhập lại."}
        )
    if isinstance(value, int) and not isinstance(value, bool) and value not in INT64:
        log.warning("integer out of range in %s.%s", table, key)
        raise TextInputError({key: "Con số quá lớn. Hãy nhập lại một số hợp lý."})


def _checked_text(table: str, key: str, value: str) -> str:
    if value.isascii() and value.isprintable():
        return value
    try:
        return checked(value)
    except TextRefused as exc:
        log.warning("text refused in %s.%s", table, key)
        raise TextInputError({key: f"Nội dung {exc.what}."}) from None


def _checked_json(table: str, key: str, value: Any) -> Any:
    """A JSON value (settings, Nhật ký details) with every string in it checked and NFC."""
    if isinstance(value, str):
        return _checked_text(table, key, value)
    if isinstance(value, dict):
        return {_checked_json(table, key, k): _checked_json(table, key, v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_checked_json(table, key, item) for item in value]
    _check_value(table, key, value)
    return value


def _check_row(obj: Any, only_changed: bool) -> None:
    state = inspect(obj)
    table = state.mapper.local_table.name
    for attr in state.mapper.column_attrs:
        key = attr.key
        value = state.dict.get(key)
        if only_changed and not state.attrs[key].history.has_changes():
            continue
        if isinstance(value, dict | list):
            normal_json = _checked_json(table, key, value)
            if normal_json != value:
                setattr(obj, key, normal_json)
            continue
        if not isinstance(value, str):
            _check_value(table, key, value)
            continue
        normal = _checked_text(table, key, value)
        if normal != value:
            setattr(obj, key, normal)


def _guard_text(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.new):
        _check_row(obj, only_changed=False)
    for obj in list(session.dirty):
        _check_row(obj, only_changed=True)


event.listen(Session, "before_flush", _guard_text)
