"""A database server (PostgreSQL) instead of the local SQLite file: the engine and its failures.

The seam for the settings screen and the command line is :meth:`app.storage.database.Database.open_url`
(``postgresql+psycopg://user@host:5432/db``, the password passed apart so it is never part of a
stored URL). Everything that can go wrong while connecting is a :class:`ConnectionProblem`
subclass with an English ``str()`` and a ``reason`` code; the UI words it in Vietnamese.

What differs from the SQLite engine (engine.py): no PRAGMAs, no ``BEGIN IMMEDIATE``, no WAL, no
file locks or file backups. Units of work run at READ COMMITTED; the few places that need more
lock a row (``SELECT … FOR UPDATE`` on a counter, see ``app.services.counters``) or rely on the
optimistic version columns (``version_id_col``), and a serialization failure or deadlock is
retried by ``Database.write`` like a busy SQLite file.
"""

from __future__ import annotations

import enum
import logging
import re
from typing import Any

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError

from app.errors import StorageError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
APPLICATION_NAME = "doithoai"
# SQLSTATEs a unit of work may simply run again: serialization_failure, deadlock_detected.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


class Reason(enum.StrEnum):
    BAD_URL = "bad_url"
    SERVER_DOWN = "server_down"
    WRONG_PASSWORD = "wrong_password"
    PASSWORD_REQUIRED = "password_required"
    NO_ROLE = "no_role"
    NO_DATABASE = "no_database"
    NO_PRIVILEGE = "no_privilege"
    SCHEMA_TOO_OLD = "schema_too_old"
    SCHEMA_TOO_NEW = "schema_too_new"
    NOT_OURS = "not_ours"
    DRIVER_MISSING = "driver_missing"
    OTHER = "other"


class ConnectionProblem(StorageError):
    """The server database cannot be used; ``reason`` says why, ``where`` names it (no password)."""

    reason = Reason.OTHER

    def __init__(self, message: str, where: str = "", user_message: str | None = None) -> None:
        super().__init__(message, user_message)
        self.where = where


class BadUrl(ConnectionProblem):
    reason = Reason.BAD_URL


class DriverMissing(ConnectionProblem):
    reason = Reason.DRIVER_MISSING


class ServerDown(ConnectionProblem):
    """No server answers at that host and port (stopped, firewall, wrong address), or it timed out."""

    reason = Reason.SERVER_DOWN


class WrongPassword(ConnectionProblem):
    reason = Reason.WRONG_PASSWORD


class PasswordRequired(WrongPassword):
    """The server asks for a password and none was given."""

    reason = Reason.PASSWORD_REQUIRED


class NoSuchRole(ConnectionProblem):
    reason = Reason.NO_ROLE


class NoSuchDatabase(ConnectionProblem):
    reason = Reason.NO_DATABASE


class NoPrivilege(ConnectionProblem):
    """Connected, but the user may not read or create the program's tables."""

    reason = Reason.NO_PRIVILEGE


class SchemaTooOld(ConnectionProblem):
    """The server database is at an older revision and upgrading was not allowed."""

    reason = Reason.SCHEMA_TOO_OLD

    def __init__(self, message: str, where: str, current: str | None, head: str) -> None:
        super().__init__(message, where)
        self.current, self.head = current, head


class SchemaTooNew(ConnectionProblem):
    """The server database was upgraded by a newer program: refused, never touched."""

    reason = Reason.SCHEMA_TOO_NEW

    def __init__(self, message: str, where: str, current: str | None, head: str) -> None:
        super().__init__(message, where)
        self.current, self.head = current, head


class NotOurDatabase(ConnectionProblem):
    """The database holds other tables and no schema version of this program."""

    reason = Reason.NOT_OURS


def is_server_url(value: str) -> bool:
    """Whether ``value`` names a server database (``postgresql…://``) rather than a file path."""
    return bool(re.match(r"^postgres(ql)?(\+\w+)?://", value.strip(), re.IGNORECASE))


def server_url(url: str | URL, password: str | None = None) -> URL:
    """The URL with the psycopg 3 driver, and ``password`` when one is given apart."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError as exc:
        raise BadUrl(f"not a database URL: {exc}") from exc
    if parsed.get_backend_name() != "postgresql":
        raise BadUrl(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.host and not parsed.query.get("host"):
        raise BadUrl("the URL names no server host")
    if not parsed.database:
        raise BadUrl("the URL names no database")
    if password is not None:
        parsed = parsed.set(password=password)
    return parsed


def display_url(url: URL) -> str:
    """The URL as shown and logged: never the password."""
    return url.render_as_string(hide_password=True).replace("+psycopg", "")


def make_server_engine(url: URL, **kwargs: Any) -> Engine:
    """An engine on a PostgreSQL URL: READ COMMITTED, a short connect timeout, checked connections."""
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("isolation_level", "READ COMMITTED")
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    connect_args.setdefault("application_name", APPLICATION_NAME)
    try:
        return create_engine(url, connect_args=connect_args, **kwargs)
    except ModuleNotFoundError as exc:
        raise DriverMissing(f"the PostgreSQL driver is not installed: {exc}") from exc


def _sqlstate(exc: BaseException) -> str:
    return str(getattr(exc, "sqlstate", "") or getattr(getattr(exc, "orig", None), "sqlstate", "") or "")


def classify(exc: BaseException, where: str) -> ConnectionProblem:
    """The typed problem behind a failed connection (psycopg's message and SQLSTATE)."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(orig).strip()
    state = _sqlstate(exc)
    low = text.lower()
    first_line = text.splitlines()[0] if text else type(orig).__name__
    message = f"cannot use {where}: {first_line}"
    if state == "28P01" or "password authentication failed" in low:
        return WrongPassword(message, where)
    if "no password supplied" in low or "password is required" in low:
        return PasswordRequired(message, where)
    if state == "3D000" or re.search(r'database "[^"]*" does not exist', low):
        return NoSuchDatabase(message, where)
    if re.search(r'role "[^"]*" does not exist', low):
        return NoSuchRole(message, where)
    if state == "42501" or "permission denied" in low:
        return NoPrivilege(message, where)
    if state.startswith("28"):
        return WrongPassword(message, where)
    down = (
        "connection refused",
        "could not connect",
        "connection timeout",
        "timeout expired",
        "could not translate host name",
        "name or service not known",
        "no route to host",
        "network is unreachable",
        "server closed the connection",
        "connection is bad",
        "the database system is starting up",
        "the database system is shutting down",
    )
    if any(part in low for part in down) or state.startswith("08") or state in {"57P01", "57P03"}:
        return ServerDown(message, where)
    return ConnectionProblem(message, where)


def is_retryable(exc: BaseException) -> bool:
    """A serialization failure or a deadlock on the server: the unit of work can run again."""
    return _sqlstate(exc) in RETRYABLE_SQLSTATES
