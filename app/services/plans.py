"""Kế hoạch: write a plan, copy last year's, schedule the dialogues it foresees.

Every function is one user action on a session; what crosses into the UI is plain data
(:class:`PlanDetail`, :class:`PlanRow`). The editor autosaves through :func:`update_plan`, which
validates the whole form first so a rejected save leaves the stored plan as it was.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.rules import DialogueState, DocumentKind, PlanKind
from app.domain.text import clean, search_key, short_date
from app.errors import EditConflict, InUseError, NotFoundError, ValidationError
from app.paths import resource_path
from app.services import audit, catalog
from app.services.dialogues import (
    DialogueDetail,
    DialogueInput,
    create_dialogue,
    deletion_blocker,
    dialogue_detail,
    get_dialogue,
    plan_dialogues,
    update_dialogue,
)
from app.services.ordering import reversed_order, vietnamese
from app.services.settings import current_organization
from app.storage.models import (
    WORK_COMMUNE_KEY,
    Dialogue,
    IssuedDocument,
    Organization,
    Plan,
    Unit,
    commune_organizations,
)

log = logging.getLogger(__name__)

# The closing line of every Nơi nhận (Nghị định 30/2020): the văn thư's copy.
ARCHIVE_RECIPIENT = "Lưu: VT."


def _clean_list(items: list[str] | tuple[str, ...]) -> list[str]:
    return [cleaned for item in items if (cleaned := clean(str(item).replace("\r\n", "\n")))]


@dataclass
class PlanInput:
    organization_id: int
    year: int
    title: str
    kind: PlanKind = PlanKind.YEARLY
    number: int | None = None
    symbol: str = ""  # defaults to KH-<issuer code>
    issued_on: date | None = None
    opening: str = ""
    bases: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    audience: str = ""
    contents: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    time_place: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    tasks_intro: str = ""
    tasks: list[dict[str, Any]] = field(default_factory=list)  # [{"unit": str, "tasks": [str]}]
    recipients: list[str] = field(default_factory=list)
    signing_authority: str = ""
    signer_title: str = ""
    signer_name: str = ""
    # The plan's own section headings {key: heading}, as a published plan has them (see
    # app.export.data.PLAN_HEADINGS); missing keys use the standard headings. None keeps the
    # stored ones (the plan form has no heading fields yet, and must not wipe them on autosave).
    headings: dict[str, str] | None = None
    # The plan's version the form started from (PlanDetail.version, then each save's PlanRow.version);
    # None: no check.
    version: int | None = None


@dataclass(frozen=True)
class PlanRow:
    id: int
    year: int
    title: str
    number_text: str
    issued_on: date | None
    dialogues: int
    kind: PlanKind = PlanKind.YEARLY
    version: int = 0  # hand it back in PlanInput.version: an edit from a stale copy is refused


@dataclass(frozen=True)
class PlanUnitTasks:
    """One unit's share of the plan (tổ chức thực hiện)."""

    unit: str
    unit_id: int | None
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class PlanDetail:
    """A whole plan as the editor shows it, with the organisation and its dialogues."""

    id: int
    organization_id: int
    organization_name: str
    issuer_code: str
    kind: PlanKind
    year: int
    number: int | None
    symbol: str
    issued_on: date | None
    title: str
    opening: str
    bases: tuple[str, ...]
    purposes: tuple[str, ...]
    requirements: tuple[str, ...]
    audience: str
    contents: tuple[str, ...]
    forms: tuple[str, ...]
    time_place: tuple[str, ...]
    steps: tuple[str, ...]
    tasks_intro: str
    tasks: tuple[PlanUnitTasks, ...]
    recipients: tuple[str, ...]
    signing_authority: str
    signer_title: str
    signer_name: str
    dialogues: tuple[DialogueDetail, ...] = ()
    headings: dict[str, str] = field(default_factory=dict)
    version: int = 0  # hand it back in PlanInput.version

    @property
    def number_text(self) -> str:
        return _number_text(self.number, self.symbol)

    def to_input(self) -> PlanInput:
        return PlanInput(
            organization_id=self.organization_id,
            year=self.year,
            title=self.title,
            kind=self.kind,
            number=self.number,
            symbol=self.symbol,
            issued_on=self.issued_on,
            opening=self.opening,
            bases=list(self.bases),
            purposes=list(self.purposes),
            requirements=list(self.requirements),
            audience=self.audience,
            contents=list(self.contents),
            forms=list(self.forms),
            time_place=list(self.time_place),
            steps=list(self.steps),
            tasks_intro=self.tasks_intro,
            tasks=[{"unit": t.unit, "unit_id": t.unit_id, "tasks": list(t.tasks)} for t in self.tasks],
            recipients=list(self.recipients),
            signing_authority=self.signing_authority,
            signer_title=self.signer_title,
            signer_name=self.signer_name,
            headings=dict(self.headings),
        )


def _number_text(number: int | None, symbol: str) -> str:
    return f"{number:02d}/{symbol}" if number else f"…/{symbol}"


# --- validation -------------------------------------------------------------------------------


def validate_plan(data: PlanInput) -> dict[str, str]:
    problems = {}
    if not 2000 <= data.year <= 2100:
        problems["year"] = "Năm của kế hoạch không hợp lệ."
    if data.issued_on and data.issued_on.year not in (data.year - 1, data.year):
        problems["issued_on"] = f"Ngày ban hành phải thuộc năm {data.year} (hoặc cuối năm trước)."
    if data.number is not None and data.number <= 0:
        problems["number"] = "Số văn bản phải là số dương, hoặc để trống cho văn thư ghi."
    symbol = clean(data.symbol)
    if symbol and (any(ch.isspace() for ch in symbol) or "/" in symbol.split("-", 1)[0]):
        problems["symbol"] = "Ký hiệu viết liền, không dấu cách, ví dụ «KH-UBND»."
    return problems


def validate_for_export(detail: PlanDetail) -> None:
    """What a plan needs before it goes to Word; raises ValidationError field → message."""
    problems = {}
    if not clean(detail.title):
        problems["title"] = "Hãy nhập trích yếu của kế hoạch trước khi xuất Word."
    if problems:
        raise ValidationError(problems)


def _clean_tasks(session: Session, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Unit blocks as stored: names cleaned, empty blocks dropped, unit_id from Danh mục."""
    units = {
        search_key(u.name): u.id for u in session.scalars(catalog.in_commune(select(Unit), Unit, session))
    }
    out = []
    for block in tasks:
        unit = clean(block.get("unit", ""))
        items = _clean_list(block.get("tasks", []))
        if not unit and not items:
            continue
        unit_id = units.get(search_key(unit)) if unit else None
        out.append({"unit": unit, "unit_id": unit_id, "tasks": items})
    return out


def _apply(session: Session, plan: Plan, data: PlanInput, org: Organization) -> None:
    plan.kind = data.kind
    plan.year = data.year
    plan.number = data.number
    plan.symbol = clean(data.symbol) or f"{DocumentKind.PLAN.code}-{org.issuer_code}"
    plan.issued_on = data.issued_on
    plan.title = clean(data.title)
    plan.opening = clean(data.opening)
    plan.bases = _clean_list(data.bases)
    plan.purposes = _clean_list(data.purposes)
    plan.requirements = _clean_list(data.requirements)
    plan.audience = clean(data.audience)
    plan.contents = _clean_list(data.contents)
    plan.forms = _clean_list(data.forms)
    plan.time_place = _clean_list(data.time_place)
    plan.steps = _clean_list(data.steps)
    plan.tasks_intro = clean(data.tasks_intro)
    plan.tasks = _clean_tasks(session, data.tasks)
    if data.headings is not None:
        plan.headings = {
            str(k): clean(v) for k, v in data.headings.items() if isinstance(v, str) and clean(v)
        }
    recipients = _clean_list(data.recipients)
    # An empty Nơi nhận stays empty (the document then uses the standard one).
    plan.recipients = with_archive_last(recipients) if recipients else []


def create_plan(session: Session, data: PlanInput) -> int:
    problems = validate_plan(data)
    if problems:
        raise ValidationError(problems)
    org = session.get(Organization, data.organization_id)
    if org is None:
        raise ValidationError({"organization_id": "Hãy chọn cơ quan ban hành."})
    plan = Plan(organization_id=org.id)
    _apply(session, plan, data, org)
    plan.signing_authority = clean(data.signing_authority) or org.signing_authority
    plan.signer_title = clean(data.signer_title) or org.signer_title
    plan.signer_name = clean(data.signer_name) or org.signer_name
    session.add(plan)
    session.flush()
    audit.record(session, "create", "plan", plan.id, title=plan.title)
    return plan.id


def _get(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("kế hoạch", plan_id)
    return plan


def update_plan(session: Session, plan_id: int, data: PlanInput) -> PlanRow:
    """Store the whole form (the autosave of the editor); all of it or, if invalid, none of it.

    Signer fields are stored as typed: an empty quyền hạn means the chair signs directly.
    """
    plan = _get(session, plan_id)
    if data.version is not None and data.version != plan.version:
        raise EditConflict(
            "kế hoạch",
            plan.id,
            expected_version=data.version,
            current_version=plan.version,
            mine=_conflict_view(
                data.title, data.opening, data.audience, data.purposes, data.contents, data.steps
            ),
            theirs=_conflict_view(
                plan.title, plan.opening, plan.audience, plan.purposes, plan.contents, plan.steps
            ),
            kind="plan",
        )
    problems = validate_plan(data)
    outside = [d for d in plan.dialogues if d.scheduled_at is not None and d.scheduled_at.year != data.year]
    if outside and "year" not in problems:
        problems["year"] = (
            f"Hội nghị «{outside[0].title}» ngày {short_date(outside[0].scheduled_at.date())} "  # type: ignore[union-attr]
            f"không thuộc năm {data.year}; hãy sửa lịch hội nghị trước khi đổi năm."
        )
    if problems:
        raise ValidationError(problems)
    with session.no_autoflush:  # a flush in between would forget what changed (the Nhật ký's old → new)
        _apply(session, plan, data, plan.organization)
        plan.signing_authority = clean(data.signing_authority)
        plan.signer_title = clean(data.signer_title)
        plan.signer_name = clean(data.signer_name)
        audit.record_edit(session, plan, "plan")
    session.flush()
    return _row(plan, len(plan.dialogues))


def _conflict_view(
    title: str, opening: str, audience: str, purposes: Any, contents: Any, steps: Any
) -> dict[str, object]:
    """What a conflict shows of a plan (keys of app.errors.CONFLICT_FIELDS)."""

    def joined(items: Any) -> str:
        return "; ".join(clean(str(x)) for x in items or [] if clean(str(x)))

    return {
        "plan_title": clean(title),
        "plan_opening": clean(opening),
        "plan_audience": clean(audience),
        "plan_purposes": joined(purposes),
        "plan_contents": joined(contents),
        "plan_steps": joined(steps),
    }


def _row(plan: Plan, dialogues: int) -> PlanRow:
    return PlanRow(
        plan.id,
        plan.year,
        plan.title,
        _number_text(plan.number, plan.symbol),
        plan.issued_on,
        dialogues,
        plan.kind,
        plan.version,
    )


PLAN_SORTS = ("default", "title")


def list_plans(session: Session, *, sort: str = "default", descending: bool = False) -> list[PlanRow]:
    """Every plan, sorted in SQL: newest year first, or by trích yếu in Vietnamese order."""
    if sort not in PLAN_SORTS:
        raise ValueError(f"unknown plan sort {sort!r}")
    counts = dict(session.execute(select(Dialogue.plan_id, func.count()).group_by(Dialogue.plan_id)).all())
    keys: list[Any] = (
        [Plan.year.desc(), Plan.id.desc()]
        if sort == "default"
        else [vietnamese(session, Plan.title, Plan.title_sort), Plan.id]
    )
    if descending:
        keys = [reversed_order(key) for key in keys]
    stmt = select(Plan).order_by(*keys)
    work = session.info.get(WORK_COMMUNE_KEY)
    if work is not None:  # a commune user sees their commune's plans
        stmt = stmt.where(Plan.organization_id.in_(commune_organizations(work)))
    return [_row(plan, counts.get(plan.id, 0)) for plan in session.scalars(stmt)]


def get_plan(session: Session, plan_id: int, *, today: date | None = None) -> PlanDetail:
    plan = _get(session, plan_id)
    org = plan.organization
    return PlanDetail(
        version=plan.version,
        id=plan.id,
        organization_id=org.id,
        organization_name=" ".join(org.name.split()),
        issuer_code=org.issuer_code,
        kind=plan.kind,
        year=plan.year,
        number=plan.number,
        symbol=plan.symbol,
        issued_on=plan.issued_on,
        title=plan.title,
        opening=plan.opening,
        bases=tuple(plan.bases or ()),
        purposes=tuple(plan.purposes or ()),
        requirements=tuple(plan.requirements or ()),
        audience=plan.audience,
        contents=tuple(plan.contents or ()),
        forms=tuple(plan.forms or ()),
        time_place=tuple(plan.time_place or ()),
        steps=tuple(plan.steps or ()),
        tasks_intro=plan.tasks_intro,
        tasks=tuple(
            PlanUnitTasks(t.get("unit", ""), t.get("unit_id"), tuple(t.get("tasks", ())))
            for t in (plan.tasks or ())
        ),
        headings=dict(plan.headings or {}),
        recipients=tuple(plan.recipients or ()),
        signing_authority=plan.signing_authority or "",
        signer_title=plan.signer_title or "",
        signer_name=plan.signer_name or "",
        dialogues=tuple(plan_dialogues(session, plan.id, today=today)),
    )


# --- a new plan: standard wording -----------------------------------------------------------------


@cache
def _defaults_file() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(resource_path("plan_defaults.json").read_text(encoding="utf-8"))
    return data


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def _fill(value: str, values: Mapping[str, object]) -> str:
    return clean(value.format_map(_Blank(values)))


def _template_lines(key: str, values: Mapping[str, object]) -> list[str]:
    """Lines of an editable wording template (Cài đặt); the shipped one if the user's is broken."""
    from app.export.errors import TemplateError
    from app.export.templates import default_template, render_lines

    try:
        return render_lines(key, values)
    except TemplateError as exc:
        log.warning("template %s unusable for a new plan, using the default: %s", key, exc)
        return [line for line in _fill(default_template(key), values).split("\n") if line.strip()]


def form_choices() -> list[str]:
    """Standard hình thức a secretary picks from (trực tiếp, trực tuyến, trả lời phỏng vấn …)."""
    return [str(choice) for choice in _defaults_file().get("form_choices", [])]


def with_archive_last(recipients: list[str]) -> list[str]:
    """Nơi nhận with the văn thư's ``Lưu: VT.`` line last (moved there if typed elsewhere)."""
    lines = _clean_list(recipients)
    archive = [line for line in lines if search_key(line).lstrip("- ").startswith("luu")]
    rest = [line for line in lines if line not in archive]
    return [*rest, *(archive or [ARCHIVE_RECIPIENT])]


def new_plan_input(
    session: Session,
    *,
    year: int,
    kind: PlanKind = PlanKind.YEARLY,
    organization_id: int | None = None,
    today: date | None = None,
) -> PlanInput:
    """A plan filled with the standard wording of this office and its signer."""
    from app.export.phrases import body_name_in_text, short_body_in_text

    today = today or date.today()
    kind = PlanKind(kind)
    org_info = current_organization(session)
    org = session.get(Organization, organization_id or (org_info.id if org_info else -1))
    if org is None:
        raise ValidationError({"organization_id": "Chưa thiết lập cơ quan ban hành (Cài đặt)."})
    values: dict[str, object] = {
        "nam": year,
        "ten_co_quan": body_name_in_text(org.name),
        "dia_danh": f"{_level_of(org.name)} {org.place_name}".strip(),
        "cap": org.level or _level_of(org.name) or "xã",
        "co_quan": short_body_in_text(body_name_in_text(org.name)),
    }
    spec = _defaults_file()

    def pick(key: str) -> Any:
        value = spec.get(key, "")
        return value.get(kind.value, "") if isinstance(value, dict) else value

    def lines(key: str) -> list[str]:
        return [_fill(line, values) for line in pick(key) or []]

    active = catalog.in_commune(select(Unit).where(Unit.active.is_(True)), Unit, session)
    units = {search_key(u.name): u.name for u in session.scalars(active)}
    tasks = []
    for block in spec.get("tasks", []):
        name = units.get(search_key(block["unit"]), _fill(block["unit"], values))
        tasks.append({"unit": name, "tasks": [_fill(t, values) for t in block.get("tasks", [])]})
    return PlanInput(
        organization_id=org.id,
        year=year,
        kind=kind,
        title=_fill(pick("title"), values),
        symbol=f"{DocumentKind.PLAN.code}-{org.issuer_code}",
        issued_on=today if today.year == year else None,
        opening=" ".join(_template_lines("kh_mo_dau", values)),
        bases=_template_lines("kh_can_cu", values),
        purposes=_template_lines("kh_muc_dich", values),
        requirements=_template_lines("kh_yeu_cau", values),
        audience=_fill(pick("audience"), values),
        contents=lines("contents"),
        forms=lines("forms"),
        time_place=lines("time_place"),
        steps=_template_lines("kh_cac_buoc", values),
        tasks_intro=_fill(pick("tasks_intro"), values),
        tasks=tasks,
        recipients=with_archive_last(_template_lines("noi_nhan_kh", values)),
        signing_authority=org.signing_authority or "",
        signer_title=org.signer_title or "",
        signer_name=org.signer_name or "",
    )


def _level_of(name: str) -> str:
    """``xã`` from ``ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG`` (for «trên địa bàn xã Lương Phong»)."""
    words = clean(name).replace("\n", " ").lower().split()
    for level in ("xã", "phường", "đặc khu", "thị trấn", "thành phố", "thị xã", "huyện", "quận", "tỉnh"):
        parts = level.split()
        for i in range(len(words) - len(parts) + 1):
            if words[i : i + len(parts)] == parts:
                return level
    return ""


def create_default_plan(
    session: Session, *, year: int, kind: PlanKind = PlanKind.YEARLY, today: date | None = None
) -> int:
    """«Kế hoạch mới»: a plan of the current organisation with the standard wording."""
    return create_plan(session, new_plan_input(session, year=year, kind=kind, today=today))


# --- copying last year's plan -------------------------------------------------------------------


def shift_year(value: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def shift_text(value: str, old_year: int, new_year: int) -> str:
    """``năm 2024`` → ``năm 2025`` and ``10/9/2024`` → ``10/9/2025``: where the year is the plan's.

    Years of other documents (``Quyết định … ngày 09/7/2015``) and other numbers stay as typed.
    """
    if old_year == new_year or not value:
        return value
    text = re.sub(rf"(?i)\b(năm\s+){old_year}(?!\d)", rf"\g<1>{new_year}", value)
    return re.sub(rf"(?<![\d/])(\d{{1,2}}/\d{{1,2}}/){old_year}(?!\d)", rf"\g<1>{new_year}", text)


def copy_plan(session: Session, plan_id: int, to_year: int) -> int:
    """«Sao chép từ kế hoạch trước»: the plan and its dialogues, dates moved to ``to_year``.

    The copy has no số (the văn thư gives one after signing). Căn cứ are copied as they are:
    the years in them name laws and decisions, not the plan.
    """
    source = _get(session, plan_id)
    if not 2000 <= to_year <= 2100:
        raise ValidationError({"year": "Năm của kế hoạch mới không hợp lệ."})
    years = to_year - source.year

    def moved(value: str) -> str:
        return shift_text(value, source.year, to_year)

    plan = Plan(
        organization_id=source.organization_id,
        kind=source.kind,
        year=to_year,
        number=None,
        symbol=source.symbol,
        issued_on=shift_year(source.issued_on, years) if source.issued_on else None,
        title=moved(source.title),
        opening=moved(source.opening),
        bases=list(source.bases or []),
        purposes=[moved(x) for x in source.purposes or []],
        requirements=[moved(x) for x in source.requirements or []],
        audience=moved(source.audience),
        contents=[moved(x) for x in source.contents or []],
        forms=[moved(x) for x in source.forms or []],
        time_place=[moved(x) for x in source.time_place or []],
        steps=[moved(x) for x in source.steps or []],
        tasks_intro=moved(source.tasks_intro),
        tasks=[
            {
                "unit": t.get("unit", ""),
                "unit_id": t.get("unit_id"),
                "tasks": [moved(x) for x in t.get("tasks", [])],
            }
            for t in source.tasks or []
        ],
        recipients=list(source.recipients or []),
        headings=dict(source.headings or {}),
        signing_authority=source.signing_authority,
        signer_title=source.signer_title,
        signer_name=source.signer_name,
    )
    session.add(plan)
    session.flush()
    for d in source.dialogues:
        copy = Dialogue(
            organization_id=d.organization_id,
            plan_id=plan.id,
            title=moved(d.title),
            quarter=d.quarter,
            scheduled_at=_shift_datetime(d.scheduled_at, years),
            place=d.place,
            audience=moved(d.audience),
            participants=d.participants,
            content=moved(d.content),
            chair_id=d.chair_id if d.chair and d.chair.active else None,
            secretary_name=d.secretary_name,
            collect_deadline=shift_year(d.collect_deadline, years) if d.collect_deadline else None,
            state=DialogueState.PLANNED,
            co_chairs=[leader for leader in d.co_chairs if leader.active],
        )
        session.add(copy)
    session.flush()
    audit.record(session, "create", "plan", plan.id, title=plan.title, copied_from=source.id)
    return plan.id


def _shift_datetime(value: datetime | None, years: int) -> datetime | None:
    if value is None:
        return None
    day = shift_year(value.date(), years)
    return value.replace(year=day.year, month=day.month, day=day.day)


# --- deleting -------------------------------------------------------------------------------------


def delete_plan(session: Session, plan_id: int) -> None:
    """Delete a plan whose dialogues are all still planned and empty; otherwise say why not."""
    plan = _get(session, plan_id)
    for d in plan.dialogues:
        reason = deletion_blocker(session, d)
        if reason:
            raise InUseError(
                f"plan {plan_id} has a dialogue that is kept", f"Không xóa được kế hoạch: {reason}"
            )
    numbered = session.scalar(
        select(func.count()).where(IssuedDocument.plan_id == plan_id, IssuedDocument.number.is_not(None))
    )
    if numbered:
        raise InUseError(
            f"plan {plan_id} was issued with a number",
            "Không xóa được kế hoạch: kế hoạch đã được cấp số văn bản; hồ sơ được giữ lại.",
        )
    dialogue_ids = [d.id for d in plan.dialogues]
    for doc in session.scalars(
        select(IssuedDocument).where(
            (IssuedDocument.plan_id == plan_id) | IssuedDocument.dialogue_id.in_(dialogue_ids)
        )
    ):
        session.delete(doc)
    for d in list(plan.dialogues):
        session.delete(d)
    title = plan.title
    session.delete(plan)
    audit.record(session, "delete", "plan", plan_id, title=title)


# --- the dialogues a plan schedules ------------------------------------------------------------


def suggest_dialogue(session: Session, plan_id: int, *, today: date | None = None) -> DialogueInput:
    """What «Thêm hội nghị» starts with: the plan's đối tượng, the next free quarter, the chair."""
    plan = _get(session, plan_id)
    today = today or date.today()
    used = {d.quarter for d in plan.dialogues if d.quarter} | {
        (d.scheduled_at.month - 1) // 3 + 1 for d in plan.dialogues if d.scheduled_at
    }
    start = (today.month - 1) // 3 + 1 if today.year == plan.year else 1
    free = [q for q in range(start, 5) if q not in used] or [q for q in range(1, 5) if q not in used] or [4]
    leaders = catalog.list_leaders(session)
    chair = next((le for le in leaders if clean(le.full_name) == clean(plan.signer_name)), None)
    return DialogueInput(
        organization_id=plan.organization_id,
        plan_id=plan.id,
        plan_year=plan.year,
        title=f"Hội nghị đối thoại với Nhân dân năm {plan.year}",
        quarter=free[0],
        audience=plan.audience.rstrip(".") if len(plan.audience) <= 200 else "",
        chair_id=chair.id if chair else (leaders[0].id if leaders else None),
    )


def schedule_dialogue(session: Session, plan_id: int, data: DialogueInput | None = None) -> int:
    """Add a dialogue to the plan (validated against the plan's year)."""
    plan = _get(session, plan_id)
    data = data or suggest_dialogue(session, plan_id)
    data.plan_id, data.plan_year, data.organization_id = plan.id, plan.year, plan.organization_id
    return create_dialogue(session, data)


def update_plan_dialogue(session: Session, plan_id: int, dialogue_id: int, data: DialogueInput) -> None:
    """The scheduler's autosave: the dialogue must stay inside the plan's year."""
    plan = _get(session, plan_id)
    dialogue = get_dialogue(session, dialogue_id)
    if dialogue.plan_id != plan.id:
        raise NotFoundError("hội nghị của kế hoạch", dialogue_id)
    data.plan_id, data.plan_year, data.organization_id = plan.id, plan.year, plan.organization_id
    update_dialogue(session, dialogue_id, data)


def save_scheduled_dialogue(
    session: Session, plan_id: int, dialogue_id: int, data: DialogueInput
) -> DialogueDetail:
    """The scheduler's autosave, as the scheduler sees the dialogue afterwards.

    The scheduler does not show thành phần, thư ký and nội dung (the live minutes and the
    dialogue's own form do): what is stored there stays, read and written in this one unit of work.
    """
    current = dialogue_detail(session, dialogue_id)
    data = replace(
        data,
        participants=current.participants,
        content=current.content,
        secretary_name=current.secretary_name,
    )
    update_plan_dialogue(session, plan_id, dialogue_id, data)
    session.flush()
    return dialogue_detail(session, dialogue_id)


def default_file_name(detail: PlanDetail) -> str:
    """``KH-doi-thoai-2026.docx`` (``KH-05-doi-thoai-2026.docx`` once numbered)."""
    number = f"{detail.number:02d}-" if detail.number else ""
    kind = "" if detail.kind == PlanKind.YEARLY else "hoi-nghi-"
    return f"KH-{number}doi-thoai-{kind}{detail.year}.docx"
