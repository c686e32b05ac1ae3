"""Nhập ý kiến thu thập trước hội nghị từ Excel: the template, the usual variants, bad files, twice."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import to_excel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.rules import DialogueState, PetitionKind, PetitionSource
from app.services import catalog, petitions
from app.services.opinion_import import (
    COLUMNS,
    ImportFileError,
    apply_import,
    import_file,
    parse_date,
    read_opinions,
    write_template,
)
from app.storage.database import Database
from app.storage.models import AuditEvent, Dialogue, Hamlet, Petition

pytestmark = pytest.mark.pg_extended  # on PostgreSQL too with DOITHOAI_TEST_PG_ALL=1 (tests/conftest.py)

HEADERS = list(COLUMNS.values())


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def planned_dialogue(session: Session) -> int:
    dialogue_id = session.scalar(
        select(Dialogue.id).where(Dialogue.state == DialogueState.PLANNED).order_by(Dialogue.id.desc())
    )
    assert dialogue_id is not None
    return dialogue_id


def make_book(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    title: str = "Ý kiến",
    merges: Sequence[str] = (),
) -> Path:
    """A workbook with ``rows`` from A1, as an office would type it; ``merges`` like "A1:I1"."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=row_number, column=column, value=value)
    for merge in merges:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def collected(session: Session, dialogue_id: int) -> list[Petition]:
    return list(
        session.scalars(
            select(Petition)
            .where(Petition.dialogue_id == dialogue_id, Petition.source == PetitionSource.COLLECTED)
            .order_by(Petition.id)
        )
    )


ROW_AN = [1, "Nguyễn Văn An", "Thôn Đông", "MTTQ xã", "0912345678", "Đất đai", "kiến nghị",
          "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ xóm Bến.", "05/3/2026"]  # fmt: skip
ROW_BINH = [2, "Trần Thị Bình", "Thôn Đoài", "Hội Phụ nữ", "", "Giao thông – thủy lợi", "phản ánh",
            "Mương tiêu nước thôn Đoài bị lấp, mưa to là ngập ruộng.", "06/3/2026"]  # fmt: skip


# --- the template --------------------------------------------------------------------------------


def test_template_round_trip(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.reading() as session:
        target = write_template(tmp_path / "mau-y-kien.xlsx", session)
        hamlet_names = [e.name for e in catalog.list_entries(session, "hamlet")]
        field_names = [e.name for e in catalog.list_entries(session, "field")]
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # renamed into place
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Ý kiến", "Danh mục"]
    sheet = book["Ý kiến"]
    assert "Ý KIẾN, KIẾN NGHỊ" in str(sheet["A1"].value)
    assert [cell.value for cell in sheet[2]] == HEADERS
    assert sheet.max_row == 2  # nothing below the header: the office types from row 3
    lists = book["Danh mục"]
    assert [lists.cell(row=i + 2, column=1).value for i in range(len(field_names))] == field_names
    assert [lists.cell(row=i + 2, column=2).value for i in range(len(hamlet_names))] == hamlet_names
    validated = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any("Danh mục" in formula and "$A$2" in formula for formula in validated.values())

    for row_number, row in ((3, ROW_AN), (4, ROW_BINH)):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=row_number, column=column, value=value)
    book.save(target)

    with demo_db.transaction() as session:
        dialogue_id = planned_dialogue(session)
        before = len(collected(session, dialogue_id))
        preview = read_opinions(session, target, dialogue_id=dialogue_id)
        assert (preview.sheet, preview.header_row, len(preview.rows)) == ("Ý kiến", 2, 2)
        assert preview.problems == []
        first = preview.rows[0]
        assert (first.row, first.number, first.petitioner_name) == (3, "1", "Nguyễn Văn An")
        assert first.hamlet_id is not None and not first.hamlet_is_new
        assert first.field_name == "Đất đai" and first.kind is PetitionKind.PROPOSAL
        assert first.received_on == date(2026, 3, 5)
        assert preview.rows[1].kind is PetitionKind.REPORT
        result = apply_import(session, dialogue_id, preview, add_unknown_hamlets=False)
        assert result.imported == 2 and result.added_hamlets == ()
        rows = collected(session, dialogue_id)
        assert len(rows) == before + 2
        an = rows[-2]
        assert an.petitioner_phone == "0912345678" and an.petitioner_org == "MTTQ xã"
        assert an.hamlet is not None and an.hamlet.name == "Thôn Đông"
        assert not an.raised_at_meeting
        # Made by the same service as every petition: the accent-free search finds it.
        found = petitions.list_petitions(
            session, petitions.PetitionFilter(query="nguyen van an giay chung nhan", dialogue_id=dialogue_id)
        )
        assert [row.id for row in found] == [an.id]
        audits = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import", AuditEvent.entity == "petition")
        ).all()
        assert {a.entity_id for a in audits} == {rows[-2].id, rows[-1].id}
        assert all("Nguyễn" not in str(a.details) for a in audits)  # ids, not personal data


def test_template_without_a_database_lists_the_default_fields(tmp_path: Path) -> None:
    target = write_template(tmp_path / "sub" / "mau.xlsx")
    lists = openpyxl.load_workbook(target)["Danh mục"]
    assert lists["A2"].value == "Đất đai"
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["mau.xlsx"]


# --- the usual variants (malformed files made here with openpyxl) -------------------------------


def test_header_on_row_4_under_merged_title_rows(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "mttq.xlsx",
        [
            ["ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM XÃ LƯƠNG PHONG"],
            ["TỔNG HỢP Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI TRƯỚC HỘI NGHỊ ĐỐI THOẠI"],
            [],
            HEADERS,
            ROW_AN,
            ROW_BINH,
        ],
        merges=["A1:I1", "A2:I2"],
    )
    with demo_db.reading() as session:
        preview = read_opinions(session, path)
    assert preview.header_row == 4
    assert [row.row for row in preview.rows] == [5, 6]
    assert preview.problems == []


def test_columns_in_another_order_and_headers_without_tones(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "thon.xlsx",
        [
            ["NOI DUNG Y KIEN", "Ngay nhan", "Linh vuc", "Ho ten", "THON", "Ghi chu", "SDT"],
            [
                "Xin hỗ trợ sửa nhà văn hóa thôn.",
                "07/3/2026",
                "van hoa",
                "Lê Văn Cường",
                "thon dong",
                "x",
                "",
            ],
        ],
    )
    with demo_db.reading() as session:
        preview = read_opinions(session, path)
    assert set(preview.columns) == {"content", "received", "field", "name", "hamlet", "phone"}
    assert preview.columns["content"] == "A" and preview.columns["name"] == "D"
    assert preview.ignored_headers == ("Ghi chu",)
    row = preview.rows[0]
    assert (row.petitioner_name, row.hamlet_name, row.field_name) == ("Lê Văn Cường", "Thôn Đông", "Văn hóa")
    assert row.received_on == date(2026, 3, 7)
    assert row.problems == ()


def test_other_header_wordings(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "khac.xlsx",
        [
            [
                "Số TT",
                "Người nêu ý kiến",
                "Tổ dân phố",
                "Đoàn thể",
                "Điện thoại",
                "Nhóm lĩnh vực",
                "Phân loại",
                "Ý kiến, kiến nghị",
                "Ngày tiếp nhận",
            ],
            [
                "1",
                "Phạm Thị Dung",
                "Đoài",
                "Hội Nông dân",
                987654321,
                "Môi trường",
                "Ý kiến",
                "Rác thải ven sông chưa được thu gom.",
                datetime(2026, 3, 8),
            ],
        ],
    )
    with demo_db.reading() as session:
        preview = read_opinions(session, path)
    row = preview.rows[0]
    assert set(preview.columns) == set(COLUMNS)
    assert row.hamlet_name == "Thôn Đoài"  # «Đoài» alone finds «Thôn Đoài»
    assert row.phone == "0987654321"  # the 0 Excel dropped from a Number cell
    assert (row.kind, row.organization, row.received_on) == (
        PetitionKind.OPINION,
        "Hội Nông dân",
        date(2026, 3, 8),
    )


def test_stt_column_empty_rows_and_totals_are_skipped(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "stt.xlsx",
        [
            HEADERS,
            [],
            ROW_AN,
            [],
            [],
            [3],  # an STT typed ahead, nothing else
            ROW_BINH,
            ["", "  ", None, None, None, None, None, "   ", None],
            ["Tổng cộng: 2 ý kiến"],
        ],
    )
    with demo_db.reading() as session:
        preview = read_opinions(session, path)
    assert [(row.row, row.number) for row in preview.rows] == [(3, "1"), (7, "2")]
    assert preview.problems == []


def test_line_breaks_inside_cells(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "xuongdong.xlsx",
        [
            HEADERS,
            [
                1,
                "Nguyễn Văn\nAn",
                "Thôn\nĐông",
                "",
                "",
                "Đất\r\nđai",
                "kiến\nnghị",
                "Thứ nhất: cấp sổ đỏ.\r\n\r\n  Thứ hai:   làm đường.\n",
                "05/3/2026",
            ],
        ],
    )
    with demo_db.transaction() as session:
        dialogue_id = planned_dialogue(session)
        preview, result = import_file(session, dialogue_id, path)
        row = preview.rows[0]
        assert (row.petitioner_name, row.hamlet_name, row.field_name) == (
            "Nguyễn Văn An",
            "Thôn Đông",
            "Đất đai",
        )
        assert row.kind is PetitionKind.PROPOSAL
        assert row.content == "Thứ nhất: cấp sổ đỏ.\nThứ hai: làm đường."
        stored = session.get(Petition, result.petition_ids[0])
        assert stored is not None and stored.content == "Thứ nhất: cấp sổ đỏ.\nThứ hai: làm đường."


@pytest.mark.parametrize(
    "value",
    [
        "05/3/2026",
        "5-3-2026",
        "05.03.2026",
        "5/3/26",
        "2026-03-05",
        " ngày 05 tháng 3 năm 2026 ",
        datetime(2026, 3, 5, 0, 0),
        date(2026, 3, 5),
        to_excel(datetime(2026, 3, 5)),
    ],
)
def test_dates_as_text_or_real_dates(value: object) -> None:
    assert parse_date(value) == date(2026, 3, 5)


def test_dates_as_text_in_a_file(demo_db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [["Họ tên", "Nội dung", "Ngày"]]
    for index, value in enumerate(
        ["05/3/2026", "5-3-2026", "ngày 5 tháng 3 năm 2026", "3/5/2026", "mai", ""]
    ):
        rows.append([f"Người {index}", f"Ý kiến số {index}", value])
    path = make_book(tmp_path / "ngay.xlsx", rows)
    with demo_db.reading() as session:
        preview = read_opinions(session, path)
    received = [row.received_on for row in preview.rows]
    assert received == [date(2026, 3, 5)] * 3 + [date(2026, 5, 3), None, None]  # day first, always
    [problem] = preview.problems
    assert problem.text == "Trang «Ý kiến», dòng 6, cột C («Ngày»): " + (
        "Ngày nhận «mai» không đọc được; hãy ghi dạng 05/3/2026."
    )


def test_decomposed_unicode_is_stored_nfc(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "nfd.xlsx",
        [
            [nfd(header) for header in HEADERS],
            [nfd(str(value)) for value in ROW_AN],
            [
                1,
                nfd("Đặng Thị Hoà"),
                nfd("Thôn Mới Phát"),
                "",
                "",
                nfd("Y tế"),
                nfd("phản ánh"),
                nfd("Trạm y tế thiếu thuốc điều trị tiểu đường."),
                "",
            ],
        ],
        title=nfd("Ý kiến"),
    )
    with demo_db.transaction() as session:
        dialogue_id = planned_dialogue(session)
        preview, result = import_file(session, dialogue_id, path, add_unknown_hamlets=True)
        assert preview.problems == []
        assert preview.rows[0].hamlet_name == "Thôn Đông" and preview.rows[0].field_name == "Đất đai"
        assert result.imported == 2 and result.added_hamlets == ("Thôn Mới Phát",)
        for petition in collected(session, dialogue_id):
            for value in (petition.petitioner_name, petition.content, petition.petitioner_org):
                assert unicodedata.is_normalized("NFC", value), value
        for hamlet in session.scalars(select(Hamlet)):
            assert unicodedata.is_normalized("NFC", hamlet.name)
        hoa = session.get(Petition, result.petition_ids[1])
        assert hoa is not None and hoa.petitioner_name == "Đặng Thị Hoà"  # the user's tone placement kept
        # search keys are right: "dang thi hoa" finds "Đặng Thị Hoà".
        found = petitions.list_petitions(session, petitions.PetitionFilter(query="dang thi hoa tieu duong"))
        assert [row.id for row in found] == [hoa.id]


def test_unknown_field_is_a_problem_naming_sheet_row_and_column(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "linhvuc.xlsx",
        [
            ["Danh sách"],
            [],
            HEADERS,
            ROW_AN,
            [2, "Võ Văn Em", "Thôn Đông", "", "", "Điện lực", "kiến nghị", "Điện chập chờn.", ""],
        ],
        title="Thôn Đông",
    )
    with demo_db.transaction() as session:
        dialogue_id = planned_dialogue(session)
        preview = read_opinions(session, path)
        [problem] = preview.problems
        assert (problem.sheet, problem.row, problem.column, problem.header) == (
            "Thôn Đông",
            5,
            "F",
            "Lĩnh vực",
        )
        assert problem.text.startswith("Trang «Thôn Đông», dòng 5, cột F («Lĩnh vực»): Lĩnh vực «Điện lực»")
        assert [row.importable for row in preview.rows] == [True, False]
        result = apply_import(session, dialogue_id, preview, add_unknown_hamlets=False)
        assert result.imported == 1 and result.with_problems == (("Thôn Đông", 5),)
        assert "chưa nhập 1 dòng có lỗi (dòng 5)" in result.message
        # The user adds the field and imports the same file again: only the fixed row is added.
        catalog.add_entry(session, "field", "Điện lực")
        again = apply_import(session, dialogue_id, read_opinions(session, path), add_unknown_hamlets=False)
        assert again.imported == 1 and again.already_imported == (("Thôn Đông", 4),)


def test_unknown_kind_and_missing_content_are_problems(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "loai.xlsx",
        [
            HEADERS,
            [1, "An", "Thôn Đông", "", "", "", "hỏi đáp", "Hỏi về chế độ.", ""],
            [2, "Bình", "Thôn Đông"],
        ],
    )
    with demo_db.reading() as session:
        preview = read_opinions(session, path)
    assert [(p.row, p.column) for p in preview.problems] == [(2, "G"), (3, "H")]
    assert "Thiếu nội dung" in preview.problems[1].message


def test_unknown_hamlet_is_added_only_when_allowed(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "thonmoi.xlsx",
        [
            HEADERS,
            [
                1,
                "Hà Văn Giang",
                "Tổ dân phố Số 9",
                "",
                "",
                "An ninh trật tự",
                "phản ánh",
                "Thanh niên tụ tập gây ồn ào ban đêm.",
                "",
            ],
            ROW_AN,
            [3, "Hà Thị Hoa", "tổ dân phố số 9", "", "", "", "", "Đèn đường hỏng.", ""],
        ],
    )
    with demo_db.transaction() as session:
        dialogue_id = planned_dialogue(session)
        preview = read_opinions(session, path)
        assert preview.rows[0].hamlet_is_new
        assert preview.rows[0].hamlet_label == "Tổ dân phố Số 9 (thôn mới, sẽ được thêm vào danh mục)"
        assert preview.new_hamlets == ["Tổ dân phố Số 9"]
        refused = apply_import(session, dialogue_id, preview, add_unknown_hamlets=False)
        assert refused.imported == 1 and refused.unknown_hamlet == (("Ý kiến", 2), ("Ý kiến", 4))
        assert catalog.find_entry(session, "hamlet", "Tổ dân phố Số 9") is None
        allowed = apply_import(session, dialogue_id, read_opinions(session, path), add_unknown_hamlets=True)
        assert allowed.imported == 2 and allowed.added_hamlets == ("Tổ dân phố Số 9",)  # added once
        entry = catalog.find_entry(session, "hamlet", "to dan pho so 9")
        assert entry is not None and entry.active
        assert [p.hamlet_id for p in collected(session, dialogue_id)[-2:]] == [entry.id, entry.id]
        assert len([e for e in catalog.list_entries(session, "hamlet") if "9" in e.name]) == 1


def test_a_thon_merged_down_and_group_heading_rows(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "gop.xlsx",
        [
            HEADERS,
            ["I. LĨNH VỰC ĐẤT ĐAI"],
            [1, "Ông A", "Thôn Trung", "", "", "Đất đai", "", "Ý kiến một.", ""],
            [2, "Bà B", None, "", "", "Đất đai", "", "Ý kiến hai.", ""],
            [3, "Ông C", None, "", "", "Đất đai", "", "Ý kiến ba.", ""],
            [None, None, None],
        ],
        merges=["A2:I2", "C3:C6"],
    )
    with demo_db.reading() as session:
        preview = read_opinions(session, path)
    assert [(row.row, row.hamlet_name) for row in preview.rows] == [
        (3, "Thôn Trung"),
        (4, "Thôn Trung"),
        (5, "Thôn Trung"),
    ]


def test_a_two_level_header(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "hai-tang.xlsx",
        [
            ["STT", "Người nêu", None, "Nội dung", "Lĩnh vực"],
            [None, "Họ tên", "Thôn", None, None],
            [1, "Ông A", "Thôn Trung", "Ý kiến một.", "Đất đai"],
        ],
        merges=["A1:A2", "B1:C1", "D1:D2", "E1:E2"],
    )
    with demo_db.reading() as session:
        preview = read_opinions(session, path)
    assert preview.header_row == 2
    assert preview.columns == {"number": "A", "name": "B", "hamlet": "C", "content": "D", "field": "E"}
    [row] = preview.rows
    assert (row.row, row.petitioner_name, row.hamlet_name, row.field_name) == (
        3,
        "Ông A",
        "Thôn Trung",
        "Đất đai",
    )


def test_the_same_opinion_twice_in_a_file_is_imported_once(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(tmp_path / "trung.xlsx", [HEADERS, ROW_AN, [9, *ROW_AN[1:]]])
    with demo_db.transaction() as session:
        preview, result = import_file(session, planned_dialogue(session), path)
    assert preview.rows[1].duplicate_of_row == 2
    assert result.imported == 1 and result.duplicates_in_file == (("Ý kiến", 3),)


def test_every_sheet_with_a_header_is_read(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "theo-thon.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Ghi chú"
    first["A1"] = "Tổng hợp của MTTQ, gửi ngày 10/3/2026"
    east = book.create_sheet("Thôn Đông")
    for row in (["Danh sách thôn Đông"], HEADERS, ROW_AN):
        east.append(row)
    west = book.create_sheet("Thôn Đoài")
    for row in (
        ["Nội dung", "Họ tên", "Thôn"],
        [ROW_BINH[7], ROW_BINH[1], "Đoài"],
        [ROW_AN[7], ROW_AN[1], ROW_AN[2]],
    ):
        west.append(row)
    book.save(path)
    with demo_db.transaction() as session:
        preview, result = import_file(session, planned_dialogue(session), path)
    assert [(info.name, info.header_row, info.rows) for info in preview.sheets] == [
        ("Thôn Đông", 2, 1),
        ("Thôn Đoài", 1, 2),
    ]
    assert preview.skipped_sheets == ("Ghi chú",)
    assert "Không đọc các trang không có dòng tiêu đề cột: «Ghi chú»." in preview.lines()
    repeated = preview.rows[-1]
    assert (repeated.sheet, repeated.duplicate_of_sheet, repeated.duplicate_of_row) == (
        "Thôn Đoài",
        "Thôn Đông",
        3,
    )
    assert "[trùng dòng 3 trang «Thôn Đông», bỏ qua]" in repeated.summary
    assert result.imported == 2 and result.duplicates_in_file == (("Thôn Đoài", 3),)


# --- files that are refused ------------------------------------------------------------------------


def refused(session: Session, path: Path) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_opinions(session, path)
    return caught.value.user_message


def test_not_an_xlsx_is_refused_in_vietnamese(demo_db: Database, tmp_path: Path) -> None:
    text_file = tmp_path / "danh-sach.xlsx"
    text_file.write_text("STT;Họ tên;Nội dung\n1;An;Làm đường\n", encoding="utf-8")
    csv_file = tmp_path / "danh-sach.csv"
    csv_file.write_text("STT,Họ tên,Nội dung\n1,An,Làm đường\n", encoding="utf-8")
    legacy = tmp_path / "cu.xls"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048 + "Workbook".encode("utf-16-le"))
    other_zip = tmp_path / "van-ban.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with demo_db.reading() as session:
        for path in (text_file, csv_file, other_zip):
            assert "không phải là bảng tính Excel (.xlsx)" in refused(session, path), path
        assert "Excel đời cũ (.xls)" in refused(session, legacy)
        assert "Không tìm thấy tệp" in refused(session, tmp_path / "khong-co.xlsx")


DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_real_password_protected_workbook_is_refused(demo_db: Database) -> None:
    # Made once with msoffcrypto-tool (Agile encryption, as Excel does; password 123456) from a
    # two-row list: openpyxl alone cannot write an encrypted file.
    with demo_db.reading() as session:
        message = refused(session, DATA / "encrypted-password-123456.xlsx")
    assert "«encrypted-password-123456.xlsx» được đặt mật khẩu" in message


def test_a_password_protected_workbook_is_refused(demo_db: Database, tmp_path: Path) -> None:
    # Excel saves an encrypted .xlsx as an OLE compound file holding EncryptionInfo and
    # EncryptedPackage streams (MS-OFFCRYPTO); its directory names those streams in UTF-16.
    encrypted = tmp_path / "mat-khau.xlsx"
    encrypted.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 1024
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 64
        + "EncryptedPackage".encode("utf-16-le")
    )
    with demo_db.reading() as session:
        message = refused(session, encrypted)
    assert "đặt mật khẩu" in message and "gỡ mật khẩu" in message


def test_an_empty_workbook_is_refused(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(tmp_path / "trong.xlsx", [])
    with demo_db.reading() as session:
        assert "không có dữ liệu" in refused(session, path)


def test_a_sheet_without_a_recognisable_header_is_refused(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(
        tmp_path / "khong-tieu-de.xlsx",
        [["Nguyễn Văn An", "Thôn Đông", "Làm đường"], ["Trần Thị Bình", "Thôn Đoài", "Sửa mương"]],
    )
    with demo_db.reading() as session:
        message = refused(session, path)
    assert "Không tìm thấy dòng tiêu đề cột" in message and "«Nội dung»" in message


def test_a_header_without_rows_is_refused(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(tmp_path / "chi-tieu-de.xlsx", [["Tiêu đề"], HEADERS, [1], [2], [3]])
    with demo_db.reading() as session:
        message = refused(session, path)
    assert "dòng tiêu đề (dòng 2) nhưng không có dòng ý kiến nào" in message


def test_an_unknown_dialogue_is_refused(demo_db: Database, tmp_path: Path) -> None:
    from app.errors import NotFoundError

    path = make_book(tmp_path / "a.xlsx", [HEADERS, ROW_AN])
    with demo_db.transaction() as session:
        with pytest.raises(NotFoundError):
            read_opinions(session, path, dialogue_id=9999)
        with pytest.raises(NotFoundError):
            apply_import(session, 9999, read_opinions(session, path), add_unknown_hamlets=True)


# --- twice, and the command line ------------------------------------------------------------------


def test_importing_the_same_file_twice_adds_nothing(demo_db: Database, tmp_path: Path) -> None:
    path = make_book(tmp_path / "hai-lan.xlsx", [HEADERS, ROW_AN, ROW_BINH])
    with demo_db.transaction() as session:
        dialogue_id = planned_dialogue(session)
        _preview, first = import_file(session, dialogue_id, path)
        assert first.imported == 2
    with demo_db.transaction() as session:
        count = len(collected(session, dialogue_id))
        preview, second = import_file(session, dialogue_id, path)
        assert all(row.already_imported for row in preview.rows)
        assert second.imported == 0 and second.nothing_new
        assert "đã được nhập vào hội nghị trước đây" in second.message
        assert len(collected(session, dialogue_id)) == count
    # The same rows retyped in another order, other spacing and case: still nothing new.
    retyped = make_book(
        tmp_path / "go-lai.xlsx",
        [HEADERS, ROW_BINH, [1, "NGUYỄN VĂN  AN", "thôn đông", *ROW_AN[3:]]],
    )
    with demo_db.transaction() as session:
        _preview, third = import_file(session, dialogue_id, retyped)
        assert third.imported == 0 and len(collected(session, dialogue_id)) == count
    # Another dialogue is another list: the same rows can be imported there.
    with demo_db.transaction() as session:
        other = session.scalar(select(Dialogue.id).where(Dialogue.id != dialogue_id).order_by(Dialogue.id))
        assert other is not None
        _preview, elsewhere = import_file(session, other, path)
        assert elsewhere.imported == 2


def doithoai(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOITHOAI_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


@pytest.mark.sqlite_only  # the command line opens a file (--db PATH)
def test_command_line_dry_run_changes_nothing_then_imports_once(
    demo_db: Database, tmp_path: Path, data_home: Path
) -> None:
    with demo_db.reading() as session:
        dialogue_id = planned_dialogue(session)
    demo_db.close()
    new_hamlet_row = [2, "Lý Thị Hạnh", "Thôn Bến Đò", "", "", "Y tế", "", "Xin mở lớp sơ cứu.", ""]
    path = make_book(tmp_path / "cli.xlsx", [HEADERS, ROW_AN, new_hamlet_row])
    db_file = demo_db.path
    before = dump(db_file)
    command = ["import", "--dialogue", str(dialogue_id), str(path), "--db", str(db_file)]
    dry = doithoai(*command, "--dry-run", home=data_home)
    assert dry.returncode == 0, dry.stderr
    assert "Dòng 2: Nguyễn Văn An – Thôn Đông" in dry.stdout
    assert "Thôn Bến Đò (thôn mới, sẽ được thêm vào danh mục)" in dry.stdout
    assert "Chạy thử (--dry-run): sẽ nhập 2 ý kiến; không ghi gì" in dry.stdout
    assert dump(db_file) == before

    done = doithoai(*command, home=data_home)
    assert done.returncode == 0, done.stderr
    assert "Đã nhập 2 ý kiến vào hội nghị; thêm thôn/tổ dân phố mới: Thôn Bến Đò." in done.stdout
    after = dump(db_file)
    assert after != before

    again = doithoai(
        "import", "--dialogue", str(dialogue_id), str(path), "--db", str(db_file), home=data_home
    )
    assert again.returncode == 0, again.stderr
    assert "đã được nhập vào hội nghị trước đây (2 ý kiến); không thêm ý kiến nào" in again.stdout
    assert len([line for line in dump(db_file) if 'INSERT INTO "petition"' in line]) == len(
        [line for line in after if 'INSERT INTO "petition"' in line]
    )


@pytest.mark.sqlite_only  # the command line opens a file (--db PATH)
def test_command_line_refuses_a_bad_file_with_exit_1(
    demo_db: Database, tmp_path: Path, data_home: Path
) -> None:
    demo_db.close()
    bad = tmp_path / "ban-sao.xlsx"
    bad.write_text("không phải Excel", encoding="utf-8")
    result = doithoai("import", "--dialogue", "1", str(bad), "--db", str(demo_db.path), home=data_home)
    assert result.returncode == 1
    assert "không phải là bảng tính Excel (.xlsx)" in result.stderr
    assert "Traceback" not in result.stderr
    template = doithoai(
        "import-template", str(tmp_path / "mau.xlsx"), "--db", str(demo_db.path), home=data_home
    )
    assert template.returncode == 0, template.stderr
    assert openpyxl.load_workbook(tmp_path / "mau.xlsx").sheetnames == ["Ý kiến", "Danh mục"]
