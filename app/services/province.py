"""The province's report: the Báo cáo figures of each commune side by side, with their totals.

Each commune's figures are those of :func:`app.services.reports.period_report` for that commune,
the very figures the Báo cáo screen prints (:func:`app.services.reports.commune_reports` works
them out for every commune from one read), and the totals are their sums (what the province
reports upward).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.periods import Period
from app.domain.text import short_date, sort_key
from app.services import reports
from app.services.reports import Figure
from app.services.users import Permission, require
from app.storage.models import Commune

if TYPE_CHECKING:
    from app.export.xlsx import Sheet

TOTAL_LABEL = "Tổng cộng"


@dataclass(frozen=True)
class CommuneRow:
    commune_id: int
    name: str
    figures: tuple[Figure, ...]

    def value(self, key: str) -> int:
        return next(f.value for f in self.figures if f.key == key)


@dataclass(frozen=True)
class ProvinceTable:
    """One row per commune (Vietnamese order by name) and the totals of the rows shown."""

    period: Period
    today: date
    rows: tuple[CommuneRow, ...]
    totals: tuple[Figure, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(f.label for f in self.totals)

    def total(self, key: str) -> int:
        return next(f.value for f in self.totals if f.key == key)

    @property
    def title(self) -> str:
        return f"Tổng hợp kết quả giải quyết ý kiến, kiến nghị của các xã, phường {self.period.label}"

    @property
    def as_of_text(self) -> str:
        return f"Số liệu {self.period.range_text}; tình trạng tính đến ngày {short_date(self.today)}."


def province_view(session: Session) -> bool:
    """Whether this user sees the province's report: bound to no commune, on a database of several."""
    if reports.report_scope(session) is not None:
        return False
    return int(session.scalar(select(func.count()).select_from(Commune)) or 0) > 1


def communes(session: Session) -> list[tuple[int, str]]:
    """The communes this user may report on (Vietnamese order); only their own for a commune user."""
    own = reports.report_scope(session)
    rows = session.execute(select(Commune.id, Commune.name)).all()
    found = [(int(i), str(n)) for i, n in rows if own is None or i == own]
    return sorted(found, key=lambda item: sort_key(item[1]))


def province_table(
    session: Session,
    period: Period,
    *,
    commune_ids: Sequence[int] | None = None,
    today: date | None = None,
) -> ProvinceTable:
    """The figures of ``period`` for the chosen communes (None: all of them), and their totals.

    A commune user gets only their own commune, whatever is asked.
    """
    today = today or date.today()
    wanted = None if commune_ids is None else set(commune_ids)
    chosen = [(ident, name) for ident, name in communes(session) if wanted is None or ident in wanted]
    # The Báo cáo of each commune, all of them from one read (reports.commune_reports).
    _all, each = reports.commune_reports(session, period, [ident for ident, _name in chosen], today=today)
    rows = tuple(CommuneRow(ident, name, tuple(each[ident].figures())) for ident, name in chosen)
    empty = reports.PeriodReport(period, today).figures()
    totals = tuple(Figure(f.key, f.label, sum(row.value(f.key) for row in rows)) for f in empty)
    return ProvinceTable(period, today, rows, totals)


def province_sheet(table: ProvinceTable) -> Sheet:
    """The table as one .xlsx sheet: a commune a row, a figure a column, the totals last."""
    from app.export.xlsx import Cell, Sheet, XColumn  # openpyxl and its writer: only on export

    columns = [XColumn("STT", 5), XColumn("Xã, phường", 28, wrap=True)]
    columns += [XColumn(label, 14, wrap=True) for label in table.labels]
    body: list[list[Cell]] = [
        [n, row.name, *(f.value for f in row.figures)] for n, row in enumerate(table.rows, start=1)
    ]
    body.append(["", TOTAL_LABEL, *(f.value for f in table.totals)])
    return Sheet("Tổng hợp các xã", columns, body, title=f"{table.title}. {table.as_of_text}")


def export_province_xlsx(
    session: Session,
    period: Period,
    target: Path,
    *,
    commune_ids: Sequence[int] | None = None,
    today: date | None = None,
) -> Path:
    """The province table of ``period`` to .xlsx (written to a temporary name, then renamed)."""
    require(session, Permission.EXPORT)
    from app.export.xlsx import write_workbook

    table = province_table(session, period, commune_ids=commune_ids, today=today)
    return write_workbook([province_sheet(table)], target)
