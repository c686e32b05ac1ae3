"""Cài đặt: the issuing body, the wording of documents, defaults, and where the data lives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import paths
from app.domain.text import nfc
from app.errors import EditConflict
from app.export import templates
from app.export.errors import TemplateError
from app.export.templates import TemplateInfo
from app.services import audit, settings
from app.services.maintenance import info_lines
from ui.autosave import Autosaver
from ui.context import AppContext
from ui.tasks import user_message
from ui.views.deadline_settings import DeadlineSettingsForm
from ui.widgets import INVALID_EDIT_STYLE, FieldError, NfcLineEdit, page_title


class OrganizationForm(QWidget):
    """The body printed in every header and signature; validated in place, saved as a whole."""

    saved = Signal()

    FIELDS = (
        ("name", "Tên cơ quan ban hành (*)"),
        ("parent_name", "Cơ quan chủ quản"),
        ("place_name", "Địa danh (*)"),
        ("issuer_code", "Ký hiệu cơ quan (*)"),
        ("signing_authority", "Thẩm quyền ký (TM., KT. …)"),
        ("signer_title", "Chức vụ người ký (*)"),
        ("signer_name", "Họ tên người ký (*)"),
    )

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._org_id: int | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.edits: dict[str, NfcLineEdit | QPlainTextEdit] = {}
        self.errors: dict[str, FieldError] = {}
        for key, label in self.FIELDS:
            edit: NfcLineEdit | QPlainTextEdit
            if key == "name":
                edit = QPlainTextEdit()
                edit.setMaximumHeight(60)
                edit.setToolTip("Có thể viết hai dòng: «ỦY BAN NHÂN DÂN» / «XÃ LƯƠNG PHONG»")
                edit.setTabChangesFocus(True)
            else:
                edit = NfcLineEdit()
            error = FieldError()
            box = QVBoxLayout()
            box.setSpacing(2)
            box.addWidget(edit)
            box.addWidget(error)
            form.addRow(label, box)
            self.edits[key], self.errors[key] = edit, error
        layout.addLayout(form)
        # Saved as typed, by the rule every screen uses (ui.autosave): no Save button to forget.
        self.status = QLabel("Mọi thay đổi được lưu tự động.")
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._loading = False
        # The body as this form last read or saved it: handed back with each save, so a save over
        # another PC's newer one is refused (settings.SettingsConflict) and theirs is reloaded.
        self._expected: settings.OrganizationInfo | None = None
        self.saver = Autosaver(context.ops, self._snapshot, self._write, parent=self, origin=self)
        self.saver.saved.connect(self._written)
        self.saver.failed.connect(self.status.setText)
        self.saver.conflicted.connect(self._conflicted)
        for edit in self.edits.values():
            edit.textChanged.connect(self._edited)
            edit.setEnabled(False)  # until the stored values are shown: keys typed earlier would be lost
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)  # habit: saves now

    def _text(self, key: str) -> str:
        edit = self.edits[key]
        return nfc(edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text())

    def show_org(self, org: settings.OrganizationInfo | None) -> None:
        if org is None:
            self.status.setText(
                "Dữ liệu này chưa có thông tin cơ quan: hãy khởi động lại chương trình để khai báo."
            )
            return
        self._org_id = org.id
        self._expected = org
        self._loading = True
        for key, _label in self.FIELDS:
            value = getattr(org, key)
            edit = self.edits[key]
            if isinstance(edit, QPlainTextEdit):
                edit.setPlainText(value)
            else:
                edit.setText(value)
            edit.setEnabled(True)
        self._loading = False

    def input(self) -> settings.OrganizationInput:
        return settings.OrganizationInput(**{key: self._text(key) for key, _label in self.FIELDS})

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, error in self.errors.items():
            error.show_message(problems.get(key))
            self.edits[key].setStyleSheet(INVALID_EDIT_STYLE if key in problems else "")

    @Slot()
    def _edited(self) -> None:
        if self._loading or self._org_id is None:
            return
        problems = settings.validate_organization(self.input())
        self.show_problems(problems)  # in place, as typed
        if problems:
            self.status.setText("Chưa lưu: hãy sửa các ô báo đỏ.")
        self.saver.touch()

    def _snapshot(self) -> tuple[int | None, settings.OrganizationInput]:
        return self._org_id, self.input()

    def _write(
        self, session: Session, data: tuple[int | None, settings.OrganizationInput]
    ) -> settings.OrganizationInfo | dict[str, str]:
        org_id, values = data
        problems = settings.validate_organization(values)
        if problems or org_id is None:
            return problems  # nothing half-saved: the last valid information stays
        # The expected body is read here, when this save runs (saves run one after another), so
        # an autosave hands back the form's own previous save, never conflicting with itself.
        saved = settings.update_organization(session, org_id, values, expected=self._expected)
        self._expected = saved
        return saved

    @Slot(object)
    def _conflicted(self, exc: BaseException) -> None:
        """Another PC saved the body meanwhile: the message shows both versions; theirs is loaded."""
        self._context.ops.tasks.report_failure(exc)
        org_id = self._org_id
        if org_id is not None:
            self._context.ops.read(
                lambda session: settings.get_organization(session, org_id), on_done=self.show_org, owner=self
            )

    @Slot(object)
    def _written(self, when: datetime) -> None:
        if isinstance(self.saver.last_result, dict):
            if self.saver.last_result:
                self.show_problems(self.saver.last_result)
                self.status.setText("Chưa lưu: hãy sửa các ô báo đỏ.")
            return
        self.status.setText(f"Đã lưu {when:%H:%M:%S}. Văn bản xuất từ nay dùng thông tin mới.")
        self.saved.emit()

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.saver.flush()  # leaving the page saves at once, as leaving a field does elsewhere
        super().hideEvent(event)

    @Slot()
    def save(self) -> None:
        """Save now (Ctrl+S): what is valid is written at once."""
        if self._org_id is None:
            return
        problems = settings.validate_organization(self.input())
        self.show_problems(problems)
        if problems:
            self.status.setText("Chưa lưu: hãy sửa các ô báo đỏ.")
            return
        self.saver.touch()
        self.saver.flush()


class TemplateEditor(QWidget):
    """Mẫu câu chữ: the sentences offices change; a wrong {trường} is named and nothing is saved.

    Saved as typed by the common autosave rule (ui/autosave.py); Ctrl+S saves at once.
    """

    template_saved = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._infos: dict[str, TemplateInfo] = {}
        self._shown_key: str | None = None  # the template whose wording is in the editor
        self._loading = False
        layout = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setMinimumWidth(330)
        layout.addWidget(self.list, 2)
        right = QVBoxLayout()
        self.title = QLabel()
        self.title.setWordWrap(True)
        right.addWidget(self.title)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Mỗi dòng là một đoạn văn (hoặc một dòng nơi nhận).")
        right.addWidget(self.editor, 1)
        self.error = FieldError()
        right.addWidget(self.error)
        self.fields = QLabel()
        self.fields.setWordWrap(True)
        self.fields.setStyleSheet("color: #374151;")
        right.addWidget(self.fields)
        buttons = QHBoxLayout()
        self.status = QLabel("Mẫu được lưu tự động khi gõ.")
        self.status.setStyleSheet("color: #6b7280;")
        buttons.addWidget(self.status, 1)
        self.reset_button = QPushButton("Khôi phục mặc định")
        self.reset_button.clicked.connect(self.reset)
        buttons.addWidget(self.reset_button)
        right.addLayout(buttons)
        layout.addLayout(right, 3)
        self.saver = Autosaver(context.ops, self._snapshot, self._write, parent=self, origin=self)
        self.saver.saved.connect(self._written)
        self.saver.failed.connect(self._save_failed)
        self.editor.textChanged.connect(self._edited)
        self.list.currentRowChanged.connect(self._show)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.load()

    def load(self, select: str | None = None, *, keep_editor: bool = False) -> None:
        # owner: a list arriving after the page is gone (closed, or a test ended) is dropped.
        self._context.tasks.run(
            templates.list_templates,
            on_success=lambda infos: self._loaded(infos, select, keep_editor),
            owner=self,
        )

    def _loaded(self, infos: list[TemplateInfo], select: str | None, keep_editor: bool = False) -> None:
        current = select or self.current_key()
        self._infos = {info.key: info for info in infos}
        self.list.blockSignals(True)
        self.list.clear()
        for info in infos:
            item = QListWidgetItem(("● " if info.customised else "") + info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.key)
            item.setToolTip("Đã sửa so với mặc định" if info.customised else "Mẫu mặc định")
            self.list.addItem(item)
        keys = [info.key for info in infos]
        self.list.setCurrentRow(keys.index(current) if current in keys else 0)
        self.list.blockSignals(False)
        if not keep_editor:  # after a save the editor keeps what is being typed, and its cursor
            self._show(self.list.currentRow())

    def current_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _show(self, _row: int) -> None:
        self.saver.flush()  # the wording typed so far belongs to the template shown until now
        key = self.current_key()
        info = self._infos.get(key or "")
        if info is None:
            return
        self._shown_key = key
        self.title.setText(f"<b>{info.title}</b>")
        self._loading = True
        self.editor.setPlainText(info.text)
        self._loading = False
        fields = ", ".join(f"{{{name}}}: {what}" for name, what in info.placeholders.items())
        self.fields.setText(f"Các trường dùng được — {fields}")
        self.error.show_message(None)
        self.status.setText("Mẫu được lưu tự động khi gõ.")

    @Slot()
    def _edited(self) -> None:
        if not self._loading and self._shown_key is not None:
            self.saver.touch()

    def _snapshot(self) -> tuple[str | None, str]:
        return self._shown_key, nfc(self.editor.toPlainText())

    @staticmethod
    def _write(_session: Session, data: tuple[str | None, str]) -> tuple[str, str | None]:
        """(key, None) when written; (key, message) when the wording is refused and not written.

        A refused wording is the user's to fix (the message names the field); a failure to write
        the file raises, and the autosave tries again until it lands.
        """
        key, wording = data
        if key is None:
            return "", None
        try:
            templates.validate_template(key, wording)
        except TemplateError as exc:
            return key, exc.user_message
        templates.save_template(key, wording)
        return key, None

    @Slot(object)
    def _written(self, when: datetime) -> None:
        key, problem = self.saver.last_result or ("", None)
        if not key:
            return
        if problem:
            self.error.show_message(problem)
            self.status.setText("Chưa lưu: hãy sửa trường báo đỏ.")
            return
        self.error.show_message(None)
        self.status.setText(f"Đã lưu mẫu {when:%H:%M:%S}.")
        self.template_saved.emit(key)
        self.load(select=self.current_key(), keep_editor=True)  # the ● of a changed template

    @Slot(str)
    def _save_failed(self, message: str) -> None:
        self.error.show_message(message)
        self.status.setText("Chưa lưu được; đang thử lại.")

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.saver.flush()  # leaving the tab saves at once
        super().hideEvent(event)

    @Slot()
    def save(self) -> None:
        """Ctrl+S: write what is in the editor now."""
        if self._shown_key is None:
            return
        self.saver.touch()
        self.saver.flush()

    @Slot()
    def reset(self) -> None:
        key = self._shown_key
        if key is None:
            return
        self.saver.flush()  # queued before the reset on the same database thread

        def done(_result: object) -> None:
            self.status.setText("Đã khôi phục mẫu mặc định.")
            self.load(select=key)

        self._context.ops.write(lambda _session: templates.reset_template(key), on_done=done, owner=self)


class DefaultsForm(QWidget):
    """The near-due threshold, the speaker timer (deadlines: ``deadline_settings``) and the name
    this login signs the Nhật ký with."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        layout = QFormLayout(self)
        self.speaker_seconds = QSpinBox()
        self.speaker_seconds.setRange(30, 1800)
        self.speaker_seconds.setSingleStep(30)
        self.speaker_seconds.setSuffix(" giây")
        self.near_due_days = QSpinBox()
        self.near_due_days.setRange(*settings.NEAR_DUE_LIMITS)
        self.near_due_days.setSuffix(" ngày")
        self.near_due_days.setToolTip("Kiến nghị còn từ chừng này ngày trở xuống được tô vàng «sắp đến hạn»")
        layout.addRow("Báo «sắp đến hạn» khi còn", self.near_due_days)
        layout.addRow("Thời gian cho mỗi người phát biểu", self.speaker_seconds)
        self.display_name = NfcLineEdit()
        self.display_name.setObjectName("display_name")
        self.display_name.setMaxLength(100)
        self.display_name.setPlaceholderText("Ví dụ: Nguyễn Thị Lan – văn phòng")
        self.display_name.setToolTip(
            f"Ghi trong Nhật ký bên cạnh tên đăng nhập máy tính («{audit.current_user()}»)"
        )
        layout.addRow("Tên của bạn (ghi trong Nhật ký)", self.display_name)
        self.status = QLabel(self.READING)
        layout.addRow(self.status)
        # Nothing can be typed before the stored values are shown: a value arriving after the
        # user's first keys would otherwise replace them, and Enter would save the old one.
        self._fields = (self.speaker_seconds, self.near_due_days, self.display_name)
        for field in self._fields:
            field.setEnabled(False)

        # The version of each setting as last read or saved here, handed back with each save: a
        # value another PC saved meanwhile is not overwritten (settings.SettingsConflict).
        self._versions: dict[str, int] = {}
        self._loading = False
        self._connected = False
        self._load()

    _KEYS = ("speaker_seconds", settings.NEAR_DUE_DAYS)
    READING = "Đang đọc cài đặt…"

    def _load(self) -> None:
        def load(session: Session) -> tuple[int, int, str, dict[str, int]]:
            return (
                int(settings.get_setting(session, "speaker_seconds")),
                settings.near_due_days(session),
                audit.display_name(session),
                settings.setting_versions(session, self._KEYS),
            )

        self._context.ops.read(load, on_done=self._loaded, owner=self)

    def _loaded(self, values: tuple[int, int, str, dict[str, int]]) -> None:
        self._versions = dict(values[3])
        self._loading = True  # showing the values does not save them back
        try:
            self.speaker_seconds.setValue(values[0])
            self.near_due_days.setValue(values[1])
            self.display_name.setText(values[2])
        finally:
            self._loading = False
        for field in self._fields:
            field.setEnabled(True)
        if self.status.text() == self.READING:  # not a save's or a conflict's message
            self.status.clear()
        if self._connected:
            return
        self._connected = True
        self.display_name.editingFinished.connect(self._save_display_name)
        self.speaker_seconds.valueChanged.connect(
            lambda v: self._save_setting(
                "speaker_seconds",
                lambda s, seen: settings.set_setting(s, "speaker_seconds", v, expected=seen),
            )
        )
        self.near_due_days.valueChanged.connect(
            lambda v: self._save_setting(
                settings.NEAR_DUE_DAYS, lambda s, seen: settings.set_near_due_days(s, v, expected=seen)
            )
        )

    def _save_display_name(self) -> None:
        name = self.display_name.text_nfc()  # read here, on the GUI thread, not in the task
        self._save(lambda session: audit.set_display_name(session, name))

    def _save_setting(self, key: str, store: Callable[[Session, int | None], object]) -> None:
        if self._loading:
            return

        def work(session: Session) -> None:
            # The version is read when this save runs (one after another): its own previous
            # save is never a conflict.
            store(session, self._versions.get(key))
            self._versions[key] = settings.setting_versions(session, [key])[key]

        self._save(work)

    def _save(self, work: Callable[[Session], object]) -> None:
        if self._loading:
            return
        self._context.ops.write(
            work, on_done=lambda _r: self.status.setText("Đã lưu."), on_error=self._failed, owner=self
        )

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(user_message(exc))
        if isinstance(exc, EditConflict):  # another PC saved first: theirs is shown again
            self._context.ops.tasks.report_failure(exc)
            self._load()


class SettingsPage(QWidget):
    demo_requested = Signal()  # «Tạo dữ liệu mẫu»: the main window builds and shows the sample file

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("Cài đặt"))
        # The sections in a list at the side, not a tab bar: at 150 % a tab bar runs out of width
        # and cuts a title; a list keeps each title whole, one under the other (↑/↓ moves).
        self.sections = QListWidget()
        self.sections.setObjectName("settings_sections")
        self.sections.setAccessibleName("Các mục cài đặt")
        self.sections.setSpacing(3)
        self.pages = QStackedWidget()
        self.tabs = self.pages  # the pages by their old name (callers written against the tab bar)
        self.organization = OrganizationForm(context)
        self.templates = TemplateEditor(context)
        self.defaults = DefaultsForm(context)
        self._add_section(self.organization, "Cơ quan ban hành")
        self._add_section(self.templates, "Mẫu câu chữ văn bản")
        self.deadlines = DeadlineSettingsForm(context)
        self._add_section(self.deadlines, "Cách tính thời hạn")
        self._add_section(self.defaults, "Sắp đến hạn, đồng hồ, tên")
        self._add_section(self._data_tab(context), "Dữ liệu, phiên bản")
        from ui.views.backups import BackupsTab

        self.backups = BackupsTab(context)
        self._add_section(self.backups, "Sao lưu, khôi phục")
        from ui.views.database_settings import DatabaseSettings

        self.database = DatabaseSettings(context)
        self._add_section(self.database, "Cơ sở dữ liệu")
        from ui.views.users_settings import UsersSettings

        self.users = UsersSettings(context)
        self._add_section(self.users, "Người dùng")
        if context.demo:
            # Her backups are listed there: none may be restored onto (or made from) the sample.
            self.backups.setEnabled(False)
            self.backups.setToolTip("Đang xem dữ liệu mẫu: hãy về dữ liệu của tôi để sao lưu, khôi phục.")
        self.sections.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.pages.currentChanged.connect(self.sections.setCurrentRow)
        self.sections.setCurrentRow(0)
        # As wide as the longest title (no elision, no horizontal scrollbar), never wider.
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._fit_sections()
        # Ctrl+PgDown / Ctrl+PgUp step through the sections from anywhere on the page, as on tabs.
        for keys, step in (("Ctrl+PgDown", 1), ("Ctrl+PgUp", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self._step_section(step))
        body = QHBoxLayout()
        body.addWidget(self.sections)
        body.addWidget(self.pages, 1)
        layout.addLayout(body, 1)
        self.refresh()

    def _add_section(self, page: QWidget, title: str) -> None:
        self.pages.addWidget(page)
        item = QListWidgetItem(title)
        item.setToolTip(title)
        self.sections.addItem(item)

    def _fit_sections(self) -> None:
        self.sections.ensurePolished()
        frame = 2 * self.sections.frameWidth()
        self.sections.setFixedWidth(self.sections.sizeHintForColumn(0) + frame + 12)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        # The font and style in force are known once the page sits in the window.
        self._fit_sections()
        super().showEvent(event)

    def _step_section(self, step: int) -> None:
        count = self.sections.count()
        self.sections.setCurrentRow((self.sections.currentRow() + step) % count)

    def _data_tab(self, context: AppContext) -> QWidget:
        tab = QWidget()
        data_layout = QVBoxLayout(tab)
        box = QGroupBox("Dữ liệu và phiên bản")
        inner = QVBoxLayout(box)
        lines = info_lines(context.db.path)
        if context.db.engine.dialect.name != "sqlite":  # a shared server: no file on this PC
            where = f"Cơ sở dữ liệu: máy chủ {context.db.path} ({context.db.engine.dialect.name})"
            lines = [where if line.startswith("Tệp dữ liệu:") else line for line in lines]
        self.info = QLabel("\n".join(lines))
        self.info.setWordWrap(True)
        inner.addWidget(self.info)
        buttons = QHBoxLayout()
        open_data = QPushButton("Mở thư mục dữ liệu")
        open_data.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(context.db.path.parent)))
        )
        open_backups = QPushButton("Mở thư mục sao lưu")
        open_backups.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.backups_dir())))
        )
        buttons.addWidget(open_data)
        buttons.addWidget(open_backups)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        data_layout.addWidget(box)
        sample = QGroupBox("Dữ liệu mẫu")
        sample_layout = QVBoxLayout(sample)
        note = QLabel(
            "Dữ liệu mẫu (một xã mẫu với kế hoạch, hội nghị, ý kiến đã trả lời) nằm trong tệp riêng "
            f"«{paths.DEMO_FILE_NAME}», không trộn vào dữ liệu của xã. Khi xem mẫu, cửa sổ có dải báo "
            "và nút «Về dữ liệu của tôi»."
        )
        note.setWordWrap(True)
        sample_layout.addWidget(note)
        self.demo_button = QPushButton("Tạo dữ liệu mẫu và xem thử")
        self.demo_button.clicked.connect(self.demo_requested)
        if context.demo:
            self.demo_button.setEnabled(False)
            self.demo_button.setText("Đang xem dữ liệu mẫu")
        sample_row = QHBoxLayout()
        sample_row.addWidget(self.demo_button)
        sample_row.addStretch(1)
        sample_layout.addLayout(sample_row)
        data_layout.addWidget(sample)
        data_layout.addStretch(1)
        return tab

    def refresh(self) -> None:

        def load(session: Session) -> settings.OrganizationInfo | None:
            return settings.current_organization(session)

        self._context.ops.read(load, on_done=self.organization.show_org, owner=self)
