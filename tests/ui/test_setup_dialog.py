"""First start, driven as the secretary would: typing, mistakes, fixing them, saving."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from app.services import settings
from app.storage.models import Field, Leader, Organization, Petition, Unit
from tests.ui.keyboard import type_text
from ui.context import AppContext
from ui.views.setup_dialog import SetupDialog


def _fill(qtbot, dialog: SetupDialog, **values: str) -> None:  # type: ignore[no-untyped-def]
    for key, value in values.items():
        edit = dialog.edits[key]
        edit.clear()
        type_text(edit, value)


def test_missing_fields_are_flagged_in_place_and_nothing_is_saved(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = SetupDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog, name="", place_name="", signer_name="")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors["name"].isVisible()
    assert "tên cơ quan ban hành" in dialog.errors["name"].text()
    assert dialog.errors["place_name"].isVisible()
    assert dialog.errors["signer_name"].isVisible()
    assert not dialog.errors["issuer_code"].isVisible()  # pre-filled "UBND" is fine
    # Typing into a flagged field clears its message.
    type_text(dialog.edits["name"], "Ủ")
    assert not dialog.errors["name"].isVisible()
    with context.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Organization)) == 0


def test_setup_saves_organisation_nfc_with_defaults_and_chair(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = SetupDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    decomposed_name = unicodedata.normalize("NFD", "Lê Thị Hằng")
    _fill(qtbot, dialog, name="Ủy ban nhân dân xã Tân Sơn", place_name="Tân Sơn")
    dialog.edits["signer_name"].setText(decomposed_name)  # as the Windows keyboard sends it
    with qtbot.waitSignal(dialog.organization_saved, timeout=10000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.result() == SetupDialog.DialogCode.Accepted
    with context.db.reading() as session:
        org = settings.current_organization(session)
        assert org is not None
        assert org.name == "ỦY BAN NHÂN DÂN XÃ TÂN SƠN"
        assert org.signing_authority == "TM. ỦY BAN NHÂN DÂN"
        assert org.signer_name == "Lê Thị Hằng" and unicodedata.is_normalized("NFC", org.signer_name)
        assert org.issuer_code == "UBND"
        chair = session.scalars(select(Leader)).one()
        assert chair.title == "Chủ tịch UBND xã Tân Sơn"
        assert session.scalar(select(func.count()).select_from(Field)) == 14
        assert session.scalar(select(func.count()).select_from(Unit)) == 12
        assert session.scalar(select(func.count()).select_from(Petition)) == 0


def test_setup_with_demo_data_keeps_her_file_free_of_the_demo(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    dialog = SetupDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(
        qtbot,
        dialog,
        name="ỦY BAN NHÂN DÂN XÃ LƯƠNG PHONG",
        place_name="Lương Phong",
        signer_name="Trần Quốc Hưng",
    )
    qtbot.mouseClick(dialog.demo_check, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.organization_saved, timeout=10000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.wants_demo  # the main window opens the sample file (tests/ui/test_demo_apart.py)
    with context.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Petition)) == 0
        assert session.scalar(select(func.count()).select_from(Organization)) == 1
        current = settings.current_organization(session)
        assert current is not None and current.signer_name == "Trần Quốc Hưng"


def test_standard_buttons_speak_vietnamese(qtbot, context: AppContext) -> None:  # type: ignore[no-untyped-def]
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    texts = sorted(button.text().replace("&", "") for button in box.buttons())
    assert texts == ["Hủy", "Đồng ý"]


def test_the_name_chosen_at_first_start_signs_the_log(qtbot, context: AppContext, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.services import audit
    from app.storage.models import AuditEvent

    dialog = SetupDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog, name="Ủy ban nhân dân xã Tân Sơn", place_name="Tân Sơn", signer_name="Lê Thị Hằng")
    type_text(dialog.display_name, "Nguyễn Thị Lan – văn phòng")
    dialog.grab().save(str(tmp_path / "setup.png"))
    with qtbot.waitSignal(dialog.organization_saved, timeout=10000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    with context.db.reading() as session:
        assert audit.display_name(session) == "Nguyễn Thị Lan – văn phòng"
        created = session.scalars(select(AuditEvent).where(AuditEvent.entity == "organization")).one()
        assert created.actor == "Nguyễn Thị Lan – văn phòng" and created.user == audit.current_user()
