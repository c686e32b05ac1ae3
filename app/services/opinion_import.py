"""Nhập ý kiến thu thập trước hội nghị từ Excel: the lists MTTQ, đoàn thể and thôn send in.

Three steps, as the screen shows them:

1. :func:`write_template` ships the template (Danh mục → "Tải mẫu Excel");
2. :func:`read_opinions` reads any reasonable variant of it into an :class:`ImportPreview` —
   header not on line 1, merged title rows, other column orders and header wordings (with or
   without tones), an STT column, empty rows, line breaks in cells, dates typed as text,
   decomposed Unicode — and names every problem by sheet, row and column. It never writes;
3. :func:`apply_import` adds the rows without problems to a dialogue as collected opinions,
   through :func:`app.services.petitions.create_petition` like every other petition, in the
   caller's transaction, with audit entries.

Importing the same file (or the same rows) twice adds nothing: every imported petition leaves an
audit entry with a fingerprint of its normalised người nêu, thôn and nội dung, and rows whose
fingerprint is already in the dialogue are skipped and counted. So a user who fixes the rows
with problems can simply import the whole file again: only the fixed rows are added.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.rules import DEFAULT_FIELDS, PetitionKind, PetitionSource
from app.domain.text import clean, search_words, short_date, word_safe
from app.errors import AppError, NotFoundError
from app.services import audit, catalog, petitions
from app.storage.models import AuditEvent, Dialogue, Field, Hamlet, Petition

SHEET_NAME = "Ý kiến"
LISTS_SHEET_NAME = "Danh mục"
TEMPLATE_TITLE = "DANH SÁCH Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI VÀ NHÂN DÂN THU THẬP TRƯỚC HỘI NGHỊ ĐỐI THOẠI"
IMPORT_ACTION = "import"  # the audit action of an imported petition and of the file as a whole

# Our columns, in template order, with the header printed in the template.
COLUMNS: dict[str, str] = {
    "number": "STT",
    "name": "Họ và tên người nêu",
    "hamlet": "Thôn/Tổ dân phố",
    "organization": "Tổ chức/đoàn thể",
    "phone": "Số điện thoại",
    "field": "Lĩnh vực",
    "kind": "Loại (ý kiến/kiến nghị/phản ánh/khiếu nại/tố cáo)",
    "content": "Nội dung",
    "received": "Ngày nhận",
}
# Optional columns the template leaves out but real lists have.
EXTRA_COLUMNS: dict[str, str] = {"address": "Địa chỉ"}
COLUMN_LABELS = {**COLUMNS, "kind": "Loại", **EXTRA_COLUMNS}

# Folded header wordings (no tones, đ→d, punctuation as spaces). A header matches a column when
# it equals a synonym, or else starts with one; "exact" ones ("ngay", "tt") match only whole.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("stt", "so tt", "so thu tu", "thu tu"),
    "name": (
        "ho va ten nguoi neu",
        "ho va ten",
        "ho ten",
        "ten nguoi neu",
        "nguoi neu",
        "nguoi neu y kien",
        "nguoi kien nghi",
        "nguoi phan anh",
        "cu tri",
        "ten cu tri",
        "cong dan",
        "ten cong dan",
        "ho ten cu tri",
    ),
    "hamlet": ("thon to dan pho", "thon", "to dan pho", "tdp", "khu pho", "ban", "ap", "xom", "khu dan cu"),
    "organization": ("to chuc doan the", "to chuc", "doan the", "co quan don vi", "don vi gui", "noi gui"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "dt lien he"),
    "field": ("linh vuc", "nhom linh vuc", "thuoc linh vuc"),
    "kind": ("loai", "phan loai", "loai y kien", "hinh thuc"),
    "content": (
        "noi dung",
        "noi dung y kien",
        "noi dung kien nghi",
        "noi dung y kien kien nghi",
        "y kien",
        "kien nghi",
        "y kien kien nghi",
        "tom tat noi dung",
        "van de kien nghi",
        "phan anh",
    ),
    "received": ("ngay nhan", "ngay tiep nhan", "ngay gui", "ngay thu thap", "thoi gian nhan"),
    "address": ("dia chi", "noi o", "cho o"),
}
_EXACT: dict[str, tuple[str, ...]] = {"number": ("tt",), "received": ("ngay", "thoi gian"), "phone": ("dt",)}

_KINDS: dict[str, PetitionKind] = {
    "y kien": PetitionKind.OPINION,
    "kien nghi": PetitionKind.PROPOSAL,
    "de nghi": PetitionKind.PROPOSAL,
    "phan anh": PetitionKind.REPORT,
    "khieu nai": PetitionKind.COMPLAINT,
    "to cao": PetitionKind.DENUNCIATION,
}

HEADER_SCAN_ROWS = 30  # the header is looked for in the first rows of each sheet
EMPTY_ROWS_STOP = 200  # a sheet formatted down to row 1 048 576 ends after this many empty rows

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(AppError):
    """The file as a whole cannot be imported (not .xlsx, encrypted, no header, no rows)."""


# --- plain data for the preview and the result ------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """Something to fix in one cell, named as the user finds it in Excel."""

    sheet: str
    row: int  # the Excel row number
    column: str  # the Excel column letter ("F"), "" when the problem is the whole row
    header: str  # the header text in the file («Lĩnh vực»)
    message: str

    @property
    def place(self) -> str:
        """``Trang «Ý kiến», dòng 7, cột F («Lĩnh vực»)``."""
        where = f"Trang «{self.sheet}», dòng {self.row}"
        if self.column:
            where += f", cột {self.column}"
            if self.header:
                where += f" («{self.header}»)"
        return where

    @property
    def text(self) -> str:
        return f"{self.place}: {self.message}"


@dataclass(frozen=True)
class PreviewRow:
    """One opinion as it will be imported, and what stops it (``problems``)."""

    sheet: str
    row: int  # the Excel row number
    number: str  # the STT as written, "" without one
    petitioner_name: str  # "" means anonymous (Ẩn danh)
    hamlet: str  # as written (NFC, one line)
    hamlet_id: int | None  # the matched Danh mục entry
    hamlet_name: str  # the catalogue's spelling when matched, else as written
    organization: str
    phone: str
    address: str
    field: str  # as written
    field_id: int | None
    field_name: str  # the catalogue's spelling when matched
    kind: PetitionKind
    content: str
    received_on: date | None
    fingerprint: str
    problems: tuple[RowProblem, ...] = ()
    duplicate_of_row: int | None = None  # the same opinion earlier in this file …
    duplicate_of_sheet: str = ""  # … on this sheet
    already_imported: bool = False  # already in the dialogue named to read_opinions

    @property
    def hamlet_is_new(self) -> bool:
        return bool(self.hamlet) and self.hamlet_id is None

    @property
    def importable(self) -> bool:
        return not self.problems and self.duplicate_of_row is None and not self.already_imported

    @property
    def hamlet_label(self) -> str:
        if self.hamlet_is_new:
            return f"{self.hamlet} (thôn mới, sẽ được thêm vào danh mục)"
        return self.hamlet_name

    @property
    def summary(self) -> str:
        """``Dòng 5: Nguyễn Văn An – Thôn Đông – Đất đai – kiến nghị – 05/3/2026: Đề nghị …``"""
        parts = [
            self.petitioner_name or "Ẩn danh",
            self.hamlet_label,
            self.organization,
            self.field_name,
            self.kind.label,
            short_date(self.received_on),
        ]
        head = " – ".join(part for part in parts if part)
        content = " ".join(self.content.split())
        if len(content) > 90:
            content = content[:89] + "…"
        note = ""
        if self.duplicate_of_row is not None:
            where = "" if self.duplicate_of_sheet == self.sheet else f" trang «{self.duplicate_of_sheet}»"
            note = f" [trùng dòng {self.duplicate_of_row}{where}, bỏ qua]"
        elif self.already_imported:
            note = " [đã nhập trước đây, bỏ qua]"
        return f"Dòng {self.row}: {head}: {content}{note}"


RowRef = tuple[str, int]  # (sheet, Excel row number)


@dataclass(frozen=True)
class SheetInfo:
    """One sheet that holds a list: where its header is and which columns were recognised."""

    name: str
    header_row: int
    columns: dict[str, str]  # our column key → Excel column letter
    headers: dict[str, str]  # our column key → the header text in the file
    ignored_headers: tuple[str, ...]  # headers of columns that are not imported
    rows: int  # opinion rows found under the header


@dataclass(frozen=True)
class ImportPreview:
    """What :func:`read_opinions` found; nothing has been written.

    Every sheet with a recognisable header is read (one list per thôn is common); ``sheet``,
    ``header_row``, ``columns``, ``headers`` describe the first of them.
    """

    path: Path
    sheets: tuple[SheetInfo, ...]
    rows: tuple[PreviewRow, ...]
    file_sha256: str
    dialogue_id: int | None = None  # when given, rows already in it are marked
    skipped_sheets: tuple[str, ...] = ()  # sheets with data but no header: not read

    @property
    def sheet(self) -> str:
        return self.sheets[0].name

    @property
    def header_row(self) -> int:
        return self.sheets[0].header_row

    @property
    def columns(self) -> dict[str, str]:
        return self.sheets[0].columns

    @property
    def headers(self) -> dict[str, str]:
        return self.sheets[0].headers

    @property
    def ignored_headers(self) -> tuple[str, ...]:
        return self.sheets[0].ignored_headers

    @property
    def problems(self) -> list[RowProblem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def importable_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.importable]

    @property
    def new_hamlets(self) -> list[str]:
        """Thôn not in Danh mục, once each, in the order they appear."""
        seen: dict[str, str] = {}
        for row in self.rows:
            if row.hamlet_is_new and not row.problems:
                seen.setdefault(_match_key(row.hamlet), row.hamlet)
        return list(seen.values())

    def lines(self) -> list[str]:
        """The preview as text (the command line prints it; the screen shows it as a table)."""
        with_problems = sum(1 for r in self.rows if r.problems)
        out = [
            f"Tệp «{self.path.name}»: {len(self.rows)} ý kiến; {len(self.importable_rows)} sẵn sàng nhập, "
            f"{with_problems} có lỗi cần sửa."
        ]
        for info in self.sheets:
            line = f"Trang «{info.name}», dòng tiêu đề {info.header_row}: {info.rows} ý kiến."
            if info.ignored_headers:
                line += " Không nhập các cột: " + ", ".join(f"«{h}»" for h in info.ignored_headers) + "."
            out.append(line)
        if self.skipped_sheets:
            names = ", ".join(f"«{name}»" for name in self.skipped_sheets)
            out.append(f"Không đọc các trang không có dòng tiêu đề cột: {names}.")
        many = len(self.sheets) > 1
        for row in self.rows:
            out.append(f"[{row.sheet}] {row.summary}" if many else row.summary)
            out.extend(f"    Lỗi – {problem.text}" for problem in row.problems)
        if self.new_hamlets:
            out.append("Thôn/tổ dân phố chưa có trong danh mục: " + ", ".join(self.new_hamlets) + ".")
        return out


@dataclass(frozen=True)
class ImportResult:
    """What :func:`apply_import` did."""

    dialogue_id: int
    petition_ids: tuple[int, ...]
    already_imported: tuple[RowRef, ...]  # rows skipped: already in the dialogue
    duplicates_in_file: tuple[RowRef, ...]  # rows skipped: repeat an earlier row of the file
    with_problems: tuple[RowRef, ...]  # rows skipped: problems to fix first
    unknown_hamlet: tuple[RowRef, ...]  # rows skipped: new thôn and adding them not allowed
    added_hamlets: tuple[str, ...]

    @property
    def imported(self) -> int:
        return len(self.petition_ids)

    @property
    def nothing_new(self) -> bool:
        """Every readable row was already there: the same file imported again."""
        return not self.petition_ids and bool(self.already_imported)

    @property
    def message(self) -> str:
        if self.nothing_new and not (self.with_problems or self.unknown_hamlet):
            return (
                f"Các ý kiến trong tệp này đã được nhập vào hội nghị trước đây ({len(self.already_imported)} "
                "ý kiến); không thêm ý kiến nào."
            )
        parts = [f"Đã nhập {self.imported} ý kiến vào hội nghị"]
        if self.added_hamlets:
            parts.append("thêm thôn/tổ dân phố mới: " + ", ".join(self.added_hamlets))
        if self.already_imported:
            parts.append(f"bỏ qua {len(self.already_imported)} ý kiến đã nhập trước đây")
        if self.duplicates_in_file:
            parts.append(f"bỏ qua {len(self.duplicates_in_file)} dòng trùng trong tệp")
        if self.with_problems:
            rows = _row_list(self.with_problems)
            parts.append(
                f"chưa nhập {len(self.with_problems)} dòng có lỗi (dòng {rows}): sửa rồi nhập lại tệp"
            )
        if self.unknown_hamlet:
            rows = _row_list(self.unknown_hamlet)
            parts.append(
                f"chưa nhập {len(self.unknown_hamlet)} dòng có thôn/tổ dân phố chưa có trong danh mục (dòng {rows})"
            )
        return "; ".join(parts) + "."


def _row_list(rows: Sequence[RowRef]) -> str:
    """``5, 7`` on one sheet; ``5 trang «Thôn Đông», 3 trang «Thôn Đoài»`` across several."""
    if len({sheet for sheet, _row in rows}) <= 1:
        return ", ".join(str(row) for _sheet, row in rows)
    return ", ".join(f"{row} trang «{sheet}»" for sheet, row in rows)


# --- the template --------------------------------------------------------------------------------


def write_template(path: Path | str, session: Session | None = None) -> Path:
    """Write the template .xlsx (sheet «Ý kiến» + the lists of «Danh mục»); returns the path.

    With a session, the lists are this database's fields and thôn; without one, the default
    fields. Written to a temporary file beside the target and renamed, so a half-written
    template never replaces a good one.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    target = Path(path)
    if session is not None:
        fields = [e.name for e in catalog.list_entries(session, "field")]
        hamlets = [e.name for e in catalog.list_entries(session, "hamlet")]
    else:
        fields, hamlets = list(DEFAULT_FIELDS), []

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_NAME
    last = get_column_letter(len(COLUMNS))
    sheet["A1"] = TEMPLATE_TITLE
    sheet["A1"].font = Font(name="Times New Roman", bold=True, size=13)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 36
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    widths = {"number": 6, "name": 24, "hamlet": 18, "organization": 18, "phone": 14, "field": 24}
    widths |= {"kind": 16, "content": 60, "received": 13}
    for index, (key, header) in enumerate(COLUMNS.items(), start=1):
        cell = sheet.cell(row=2, column=index, value=header)
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = box
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths[key]
    sheet.row_dimensions[2].height = 45
    sheet.freeze_panes = "A3"
    # Printed for the thôn to fill in by hand, too: A4 landscape, one page wide, header repeated.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "2:2"
    letters = {key: get_column_letter(i) for i, key in enumerate(COLUMNS, start=1)}
    # Column styles, not cell styles: the sheet stays empty below the header, so Excel's
    # Ctrl+End and openpyxl's append() both start on row 3.
    sheet.column_dimensions[letters["received"]].number_format = "dd/mm/yyyy"
    sheet.column_dimensions[letters["phone"]].number_format = "@"  # keeps the leading 0
    sheet.column_dimensions[letters["content"]].alignment = Alignment(wrap_text=True, vertical="top")

    lists = book.create_sheet(LISTS_SHEET_NAME)
    lists["A1"], lists["B1"], lists["C1"] = "Lĩnh vực", "Thôn/Tổ dân phố", "Loại"
    for cell in lists[1]:
        cell.font = Font(bold=True)
    kinds = [kind.label for kind in PetitionKind]
    for offset, name in enumerate(fields, start=2):
        lists.cell(row=offset, column=1, value=name)
    for offset, name in enumerate(hamlets, start=2):
        lists.cell(row=offset, column=2, value=name)
    for offset, name in enumerate(kinds, start=2):
        lists.cell(row=offset, column=3, value=name)
    lists["E1"] = "Hướng dẫn"
    lists["E1"].font = Font(bold=True)
    for offset, line in enumerate(
        (
            "Mỗi dòng của trang «Ý kiến» là một ý kiến, kiến nghị; có thể xóa bớt hoặc đổi thứ tự các cột.",
            "Lĩnh vực chọn trong cột A; thôn/tổ dân phố chưa có trong cột B sẽ được hỏi thêm khi nhập.",
            "Ngày nhận ghi dạng 05/3/2026. Để trống họ tên nếu người nêu không muốn ghi tên.",
        ),
        start=2,
    ):
        lists.cell(row=offset, column=5, value=line)
    lists.column_dimensions["A"].width = 40
    lists.column_dimensions["B"].width = 24
    lists.column_dimensions["C"].width = 14
    lists.column_dimensions["E"].width = 90

    def validation(column: str, source_column: str, count: int, *, strict: bool) -> None:
        if not count:
            return
        check = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET_NAME}'!${source_column}$2:${source_column}${count + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "information",
            errorTitle="Giá trị ngoài danh mục",
            error="Hãy chọn một giá trị trong danh sách (trang «Danh mục»).",
        )
        sheet.add_data_validation(check)
        check.add(f"{letters[column]}3:{letters[column]}1000")

    validation("field", "A", len(fields), strict=True)
    validation("hamlet", "B", len(hamlets), strict=False)  # a new thôn can be added on import
    validation("kind", "C", len(kinds), strict=True)

    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".xlsx.tmp", dir=target.parent)
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return target


# --- reading ----------------------------------------------------------------------------------------


def _match_key(value: str) -> str:
    """Folded words only: "Quy hoạch - xây dựng" matches "Quy hoạch – xây dựng"."""
    return " ".join(search_words(value))


def _header_field(text: str) -> str | None:
    """Our column key for a header cell, or None when it is not one we import."""
    key = _match_key(text)
    if not key:
        return None
    best: tuple[int, int, str] | None = None  # (kind of match, synonym length, column key)
    for column, words in _SYNONYMS.items():
        for synonym in words:
            if key == synonym:
                score = (2, len(synonym), column)
            elif key.startswith(synonym + " "):
                score = (1, len(synonym), column)
            else:
                continue
            if best is None or score[:2] > best[:2]:
                best = score
    for column, words in _EXACT.items():
        if key in words and (best is None or best[0] < 2):
            best = (2, len(key), column)
    return best[2] if best else None


def _load_workbook(path: Path) -> tuple[Any, bytes]:
    if not path.is_file():
        raise ImportFileError(f"no such file: {path}", f"Không tìm thấy tệp «{path}».")
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            f"cannot read {path}: {exc}",
            f"Không đọc được tệp «{name}». Nếu tệp đang mở trong Excel, hãy đóng lại rồi thử lại.",
        ) from exc
    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise ImportFileError(
                f"{name}: encrypted workbook",
                f"Tệp «{name}» được đặt mật khẩu nên chương trình không đọc được. Hãy mở tệp bằng Excel, "
                "gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xóa mật khẩu), "
                "lưu lại rồi nhập lại.",
            )
        raise ImportFileError(
            f"{name}: legacy .xls workbook",
            f"Tệp «{name}» là tệp Excel đời cũ (.xls). Hãy mở bằng Excel, chọn Tệp → Lưu thành → "
            "«Sổ làm việc Excel (*.xlsx)», rồi nhập tệp .xlsx đó.",
        )
    not_xlsx = ImportFileError(
        f"{name}: not an xlsx workbook",
        f"Tệp «{name}» không phải là bảng tính Excel (.xlsx). Nếu danh sách đang ở dạng .csv, .doc hay "
        "văn bản, hãy chép vào tệp mẫu Excel (Danh mục → «Tải mẫu Excel») rồi nhập tệp đó.",
    )
    if not data.startswith(_ZIP_MAGIC):
        raise not_xlsx
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it does not read (slicers, extensions); they do not matter.
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # BadZipFile, KeyError (a part missing), InvalidFileException, lxml errors…
        raise not_xlsx from exc
    return book, data


def _cell_text(value: object) -> str:
    """A cell as one line of NFC text (names, thôn, headers): line breaks become spaces."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = word_safe(str(value)).replace("_x000D_", " ")
    return " ".join(clean(text).split())


def _content_text(value: object) -> str:
    """The nội dung: NFC, line breaks inside the cell kept as paragraphs, blanks tidied."""
    if value is None:
        return ""
    text = word_safe(str(value)).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in clean(text).split("\n")]
    return "\n".join(line for line in lines if line)


def _phone_text(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        # Excel drops the leading 0 of a number typed into a Number cell: 912345678 → 0912345678.
        return "0" + digits if len(digits) == 9 else digits
    return _cell_text(value)


_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_PHRASE_DATE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")


def parse_date(value: object) -> date | None:
    """A received date from a cell: a real date, an Excel serial, or text such as «05/3/2026».

    Raises ValueError for text that is not a date; empty cells give None. Day first, always
    (Vietnamese lists never write month first).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 20000 <= value <= 80000:  # 1954 … 2119: a serial number left in a General cell
            converted = from_excel(value)
            return converted.date() if isinstance(converted, datetime) else None
        raise ValueError(str(value))
    text = _cell_text(value)
    if not text:
        return None
    folded = _match_key(text)
    day = month = year = None
    if match := _DATE_TEXT.match(text):
        day, month, year = (int(group) for group in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(group) for group in match.groups())
    elif match := _PHRASE_DATE.search(folded):
        day, month, year = (int(group) for group in match.groups())
    if day is None or month is None or year is None:
        raise ValueError(text)
    if year < 100:
        year += 2000
    return date(year, month, day)


@dataclass
class _Sheet:
    """A worksheet as a grid of values, merged cells filled in."""

    title: str
    values: dict[tuple[int, int], object]
    max_row: int
    max_column: int
    filled: set[tuple[int, int]] = field(default_factory=set)  # copied from a merged cell above
    wide_merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # rows, columns

    def get(self, row: int, column: int) -> object:
        return self.values.get((row, column))

    def is_heading(self, row: int, columns: Iterable[int]) -> bool:
        """One label merged across two or more of the imported columns: a title or group row."""
        wanted = set(columns)
        for first_row, last_row, first_column, last_column in self.wide_merges:
            if first_row <= row <= last_row and len(wanted & set(range(first_column, last_column + 1))) >= 2:
                return True
        return False


def _grid(sheet: Any) -> _Sheet:
    values: dict[tuple[int, int], object] = {}
    empty_run = 0
    last_row = 0
    for row in sheet.iter_rows():
        filled = False
        for cell in row:
            if cell.value is not None and not (isinstance(cell.value, str) and not cell.value.strip()):
                values[(cell.row, cell.column)] = cell.value
                filled = True
        if row:
            if filled:
                empty_run = 0
                last_row = row[0].row
            else:
                empty_run += 1
                if empty_run > EMPTY_ROWS_STOP:
                    break
    grid = _Sheet(sheet.title, values, last_row, max(sheet.max_column or 0, 1))
    for merged in sheet.merged_cells.ranges:
        if merged.max_col > merged.min_col:
            grid.wide_merges.append((merged.min_row, merged.max_row, merged.min_col, merged.max_col))
        top_left = values.get((merged.min_row, merged.min_col))
        if top_left is None:
            continue
        # Down the first column: a thôn, a field or a header written once for several rows.
        for row_number in range(merged.min_row + 1, merged.max_row + 1):
            values[(row_number, merged.min_col)] = top_left
            grid.filled.add((row_number, merged.min_col))
    return grid


def _header_cells(grid: _Sheet, row: int) -> tuple[dict[str, int], dict[str, str], list[str]]:
    found: dict[str, int] = {}
    texts: dict[str, str] = {}
    ignored: list[str] = []
    for column in range(1, grid.max_column + 1):
        text = _cell_text(grid.get(row, column))
        if not text:
            continue
        key = _header_field(text)
        if key is None or key in found:
            ignored.append(text)
            continue
        found[key] = column
        texts[key] = text
    return found, texts, ignored


def _find_header(grid: _Sheet) -> tuple[int, dict[str, int], dict[str, str], list[str]] | None:
    """(row, column key → column index, key → header text, ignored headers) or None.

    A two-level header ("Người nêu" merged over "Họ tên" and "Thôn", "Nội dung" merged down
    both rows) is read as one: the lower row's own cells name their columns.
    """
    for row in range(1, min(grid.max_row, HEADER_SCAN_ROWS) + 1):
        found, texts, ignored = _header_cells(grid, row)
        if not ("content" in found and len(found) >= 2):
            continue
        below = row + 1
        own = {
            column: _cell_text(value)
            for (cell_row, column), value in grid.values.items()
            if cell_row == below and (below, column) not in grid.filled and _cell_text(value)
        }
        # Only with cells merged down from the header: a first data row never counts as header.
        merged_down = any((below, column) in grid.filled for column in found.values())
        if merged_down and own and all(_header_field(text) is not None for text in own.values()):
            lower, lower_texts, lower_ignored = _header_cells(grid, below)
            if "content" in lower:
                return below, lower, lower_texts, ignored + lower_ignored
        return row, found, texts, ignored
    return None


def _fingerprint(name: str, hamlet: str, content: str) -> str:
    text = "\x1f".join(_match_key(part) for part in (name, hamlet, content))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _catalogue_index(session: Session, catalogue: catalog.CatalogueName) -> dict[str, catalog.CatalogueEntry]:
    index: dict[str, catalog.CatalogueEntry] = {}
    for entry in catalog.list_entries(session, catalogue, include_inactive=True):
        # Active entries win over a deactivated one of the same name.
        key = _match_key(entry.name)
        if key not in index or (entry.active and not index[key].active):
            index[key] = entry
    return index


_HAMLET_WORDS = ("thon ", "to dan pho ", "tdp ", "to ", "xom ", "ap ", "ban ", "khu pho ", "khu ")


def _hamlet_keys(name: str) -> Iterator[str]:
    """The folded name, then without its "Thôn"/"Tổ dân phố" word: «Đông» finds «Thôn Đông»."""
    key = _match_key(name)
    yield key
    for prefix in _HAMLET_WORDS:
        if key.startswith(prefix) and len(key) > len(prefix):
            yield key[len(prefix) :]
            break


def _hamlet_index(session: Session) -> dict[str, catalog.CatalogueEntry]:
    index = _catalogue_index(session, "hamlet")
    aliases: dict[str, catalog.CatalogueEntry] = {}
    for entry in index.values():
        for alias in list(_hamlet_keys(entry.name))[1:]:
            aliases.setdefault(alias, entry)
    return {**aliases, **index}  # a full name beats a shortened one


def _imported_fingerprints(session: Session, dialogue_id: int) -> set[str]:
    """Fingerprints of the rows already imported into this dialogue (still present there)."""
    rows = session.execute(
        select(AuditEvent.details)
        .join(Petition, Petition.id == AuditEvent.entity_id)
        .where(
            AuditEvent.action == IMPORT_ACTION,
            AuditEvent.entity == "petition",
            Petition.dialogue_id == dialogue_id,
            Petition.deleted_at.is_(None),
        )
    ).scalars()
    return {str(details.get("fingerprint")) for details in rows if isinstance(details, dict)}


def read_opinions(session: Session, path: Path | str, *, dialogue_id: int | None = None) -> ImportPreview:
    """Read a list of collected opinions into a preview; writes neither the database nor the file.

    With ``dialogue_id``, rows already imported into that dialogue are marked. Raises
    :class:`ImportFileError` when the file cannot be used at all.
    """
    source = Path(path)
    if dialogue_id is not None and session.get(Dialogue, dialogue_id) is None:
        raise NotFoundError("hội nghị", dialogue_id)
    book, data = _load_workbook(source)
    sheets = list(book.worksheets)
    # The template's own sheet first; its «Danh mục» sheet is never a list of opinions.
    sheets.sort(key=lambda s: (_match_key(s.title) != _match_key(SHEET_NAME),))
    sheets = [s for s in sheets if _match_key(s.title) != _match_key(LISTS_SHEET_NAME)] or sheets
    grids = [_grid(sheet) for sheet in sheets]
    if not any(grid.values for grid in grids):
        raise ImportFileError(
            f"{source.name}: empty workbook",
            f"Tệp «{source.name}» không có dữ liệu. Hãy điền danh sách ý kiến vào tệp mẫu rồi nhập lại.",
        )
    located = [(grid, header) for grid in grids if (header := _find_header(grid)) is not None]
    if not located:
        expected = ", ".join(f"«{COLUMNS[key]}»" for key in ("name", "hamlet", "field", "content"))
        raise ImportFileError(
            f"{source.name}: no recognisable header",
            f"Không tìm thấy dòng tiêu đề cột trong tệp «{source.name}» (đã xem {HEADER_SCAN_ROWS} dòng đầu "
            f"của mỗi trang). Cần ít nhất cột «Nội dung» và một cột khác như {expected}; "
            "có thể dùng tệp mẫu (Danh mục → «Tải mẫu Excel»).",
        )
    from openpyxl.utils import get_column_letter

    fields = _catalogue_index(session, "field")
    hamlets = _hamlet_index(session)
    imported = _imported_fingerprints(session, dialogue_id) if dialogue_id is not None else set()
    seen: dict[str, RowRef] = {}
    rows: list[PreviewRow] = []
    infos: list[SheetInfo] = []
    for grid, (header_row, columns, headers, ignored) in located:
        letters = {key: get_column_letter(index) for key, index in columns.items()}
        sheet_rows = 0
        for row_number in range(header_row + 1, grid.max_row + 1):
            if grid.is_heading(row_number, columns.values()):
                continue
            raw = {key: grid.get(row_number, column) for key, column in columns.items()}
            own = [
                key
                for key, column in columns.items()
                if raw[key] is not None and (row_number, column) not in grid.filled and key != "number"
            ]
            if not own:
                continue  # an empty row, one with only its STT, or the tail of a merged thôn cell
            row = _preview_row(grid.title, row_number, raw, letters, headers, fields, hamlets)
            if row is None:
                continue
            if row.fingerprint in seen:
                first_sheet, first_row = seen[row.fingerprint]
                row = _replace(row, duplicate_of_row=first_row, duplicate_of_sheet=first_sheet)
            elif not row.problems:
                seen[row.fingerprint] = (grid.title, row_number)
                if row.fingerprint in imported:
                    row = _replace(row, already_imported=True)
            rows.append(row)
            sheet_rows += 1
        infos.append(SheetInfo(grid.title, header_row, letters, headers, tuple(ignored), sheet_rows))
    if not rows:
        first = infos[0]
        raise ImportFileError(
            f"{source.name}: header but no rows",
            f"Trang «{first.name}» của tệp «{source.name}» có dòng tiêu đề (dòng {first.header_row}) nhưng "
            "không có dòng ý kiến nào bên dưới.",
        )
    read = {grid.title for grid, _header in located}
    return ImportPreview(
        path=source,
        sheets=tuple(info for info in infos if info.rows) or (infos[0],),
        rows=tuple(rows),
        file_sha256=hashlib.sha256(data).hexdigest(),
        dialogue_id=dialogue_id,
        skipped_sheets=tuple(g.title for g in grids if g.values and g.title not in read),
    )


def _replace(row: PreviewRow, **changes: Any) -> PreviewRow:
    from dataclasses import replace

    return replace(row, **changes)


def _preview_row(
    sheet: str,
    row_number: int,
    raw: dict[str, object],
    letters: dict[str, str],
    headers: dict[str, str],
    fields: dict[str, catalog.CatalogueEntry],
    hamlets: dict[str, catalog.CatalogueEntry],
) -> PreviewRow | None:
    problems: list[RowProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(
            RowProblem(sheet, row_number, letters.get(column, ""), headers.get(column, ""), message)
        )

    name = _cell_text(raw.get("name"))
    content = _content_text(raw.get("content"))
    number = _cell_text(raw.get("number"))
    if not content:
        if _match_key(name).startswith(("tong", "cong")) or _match_key(number).startswith(("tong", "cong")):
            return None  # "Tổng cộng: 12 ý kiến" under the table
        problem("content", "Thiếu nội dung ý kiến, kiến nghị.")

    hamlet = _cell_text(raw.get("hamlet"))
    hamlet_entry = (
        next((hamlets[key] for key in _hamlet_keys(hamlet) if key in hamlets), None) if hamlet else None
    )

    field_text = _cell_text(raw.get("field"))
    field_entry = fields.get(_match_key(field_text)) if field_text else None
    if field_text and field_entry is None:
        problem(
            "field",
            f"Lĩnh vực «{field_text}» không có trong danh mục. Hãy chọn một lĩnh vực của trang «Danh mục» "
            "trong tệp mẫu, hoặc thêm lĩnh vực này ở Danh mục → Lĩnh vực rồi nhập lại.",
        )
    elif field_entry is not None and not field_entry.active:
        problem("field", f"Lĩnh vực «{field_entry.name}» đã ngừng sử dụng; hãy chọn lĩnh vực khác.")

    kind = PetitionKind.PROPOSAL
    kind_text = _cell_text(raw.get("kind"))
    if kind_text:
        kind_key = _match_key(kind_text)
        found = next((k for word, k in _KINDS.items() if kind_key == word or kind_key.startswith(word)), None)
        if found is None:
            labels = ", ".join(f"«{k.label}»" for k in PetitionKind)
            problem("kind", f"Loại «{kind_text}» không đọc được; hãy ghi một trong: {labels}.")
        else:
            kind = found

    received_on: date | None = None
    try:
        received_on = parse_date(raw.get("received"))
    except ValueError:
        problem(
            "received",
            f"Ngày nhận «{_cell_text(raw.get('received'))}» không đọc được; hãy ghi dạng 05/3/2026.",
        )

    return PreviewRow(
        sheet=sheet,
        row=row_number,
        number=number,
        petitioner_name=name,
        hamlet=hamlet,
        hamlet_id=hamlet_entry.id if hamlet_entry else None,
        hamlet_name=hamlet_entry.name if hamlet_entry else hamlet,
        organization=_cell_text(raw.get("organization")),
        phone=_phone_text(raw.get("phone")),
        address=_cell_text(raw.get("address")),
        field=field_text,
        field_id=field_entry.id if field_entry else None,
        field_name=field_entry.name if field_entry else field_text,
        kind=kind,
        content=content,
        received_on=received_on,
        fingerprint=_fingerprint(name, hamlet_entry.name if hamlet_entry else hamlet, content),
        problems=tuple(problems),
    )


# --- applying ---------------------------------------------------------------------------------------


def apply_import(
    session: Session, dialogue_id: int, preview: ImportPreview, *, add_unknown_hamlets: bool
) -> ImportResult:
    """Add the preview's good rows to the dialogue as collected opinions, in the caller's transaction.

    Rows with problems, rows repeating an earlier row, and rows already imported into this
    dialogue are skipped (and counted); rows naming a thôn not in Danh mục are imported only with
    ``add_unknown_hamlets``, which adds the thôn first.
    """
    if session.get(Dialogue, dialogue_id) is None:
        raise NotFoundError("hội nghị", dialogue_id)
    imported_before = _imported_fingerprints(session, dialogue_id)
    created: list[int] = []
    already: list[RowRef] = []
    duplicates: list[RowRef] = []
    with_problems: list[RowRef] = []
    unknown: list[RowRef] = []
    added_hamlets: dict[str, str] = {}
    new_hamlet_ids: dict[str, int] = {}
    for row in preview.rows:
        if row.problems:
            with_problems.append((row.sheet, row.row))
            continue
        if row.duplicate_of_row is not None:
            duplicates.append((row.sheet, row.row))
            continue
        if row.fingerprint in imported_before:
            already.append((row.sheet, row.row))
            continue
        if row.field_id is not None and session.get(Field, row.field_id) is None:
            with_problems.append((row.sheet, row.row))  # deleted from Danh mục since the preview
            continue
        hamlet_id = row.hamlet_id
        if hamlet_id is not None and session.get(Hamlet, hamlet_id) is None:
            hamlet_id = None
        if hamlet_id is None and row.hamlet:
            if not add_unknown_hamlets:
                unknown.append((row.sheet, row.row))
                continue
            key = _match_key(row.hamlet)
            if key not in new_hamlet_ids:  # once per thôn, not once per row naming it
                existing = catalog.find_entry(session, "hamlet", row.hamlet)
                entry = catalog.add_entry(session, "hamlet", row.hamlet)
                if existing is None:
                    added_hamlets.setdefault(entry.name, entry.name)
                new_hamlet_ids[key] = entry.id
            hamlet_id = new_hamlet_ids[key]
        petition_id = petitions.create_petition(
            session,
            petitions.PetitionInput(
                content=row.content,
                petitioner_name=row.petitioner_name,
                hamlet_id=hamlet_id,
                field_id=row.field_id,
                kind=row.kind,
                source=PetitionSource.COLLECTED,
                dialogue_id=dialogue_id,
                petitioner_phone=row.phone,
                petitioner_address=row.address,
                petitioner_org=row.organization,
                is_anonymous=not row.petitioner_name,
                received_on=row.received_on,
            ),
        )
        # Ids and the fingerprint only: the audit log holds no personal values (DOMAIN §5).
        audit.record(
            session,
            IMPORT_ACTION,
            "petition",
            petition_id,
            fingerprint=row.fingerprint,
            dialogue_id=dialogue_id,
            file_sha256=preview.file_sha256,
            sheet=row.sheet,
            row=row.row,
        )
        imported_before.add(row.fingerprint)
        created.append(petition_id)
    result = ImportResult(
        dialogue_id=dialogue_id,
        petition_ids=tuple(created),
        already_imported=tuple(already),
        duplicates_in_file=tuple(duplicates),
        with_problems=tuple(with_problems),
        unknown_hamlet=tuple(unknown),
        added_hamlets=tuple(added_hamlets),
    )
    audit.record(
        session,
        IMPORT_ACTION,
        "dialogue",
        dialogue_id,
        file_name=preview.path.name,
        file_sha256=preview.file_sha256,
        imported=result.imported,
        already_imported=len(already),
        skipped=len(duplicates) + len(with_problems) + len(unknown),
    )
    session.flush()
    return result


def import_file(
    session: Session,
    dialogue_id: int,
    path: Path | str,
    *,
    add_unknown_hamlets: bool = True,
) -> tuple[ImportPreview, ImportResult]:
    """Read and apply in one call (the command line; the screen shows the preview in between)."""
    preview = read_opinions(session, path, dialogue_id=dialogue_id)
    return preview, apply_import(session, dialogue_id, preview, add_unknown_hamlets=add_unknown_hamlets)


__all__: Sequence[str] = (
    "ImportFileError",
    "ImportPreview",
    "ImportResult",
    "PreviewRow",
    "RowProblem",
    "SheetInfo",
    "apply_import",
    "import_file",
    "parse_date",
    "read_opinions",
    "write_template",
)
