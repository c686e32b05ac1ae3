"""Kế hoạch: create and list plans (the editor screen builds on these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.rules import DocumentKind, PlanKind
from app.domain.text import clean, short_date
from app.errors import ValidationError
from app.services import audit
from app.storage.models import Dialogue, Organization, Plan


def _clean_list(items: list[str]) -> list[str]:
    return [cleaned for item in items if (cleaned := clean(item))]


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


@dataclass(frozen=True)
class PlanRow:
    id: int
    year: int
    title: str
    number_text: str
    issued_on: date | None
    dialogues: int

    @property
    def issued_text(self) -> str:
        return short_date(self.issued_on)


def validate_plan(data: PlanInput) -> dict[str, str]:
    problems = {}
    if not 2000 <= data.year <= 2100:
        problems["year"] = "Năm của kế hoạch không hợp lệ."
    if data.issued_on and data.issued_on.year not in (data.year - 1, data.year):
        problems["issued_on"] = f"Ngày ban hành phải thuộc năm {data.year} (hoặc cuối năm trước)."
    if data.number is not None and data.number <= 0:
        problems["number"] = "Số văn bản phải là số dương, hoặc để trống cho văn thư ghi."
    return problems


def create_plan(session: Session, data: PlanInput) -> int:
    problems = validate_plan(data)
    if problems:
        raise ValidationError(problems)
    org = session.get(Organization, data.organization_id)
    if org is None:
        raise ValidationError({"organization_id": "Hãy chọn cơ quan ban hành."})
    plan = Plan(
        organization_id=org.id,
        kind=data.kind,
        year=data.year,
        number=data.number,
        symbol=clean(data.symbol) or f"{DocumentKind.PLAN.code}-{org.issuer_code}",
        issued_on=data.issued_on,
        title=clean(data.title),
        opening=clean(data.opening),
        bases=_clean_list(data.bases),
        purposes=_clean_list(data.purposes),
        requirements=_clean_list(data.requirements),
        audience=clean(data.audience),
        contents=_clean_list(data.contents),
        forms=_clean_list(data.forms),
        time_place=_clean_list(data.time_place),
        steps=_clean_list(data.steps),
        tasks_intro=clean(data.tasks_intro),
        tasks=[
            {
                "unit": clean(t.get("unit", "")),
                "unit_id": t.get("unit_id"),
                "tasks": _clean_list(t.get("tasks", [])),
            }
            for t in data.tasks
        ],
        recipients=_clean_list(data.recipients),
        signing_authority=clean(data.signing_authority) or org.signing_authority,
        signer_title=clean(data.signer_title) or org.signer_title,
        signer_name=clean(data.signer_name) or org.signer_name,
    )
    session.add(plan)
    session.flush()
    audit.record(session, "create", "plan", plan.id, title=plan.title)
    return plan.id


def list_plans(session: Session) -> list[PlanRow]:
    counts = dict(session.execute(select(Dialogue.plan_id, func.count()).group_by(Dialogue.plan_id)).all())
    rows = []
    for plan in session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.id.desc())):
        number = f"{plan.number:02d}/{plan.symbol}" if plan.number else f"…/{plan.symbol}"
        rows.append(PlanRow(plan.id, plan.year, plan.title, number, plan.issued_on, counts.get(plan.id, 0)))
    return rows
