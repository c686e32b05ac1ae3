"""``doithoai --self-test``: prove that this copy of the program works, end to end, without a screen.

Run by ``make test`` on the frozen bundle and by whoever installs the program on an office PC. It
touches nothing of the user's: a temporary data folder gets a new database (all migrations), the
demo data, every document kind exported and read back, a spreadsheet written and read back, and
the main window drawn off-screen. One line per step; exit code 0 only if every step passed.

Most of what breaks in a bundle is a file PyInstaller left behind (a migration, python-docx's
default header template, a Qt plugin, a module imported lazily), so the steps use the same code
paths as the program, not copies of them. Qt is imported only inside the window step.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app import APP_NAME, __version__, paths

EXIT_OK, EXIT_FAILED = 0, 1


@dataclass
class SelfTest:
    """Runs steps, prints one line each, remembers which failed."""

    out: Callable[[str], None] = print
    failures: list[str] = field(default_factory=list)
    passed: int = 0

    @contextmanager
    def step(self, title: str) -> Iterator[list[str]]:
        """``with test.step("…") as notes: …``; append to ``notes`` to say what was checked."""
        notes: list[str] = []
        started = time.perf_counter()
        try:
            yield notes
        except Exception as exc:
            self.failures.append(title)
            self.out(f"[LỖI] {title}: {type(exc).__name__}: {exc}")
            for line in traceback.format_exc().rstrip().splitlines()[-6:]:
                self.out(f"       {line}")
        else:
            self.passed += 1
            elapsed = time.perf_counter() - started
            detail = f": {'; '.join(notes)}" if notes else ""
            self.out(f"[ OK ] {title}{detail} ({elapsed:.2f} s)")


def _check_resources(notes: list[str]) -> None:
    required = [
        paths.resource_path("demo", "commune.json"),
        paths.resource_path("demo", "plans.json"),
        paths.resource_path("icons", "doithoai.png"),
        paths.resource_path("icons", "doithoai.ico"),
        paths.migrations_dir() / "env.py",
        paths.migrations_dir() / "script.py.mako",
    ]
    import docx

    # python-docx builds a new header part from this file (a page number is in every header).
    docx_templates = Path(docx.__file__).resolve().parent / "templates"
    required += [docx_templates / "default.docx", docx_templates / "default-header.xml"]
    missing = [str(path) for path in required if not path.is_file()]
    if missing:
        raise FileNotFoundError("thiếu tệp đi kèm: " + ", ".join(missing))
    versions = sorted(p.name for p in (paths.migrations_dir() / "versions").glob("*.py"))
    if not versions:
        raise FileNotFoundError(f"không có tệp phiên bản cấu trúc trong {paths.migrations_dir()}")
    notes.append(f"{len(required)} tệp, {len(versions)} phiên bản cấu trúc dữ liệu")


def _pick_targets(db: Any) -> tuple[int, int]:
    """A plan and its held dialogue with the most petitions (minutes, answers, conclusions)."""
    from sqlalchemy import func, select

    from app.domain.rules import DialogueState
    from app.storage.models import Dialogue, Petition

    with db.reading() as session:
        row = session.execute(
            select(Dialogue.plan_id, Dialogue.id)
            .join(Petition, Petition.dialogue_id == Dialogue.id)
            .where(Dialogue.state == DialogueState.CLOSED, Dialogue.plan_id.is_not(None))
            .group_by(Dialogue.id)
            .order_by(func.count(Petition.id).desc(), Dialogue.id)
        ).first()
    if row is None:
        raise LookupError("dữ liệu mẫu không có hội nghị đã kết thúc, có ý kiến, thuộc một kế hoạch")
    return int(row[0]), int(row[1])


def _read_docx(path: Path) -> str:
    """Open the file the way Word's users' tools do (python-docx) and check its page-number header."""
    import docx

    if not path.is_file() or path.stat().st_size == 0:
        raise FileNotFoundError(f"không có tệp {path}")
    document = docx.Document(str(path))
    words = sum(len(p.text.split()) for p in document.paragraphs)
    words += sum(
        len(cell.text.split()) for table in document.tables for row in table.rows for cell in row.cells
    )
    if words < 20:
        raise ValueError(f"{path.name} gần như trống ({words} từ)")
    with zipfile.ZipFile(path) as package:
        headers = [name for name in package.namelist() if name.startswith("word/header")]
        has_page_field = any(b" PAGE " in package.read(name) for name in headers)
    if not has_page_field:
        raise ValueError(f"{path.name} không có số trang ở phần đầu trang")
    return f"{words} từ, số trang ở đầu trang"


def _export_documents(test: SelfTest, db: Any, folder: Path, today: date) -> None:
    from app.domain.rules import DocumentKind

    targets: tuple[int, int] | None = None
    with test.step("Chọn kế hoạch và hội nghị để xuất văn bản") as notes:
        targets = _pick_targets(db)
        notes.append(f"kế hoạch #{targets[0]}, hội nghị #{targets[1]}")
    if targets is None:
        return
    plan_id, dialogue_id = targets

    exporter: Callable[..., Path] | None = None
    with test.step("Nạp chức năng xuất văn bản (app.services.documents)") as notes:
        from app.services.documents import export_document

        exporter = export_document
        notes.append("có")
    if exporter is None:
        return

    # Each kind numbered (recorded in the register, as a real issue is), then the public copy of
    # the Thông báo kết luận, which leaves the citizens' personal data out.
    runs: list[tuple[DocumentKind, bool]] = [(kind, False) for kind in DocumentKind]
    runs.append((DocumentKind.CONCLUSION_NOTICE, True))
    for number, (kind, public) in enumerate(runs, start=1):
        ident = plan_id if kind is DocumentKind.PLAN else dialogue_id
        suffix = " (bản công khai)" if public else ""
        with test.step(f"Xuất và đọc lại {kind.label}{suffix} [{kind.value}]") as notes:
            target = folder / f"{kind.value}{'-public' if public else ''}.docx"
            written = exporter(
                db,
                kind,
                ident,
                target,
                public=public,
                number=None if public else number,
                issued_on=None if public else today,
                today=today,
            )
            notes.append(f"{Path(written).name}, {_read_docx(Path(written))}")


def _spreadsheet(notes: list[str], db: Any, folder: Path) -> None:
    """The units' sheet and the opinions template written, then read back by their own readers."""
    import openpyxl

    from app.services import opinion_import, unit_sheets
    from app.storage.models import Unit

    with db.transaction() as session:
        template = opinion_import.write_template(folder / "mau-y-kien.xlsx", session)
        # The template filled in as MTTQ would: one opinion, then read back by the importer.
        book = openpyxl.load_workbook(template)
        book[opinion_import.SHEET_NAME].append(
            [
                1,
                "Nguyễn Văn An",
                "Thôn Đông",
                "",
                "",
                "Đất đai",
                "kiến nghị",
                "Đề nghị cấp giấy chứng nhận",
                "",
            ]
        )
        filled = folder / "y-kien-da-dien.xlsx"
        book.save(filled)
        preview = opinion_import.read_opinions(session, filled)
        if len(preview.rows) != 1 or preview.rows[0].petitioner_name != "Nguyễn Văn An":
            raise RuntimeError("đọc lại danh sách ý kiến không đúng")
        unit = session.query(Unit).order_by(Unit.id).first()
        if unit is None:
            raise RuntimeError("dữ liệu mẫu không có đơn vị nào")
        sheet = unit_sheets.export_unit_sheet(session, unit.id, folder / "ket-qua.xlsx")
        returned = unit_sheets.read_results(session, sheet)
    if returned.refused:
        raise RuntimeError("; ".join(returned.problems))
    notes.append(
        f"{template.name} điền và đọc lại: 1 ý kiến; {sheet.name}: bảng của {returned.unit}, "
        f"{returned.unchanged} dòng chờ đơn vị điền"
    )


def _calendar(notes: list[str]) -> None:
    """The Vietnamese holidays are in this copy (the holidays package and its VN names)."""
    from app.domain.workdays import OfficeCalendar, add_working_days

    calendar = OfficeCalendar()
    after_tet = add_working_days(date(2026, 2, 13), 1, calendar)
    if after_tet != date(2026, 2, 23):
        raise RuntimeError(
            f"một ngày làm việc sau 13/02/2026 phải là 23/02/2026 (sau Tết), không phải {after_tet}"
        )
    notes.append(
        f"một ngày làm việc sau 13/02/2026 là 23/02/2026 ({calendar.holiday_name(date(2026, 2, 17))})"
    )


def _window(notes: list[str], db: Any, folder: Path) -> None:
    # The platform is chosen when the QApplication is made: off-screen, so no display is needed.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ui.selftest_window import check_main_window  # Qt lives in ui/, as for `doithoai` itself

    check_main_window(notes, db, folder)


SELFTEST_PG_URL = "DOITHOAI_SELFTEST_PG_URL"  # a server to connect to, when the build has one


def _postgres_driver(notes: list[str]) -> None:
    """Several PCs need the server driver: psycopg imports with its compiled part and libpq loads.

    With ``DOITHOAI_SELFTEST_PG_URL`` set (make windows starts a throwaway server), it also
    connects through Database.open_url, creating the schema in that database.
    """
    import psycopg

    from app.storage.database import Database

    implementation = psycopg.pq.__impl__
    libpq = psycopg.pq.version()  # calls into libpq: the DLL is loaded and answers
    if implementation == "python":
        raise RuntimeError("psycopg chạy bản thuần Python, thiếu phần biên dịch kèm libpq")
    notes.append(f"psycopg {psycopg.__version__} ({implementation}), libpq {libpq // 10000}.{libpq % 10000}")
    url = os.environ.get(SELFTEST_PG_URL, "").strip()
    if url:
        db = Database.open_url(url)
        try:
            with db.reading() as session:
                from sqlalchemy import text

                server = session.execute(text("SHOW server_version")).scalar()
        finally:
            db.close()
        notes.append(
            f"đã kết nối máy chủ PostgreSQL {server}, cấu trúc {db.migration.to_revision if db.migration else '?'}"
        )


def run_self_test(out: Callable[[str], None] = print, *, today: date | None = None) -> int:
    today = today or date.today()
    frozen = "bản đóng gói" if getattr(sys, "frozen", False) else "mã nguồn"
    out(f"Tự kiểm tra {APP_NAME} {__version__} ({frozen}), Python {sys.version.split()[0]}, {sys.platform}")
    test = SelfTest(out)
    scratch = Path(tempfile.mkdtemp(prefix="doithoai-selftest-"))
    saved_home = os.environ.get(paths.ENV_HOME)
    os.environ[paths.ENV_HOME] = str(scratch / "home")  # never the user's data folder
    db: Any = None
    try:
        out(f"Thư mục tạm: {scratch}")
        with test.step("Tài nguyên đi kèm (mẫu, biểu tượng, cấu trúc dữ liệu, khuôn python-docx)") as notes:
            _check_resources(notes)

        with test.step("Tạo cơ sở dữ liệu mới và áp dụng mọi phiên bản cấu trúc") as notes:
            from app.storage.database import Database
            from app.storage.migrate import alembic_revision_graph, revision_graph

            (scratch / "home").mkdir(parents=True, exist_ok=True)
            db = Database.open(scratch / "home" / paths.DB_FILE_NAME, create=True)
            head = alembic_revision_graph(paths.migrations_dir()).head  # Alembic's own answer
            if db.migration is None or db.migration.to_revision != head or revision_graph().head != head:
                raise RuntimeError(f"cấu trúc dữ liệu không ở phiên bản mới nhất {head}")
            notes.append(f"phiên bản {head}")
        if db is None:
            return _finish(test, out, scratch)

        with test.step("Tạo dữ liệu mẫu") as notes:
            from app.services.demo import build_demo

            with db.transaction() as session:
                summary = build_demo(session, today)
            if not (summary.plans and summary.dialogues and summary.petitions):
                raise ValueError(f"dữ liệu mẫu thiếu: {summary}")
            notes.append(
                f"{summary.plans} kế hoạch, {summary.dialogues} hội nghị, {summary.petitions} ý kiến"
            )

        with test.step("Mở lại và kiểm tra toàn vẹn dữ liệu") as notes:
            from app.services.maintenance import check_database

            db.close()
            db = Database.open(db.path)
            again = db.migration
            if again is None or again.backup_path is not None or again.from_revision != again.to_revision:
                raise RuntimeError("dữ liệu đã ở phiên bản mới nhất mà vẫn bị nâng cấp lại")
            report = check_database(db.path)
            if not report.ok:
                raise RuntimeError("; ".join(report.lines()))
            notes.append("integrity_check ok, không nâng cấp lại")

        documents = scratch / "van-ban"
        documents.mkdir()
        _export_documents(test, db, documents, today)

        with test.step("Bảng tính .xlsx (bảng kết quả đơn vị, mẫu ý kiến thu thập)") as notes:
            _spreadsheet(notes, db, documents)

        with test.step("Lịch nghỉ lễ, Tết (thời hạn theo ngày làm việc)") as notes:
            _calendar(notes)

        with test.step("Trình điều khiển PostgreSQL (psycopg, libpq)") as notes:
            _postgres_driver(notes)

        with test.step("Cửa sổ chính (Qt, không cần màn hình)") as notes:
            _window(notes, db, scratch)
    finally:
        if db is not None:
            db.close()
        if saved_home is None:
            os.environ.pop(paths.ENV_HOME, None)
        else:
            os.environ[paths.ENV_HOME] = saved_home
    return _finish(test, out, scratch)


def _finish(test: SelfTest, out: Callable[[str], None], scratch: Path) -> int:
    total = test.passed + len(test.failures)
    if test.failures:
        out(f"KẾT QUẢ: {len(test.failures)}/{total} bước LỖI: {', '.join(test.failures)}")
        out(f"Các tệp đã tạo được giữ lại để xem: {scratch}")
        return EXIT_FAILED
    shutil.rmtree(scratch, ignore_errors=True)
    out(f"KẾT QUẢ: cả {total} bước đều đạt.")
    return EXIT_OK
