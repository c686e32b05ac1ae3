"""The audit log (Nhật ký): every change a user makes leaves a line (who, when, what).

Lines name records by kind and id; old → new values are kept for edits of the minutes after an
unlock (in the database, which holds those values anyway). The log *files* never get them.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.domain.text import clean
from app.errors import ValidationError
from app.services import users
from app.storage.models import AuditEvent, Setting

DISPLAY_NAME_KEY = "audit_display_name"
PAGE_SIZE = 200

# What each action is called on the Nhật ký screen.
ACTION_LABELS = {
    "create": "Tạo mới",
    "update": "Sửa",
    "edit": "Sửa (sau khi mở khóa)",
    "delete": "Xóa",
    "restore": "Khôi phục dòng đã xóa",
    "status": "Đổi trạng thái",
    "start": "Bắt đầu hội nghị",
    "end": "Kết thúc hội nghị",
    "reopen": "Mở lại hội nghị",
    "lock": "Chốt biên bản",
    "unlock": "Mở khóa biên bản",
    "export": "Xuất văn bản",
    "import": "Nhập từ Excel",
    "backup": "Sao lưu",
    "restore_backup": "Khôi phục bản sao lưu",
    "settings": "Cài đặt",
    "sign_in": "Đăng nhập",
}


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return ""


def display_name_key(user: str | None = None) -> str:
    """The setting holding the display name of ``user`` (the OS login; the current one by default).

    Kept per login: two officials sharing one data file each appear under their own name.
    """
    login = current_user() if user is None else user
    return f"{DISPLAY_NAME_KEY}:{login[:40]}" if login else DISPLAY_NAME_KEY


def display_name(session: Session) -> str:
    """The name this login chose (first start or Cài đặt); "" when none was chosen.

    A name set earlier in the same unit of work counts even before it is flushed (audit lines
    are written without flushing the caller's changes).
    """
    from app.services.settings import read_once

    pending = {obj.key: obj for obj in session.new if isinstance(obj, Setting)}
    for key in (display_name_key(), DISPLAY_NAME_KEY):  # the second: one name for everybody, older files
        row = pending.get(key)
        # Read once per unit of work: each line of a 500-row import looked up both keys again.
        value = row.value if row is not None else read_once(session, key)
        if isinstance(value, str) and value:
            return value
    return ""


def set_display_name(session: Session, name: str) -> str:
    """The name shown in the Nhật ký beside the computer's login (first start, Cài đặt).

    Audited by :func:`~app.services.settings.set_setting` (old → new); returns the stored name.
    """
    from app.services.settings import set_setting

    value = clean(name)  # the text guard refuses what no file can keep, in JSON values too
    if len(value) > 100:
        raise ValidationError({"display_name": "Tên hiển thị dài quá 100 ký tự."})
    set_setting(session, display_name_key(), value)
    return value


def record(session: Session, action: str, entity: str, entity_id: int | None, **details: Any) -> None:
    """One line of the log: the signed-in user when the database has users, else this PC's login.

    Who is looked up without flushing the caller's changes: a flush in the middle of a unit of
    work would write a versioned record twice (and bump its version twice for one edit).
    """
    with session.no_autoflush:
        person = users.signed_in(session)
        actor = (person.full_name or person.login) if person is not None else display_name(session)
    session.add(
        AuditEvent(
            action=action,
            entity=entity,
            entity_id=entity_id,
            user=person.login if person is not None else current_user(),
            actor=actor,
            details=details,
        )  # its commune: models._audit_commune
    )


# Columns that change with every write and say nothing a reader of the Nhật ký needs.
_NOISE_COLUMNS = frozenset({"updated_at", "created_at", "search_key", "sort_key"})


def plain(value: Any) -> Any:
    """A column value as the Nhật ký keeps it (JSON): dates as ISO text, enums by value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    enum_value = getattr(value, "value", None)
    return enum_value if isinstance(enum_value, str | int) else str(value)


def column_changes(obj: Any) -> dict[str, list[Any]]:
    """Column → [old, new] for what a unit of work changed on ``obj`` (not yet flushed)."""
    from sqlalchemy import inspect

    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _NOISE_COLUMNS:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if plain(old) != plain(new):
                changes[attr.key] = [plain(old), plain(new)]
    return changes


def record_edit(session: Session, obj: Any, entity: str, **details: Any) -> bool:
    """An edit of ``obj`` with old → new of every column it changed; nothing when nothing changed."""
    changes = column_changes(obj)
    if not changes:
        return False
    record(session, "update", entity, getattr(obj, "id", None), changes=changes, **details)
    return True


@dataclass(frozen=True)
class AuditFilter:
    since: date | None = None
    until: date | None = None  # inclusive
    person: str = ""  # login or display name, exact
    action: str = ""
    entity: str = ""
    entity_id: int | None = None
    commune_id: int | None = None  # a province user's choice; a commune user always sees their own


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str
    actor: str
    action: str
    action_label: str
    entity: str
    entity_id: int | None
    details: dict[str, Any]
    commune: str = ""  # the commune's name ("" for a line of the whole database)


def _filtered(query: Select[Any], where: AuditFilter, session: Session | None = None) -> Select[Any]:
    from app.storage.models import WORK_COMMUNE_KEY

    work = session.info.get(WORK_COMMUNE_KEY) if session is not None else None
    commune = work if isinstance(work, int) else where.commune_id
    if commune is not None:
        query = query.where(AuditEvent.commune_id == commune)
    if where.since is not None:
        query = query.where(AuditEvent.at >= datetime.combine(where.since, time.min))
    if where.until is not None:
        query = query.where(AuditEvent.at < datetime.combine(where.until + timedelta(days=1), time.min))
    if where.person:
        query = query.where((AuditEvent.user == where.person) | (AuditEvent.actor == where.person))
    if where.action:
        query = query.where(AuditEvent.action == where.action)
    if where.entity:
        query = query.where(AuditEvent.entity == where.entity)
    if where.entity_id is not None:
        query = query.where(AuditEvent.entity_id == where.entity_id)
    return query


def count_events(session: Session, where: AuditFilter = AuditFilter()) -> int:
    return session.scalar(_filtered(select(func.count()).select_from(AuditEvent), where, session)) or 0


def list_events(
    session: Session, where: AuditFilter = AuditFilter(), *, offset: int = 0, limit: int = PAGE_SIZE
) -> list[AuditRow]:
    """One page of the log, newest first, filtered in SQL."""
    from app.storage.models import Commune

    query = _filtered(select(AuditEvent), where, session).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    names = dict(session.execute(select(Commune.id, Commune.name)).all())
    return [
        AuditRow(
            e.id,
            e.at,
            e.user,
            e.actor,
            e.action,
            ACTION_LABELS.get(e.action, e.action),
            e.entity,
            e.entity_id,
            dict(e.details or {}),
            names.get(e.commune_id, "") if e.commune_id is not None else "",
        )
        for e in session.scalars(query.offset(max(0, offset)).limit(max(1, min(limit, 1000))))
    ]


def people(session: Session) -> list[str]:
    """Everyone who appears in the log (logins and display names), for the filter box."""
    names = {
        n
        for (n,) in session.execute(_filtered(select(AuditEvent.user).distinct(), AuditFilter(), session))
        if n
    }
    names |= {
        n
        for (n,) in session.execute(_filtered(select(AuditEvent.actor).distinct(), AuditFilter(), session))
        if n
    }
    return sorted(names)


def communes(session: Session) -> list[tuple[int, str]]:
    """The communes a Nhật ký may be filtered by: every one for a province user, none for a commune's."""
    from app.storage.models import WORK_COMMUNE_KEY, Commune

    if isinstance(session.info.get(WORK_COMMUNE_KEY), int):
        return []
    rows = session.execute(select(Commune.id, Commune.name).order_by(Commune.id)).all()
    return [(int(i), str(n)) for i, n in rows] if len(rows) > 1 else []
