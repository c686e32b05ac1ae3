"""Qt's own texts: Vietnamese where we give one, Qt's English (never blank) elsewhere."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QLineEdit


def test_listed_texts_are_vietnamese(qapp: QApplication) -> None:
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
    assert QCoreApplication.translate("QFileDialog", "Save As") == "Lưu thành"


def test_unlisted_texts_keep_qts_own_wording(qapp: QApplication) -> None:
    assert QCoreApplication.translate("QMessageBox", "About Qt") == "About Qt"
    assert QCoreApplication.translate("QLineEdit", "Insert Unicode control character") != ""


def test_line_edit_context_menu_has_no_blank_items(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert texts and all(texts)
    labels = [t.split("\t")[0].replace("&", "") for t in texts]  # "&Hoàn tác\tCtrl+Z"
    assert "Hoàn tác" in labels and "Dán" in labels


def test_qts_own_file_dialog_speaks_vietnamese(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog, QLabel

    dialog = QFileDialog(None, "Lưu văn bản Word")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"] == "Tìm &trong:"
    assert labels["fileTypeLabel"] == "&Kiểu tệp:"
    assert QCoreApplication.translate("QFileSystemModel", "Computer") == "Máy tính"


def test_dates_read_the_vietnamese_way_with_vietnamese_calendar_names(qtbot) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QToolButton

    from ui.views.follow_up import date_edit

    edit = date_edit(date(2026, 12, 2))
    qtbot.addWidget(edit)
    assert edit.text() == "02/12/2026"
    assert QLocale().name() == "vi_VN"  # set app-wide by make_application
    calendar = edit.calendarWidget()
    month = calendar.findChild(QToolButton, "qt_calendar_monthbutton")
    assert month is not None and month.text() == "Tháng 12"
    assert calendar.firstDayOfWeek().name == "Monday"
    assert calendar.locale().dayName(1, QLocale.FormatType.LongFormat) == "Thứ Hai"


def test_file_dialogs_are_vietnamese_and_open_in_documents_or_the_last_folder(
    qtbot,
    tmp_path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from pathlib import Path

    from PySide6.QtWidgets import QDialogButtonBox, QLabel

    from ui import file_dialogs

    monkeypatch.chdir(tmp_path)  # the working directory must never be where a dialog opens
    documents = file_dialogs.documents_folder()
    assert documents.is_dir() and file_dialogs.start_folder() == documents != Path.cwd()
    dialog = file_dialogs.make_dialog(
        None,
        "Lưu văn bản Word",
        "save",
        folder=documents,
        name="BB.docx",
        filters="Văn bản Word (*.docx)",
        native=False,
    )
    qtbot.addWidget(dialog)
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"] == "Tìm &trong:"
    assert labels["fileNameLabel"] == "&Tên tệp:"
    assert labels["fileTypeLabel"] == "&Kiểu tệp:"
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    assert sorted(b.text() for b in box.buttons()) == ["&Hủy", "&Lưu"]
    assert Path(dialog.directory().absolutePath()) == documents
    assert dialog.selectedFiles() == [str(documents / "BB.docx")]
    opened = file_dialogs.make_dialog(None, "Chọn tệp", "open", folder=documents, native=False)
    qtbot.addWidget(opened)
    assert "&Mở" in [b.text() for b in opened.findChild(QDialogButtonBox).buttons()]
    # The folder used last wins next time, per kind of file.
    chosen = tmp_path / "usb"
    chosen.mkdir()
    file_dialogs.remember_folder(chosen, file_dialogs.SHEET_FOLDER)
    assert file_dialogs.start_folder(file_dialogs.SHEET_FOLDER) == chosen
    assert file_dialogs.start_folder(file_dialogs.EXPORT_FOLDER) == documents
