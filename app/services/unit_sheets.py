"""The units' round trip without a network, reminders, and petitions raised again.

A unit gets a Phiếu giao việc (.docx) and a results sheet (.xlsx) listing its open petitions. It
fills three columns (Kết quả, Số/ngày văn bản trả lời, Ngày hoàn thành) and sends the file back
by USB, Zalo or e-mail. :func:`read_results` reads it without writing anything and says, row by
row, what would change and what is wrong; :func:`apply_results` applies only the rows the user
confirmed, through :func:`app.services.followup.record_result`, in one transaction.

How a returned file is recognised:

- a very hidden sheet holds a marker: this database's id, the commune, the unit, the export's
  token and day, signed with the database's id (a file from another commune or another copy of
  the data is refused);
- each row carries, in hidden columns, the petition id and ``token.signature``: an HMAC (keyed by
  the database's id) of the petition id, the locked columns as exported and the petition's
  version (status, latest assignment and unit, last history step, ``updated_at``). Rows are found
  by id, so reordering, filtering or sorting the sheet changes nothing. Recomputing the signature
  from today's data tells whether the petition changed in the program since the export; if not, a
  locked cell that differs from the data was edited in the sheet;
- each export is recorded (:class:`UnitSheetExport`), so an older export is recognised and
  reconciled row by row (rows whose petition changed since are refused, the others may go in).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.domain import text as vtext
from app.domain.followup import UpdateKind
from app.domain.rules import PetitionStatus
from app.domain.standing import PetitionStanding, Standing, resolved_on
from app.errors import NotFoundError, ValidationError
from app.export.blocks import DocumentBlocks
from app.export.data import IssueData, OrganizationData
from app.export.documents import build_assignment_slip, build_reminder_letter
from app.export.documents.common import person_phrase
from app.export.unit_data import UnitDocumentData, UnitItemData
from app.services import audit, followup, settings
from app.services.documents import organization_data, petition_data
from app.services.followup import _due, _result_problems, _step, meeting_day
from app.services.minutes import _STOP_WORDS
from app.services.petitions import get_petition
from app.storage.models import Assignment, Dialogue, Organization, Petition, Unit, UnitSheetExport

FORMAT = "doithoai-ket-qua/1"
DATABASE_UID = "database_uid"  # Setting key: a random id made on the first export
SHEET_TITLE = "Kết quả"
MARKER_SHEET = "doithoai"
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class _Col:
    key: str
    title: str
    width: float
    locked: bool = True
    hidden: bool = False


COLUMNS = (
    _Col("stt", "STT", 6),
    _Col("dialogue", "Hội nghị", 22),
    _Col("petitioner", "Người nêu", 20),
    _Col("hamlet", "Thôn", 14),
    _Col("content", "Nội dung", 48),
    _Col("deadline", "Thời hạn", 12),
    _Col("result", "Kết quả", 40, locked=False),
    _Col("reply", "Số/ngày văn bản trả lời", 22, locked=False),
    _Col("completed", "Ngày hoàn thành", 14, locked=False),
    _Col("id", "Mã ý kiến (không sửa)", 10, hidden=True),
    _Col("check", "Mã kiểm tra (không sửa)", 30, hidden=True),
)
COLUMN_TITLES = {c.key: c.title for c in COLUMNS}
# Locked columns compared with the data when a file comes back (STT may be renumbered freely).
CHECKED = ("dialogue", "petitioner", "hamlet", "content", "deadline")


# --- shared facts ------------------------------------------------------------------------------


def _database_uid(session: Session, *, create: bool) -> str | None:
    value = settings.get_setting(session, DATABASE_UID)
    if isinstance(value, str) and value:
        return value
    if not create:
        return None
    value = uuid.uuid4().hex
    settings.store_state(session, DATABASE_UID, value)
    session.flush()
    return value


def _organization(session: Session) -> Organization:
    info = settings.current_organization(session)
    org = session.get(Organization, info.id) if info else None
    if org is None:
        org = session.scalars(select(Organization).order_by(Organization.id)).first()
    if org is None:
        raise ValidationError(
            {"organization": "Hãy khai báo cơ quan ban hành (Cài đặt) trước khi xuất văn bản."}
        )
    return org


def _commune_name(org: Organization) -> str:
    return " ".join(org.name.split())


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFoundError("đơn vị", unit_id)
    return unit


def _latest(petition: Petition) -> Assignment | None:
    return petition.assignments[-1] if petition.assignments else None


def _unit_petitions(session: Session, unit_id: int | None) -> list[Petition]:
    """Open petitions whose latest assignment names ``unit_id`` as lead, nearest deadline first.

    ``None``: the open assigned petitions of every unit.
    """
    latest = (
        select(Assignment.petition_id, func.max(Assignment.id).label("assignment_id"))
        .group_by(Assignment.petition_id)
        .subquery()
    )
    stmt = (
        select(Petition)
        .join(latest, latest.c.petition_id == Petition.id)
        .join(Assignment, Assignment.id == latest.c.assignment_id)
        .where(
            Assignment.lead_unit_id == unit_id
            if unit_id is not None
            else Assignment.lead_unit_id.is_not(None),
            Petition.deleted_at.is_(None),
            Petition.status.in_([PetitionStatus.NEW, PetitionStatus.IN_PROGRESS]),
        )
        .options(
            selectinload(Petition.dialogue),
            selectinload(Petition.hamlet),
            selectinload(Petition.field),
            selectinload(Petition.updates),
            selectinload(Petition.answers),
            selectinload(Petition.assignments).selectinload(Assignment.lead_unit),
            selectinload(Petition.assignments).selectinload(Assignment.supporting_units),
        )
        .order_by(Assignment.deadline.is_(None), Assignment.deadline, Petition.id)
    )
    return list(session.scalars(stmt))


def _dialogue_label(petition: Petition) -> str:
    dialogue = petition.dialogue
    day = meeting_day(petition)
    if dialogue is None:
        return ""
    title = vtext.clean(dialogue.title) or "Hội nghị đối thoại"
    return f"{title} ({vtext.short_date(day)})" if day else title


def _petitioner(petition: Petition) -> str:
    # Not anonymous and no name cannot be saved (petitions.validate_petition): "Ẩn danh" as before.
    return vtext.petitioner_label(petition.petitioner_name, True, petition.is_group)


def _locked_values(petition: Petition) -> dict[str, str]:
    """The locked columns as text, the way they are signed and compared."""
    assignment = _latest(petition)
    deadline = assignment.deadline if assignment else None
    return {
        "dialogue": _dialogue_label(petition),
        "petitioner": _petitioner(petition),
        "hamlet": petition.hamlet.name if petition.hamlet else "",
        "content": petition.content,
        "deadline": deadline.isoformat() if deadline else "",
    }


def _version(petition: Petition) -> str:
    assignment = _latest(petition)
    last_step = max((u.id for u in petition.updates), default=0)
    updated = petition.updated_at.isoformat() if petition.updated_at else ""
    return "|".join(
        [
            petition.status.value,
            str(assignment.id if assignment else 0),
            str(assignment.lead_unit_id if assignment else 0),
            str(last_step),
            updated,
        ]
    )


def _fold(value: str) -> str:
    return " ".join(vtext.clean(value).split())


def _sign(secret: str, *parts: str) -> str:
    payload = "\x1f".join(parts).encode("utf-8")
    return hmac.new(secret.encode("ascii"), payload, hashlib.sha256).hexdigest()[:24]


def _row_signature(secret: str, token: str, petition: Petition) -> str:
    values = _locked_values(petition)
    return _sign(secret, token, str(petition.id), *(_fold(values[k]) for k in CHECKED), _version(petition))


def _marker_signature(secret: str, marker: dict[str, str]) -> str:
    return _sign(secret, *(f"{k}={marker[k]}" for k in sorted(marker) if k != "signature"))


# --- export ---------------------------------------------------------------------------------------


def _save_workbook(book: Any, target: Path) -> Path:
    """Temp name, then rename (the one atomic writer of the exports)."""
    from app.export.layout import save_atomic  # python-docx loads with the first export only

    return save_atomic(book, target, opened_in="Excel")


def _lines_needed(cells: dict[str, object], column: _Col) -> int:
    if column.hidden:
        return 1
    if not column.locked:
        return 3  # room to write the result
    value = cells[column.key]
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(column.width * 1.1), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


_FILE_PREFIX = {"sheet": "ket-qua", "slip": "PGV-phieu-giao-viec", "reminder": "CV-don-doc"}


def unit_file_name(session: Session, unit_id: int, what: str, *, today: date | None = None) -> str:
    """``ket-qua-cong-an-xa-2026-11-21.xlsx``; ``what`` is sheet, slip or reminder."""
    unit = _unit(session, unit_id)
    day = (today or date.today()).isoformat()
    suffix = ".xlsx" if what == "sheet" else ".docx"
    return f"{_FILE_PREFIX[what]}-{vtext.slug(unit.short_name or unit.name)}-{day}{suffix}"


def export_unit_sheet(session: Session, unit_id: int, path: Path, *, today: date | None = None) -> Path:
    """Write the unit's results sheet (.xlsx) and record the export; returns the path."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter

    today = today or date.today()
    unit = _unit(session, unit_id)
    org = _organization(session)
    secret = _database_uid(session, create=True)
    assert secret is not None
    petitions = _unit_petitions(session, unit_id)
    if not petitions:
        raise ValidationError({"unit_id": f"{unit.name} không có ý kiến nào đang giao giải quyết."})
    token = uuid.uuid4().hex
    record = UnitSheetExport(
        unit_id=unit.id, token=token, exported_on=today, rows=len(petitions), file_name=str(path)
    )
    session.add(record)
    session.flush()

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    last_col = get_column_letter(len([c for c in COLUMNS if not c.hidden]))
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    open_fill = PatternFill("solid", fgColor="FFF8DC")  # the cells the unit fills
    sheet["A1"] = f"DANH SÁCH Ý KIẾN, KIẾN NGHỊ GIAO {vtext.clean(unit.name).upper()} GIẢI QUYẾT"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"{_commune_name(org)} — xuất ngày {vtext.short_date(today)} — {len(petitions)} ý kiến"
    sheet["A3"] = (
        "Đơn vị ghi vào ba cột tô màu: Kết quả; Số/ngày văn bản trả lời (ví dụ «12/BC-ĐCXD ngày 09/4/2026»); "
        "Ngày hoàn thành (để trống nếu chưa giải quyết xong). Không sửa các cột khác, không xóa cột ẩn; "
        "có thể sắp xếp, lọc các dòng."
    )
    sheet["A3"].font = Font(italic=True)
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    for row in (1, 2, 3):
        sheet.merge_cells(f"A{row}:{last_col}{row}")
    sheet.row_dimensions[3].height = 48
    for index, column in enumerate(COLUMNS, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        sheet.column_dimensions[letter].hidden = column.hidden
        cell = sheet.cell(HEADER_ROW, index, column.title)
        cell.font = Font(bold=True)
        cell.alignment = center
        cell.border = border
    keys = [c.key for c in COLUMNS]
    for offset, petition in enumerate(petitions):
        row = FIRST_ROW + offset
        values = _locked_values(petition)
        assignment = _latest(petition)
        cells: dict[str, object] = {
            "stt": offset + 1,
            "dialogue": values["dialogue"],
            "petitioner": values["petitioner"],
            "hamlet": values["hamlet"],
            "content": values["content"],
            "deadline": assignment.deadline if assignment else None,
            "result": None,
            "reply": None,
            "completed": None,
            "id": petition.id,
            "check": f"{token}.{_row_signature(secret, token, petition)}",
        }
        for index, column in enumerate(COLUMNS, 1):
            value = cells[column.key]
            # Excel refuses the controls Word pastes (\x0b, \x0c): line breaks, as in the .docx.
            cell = sheet.cell(row, index, vtext.word_safe(value) if isinstance(value, str) else value)
            cell.border = border
            cell.alignment = center if column.key in ("stt", "deadline", "completed", "id") else wrap
            if column.key in ("deadline", "completed"):
                cell.number_format = "dd/mm/yyyy"
            if not column.locked:
                cell.protection = Protection(locked=False)
                cell.fill = open_fill
        # Neither Excel nor LibreOffice fits wrapped rows written by openpyxl: give each its height,
        # with room for the unit's result.
        sheet.row_dimensions[row].height = max(_lines_needed(cells, column) for column in COLUMNS) * 15 + 3
    sheet.row_dimensions[HEADER_ROW].height = 33
    last_row = max(FIRST_ROW + len(petitions) - 1, HEADER_ROW)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, keys.index("result") + 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"
    # No password: the protection guards against slips, and a unit that must unprotect can.
    protection = sheet.protection
    protection.sheet = True
    protection.autoFilter = False
    protection.sort = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.formatCells = False
    sheet.print_options.gridLines = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    marker = {
        "format": FORMAT,
        "database": secret,
        "commune": _commune_name(org),
        "unit_id": str(unit.id),
        "unit": unit.name,
        "token": token,
        "exported_on": today.isoformat(),
        "rows": str(len(petitions)),
    }
    marker["signature"] = _marker_signature(secret, marker)
    hidden = book.create_sheet(MARKER_SHEET)
    for row, (key, value) in enumerate(marker.items(), 1):
        hidden.cell(row, 1, key)
        hidden.cell(row, 2, value)
    hidden.sheet_state = "veryHidden"
    hidden.protection.sheet = True
    book.properties.title = f"Kết quả giải quyết kiến nghị – {unit.name}"
    book.properties.creator = _commune_name(org)

    out = _save_workbook(book, Path(path))
    audit.record(session, "export", "unit_sheet_export", record.id, unit_id=unit.id, rows=len(petitions))
    return out


# --- reading a returned sheet -------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One filled row of a returned sheet: what it would change and what stops it."""

    sheet: str
    row: int  # the row number in the sheet; apply_results takes these
    petition_id: int | None
    summary: str  # "Lê Văn A (Thôn Đông): nội dung…"
    status_before: PetitionStatus | None
    status_after: PetitionStatus  # đã giải quyết with a completion date, else still đang giải quyết
    result: str
    reply_number: str
    reply_date: date | None
    completed_on: date | None
    on: date  # the day the result is recorded for: completion, else reply, else today
    conflicts: tuple[str, ...] = ()  # each stops the row
    warnings: tuple[str, ...] = ()  # worth reading, does not stop it
    version: str = ""  # the petition's version when read; checked again when applied

    @property
    def applicable(self) -> bool:
        return self.petition_id is not None and not self.conflicts


@dataclass(frozen=True)
class ResultsPreview:
    """What a returned file would change; :func:`read_results` never writes."""

    path: Path
    sheet: str
    unit_id: int | None
    unit: str
    commune: str
    exported_on: date | None
    export_id: int | None
    rows: tuple[ResultRow, ...]
    unchanged: int  # rows the unit left empty
    problems: tuple[str, ...] = ()  # the whole file is refused (foreign, unrecognised)
    warnings: tuple[str, ...] = field(default=())  # about the whole file (an older export)

    @property
    def refused(self) -> bool:
        return bool(self.problems)

    @property
    def applicable_rows(self) -> tuple[int, ...]:
        return () if self.refused else tuple(r.row for r in self.rows if r.applicable)


_DATE_IN_TEXT = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def _as_date(value: object) -> date | None:
    """A date from a cell: a real date, or text such as ``10/4/2026``, ``10.04.2026``, ``2026-04-10``.

    Raises ValueError for text that is not a date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20_000 < value < 80_000:
        from openpyxl.utils.datetime import from_excel

        # A date typed into a cell formatted as a number: Excel's day count.
        return from_excel(value).date()  # type: ignore[no-any-return]
    raw = vtext.clean(str(value))
    match = _ISO_DATE.fullmatch(raw)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = _DATE_IN_TEXT.fullmatch(raw.removeprefix("ngày").strip())
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    raise ValueError(raw)


def _split_reply(value: object) -> tuple[str, date | None]:
    """``12/BC-ĐCXD ngày 09/4/2026`` → (``12/BC-ĐCXD``, 2026-04-09); a date alone or a number alone too."""
    if value is None:
        return "", None
    if isinstance(value, datetime | date):
        return "", _as_date(value)
    raw = _cell_text(value)
    match = _DATE_IN_TEXT.search(raw) or _ISO_DATE.search(raw)
    reply_date = None
    if match:
        reply_date = _as_date(match[0].replace(" ", ""))
        raw = (raw[: match.start()] + raw[match.end() :]).strip()
    number = re.sub(r"(?i)^(số|so)\s*:?\s*", "", raw)
    number = re.sub(r"(?i)[\s,;–-]*(ngày|ngay)?\s*$", "", number).strip(" ,;")
    return number, reply_date


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return vtext.clean(str(value))


def _header_map(sheet: Any) -> tuple[int, dict[str, int]] | None:
    """The header row and column of each known title, by folded title (tones or not)."""
    wanted = {vtext.search_key(c.title).split(" (")[0]: c.key for c in COLUMNS}
    for row_no, row in enumerate(sheet.iter_rows(min_row=1, max_row=20, values_only=True), 1):
        found: dict[str, int] = {}
        for col_no, value in enumerate(row):
            if value is None:
                continue
            key = vtext.search_key(str(value)).split(" (")[0]
            if key in wanted and wanted[key] not in found:
                found[wanted[key]] = col_no
        if "content" in found and "result" in found:
            return row_no, found
    return None


def _read_marker(book: Any) -> dict[str, str] | None:
    if MARKER_SHEET not in book.sheetnames:
        return None
    marker: dict[str, str] = {}
    for key, value, *_ in book[MARKER_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
        if key:
            marker[str(key)] = "" if value is None else str(value)
    return marker


def _open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    if not path.is_file():
        raise ValidationError({"file": f"Không tìm thấy tệp «{path}»."})
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ValidationError(
            {"file": f"Tệp «{name}» không phải tệp Excel .xlsx. Hãy chọn tệp kết quả đã xuất."}
        )
    try:
        # Read-only: streamed, styles skipped (a returned sheet of 1 000 rows opens in a fraction
        # of the time); the caller closes it.
        return load_workbook(path, data_only=True, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationError(
            {
                "file": f"Không đọc được tệp «{name}»: tệp bị hỏng hoặc được đặt mật khẩu. "
                "Hãy mở tệp trong Excel, bỏ mật khẩu, lưu lại dạng .xlsx rồi chọn lại."
            }
        ) from exc


class _Reader:
    """Reads the rows of one returned sheet against today's data."""

    def __init__(self, session: Session, secret: str | None, sheet: Any, columns: dict[str, int]) -> None:
        self.session = session
        self.secret = secret
        self.sheet = sheet
        self.columns = columns
        self.seen: dict[int, int] = {}
        self.exports: dict[str, UnitSheetExport | None] = {}
        self.open_by_unit: dict[int | None, list[Petition]] = {}
        self.loaded: list[Petition] = []
        self.today = date.today()

    def where(self, row: int, key: str | None = None) -> str:
        place = f"Trang «{self.sheet.title}», dòng {row}"
        return f"{place}, cột «{COLUMN_TITLES[key].split(' (')[0]}»" if key else place

    def export(self, token: str) -> UnitSheetExport | None:
        if token not in self.exports:
            self.exports[token] = self.session.scalars(
                select(UnitSheetExport).where(UnitSheetExport.token == token)
            ).first()
        return self.exports[token]

    def value(self, cells: Sequence[object], key: str) -> object:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def match_by_content(self, content: str, unit_id: int | None) -> Petition | None:
        """The one open assigned petition (of the unit, when known) with this content."""
        if not content:
            return None
        if unit_id not in self.open_by_unit:
            self.open_by_unit[unit_id] = _unit_petitions(self.session, unit_id)
        wanted = vtext.search_key(content)
        found = [p for p in self.open_by_unit[unit_id] if vtext.search_key(p.content) == wanted]
        return found[0] if len(found) == 1 else None

    def row(self, row_no: int, cells: Sequence[object], unit_id: int | None) -> ResultRow | None:
        result = _cell_text(self.value(cells, "result"))
        reply_raw = self.value(cells, "reply")
        completed_raw = self.value(cells, "completed")
        if not result and not _cell_text(reply_raw) and not _cell_text(completed_raw):
            return None
        conflicts: list[str] = []
        warnings: list[str] = []
        # Which petition.
        petition: Petition | None = None
        raw_id = self.value(cells, "id")
        petition_id: int | None = None
        with contextlib.suppress(TypeError, ValueError):
            petition_id = int(str(raw_id).strip()) if raw_id not in (None, "") else None
        if petition_id is not None:
            petition = self.session.get(Petition, petition_id)
            if petition is None or petition.deleted_at is not None:
                conflicts.append(
                    f"{self.where(row_no)}: ý kiến mã {petition_id} không có trong dữ liệu "
                    "(đã bị xóa, hoặc dòng chép từ tệp của nơi khác)."
                )
                petition = None
        else:
            petition = self.match_by_content(_cell_text(self.value(cells, "content")), unit_id)
            if petition is None:
                conflicts.append(
                    f"{self.where(row_no)}: không có mã ý kiến (cột ẩn) và không khớp được nội dung với "
                    "ý kiến nào đang giao cho đơn vị; không xác định được ý kiến."
                )
            else:
                warnings.append(
                    f"{self.where(row_no)}: không có mã ý kiến; đã khớp theo nội dung với ý kiến số {petition.id}."
                )
        if petition is not None:
            if petition.id in self.seen:
                conflicts.append(
                    f"{self.where(row_no)}: ý kiến số {petition.id} đã có ở dòng {self.seen[petition.id]}."
                )
            else:
                self.seen[petition.id] = row_no
            conflicts.extend(self.check_version(row_no, cells, petition, unit_id, warnings))
        # What the unit wrote.
        completed: date | None = None
        try:
            completed = _as_date(completed_raw)
        except ValueError:
            conflicts.append(
                f"{self.where(row_no, 'completed')}: «{_cell_text(completed_raw)}» không phải ngày "
                "(ghi theo dạng 10/4/2026)."
            )
        reply_number, reply_date = _split_reply(reply_raw)
        if not result:
            conflicts.append(
                f"{self.where(row_no, 'result')}: có ngày hoặc văn bản trả lời nhưng chưa ghi kết quả."
            )
        status_after = PetitionStatus.RESOLVED if completed else PetitionStatus.IN_PROGRESS
        on = completed or reply_date or self.today
        if petition is not None:
            day = meeting_day(petition)
            for key, value, label in (
                ("completed", completed, "Ngày hoàn thành"),
                ("reply", reply_date, "Ngày văn bản trả lời"),
            ):
                if value is not None and day is not None and value < day:
                    conflicts.append(
                        f"{self.where(row_no, key)}: {label} ({vtext.short_date(value)}) trước ngày hội nghị "
                        f"({vtext.short_date(day)})."
                    )
            if completed is not None and completed > self.today:
                warnings.append(f"{self.where(row_no, 'completed')}: ngày hoàn thành sau hôm nay.")
            if not conflicts:
                problems = _result_problems(
                    petition, on=on, result=result, status_after=status_after, reply_date=reply_date
                )
                conflicts.extend(f"{self.where(row_no)}: {message}" for message in problems.values())
        return ResultRow(
            sheet=self.sheet.title,
            row=row_no,
            petition_id=petition.id if petition is not None else None,
            summary=followup.petition_summary(petition)
            if petition is not None
            else _cell_text(self.value(cells, "content"))[:80],
            status_before=petition.status if petition is not None else None,
            status_after=status_after,
            result=result,
            reply_number=reply_number,
            reply_date=reply_date,
            completed_on=completed,
            on=on,
            conflicts=tuple(conflicts),
            warnings=tuple(warnings),
            version=_version(petition) if petition is not None else "",
        )

    def check_version(
        self,
        row_no: int,
        cells: Sequence[object],
        petition: Petition,
        unit_id: int | None,
        warnings: list[str],
    ) -> list[str]:
        """Conflicts between the row, its export and today's data."""
        check = _cell_text(self.value(cells, "check"))
        token, _, signature = check.partition(".")
        export = self.export(token) if token else None
        current = _locked_values(petition)
        edited = [
            key
            for key in CHECKED
            if key in self.columns and _fold(self.sheet_value(cells, key)) != _fold(current[key])
        ]
        if export is None or self.secret is None or not signature:
            # A re-typed row without its check: compare what can be compared.
            warnings.append(
                f"{self.where(row_no)}: thiếu mã kiểm tra; không xác định được ý kiến có thay đổi sau khi xuất tệp hay không."
            )
            conflicts = [
                f"{self.where(row_no, key)}: khác với dữ liệu trong chương trình («{_fold(self.sheet_value(cells, key))}»)."
                for key in edited
            ]
            latest = _latest(petition)
            if unit_id is not None and (latest is None or latest.lead_unit_id != unit_id):
                conflicts.append(
                    f"{self.where(row_no)}: ý kiến số {petition.id} hiện không giao cho đơn vị này."
                )
            elif not petition.status.is_open:
                conflicts.append(
                    f"{self.where(row_no)}: ý kiến số {petition.id} đã ở tình trạng «{petition.status.label}»."
                )
            return conflicts
        if not hmac.compare_digest(signature, _row_signature(self.secret, token, petition)):
            return [f"{self.where(row_no)}: {self.change_since(petition, export)}"]
        return [
            f"{self.where(row_no, key)}: cột khóa đã bị sửa trong tệp («{_fold(self.sheet_value(cells, key))}»); "
            "hãy sửa lại như bản xuất hoặc xuất tệp mới."
            for key in edited
        ]

    def sheet_value(self, cells: Sequence[object], key: str) -> str:
        value = self.value(cells, key)
        if key == "deadline":
            try:
                day = _as_date(value)
            except ValueError:
                return _cell_text(value)
            return day.isoformat() if day else ""
        return _cell_text(value)

    @staticmethod
    def change_since(petition: Petition, export: UnitSheetExport) -> str:
        when = vtext.short_date(export.exported_on)
        latest = _latest(petition)
        if latest is None or latest.lead_unit_id != export.unit_id:
            what = "đã giao cho đơn vị khác"
        elif not petition.status.is_open:
            what = f"đã chuyển sang «{petition.status.label}»"
        else:
            what = "đã có cập nhật mới (kết quả, gia hạn hoặc sửa nội dung)"
        return (
            f"ý kiến số {petition.id} {what} trong chương trình sau khi xuất tệp ngày {when}; "
            "dòng này không được nhập, hãy kiểm tra và ghi kết quả trực tiếp."
        )


def _load_petitions(session: Session, ids: Iterable[int]) -> dict[int, Petition]:
    """Petitions by id with what reading and applying results touch, a few queries for hundreds."""
    ordered = sorted(set(ids))
    found: dict[int, Petition] = {}
    for start in range(0, len(ordered), 500):
        for petition in session.scalars(
            select(Petition)
            .where(Petition.id.in_(ordered[start : start + 500]), Petition.deleted_at.is_(None))
            .options(
                selectinload(Petition.dialogue),
                selectinload(Petition.hamlet),
                selectinload(Petition.updates),
                selectinload(Petition.assignments).selectinload(Assignment.lead_unit),
            )
        ):
            found[petition.id] = petition
    return found


def _preload(session: Session, reader: _Reader, body: Sequence[Sequence[object]]) -> None:
    """Load every petition the sheet names at once (a unit may send back hundreds of rows)."""
    ids: set[int] = set()
    for cells in body:
        with contextlib.suppress(TypeError, ValueError):
            ids.add(int(str(reader.value(cells, "id")).strip()))
    # Kept on the reader: the session's identity map holds objects only weakly.
    reader.loaded = list(_load_petitions(session, ids).values())


def read_results(session: Session, path: Path) -> ResultsPreview:
    """Read a returned results sheet: per row the change and its conflicts. Never writes."""
    path = Path(path)
    book = _open_workbook(path)
    try:
        return _read_results(session, path, book)
    finally:
        book.close()  # a read-only workbook keeps the file open until closed


def _read_results(session: Session, path: Path, book: Any) -> ResultsPreview:
    secret = _database_uid(session, create=False)
    marker = _read_marker(book)
    problems: list[str] = []
    warnings: list[str] = []
    unit_id: int | None = None
    unit_name = commune = ""
    exported_on: date | None = None
    export: UnitSheetExport | None = None
    name = path.name
    if marker is not None:
        commune = marker.get("commune", "")
        unit_name = marker.get("unit", "")
        with contextlib.suppress(ValueError):
            exported_on = date.fromisoformat(marker.get("exported_on", ""))
        when = vtext.short_date(exported_on)
        ours = (
            _commune_name(_organization(session))
            if session.scalar(select(func.count(Organization.id)))
            else ""
        )
        if marker.get("format") != FORMAT:
            problems.append(f"Tệp «{name}» không phải tệp kết quả do chương trình này xuất.")
        elif secret is None or marker.get("database") != secret:
            where = (
                f"của {commune}" if commune and commune != ours else "từ một bản dữ liệu khác (máy khác)"
            ) + (f" cho {unit_name}" if unit_name else "")
            problems.append(
                f"Tệp «{name}» được xuất {where} ngày {when}, không phải từ dữ liệu đang mở. "
                "Không nhập tệp này; hãy nhập vào đúng dữ liệu đã xuất tệp."
            )
        elif not hmac.compare_digest(marker.get("signature", ""), _marker_signature(secret, marker)):
            problems.append(
                f"Thông tin nhận dạng của tệp «{name}» đã bị sửa; không nhập được. Hãy xuất tệp mới."
            )
        else:
            export = session.scalars(
                select(UnitSheetExport).where(UnitSheetExport.token == marker.get("token"))
            ).first()
            if export is None:
                problems.append(
                    f"Không tìm thấy lần xuất tệp «{name}» (ngày {when}) trong dữ liệu; hãy xuất tệp mới cho đơn vị."
                )
            else:
                unit_id = export.unit_id
                newer = session.scalars(
                    select(UnitSheetExport)
                    .where(UnitSheetExport.unit_id == export.unit_id, UnitSheetExport.id > export.id)
                    .order_by(UnitSheetExport.id.desc())
                ).first()
                if newer is not None:
                    warnings.append(
                        f"Tệp «{name}» là bản xuất ngày {when}; đã có bản xuất mới hơn ngày "
                        f"{vtext.short_date(newer.exported_on)}. Chỉ nhập được những dòng mà ý kiến chưa thay đổi "
                        "trong chương trình từ ngày xuất tệp này."
                    )
    sheet = None
    located: tuple[int, dict[str, int]] | None = None
    for candidate in book.worksheets:
        if candidate.title == MARKER_SHEET or candidate.sheet_state != "visible":
            continue
        # Read every row the file holds, whatever size its header claims (some programs write a
        # wrong one, and a read-only sheet would trust it).
        candidate.reset_dimensions()
        located = _header_map(candidate)
        if located is not None:
            sheet = candidate
            break
    if sheet is None or located is None:
        raise ValidationError(
            {
                "file": f"Không tìm thấy dòng tiêu đề (STT, Nội dung, Kết quả…) trong tệp «{name}». "
                "Hãy dùng tệp kết quả đã xuất cho đơn vị."
            }
        )
    header_row, columns = located
    if marker is None:
        warnings.append(
            f"Tệp «{name}» không còn trang nhận dạng (có thể đã chép sang tệp mới); kiểm tra từng dòng."
        )
    if "id" not in columns:
        warnings.append(f"Trang «{sheet.title}»: không có cột mã ý kiến; các dòng được khớp theo nội dung.")
    reader = _Reader(session, secret, sheet, columns)
    body = list(sheet.iter_rows(min_row=header_row + 1, values_only=True))  # one pass over the file
    _preload(session, reader, body)
    rows: list[ResultRow] = []
    unchanged = 0
    if marker is None:
        # Without the marker, the rows' own checks say which export they come from.
        for cells in body:
            token = _cell_text(reader.value(cells, "check")).partition(".")[0]
            found = reader.export(token) if token else None
            if found is not None:
                export, unit_id = found, found.unit_id
                break
    if export is not None:
        unit = session.get(Unit, export.unit_id)
        unit_name = unit.name if unit else unit_name
        exported_on = export.exported_on
    for row_no, cells in enumerate(body, header_row + 1):
        if not any(_cell_text(value) for value in cells):
            continue
        row = reader.row(row_no, cells, unit_id)
        if row is None:
            unchanged += 1
        else:
            rows.append(row)
    if export is None and not unit_name:
        leads = {
            latest.lead_unit.name
            for r in rows
            if r.petition_id is not None
            and (latest := _latest(get_petition(session, r.petition_id))) is not None
        }
        unit_name = leads.pop() if len(leads) == 1 else ""
    return ResultsPreview(
        path=path,
        sheet=sheet.title,
        unit_id=unit_id,
        unit=unit_name,
        commune=commune,
        exported_on=exported_on,
        export_id=export.id if export else None,
        rows=tuple(rows),
        unchanged=unchanged,
        problems=tuple(problems),
        warnings=tuple(warnings),
    )


def apply_results(session: Session, preview: ResultsPreview, accepted: Sequence[int]) -> int:
    """Apply the confirmed rows (sheet row numbers) through record_result; all or nothing."""
    if preview.refused:
        raise ValidationError({"file": " ".join(preview.problems)})
    by_row = {row.row: row for row in preview.rows}
    chosen: list[ResultRow] = []
    problems: dict[str, str] = {}
    loaded = _load_petitions(session, [r.petition_id for r in by_row.values() if r.petition_id is not None])
    for number in dict.fromkeys(accepted):
        row = by_row.get(number)
        key = f"dòng {number}"
        if row is None:
            problems[key] = "Dòng này không có kết quả để nhập."
        elif not row.applicable or row.petition_id is None:
            problems[key] = "Dòng này có xung đột, không nhập được: " + " ".join(row.conflicts)
        else:
            petition = loaded.get(row.petition_id) or get_petition(session, row.petition_id)
            if _version(petition) != row.version:
                problems[key] = (
                    f"Ý kiến số {petition.id} vừa thay đổi sau khi đọc tệp; hãy đọc lại tệp trước khi nhập."
                )
            chosen.append(row)
    if problems:
        raise ValidationError(problems)
    if not chosen:
        raise ValidationError({"accepted": "Hãy chọn ít nhất một dòng để nhập."})
    with session.begin_nested():
        followup.record_results(
            session,
            [
                followup.ResultInput(
                    petition_id=row.petition_id,
                    on=row.on,
                    result=row.result,
                    status_after=row.status_after,
                    reply_number=row.reply_number,
                    reply_date=row.reply_date,
                )
                for row in chosen
                if row.petition_id is not None
            ],
        )
        audit.record(
            session,
            "import_results",
            "unit_sheet_export",
            preview.export_id,
            rows=[r.row for r in chosen],
            petitions=[r.petition_id for r in chosen],
        )
    return len(chosen)


# --- documents to a unit: Phiếu giao việc and Công văn đôn đốc ----------------------------------


def _needs_reminder(state: PetitionStanding) -> bool:
    return state.standing in (Standing.OVERDUE, Standing.NEAR_DUE)


def reminder_petitions(session: Session, unit_id: int, *, today: date | None = None) -> list[Petition]:
    """The unit's open petitions that are overdue or near due (the ``near_due_days`` setting)."""
    today = today or date.today()
    _unit(session, unit_id)
    return [p for p in _unit_petitions(session, unit_id) if _needs_reminder(_due(p, today))]


@dataclass(frozen=True)
class ReminderUnit:
    """A unit with items to remind it of (the list behind the one-click reminder)."""

    unit_id: int
    unit: str
    overdue: int
    near_due: int


def reminder_units(session: Session, *, today: date | None = None) -> list[ReminderUnit]:
    today = today or date.today()
    found = []
    from app.services.catalog import in_commune

    for unit in session.scalars(in_commune(select(Unit).order_by(Unit.position, Unit.id), Unit, session)):
        states = [_due(p, today) for p in _unit_petitions(session, unit.id)]
        overdue = sum(1 for s in states if s.overdue)
        near = sum(1 for s in states if s.standing is Standing.NEAR_DUE)
        if overdue or near:
            found.append(ReminderUnit(unit.id, unit.name, overdue, near))
    return found


def _item(petition: Petition, today: date) -> UnitItemData:
    assignment = _latest(petition)
    state = _due(petition, today)
    return UnitItemData(
        petitioner=person_phrase(petition_data(petition), public=False),
        content=petition.content,
        dialogue=f"Hội nghị ngày {vtext.short_date(meeting_day(petition))}" if meeting_day(petition) else "",
        task=assignment.task if assignment else "",
        supporting=tuple(u.name for u in assignment.supporting_units) if assignment else (),
        deadline=state.deadline,
        days_left=state.days_left,
    )


def _unit_document(
    session: Session, unit: Unit, petitions: Iterable[Petition], today: date, issue: IssueData | None
) -> UnitDocumentData:
    org: OrganizationData = organization_data(_organization(session))
    return UnitDocumentData(
        organization=org,
        unit=unit.name,
        today=today,
        items=tuple(_item(p, today) for p in petitions),
        issue=issue or IssueData(),
    )


def assignment_slip(
    session: Session, unit_id: int, *, today: date | None = None, issue: IssueData | None = None
) -> DocumentBlocks:
    """The blocks of the unit's Phiếu giao việc (for a preview screen, or to export)."""
    today = today or date.today()
    unit = _unit(session, unit_id)
    petitions = _unit_petitions(session, unit_id)
    if not petitions:
        raise ValidationError({"unit_id": f"{unit.name} không có ý kiến nào đang giao giải quyết."})
    return build_assignment_slip(_unit_document(session, unit, petitions, today, issue))


def reminder_letter(
    session: Session, unit_id: int, *, today: date | None = None, issue: IssueData | None = None
) -> DocumentBlocks:
    """The blocks of the Công văn đôn đốc to a unit with overdue or near-due items."""
    today = today or date.today()
    unit = _unit(session, unit_id)
    petitions = reminder_petitions(session, unit_id, today=today)
    if not petitions:
        raise ValidationError(
            {"unit_id": f"{unit.name} không có ý kiến nào quá hạn hoặc sắp đến hạn, không cần đôn đốc."}
        )
    return build_reminder_letter(_unit_document(session, unit, petitions, today, issue))


def export_assignment_slip(
    session: Session, unit_id: int, path: Path, *, today: date | None = None, issue: IssueData | None = None
) -> Path:
    from app.export.layout import render

    return render(assignment_slip(session, unit_id, today=today, issue=issue), Path(path))


def export_reminder_letter(
    session: Session, unit_id: int, path: Path, *, today: date | None = None, issue: IssueData | None = None
) -> Path:
    from app.export.layout import render

    return render(reminder_letter(session, unit_id, today=today, issue=issue), Path(path))


def send_reminder(
    session: Session, unit_id: int, path: Path, *, today: date | None = None, issue: IssueData | None = None
) -> tuple[Path, int]:
    """The one click: write the Công văn đôn đốc and note it in each item's history."""
    today = today or date.today()
    out = export_reminder_letter(session, unit_id, path, today=today, issue=issue)
    try:
        return out, record_reminder_sent(session, unit_id, (issue.issued_on if issue else None) or today)
    except Exception:
        with contextlib.suppress(OSError):
            out.unlink()
        raise


def record_reminder_sent(session: Session, unit_id: int, on: date) -> int:
    """Note in each overdue or near-due item's history that the unit was reminded on ``on``."""
    unit = _unit(session, unit_id)
    petitions = reminder_petitions(session, unit_id, today=on)
    if not petitions:
        raise ValidationError({"unit_id": f"{unit.name} không có ý kiến nào cần đôn đốc."})
    for petition in petitions:
        state = _due(petition, on)
        standing = f" ({state.phrase})" if state.phrase else ""
        _step(petition, UpdateKind.REMINDER, f"Đã gửi công văn đôn đốc {unit.name}{standing}.", on=on)
        session.flush()
        audit.record(session, "reminder_sent", "petition", petition.id, unit_id=unit.id, on=on.isoformat())
    return len(petitions)


# --- petitions raised again --------------------------------------------------------------------


@dataclass(frozen=True)
class RepeatedItem:
    id: int
    dialogue_id: int | None
    raised_on: date | None
    petitioner: str
    hamlet: str
    field: str
    content: str
    status: PetitionStatus


@dataclass(frozen=True)
class RepeatedGroup:
    """One matter raised again and again: its petitions (oldest first) and how long it has lasted."""

    items: tuple[RepeatedItem, ...]
    first_raised: date | None
    last_raised: date | None
    still_open: bool
    open_days: int  # first raising → today (still open) or → the last resolution
    dialogues: int
    hamlet: str
    field: str

    @property
    def open_text(self) -> str:
        return vtext.duration_phrase(self.open_days)

    @property
    def summary(self) -> str:
        return self.items[-1].content if self.items else ""


def _similar_ids(session: Session, content: str) -> list[int]:
    """Petition ids whose folded text looks like ``content`` (the FTS query of similar_petitions).

    Through the search module, so it works on either database.
    """
    words = [w for w in vtext.search_words(content) if len(w) >= 2 and w not in _STOP_WORDS]
    if len(words) < 3:
        return []
    from app.services import search

    expression = search.any_word_expression(words)
    if expression is None:
        return []
    return [ident for ident, _score in search.ranked_ids(session, expression, limit=40)]


def _alike(a: Petition, b: Petition) -> bool:
    """Similar content (≥ 3 shared words and a third of the shorter) and the same thôn or field."""
    words_a = {w for w in vtext.search_words(a.content) if len(w) >= 2 and w not in _STOP_WORDS}
    words_b = {w for w in vtext.search_words(b.content) if len(w) >= 2 and w not in _STOP_WORDS}
    shared = words_a & words_b
    if len(shared) < 3 or len(shared) * 3 < min(len(words_a), len(words_b)):
        return False
    same_hamlet = a.hamlet_id is not None and a.hamlet_id == b.hamlet_id
    same_field = a.field_id is not None and a.field_id == b.field_id
    return same_hamlet or same_field


def _raised_on(petition: Petition) -> date | None:
    return meeting_day(petition) or petition.received_on


RECENT_DAYS = 730  # petitions raised in the last two years (or still open) start the search


def _with_details(session: Session, ids: Iterable[int]) -> list[Petition]:
    ordered = sorted(set(ids))
    found: list[Petition] = []
    for start in range(0, len(ordered), 500):
        found.extend(
            session.scalars(
                select(Petition)
                .where(
                    Petition.id.in_(ordered[start : start + 500]),
                    Petition.deleted_at.is_(None),
                    Petition.dialogue_id.is_not(None),
                )
                .options(
                    selectinload(Petition.dialogue),
                    selectinload(Petition.hamlet),
                    selectinload(Petition.field),
                    selectinload(Petition.updates),
                    selectinload(Petition.duplicate_of),
                )
            )
        )
    return found


def repeated_petitions(
    session: Session, *, today: date | None = None, min_count: int = 2
) -> list[RepeatedGroup]:
    """Matters raised again across dialogues and years, still-open and longest-running first.

    The search starts from the petitions a chair must look at before the next dialogue — those
    still open and those raised in the last :data:`RECENT_DAYS` — and reaches back through the
    full-text index to any earlier petition like them, however old.
    """
    today = today or date.today()
    cutoff = datetime.combine(today, datetime.min.time()) - timedelta(days=RECENT_DAYS)
    moment = func.coalesce(Dialogue.started_at, Dialogue.scheduled_at)
    seed_ids = session.scalars(
        select(Petition.id)
        .join(Dialogue, Dialogue.id == Petition.dialogue_id)
        .where(
            Petition.deleted_at.is_(None),
            Petition.status.in_([PetitionStatus.NEW, PetitionStatus.IN_PROGRESS]) | (moment >= cutoff),
        )
    ).all()
    petitions = {p.id: p for p in _with_details(session, seed_ids)}
    seeds = list(petitions.values())
    similar = {p.id: _similar_ids(session, p.content) for p in seeds}
    wanted = {i for ids in similar.values() for i in ids} | {
        p.duplicate_of_id for p in seeds if p.duplicate_of_id is not None
    }
    petitions.update({p.id: p for p in _with_details(session, wanted - petitions.keys())})
    parent = {pid: pid for pid in petitions}

    def root(pid: int) -> int:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for petition in seeds:
        if petition.duplicate_of_id in petitions:
            join(petition.id, petition.duplicate_of_id)  # type: ignore[arg-type]
        for other_id in similar[petition.id]:
            other = petitions.get(other_id)
            if other is None or other.id == petition.id or other.dialogue_id == petition.dialogue_id:
                continue
            if _alike(petition, other):
                join(petition.id, other.id)
    groups: dict[int, list[Petition]] = {}
    for pid in petitions:
        groups.setdefault(root(pid), []).append(petitions[pid])
    found: list[RepeatedGroup] = []
    for members in groups.values():
        dialogues = {p.dialogue_id for p in members}
        if len(members) < max(min_count, 2) or len(dialogues) < 2:
            continue
        members.sort(key=lambda p: (_raised_on(p) or date.max, p.id))
        days = [d for d in (_raised_on(p) for p in members) if d is not None]
        first = days[0] if days else None
        statuses = [followup._effective_status(p) for p in members]
        still_open = any(s.is_open for s in statuses)
        if still_open:
            end: date | None = today
        else:
            ends = [
                d
                for p in members
                if (d := resolved_on((u.on, u.reply_date, u.status_after) for u in p.updates)) is not None
            ]
            end = max(ends) if ends else (days[-1] if days else None)
        latest = members[-1]
        found.append(
            RepeatedGroup(
                items=tuple(
                    RepeatedItem(
                        id=p.id,
                        dialogue_id=p.dialogue_id,
                        raised_on=_raised_on(p),
                        petitioner=_petitioner(p),
                        hamlet=p.hamlet.name if p.hamlet else "",
                        field=p.field.name if p.field else "",
                        content=p.content,
                        status=p.status,
                    )
                    for p in members
                ),
                first_raised=first,
                last_raised=days[-1] if days else None,
                still_open=still_open,
                open_days=(end - first).days if first and end else 0,
                dialogues=len(dialogues),
                hamlet=latest.hamlet.name if latest.hamlet else "",
                field=latest.field.name if latest.field else "",
            )
        )
    found.sort(key=lambda g: (not g.still_open, -g.open_days, g.items[0].id))
    return found


__all__ = [
    "ReminderUnit",
    "RepeatedGroup",
    "RepeatedItem",
    "ResultRow",
    "ResultsPreview",
    "apply_results",
    "assignment_slip",
    "export_assignment_slip",
    "export_reminder_letter",
    "export_unit_sheet",
    "read_results",
    "record_reminder_sent",
    "reminder_letter",
    "reminder_petitions",
    "reminder_units",
    "repeated_petitions",
    "send_reminder",
    "unit_file_name",
]
