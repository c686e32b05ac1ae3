"""Where the data lives: a local SQLite file (the default) or a PostgreSQL server.

A :class:`Target` is parsed from what a user types (a path, ``sqlite:///…`` or
``postgresql+psycopg://user@host:port/db``) and never holds a password: the password comes from
the OS keyring, is asked each time, or libpq finds it itself (``PGPASSWORD``, ``~/.pgpass``).
Connection failures become a :class:`ServerConnectionError` whose ``problem`` says which kind
of failure it was, with a Vietnamese message that says what to do.

The engine and migrations of PostgreSQL proper live in engine.py / migrate.py; this module only
names the target and opens a plain engine on it.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from app.errors import StorageError

if TYPE_CHECKING:
    from app.storage.database import Database

log = logging.getLogger(__name__)

DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 5
PG_DRIVER = "postgresql+psycopg"


class TargetError(StorageError):
    """What the user typed does not name a database this program can use."""


@dataclass(frozen=True)
class Target:
    """A database: ``path`` for SQLite, or a server address (no password, ever)."""

    path: Path | None = None
    host: str = ""
    port: int = DEFAULT_PORT
    database: str = ""
    user: str = ""

    @property
    def is_server(self) -> bool:
        return self.path is None

    def url(self, password: str | None = None) -> URL:
        if self.path is not None:
            return URL.create("sqlite", database=str(self.path))
        return URL.create(
            PG_DRIVER,
            username=self.user or None,
            password=password or None,
            host=self.host or None,
            port=self.port,
            database=self.database,
        )

    def display(self) -> str:
        """How screens and logs name it: the path, or ``user@host:port/db`` without a password."""
        if self.path is not None:
            return str(self.path)
        who = f"{self.user}@" if self.user else ""
        return f"{who}{self.host or 'localhost'}:{self.port}/{self.database}"

    def keyring_key(self) -> str:
        """The keyring entry of this server account (the service name is the program's)."""
        return f"{self.user}@{self.host or 'localhost'}:{self.port}/{self.database}"


def parse_target(value: str | Path) -> Target:
    """A path or a URL as typed on the command line or in Cài đặt."""
    if isinstance(value, Path):
        return Target(path=value.expanduser())
    text_value = value.strip()
    if not text_value:
        raise TargetError("empty database target", "Chưa nhập đường dẫn tệp dữ liệu hoặc địa chỉ máy chủ.")
    if "://" not in text_value:
        return Target(path=Path(text_value).expanduser())
    try:
        url = make_url(text_value)
    except ArgumentError as exc:
        raise TargetError(
            f"unreadable database URL: {exc}",
            f"Không đọc được địa chỉ «{text_value}». Hãy viết dạng "
            "postgresql+psycopg://người_dùng@máy_chủ:5432/tên_cơ_sở_dữ_liệu.",
        ) from exc
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database:
            raise TargetError(
                "sqlite URL without a file", "Địa chỉ sqlite:/// phải kèm đường dẫn tệp dữ liệu."
            )
        return Target(path=Path(url.database).expanduser())
    if backend not in ("postgresql", "postgres"):
        raise TargetError(
            f"unsupported database backend {backend!r}",
            f"Chương trình chỉ dùng tệp dữ liệu SQLite hoặc máy chủ PostgreSQL, không dùng «{backend}».",
        )
    if url.password:
        # A password in a URL lands in shell history and process lists; refuse rather than keep it.
        raise TargetError(
            "password given inside the database URL",
            "Không ghi mật khẩu trong địa chỉ máy chủ (mật khẩu sẽ lộ trong lịch sử lệnh). Hãy bỏ mật khẩu "
            "khỏi địa chỉ: chương trình sẽ hỏi mật khẩu, lấy từ kho mật khẩu của hệ điều hành, hoặc từ "
            "biến môi trường PGPASSWORD / tệp .pgpass.",
        )
    if not url.database:
        raise TargetError(
            "server URL without a database name",
            "Địa chỉ máy chủ phải có tên cơ sở dữ liệu ở cuối, ví dụ …@192.168.1.10/doithoai.",
        )
    return Target(
        host=url.host or "",
        port=url.port or DEFAULT_PORT,
        database=url.database,
        user=url.username or "",
    )


class Problem(enum.Enum):
    """Why a server connection failed (each has its own advice)."""

    UNREACHABLE = "unreachable"
    NEEDS_PASSWORD = "needs_password"
    BAD_PASSWORD = "bad_password"
    NO_DATABASE = "no_database"
    NO_USER = "no_user"
    NOT_ALLOWED = "not_allowed"
    EMPTY = "empty"  # reachable, but no tables: transfer data into it first
    NOT_OURS = "not_ours"
    SCHEMA_OLDER = "schema_older"
    SCHEMA_NEWER = "schema_newer"
    NO_DRIVER = "no_driver"
    OTHER = "other"


def _advice(problem: Problem, target: Target, detail: str) -> str:
    where = target.display()
    texts = {
        Problem.UNREACHABLE: f"Không kết nối được máy chủ cơ sở dữ liệu «{target.host or 'localhost'}:"
        f"{target.port}». Hãy kiểm tra máy chủ đã bật, dây mạng/Wi-Fi, địa chỉ và cổng (thường là 5432); "
        "nếu máy chủ vừa khởi động lại, đợi một phút rồi bấm «Thử lại».",
        Problem.NEEDS_PASSWORD: f"Máy chủ yêu cầu mật khẩu cho người dùng «{target.user}». Hãy nhập mật khẩu.",
        Problem.BAD_PASSWORD: f"Sai mật khẩu hoặc tên người dùng «{target.user}» trên máy chủ. Hãy nhập lại "
        "mật khẩu (phân biệt chữ hoa, chữ thường); nếu quên, nhờ người quản trị máy chủ đặt lại.",
        Problem.NO_DATABASE: f"Trên máy chủ không có cơ sở dữ liệu «{target.database}». Hãy kiểm tra tên "
        "(xem Cài đặt → Cơ sở dữ liệu) hoặc nhờ người quản trị tạo bằng lệnh createdb.",
        Problem.NO_USER: f"Máy chủ không có người dùng «{target.user}». Hãy kiểm tra tên người dùng hoặc nhờ "
        "người quản trị tạo bằng lệnh createuser.",
        Problem.NOT_ALLOWED: "Máy chủ từ chối kết nối từ máy này (cấu hình pg_hba.conf). Nhờ người quản trị "
        "cho phép địa chỉ mạng nội bộ của cơ quan.",
        Problem.EMPTY: f"Cơ sở dữ liệu «{where}» còn trống. Hãy chuyển dữ liệu lên bằng «Chuyển dữ liệu» "
        "(hoặc lệnh doithoai transfer) trước khi dùng.",
        Problem.NOT_OURS: f"Cơ sở dữ liệu «{where}» có bảng của chương trình khác, không phải dữ liệu Đối "
        "thoại với Nhân dân. Hãy chọn đúng tên cơ sở dữ liệu.",
        Problem.SCHEMA_OLDER: f"Dữ liệu trên máy chủ thuộc phiên bản cũ hơn của chương trình ({detail}). "
        "Người quản trị hãy sao lưu máy chủ (pg_dump) rồi nâng cấp một lần từ một máy: «doithoai check "
        "--db-url … --upgrade»; các máy khác đóng chương trình trong lúc đó.",
        Problem.SCHEMA_NEWER: f"Dữ liệu trên máy chủ do phiên bản mới hơn của chương trình tạo ({detail}). "
        "Để không làm hỏng dữ liệu, chương trình không dùng cơ sở dữ liệu này. Hãy cài phiên bản mới nhất "
        "trên máy này.",
        Problem.NO_DRIVER: "Bản cài đặt này thiếu thành phần kết nối PostgreSQL (psycopg). Hãy cài lại "
        "chương trình bản đầy đủ.",
        Problem.OTHER: f"Không dùng được cơ sở dữ liệu «{where}»: {detail}. Hãy gửi tệp nhật ký cho cán bộ "
        "kỹ thuật.",
    }
    return texts[problem]


class ServerConnectionError(StorageError):
    """A server could not be used; ``problem`` says why (the UI offers the right next step)."""

    def __init__(self, problem: Problem, target: Target, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {target.display()}: {detail}", _advice(problem, target, detail))
        self.problem = problem
        self.target = target


def classify(exc: BaseException) -> Problem:
    """The kind of failure behind a driver error (libpq's messages, which are stable English)."""
    message = str(getattr(exc, "orig", None) or exc).lower()
    if "no password supplied" in message:
        return Problem.NEEDS_PASSWORD
    if "password authentication failed" in message or "authentication failed" in message:
        return Problem.BAD_PASSWORD
    if "database" in message and "does not exist" in message:
        return Problem.NO_DATABASE
    if "role" in message and "does not exist" in message:
        return Problem.NO_USER
    if "no pg_hba.conf entry" in message:
        return Problem.NOT_ALLOWED
    unreachable = (
        "connection refused",
        "could not connect",
        "timeout expired",
        "timed out",
        "could not translate host name",
        "name or service not known",
        "no route to host",
        "network is unreachable",
        "server closed the connection",
        "is the server running",
    )
    if any(word in message for word in unreachable):
        return Problem.UNREACHABLE
    return Problem.OTHER


def server_engine(target: Target, password: str | None = None, **kwargs: Any) -> Engine:
    """A plain engine on a server target (no connection is made yet)."""
    if not target.is_server:
        raise ValueError("server_engine needs a server target")
    kwargs.setdefault("hide_parameters", True)
    kwargs.setdefault("pool_pre_ping", True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
    connect_args.setdefault("application_name", "doithoai")
    try:
        return create_engine(target.url(password), connect_args=connect_args, **kwargs)
    except ModuleNotFoundError as exc:
        raise ServerConnectionError(Problem.NO_DRIVER, target, str(exc)) from exc


def open_engine(target: Target, password: str | None = None, **kwargs: Any) -> Engine:
    """An engine on ``target``: the SQLite engine with its PRAGMAs, or a server engine."""
    if target.path is not None:
        from app.storage.engine import make_engine

        return make_engine(target.path, **kwargs)
    return server_engine(target, password, **kwargs)


@dataclass(frozen=True)
class ConnectionReport:
    """What «Kiểm tra kết nối» found on a server that answered."""

    target: Target
    server_version: str
    revision: str | None
    head: str
    empty: bool

    def lines(self) -> list[str]:
        state = (
            "còn trống (chưa có dữ liệu)"
            if self.empty
            else f"phiên bản dữ liệu {self.revision}"
            + (" (đúng phiên bản)" if self.revision == self.head else "")
        )
        return [
            f"Đã kết nối «{self.target.display()}».",
            f"Máy chủ: {self.server_version}.",
            f"Cơ sở dữ liệu: {state}.",
        ]


def stored_revision(engine: Engine) -> tuple[str | None, bool]:
    """(alembic revision, whether the database has any table at all), read only."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        revision = None
        if "alembic_version" in tables:
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return revision, not tables


def check_server(
    target: Target, password: str | None = None, *, require_data: bool = True
) -> ConnectionReport:
    """Connect, read the server version and the schema revision; raise a ServerConnectionError.

    ``require_data=False`` accepts an empty database (the target of a transfer).
    """
    from app.storage.migrate import revision_graph

    graph = revision_graph()
    engine = server_engine(target, password, pool_size=1, max_overflow=0)
    try:
        try:
            with engine.connect() as conn:
                version = str(conn.execute(text("SHOW server_version")).scalar())
            revision, empty = stored_revision(engine)
        except DBAPIError as exc:
            problem = classify(exc)
            log.warning("server %s refused: %s", target.display(), problem.value)
            raise ServerConnectionError(problem, target, str(exc.orig)[:300]) from exc
        except SQLAlchemyError as exc:
            raise ServerConnectionError(Problem.OTHER, target, str(exc)[:300]) from exc
    finally:
        engine.dispose()
    if revision is None and not empty:
        raise ServerConnectionError(Problem.NOT_OURS, target)
    if revision is not None and revision not in graph.revisions:
        raise ServerConnectionError(Problem.SCHEMA_NEWER, target, f"{revision}, chương trình: {graph.head}")
    if require_data and empty:
        raise ServerConnectionError(Problem.EMPTY, target)
    if require_data and revision != graph.head:
        raise ServerConnectionError(Problem.SCHEMA_OLDER, target, f"{revision}, chương trình: {graph.head}")
    return ConnectionReport(target, version, revision, graph.head, empty)


def upgrade_server(engine: Engine) -> None:
    """Bring a server database to the newest revision with the same Alembic scripts, in one transaction.

    The PostgreSQL-specific parts of the migrations (search columns, collations) belong to the
    migrations themselves; this only drives them over a server connection.
    """
    from alembic import command

    from app.errors import MigrationError
    from app.storage.migrate import alembic_config

    config = alembic_config()
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except Exception as exc:
        log.exception("server migration failed")
        raise MigrationError(
            f"server migration failed: {exc}",
            "Khởi tạo hoặc nâng cấp cấu trúc dữ liệu trên máy chủ không thành công; mọi thay đổi đã được "
            "hoàn tác. Hãy gửi tệp nhật ký cho cán bộ kỹ thuật.",
        ) from exc


def open_server_database(target: Target, password: str | None = None) -> Database:
    """A Database over a server that answered with the right schema (no file, no lock, no backup).

    ``path`` only names the database on screen (the window title); nothing reads a file there.
    """
    from app.storage.database import Database

    check_server(target, password)
    return Database(Path(target.display()), server_engine(target, password))
