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


def _spreadsheet(notes: list[str], folder: Path) -> None:
    import openpyxl

    # The program has no .xlsx export yet: this proves only that openpyxl works in this copy.
    notes.append("chưa có chức năng xuất .xlsx; chỉ kiểm tra thư viện openpyxl")
    target = folder / "kiem-tra.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kiến nghị"
    rows = [("Lĩnh vực", "Số kiến nghị"), ("Đất đai", 12), ("Giao thông – thủy lợi", 5)]
    for row in rows:
        sheet.append(row)
    sheet["B4"] = "=SUM(B2:B3)"
    book.save(target)
    loaded = openpyxl.load_workbook(target)
    values = [tuple(cell.value for cell in row) for row in loaded["Kiến nghị"].iter_rows(max_row=3)]
    if values != rows or loaded["Kiến nghị"]["B4"].value != "=SUM(B2:B3)":
        raise ValueError(f"đọc lại khác với đã ghi: {values}")
    notes.append(f"{target.name} ghi và đọc lại đúng")


def _window(notes: list[str], db: Any, folder: Path) -> None:
    # The platform is chosen when the QApplication is made: off-screen, so no display is needed.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ui.selftest_window import check_main_window  # Qt lives in ui/, as for `doithoai` itself

    check_main_window(notes, db, folder)


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

        with test.step("Bảng tính .xlsx") as notes:
            _spreadsheet(notes, documents)

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
