"""Settings of this database and the organisation set up on first start."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.domain.standing import DEFAULT_NEAR_DUE_DAYS, NEAR_DUE_LIMITS, near_due_days_from
from app.domain.text import clean, clean_optional, short_body_name, short_date, upper_first
from app.domain.workdays import DEADLINE_MODES, MODE_LABELS, DeadlineMode, OfficeCalendar, add_days
from app.errors import EditConflict, NotFoundError, ValidationError
from app.services import audit
from app.storage.models import Field, Leader, Organization, Setting

CURRENT_ORGANIZATION = "current_organization_id"
NEAR_DUE_DAYS = "near_due_days"
DEFAULTS: dict[str, Any] = {
    "default_deadline_days": 30,  # a unit's deadline when the chair names none
    # Calendar days keep the meaning "30" always had; a day off at the end moves it (workdays.py).
    "default_deadline_mode": "calendar",
    "speaker_seconds": 180,  # the speaker timer
    NEAR_DUE_DAYS: DEFAULT_NEAR_DUE_DAYS,  # "sắp đến hạn" when a deadline is this close
}


_ABSENT = object()
_PREFETCHED = "prefetched_settings"  # in session.info: key -> value read in one go, or _ABSENT


def prefetch_settings(session: Session, keys: Sequence[str]) -> None:
    """Read ``keys`` in one query for the rest of this unit of work (absent ones included)."""
    cache: dict[str, Any] = session.info.setdefault(_PREFETCHED, {})
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all()
    found: dict[str, Any] = {key: value for key, value in rows}
    for key in keys:
        cache[key] = found.get(key, _ABSENT)


def read_once(session: Session, key: str, default: Any = None) -> Any:
    """:func:`get_setting`, remembered (absent included) for the rest of this unit of work.

    For a value read once per row of a bulk change; a write through :func:`set_setting` or
    :func:`store_state` in the same unit of work replaces what was remembered.
    """
    if _loaded(session, key) is None and key not in session.info.get(_PREFETCHED, {}):
        prefetch_settings(session, [key])
    return get_setting(session, key, default)


def _loaded(session: Session, key: str) -> Setting | None:
    """The setting's row if this unit of work holds it (read, or changed and not yet flushed)."""
    row = session.identity_map.get(session.identity_key(Setting, key))
    return row if isinstance(row, Setting) else None


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    loaded = _loaded(session, key)
    if loaded is not None:  # read (and maybe changed) in this unit of work: its value is the news
        return loaded.value
    cached = session.info.get(_PREFETCHED, {}).get(key, None)
    if cached is not None:
        return DEFAULTS.get(key, default) if cached is _ABSENT else cached
    # One column, not an ORM object: every list page reads near_due_days this way.
    found = session.execute(_SETTING_VALUE, {"setting_key": key}).first()
    if found is None:
        return DEFAULTS.get(key, default)
    return found[0]


_SETTING_VALUE = select(Setting.value).where(Setting.key == bindparam("setting_key"))


# Keys the program keeps for itself, not settings a user chose: where the live minutes were (saved
# with every autosave), the id of this database. Changing them is not a line of the Nhật ký.
STATE_KEYS = frozenset({"live_session", "database_uid"})


# --- optimistic check: a Cài đặt form loaded before another PC's save never overwrites it -----
#
# Each stored setting has a version (revision 0025), raised by every write; a key never stored
# is at version 0. A form reads the versions with the values (:func:`setting_versions`) and hands
# them back when it saves (:func:`set_setting`'s ``expected``, :func:`expect_setting_versions`);
# a save of its own bumps them, and the next save of an autosaving form hands back those
# (:func:`setting_versions` again, after the write).

SETTING_LABELS = {
    "speaker_seconds": "Thời gian phát biểu",
    NEAR_DUE_DAYS: "Báo «sắp đến hạn» trước",
    "default_deadline_days": "Thời hạn mặc định",
    "default_deadline_mode": "Cách tính thời hạn",
    "field_deadlines": "Thời hạn theo lĩnh vực",
    "local_days_off": "Ngày nghỉ của cơ quan",
    "compensating_work_days": "Ngày làm bù",
    CURRENT_ORGANIZATION: "Cơ quan ban hành",
}
ORGANIZATION_LABELS = {
    "name": "Tên cơ quan ban hành",
    "parent_name": "Cơ quan chủ quản",
    "place_name": "Địa danh",
    "issuer_code": "Ký hiệu cơ quan",
    "signing_authority": "Thẩm quyền ký",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
}


class SettingsConflict(EditConflict):
    """A Cài đặt form's save refused: another PC saved these settings after the form read them.

    The message names each setting that differs with both values: what this PC typed and what
    is stored now (the form then reloads what is stored).
    """

    def __init__(
        self,
        what: str,
        ident: object,
        *,
        labels: dict[str, str],
        mine: dict[str, object],
        theirs: dict[str, object],
        expected_version: int | None = None,
        current_version: int | None = None,
        kind: str = "setting",
    ) -> None:
        super().__init__(
            what,
            ident,
            expected_version=expected_version,
            current_version=current_version,
            mine=mine,
            theirs=theirs,
            kind=kind,
        )
        lines = [
            f"Phần {what} đã được người khác sửa sau khi bạn mở nó, nên thay đổi của bạn chưa được "
            "lưu. Màn hình đã được tải lại với bản mới; hãy so sánh rồi nhập lại phần cần sửa."
        ]
        for key, label in labels.items():
            if key in mine and key in theirs and mine[key] != theirs[key]:
                lines.append(
                    f"• {label} — bản của bạn: «{_shown(mine[key])}»; bản đã lưu: «{_shown(theirs[key])}»"
                )
        self.user_message = "\n".join(lines)


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value).replace("\n", " ")


def setting_versions(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """The stored version of each key (0: never stored), to hand back when the form saves."""
    wanted = list(keys)
    session.flush()  # this unit of work's own writes count: an autosave never conflicts with itself
    found = dict(session.execute(select(Setting.key, Setting.version).where(Setting.key.in_(wanted))).all())
    return {key: int(found.get(key, 0)) for key in wanted}


def expect_setting_versions(
    session: Session, versions: dict[str, int] | None, mine: dict[str, object] | None = None
) -> None:
    """Refuse a save made from settings read at ``versions`` when one of them was saved since.

    ``mine`` is what the form wants to store (key → value), put beside what is stored now in the
    message. The rows are locked for the rest of the unit of work on a server, so two PCs saving
    at the same moment cannot both pass; None: no check.
    """
    if not versions:
        return
    stale: dict[str, object] = {}
    for key, expected in versions.items():
        row = session.get(Setting, key, with_for_update=_on_server(session))
        current = row.version if row is not None else 0
        if current != expected:
            stale[key] = current
    if not stale:
        return
    theirs = {key: get_setting(session, key) for key in versions}
    key = next(iter(stale))
    raise SettingsConflict(
        "cài đặt",
        key,
        labels={k: SETTING_LABELS.get(k, k) for k in versions},
        mine=dict(mine or {}),
        theirs=theirs,
        expected_version=versions[key],
        current_version=int(cast(int, stale[key])),
    )


def _on_server(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def set_setting(session: Session, key: str, value: Any, *, expected: int | None = None) -> None:
    """Store a setting; every change of a user's setting is in the Nhật ký with old → new.

    An unchanged value writes nothing. Program state (:data:`STATE_KEYS`) goes through
    :func:`store_state` instead and is not audited. ``expected``: the version the form read
    (:func:`setting_versions`); a save over another PC's newer one raises :class:`SettingsConflict`.
    """
    if expected is not None:
        expect_setting_versions(session, {key: expected}, {key: value})
    old = _stored(session, key)
    if old is not _ABSENT and old == value:
        return
    _write(session, key, value)
    if key not in STATE_KEYS:
        audit.record(
            session, "settings", "setting", None, key=key, old=None if old is _ABSENT else old, new=value
        )


def store_state(session: Session, key: str, value: Any) -> None:
    """Program state kept in the settings table (:data:`STATE_KEYS`): never audited."""
    if key not in STATE_KEYS:
        raise ValueError(f"{key} is a user setting; use set_setting")
    _write(session, key, value)


def _stored(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return _ABSENT if row is None else row.value


def _write(session: Session, key: str, value: Any) -> None:
    session.info.get(_PREFETCHED, {}).pop(key, None)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value, version=1))
    else:
        row.value = value
        row.version = (row.version or 0) + 1


def near_due_days(session: Session) -> int:
    """How many days before its deadline a petition or a dialogue shows as near due."""
    return near_due_days_from(get_setting(session, NEAR_DUE_DAYS))


def set_near_due_days(session: Session, days: int, *, expected: int | None = None) -> None:
    low, high = NEAR_DUE_LIMITS
    validate_positive_setting(NEAR_DUE_DAYS, days, low, high)
    set_setting(session, NEAR_DUE_DAYS, int(days), expected=expected)


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


def update_organization(
    session: Session, org_id: int, data: OrganizationInput, *, expected: OrganizationInfo | None = None
) -> OrganizationInfo:
    """Cài đặt: correct the issuing body; names may keep a line break ("ỦY BAN NHÂN DÂN\nXÃ …").

    ``expected``: the body as the form showed it (the last load or the form's own last save);
    when another PC changed it since, nothing is written and :class:`SettingsConflict` names
    what differs. None: no check.
    """
    problems = validate_organization(data)
    if problems:
        raise ValidationError(problems)
    org = session.get(Organization, org_id, with_for_update=_on_server(session) and expected is not None)
    if org is None:
        raise NotFoundError("cơ quan", org_id)
    stored = {
        "name": "\n".join(clean(line).upper() for line in data.name.splitlines() if clean(line)),
        "parent_name": clean_optional(data.parent_name.upper() if data.parent_name else None),
        "place_name": clean(data.place_name),
        "issuer_code": clean(data.issuer_code).upper(),
        "signing_authority": clean(data.signing_authority) or None,
        "signer_name": clean(data.signer_name),
        "signer_title": clean(data.signer_title).upper(),
    }
    if expected is not None:
        now = organization_info(org)
        if now != expected:
            raise SettingsConflict(
                "thông tin cơ quan ban hành",
                org_id,
                labels=ORGANIZATION_LABELS,
                mine={key: stored[key] or "" for key in ORGANIZATION_LABELS},
                theirs={key: getattr(now, key) for key in ORGANIZATION_LABELS},
                kind="organization",
            )
    for key, value in stored.items():
        setattr(org, key, value)
    audit.record_edit(session, org, "organization")  # old → new of what changed
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
    """The body this office issues documents as; None before the first-start setup.

    A signed-in user bound to a commune works as a body of that commune (many communes on one
    server): the office's body when it is one of them, else the commune's first.
    """
    from app.storage.models import WORK_COMMUNE_KEY

    work = session.info.get(WORK_COMMUNE_KEY)
    org_id = get_setting(session, CURRENT_ORGANIZATION)
    org = session.get(Organization, org_id) if org_id is not None else None
    if org is not None and work is not None and org.commune_id != work:
        org = None
    if org is None:
        query = select(Organization).order_by(Organization.id)
        if work is not None:
            query = query.where(Organization.commune_id == work)
        org = session.scalars(query).first()
    return organization_info(org) if org else None


def is_configured(session: Session) -> bool:
    return current_organization(session) is not None


def get_organization(session: Session, org_id: int) -> OrganizationInfo:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFoundError("cơ quan", org_id)
    return organization_info(org)


# --- deadlines: working or calendar days, per field, and the office calendar --------------------

DEADLINE_DAYS_KEY = "default_deadline_days"  # kept from the first version: the UI's spin box
DEADLINE_MODE_KEY = "default_deadline_mode"
FIELD_DEADLINES_KEY = "field_deadlines"  # {"<field id>": {"mode": "working", "days": 15}}
LOCAL_DAYS_OFF_KEY = "local_days_off"  # ["2026-03-10", …]
COMPENSATING_WORK_DAYS_KEY = "compensating_work_days"  # ["2026-05-09", …]
DEADLINE_DAYS_RANGE = (1, 365)


@dataclass(frozen=True)
class DeadlineRule:
    """How a deadline is counted: ``days`` working days or calendar days after the start."""

    mode: DeadlineMode
    days: int

    @property
    def label(self) -> str:
        """``15 ngày làm việc`` / ``30 ngày (theo lịch)``."""
        return f"{self.days} {MODE_LABELS[self.mode]}"


def validate_deadline_rule(mode: str, days: object, *, key: str = "deadline") -> DeadlineRule:
    """The rule, or a ValidationError naming what is wrong in Vietnamese."""
    problems: dict[str, str] = {}
    if mode not in DEADLINE_MODES:
        problems[f"{key}_mode"] = "Cách tính thời hạn phải là «ngày làm việc» hoặc «ngày theo lịch»."
    low, high = DEADLINE_DAYS_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        problems[f"{key}_days"] = f"Số ngày của thời hạn phải là số nguyên từ {low} đến {high}."
    if problems:
        raise ValidationError(problems)
    return DeadlineRule(cast(DeadlineMode, mode), cast(int, days))


def default_deadline_rule(session: Session) -> DeadlineRule:
    mode = get_setting(session, DEADLINE_MODE_KEY)
    days = get_setting(session, DEADLINE_DAYS_KEY)
    try:
        return validate_deadline_rule(str(mode), int(days))
    except (ValidationError, TypeError, ValueError):
        # A value written by hand or by an older build: fall back rather than block every screen.
        return DeadlineRule(DEFAULTS[DEADLINE_MODE_KEY], DEFAULTS[DEADLINE_DAYS_KEY])


DEADLINE_KEYS = (
    DEADLINE_MODE_KEY,
    DEADLINE_DAYS_KEY,
    FIELD_DEADLINES_KEY,
    LOCAL_DAYS_OFF_KEY,
    COMPENSATING_WORK_DAYS_KEY,
)  # what the Thời hạn form shows, with their versions (setting_versions)


def set_default_deadline_rule(
    session: Session, mode: str, days: int, *, expected: dict[str, int] | None = None
) -> DeadlineRule:
    """``expected``: the versions of the mode and the days the form read (see set_setting)."""
    rule = validate_deadline_rule(mode, days, key="default_deadline")
    expect_setting_versions(
        session,
        {key: version for key, version in (expected or {}).items() if key in DEADLINE_KEYS[:2]},
        {DEADLINE_MODE_KEY: rule.mode, DEADLINE_DAYS_KEY: rule.days},
    )
    set_setting(session, DEADLINE_MODE_KEY, rule.mode)
    set_setting(session, DEADLINE_DAYS_KEY, rule.days)
    return rule


def field_deadline_rules(session: Session) -> dict[int, DeadlineRule]:
    """The fields that have their own rule (Signalen's per-category deadlines), by field id."""
    stored = get_setting(session, FIELD_DEADLINES_KEY) or {}
    rules: dict[int, DeadlineRule] = {}
    if not isinstance(stored, dict):
        return rules
    for key, value in stored.items():
        try:
            rules[int(key)] = validate_deadline_rule(str(value["mode"]), int(value["days"]))
        except (ValidationError, TypeError, ValueError, KeyError):
            continue  # an unreadable entry is ignored; the default rule applies to that field
    return rules


def set_field_deadline_rule(
    session: Session, field_id: int, mode: str | None, days: int | None = None, *, expected: int | None = None
) -> DeadlineRule | None:
    """Give a field its own rule; ``mode=None`` removes it so the default applies again.

    Every field's rule is one setting: ``expected`` is its version as the form read it.
    """
    row = session.get(Field, field_id)
    if row is None:
        raise NotFoundError("lĩnh vực", field_id)
    rules = field_deadline_rules(session)
    rule = None if mode is None else validate_deadline_rule(mode, days, key=f"field_{field_id}_deadline")
    if rule is None:
        rules.pop(field_id, None)
    else:
        rules[field_id] = rule
    set_setting(
        session,
        FIELD_DEADLINES_KEY,
        {str(ident): {"mode": r.mode, "days": r.days} for ident, r in sorted(rules.items())},
        expected=expected,
    )
    return rule


def deadline_rule(session: Session, field_id: int | None = None) -> DeadlineRule:
    """The rule for a petition of ``field_id``: the field's own, else the default."""
    if field_id is not None:
        rule = field_deadline_rules(session).get(field_id)
        if rule is not None:
            return rule
    return default_deadline_rule(session)


def _stored_dates(session: Session, key: str) -> list[date]:
    days: set[date] = set()
    for value in get_setting(session, key) or []:
        try:
            days.add(date.fromisoformat(str(value)))
        except ValueError:
            continue
    return sorted(days)


def local_days_off(session: Session) -> list[date]:
    """Days this office does not work besides weekends and public holidays, sorted."""
    return _stored_dates(session, LOCAL_DAYS_OFF_KEY)


def compensating_work_days(session: Session) -> list[date]:
    """Saturdays or Sundays this office works to make up a bridge day, sorted."""
    return _stored_dates(session, COMPENSATING_WORK_DAYS_KEY)


def _check_dates(values: Iterable[object], key: str) -> list[date]:
    days: set[date] = set()
    for value in values:
        if not isinstance(value, date):
            raise ValidationError({key: f"«{value}» không phải là một ngày."})
        if not 1900 <= value.year <= 2200:  # the range every stored date keeps (text_guard.YEARS)
            raise ValidationError(
                {key: f"Năm {value.year} nằm ngoài khoảng cho phép (năm 1900 đến 2200). Hãy nhập lại."}
            )
        days.add(value)
    return sorted(days)


def set_local_days_off(session: Session, days: Iterable[date], *, expected: int | None = None) -> list[date]:
    chosen = _check_dates(days, LOCAL_DAYS_OFF_KEY)
    clash = sorted(set(chosen) & set(compensating_work_days(session)))
    if clash:
        raise ValidationError(
            {
                LOCAL_DAYS_OFF_KEY: f"Ngày {short_date(clash[0])} đang là ngày làm bù; không thể vừa nghỉ vừa làm."
            }
        )
    set_setting(session, LOCAL_DAYS_OFF_KEY, [day.isoformat() for day in chosen], expected=expected)
    return chosen


def set_compensating_work_days(
    session: Session, days: Iterable[date], *, expected: int | None = None
) -> list[date]:
    chosen = _check_dates(days, COMPENSATING_WORK_DAYS_KEY)
    weekdays = [day for day in chosen if day.weekday() < 5]
    if weekdays:
        raise ValidationError(
            {
                COMPENSATING_WORK_DAYS_KEY: f"Ngày {short_date(weekdays[0])} không phải thứ Bảy hay Chủ nhật; "
                "ngày làm bù là một ngày nghỉ cuối tuần được đổi thành ngày làm việc."
            }
        )
    clash = sorted(set(chosen) & set(local_days_off(session)))
    if clash:
        raise ValidationError(
            {
                COMPENSATING_WORK_DAYS_KEY: f"Ngày {short_date(clash[0])} đang là ngày nghỉ của cơ quan; "
                "không thể vừa nghỉ vừa làm."
            }
        )
    set_setting(session, COMPENSATING_WORK_DAYS_KEY, [day.isoformat() for day in chosen], expected=expected)
    return chosen


def office_calendar(session: Session) -> OfficeCalendar:
    """National holidays plus this office's days off and compensating work days."""
    return OfficeCalendar.of(local_days_off(session), compensating_work_days(session))


DEADLINE_SETTING_KEYS = (
    "default_deadline_days",
    "default_deadline_mode",
    "field_deadlines",
    "local_days_off",
    "compensating_work_days",
)


def deadline_for(session: Session, start: date, field_id: int | None = None) -> date:
    """The deadline proposed for an answer given on ``start``: the one function every screen asks."""
    # One read for every setting the rule may consult (then served from the session's identity
    # map): the live window asks this on each open and keeps a fixed, small query budget.
    prefetch_settings(session, DEADLINE_SETTING_KEYS)
    rule = deadline_rule(session, field_id)
    return add_days(start, rule.days, rule.mode, office_calendar(session))
