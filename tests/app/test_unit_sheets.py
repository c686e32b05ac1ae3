"""The units' round trip (.xlsx out, filled by the unit, back in), their documents, and repeated petitions."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import select

from app.domain.rules import PetitionStatus
from app.errors import ValidationError
from app.services import followup, unit_sheets
from app.services.unit_sheets import COLUMNS, FIRST_ROW, HEADER_ROW
from app.storage.database import Database
from app.storage.models import AuditEvent, Dialogue, Petition
from tests.app.doc_samples import W, docx_paragraphs, paragraph_text
from tests.app.followup_samples import TODAY, Commune, add_petition, make_commune

pytestmark = pytest.mark.pg_extended  # on PostgreSQL too with DOITHOAI_TEST_PG_ALL=1 (tests/conftest.py)

S = PetitionStatus
COL = {c.key: i for i, c in enumerate(COLUMNS, 1)}


@pytest.fixture
def commune(db: Database) -> Commune:
    with db.transaction() as s:
        return make_commune(s)


@pytest.fixture
def items(db: Database, commune: Commune) -> dict[str, int]:
    """Three open petitions of the Địa chính unit (overdue, near-due, far), one of Công an, one done."""
    with db.transaction() as s:
        ids = {
            "overdue": add_petition(s, commune, "Sửa đường liên thôn bị sụt lún", unit="dc", deadline=date(2026, 11, 10)),
            "near": add_petition(s, commune, "Cấp giấy chứng nhận quyền sử dụng đất", name="Phạm Thị Dung",
                                 hamlet="tay", field="dat", unit="dc", deadline=date(2026, 11, 25)),
            "far": add_petition(s, commune, "Nạo vét kênh tưới tiêu nội đồng", unit="dc", deadline=date(2026, 12, 31)),
            "other": add_petition(s, commune, "Trật tự bến xe", unit="ca", deadline=date(2026, 11, 1)),
            "done": add_petition(s, commune, "Đèn đường hỏng", unit="dc"),
        }  # fmt: skip
        followup.record_result(s, ids["done"], on=date(2026, 4, 1), result="Đã thay bóng đèn.")
    return ids


def _export(db: Database, commune: Commune, path: Path, unit: str = "dc") -> Path:
    with db.transaction() as s:
        return unit_sheets.export_unit_sheet(s, commune.units[unit], path, today=TODAY)


def _read(db: Database, path: Path) -> unit_sheets.ResultsPreview:
    with db.reading() as s:
        return unit_sheets.read_results(s, path)


def _rows_by_id(sheet) -> dict[int, int]:  # type: ignore[no-untyped-def]
    return {
        sheet.cell(r, COL["id"]).value: r
        for r in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(r, COL["id"]).value is not None
    }


def _reverse_rows(sheet) -> None:  # type: ignore[no-untyped-def]
    """What sorting the sheet by another column does: the same rows in another order."""
    rows = [
        [sheet.cell(r, c).value for c in range(1, len(COLUMNS) + 1)]
        for r in range(FIRST_ROW, sheet.max_row + 1)
    ]
    for r, values in enumerate(reversed(rows), FIRST_ROW):
        for c, value in enumerate(values, 1):
            sheet.cell(r, c).value = value


# --- the exported sheet ---------------------------------------------------------------------------


def test_exported_sheet_lists_the_units_open_petitions(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    (tmp_path / "out").mkdir()
    path = _export(db, commune, tmp_path / "out" / "ket-qua.xlsx")
    assert [p.name for p in path.parent.iterdir()] == ["ket-qua.xlsx"]  # no temporary file left
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    assert [sheet.cell(HEADER_ROW, c).value for c in range(1, 10)] == [
        "STT", "Hội nghị", "Người nêu", "Thôn", "Nội dung", "Thời hạn",
        "Kết quả", "Số/ngày văn bản trả lời", "Ngày hoàn thành",
    ]  # fmt: skip
    assert "CÔNG CHỨC ĐỊA CHÍNH – XÂY DỰNG" in sheet["A1"].value
    ids = _rows_by_id(sheet)
    assert list(ids) == [items["overdue"], items["near"], items["far"]]  # nearest deadline first
    first = FIRST_ROW
    assert sheet.cell(first, COL["dialogue"]).value == "Hội nghị đối thoại với Nhân dân năm 2026 (05/3/2026)"
    assert sheet.cell(first, COL["deadline"]).value.date() == date(2026, 11, 10)
    assert sheet.cell(first, COL["deadline"]).number_format == "dd/mm/yyyy"
    # Locked columns protected, the unit's three columns open, id and check hidden.
    assert sheet.protection.sheet and not sheet.protection.autoFilter and not sheet.protection.sort
    assert sheet.cell(first, COL["content"]).protection.locked
    for key in ("result", "reply", "completed"):
        assert not sheet.cell(first, COL[key]).protection.locked
    letters = {c.key: openpyxl.utils.get_column_letter(i) for c, i in zip(COLUMNS, COL.values(), strict=True)}
    assert sheet.column_dimensions[letters["id"]].hidden and sheet.column_dimensions[letters["check"]].hidden
    assert "." in sheet.cell(first, COL["check"]).value
    marker = book["doithoai"]
    assert marker.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in marker.iter_rows(values_only=True)}
    assert values["commune"] == "ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG" and values["exported_on"] == "2026-11-21"
    with db.reading() as s:
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "export"))
        assert event.details == {"unit_id": commune.units["dc"], "rows": 3}


# --- the round trip ---------------------------------------------------------------------------------


def test_round_trip_with_reordered_rows(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    path = _export(db, commune, tmp_path / "ket-qua.xlsx")
    # The unit sorts the sheet, fills two rows (one finished, one a progress report) and saves a copy.
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    _reverse_rows(sheet)
    rows = _rows_by_id(sheet)
    assert list(rows) == [items["far"], items["near"], items["overdue"]]
    done = rows[items["overdue"]]
    sheet.cell(done, COL["result"]).value = "Đã sửa xong 300 m đường, bàn giao thôn quản lý."
    sheet.cell(done, COL["reply"]).value = "Số 12/BC-ĐCXD ngày 09/4/2026"
    sheet.cell(done, COL["completed"]).value = datetime(2026, 11, 15)
    progress = rows[items["near"]]
    sheet.cell(progress, COL["result"]).value = "Đang đo đạc, hoàn thiện hồ sơ"
    sheet.cell(progress, COL["reply"]).value = "05/BC-ĐCXD"
    returned = tmp_path / "ket-qua-da-dien.xlsx"
    book.save(returned)

    with db.transaction() as s:
        preview = unit_sheets.read_results(s, returned)
        assert not s.new and not s.dirty and not s.deleted  # reading writes nothing
    assert not preview.refused and preview.warnings == ()
    assert preview.unit == "Công chức Địa chính – Xây dựng" and preview.exported_on == TODAY
    assert preview.unchanged == 1
    by_id = {r.petition_id: r for r in preview.rows}
    finished = by_id[items["overdue"]]
    assert finished.row == done and finished.conflicts == () and finished.applicable
    assert (finished.status_before, finished.status_after) == (S.IN_PROGRESS, S.RESOLVED)
    assert (finished.reply_number, finished.reply_date, finished.completed_on) == (
        "12/BC-ĐCXD", date(2026, 4, 9), date(2026, 11, 15),
    )  # fmt: skip
    assert finished.summary == "Lê Văn Cường (Thôn Đông): Sửa đường liên thôn bị sụt lún"
    interim = by_id[items["near"]]
    assert interim.status_after is S.IN_PROGRESS and interim.reply_number == "05/BC-ĐCXD"
    assert sorted(preview.applicable_rows) == sorted([done, progress])
    # Reading wrote nothing.
    with db.reading() as s:
        assert s.get(Petition, items["overdue"]).status is S.IN_PROGRESS  # type: ignore[union-attr]

    # The user confirms one row only.
    with db.transaction() as s:
        assert unit_sheets.apply_results(s, preview, [done]) == 1
    with db.reading() as s:
        detail = followup.petition_detail(s, items["overdue"], today=TODAY)
        assert detail.status is S.RESOLVED
        step = detail.history[-1]
        assert (step.on, step.reply_number, step.reply_date) == (
            date(2026, 11, 15),
            "12/BC-ĐCXD",
            date(2026, 4, 9),
        )
        assert followup.petition_detail(s, items["near"], today=TODAY).status is S.IN_PROGRESS
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "import_results"))
        assert event.details["petitions"] == [items["overdue"]]
    # The same file again: the applied row has changed since the export, the other still goes in.
    again = _read(db, returned)
    by_id = {r.petition_id: r for r in again.rows}
    assert not by_id[items["overdue"]].applicable
    assert "đã chuyển sang «đã giải quyết»" in by_id[items["overdue"]].conflicts[0]
    assert by_id[items["near"]].applicable


def test_conflicts_are_named_by_sheet_row_and_column(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    path = _export(db, commune, tmp_path / "ket-qua.xlsx")
    # In the program, meanwhile: the far item's deadline is extended.
    with db.transaction() as s:
        followup.extend_deadline(s, items["far"], deadline=date(2027, 1, 31), reason="Chờ kinh phí")
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    rows = _rows_by_id(sheet)
    far, near, overdue = rows[items["far"]], rows[items["near"]], rows[items["overdue"]]
    sheet.cell(far, COL["result"]).value = "Đã nạo vét"
    sheet.cell(far, COL["completed"]).value = "20/11/2026"
    sheet.cell(near, COL["content"]).value = "Cấp giấy chứng nhận (đã sửa nội dung)"  # a locked column
    sheet.cell(near, COL["result"]).value = "Đã cấp"
    sheet.cell(near, COL["completed"]).value = "20/11/2026"
    sheet.cell(overdue, COL["result"]).value = "Đã sửa"
    sheet.cell(overdue, COL["completed"]).value = "01/3/2026"  # before the meeting
    sheet.cell(sheet.max_row + 1, COL["result"]).value = "Dòng thêm vào không có mã"
    sheet.cell(sheet.max_row, COL["content"]).value = "Một nội dung không có trong danh sách"
    returned = tmp_path / "tra-ve.xlsx"
    book.save(returned)

    preview = _read(db, returned)
    by_row = {r.row: r for r in preview.rows}
    assert by_row[far].conflicts == (
        f"Trang «Kết quả», dòng {far}: ý kiến số {items['far']} đã có cập nhật mới (kết quả, gia hạn hoặc sửa "
        "nội dung) trong chương trình sau khi xuất tệp ngày 21/11/2026; dòng này không được nhập, hãy kiểm tra và "
        "ghi kết quả trực tiếp.",
    )
    assert (
        by_row[near]
        .conflicts[0]
        .startswith(f"Trang «Kết quả», dòng {near}, cột «Nội dung»: cột khóa đã bị sửa")
    )
    assert by_row[overdue].conflicts == (
        f"Trang «Kết quả», dòng {overdue}, cột «Ngày hoàn thành»: Ngày hoàn thành (01/3/2026) trước ngày hội nghị "
        "(05/3/2026).",
    )
    extra = by_row[sheet.max_row]
    assert extra.petition_id is None and "không xác định được ý kiến" in extra.conflicts[0]
    assert preview.applicable_rows == ()
    with db.transaction() as s, pytest.raises(ValidationError) as exc:
        unit_sheets.apply_results(s, preview, [far, near])
    assert set(exc.value.problems) == {f"dòng {far}", f"dòng {near}"}
    with db.reading() as s:
        assert s.get(Petition, items["near"]).status is S.IN_PROGRESS  # type: ignore[union-attr]


def test_a_file_from_another_commune_is_refused(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    other = Database.open(tmp_path / "other.sqlite", create=True)
    try:
        with other.transaction() as s:
            c2 = make_commune(s, name="ỦY BAN NHÂN DÂN\nXÃ TÂN HỘI", place="Tân Hội")
            foreign_id = add_petition(
                s, c2, "Sửa đường liên thôn bị sụt lún", unit="dc", deadline=date(2026, 12, 1)
            )
        with other.transaction() as s:
            foreign = unit_sheets.export_unit_sheet(s, c2.units["dc"], tmp_path / "tan-hoi.xlsx", today=TODAY)
    finally:
        other.close()
    book = openpyxl.load_workbook(foreign)
    row = _rows_by_id(book["Kết quả"])[foreign_id]
    book["Kết quả"].cell(row, COL["result"]).value = "Đã sửa"
    book.save(foreign)
    # Our database has exported before, so it has its own id.
    _export(db, commune, tmp_path / "ours.xlsx")
    preview = _read(db, foreign)
    assert preview.refused and preview.applicable_rows == ()
    assert preview.problems == (
        "Tệp «tan-hoi.xlsx» được xuất của ỦY BAN NHÂN DÂN XÃ TÂN HỘI cho Công chức Địa chính – Xây dựng ngày "
        "21/11/2026, không phải từ dữ liệu đang mở. Không nhập tệp này; hãy nhập vào đúng dữ liệu đã xuất tệp.",
    )
    with db.transaction() as s, pytest.raises(ValidationError):
        unit_sheets.apply_results(s, preview, [row])


def test_an_older_export_is_reconciled_row_by_row(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    old = _export(db, commune, tmp_path / "lan-1.xlsx")
    with db.transaction() as s:
        followup.record_result(s, items["near"], on=date(2026, 11, 18), result="Đã cấp giấy.")
    _export(db, commune, tmp_path / "lan-2.xlsx")
    book = openpyxl.load_workbook(old)
    sheet = book["Kết quả"]
    rows = _rows_by_id(sheet)
    for key in ("near", "far"):
        sheet.cell(rows[items[key]], COL["result"]).value = "Đã xong"
        sheet.cell(rows[items[key]], COL["completed"]).value = datetime(2026, 11, 19)
    book.save(old)
    preview = _read(db, old)
    assert not preview.refused
    assert preview.warnings[0].startswith(
        "Tệp «lan-1.xlsx» là bản xuất ngày 21/11/2026; đã có bản xuất mới hơn"
    )
    by_id = {r.petition_id: r for r in preview.rows}
    assert not by_id[items["near"]].applicable  # resolved in the program since
    assert by_id[items["far"]].applicable
    with db.transaction() as s:
        assert unit_sheets.apply_results(s, preview, preview.applicable_rows) == 1


def test_a_retyped_sheet_without_hidden_columns_matches_by_content(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    path = _export(db, commune, tmp_path / "ket-qua.xlsx")
    source = openpyxl.load_workbook(path)["Kết quả"]
    # The unit copied the visible columns into a new workbook of its own.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for r in range(HEADER_ROW, source.max_row + 1):
        for c in range(1, COL["completed"] + 1):
            sheet.cell(r - HEADER_ROW + 2, c).value = source.cell(r, c).value
    target = next(
        r for r in range(3, sheet.max_row + 1) if sheet.cell(r, COL["content"]).value.startswith("Nạo vét")
    )
    sheet.cell(target, COL["result"]).value = "Đã nạo vét 2 km kênh"
    sheet.cell(target, COL["completed"]).value = "2026-11-20"
    retyped = tmp_path / "go-lai.xlsx"
    book.save(retyped)
    preview = _read(db, retyped)
    assert not preview.refused and preview.unit == "Công chức Địa chính – Xây dựng"
    [row] = preview.rows
    assert row.petition_id == items["far"] and row.applicable and row.completed_on == date(2026, 11, 20)
    assert any("khớp theo nội dung" in w for w in row.warnings)


@pytest.mark.parametrize(
    ("name", "content"),
    [("ghi-chu.xlsx", b"not a zip at all"), ("bang.csv", b"STT;Noi dung\n1;x\n")],
)
def test_files_that_are_not_results_sheets(db: Database, tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with db.reading() as s, pytest.raises(ValidationError) as exc:
        unit_sheets.read_results(s, path)
    assert "file" in exc.value.problems and name in exc.value.problems["file"]


def test_a_sheet_without_a_header_is_refused(db: Database, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "Danh sách"
    path = tmp_path / "trong.xlsx"
    book.save(path)
    with db.reading() as s, pytest.raises(ValidationError) as exc:
        unit_sheets.read_results(s, path)
    assert "Không tìm thấy dòng tiêu đề" in exc.value.problems["file"]


# --- the unit's documents -------------------------------------------------------------------------


def _nd30_structure(path: Path) -> list[str]:
    """The Nghị định 30 checks every exported document passes; returns the paragraphs."""
    document = docx.Document(str(path))
    section = document.sections[0]
    mm = 36000
    assert round(section.page_width / mm) == 210 and round(section.page_height / mm) == 297
    assert [
        round(x / mm)
        for x in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [20, 20, 30, 15]
    for style in document.styles.element.findall(f"{W}style"):
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert all(
            fonts.get(f"{W}{slot}") == "Times New Roman" for slot in ("ascii", "hAnsi", "cs", "eastAsia")
        )
    assert section.different_first_page_header_footer  # no page number on page 1
    header = document.tables[0]
    assert len(header.columns) == 2
    assert {b.get(f"{W}val") for b in header._tbl.find(f"{W}tblPr/{W}tblBorders")} == {"nil"}
    texts = [" ".join(t.split()) for t in docx_paragraphs(path)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert "Lương Phong, ngày tháng năm 2026" in texts  # dated by the văn thư when signed
    closing = next(i for i, t in enumerate(texts) if t.endswith("./."))
    assert texts[closing + 1] == "Nơi nhận:"
    assert texts[closing + 2 : closing + 5] == [
        "- Như trên;", "- Chủ tịch, các Phó Chủ tịch UBND xã Lương Phong;", "- Lưu: VT, VP.",
    ]  # fmt: skip
    assert "TM. ỦY BAN NHÂN DÂN" in texts and "CHỦ TỊCH" in texts and "Nguyễn Văn Luận" in texts
    for p in document.element.body.iter(f"{W}p"):
        if paragraph_text(p) == "Nguyễn Văn Luận":
            assert p.find(f"{W}r/{W}rPr/{W}b") is not None
    return texts


def test_assignment_slip_follows_the_decree(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    with db.reading() as s:
        path = unit_sheets.export_assignment_slip(
            s, commune.units["dc"], tmp_path / "phieu.docx", today=TODAY
        )
    texts = _nd30_structure(path)
    assert "Số: /PGV-UBND" in texts
    assert "PHIẾU GIAO VIỆC" in texts
    assert "Giải quyết ý kiến, kiến nghị của Nhân dân tại Hội nghị đối thoại" in texts
    assert "Kính gửi: Công chức Địa chính – Xây dựng" in texts
    assert any("giao Công chức Địa chính – Xây dựng chủ trì giải quyết 3 ý kiến" in t for t in texts)
    table = docx.Document(str(path)).tables[1]
    assert [c.text for c in table.rows[0].cells] == [
        "STT", "Người nêu, thôn; hội nghị", "Nội dung ý kiến, kiến nghị", "Nhiệm vụ; đơn vị phối hợp", "Thời hạn",
    ]  # fmt: skip
    assert len(table.rows) == 4
    assert table.rows[1].cells[1].text.startswith("Ông Lê Văn Cường (thôn Đông)")
    assert table.rows[1].cells[3].text == "Kiểm tra, xử lý" and table.rows[1].cells[4].text == "10/11/2026"
    with db.reading() as s, pytest.raises(ValidationError):
        unit_sheets.export_assignment_slip(s, commune.units["vp"], tmp_path / "vp.docx", today=TODAY)


def test_reminder_letter_and_its_record(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    with db.reading() as s:
        assert [(u.unit, u.overdue, u.near_due) for u in unit_sheets.reminder_units(s, today=TODAY)] == [
            ("Công chức Địa chính – Xây dựng", 1, 1), ("Công an xã", 1, 0),
        ]  # fmt: skip
        path = unit_sheets.export_reminder_letter(
            s, commune.units["dc"], tmp_path / "don-doc.docx", today=TODAY
        )
    texts = _nd30_structure(path)
    assert "Số: /UBND-VP" in texts
    assert "V/v đôn đốc giải quyết kiến nghị của Nhân dân sau Hội nghị đối thoại" in " ".join(texts)
    assert not any(t in ("CÔNG VĂN", "PHIẾU GIAO VIỆC") for t in texts)  # a công văn has no tên loại
    assert "Kính gửi: Công chức Địa chính – Xây dựng" in texts
    assert any(
        "còn 2 nội dung chưa có kết quả giải quyết (1 nội dung đã quá hạn và 1 nội dung sắp đến hạn)" in t
        for t in texts
    )
    assert any("trước ngày 26 tháng 11 năm 2026" in t for t in texts)
    table = docx.Document(str(path)).tables[1]
    assert [r.cells[4].text for r in table.rows[1:]] == ["Quá hạn 11 ngày", "Còn 4 ngày"]
    assert [r.cells[3].text for r in table.rows[1:]] == ["10/11/2026", "25/11/2026"]
    # The subject stands under the số, in the header's left column, at 12 pt and not bold.
    left = docx.Document(str(path)).tables[0].rows[1].cells[0]
    assert [p.text for p in left.paragraphs][1].startswith("V/v đôn đốc")
    run = left.paragraphs[1].runs[0]
    assert run.font.size.pt == 12 and not run.font.bold
    with db.transaction() as s:
        letter, noted = unit_sheets.send_reminder(s, commune.units["dc"], tmp_path / "gui.docx", today=TODAY)
        assert letter.exists() and noted == 2
    with db.reading() as s:
        for key, phrase in (("overdue", "quá hạn 11 ngày"), ("near", "còn 4 ngày")):
            step = followup.petition_detail(s, items[key], today=TODAY).history[-1]
            assert (step.kind, step.on) == ("reminder", TODAY)
            assert step.text == f"Đã gửi công văn đôn đốc Công chức Địa chính – Xây dựng ({phrase})."
        assert followup.petition_detail(s, items["far"], today=TODAY).history == ()
    with db.reading() as s, pytest.raises(ValidationError):
        unit_sheets.export_reminder_letter(s, commune.units["vp"], tmp_path / "vp.docx", today=TODAY)


# --- petitions raised again ------------------------------------------------------------------------


def test_repeated_petitions_across_dialogues_and_years(db: Database, commune: Commune) -> None:
    with db.transaction() as s:
        org_id = commune.org_id
        earlier = Dialogue(
            organization_id=org_id, title="Hội nghị đối thoại năm 2024", scheduled_at=datetime(2024, 6, 10, 8)
        )
        last_year = Dialogue(
            organization_id=org_id, title="Hội nghị đối thoại năm 2025", scheduled_at=datetime(2025, 6, 12, 8)
        )
        s.add_all([earlier, last_year])
        s.flush()
        a = add_petition(
            s,
            commune,
            "Đề nghị sửa chữa tuyến đường liên thôn Đông bị sụt lún, ngập nước",
            dialogue_id=earlier.id,
        )
        b = add_petition(
            s,
            commune,
            "Tuyến đường liên thôn Đông vẫn sụt lún, ngập nước khi mưa",
            name="Phạm Văn Em",
            dialogue_id=last_year.id,
        )
        c = add_petition(s, commune, "Đường liên thôn Đông sụt lún chưa được sửa chữa", unit="dc")
        # Similar words, but another thôn and another field: not the same matter.
        add_petition(
            s,
            commune,
            "Đường liên thôn Tây sụt lún ngập nước",
            hamlet="tay",
            field="dat",
            dialogue_id=last_year.id,
        )
        # The same matter twice in one dialogue is a duplicate, not a repetition.
        d = add_petition(
            s, commune, "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình", field="dat"
        )
        add_petition(s, commune, "Cấp giấy chứng nhận quyền sử dụng đất hộ gia đình", field="dat")
        # Resolved long ago and raised once more the next year.
        e = add_petition(
            s,
            commune,
            "Lắp đặt đèn chiếu sáng công cộng trục đường chính thôn Tây",
            hamlet="tay",
            unit="vp",
            dialogue_id=earlier.id,
        )
        followup.record_result(s, e, on=date(2024, 9, 1), result="Đã lắp 10 bóng đèn.")
        f = add_petition(
            s,
            commune,
            "Đèn chiếu sáng công cộng trục đường chính thôn Tây bị hỏng",
            hamlet="tay",
            unit="vp",
            dialogue_id=last_year.id,
        )
        followup.record_result(s, f, on=date(2025, 7, 1), result="Đã thay bóng.")
        # Long closed, both times more than two years ago: not what the chair needs to see now.
        old_one = Dialogue(organization_id=org_id, title="Năm 2021", scheduled_at=datetime(2021, 6, 1, 8))
        old_two = Dialogue(organization_id=org_id, title="Năm 2022", scheduled_at=datetime(2022, 6, 1, 8))
        s.add_all([old_one, old_two])
        s.flush()
        for dialogue in (old_one, old_two):
            done = add_petition(
                s,
                commune,
                "Hỗ trợ giống lúa vụ xuân cho hộ nghèo thôn Đông",
                dialogue_id=dialogue.id,
                answered=True,
            )
            assert s.get(Petition, done).status is S.ANSWERED  # type: ignore[union-attr]
    with db.reading() as s:
        groups = unit_sheets.repeated_petitions(s, today=TODAY)
    assert [[i.id for i in g.items] for g in groups] == [[a, b, c], [e, f]]
    road, lamp = groups
    assert road.still_open and road.dialogues == 3 and road.first_raised == date(2024, 6, 10)
    assert road.open_days == (TODAY - date(2024, 6, 10)).days and road.open_text == "2 năm 5 tháng"
    assert road.hamlet == "Thôn Đông" and road.summary == "Đường liên thôn Đông sụt lún chưa được sửa chữa"
    assert not lamp.still_open and lamp.open_days == (date(2025, 7, 1) - date(2024, 6, 10)).days
    assert d not in {i.id for g in groups for i in g.items}
    with db.reading() as s:
        assert unit_sheets.repeated_petitions(s, today=TODAY, min_count=3) == [road]


def test_addressee_of_several_recipients(tmp_path: Path) -> None:
    from app.export.blocks import Addressee, DocumentBlocks, Header, Paragraph
    from app.export.layout import render

    blocks = [
        Header(
            "ỦY BAN NHÂN DÂN\nXÃ LƯƠNG PHONG",
            "UBND-VP",
            "Lương Phong",
            None,
            None,
            2026,
            subject="V/v đôn đốc",
        ),
        Addressee(["Công an xã", "- Công chức Địa chính – Xây dựng;"]),
        Paragraph("Nội dung."),
    ]
    texts = docx_paragraphs(render(DocumentBlocks("Thử", blocks), tmp_path / "cv.docx"))
    start = texts.index("Kính gửi:")
    assert texts[start + 1 : start + 3] == ["- Công an xã;", "- Công chức Địa chính – Xây dựng."]


def test_cell_values_a_unit_may_type() -> None:
    as_date, split = unit_sheets._as_date, unit_sheets._split_reply
    assert as_date("20/11/2026") == as_date("20.11.2026") == as_date("2026-11-20") == date(2026, 11, 20)
    assert as_date("ngày 5/3/2026") == date(2026, 3, 5) and as_date(datetime(2026, 3, 5, 0, 0)) == date(
        2026, 3, 5
    )
    assert as_date(46346) == date(2026, 11, 20)  # a date typed into a number cell
    assert as_date(None) is None and as_date("  ") is None
    with pytest.raises(ValueError):
        as_date("tháng 11")
    assert split("Số 12/BC-ĐCXD ngày 09/4/2026") == ("12/BC-ĐCXD", date(2026, 4, 9))
    assert split("12/BC-ĐCXD, 09/04/2026") == ("12/BC-ĐCXD", date(2026, 4, 9))
    assert split("05/BC-ĐCXD") == ("05/BC-ĐCXD", None)
    assert split(datetime(2026, 4, 9)) == ("", date(2026, 4, 9))
    assert split(None) == ("", None)


def test_unit_file_names(db: Database, commune: Commune) -> None:
    with db.reading() as s:
        assert (
            unit_sheets.unit_file_name(s, commune.units["ca"], "sheet", today=TODAY)
            == "ket-qua-cong-an-xa-2026-11-21.xlsx"
        )
        assert (
            unit_sheets.unit_file_name(s, commune.units["ca"], "reminder", today=TODAY)
            == "CV-don-doc-cong-an-xa-2026-11-21.docx"
        )


def test_a_sheet_with_a_wrong_size_in_its_header_is_read_whole(
    db: Database, commune: Commune, items: dict[str, int], tmp_path: Path
) -> None:
    """Some programs save a sheet claiming to hold only A1; every filled row is still read."""
    import re
    import zipfile

    path = _export(db, commune, tmp_path / "ket-qua.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Kết quả"]
    rows = _rows_by_id(sheet)
    last = rows[items["far"]]  # the last row of the sheet
    sheet.cell(last, COL["result"]).value = "Đã nạo vét xong"
    sheet.cell(last, COL["completed"]).value = "15/11/2026"
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    returned = tmp_path / "wrong-size.xlsx"
    with zipfile.ZipFile(filled) as source, zipfile.ZipFile(returned, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data, changed = re.subn(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
                assert changed == 1
            out.writestr(entry, data)
    preview = _read(db, returned)
    assert [(r.petition_id, r.row, r.applicable) for r in preview.rows] == [(items["far"], last, True)]
