"""Follow-up rules: where a petition's status may go, and the kinds of steps in its history.

DOMAIN.md §2: ``mới`` → ``đã trả lời tại hội nghị`` | ``đang giải quyết`` | ``chuyển cấp có thẩm
quyền`` | ``không thuộc thẩm quyền`` → ``đã giải quyết``, plus ``rút`` and ``trùng`` from any state
that is not yet finished. Going back (``đã giải quyết`` → ``đang giải quyết``) is not a transition
but its own action, *mở lại*, which needs a reason. This table is the one home of these rules:
the services enforce it and the screens ask it which choices to offer.
"""

from __future__ import annotations

from app.domain.rules import LabelledEnum, PetitionStatus

S = PetitionStatus

TRANSITIONS: dict[PetitionStatus, tuple[PetitionStatus, ...]] = {
    S.NEW: (S.ANSWERED, S.IN_PROGRESS, S.FORWARDED, S.OUT_OF_COMPETENCE, S.WITHDRAWN, S.DUPLICATE),
    # Answered at the meeting, then assigned after all (the chair asked a unit to follow up).
    S.ANSWERED: (S.IN_PROGRESS, S.RESOLVED, S.WITHDRAWN, S.DUPLICATE),
    S.IN_PROGRESS: (S.FORWARDED, S.OUT_OF_COMPETENCE, S.RESOLVED, S.WITHDRAWN, S.DUPLICATE),
    S.FORWARDED: (S.RESOLVED, S.WITHDRAWN, S.DUPLICATE),
    S.OUT_OF_COMPETENCE: (S.RESOLVED, S.WITHDRAWN, S.DUPLICATE),
    S.RESOLVED: (),
    S.WITHDRAWN: (),
    S.DUPLICATE: (),
}

# Statuses that name the authority the matter belongs to (Petition.forwarded_to).
NEEDS_AUTHORITY = frozenset({S.FORWARDED, S.OUT_OF_COMPETENCE})
# Statuses a reopening may start from: finished ones, and a duplicate marked by mistake.
REOPENABLE = frozenset({S.RESOLVED, S.ANSWERED, S.FORWARDED, S.OUT_OF_COMPETENCE, S.WITHDRAWN, S.DUPLICATE})
# Finished for the office: nothing more to do but tell the citizen.
FINISHED = frozenset({S.RESOLVED, S.ANSWERED, S.FORWARDED, S.OUT_OF_COMPETENCE, S.WITHDRAWN})


def allowed_transitions(status: PetitionStatus) -> tuple[PetitionStatus, ...]:
    """Where a status change may go from ``status`` (reopening is a separate action)."""
    return TRANSITIONS[status]


def can_change(current: PetitionStatus, target: PetitionStatus) -> bool:
    return target in TRANSITIONS[current]


def finished_for_citizen(status: PetitionStatus, *, informed: bool, answered_in_person: bool = False) -> bool:
    """Finished for the office and the citizen told the outcome.

    ``status`` is the effective one (a duplicate's is its original's). A petition answered on the
    spot to the person who raised it at the meeting was told there; a withdrawn one needs no
    answer. Anything else waits for :func:`record_informed`.
    """
    if status not in FINISHED:
        return False
    if status is S.WITHDRAWN or informed:
        return True
    return status is S.ANSWERED and answered_in_person


class UpdateKind(LabelledEnum):
    """What one step of a petition's history (``ResolutionUpdate.kind``) records."""

    RESULT = "result", "kết quả giải quyết"
    STATUS = "status", "chuyển tình trạng"
    REASSIGN = "reassign", "giao đơn vị giải quyết"
    EXTEND = "extend", "gia hạn"
    REOPEN = "reopen", "mở lại"
    DUPLICATE = "duplicate", "trùng ý kiến khác"
    INFORMED = "informed", "thông báo cho công dân"
    REMINDER = "reminder", "đôn đốc"
    NOTE = "note", "ghi chú"


# Kinds whose entry changes the status (the history shows "→ đã giải quyết" only for these).
STATUS_KINDS = frozenset({UpdateKind.RESULT, UpdateKind.STATUS, UpdateKind.REOPEN, UpdateKind.DUPLICATE})


class InformMethod(LabelledEnum):
    """How the citizen was told the outcome."""

    LETTER = "letter", "văn bản"
    PHONE = "phone", "điện thoại"
    IN_PERSON = "in_person", "trực tiếp"
    POSTED = "posted", "niêm yết"
