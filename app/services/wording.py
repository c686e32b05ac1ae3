"""What the secretary and the chair adjust in the words of the documents (issue 16).

One function per user action, each in the caller's unit of work: a petitioner's form of address
(Ông, Bà, none), an opinion's third-person summary for the Thông báo kết luận, and the chair's
general assessment (section I). The proposals the screens start from come from the same rules
the documents use, so a screen never shows a wording the document would not print.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.domain import text
from app.domain.text import AddressForm
from app.errors import NotFoundError
from app.export.documents.common import propose_summary
from app.services import audit
from app.storage.models import Dialogue, Petition

# F9 in the live minutes walks through these, starting from the suggestion.
_CYCLE = (AddressForm.MR, AddressForm.MRS, AddressForm.NONE)


def _petition(session: Session, petition_id: int) -> Petition:
    petition = session.get(Petition, petition_id)
    if petition is None or petition.deleted_at is not None:
        raise NotFoundError("ý kiến", petition_id)
    return petition


def address_form_of(petition: Petition) -> AddressForm:
    """The form printed for a petitioner: the one chosen, else the one the name suggests."""
    if petition.is_group or petition.is_anonymous:
        return AddressForm.NONE
    if petition.address_form:
        try:
            return AddressForm(petition.address_form)
        except ValueError:
            pass
    return text.suggest_address_form(petition.petitioner_name)


def next_address_form(current: AddressForm) -> AddressForm:
    """Ông → Bà → (không xưng hô) → Ông: what one press of the key gives."""
    return _CYCLE[(_CYCLE.index(current) + 1) % len(_CYCLE)]


def set_address_form(session: Session, petition_id: int, form: AddressForm | str | None) -> AddressForm:
    """Store the form of address (``None``: back to the suggestion); returns the form now printed."""
    petition = _petition(session, petition_id)
    petition.address_form = AddressForm(form).value if form else None
    audit.record_edit(session, petition, "petition")
    session.flush()
    return address_form_of(petition)


def cycle_address_form(session: Session, petition_id: int) -> AddressForm:
    """One press of the key in the live minutes: the next form, stored."""
    petition = _petition(session, petition_id)
    return set_address_form(session, petition_id, next_address_form(address_form_of(petition)))


def proposed_summary(session: Session, petition_id: int) -> str:
    """The summary a Thông báo prints: the stored one, else the citizen's words in the third person."""
    petition = _petition(session, petition_id)
    return text.clean(petition.summary) or propose_summary(
        petition.content, address_form_of(petition), is_group=petition.is_group
    )


def set_summary(session: Session, petition_id: int, summary: str) -> None:
    """Store the edited summary (empty: the proposal from the text is used again)."""
    petition = _petition(session, petition_id)
    petition.summary = text.clean(summary)
    audit.record_edit(session, petition, "petition")
    session.flush()


def assessment_of(session: Session, dialogue_id: int) -> str:
    """The chair's general assessment as stored (empty: the Thông báo uses the template's)."""
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise NotFoundError("hội nghị", dialogue_id)
    return dialogue.assessment or ""


def set_assessment(session: Session, dialogue_id: int, assessment: str) -> None:
    """The chair's general assessment, section I of the Thông báo kết luận (empty: the template's)."""
    dialogue = session.get(Dialogue, dialogue_id)
    if dialogue is None:
        raise NotFoundError("hội nghị", dialogue_id)
    dialogue.assessment = text.nfc(assessment).strip()
    audit.record_edit(session, dialogue, "dialogue")
    session.flush()
