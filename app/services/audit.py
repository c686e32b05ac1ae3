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


def display_name(session: Session) -> str:
    row = session.get(Setting, DISPLAY_NAME_KEY)
    value = row.value if row is not None else None
    return value if isinstance(value, str) else ""


def set_display_name(session: Session, name: str) -> None:
    """The name shown in the Nhật ký beside the computer's login (chosen in Cài đặt)."""
    from app.services.settings import set_setting

    value = clean(name)
    if len(value) > 100:
        raise ValidationError({"display_name": "Tên hiển thị dài quá 100 ký tự."})
    old = display_name(session)
    set_setting(session, DISPLAY_NAME_KEY, value)
    record(session, "settings", "setting", None, key=DISPLAY_NAME_KEY, changed=old != value)


def record(session: Session, action: str, entity: str, entity_id: int | None, **details: Any) -> None:
    """One line of the log: the signed-in user when the database has users, else this PC's login."""
    person = users.signed_in(session)
    session.add(
        AuditEvent(
            action=action,
            entity=entity,
            entity_id=entity_id,
            user=person.login if person is not None else current_user(),
            actor=(person.full_name or person.login) if person is not None else display_name(session),
            details=details,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    since: date | None = None
    until: date | None = None  # inclusive
    person: str = ""  # login or display name, exact
    action: str = ""
    entity: str = ""
    entity_id: int | None = None


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


def _filtered(query: Select[Any], where: AuditFilter) -> Select[Any]:
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
    return session.scalar(_filtered(select(func.count()).select_from(AuditEvent), where)) or 0


def list_events(
    session: Session, where: AuditFilter = AuditFilter(), *, offset: int = 0, limit: int = PAGE_SIZE
) -> list[AuditRow]:
    """One page of the log, newest first, filtered in SQL."""
    query = _filtered(select(AuditEvent), where).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
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
        )
        for e in session.scalars(query.offset(max(0, offset)).limit(max(1, min(limit, 1000))))
    ]


def people(session: Session) -> list[str]:
    """Everyone who appears in the log (logins and display names), for the filter box."""
    names = {n for (n,) in session.execute(select(AuditEvent.user).distinct()) if n}
    names |= {n for (n,) in session.execute(select(AuditEvent.actor).distinct()) if n}
    return sorted(names)
