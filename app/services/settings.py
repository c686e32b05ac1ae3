"""Settings of this database and the organisation set up on first start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.standing import DEFAULT_NEAR_DUE_DAYS
from app.domain.text import clean, clean_optional, short_body_name, upper_first
from app.errors import NotFoundError, ValidationError
from app.services import audit
from app.storage.models import Leader, Organization, Setting

CURRENT_ORGANIZATION = "current_organization_id"
NEAR_DUE_DAYS = "near_due_days"
DEFAULTS: dict[str, Any] = {
    "default_deadline_days": 30,  # a unit's deadline when the chair names none
    "speaker_seconds": 180,  # the speaker timer
    NEAR_DUE_DAYS: DEFAULT_NEAR_DUE_DAYS,  # "sắp đến hạn" when a deadline is this close
}
NEAR_DUE_LIMITS = (1, 90)


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    if row is None:
        return DEFAULTS.get(key, default)
    return row.value


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def near_due_days(session: Session) -> int:
    """How many days before its deadline a petition or a dialogue shows as near due."""
    value = get_setting(session, NEAR_DUE_DAYS)
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_NEAR_DUE_DAYS
    low, high = NEAR_DUE_LIMITS
    return days if low <= days <= high else DEFAULT_NEAR_DUE_DAYS


def set_near_due_days(session: Session, days: int) -> None:
    low, high = NEAR_DUE_LIMITS
    validate_positive_setting(NEAR_DUE_DAYS, days, low, high)
    set_setting(session, NEAR_DUE_DAYS, int(days))
    audit.record(session, "update", "setting", None, key=NEAR_DUE_DAYS, value=int(days))


@dataclass(frozen=True)
class OrganizationInput:
    """What the first-start dialog asks for."""

    name: str  # tên cơ quan ban hành, e.g. "ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG"
    place_name: str  # địa danh
    issuer_code: str  # ký hiệu: UBND, HĐND
    signer_name: str  # chair's name
    signer_title: str  # chair's title, e.g. "Chủ tịch"
    parent_name: str = ""  # cơ quan chủ quản, if any
    signing_authority: str = ""  # e.g. "TM. ỦY BAN NHÂN DÂN"


@dataclass(frozen=True)
class OrganizationInfo:
    id: int
    name: str
    parent_name: str
    place_name: str
    issuer_code: str
    signing_authority: str
    signer_name: str
    signer_title: str
    header_style: str


def validate_organization(data: OrganizationInput) -> dict[str, str]:
    """Field name → Vietnamese message for every problem (empty when all is well)."""
    problems: dict[str, str] = {}
    if not clean(data.name):
        problems["name"] = "Hãy nhập tên cơ quan ban hành, ví dụ «ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG»."
    if not clean(data.place_name):
        problems["place_name"] = "Hãy nhập địa danh ghi ở dòng ngày tháng, ví dụ «Lương Phong»."
    code = clean(data.issuer_code)
    if not code:
        problems["issuer_code"] = "Hãy nhập ký hiệu cơ quan, ví dụ «UBND» hoặc «HĐND»."
    elif any(ch.isspace() for ch in code) or "/" in code:
        problems["issuer_code"] = "Ký hiệu không có dấu cách hay dấu «/», ví dụ «UBND»."
    if not clean(data.signer_name):
        problems["signer_name"] = "Hãy nhập họ tên người ký (Chủ tịch)."
    if not clean(data.signer_title):
        problems["signer_title"] = "Hãy nhập chức vụ người ký, ví dụ «Chủ tịch»."
    return problems


def default_signing_authority(name: str) -> str:
    """``TM. ỦY BAN NHÂN DÂN`` from ``ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG`` (the body, without its place)."""
    upper = clean(name).upper().replace("\n", " ")
    for body in ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "BAN THƯỜNG VỤ ĐẢNG ỦY"):
        if upper.startswith(body):
            return f"TM. {body}"
    return ""


def save_organization(
    session: Session, data: OrganizationInput, *, make_current: bool = True, add_chair: bool = True
) -> OrganizationInfo:
    """Create the issuing body and its chair as a Leader; all or nothing."""
    problems = validate_organization(data)
    if problems:
        raise ValidationError(problems)
    name = clean(data.name)
    org = Organization(
        name=name.upper(),
        parent_name=clean_optional(data.parent_name.upper() if data.parent_name else None),
        place_name=clean(data.place_name),
        issuer_code=clean(data.issuer_code).upper(),
        signing_authority=clean(data.signing_authority) or default_signing_authority(name) or None,
        signer_name=clean(data.signer_name),
        signer_title=clean(data.signer_title).upper(),
        header_style="state",
    )
    session.add(org)
    session.flush()
    if add_chair:
        typed_title = clean(data.signer_title)
        chair_title = f"{upper_first(typed_title.lower())} {short_body_name(org.name)}".strip()
        session.add(Leader(full_name=clean(data.signer_name), title=chair_title, organization_id=org.id))
    if make_current:
        set_setting(session, CURRENT_ORGANIZATION, org.id)
    audit.record(session, "create", "organization", org.id, name=org.name)
    return organization_info(org)


def update_organization(session: Session, org_id: int, data: OrganizationInput) -> OrganizationInfo:
    """Cài đặt: correct the issuing body; names may keep a line break ("ỦY BAN NHÂN DÂN\nXÃ …")."""
    problems = validate_organization(data)
    if problems:
        raise ValidationError(problems)
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFoundError("cơ quan", org_id)
    name = "\n".join(clean(line).upper() for line in data.name.splitlines() if clean(line))
    org.name = name
    org.parent_name = clean_optional(data.parent_name.upper() if data.parent_name else None)
    org.place_name = clean(data.place_name)
    org.issuer_code = clean(data.issuer_code).upper()
    org.signing_authority = clean(data.signing_authority) or None
    org.signer_name = clean(data.signer_name)
    org.signer_title = clean(data.signer_title).upper()
    audit.record(session, "update", "organization", org.id, name=org.name)
    return organization_info(org)


def validate_positive_setting(key: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValidationError({key: f"Giá trị phải từ {low} đến {high}."})


def organization_info(org: Organization) -> OrganizationInfo:
    return OrganizationInfo(
        id=org.id,
        name=org.name,
        parent_name=org.parent_name or "",
        place_name=org.place_name,
        issuer_code=org.issuer_code,
        signing_authority=org.signing_authority or "",
        signer_name=org.signer_name or "",
        signer_title=org.signer_title or "",
        header_style=org.header_style,
    )


def current_organization(session: Session) -> OrganizationInfo | None:
    """The body this office issues documents as; None before the first-start setup."""
    org_id = get_setting(session, CURRENT_ORGANIZATION)
    org = session.get(Organization, org_id) if org_id is not None else None
    if org is None:
        org = session.scalars(select(Organization).order_by(Organization.id)).first()
    return organization_info(org) if org else None


def is_configured(session: Session) -> bool:
    return current_organization(session) is not None


def get_organization(session: Session, org_id: int) -> OrganizationInfo:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFoundError("cơ quan", org_id)
    return organization_info(org)
