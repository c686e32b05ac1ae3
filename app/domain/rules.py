"""Statuses, kinds and the rules that derive from them (deadlines are dates; overdue is derived)."""

from __future__ import annotations

import enum


class LabelledEnum(str, enum.Enum):  # noqa: UP042 (StrEnum has no room for a label)
    """A string enum whose members carry the Vietnamese label shown to users."""

    label: str

    # label has a default only for type checkers: Status("new") looks a member up by value.
    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class PetitionStatus(LabelledEnum):
    NEW = "new", "mới"
    ANSWERED = "answered", "đã trả lời tại hội nghị"
    IN_PROGRESS = "in_progress", "đang giải quyết"
    FORWARDED = "forwarded", "chuyển cấp có thẩm quyền"
    OUT_OF_COMPETENCE = "out_of_competence", "không thuộc thẩm quyền"
    RESOLVED = "resolved", "đã giải quyết"
    WITHDRAWN = "withdrawn", "rút"
    DUPLICATE = "duplicate", "trùng"

    @property
    def is_open(self) -> bool:
        """Still waiting for the office to act (the follow-up lists)."""
        return self in (PetitionStatus.NEW, PetitionStatus.IN_PROGRESS)


class PetitionSource(LabelledEnum):
    COLLECTED = "collected", "thu thập trước hội nghị"
    AT_MEETING = "at_meeting", "nêu tại hội nghị"
    WRITTEN = "written", "gửi bằng văn bản"


class PetitionKind(LabelledEnum):
    OPINION = "opinion", "ý kiến"
    PROPOSAL = "proposal", "kiến nghị"
    REPORT = "report", "phản ánh"
    COMPLAINT = "complaint", "khiếu nại"
    DENUNCIATION = "denunciation", "tố cáo"


class AnswerOutcome(LabelledEnum):
    ANSWERED = "answered", "trả lời xong tại hội nghị"
    ASSIGNED = "assigned", "giao đơn vị giải quyết"
    FORWARDED = "forwarded", "chuyển cấp có thẩm quyền"
    NOTED = "noted", "ghi nhận nghiên cứu"


class DialogueState(LabelledEnum):
    PLANNED = "planned", "đã lên kế hoạch"
    IN_PROGRESS = "in_progress", "đang diễn ra"
    CLOSED = "closed", "đã kết thúc"


class PlanKind(LabelledEnum):
    YEARLY = "yearly", "kế hoạch năm"
    SINGLE = "single", "một hội nghị"


class MinuteKind(LabelledEnum):
    OPENING = "opening", "khai mạc"
    REPORT = "report", "báo cáo"
    SPEECH = "speech", "phát biểu"
    ANSWER = "answer", "trả lời"
    CONCLUSION = "conclusion", "kết luận"
    NOTE = "note", "ghi chú"


class DocumentKind(LabelledEnum):
    PLAN = "kh", "Kế hoạch"
    INVITATION = "gm", "Giấy mời"
    MEETING_NOTICE = "tbtc", "Thông báo tổ chức hội nghị"
    MINUTES = "bb", "Biên bản"
    CONCLUSION_NOTICE = "tb", "Thông báo kết luận"
    REPORT = "bc", "Báo cáo"

    @property
    def code(self) -> str:
        """The type part of the ký hiệu: KH, GM, TB, BB, BC."""
        value = str(self.value)
        return {"tbtc": "TB"}.get(value, value.upper())


OUTCOME_STATUS = {
    AnswerOutcome.ANSWERED: PetitionStatus.ANSWERED,
    AnswerOutcome.ASSIGNED: PetitionStatus.IN_PROGRESS,
    AnswerOutcome.FORWARDED: PetitionStatus.FORWARDED,
    AnswerOutcome.NOTED: PetitionStatus.IN_PROGRESS,
}


NOTICE_DAYS_BEFORE = 7  # Thông báo / Giấy mời at least 7 days before the dialogue (DOMAIN §1).
CONCLUSION_DAYS_AFTER = 10  # Thông báo kết luận at most 10 days after.

DEFAULT_FIELDS = [
    "Đất đai",
    "Quy hoạch – xây dựng",
    "GPMB – bồi thường – tái định cư",
    "Giao thông – thủy lợi",
    "Môi trường",
    "Chính sách xã hội – người có công – hộ nghèo",
    "Y tế",
    "Giáo dục",
    "Văn hóa",
    "An ninh trật tự",
    "Thủ tục hành chính – một cửa",
    "Cán bộ, công chức",
    "Kinh tế – nông nghiệp",
    "Khác",
]

DEFAULT_UNITS = [
    "Văn phòng HĐND và UBND",
    "Công chức Địa chính – Xây dựng",
    "Công chức Tư pháp – Hộ tịch",
    "Công chức Văn hóa – Xã hội",
    "Công chức Tài chính – Kế toán",
    "Công an xã",
    "Ban Chỉ huy Quân sự xã",
    "Ủy ban MTTQ Việt Nam xã",
    "Hội Liên hiệp Phụ nữ xã",
    "Hội Nông dân xã",
    "Đoàn Thanh niên xã",
    "Hội Cựu chiến binh xã",
]

# Autosave rule shared by every editing screen (and the crash test that checks it): commit at
# most AUTOSAVE_IDLE_MS after typing stops and at least every AUTOSAVE_MAX_MS while it goes on.
# A commit costs a few milliseconds on the database thread, so a power cut may take at most a
# quarter of a second of typing.
AUTOSAVE_IDLE_MS = 150
AUTOSAVE_MAX_MS = 250
AUTOSAVE_RETRY_MS = 1000  # a failed save (disk full, file locked) is tried again until it lands

# The agenda of a dialogue, in order (the live minutes sidebar).
AGENDA = (
    (MinuteKind.OPENING, "Khai mạc"),
    (MinuteKind.REPORT, "Báo cáo"),
    (MinuteKind.SPEECH, "Ý kiến của Nhân dân"),
    (MinuteKind.ANSWER, "Trả lời"),
    (MinuteKind.CONCLUSION, "Kết luận"),
)
