"""The province's figures: each commune's, worked out from one read, are its own Báo cáo's.

Runs on SQLite and, with DOITHOAI_TEST_PG_URL, on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import select

from app.services import province, reports
from app.storage.database import Database
from app.storage.models import Commune
from tests.app.test_communes import _second_commune
from tests.conftest import TODAY

pytestmark = pytest.mark.pg


def test_each_communes_figures_from_the_one_read_are_its_own_bao_caos(demo_db: Database) -> None:
    hoa_binh, _org = _second_commune(demo_db)
    with demo_db.reading() as session:
        period = reports.period_from_code(session, "2026")
        ids = list(session.scalars(select(Commune.id).order_by(Commune.id)))
        total, each = reports.commune_reports(session, period, ids, today=TODAY)
        alone = {
            ident: reports.period_report(session, period, today=TODAY, commune_id=ident) for ident in ids
        }
        everything = reports.period_report(session, period, today=TODAY)
        table = province.province_table(session, period, today=TODAY)
    assert len(ids) == 2 and each[hoa_binh].raised == 2
    for ident in ids:  # every figure, table and series the screen, .docx and .xlsx print
        assert asdict(each[ident]) == asdict(alone[ident])
    assert asdict(total) == asdict(everything)
    assert {row.commune_id: row.figures for row in table.rows} == {
        ident: tuple(report.figures()) for ident, report in alone.items()
    }
