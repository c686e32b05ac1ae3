"""The command line: the same services as the window, no Qt (calibre's calibredb beside its GUI).

``doithoai`` alone starts the window; ``doithoai --help`` lists the subcommands.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from app import APP_NAME, __version__
from app.errors import AppError

if TYPE_CHECKING:
    from app.storage.database import Database
    from app.storage.urls import Target

EXIT_OK, EXIT_PROBLEM, EXIT_ERROR = 0, 1, 2
T = TypeVar("T")


def _db_path(args: argparse.Namespace) -> Path:
    from app import paths

    return Path(args.db).expanduser() if args.db else paths.default_db_path()


def cmd_gui(args: argparse.Namespace) -> int:
    from ui.main import run  # Qt is imported only for the window

    return run(
        db_path=Path(args.db).expanduser() if args.db else None,
        quit_after_show=args.quit_after_show,
        db_url=getattr(args, "db_url", None),
    )


def _with_password(target: Target, attempt: Callable[[str | None], T]) -> T:
    """Run ``attempt`` with the keyring's password (or libpq's own: PGPASSWORD, .pgpass); on a
    refused or missing password at a terminal, ask once and try again."""
    import getpass

    from app.storage.passwords import get_password
    from app.storage.urls import Problem, ServerConnectionError

    password = get_password(target) if target.is_server else None
    try:
        return attempt(password)
    except ServerConnectionError as exc:
        if exc.problem not in (Problem.NEEDS_PASSWORD, Problem.BAD_PASSWORD) or not sys.stdin.isatty():
            raise
        print(exc.user_message, file=sys.stderr)
        return attempt(getpass.getpass(f"Mật khẩu của {target.display()}: "))


def cmd_transfer(args: argparse.Namespace) -> int:
    """Copy a whole database into an empty one (SQLite ⇄ PostgreSQL), verified; re-run to resume."""
    import contextlib

    from app.storage.lock import database_lock
    from app.storage.urls import parse_target

    source = parse_target(args.source)
    destination = parse_target(args.to)
    if source == destination:
        print("Nguồn và đích là cùng một cơ sở dữ liệu.", file=sys.stderr)
        return EXIT_ERROR
    # The window must not write into a file while it is copied (nor into the new file).
    with contextlib.ExitStack() as locks:
        for end in (source, destination):
            if end.path is not None:
                locks.enter_context(database_lock(end.path))
        return _transfer(args, source, destination)


def _transfer(args: argparse.Namespace, source: Target, destination: Target) -> int:
    from app.services import transfer

    source_engine = _with_password(source, lambda password: transfer.open_source(source, password))
    target_engine = _with_password(
        destination, lambda password: transfer.open_destination(destination, password)
    )
    shown = {"line": ""}

    def progress(step: transfer.TransferProgress) -> None:
        # One line per table and phase, and one per 10% of a large table: readable in a log.
        tenth = 10 * step.table_done // step.table_total if step.table_total else 10
        key = f"{step.phase}:{step.table}:{tenth}"
        if key != shown["line"]:
            shown["line"] = key
            print(step.line(), flush=True)

    try:
        report = transfer.transfer(
            source_engine,
            target_engine,
            source_name=source.display(),
            target_name=destination.display(),
            progress=None if args.quiet else progress,
        )
    finally:
        source_engine.dispose()
        target_engine.dispose()
    print("\n".join(report.lines()))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from app.services import demo
    from app.storage.database import Database
    from app.storage.models import Organization

    db = Database.open(args.db, create=True)  # demo is one of the three ways to create a file
    try:
        with db.transaction() as session:
            if session.scalar(select(func.count()).select_from(Organization)):
                print(
                    f"Tệp «{db.path}» đã có dữ liệu; không tạo dữ liệu mẫu chồng lên. "
                    "Hãy chọn tệp khác bằng --db.",
                    file=sys.stderr,
                )
                return EXIT_PROBLEM
            summary = demo.build_demo(session)
    finally:
        db.close()
    print(
        f"Đã tạo dữ liệu mẫu trong «{db.path}»: {summary.organizations} cơ quan, {summary.plans} kế hoạch, "
        f"{summary.dialogues} hội nghị, {summary.petitions} ý kiến, kiến nghị."
    )
    return EXIT_OK


ROLE_NAMES = {
    "quan-tri": "admin",
    "thu-ky": "secretary",
    "lanh-dao": "leader",
    "xem": "viewer",
    "admin": "admin",
    "secretary": "secretary",
    "leader": "leader",
    "viewer": "viewer",
}


def _ask_password(prompt: str) -> str:
    """A password from the terminal (not echoed), or one line of standard input in scripts."""
    import getpass

    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\n")


def _open_any(args: argparse.Namespace) -> Database:
    """The database named by --db-url (a server or a file) or --db / the default file."""
    from app.storage.database import Database
    from app.storage.urls import open_server_database, parse_target

    if getattr(args, "db_url", None):
        target = parse_target(args.db_url)
        if target.is_server:
            return _with_password(target, lambda password: open_server_database(target, password))
        return Database.open(target.path)
    return Database.open(_db_path(args))


def cmd_users(args: argparse.Namespace) -> int:
    """Người dùng of a shared database: list, add, change role, commune, password, lock/unlock.

    Once a database has users, every change here needs an administrator: ``--as LOGIN`` and
    that person's password. The first user (always Quản trị) needs none.
    """
    from app.services import users

    db = _open_any(args)
    try:
        if args.action == "list":
            with db.reading() as session:
                rows = users.list_users(session)
            if not rows:
                print("Cơ sở dữ liệu chưa có người dùng: không cần đăng nhập.")
            for row in rows:
                state = "" if row.active else " (đã khóa)"
                where = f" · {row.commune_name}" if row.commune_name else ""
                print(f"{row.login:<16} {row.role_label:<9} {row.full_name}{where}{state}")
            return EXIT_OK
        if not args.login:
            print("Hãy ghi tên đăng nhập của người cần thêm hoặc sửa.", file=sys.stderr)
            return EXIT_ERROR
        with db.reading() as session:
            needs_admin = users.has_users(session)
        if needs_admin:
            if not args.as_login:
                print(
                    "Cơ sở dữ liệu đã có người dùng: hãy ghi --as <tên đăng nhập quản trị>.", file=sys.stderr
                )
                return EXIT_ERROR
            admin_password = _ask_password(f"Mật khẩu của {args.as_login}: ")
            signed = db.write(lambda session: users.sign_in(session, args.as_login, admin_password))
            users.bind_user(db.sessions, signed)
        login = args.login
        if args.action == "add":
            password = _ask_password(f"Mật khẩu cho {login}: ")
            row = db.write(
                lambda session: users.add_user(
                    session,
                    login,
                    password,
                    full_name=args.name or "",
                    role=ROLE_NAMES[args.role or ("quan-tri" if not needs_admin else "thu-ky")],
                    commune_id=args.commune,
                )
            )
            print(f"Đã thêm «{row.login}» ({row.role_label}).")
        elif args.action == "role":
            if not args.role:
                print("Hãy ghi --role.", file=sys.stderr)
                return EXIT_ERROR
            row = db.write(lambda session: users.set_role(session, login, ROLE_NAMES[args.role]))
            print(f"«{row.login}» nay là {row.role_label}.")
        elif args.action == "commune":
            row = db.write(lambda session: users.set_commune(session, login, args.commune))
            print(f"«{row.login}» làm việc tại: {row.commune_name or 'mọi xã (cấp tỉnh)'}.")
        elif args.action == "password":
            password = _ask_password(f"Mật khẩu mới cho {login}: ")
            db.write(lambda session: users.set_password(session, login, password))
            print(f"Đã đặt mật khẩu mới cho «{login}».")
        else:
            active = args.action == "enable"
            row = db.write(lambda session: users.set_active(session, login, active))
            print(f"Đã {'mở' if active else 'khóa'} tài khoản «{row.login}».")
    finally:
        db.close()
    return EXIT_OK


def cmd_communes(args: argparse.Namespace) -> int:
    """The communes of a province's server: list, or add one (an administrator signs in with --as)."""
    from app.services import users

    db = _open_any(args)
    try:
        if args.action == "add":
            if not args.name:
                print("Hãy ghi tên xã, phường.", file=sys.stderr)
                return EXIT_ERROR
            with db.reading() as session:
                needs_admin = users.has_users(session)
            if needs_admin:
                if not args.as_login:
                    print(
                        "Cơ sở dữ liệu đã có người dùng: hãy ghi --as <tên đăng nhập quản trị>.",
                        file=sys.stderr,
                    )
                    return EXIT_ERROR
                admin_password = _ask_password(f"Mật khẩu của {args.as_login}: ")
                signed = db.write(lambda session: users.sign_in(session, args.as_login, admin_password))
                users.bind_user(db.sessions, signed)
            row = db.write(lambda session: users.add_commune(session, args.name, args.code or ""))
            print(
                f"Đã thêm «{row.name}» (mã {row.id}). Tạo tài khoản: doithoai users add … --commune {row.id}"
            )
            return EXIT_OK
        with db.reading() as session:
            rows = users.list_communes(session)
        for row in rows:
            print(f"{row.id:>5}  {row.name:<30} {row.code:<8} {row.bodies} cơ quan")
    finally:
        db.close()
    return EXIT_OK


def _upgrade_server(target: Target) -> int:
    """Bring a server database of an older version to this one (the administrator, once)."""
    from app.storage.urls import ConnectionReport, check_server, server_engine, upgrade_server

    def attempt(password: str | None) -> ConnectionReport | None:
        report = check_server(target, password, require_data=False)
        if report.empty:
            print(
                "Cơ sở dữ liệu còn trống: hãy dùng «doithoai transfer» để chuyển dữ liệu lên.",
                file=sys.stderr,
            )
            return None
        if report.revision != report.head:
            engine = server_engine(target, password)
            try:
                upgrade_server(engine)
            finally:
                engine.dispose()
        return check_server(target, password)

    report = _with_password(target, attempt)
    if report is None:
        return EXIT_PROBLEM
    print("\n".join(report.lines()))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from app.services.maintenance import check_database

    if getattr(args, "db_url", None):
        from app.storage.urls import check_server, parse_target

        target = parse_target(args.db_url)
        if target.is_server:
            if getattr(args, "upgrade", False):
                return _upgrade_server(target)
            server = _with_password(target, lambda password: check_server(target, password))
            print("\n".join(server.lines()))
            return EXIT_OK
        args.db = str(target.path)

    path = _db_path(args)
    report = check_database(path)  # read-only: a missing, empty or foreign file is a finding
    print("\n".join(report.lines()))
    return EXIT_OK if report.ok else EXIT_PROBLEM


def cmd_backup(args: argparse.Namespace) -> int:
    """A verified copy now: into the backups folder, or ``--to`` a folder (a USB stick)."""
    from app.storage import backups
    from app.storage.probe import FileKind, probe_file

    path = _db_path(args)
    if probe_file(path).kind is not FileKind.SQLITE:
        print(f"Tệp dữ liệu «{path}» không tồn tại hoặc không phải tệp dữ liệu.", file=sys.stderr)
        return EXIT_PROBLEM
    folder = Path(args.to).expanduser() if args.to else None
    from app.services.maintenance import note_file_event
    from app.storage.lock import database_lock

    made = backups.make_backup(path, folder, "manual", commune_in_name=folder is not None)
    if folder is None:
        backups.rotate()
    print(f"Đã sao lưu vào «{made}».")
    # An open window keeps the file (its lock): the copy is made all the same, only not noted.
    with contextlib.suppress(AppError), database_lock(path):
        note_file_event(path, "backup", file=made.name, folder=str(made.parent))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the data file by a backup; the current file is backed up first."""
    from app.services.maintenance import note_file_event
    from app.storage import backups
    from app.storage.lock import database_lock

    path = _db_path(args)
    source = Path(args.file).expanduser()
    if not args.db:  # a new PC: the data folder may not exist yet
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)

    with database_lock(path):
        report = backups.restore_backup(path, source)
        note_file_event(path, "restore_backup", file=source.name)
    print(f"Đã khôi phục «{path}» từ «{source}».")
    if report.safety_copy:
        print(f"Tệp dữ liệu trước khi khôi phục được sao lưu tại «{report.safety_copy}».")
    if report.set_aside:
        print(f"Tệp dữ liệu cũ (không sao lưu được) được giữ lại với tên «{report.set_aside}».")
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    from app.services.maintenance import info_lines
    from app.storage.probe import FileKind, probe_file

    path = _db_path(args)
    print("\n".join(info_lines(path)))
    if args.db and probe_file(path).kind is not FileKind.SQLITE:
        print(f"Tệp dữ liệu «{path}» không tồn tại hoặc không phải tệp dữ liệu.", file=sys.stderr)
        return EXIT_PROBLEM
    return EXIT_OK


def cmd_self_test(_args: argparse.Namespace) -> int:
    from app.selftest import run_self_test

    return run_self_test()


def cmd_export(args: argparse.Namespace) -> int:
    from datetime import date

    from app.domain.rules import DocumentKind
    from app.services.documents import (
        as_kind,
        conclusion_notice_warning,
        export_document,
        require_public_version,
    )
    from app.storage.database import Database
    from app.storage.lock import database_lock

    kind = as_kind(args.kind)
    # Refused before the database is opened: a kind without a public version, or a hand form of
    # anything but a Biên bản.
    require_public_version(kind, args.public)
    if args.handwritten and kind is not DocumentKind.MINUTES:
        print("Chỉ Biên bản có mẫu để ghi tay (--ghi-tay đi với --kind bb).", file=sys.stderr)
        return EXIT_ERROR
    issued_on = date.fromisoformat(args.date) if args.date else None
    with database_lock(_db_path(args)):
        db = Database.open(args.db)
        try:
            if kind is DocumentKind.CONCLUSION_NOTICE and issued_on is not None:
                with db.reading() as session:
                    warning = conclusion_notice_warning(session, args.id, issued_on)
                if warning:
                    print(f"Lưu ý: {warning}", file=sys.stderr)
            path = export_document(
                db,
                kind,
                args.id,
                Path(args.out).expanduser(),
                public=args.public,
                number=args.number,
                issued_on=issued_on,
                handwritten=args.handwritten,
            )
        finally:
            db.close()
    print(f"Đã xuất «{path}».")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    """Collected opinions from an .xlsx into a dialogue: preview, then import (unless --dry-run).

    Exit 0 when every row is in the dialogue (imported now or before), 1 when the file is refused
    or rows with problems were left out (fix them and run again: rows already imported are skipped).
    """
    from app.services import opinion_import
    from app.storage.database import Database

    path = _db_path(args)
    if not path.is_file():
        print(f"Không tìm thấy tệp dữ liệu «{path}».", file=sys.stderr)
        return EXIT_PROBLEM
    source = Path(args.file).expanduser()
    from app.storage.lock import try_lock

    lock = None if args.dry_run else try_lock(path)  # a preview only reads
    if lock is None and not args.dry_run:
        from app.storage.lock import DatabaseInUseError

        raise DatabaseInUseError(path)
    db = Database.open(path)
    try:
        if args.dry_run:
            with db.reading() as session:  # rolled back: nothing is written
                preview = opinion_import.read_opinions(session, source, dialogue_id=args.dialogue)
            print("\n".join(preview.lines()))
            print(
                f"Chạy thử (--dry-run): sẽ nhập {len(preview.importable_rows)} ý kiến; "
                "không ghi gì vào dữ liệu."
            )
            return EXIT_PROBLEM if preview.problems else EXIT_OK
        with db.transaction() as session:
            preview, result = opinion_import.import_file(
                session, args.dialogue, source, add_unknown_hamlets=not args.no_new_hamlets
            )
        print("\n".join(preview.lines()))
        print(result.message)
        return EXIT_PROBLEM if result.with_problems or result.unknown_hamlet else EXIT_OK
    except AppError as exc:
        import logging

        logging.getLogger("app.cli").warning("import refused: %s", exc)  # English, no personal data
        print(exc.user_message, file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        db.close()
        if lock is not None:
            lock.release()


def cmd_import_template(args: argparse.Namespace) -> int:
    from app.services import opinion_import
    from app.storage.database import Database

    path = _db_path(args)
    target = Path(args.file).expanduser()
    if path.is_file():
        db = Database.open(path)
        try:
            with db.reading() as session:
                written = opinion_import.write_template(target, session)
        finally:
            db.close()
    else:
        written = opinion_import.write_template(target)
    print(f"Đã ghi tệp mẫu «{written}».")
    return EXIT_OK


def _record_id(value: str) -> int:
    """An id or a number from the command line: a positive integer SQLite can store."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{value}» không phải là số nguyên") from None
    if not 1 <= number < 2**63:
        raise argparse.ArgumentTypeError(
            f"«{value}» nằm ngoài khoảng cho phép (1 đến 9 223 372 036 854 775 807)"
        )
    return number


def _iso_date(value: str) -> str:
    from datetime import date

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{value}» không phải ngày dạng YYYY-MM-DD") from None
    if not 1900 <= day.year <= 2200:
        raise argparse.ArgumentTypeError(f"năm {day.year} nằm ngoài khoảng cho phép (1900 đến 2200)")
    return value


def _period(session: object, code: str, cutoff: str | None) -> object:
    from app.domain.periods import Cutoff, PeriodError, parse_period
    from app.errors import ValidationError
    from app.services import reports

    try:
        if cutoff:
            return parse_period(code, Cutoff(cutoff))
        return reports.period_from_code(session, code)  # type: ignore[arg-type]
    except PeriodError as exc:
        raise ValidationError(
            {
                "period": f"Kỳ báo cáo «{code}» không đọc được: dùng 2026-05, 2026-Q1, 2026-H1, 2026-9M, 2026 "
                "hoặc 2026-01-01..2026-03-31."
            }
        ) from exc


def cmd_report(args: argparse.Namespace) -> int:
    """The Báo cáo of a period: .docx (default), .xlsx by the file's suffix, PNG charts on request."""
    from datetime import date

    from app.services import reports
    from app.storage.database import Database

    today = date.fromisoformat(args.today) if args.today else None
    out = Path(args.out).expanduser()
    db = Database.open(_db_path(args))
    try:
        with db.reading() as session:
            period = _period(session, args.period, args.cutoff)
            if out.suffix.lower() == ".xlsx":
                written = [reports.export_report_xlsx(session, period, out, today=today)]  # type: ignore[arg-type]
            else:
                written = [reports.export_report_docx(session, period, out, today=today)]  # type: ignore[arg-type]
            if args.charts:
                folder = Path(args.charts).expanduser()
                written += reports.export_report_charts(session, period, folder, today=today)  # type: ignore[arg-type]
    finally:
        db.close()
    for path in written:
        print(f"Đã xuất «{path}».")
    return EXIT_OK


def cmd_export_xlsx(args: argparse.Namespace) -> int:
    """The sổ theo dõi (every petition) or a filtered list to .xlsx."""
    from app.domain.rules import PetitionStatus
    from app.services import reports
    from app.services.petitions import PetitionFilter
    from app.storage.database import Database

    flt = PetitionFilter(
        query=args.query or "",
        year=args.year,
        dialogue_id=args.dialogue,
        field_id=args.field,
        hamlet_id=args.hamlet,
        unit_id=args.unit,
        statuses=tuple(PetitionStatus(s) for s in args.status or ()),
        due=args.due,
    )
    name = args.name or ("Sổ theo dõi" if flt == PetitionFilter() else "Danh sách lọc")
    out = Path(args.out).expanduser()
    db = Database.open(_db_path(args))
    try:
        with db.reading() as session:
            path = reports.export_petitions_xlsx(session, out, [(name, flt)])
    finally:
        db.close()
    print(f"Đã xuất «{path}».")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """Search everything (the same module as the window's Ctrl+K); grouped by kind, best first."""
    import json

    from app.services.search import SearchFilter, SearchKind, search_everything
    from app.storage.database import Database

    kinds = [SearchKind(k) for k in args.kind or ()]
    flt = SearchFilter(year=args.year)
    db = Database.open(_db_path(args))
    try:
        with db.reading() as session:
            results = search_everything(session, args.query, kinds=kinds or None, flt=flt, limit=args.limit)
    finally:
        db.close()
    if args.json:
        print(
            json.dumps(
                {
                    "query": results.query,
                    "groups": [
                        {"kind": kind.value, "label": kind.label, "hits": [h.as_dict() for h in hits]}
                        for kind, hits in results.groups
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        return EXIT_OK
    if not results.groups:
        print("Không tìm thấy kết quả nào.")
        return EXIT_OK
    from app.domain.text import short_date

    for kind, hits in results.groups:
        print(f"== {kind.label} ({len(hits)})")
        for hit in hits:
            where = " · ".join(x for x in (hit.dialogue_title, short_date(hit.day)) if x)
            print(f"  #{hit.id} {hit.title}" + (f" ({where})" if where else ""))
            print(f"     {hit.marked()}")
    return EXIT_OK


# argparse's own complaints, in the words a commune office reads (the rest of its text is ours).
_ARGPARSE_VI = (
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"unrecognized arguments: (.*)", r"không hiểu các tham số: \1"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"giá trị không hợp lệ \1 (chọn một trong: \2)"),
    (r"invalid (\w+) value: (.*)", r"«\2» không phải là giá trị đúng kiểu"),
    (r"expected one argument", "cần một giá trị ngay sau tham số này"),
    (r"expected at least one argument", "cần ít nhất một giá trị"),
    (r"not allowed with argument (.*)", r"không dùng cùng với \1"),
    (r"ambiguous option: (.*?) could match (.*)", r"tham số \1 không rõ, có thể là \2"),
    (r"^argument (\S+): ", r"tham số \1: "),
)


class VietnameseParser(argparse.ArgumentParser):
    """An ArgumentParser whose refusals are Vietnamese (exit 2, never a traceback)."""

    def error(self, message: str) -> NoReturn:
        import re

        for pattern, replacement in _ARGPARSE_VI:
            message = re.sub(pattern, replacement, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {message}\nGõ «{self.prog} --help» để xem cách dùng.\n")


def build_parser() -> argparse.ArgumentParser:
    db_option = VietnameseParser(add_help=False)
    db_option.add_argument("-h", "--help", action="help", help="hiện trợ giúp này rồi thoát")
    db_option.add_argument(
        "--db", metavar="PATH", help="tệp dữ liệu SQLite (mặc định: thư mục dữ liệu của người dùng)"
    )
    db_option.add_argument(
        "--db-url",
        metavar="URL",
        help="máy chủ PostgreSQL dùng chung, ví dụ postgresql+psycopg://thuky@192.168.1.10/doithoai "
        "(không ghi mật khẩu vào đây; dùng cho cửa sổ chương trình và lệnh check)",
    )

    parser = VietnameseParser(
        prog="doithoai",
        description=f"{APP_NAME}: kế hoạch, biên bản, kết luận và theo dõi giải quyết kiến nghị. "
        "Không có lệnh con thì mở cửa sổ chương trình.",
        parents=[db_option],
        add_help=False,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="hiện phiên bản"
    )
    parser.add_argument("--quit-after-show", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--self-test",
        action="store_const",
        dest="func",
        const=cmd_self_test,
        help="tự kiểm tra bản cài đặt trong thư mục tạm (không cần màn hình) rồi thoát; mã thoát 0 = tốt",
    )
    parser.set_defaults(func=cmd_gui)
    sub = parser.add_subparsers(title="lệnh con", metavar="LỆNH", parser_class=VietnameseParser)

    def subcommand(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[db_option], add_help=False, help=help_text)

    gui = subcommand("gui", "mở cửa sổ chương trình")
    gui.add_argument("--quit-after-show", action="store_true", help=argparse.SUPPRESS)
    gui.set_defaults(func=cmd_gui)
    subcommand("demo", "tạo một tệp dữ liệu mẫu").set_defaults(func=cmd_demo)
    check = subcommand("check", "kiểm tra toàn vẹn và phiên bản dữ liệu (mã thoát 0 = tốt, 1 = có vấn đề)")
    check.add_argument(
        "--upgrade",
        action="store_true",
        help="với --db-url: nâng cấp cơ sở dữ liệu trên máy chủ lên phiên bản này (sao lưu máy chủ trước)",
    )
    check.set_defaults(func=cmd_check)
    subcommand("info", "đường dẫn và phiên bản").set_defaults(func=cmd_info)
    backup = subcommand("backup", "sao lưu tệp dữ liệu ngay (đã kiểm tra toàn vẹn)")
    backup.add_argument(
        "--to", metavar="DIR", help="thư mục nhận bản sao (ví dụ USB); mặc định: thư mục sao lưu"
    )
    backup.set_defaults(func=cmd_backup)
    restore = subcommand("restore", "khôi phục tệp dữ liệu từ một bản sao lưu (sao lưu tệp hiện tại trước)")
    restore.add_argument("file", metavar="FILE", help="tệp sao lưu (.sqlite)")
    restore.set_defaults(func=cmd_restore)
    export = subcommand("export", "xuất văn bản Word (Kế hoạch, Giấy mời, Biên bản, Thông báo, Báo cáo)")
    export.add_argument(
        "--kind",
        required=True,
        choices=["kh", "gm", "tbtc", "bb", "tb", "bc"],
        help="kh: Kế hoạch; gm: Giấy mời; tbtc: Thông báo tổ chức; bb: Biên bản; tb: Thông báo kết luận; bc: Báo cáo",
    )
    export.add_argument(
        "--id", type=_record_id, required=True, help="mã kế hoạch (kh) hoặc mã hội nghị (các loại khác)"
    )
    export.add_argument("--out", required=True, metavar="FILE", help="tệp .docx cần ghi")
    export.add_argument(
        "--public",
        action="store_true",
        help="bản công khai (chỉ tb, bc): bỏ họ tên, điện thoại, địa chỉ, số định danh của công dân",
    )
    export.add_argument(
        "--ghi-tay",
        dest="handwritten",
        action="store_true",
        help="biên bản để ghi tay (chỉ bb): mẫu in sẵn dòng chấm khi mất điện, hỏng máy",
    )
    export.add_argument("--number", type=_record_id, help="số văn bản (bỏ trống để văn thư ghi sau khi ký)")
    export.add_argument(
        "--date", type=_iso_date, metavar="YYYY-MM-DD", help="ngày ban hành (bỏ trống: để trống ngày, tháng)"
    )
    export.set_defaults(func=cmd_export)
    importer = subcommand("import", "nhập ý kiến, kiến nghị thu thập trước hội nghị từ tệp Excel (.xlsx)")
    importer.add_argument(
        "--dialogue", type=_record_id, required=True, metavar="N", help="mã hội nghị nhận các ý kiến"
    )
    importer.add_argument("file", metavar="FILE.xlsx", help="tệp Excel (theo mẫu hoặc danh sách tương tự)")
    importer.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì vào dữ liệu")
    importer.add_argument(
        "--no-new-hamlets",
        action="store_true",
        help="không tự thêm thôn/tổ dân phố chưa có trong danh mục (bỏ qua các dòng đó)",
    )
    importer.set_defaults(func=cmd_import)
    template = subcommand("import-template", "ghi tệp Excel mẫu để thu thập ý kiến trước hội nghị")
    template.add_argument("file", metavar="FILE.xlsx", help="tệp .xlsx cần ghi")
    template.set_defaults(func=cmd_import_template)
    report = subcommand("report", "Báo cáo kết quả giải quyết theo kỳ (.docx hoặc .xlsx), biểu đồ PNG")
    report.add_argument(
        "--period",
        required=True,
        metavar="KỲ",
        help="2026-05, 2026-Q1, 2026-H1, 2026-9M, 2026 hoặc A..B (ngày ISO)",
    )
    report.add_argument("--out", required=True, metavar="FILE", help="tệp .docx (hoặc .xlsx) cần ghi")
    report.add_argument("--charts", metavar="FOLDER", help="ghi thêm các biểu đồ PNG vào thư mục này")
    report.add_argument(
        "--cutoff", choices=["calendar", "15-14"], help="mốc chốt số liệu (mặc định: theo Cài đặt)"
    )
    report.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    report.set_defaults(func=cmd_report)
    xlsx = subcommand("export-xlsx", "xuất sổ theo dõi hoặc danh sách đã lọc ra Excel (.xlsx)")
    xlsx.add_argument("--out", required=True, metavar="FILE.xlsx", help="tệp .xlsx cần ghi")
    xlsx.add_argument("--query", metavar="TỪ", help="tìm theo nội dung, người nêu, thôn")
    xlsx.add_argument("--year", type=int, help="năm")
    xlsx.add_argument("--dialogue", type=int, metavar="N", help="mã hội nghị")
    xlsx.add_argument("--field", type=int, metavar="N", help="mã lĩnh vực")
    xlsx.add_argument("--hamlet", type=int, metavar="N", help="mã thôn")
    xlsx.add_argument("--unit", type=int, metavar="N", help="mã đơn vị chủ trì")
    xlsx.add_argument(
        "--status", action="append", metavar="TT", help="trạng thái (new, in_progress, resolved…)"
    )
    xlsx.add_argument("--due", choices=["near", "overdue"], help="sắp đến hạn hoặc quá hạn")
    xlsx.add_argument("--name", help="tên trang tính")
    xlsx.set_defaults(func=cmd_export_xlsx)
    finder = subcommand(
        "search", "tìm trong mọi dữ liệu: kiến nghị, trả lời, kết quả, biên bản, kết luận, kế hoạch…"
    )
    finder.add_argument("query", metavar="TỪ", help="các từ cần tìm (có dấu hoặc không dấu)")
    finder.add_argument(
        "--kind",
        action="append",
        choices=[
            "petition",
            "answer",
            "update",
            "minute",
            "conclusion",
            "plan",
            "dialogue",
            "person",
            "hamlet",
        ],
        help="chỉ tìm loại này (có thể lặp lại)",
    )
    finder.add_argument("--year", type=int, help="chỉ năm này")
    finder.add_argument("--limit", type=int, default=10, help="số kết quả tối đa mỗi loại (mặc định 10)")
    finder.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    finder.set_defaults(func=cmd_search)
    mover = subcommand(
        "transfer",
        "chuyển toàn bộ dữ liệu sang một cơ sở dữ liệu trống (tệp SQLite hoặc máy chủ PostgreSQL) và kiểm tra; "
        "chạy lại để tiếp tục nếu bị ngắt",
    )
    mover.add_argument(
        "--from", dest="source", required=True, metavar="NGUỒN", help="tệp .sqlite hoặc địa chỉ máy chủ"
    )
    mover.add_argument(
        "--to", required=True, metavar="ĐÍCH", help="tệp .sqlite mới hoặc cơ sở dữ liệu trống trên máy chủ"
    )
    mover.add_argument("--quiet", action="store_true", help="không in tiến độ")
    mover.set_defaults(func=cmd_transfer)
    people = subcommand("users", "người dùng và vai trò khi dùng chung (Quản trị, Thư ký, Lãnh đạo, Xem)")
    people.add_argument(
        "action",
        choices=["list", "add", "role", "commune", "password", "disable", "enable"],
        help="list: danh sách; add: thêm; role: đổi vai trò; commune: xã làm việc; password: đặt mật khẩu; "
        "disable/enable: khóa/mở tài khoản",
    )
    people.add_argument("login", nargs="?", metavar="TÊN", help="tên đăng nhập")
    people.add_argument("--role", choices=sorted(ROLE_NAMES), help="quan-tri, thu-ky, lanh-dao hoặc xem")
    people.add_argument("--name", metavar="HỌ_TÊN", help="họ tên hiển thị trong nhật ký")
    people.add_argument(
        "--commune",
        type=_record_id,
        metavar="N",
        help="mã xã người này làm việc; bỏ trống: mọi xã (cấp tỉnh)",
    )
    people.add_argument("--as", dest="as_login", metavar="QUẢN_TRỊ", help="tên đăng nhập của người quản trị")
    people.set_defaults(func=cmd_users)
    communes = subcommand("communes", "các xã, phường trên một máy chủ dùng chung của tỉnh")
    communes.add_argument("action", choices=["list", "add"], help="list: danh sách; add: thêm")
    communes.add_argument("name", nargs="?", metavar="TÊN", help="tên xã, phường (khi thêm)")
    communes.add_argument("--code", metavar="MÃ", help="mã đơn vị hành chính")
    communes.add_argument(
        "--as", dest="as_login", metavar="QUẢN_TRỊ", help="tên đăng nhập của người quản trị"
    )
    communes.set_defaults(func=cmd_communes)
    self_test = sub.add_parser("self-test", add_help=False, help="như --self-test")
    self_test.add_argument("-h", "--help", action="help", help="hiện trợ giúp này rồi thoát")
    self_test.set_defaults(func=cmd_self_test)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Windows consoles default to a legacy code page; Vietnamese needs UTF-8.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    from app.log import setup_logging

    setup_logging()
    args = build_parser().parse_args(argv)
    if not hasattr(args, "quit_after_show"):
        args.quit_after_show = False
    try:
        return int(args.func(args))
    except AppError as exc:
        import logging

        logging.getLogger("app.cli").exception("command failed")
        print(exc.user_message, file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
