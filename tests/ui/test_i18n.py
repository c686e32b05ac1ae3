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
