"""The units' round trip and the import of collected opinions, through the screens."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
from pytestqt.qtbot import QtBot

from app.domain.rules import PetitionStatus
from app.services import catalog, opinion_import, petitions
from app.storage.models import Dialogue, Petition, Unit
from tests.app.followup_samples import add_petition, make_commune
from ui.context import AppContext
from ui.views.sheets import FileAsk, OpinionImporter, UnitRoundTrip

TIMEOUT = 10000


def test_phieu_giao_viec_out_and_the_units_results_back_in(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    with context.db.transaction() as session:
        commune = make_commune(session)
        first = add_petition(
            session, commune, "Sửa đường liên thôn bị sụt lún", unit="dc", deadline=date(2026, 4, 15)
        )
        second = add_petition(session, commune, "Nạo vét mương tiêu", unit="dc", deadline=date(2026, 5, 1))
        unit_id = commune.units["dc"]
    confirmed: list[list[int]] = []

    def confirm(dialog):  # type: ignore[no-untyped-def]
        # The secretary reads the preview: both rows ticked, nothing in red; she keeps them.
        confirmed.append(dialog.chosen())
        return True

    ask = FileAsk(
        save=lambda _p, _t, name, _k: tmp_path / name,
        open=lambda _p, _t, _k: tmp_path / "tra-ve.xlsx",
        confirm=confirm,
    )
    trip = UnitRoundTrip(context, _parent(qtbot), ask)
    with qtbot.waitSignal(trip.done, timeout=TIMEOUT) as exported:
        trip.export_unit(unit_id)
    docx = next(tmp_path.glob("*.docx"))
    xlsx = next(tmp_path.glob("*.xlsx"))
    assert xlsx.exists() and docx.stat().st_size > 0
    assert xlsx.name in exported.args[0]

    # The unit fills the sheet (after sorting it the other way round) and sends it back.
    book = openpyxl.load_workbook(xlsx)
    sheet = book["Kết quả"]
    header_row, columns = _header(sheet)
    rows = [r for r in range(header_row + 1, sheet.max_row + 1) if sheet.cell(r, columns["Nội dung"]).value]
    for row in rows:
        content = str(sheet.cell(row, columns["Nội dung"]).value)
        if content.startswith("Sửa đường"):
            sheet.cell(row, columns["Kết quả"]).value = "Đã sửa xong 300 m đường"
            sheet.cell(row, columns["Ngày hoàn thành"]).value = datetime(2026, 11, 15)
    book.save(tmp_path / "tra-ve.xlsx")

    with qtbot.waitSignal(trip.done, timeout=TIMEOUT) as applied:
        trip.import_results()
    assert len(confirmed) == 1 and len(confirmed[0]) == 1
    assert "1 ý kiến" in applied.args[0]
    with context.db.reading() as session:
        assert session.get(Petition, first).status == PetitionStatus.RESOLVED  # type: ignore[union-attr]
        assert session.get(Petition, second).status == PetitionStatus.IN_PROGRESS  # type: ignore[union-attr]
        assert session.get(Unit, unit_id) is not None


def test_collected_opinions_imported_into_a_dialogue_after_a_preview(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    with context.db.transaction() as session:
        commune = make_commune(session)
        dialogue_id = commune.dialogue_id
        session.get(Dialogue, dialogue_id).started_at = None  # type: ignore[union-attr]
        opinion_import.write_template(tmp_path / "mau.xlsx", session)
        fields = [e.name for e in catalog.list_entries(session, "field")]
    book = openpyxl.load_workbook(tmp_path / "mau.xlsx")
    sheet = book["Ý kiến"]
    sheet.append(
        [
            1,
            "Nguyễn Thị Hoa",
            "Thôn Đông",
            "",
            "",
            fields[0],
            "kiến nghị",
            "Cấp giấy chứng nhận đất",
            "05/3/2026",
        ]
    )
    sheet.append([2, "Lò Văn Pó", "Bản Mới", "", "", fields[0], "kiến nghị", "Làm đường vào bản", ""])
    book.save(tmp_path / "mttq.xlsx")
    previews = []

    def confirm(dialog):  # type: ignore[no-untyped-def]
        previews.append((dialog.table.rowCount(), not dialog.extra.isHidden(), len(dialog.chosen())))
        return True

    importer = OpinionImporter(
        context, _parent(qtbot), FileAsk(open=lambda *_a: tmp_path / "mttq.xlsx", confirm=confirm)
    )
    with qtbot.waitSignal(importer.done, timeout=TIMEOUT):
        importer.start(dialogue_id)
    assert previews == [(2, True, 2)]  # two rows, one new thôn offered to Danh mục, both ticked
    with context.db.reading() as session:
        found = petitions.list_petitions(session, petitions.PetitionFilter(dialogue_id=dialogue_id))
        assert sorted(r.petitioner for r in found) == ["Lò Văn Pó", "Nguyễn Thị Hoa"]
        assert "Bản Mới" in [e.name for e in catalog.list_entries(session, "hamlet")]
    # The same file again adds nothing and says so.
    with qtbot.waitSignal(importer.done, timeout=TIMEOUT) as again:
        importer.start(dialogue_id)
    assert "không" in again.args[0].lower() or "đã" in again.args[0].lower()
    with context.db.reading() as session:
        assert len(petitions.list_petitions(session, petitions.PetitionFilter(dialogue_id=dialogue_id))) == 2


def _parent(qtbot: QtBot):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _header(sheet):  # type: ignore[no-untyped-def]
    for row in range(1, 10):
        values = {str(sheet.cell(row, c).value or "").strip(): c for c in range(1, sheet.max_column + 1)}
        if "Nội dung" in values and "Kết quả" in values:
            return row, values
    raise AssertionError("no header row")
