"""Users and roles once several people share one database (a server, or a shared office PC).

A database with no users works exactly as before: no sign-in, every action allowed. Once the
first user (an administrator) is added, the window asks each person to sign in and every unit of
work carries the signed-in user in ``session.info[USER_KEY]`` (``bind_user`` puts it on the
session factory). Then:

- :func:`require` checks a permission at the start of an action (lock, unlock, export,
  administer) and raises :class:`PermissionRefused`, worded in Vietnamese;
- a ``before_flush`` hook refuses any write by a user without «edit» unless the action itself
  was granted by :func:`require` (a Lãnh đạo locking minutes writes the dialogue row), so no
  screen or service can go round it;
- the audit log names the signed-in user (audit.record).

Passwords are stored as scrypt hashes with a random salt, never as text.

The roles guard what the program lets a person do; the boundary against someone who has the
database account itself is the server's (the PostgreSQL role and its password, pg_hba.conf).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.domain.text import clean, collation_key
from app.errors import AppError, NotFoundError, ValidationError
from app.storage.models import WORK_COMMUNE_KEY, AppUser, Commune

USER_KEY = "signed_in_user"
GRANTED_KEY = "granted_permissions"
MIN_PASSWORD_LENGTH = 8
# scrypt parameters (RFC 7914's interactive setting): ~50 ms and 16 MB on an old office PC.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class Role(enum.Enum):
    ADMIN = "admin"
    SECRETARY = "secretary"
    LEADER = "leader"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Quản trị",
    Role.SECRETARY: "Thư ký",
    Role.LEADER: "Lãnh đạo",
    Role.VIEWER: "Xem",
}


class Permission(enum.Enum):
    EDIT = "edit"
    LOCK = "lock"
    UNLOCK = "unlock"
    EXPORT = "export"
    ADMINISTER = "administer"


PERMISSION_PHRASES = {
    Permission.EDIT: "sửa dữ liệu",
    Permission.LOCK: "chốt biên bản",
    Permission.UNLOCK: "mở khóa biên bản",
    Permission.EXPORT: "xuất văn bản, báo cáo",
    Permission.ADMINISTER: "quản lý người dùng và cài đặt máy chủ",
}

# The secretary drafts and exports the documents for signing; the leader locks, unlocks and
# exports but does not type the minutes; «Xem» only reads.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SECRETARY: frozenset({Permission.EDIT, Permission.LOCK, Permission.EXPORT}),
    Role.LEADER: frozenset({Permission.LOCK, Permission.UNLOCK, Permission.EXPORT}),
    Role.VIEWER: frozenset(),
}


class PermissionRefused(AppError):
    """The signed-in user's role does not allow this action (or nobody signed in)."""

    def __init__(self, permission: Permission, user: SignedIn | None) -> None:
        what = PERMISSION_PHRASES[permission]
        if user is None:
            message = f"Cơ sở dữ liệu này có phân quyền người dùng: hãy đăng nhập để {what}."
        else:
            allowed = [PERMISSION_PHRASES[p] for p in Permission if p in ROLE_PERMISSIONS[user.role]]
            can = ", ".join(allowed) if allowed else "chỉ xem"
            message = (
                f"Tài khoản «{user.login}» ({user.role.label}) không có quyền {what}. Vai trò "
                f"{user.role.label} được: {can}. Nếu cần, hãy nhờ người quản trị đổi vai trò."
            )
        super().__init__(
            f"permission {permission.value} refused for {user.login if user else 'nobody'}", message
        )
        self.permission = permission


class SignInError(AppError):
    """Wrong login or password, or a disabled account (the message does not say which)."""


@dataclass(frozen=True)
class SignedIn:
    id: int
    login: str
    full_name: str
    role: Role
    commune_id: int | None  # the commune this person works in; None: every commune

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


@dataclass(frozen=True)
class UserRow:
    id: int
    login: str
    full_name: str
    role: Role
    role_label: str
    commune_id: int | None
    commune_name: str
    active: bool


# --- passwords -----------------------------------------------------------------------------------


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(digest.hex(), expected)


# --- who is signed in ----------------------------------------------------------------------------


def bind_user(sessions: sessionmaker[Session], user: SignedIn | None) -> None:
    """Every later unit of work of this factory carries ``user`` (the window calls it after sign-in)."""
    info: dict[str, Any] = {}
    if user is not None:
        info[USER_KEY] = user
        if user.commune_id is not None:
            info[WORK_COMMUNE_KEY] = user.commune_id
    sessions.configure(info=info)


def signed_in(session: Session) -> SignedIn | None:
    user = session.info.get(USER_KEY)
    return user if isinstance(user, SignedIn) else None


def has_users(session: Session) -> bool:
    with session.no_autoflush:
        return bool(session.scalar(select(func.count()).select_from(AppUser).where(AppUser.active.is_(True))))


def allowed(session: Session, permission: Permission) -> bool:
    user = signed_in(session)
    if user is not None:
        return user.may(permission)
    return not has_users(session)


def require(session: Session, permission: Permission) -> None:
    """Refuse the action unless the signed-in user may do it (anyone may, in a file with no users).

    Granting also lets this unit of work write what the action writes (the lock's columns, the
    issued document, the audit line) for a role without «edit».
    """
    if not allowed(session, permission):
        raise PermissionRefused(permission, signed_in(session))
    session.info.setdefault(GRANTED_KEY, set()).add(permission)


def _may_write(session: Session) -> SignedIn | None:
    """The signed-in user who may not write in this unit of work, else None."""
    user = signed_in(session)
    if user is None or user.may(Permission.EDIT) or session.info.get(GRANTED_KEY):
        return None
    return user


@event.listens_for(Session, "before_flush")
def _refuse_unpermitted_writes(session: Session, _context: Any, _instances: Any) -> None:
    user = _may_write(session)
    if user is not None and (session.new or session.dirty or session.deleted):
        raise PermissionRefused(Permission.EDIT, user)


@event.listens_for(Session, "do_orm_execute")
def _refuse_unpermitted_statements(state: Any) -> None:
    # Bulk UPDATE / DELETE / INSERT statements never pass through the flush.
    if state.is_update or state.is_delete or state.is_insert:
        user = _may_write(state.session)
        if user is not None:
            raise PermissionRefused(Permission.EDIT, user)


# --- sign-in and administration -------------------------------------------------------------------


def _signed(user: AppUser) -> SignedIn:
    return SignedIn(user.id, user.login, user.full_name, Role(user.role), user.commune_id)


def sign_in(session: Session, login: str, password: str) -> SignedIn:
    user = session.scalar(select(AppUser).where(AppUser.login == clean(login).lower()))
    # The same work and the same words whether the login exists or not.
    stored = user.password_hash if user is not None else hash_password("", salt=b"\0" * 16)
    good = verify_password(password, stored)
    if user is None or not good or not user.active:
        raise SignInError(
            "sign-in refused",
            "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa. Hãy nhập lại; nếu quên mật khẩu, "
            "nhờ người quản trị đặt lại.",
        )
    from app.services import audit

    session.info.setdefault(GRANTED_KEY, set()).add(Permission.EDIT)  # the audit line only
    session.info[USER_KEY] = _signed(user)
    audit.record(session, "sign_in", "app_user", user.id)
    return _signed(user)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError({"password": f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."})


def _check_commune(session: Session, commune_id: int | None) -> None:
    if commune_id is not None and session.get(Commune, commune_id) is None:
        raise NotFoundError("xã", commune_id)


def add_user(
    session: Session,
    login: str,
    password: str,
    *,
    full_name: str = "",
    role: Role | str = Role.SECRETARY,
    commune_id: int | None = None,
) -> UserRow:
    """Add a person. The very first user must be an administrator (it turns sign-in on)."""
    chosen = Role(role)
    first = not has_users(session)
    if first and chosen is not Role.ADMIN:
        raise ValidationError(
            {"role": "Người dùng đầu tiên phải là Quản trị (để còn người quản lý các tài khoản khác)."}
        )
    if not first:
        require(session, Permission.ADMINISTER)
    else:
        session.info.setdefault(GRANTED_KEY, set()).add(Permission.ADMINISTER)
    name = clean(login).lower()
    if not _LOGIN.match(name):
        raise ValidationError(
            {"login": "Tên đăng nhập gồm 2–64 chữ cái không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch nối."}
        )
    if session.scalar(select(AppUser.id).where(AppUser.login == name)) is not None:
        raise ValidationError({"login": f"Tên đăng nhập «{name}» đã có."})
    _check_password(password)
    _check_commune(session, commune_id)
    user = AppUser(
        login=name,
        full_name=clean(full_name),
        role=chosen.value,
        password_hash=hash_password(password),
        commune_id=commune_id,
        active=True,
    )
    session.add(user)
    session.flush()
    from app.services import audit

    audit.record(session, "create", "app_user", user.id, role=chosen.value)
    return _row(session, user)


def _user(session: Session, login: str) -> AppUser:
    user = session.scalar(select(AppUser).where(AppUser.login == clean(login).lower()))
    if user is None:
        raise NotFoundError("người dùng", login)
    return user


def _admins_left(session: Session, without: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(AppUser)
            .where(AppUser.role == Role.ADMIN.value, AppUser.active.is_(True), AppUser.id != without)
        )
        or 0
    )


def set_role(session: Session, login: str, role: Role | str) -> UserRow:
    require(session, Permission.ADMINISTER)
    user, chosen = _user(session, login), Role(role)
    if user.role == Role.ADMIN.value and chosen is not Role.ADMIN and not _admins_left(session, user.id):
        raise ValidationError({"role": "Phải còn ít nhất một tài khoản Quản trị đang hoạt động."})
    old = user.role
    user.role = chosen.value
    from app.services import audit

    audit.record(session, "update", "app_user", user.id, role=[old, chosen.value])
    return _row(session, user)


def set_password(session: Session, login: str, password: str) -> None:
    """An administrator resets anyone's password; a signed-in user may change their own."""
    user = _user(session, login)
    me = signed_in(session)
    if me is None or me.id != user.id:
        require(session, Permission.ADMINISTER)
    else:
        session.info.setdefault(GRANTED_KEY, set()).add(Permission.EDIT)
    _check_password(password)
    user.password_hash = hash_password(password)
    from app.services import audit

    audit.record(session, "update", "app_user", user.id, password=True)


def set_active(session: Session, login: str, active: bool) -> UserRow:
    require(session, Permission.ADMINISTER)
    user = _user(session, login)
    if not active and user.role == Role.ADMIN.value and not _admins_left(session, user.id):
        raise ValidationError({"active": "Không khóa được tài khoản Quản trị cuối cùng."})
    user.active = active
    from app.services import audit

    audit.record(session, "update", "app_user", user.id, active=active)
    return _row(session, user)


def set_commune(session: Session, login: str, commune_id: int | None) -> UserRow:
    """The commune a person works in (None: every commune, for a province's staff)."""
    require(session, Permission.ADMINISTER)
    user = _user(session, login)
    _check_commune(session, commune_id)
    user.commune_id = commune_id
    from app.services import audit

    audit.record(session, "update", "app_user", user.id, commune_id=commune_id)
    return _row(session, user)


def _row(session: Session, user: AppUser) -> UserRow:
    commune = session.get(Commune, user.commune_id) if user.commune_id else None
    role = Role(user.role)
    return UserRow(
        user.id,
        user.login,
        user.full_name,
        role,
        role.label,
        user.commune_id,
        commune.name if commune else "",
        user.active,
    )


def list_users(session: Session) -> list[UserRow]:
    users = list(session.scalars(select(AppUser)))
    users.sort(key=lambda u: (not u.active, collation_key(u.full_name or u.login), u.login))
    return [_row(session, user) for user in users]


# --- communes of a province's server ---------------------------------------------------------------


@dataclass(frozen=True)
class CommuneRow:
    id: int
    name: str
    code: str
    bodies: int  # issuing bodies (UBND, HĐND, Đảng ủy) set up in it
    active: bool


def add_commune(session: Session, name: str, code: str = "") -> CommuneRow:
    """A commune on a shared server; its first user's «Thiết lập ban đầu» sets up its bodies."""
    require(session, Permission.ADMINISTER)
    title, number = clean(name), clean(code)
    if not title:
        raise ValidationError({"name": "Hãy nhập tên xã, phường."})
    if session.scalar(select(Commune.id).where(func.lower(Commune.name) == title.lower())) is not None:
        raise ValidationError({"name": f"Đã có «{title}»."})
    commune = Commune(name=title, code=number, active=True)
    session.add(commune)
    session.flush()
    from app.services import audit

    audit.record(session, "create", "commune", commune.id, name=title)
    return CommuneRow(commune.id, title, number, 0, True)


def list_communes(session: Session) -> list[CommuneRow]:
    from app.storage.models import Organization

    bodies = dict(
        session.execute(select(Organization.commune_id, func.count()).group_by(Organization.commune_id)).all()
    )
    rows = [
        CommuneRow(c.id, c.name, c.code, int(bodies.get(c.id, 0)), c.active)
        for c in session.scalars(select(Commune).order_by(Commune.id))
    ]
    rows.sort(key=lambda row: collation_key(row.name))
    return rows
