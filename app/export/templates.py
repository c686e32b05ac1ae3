"""Wording templates: the sentences an office changes, kept out of code and out of the layout.

Defaults ship in ``resources/templates/<key>.txt``; a copy the user edited in Cài đặt lives in
:func:`app.paths.templates_dir` and wins. A template is plain text with named placeholders such
as ``{ten_co_quan}``; each line becomes a paragraph (or a Nơi nhận line). Literal braces are
written ``{{`` and ``}}``. A template naming a placeholder its document does not provide is
refused with a :class:`TemplateError` before anything is written, so a typo never reaches paper.
"""

from __future__ import annotations

import contextlib
import os
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.domain import text
from app.export.errors import TemplateError
from app.export.phrases import tidy

SUFFIX = ".txt"

COMMON: Mapping[str, str] = {
    "ten_co_quan": "tên cơ quan ban hành viết trong câu (Ủy ban nhân dân xã …)",
    "dia_danh": "địa danh (tên xã, phường)",
    "nam": "năm",
    "cap": "cấp của cơ quan (xã, phường, đặc khu …)",
    "co_quan": "tên cơ quan viết tắt trong câu, không kèm địa danh (Ủy ban nhân dân xã)",
}
DIALOGUE: Mapping[str, str] = {
    **COMMON,
    "ten_hoi_nghi": "tên hội nghị (Hội nghị đối thoại với Nhân dân năm …)",
    "ten_hoi_nghi_trong_cau": "tên hội nghị viết trong câu (Hội nghị …; buổi tiếp xúc, đối thoại …)",
    "chi_tiet_y_kien": "«(… ý kiến nêu tại hội nghị, … ý kiến gửi trước hội nghị)» (có thể trống)",
    "ngay_hoi_nghi": "ngày hội nghị (ngày 05 tháng 3 năm 2026)",
    "gio_hoi_nghi": "giờ bắt đầu (08 giờ 00 phút)",
    "dia_diem": "địa điểm hội nghị",
    "chu_tri": "người chủ trì (đồng chí …, chức vụ)",
    "chuc_vu_chu_tri": "chức vụ người chủ trì",
    "dong_chu_tri": "người đồng chủ trì (có thể trống)",
    "thanh_phan": "thành phần, số người tham dự",
    "so_y_kien": "tổng số ý kiến, kiến nghị",
    "so_y_kien_tai_hoi_nghi": "số ý kiến nêu tại hội nghị",
    "so_y_kien_truoc_hoi_nghi": "số ý kiến gửi trước hội nghị",
    "noi_dung": "nội dung đối thoại",
    "thuc_hien_ke_hoach": "câu dẫn «Thực hiện Kế hoạch số … của …; » (có thể trống)",
    "han_gui_y_kien": "hạn gửi ý kiến trước hội nghị",
}


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    title: str  # what the settings screen shows
    placeholders: Mapping[str, str]  # name → what it is filled with


_SPECS: tuple[TemplateSpec, ...] = (
    TemplateSpec("kh_mo_dau", "Kế hoạch: câu mở đầu (khi kế hoạch chưa có)", COMMON),
    TemplateSpec("kh_can_cu", "Kế hoạch: căn cứ thường dùng", COMMON),
    TemplateSpec("kh_muc_dich", "Kế hoạch: mục đích thường dùng", COMMON),
    TemplateSpec("kh_yeu_cau", "Kế hoạch: yêu cầu thường dùng", COMMON),
    TemplateSpec("kh_cac_buoc", "Kế hoạch: các bước tiến hành thường dùng", COMMON),
    TemplateSpec("noi_nhan_kh", "Kế hoạch: nơi nhận mặc định", COMMON),
    TemplateSpec("trich_yeu_gm", "Giấy mời: trích yếu", DIALOGUE),
    TemplateSpec("gm_loi_moi", "Giấy mời: lời mời", DIALOGUE),
    TemplateSpec("gm_noi_dung", "Giấy mời: nội dung", DIALOGUE),
    TemplateSpec("noi_nhan_gm", "Giấy mời: nơi nhận", DIALOGUE),
    TemplateSpec("trich_yeu_tbtc", "Thông báo tổ chức hội nghị: trích yếu", DIALOGUE),
    TemplateSpec("tbtc_mo_dau", "Thông báo tổ chức hội nghị: câu mở đầu", DIALOGUE),
    TemplateSpec("tbtc_cach_thuc", "Thông báo tổ chức hội nghị: cách thức tham dự, gửi ý kiến", DIALOGUE),
    TemplateSpec("tbtc_cong_khai", "Thông báo tổ chức hội nghị: câu kết", DIALOGUE),
    TemplateSpec("noi_nhan_tbtc", "Thông báo tổ chức hội nghị: nơi nhận", DIALOGUE),
    TemplateSpec("trich_yeu_bb", "Biên bản: trích yếu", DIALOGUE),
    TemplateSpec(
        "bb_ket_thuc",
        "Biên bản: câu kết thúc",
        {**DIALOGUE, "gio_ket_thuc": "giờ kết thúc", "ngay_ket_thuc": "ngày kết thúc"},
    ),
    TemplateSpec("noi_nhan_bb", "Biên bản: nơi nhận", DIALOGUE),
    TemplateSpec("trich_yeu_tb", "Thông báo kết luận: trích yếu", DIALOGUE),
    TemplateSpec("tb_mo_dau", "Thông báo kết luận: phần mở đầu", DIALOGUE),
    TemplateSpec("tb_danh_gia_chung", "Thông báo kết luận: đánh giá chung (khi chưa nhập)", DIALOGUE),
    TemplateSpec(
        "tb_giao_nhiem_vu",
        "Thông báo kết luận: câu giao nhiệm vụ",
        {
            **DIALOGUE,
            "don_vi_chu_tri": "đơn vị chủ trì",
            "phoi_hop": "«, phối hợp với …» (có thể trống)",
            "nhiem_vu": "nhiệm vụ",
            "thoi_han": "thời hạn báo cáo (ngày … tháng … năm …)",
        },
    ),
    TemplateSpec(
        "tb_vuot_tham_quyen",
        "Thông báo kết luận: nội dung vượt thẩm quyền",
        {**DIALOGUE, "y_kien": "ý kiến (người nêu, nội dung)", "cap_co_tham_quyen": "cấp có thẩm quyền"},
    ),
    TemplateSpec(
        "tb_khong_vuot_tham_quyen", "Thông báo kết luận: khi không có nội dung vượt thẩm quyền", DIALOGUE
    ),
    TemplateSpec("tb_cong_khai", "Thông báo kết luận: niêm yết, công khai", DIALOGUE),
    TemplateSpec("tb_ket_thuc", "Thông báo kết luận: câu kết", DIALOGUE),
    TemplateSpec("noi_nhan_tb", "Thông báo kết luận: nơi nhận", DIALOGUE),
    TemplateSpec("trich_yeu_bc", "Báo cáo: trích yếu", DIALOGUE),
    TemplateSpec(
        "bc_mo_dau", "Báo cáo: câu mở đầu", {**DIALOGUE, "thong_bao": "Thông báo kết luận (số, ngày)"}
    ),
    TemplateSpec("bc_to_chuc", "Báo cáo: công tác tổ chức hội nghị", DIALOGUE),
    TemplateSpec("bc_kho_khan", "Báo cáo: khó khăn, vướng mắc (mặc định)", DIALOGUE),
    TemplateSpec("bc_de_xuat", "Báo cáo: đề xuất, kiến nghị (mặc định)", DIALOGUE),
    TemplateSpec("bc_ket_thuc", "Báo cáo: câu kết", DIALOGUE),
    TemplateSpec("noi_nhan_bc", "Báo cáo: nơi nhận", DIALOGUE),
)
SPECS: Mapping[str, TemplateSpec] = {spec.key: spec for spec in _SPECS}


@dataclass(frozen=True)
class TemplateInfo:
    """One template as the settings screen lists it."""

    key: str
    title: str
    placeholders: Mapping[str, str]
    text: str
    customised: bool


def _spec(key: str) -> TemplateSpec:
    try:
        return SPECS[key]
    except KeyError:
        raise TemplateError(key, f"unknown template {key!r}", f"Không có mẫu câu chữ «{key}».") from None


def default_path(key: str) -> Path:
    return paths.resource_path("templates", key + SUFFIX)


def user_path(key: str) -> Path:
    return paths.templates_dir() / (key + SUFFIX)


def _read(path: Path, key: str) -> str:
    try:
        raw = path.read_text(encoding="utf-8-sig")  # Notepad may add a BOM
    except UnicodeDecodeError as exc:
        raise TemplateError(
            key,
            f"template {path} is not UTF-8",
            f"Tệp mẫu «{path.name}» không phải văn bản Unicode (UTF-8). Hãy lưu lại tệp với mã UTF-8 "
            "hoặc khôi phục mẫu mặc định trong Cài đặt.",
        ) from exc
    except OSError as exc:
        raise TemplateError(
            key, f"cannot read template {path}: {exc}", f"Không đọc được tệp mẫu «{path.name}»."
        ) from exc
    return text.nfc(raw).replace("\r\n", "\n").strip("\n")


def default_template(key: str) -> str:
    """The wording shipped with the program."""
    _spec(key)
    return _read(default_path(key), key)


def is_customised(key: str) -> bool:
    return user_path(key).is_file()


def load_template(key: str) -> str:
    """The user's copy if there is one, else the default."""
    _spec(key)
    custom = user_path(key)
    if custom.is_file():
        return _read(custom, key)
    return default_template(key)


def placeholders_in(template: str, key: str = "") -> list[str]:
    """The placeholder names used in ``template``, in order; broken braces raise TemplateError."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise TemplateError(
            key,
            f"template {key!r} has unbalanced braces: {exc}",
            f"Mẫu «{key}» có dấu ngoặc nhọn {{ }} không khớp. Mỗi trường viết dạng {{ten_truong}}; "
            "muốn in dấu ngoặc thì gõ {{ hoặc }}.",
        ) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise TemplateError(
                key,
                f"template {key!r} has a malformed placeholder {{{name}}}",
                f"Mẫu «{key}» có trường «{{{name}}}» không đúng dạng. Trường chỉ gồm chữ không dấu và "
                "dấu gạch dưới, ví dụ {ten_co_quan}.",
                placeholder=name,
            )
        names.append(name)
    return names


def validate_template(key: str, template: str) -> None:
    """Raise :class:`TemplateError` naming the first placeholder the document cannot fill."""
    spec = _spec(key)
    for name in placeholders_in(template, key):
        if name not in spec.placeholders:
            allowed = ", ".join("{" + p + "}" for p in spec.placeholders)
            raise TemplateError(
                key,
                f"template {key!r} uses unknown placeholder {{{name}}}",
                f"Mẫu «{spec.title}» dùng trường «{{{name}}}» không có. Các trường dùng được: {allowed}.",
                placeholder=name,
            )


def render_template(key: str, values: Mapping[str, object]) -> str:
    """The template filled with ``values`` (missing ones empty), blanks and spaces tidied."""
    template = load_template(key)
    validate_template(key, template)
    spec = SPECS[key]
    filled = {name: "" for name in spec.placeholders}
    filled.update({name: "" if value is None else str(value) for name, value in values.items()})
    return tidy(template.format_map(filled))


def render_lines(key: str, values: Mapping[str, object]) -> list[str]:
    """The filled template cut into its non-empty lines (paragraphs, Nơi nhận lines)."""
    return [line for line in render_template(key, values).split("\n") if line.strip()]


def list_templates() -> list[TemplateInfo]:
    """Every template with its current wording, for the settings screen."""
    return [
        TemplateInfo(
            spec.key, spec.title, spec.placeholders, load_template(spec.key), is_customised(spec.key)
        )
        for spec in _SPECS
    ]


def save_template(key: str, template: str) -> Path:
    """Validate and store the user's wording (atomically); returns the file written."""
    template = text.nfc(template).replace("\r\n", "\n").strip("\n")
    validate_template(key, template)
    target = user_path(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(template + "\n", encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise TemplateError(
            key,
            f"cannot save template {target}: {exc}",
            f"Không lưu được mẫu «{SPECS[key].title}» vào «{target.parent}». Hãy kiểm tra quyền ghi thư mục.",
        ) from exc
    return target


def reset_template(key: str) -> None:
    """Go back to the shipped wording by removing the user's copy."""
    _spec(key)
    with contextlib.suppress(FileNotFoundError):
        user_path(key).unlink()
