"""The one way to ask for a file or a folder.

Windows gets its own native dialog (it speaks the user's language); elsewhere Qt's dialog with
every label in Vietnamese (Qt ships no Vietnamese translation, and some labels are not looked up
through the translator at all). A dialog opens in the folder used last for the same kind of file,
else in Documents: never the working directory, which is the program's own folder once installed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from app import paths

EXPORT_FOLDER = "export_folder"  # Word and Excel documents the program writes
SHEET_FOLDER = "sheet_folder"  # the units' spreadsheets sent out and read back
BACKUP_FOLDER = "backup_folder"  # a USB stick for backups

Mode = Literal["save", "open", "folder"]

_ACCEPT = {"save": "&Lưu", "open": "&Mở", "folder": "&Chọn"}
LABELS: dict[QFileDialog.DialogLabel, str] = {
    QFileDialog.DialogLabel.LookIn: "Tìm &trong:",
    QFileDialog.DialogLabel.FileName: "&Tên tệp:",
    QFileDialog.DialogLabel.FileType: "&Kiểu tệp:",
    QFileDialog.DialogLabel.Reject: "&Hủy",
}


def _settings() -> QSettings:
    return QSettings(str(paths.state_dir() / "ui.ini"), QSettings.Format.IniFormat)


def documents_folder() -> Path:
    """Documents, or the home folder where there is none (Qt would fall back to the working one)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def start_folder(key: str = EXPORT_FOLDER) -> Path:
    """The folder used last for ``key`` if it still exists, else Documents."""
    stored = _settings().value(key)
    if stored and Path(str(stored)).is_dir():
        return Path(str(stored))
    return documents_folder()


def remember_folder(folder: Path, key: str = EXPORT_FOLDER) -> None:
    _settings().setValue(key, str(folder))


def use_native_dialog() -> bool:
    return sys.platform == "win32"


def make_dialog(
    parent: QWidget | None,
    title: str,
    mode: Mode,
    *,
    folder: Path,
    name: str = "",
    filters: str = "",
    native: bool | None = None,
) -> QFileDialog:
    """The dialog, not yet shown (tests look at it; ``ask_*`` run it)."""
    while not folder.is_dir() and folder != folder.parent:  # a folder gone since: its nearest parent
        folder = folder.parent
    dialog = QFileDialog(parent, title, str(folder), filters)
    dialog.setDirectory(str(folder))
    if mode == "save":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    elif mode == "open":
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    else:
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if name:
        dialog.selectFile(name)
    if not (use_native_dialog() if native is None else native):
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        for label, text in LABELS.items():
            dialog.setLabelText(label, text)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, _ACCEPT[mode])
    return dialog


def _run(dialog: QFileDialog, key: str, *, remember_parent: bool) -> Path | None:
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        chosen = Path(dialog.selectedFiles()[0])
    finally:
        dialog.deleteLater()
    remember_folder(chosen.parent if remember_parent else chosen, key)
    return chosen


def ask_save_file(
    parent: QWidget | None,
    title: str,
    name: str,
    filters: str,
    *,
    key: str = EXPORT_FOLDER,
    folder: Path | None = None,
    suffix: str = "",
) -> Path | None:
    """Where to save; ``suffix`` (".docx") is added when the typed name lacks it."""
    dialog = make_dialog(
        parent, title, "save", folder=folder or start_folder(key), name=name, filters=filters
    )
    if suffix:
        dialog.setDefaultSuffix(suffix.lstrip("."))
    chosen = _run(dialog, key, remember_parent=True)
    if chosen is not None and suffix and chosen.suffix.lower() != suffix:
        chosen = chosen.with_name(chosen.name + suffix)
    return chosen


def ask_open_file(
    parent: QWidget | None, title: str, filters: str = "", *, key: str = EXPORT_FOLDER
) -> Path | None:
    dialog = make_dialog(parent, title, "open", folder=start_folder(key), filters=filters)
    return _run(dialog, key, remember_parent=True)


def ask_folder(parent: QWidget | None, title: str, *, key: str = EXPORT_FOLDER) -> Path | None:
    dialog = make_dialog(parent, title, "folder", folder=start_folder(key))
    return _run(dialog, key, remember_parent=False)
