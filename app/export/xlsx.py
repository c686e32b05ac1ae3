"""Lists to .xlsx: frozen header, column widths, Vietnamese dates, autofilter, one sheet per view.

A sheet is plain data (:class:`Sheet`); :func:`write_workbook` lays every sheet out the same way
and writes to a temporary name in the target folder, then renames (never a half-written file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.domain.text import word_safe
from app.export.layout import save_atomic

DATE_FORMAT = "dd/mm/yyyy"  # Vietnamese day-first dates; Excel keeps them real dates
HEADER_FILL = "DCE6F1"
SHEET_NAME_LIMIT = 31  # Excel's limit

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class XColumn:
    title: str
    width: float  # characters
    wrap: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: Sequence[XColumn]
    rows: Sequence[Sequence[Cell]]
    title: str = ""  # an optional heading line above the table (the header then sits on row 3)


def _fill_sheet(ws: object, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    first = 1
    if sheet.title:
        ws.cell(row=1, column=1, value=word_safe(sheet.title)).font = Font(bold=True, size=13)  # type: ignore[attr-defined]
        first = 3
    for col, column in enumerate(sheet.columns, 1):
        cell = ws.cell(row=first, column=col, value=word_safe(column.title))  # type: ignore[attr-defined]
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = column.width  # type: ignore[attr-defined]
    for r, row in enumerate(sheet.rows, first + 1):
        for col, value in enumerate(row, 1):
            if isinstance(value, datetime):
                value = value.date()
            elif isinstance(value, str):
                # Excel refuses the controls Word pastes (\x0b, \x0c): line breaks, as in the .docx.
                value = word_safe(value)
            cell = ws.cell(row=r, column=col, value=value)  # type: ignore[attr-defined]
            cell.border = border
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
                cell.alignment = Alignment(horizontal="center", vertical="top")
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=sheet.columns[col - 1].wrap)
    last_col = get_column_letter(max(len(sheet.columns), 1))
    ws.freeze_panes = f"A{first + 1}"  # type: ignore[attr-defined]
    ws.auto_filter.ref = f"A{first}:{last_col}{first + max(len(sheet.rows), 1)}"  # type: ignore[attr-defined]
    ws.print_title_rows = f"{first}:{first}"  # type: ignore[attr-defined]
    ws.page_setup.orientation = "landscape"  # type: ignore[attr-defined]
    ws.page_setup.fitToWidth = 1  # type: ignore[attr-defined]
    ws.page_setup.fitToHeight = 0  # type: ignore[attr-defined]
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[attr-defined]


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: 31 characters, no ``[]:*?/\\``, unique in the workbook."""
    clean = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip() or "Trang"
    base = clean[:SHEET_NAME_LIMIT]
    n = 2
    while base in taken:
        suffix = f" ({n})"
        base = clean[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    taken.add(base)
    return base


def write_workbook(sheets: Sequence[Sheet], target: Path) -> Path:
    """One worksheet per view in ``target`` (.xlsx), atomically."""
    from openpyxl import Workbook

    target = Path(target)
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for sheet in sheets:
        _fill_sheet(workbook.create_sheet(sheet_name(sheet.name, taken)), sheet)
    if not sheets:
        workbook.create_sheet("Trang 1")
    return save_atomic(workbook, target, opened_in="Excel")
