"""Danh mục: units, thôn/tổ dân phố, fields and leaders used everywhere.

Entries in use are never deleted (the records that name them would lose their meaning); they are
deactivated instead and vanish from pick lists while old records keep showing them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.rules import DEFAULT_FIELDS, DEFAULT_UNITS
from app.domain.text import clean, search_key
from app.errors import EditConflict, InUseError, NotFoundError, ValidationError
from app.services import audit, counters, search
from app.storage.models import (
    Answer,
    Assignment,
    Dialogue,
    Field,
    Hamlet,
    Leader,
    Petition,
    Plan,
    Unit,
    assignment_support,
    dialogue_co_chair,
)

CatalogueName = Literal["unit", "hamlet", "field"]
CatalogueRow = Unit | Hamlet | Field
CatalogueModel = type[Unit] | type[Hamlet] | type[Field]
_MODELS: dict[str, CatalogueModel] = {"unit": Unit, "hamlet": Hamlet, "field": Field}
_WHAT = {"unit": "đơn vị", "hamlet": "thôn/tổ dân phố", "field": "lĩnh vực"}


@dataclass(frozen=True)
class CatalogueEntry:
    id: int
    name: str
    active: bool
    position: int


@dataclass(frozen=True)
class LeaderEntry:
    id: int
    full_name: str
    title: str
    active: bool

    @property
    def label(self) -> str:
        return f"{self.full_name} – {self.title}" if self.title else self.full_name


def _commune(session: Session) -> int | None:
    """The commune whose lists this user sees and edits; None: every commune (province, no users)."""
    from app.storage.models import WORK_COMMUNE_KEY

    work = session.info.get(WORK_COMMUNE_KEY)
    return work if isinstance(work, int) else None


def in_commune(query: Any, model: Any, session: Session) -> Any:
    """``query`` limited to the user's commune (thôn, lĩnh vực, units and leaders are per commune)."""
    work = _commune(session)
    return query if work is None else query.where(model.commune_id == work)


def _entry(row: object) -> CatalogueEntry:
    # select() over a union of models is typed as the declarative base; every one has these.
    typed = cast(CatalogueRow, row)
    return CatalogueEntry(typed.id, typed.name, typed.active, typed.position)


def list_entries(
    session: Session, catalogue: CatalogueName, *, include_inactive: bool = False
) -> list[CatalogueEntry]:
    model = _MODELS[catalogue]
    query = in_commune(select(model).order_by(model.position, model.id), model, session)
    if not include_inactive:
        query = query.where(model.active.is_(True))
    return [_entry(row) for row in session.scalars(query)]


def add_entry(session: Session, catalogue: CatalogueName, name: str) -> CatalogueEntry:
    model = _MODELS[catalogue]
    cleaned = clean(name)
    if not cleaned:
        raise ValidationError({"name": f"Tên {_WHAT[catalogue]} không được để trống."})
    existing = find_entry(session, catalogue, cleaned)
    if existing is not None:
        if not existing.active:
            return set_active(session, catalogue, existing.id, True)
        return existing
    position = counters.catalogue_position(
        session, model.__tablename__, lambda: int(session.scalar(select(func.max(model.position))) or 0)
    )
    row = model(name=cleaned, position=position, active=True)
    session.add(row)
    session.flush()
    audit.record(session, "create", catalogue, row.id, name=cleaned)
    return CatalogueEntry(row.id, row.name, row.active, row.position)


def find_entry(session: Session, catalogue: CatalogueName, name: str) -> CatalogueEntry | None:
    """The entry whose name matches ``name`` ignoring case and accents (Thôn 1 = thon 1)."""
    model = _MODELS[catalogue]
    wanted = search_key(name)
    for row in session.scalars(in_commune(select(model), model, session)):
        entry = _entry(row)
        if search_key(entry.name) == wanted:
            return entry
    return None


def rename_entry(
    session: Session,
    catalogue: CatalogueName,
    entry_id: int,
    name: str,
    *,
    expected: CatalogueEntry | None = None,
) -> CatalogueEntry:
    """Rename; ``expected`` is the entry as the list showed it (a stale copy is refused)."""
    row = _get(session, catalogue, entry_id)
    check_entry(session, catalogue, entry_id, expected, {"name": clean(name)})
    cleaned = clean(name)
    if not cleaned:
        raise ValidationError({"name": f"Tên {_WHAT[catalogue]} không được để trống."})
    other = find_entry(session, catalogue, cleaned)
    if other is not None and other.id != entry_id:
        raise ValidationError({"name": f"Đã có {_WHAT[catalogue]} «{other.name}»."})
    old = row.name
    row.name = cleaned
    if catalogue == "hamlet" and old != cleaned:
        # The thôn is part of its petitions' search key: re-key them in this same transaction.
        search.refresh_keys_for_hamlet(session, row.id)
    audit.record(session, "update", catalogue, row.id, old=old, new=cleaned)
    return CatalogueEntry(row.id, row.name, row.active, row.position)


def set_active(
    session: Session,
    catalogue: CatalogueName,
    entry_id: int,
    active: bool,
    *,
    expected: CatalogueEntry | None = None,
) -> CatalogueEntry:
    row = _get(session, catalogue, entry_id)
    check_entry(session, catalogue, entry_id, expected, _shown(row.name, active))
    row.active = active
    audit.record(session, "update", catalogue, row.id, active=active)
    return CatalogueEntry(row.id, row.name, row.active, row.position)


def usage_counts(session: Session, catalogue: CatalogueName, entry_id: int) -> dict[str, int]:
    """What names this entry, by kind of record (``{"ý kiến, kiến nghị": 3, "kế hoạch": 1}``)."""
    if catalogue == "hamlet":
        return {
            "ý kiến, kiến nghị": session.scalar(select(func.count()).where(Petition.hamlet_id == entry_id))
            or 0
        }
    if catalogue == "field":
        return {
            "ý kiến, kiến nghị": session.scalar(select(func.count()).where(Petition.field_id == entry_id))
            or 0
        }
    lead = session.scalar(select(func.count()).where(Assignment.lead_unit_id == entry_id)) or 0
    support = session.scalar(select(func.count()).where(assignment_support.c.unit_id == entry_id)) or 0
    # A plan's tổ chức thực hiện names units inside a JSON list.
    plans = sum(
        1
        for tasks in session.scalars(select(Plan.tasks))
        if any(block.get("unit_id") == entry_id for block in tasks or [])
    )
    return {"nhiệm vụ được giao": lead + support, "kế hoạch": plans}


def usage_phrase(counts: dict[str, int]) -> str:
    """``3 ý kiến, kiến nghị; 1 kế hoạch`` (empty when nothing uses the entry)."""
    return "; ".join(f"{n} {what}" for what, n in counts.items() if n)


def delete_entry(
    session: Session, catalogue: CatalogueName, entry_id: int, *, expected: CatalogueEntry | None = None
) -> None:
    row = _get(session, catalogue, entry_id)
    check_entry(session, catalogue, entry_id, expected, {})
    counts = usage_counts(session, catalogue, entry_id)
    used = sum(counts.values())
    if used:
        raise InUseError(
            f"{catalogue} {entry_id} is used by {used} records",
            f"Không thể xóa {_WHAT[catalogue]} «{row.name}» vì đang được dùng trong {usage_phrase(counts)}. "
            "Hãy chọn «Ngừng sử dụng» để ẩn khỏi danh sách chọn mà vẫn giữ hồ sơ cũ.",
        )
    session.delete(row)
    audit.record(session, "delete", catalogue, entry_id, name=row.name)


def move_entry(session: Session, catalogue: CatalogueName, entry_id: int, offset: int) -> None:
    """Move an entry up (offset -1) or down (+1) in the pick lists."""
    entries = list_entries(session, catalogue, include_inactive=True)
    ids = [entry.id for entry in entries]
    index = ids.index(entry_id)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    model = _MODELS[catalogue]
    for position, ident in enumerate(ids, start=1):
        row = cast(CatalogueRow | None, session.get(model, ident))
        assert row is not None
        row.position = position
    if target != index:
        audit.record(session, "update", catalogue, entry_id, position=[index + 1, target + 1])


def _get(session: Session, catalogue: CatalogueName, entry_id: int) -> Unit | Hamlet | Field:
    row = cast(CatalogueRow | None, session.get(_MODELS[catalogue], entry_id))
    work = _commune(session)
    if row is None or (work is not None and row.commune_id != work):  # another commune's list
        raise NotFoundError(_WHAT[catalogue], entry_id)
    return row


def check_entry(
    session: Session,
    catalogue: CatalogueName | Literal["leader"],
    entry_id: int,
    expected: CatalogueEntry | LeaderEntry | None,
    mine: dict[str, object],
) -> None:
    """Refuse an edit made from a list read before someone else changed this entry.

    ``expected`` is the entry as the form showed it: its name (a leader's name and chức vụ) and
    whether it was in use are what the user saw; None: no check. The row is locked for the rest
    of the unit of work on a server, so two PCs renaming at once cannot both pass.
    """
    if expected is None:
        return
    model: Any = Leader if catalogue == "leader" else _MODELS[catalogue]
    row = session.get(model, entry_id, with_for_update=_locks(session))
    if row is None:
        raise NotFoundError("lãnh đạo" if catalogue == "leader" else _WHAT[catalogue], entry_id)
    if isinstance(expected, LeaderEntry):
        seen = _shown(expected.full_name, expected.active, expected.title)
        now = _shown(row.full_name, row.active, row.title)
        what = "lãnh đạo"
    else:
        seen = _shown(expected.name, expected.active)
        now = _shown(row.name, row.active)
        what = _WHAT[catalogue]
    if seen == now:
        return
    raise EditConflict(
        what, entry_id, expected_version=None, current_version=None, mine=mine, theirs=now, kind=catalogue
    )


def _shown(name: str, active: bool, title: str | None = None) -> dict[str, object]:
    """An entry in the conflict message's words (keys of app.errors.CONFLICT_FIELDS)."""
    shown: dict[str, object] = {"name": name, "active": "đang dùng" if active else "ngừng sử dụng"}
    if title is not None:
        shown["leader_title"] = title
    return shown


def _locks(session: Session) -> bool:
    # SQLite's BEGIN IMMEDIATE already serialises writers; a server locks the row (FOR UPDATE).
    return session.get_bind().dialect.name != "sqlite"


def ensure_defaults(session: Session) -> None:
    """Fill empty field and unit lists with the standard ones (editable afterwards)."""
    for catalogue, names in (("field", DEFAULT_FIELDS), ("unit", DEFAULT_UNITS)):
        model = _MODELS[catalogue]
        if session.scalar(in_commune(select(func.count()).select_from(model), model, session)):
            continue
        for position, name in enumerate(names, start=1):
            session.add(model(name=name, position=position, active=True))
    session.flush()


# --- leaders ----------------------------------------------------------------------------------


def list_leaders(session: Session, *, include_inactive: bool = False) -> list[LeaderEntry]:
    query = in_commune(select(Leader).order_by(Leader.position, Leader.id), Leader, session)
    if not include_inactive:
        query = query.where(Leader.active.is_(True))
    return [LeaderEntry(row.id, row.full_name, row.title, row.active) for row in session.scalars(query)]


def add_leader(session: Session, full_name: str, title: str) -> LeaderEntry:
    problems = {}
    if not clean(full_name):
        problems["full_name"] = "Hãy nhập họ tên."
    if not clean(title):
        problems["title"] = "Hãy nhập chức vụ, ví dụ «Phó Chủ tịch UBND xã»."
    if problems:
        raise ValidationError(problems)
    position = counters.catalogue_position(
        session, "leader", lambda: int(session.scalar(select(func.max(Leader.position))) or 0)
    )
    row = Leader(full_name=clean(full_name), title=clean(title), position=position, active=True)
    session.add(row)
    session.flush()
    audit.record(session, "create", "leader", row.id, full_name=row.full_name)
    return LeaderEntry(row.id, row.full_name, row.title, row.active)


def update_leader(
    session: Session,
    leader_id: int,
    *,
    full_name: str,
    title: str,
    active: bool = True,
    expected: LeaderEntry | None = None,
) -> LeaderEntry:
    row = _leader(session, leader_id)
    check_entry(session, "leader", leader_id, expected, _shown(clean(full_name), active, clean(title)))
    if not clean(full_name) or not clean(title):
        raise ValidationError({"full_name": "Họ tên và chức vụ không được để trống."})
    row.full_name, row.title, row.active = clean(full_name), clean(title), active
    audit.record_edit(session, row, "leader")
    return LeaderEntry(row.id, row.full_name, row.title, row.active)


def leader_usage_counts(session: Session, leader_id: int) -> dict[str, int]:
    chairs = session.scalar(select(func.count()).where(Dialogue.chair_id == leader_id)) or 0
    co_chairs = session.scalar(select(func.count()).where(dialogue_co_chair.c.leader_id == leader_id)) or 0
    answers = session.scalar(select(func.count()).where(Answer.leader_id == leader_id)) or 0
    return {"hội nghị (chủ trì, đồng chủ trì)": chairs + co_chairs, "câu trả lời tại hội nghị": answers}


def _leader(session: Session, leader_id: int) -> Leader:
    row = session.get(Leader, leader_id)
    work = _commune(session)
    if row is None or (work is not None and row.commune_id != work):  # another commune's leader
        raise NotFoundError("lãnh đạo", leader_id)
    return row


def set_leader_active(
    session: Session, leader_id: int, active: bool, *, expected: LeaderEntry | None = None
) -> LeaderEntry:
    row = _leader(session, leader_id)
    check_entry(session, "leader", leader_id, expected, _shown(row.full_name, active, row.title))
    row.active = active
    audit.record(session, "update", "leader", row.id, active=active)
    return LeaderEntry(row.id, row.full_name, row.title, row.active)


def delete_leader(session: Session, leader_id: int, *, expected: LeaderEntry | None = None) -> None:
    row = _leader(session, leader_id)
    check_entry(session, "leader", leader_id, expected, {})
    counts = leader_usage_counts(session, leader_id)
    if sum(counts.values()):
        raise InUseError(
            f"leader {leader_id} is used",
            f"Không thể xóa «{row.full_name}» vì đang được ghi trong {usage_phrase(counts)}. "
            "Hãy chọn «Ngừng sử dụng» khi người này thôi giữ chức vụ.",
        )
    session.delete(row)
    audit.record(session, "delete", "leader", leader_id, full_name=row.full_name)


def move_leader(session: Session, leader_id: int, offset: int) -> None:
    """Move a leader up (-1) or down (+1) in the pick lists."""
    ids = [entry.id for entry in list_leaders(session, include_inactive=True)]
    index = ids.index(leader_id)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    for position, ident in enumerate(ids, start=1):
        _leader(session, ident).position = position


@dataclass(frozen=True)
class CatalogueUsageRow:
    """One line of a Danh mục screen: the entry and what uses it."""

    id: int
    name: str
    active: bool
    position: int
    usage: str  # "3 ý kiến, kiến nghị" or ""
    title: str = ""  # leaders only: chức vụ

    def expected(self, catalogue: str) -> CatalogueEntry | LeaderEntry:
        """The entry as this row shows it: hand it back as ``expected`` to refuse a stale edit."""
        if catalogue == "leader":
            return LeaderEntry(self.id, self.name, self.title, self.active)
        return CatalogueEntry(self.id, self.name, self.active, self.position)


def catalogue_rows(session: Session, catalogue: CatalogueName | Literal["leader"]) -> list[CatalogueUsageRow]:
    """Every entry, active or not, in pick-list order, with what uses it."""
    if catalogue == "leader":
        return [
            CatalogueUsageRow(
                e.id, e.full_name, e.active, n, usage_phrase(leader_usage_counts(session, e.id)), e.title
            )
            for n, e in enumerate(list_leaders(session, include_inactive=True), start=1)
        ]
    return [
        CatalogueUsageRow(e.id, e.name, e.active, n, usage_phrase(usage_counts(session, catalogue, e.id)))
        for n, e in enumerate(list_entries(session, catalogue, include_inactive=True), start=1)
    ]
