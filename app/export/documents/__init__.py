"""One module per document kind: each turns plain data into blocks for the layout."""

from app.export.documents.assignment_slip import build_assignment_slip
from app.export.documents.conclusion_notice import build_conclusion_notice
from app.export.documents.invitation import build_invitation
from app.export.documents.meeting_notice import build_meeting_notice
from app.export.documents.minutes import build_minutes
from app.export.documents.plan import basis_suggestions, build_plan, plan_defaults, standard_basis
from app.export.documents.reminder_letter import build_reminder_letter
from app.export.documents.report import build_report

__all__ = [
    "basis_suggestions",
    "build_assignment_slip",
    "build_conclusion_notice",
    "build_invitation",
    "build_meeting_notice",
    "build_minutes",
    "build_plan",
    "build_reminder_letter",
    "build_report",
    "plan_defaults",
    "standard_basis",
]
