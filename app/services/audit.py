"""The audit log: every change a user makes leaves a line (who, when, what)."""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy.orm import Session

from app.storage.models import AuditEvent


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service contexts
        return ""


def record(session: Session, action: str, entity: str, entity_id: int | None, **details: Any) -> None:
    session.add(
        AuditEvent(action=action, entity=entity, entity_id=entity_id, user=current_user(), details=details)
    )
