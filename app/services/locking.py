"""Chốt biên bản: a locked dialogue refuses every change to its minutes until unlocked with a reason.

The one guard is :func:`ensure_unlocked`. Services call it first (so the refusal comes before any
work), and a ``before_flush`` hook calls it for every row of a dialogue's content that a unit of
work is about to write: opinions, minute lines, answers, attendance, conclusions, the dialogue
itself. So no service and no screen can go round it, «Mở lại để ghi tiếp» included. After an
unlock, and from the end of the meeting on, every change is written to the Nhật ký with who, when
and old → new.

The follow-up after the meeting (assignments, results, a petition's status) is not part of the
minutes and stays open.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from app.domain.rules import DialogueState
from app.domain.text import clean
from app.errors import AppError, LockedError, NotFoundError, ValidationError
from app.services import audit, users
from app.storage.models import Answer, Attendee, Conclusion, Dialogue, IssuedDocument, MinuteEntry, Petition

# The lock's own columns (changing them is locking or unlocking, not editing the minutes).
_LOCK_COLUMNS = frozenset({"locked_at", "locked_by", "unlocked_at", "unlock_reason", "updated_at"})
# A petition's columns that are the minutes; status and follow-up fields stay editable.
_PETITION_MINUTES = frozenset(
    {
        "content",
        "petitioner_name",
        "is_anonymous",
        "hamlet_id",
        "hamlet_text",
        "field_id",
        "kind",
        "raised_at_meeting",
        "dialogue_id",
        "position",
        "source",
        "deleted_at",
    }
)
_CONTENT_TYPES = (Dialogue, Petition, MinuteEntry, Answer, Conclusion, Attendee)


def _dialogue(session: Session, dialogue_id: int) -> Dialogue:
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise NotFoundError("hội nghị", dialogue_id)
    return dialogue


def ensure_unlocked(session: Session, dialogue_id: int | None) -> None:
    """Raise :class:`LockedError` if the dialogue's minutes are locked (the one guard)."""
    if dialogue_id is None:
        return
    with session.no_autoflush:
        locked = session.scalar(select(Dialogue.locked_at).where(Dialogue.id == dialogue_id))
    if locked is not None:
        raise LockedError(dialogue_id)


def is_locked(session: Session, dialogue_id: int) -> bool:
    return _dialogue(session, dialogue_id).locked_at is not None


def lock_dialogue(session: Session, dialogue_id: int, now: datetime | None = None) -> None:
    """«Chốt biên bản» after the meeting: the minutes become read-only."""
    users.require(session, users.Permission.LOCK)
    dialogue = _dialogue(session, dialogue_id)
    if dialogue.locked_at is not None:
        return
    if dialogue.state != DialogueState.CLOSED:
        raise AppError(
            f"dialogue {dialogue_id} is not closed",
            "Chỉ chốt được biên bản sau khi hội nghị đã kết thúc. Hãy bấm «Kết thúc hội nghị» trước.",
        )
    dialogue.locked_at = now or datetime.now().replace(microsecond=0)
    person = users.signed_in(session)
    dialogue.locked_by = (
        (person.full_name or person.login) if person else audit.display_name(session) or audit.current_user()
    )
    audit.record(session, "lock", "dialogue", dialogue.id)


def unlock_dialogue(session: Session, dialogue_id: int, reason: str, now: datetime | None = None) -> None:
    """«Mở khóa» with a reason; every change from now on is kept with old → new."""
    users.require(session, users.Permission.UNLOCK)
    dialogue = _dialogue(session, dialogue_id)
    why = clean(reason)
    if not why:
        raise ValidationError({"reason": "Hãy ghi lý do mở khóa biên bản."})
    if dialogue.locked_at is None:
        return
    dialogue.locked_at = None
    dialogue.unlocked_at = now or datetime.now().replace(microsecond=0)
    dialogue.unlock_reason = why
    audit.record(session, "unlock", "dialogue", dialogue.id, reason=why)


# --- the hook that no write goes round ---------------------------------------------------------


def _dialogue_id_of(session: Session, obj: Any) -> set[int]:
    """The dialogue(s) a row belongs to; a row moved between dialogues belongs to both."""
    ids: set[int] = set()
    if isinstance(obj, Dialogue):
        ids.add(obj.id)
    elif isinstance(obj, Answer):
        petition = session.get(Petition, obj.petition_id) if obj.petition_id else obj.__dict__.get("petition")
        if petition is not None and petition.dialogue_id is not None:
            ids.add(petition.dialogue_id)
    else:
        if obj.dialogue_id is not None:
            ids.add(obj.dialogue_id)
        parent = obj.__dict__.get("dialogue")
        if parent is not None and parent.id is not None:
            ids.add(parent.id)
        history = inspect(obj).attrs.dialogue_id.history
        ids.update(value for value in history.deleted if value is not None)
    return ids


def _changed_columns(obj: Any) -> dict[str, tuple[Any, Any]]:
    state = inspect(obj)
    changes: dict[str, tuple[Any, Any]] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = (old, new)
    return changes


_STATE_COLUMNS = frozenset({"state", "started_at", "ended_at"})


_OPENED_HERE = "dialogues_not_closed_before"  # in session.info: made or still open in this unit of work


def _note_open_dialogues(session: Session) -> None:
    """Remember the dialogues this unit of work made, or found not yet closed: a flush forgets."""
    seen: set[Dialogue] = session.info.setdefault(_OPENED_HERE, set())
    for obj in session.new:
        if isinstance(obj, Dialogue):
            seen.add(obj)
    for obj in session.dirty:
        if isinstance(obj, Dialogue):
            history = inspect(obj).attrs.state.history
            if history.deleted and history.deleted[0] != DialogueState.CLOSED:
                seen.add(obj)


def _was_closed(session: Session, dialogue: Dialogue) -> bool:
    """The meeting had ended before this unit of work (its minutes are then final: every change is
    in the Nhật ký even before the lock). While it runs the secretary types the minutes; those
    keystrokes are the minutes themselves, not edits of them. A meeting made already held in one
    go (the demo, an import) is not edited either."""
    if dialogue in session.info.get(_OPENED_HERE, set()):
        return False
    history = inspect(dialogue).attrs.state.history
    before = history.deleted[0] if history.deleted else dialogue.state
    return bool(before == DialogueState.CLOSED)


def _filled_columns(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    return {
        attr.key: state.dict.get(attr.key)
        for attr in state.mapper.column_attrs
        if attr.key not in {"id", "created_at", "updated_at"} and state.dict.get(attr.key) is not None
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _guard_flush(session: Session, _context: Any, _instances: Any) -> None:
    _note_open_dialogues(session)
    touched: list[tuple[Any, str, dict[str, tuple[Any, Any]]]] = []
    for obj in list(session.new):
        if isinstance(obj, _CONTENT_TYPES) and not isinstance(obj, Dialogue):
            touched.append((obj, "create", {}))
    for obj in list(session.dirty):
        if not isinstance(obj, _CONTENT_TYPES):
            continue
        changes = _changed_columns(obj)
        if isinstance(obj, Dialogue):
            changes = {k: v for k, v in changes.items() if k not in _LOCK_COLUMNS}
        elif isinstance(obj, Petition):
            changes = {k: v for k, v in changes.items() if k in _PETITION_MINUTES}
        if changes:
            touched.append((obj, "edit", changes))
    for obj in list(session.deleted):
        if isinstance(obj, _CONTENT_TYPES):
            touched.append((obj, "delete", {}))
    if not touched:
        return
    checked: dict[int, bool] = {}  # dialogue id -> changes go to the history (one query each)
    with session.no_autoflush:
        for obj, action, changes in touched:
            for dialogue_id in _dialogue_id_of(session, obj):
                if dialogue_id not in checked:
                    # A dialogue not yet loaded is read fresh now, lock included: one query, not
                    # two (an autosave on a server pays a round trip for each).
                    loaded = session.identity_key(Dialogue, dialogue_id) in session.identity_map
                    dialogue = session.get(Dialogue, dialogue_id)
                    if loaded:
                        ensure_unlocked(session, dialogue_id)
                    elif dialogue is not None and dialogue.locked_at is not None:
                        raise LockedError(dialogue_id)
                    checked[dialogue_id] = dialogue is not None and (
                        dialogue.unlocked_at is not None or _was_closed(session, dialogue)
                    )
                if not checked[dialogue_id]:
                    continue
                if isinstance(obj, Dialogue):
                    # Ending and reopening are lines of their own ("end", "reopen").
                    changes = {k: v for k, v in changes.items() if k not in _STATE_COLUMNS}
                    if not changes:
                        continue
                if action == "create":
                    changes = {k: (None, v) for k, v in _filled_columns(obj).items()}
                dialogue = session.get(Dialogue, dialogue_id)
                audit.record(
                    session,
                    action,
                    type(obj).__tablename__,
                    obj.id,
                    dialogue_id=dialogue_id,
                    after_unlock=dialogue is not None and dialogue.unlocked_at is not None,
                    changes={k: [_plain(old), _plain(new)] for k, (old, new) in changes.items()},
                )


event.listen(Session, "before_flush", _guard_flush)


# --- what was issued -----------------------------------------------------------------------------


def content_fingerprint(session: Session, dialogue_id: int) -> str:
    """sha256 of everything a Thông báo kết luận is made from (the dialogue's data)."""
    from app.services.documents import load_dialogue_data

    data = load_dialogue_data(session, dialogue_id)
    return hashlib.sha256(repr(data).encode("utf-8")).hexdigest()


def changed_since_issued(session: Session, dialogue_id: int) -> bool | None:
    """True when «văn bản đã thay đổi sau khi ban hành»; None when no Thông báo was issued."""
    from app.domain.rules import DocumentKind

    issued = session.scalars(
        select(IssuedDocument)
        .where(
            IssuedDocument.kind == DocumentKind.CONCLUSION_NOTICE,
            IssuedDocument.dialogue_id == dialogue_id,
            IssuedDocument.number.is_not(None),
            IssuedDocument.content_fingerprint != "",
        )
        .order_by(IssuedDocument.created_at.desc(), IssuedDocument.id.desc())
    ).first()
    if issued is None:
        return None
    return issued.content_fingerprint != content_fingerprint(session, dialogue_id)
