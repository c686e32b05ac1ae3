"""The editors of the live screen: a note, an opinion, an answer, the conclusions.

Each editor owns an Autosaver: what is typed reaches the database within a second, through the
database thread. A "draft" holds the ids of the rows being typed; it is filled in on the worker
thread by the first save (so no keystroke waits for the row to exist) and only read afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.rules import AnswerOutcome, MinuteKind, PetitionKind
from app.domain.text import AddressForm, nfc, sort_key, suggest_address_form, upper_first
from app.errors import EditConflict
from app.services import minutes, petitions, wording
from app.services.catalog import CatalogueEntry, LeaderEntry
from ui.autosave import Autosaver
from ui.context import AppContext
from ui.widgets import FieldError, NfcLineEdit, TypeToPickCombo, scrolling


class GrowingTextEdit(QPlainTextEdit):
    """Plain text that is NFC on every read, Enter finishes (Shift+Enter for a new line)."""

    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def text_nfc(self) -> str:
        return nfc(self.toPlainText())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.finished.emit()
            return
        super().keyPressEvent(event)


class EnterMovesOn(QObject):
    """Event filter: Enter in a one-line field moves to the next field, as on a paper form."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(watched, QWidget)
        ):
            completer = getattr(watched, "completer", lambda: None)()
            popup = completer.popup() if completer is not None else None
            if popup is not None and popup.isVisible():
                if popup.currentIndex().isValid():
                    return False  # Enter takes the highlighted suggestion
                popup.hide()
            watched.focusNextChild()
            return True
        return False


# --- notes (khai mạc, báo cáo, ghi chú) --------------------------------------------------------


@dataclass
class NoteDraft:
    kind: MinuteKind
    entry_id: int | None = None


class NoteEditor(QWidget):
    """Who speaks and what is said, for the steps that are not citizens' opinions."""

    saved = Signal()

    def __init__(self, context: AppContext, dialogue_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context, self._dialogue_id = context, dialogue_id
        self.draft = NoteDraft(MinuteKind.OPENING)
        layout = QFormLayout(self)
        self.heading = QLabel()
        layout.addRow(self.heading)
        self.speaker = NfcLineEdit()
        self.speaker.setPlaceholderText("Người phát biểu, chức vụ")
        self.content = GrowingTextEdit()
        self.content.setPlaceholderText("Nội dung (Enter: xong dòng này, Shift+Enter: xuống dòng)")
        layout.addRow("Người phát biểu", self.speaker)
        layout.addRow("Nội dung", self.content)
        self.saver = Autosaver(context.ops, self._snapshot, self._save, parent=self)
        self.speaker.textEdited.connect(self.saver.touch)
        self.content.textChanged.connect(self._content_changed)
        self.content.finished.connect(self.finish)
        self.speaker.installEventFilter(EnterMovesOn(self))
        self._loading = False

    def begin(self, kind: MinuteKind, label: str, speaker: str = "") -> None:
        self.saver.flush()
        self.draft = NoteDraft(kind)
        self.heading.setText(f"<b>{label}</b> — mỗi lần Enter ghi một dòng biên bản")
        self._loading = True
        self.speaker.setText(speaker)
        self.content.clear()
        self._loading = False
        self.content.setFocus()

    def edit(self, entry_id: int, kind: MinuteKind, label: str, speaker: str, content: str) -> None:
        """Correct a line written earlier: its text comes back; typing saves into the same line."""
        self.saver.flush()
        self.draft = NoteDraft(kind, entry_id)
        self.heading.setText(f"<b>Sửa dòng «{label}»</b> — Enter: xong")
        self._loading = True
        self.speaker.setText(speaker)
        self.content.setPlainText(content)
        self._loading = False
        self.content.moveCursor(QTextCursor.MoveOperation.End)  # typing goes on where it stopped
        self.content.setFocus()

    def _content_changed(self) -> None:
        if not self._loading:
            self.saver.touch()

    def _snapshot(self) -> tuple[NoteDraft, str, str]:
        return self.draft, self.speaker.text_nfc(), self.content.text_nfc()

    def _save(self, session: Session, data: tuple[NoteDraft, str, str]) -> None:
        draft, speaker, content = data
        if draft.entry_id is None:
            draft.entry_id = minutes.add_entry(
                session, self._dialogue_id, draft.kind, speaker=speaker, content=content
            )
        else:
            minutes.update_entry(session, draft.entry_id, speaker=speaker, content=content)
        minutes.mark_open_draft(session, self._dialogue_id, minutes.DRAFT_NOTE, draft.entry_id)

    @Slot()
    def finish(self) -> None:
        """Enter: this line is done; the next one starts with the same speaker."""
        if not self.content.text_nfc().strip():
            return
        self.saver.flush()
        draft = self.draft
        # Queued behind the line's last autosave, so its id is known by then.
        self._context.ops.write(
            lambda session: (
                None
                if draft.entry_id is None
                else minutes.clear_open_draft(session, minutes.DRAFT_NOTE, draft.entry_id)
            )
        )
        self.saved.emit()
        self.begin(
            self.draft.kind, self.heading.text().split("</b>")[0].removeprefix("<b>"), self.speaker.text()
        )


# --- opinions -----------------------------------------------------------------------------------


@dataclass
class OpinionDraft:
    petition_id: int | None = None
    entry_id: int | None = None
    address_form: AddressForm | None = None  # chosen with F9; None: as suggested or as stored
    # The petition's version after this editor's last write (set on the database thread, where
    # writes run one after another): each autosave hands back its previous one's, so it never
    # conflicts with itself, only with another PC's save.
    version: int | None = None


class OpinionEditor(QWidget):
    """A citizen's opinion typed while they speak: name, thôn, field, kind, content."""

    started = Signal()  # a new speaker: the timer restarts
    saved = Signal()
    finished = Signal()
    content_changed = Signal(str)  # for the "similar petitions" hint
    speaker_changed = Signal(str, str)  # speaker line, topic — for the projector

    def __init__(self, context: AppContext, dialogue_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context, self._dialogue_id = context, dialogue_id
        self.draft = OpinionDraft()
        self._loading = False
        layout = QFormLayout(self)
        self.heading = QLabel("<b>Ý kiến của Nhân dân</b> — Ctrl+N: người phát biểu mới")
        layout.addRow(self.heading)
        self.name = NfcLineEdit()
        self.name.setPlaceholderText("Họ tên người nêu (để trống nếu ẩn danh)")
        self.name_model = QStringListModel(self)
        name_completer = QCompleter(self.name_model, self)
        name_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        name_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.name.setCompleter(name_completer)
        name_completer.activated.connect(self._speaker_picked)
        self.hamlet = NfcLineEdit()
        self.hamlet.setPlaceholderText("Thôn / tổ dân phố (tên mới sẽ được thêm vào danh mục)")
        self.hamlet_model = QStringListModel(self)
        hamlet_completer = QCompleter(self.hamlet_model, self)
        hamlet_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        hamlet_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.hamlet.setCompleter(hamlet_completer)
        self.field = TypeToPickCombo()
        self.field.setToolTip("Gõ số hoặc vài chữ của tên lĩnh vực (có dấu hoặc không dấu)")
        self.kind = QComboBox()
        for kind in PetitionKind:
            self.kind.addItem(upper_first(kind.label), kind)
        self.kind.setCurrentIndex(list(PetitionKind).index(PetitionKind.PROPOSAL))
        self.content = GrowingTextEdit()
        self.content.setPlaceholderText("Nội dung ý kiến (Enter: xong, Shift+Enter: xuống dòng)")
        row = QHBoxLayout()
        row.addWidget(self.field, 3)
        row.addWidget(QLabel("Loại"))
        row.addWidget(self.kind, 1)
        layout.addRow("Người nêu", self.name)
        self.address = QLabel()
        self.address.setToolTip("F9: đổi cách xưng hô trong văn bản (Ông / Bà / không xưng hô)")
        layout.addRow("Xưng hô", self.address)
        layout.addRow("Thôn/tổ", self.hamlet)
        layout.addRow("Lĩnh vực", row)
        layout.addRow("Nội dung", self.content)
        self.error = FieldError()
        layout.addRow(self.error)

        self.saver = Autosaver(context.ops, self._snapshot, self._save, parent=self)
        self.saver.conflicted.connect(self._conflicted)
        moves_on = EnterMovesOn(self)
        for edit in (self.name, self.hamlet):
            edit.installEventFilter(moves_on)
            edit.textEdited.connect(self._edited)
        self.hamlet.editingFinished.connect(self._hamlet_done)
        self.field.installEventFilter(moves_on)
        self.kind.installEventFilter(moves_on)
        self.field.currentIndexChanged.connect(self._edited)
        self.kind.currentIndexChanged.connect(self._edited)
        self.content.textChanged.connect(self._content_edited)
        self.content.finished.connect(self.finish)
        self._speakers: dict[str, str] = {}
        address_key = QShortcut(QKeySequence("F9"), self)
        address_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        address_key.activated.connect(self.cycle_address_form)
        self.name.textChanged.connect(self._show_address_form)
        self._show_address_form()

    def _current_form(self) -> AddressForm:
        return self.draft.address_form or suggest_address_form(self.name.text_nfc())

    @Slot()
    def _show_address_form(self) -> None:
        form = self._current_form()
        shown = form.label or "không xưng hô (nhóm, tổ chức, ẩn danh)"
        how = "đã chọn" if self.draft.address_form else "gợi ý từ tên"
        self.address.setText(f"{shown} <i>({how}; F9 để đổi)</i>")

    @Slot()
    def cycle_address_form(self) -> None:
        """F9: Ông → Bà → không xưng hô; the documents print what is chosen, never "Ông/bà"."""
        self.draft.address_form = wording.next_address_form(self._current_form())
        self._show_address_form()
        self._edited()

    def set_catalogues(
        self, fields: list[CatalogueEntry], hamlets: list[CatalogueEntry], speakers: list[tuple[str, str]]
    ) -> None:
        self._loading = True
        current = self.field.currentData()
        self.field.clear()
        self.field.addItem("(chưa chọn)", None)
        for number, entry in enumerate(fields, start=1):
            prefix = f"{number}. " if number <= 9 else ""
            self.field.addItem(f"{prefix}{entry.name}", entry.id)
        if current is not None:
            self.field.setCurrentIndex(max(0, self.field.findData(current)))
        self.hamlet_model.setStringList(sorted((h.name for h in hamlets), key=sort_key))
        self._speakers = {f"{name} — {hamlet}" if hamlet else name: hamlet for name, hamlet in speakers}
        self.name_model.setStringList(list(self._speakers))
        self._loading = False

    @Slot(str)
    def _speaker_picked(self, text: str) -> None:
        hamlet = self._speakers.get(text, "")
        name = text.split(" — ")[0]
        self.name.setText(name)
        if hamlet:
            self.hamlet.setText(hamlet)
        self._edited()

    def complete(self) -> None:
        """The secretary is done with this opinion (or its thôn): save it and settle its thôn.

        A thôn typed here becomes a Danh mục entry only now, never on an autosave, so half-typed
        names ("Thôn N", "Thôn Nộ") never reach the catalogue.
        """
        self.saver.flush()
        draft = self.draft

        def finish(session: Session) -> None:
            if draft.petition_id is None:
                return
            # Linking the thôn is a new version; it is this editor's own only if nobody else saved.
            ours = draft.version is None or petitions.version_of(session, draft.petition_id) == draft.version
            minutes.finish_opinion(session, draft.petition_id)
            if ours:
                draft.version = petitions.version_of(session, draft.petition_id)

        self._context.ops.write(finish)

    @Slot()
    def _hamlet_done(self) -> None:
        if not self._loading and self.hamlet.text_nfc().strip():
            self.complete()

    def begin(self) -> None:
        """A new speaker: the previous opinion is saved and completed, the form is cleared."""
        self.complete()
        self.draft = OpinionDraft()
        self._loading = True
        self.heading.setText("<b>Ý kiến của Nhân dân</b> — Ctrl+N: người phát biểu mới")
        self.name.clear()
        self.hamlet.clear()
        self.field.setCurrentIndex(0)
        self.kind.setCurrentIndex(list(PetitionKind).index(PetitionKind.PROPOSAL))
        self.content.clear()
        self.error.show_message(None)
        self._loading = False
        self._show_address_form()
        self.name.setFocus()
        self.started.emit()
        self.speaker_changed.emit("", "")

    def edit(self, row: minutes.OpinionRow) -> None:
        """Correct an opinion recorded earlier (a misheard name, a typo): saves into the same row."""
        previous = self.draft
        self.complete()
        if previous.petition_id == row.id:
            # The same opinion again (or reloaded after a conflict): keep the chain of versions,
            # which knows this editor's own saves still on their way.
            previous.version = max(previous.version or 0, row.version)
            self.draft = previous
        else:
            self.draft = OpinionDraft(petition_id=row.id, version=row.version)
        self._loading = True
        self.heading.setText(
            f"<b>Sửa ý kiến của {row.petitioner or 'công dân'}</b> — Ctrl+N: người phát biểu mới"
        )
        self.name.setText(row.petitioner_name)
        self.hamlet.setText(row.hamlet)
        self.field.setCurrentIndex(max(0, self.field.findData(row.field_id)))
        self.kind.setCurrentIndex(list(PetitionKind).index(row.kind))
        self.content.setPlainText(row.content)
        self.error.show_message(None)
        self._loading = False
        self.content.moveCursor(QTextCursor.MoveOperation.End)  # typing goes on where it stopped
        self.content.setFocus()

    def _edited(self) -> None:
        if self._loading:
            return
        self.saver.touch()
        self.speaker_changed.emit(
            self._speaker_line(),
            self.field.currentText().split(". ", 1)[-1] if self.field.currentData() else "",
        )

    def _content_edited(self) -> None:
        if self._loading:
            return
        self.saver.touch()
        self.content_changed.emit(self.content.text_nfc())

    def _speaker_line(self) -> str:
        name = self.name.text_nfc().strip() or "Một công dân"
        hamlet = self.hamlet.text_nfc().strip()
        return f"{name} – {hamlet}" if hamlet else name

    def _snapshot(self) -> tuple[OpinionDraft, minutes.OpinionInput]:
        return self.draft, minutes.OpinionInput(
            petitioner_name=self.name.text_nfc(),
            hamlet=self.hamlet.text_nfc(),
            field_id=self.field.currentData(),
            kind=PetitionKind(self.kind.currentData()),  # Qt hands str enums back as str
            content=self.content.text_nfc(),
        )

    def _save(self, session: Session, data: tuple[OpinionDraft, minutes.OpinionInput]) -> None:
        draft, opinion = data
        if draft.petition_id is None:
            draft.petition_id, draft.entry_id = minutes.record_opinion(session, self._dialogue_id, opinion)
        else:
            minutes.update_opinion(session, draft.petition_id, replace(opinion, version=draft.version))
        if draft.address_form is not None:
            wording.set_address_form(session, draft.petition_id, draft.address_form)
        minutes.mark_open_draft(session, self._dialogue_id, minutes.DRAFT_OPINION, draft.petition_id)
        draft.version = petitions.version_of(session, draft.petition_id)

    @Slot(object)
    def _conflicted(self, exc: EditConflict) -> None:
        """Another PC saved this opinion meanwhile: say so (both versions), then show theirs."""
        message = exc.user_message
        ident = self.draft.petition_id
        if ident is None:
            self.error.show_message(message)
            return

        def load(session: Session) -> minutes.OpinionRow | None:
            return minutes.opinion_row(session, ident)

        def show(row: minutes.OpinionRow | None) -> None:
            if row is not None and self.draft.petition_id == ident:
                self.edit(row)
            self.error.show_message(message)

        self._context.ops.read(load, on_done=show, owner=self)

    @Slot()
    def finish(self) -> None:
        """Enter in the content: the opinion is complete; the answer comes next."""
        if not self.content.text_nfc().strip():
            self.error.show_message("Hãy nhập nội dung ý kiến trước khi chuyển sang phần trả lời.")
            return
        self.error.show_message(None)
        self.complete()
        self.saved.emit()
        self.finished.emit()


# --- answers -------------------------------------------------------------------------------------


class AnswerEditor(QWidget):
    """Who answers, what, and the outcome: done, assigned with a deadline, forwarded, noted."""

    answered = Signal(int)  # petition id

    def __init__(self, context: AppContext, dialogue_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context, self._dialogue_id = context, dialogue_id
        self.petition_id: int | None = None
        self._meeting_day = date.today()
        layout = QVBoxLayout(self)
        self.heading = QLabel("<b>Trả lời</b> — chọn ý kiến ở danh sách bên phải (F3)")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.leader = TypeToPickCombo()
        self._last_leader: int | None = None  # who answered last: usually answers the next one too
        self._chair = ""
        self._default_deadline = date.today()
        self.content = GrowingTextEdit()
        self.content.setPlaceholderText("Nội dung trả lời (Enter hoặc Ctrl+Enter: ghi trả lời)")
        self.outcome = QComboBox()
        for number, outcome in enumerate(AnswerOutcome, start=1):
            self.outcome.addItem(f"{number}. {upper_first(outcome.label)}", outcome)
        self.unit = TypeToPickCombo()
        self.support = QListWidget()
        self.support.setMaximumHeight(90)
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("dd/MM/yyyy")
        today = self._default_deadline
        self.deadline.setDate(QDate(today.year, today.month, today.day))
        self.forwarded_to = NfcLineEdit()
        self.forwarded_to.setPlaceholderText("Ví dụ: Ủy ban nhân dân tỉnh, Sở Tài nguyên và Môi trường")
        self.errors = {key: FieldError() for key in ("content", "lead_unit_id", "deadline", "forwarded_to")}
        form.addRow("Người trả lời", self.leader)
        form.addRow("Nội dung", self.content)
        form.addRow("", self.errors["content"])
        form.addRow("Kết quả", self.outcome)
        self.unit_label, self.support_label = QLabel("Đơn vị chủ trì"), QLabel("Đơn vị phối hợp")
        self.deadline_label, self.forward_label = QLabel("Thời hạn"), QLabel("Chuyển đến")
        form.addRow(self.unit_label, self.unit)
        form.addRow("", self.errors["lead_unit_id"])
        form.addRow(self.support_label, self.support)
        form.addRow(self.deadline_label, self.deadline)
        form.addRow("", self.errors["deadline"])
        form.addRow(self.forward_label, self.forwarded_to)
        form.addRow("", self.errors["forwarded_to"])
        # The fields scroll on a small screen; "Ghi trả lời" stays in sight below them.
        fields = QWidget()
        fields.setLayout(form)
        form.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(fields), 1)
        self.submit_button = QPushButton("Ghi trả lời (Ctrl+Enter)")
        self.submit_button.clicked.connect(self.submit)
        layout.addWidget(self.submit_button)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.content.finished.connect(self.submit)
        self._outcome_changed()

    def set_catalogues(self, leaders: list[LeaderEntry], units: list[CatalogueEntry]) -> None:
        """Fill the pick lists; an answer being written keeps its answerer, unit and supporters.

        The lists are filled again whenever the catalogues change (a thôn added as an opinion is
        finished, often just as its answer begins): that must not undo what was chosen.
        """
        leader, unit = self.leader.currentData(), self.unit.currentData()
        supporters = set(self.support_ids())
        self.leader.clear()
        self.leader.addItem("(chưa chọn)", None)
        for entry in leaders:
            self.leader.addItem(entry.label, entry.id)
        self.unit.clear()
        self.unit.addItem("(chọn đơn vị)", None)
        self.support.clear()
        for entry in units:
            self.unit.addItem(entry.name, entry.id)
            item = QListWidgetItem(entry.name)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = entry.id in supporters
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.support.addItem(item)
        if leader is not None:
            self.leader.setCurrentIndex(max(0, self.leader.findData(leader)))
        elif self.petition_id is not None:  # the lists came after the answer began
            self.leader.setCurrentIndex(self._default_leader_index())
        if unit is not None:
            self.unit.setCurrentIndex(max(0, self.unit.findData(unit)))

    def support_ids(self) -> list[int]:
        """The units ticked to support the lead unit."""
        return [
            self.support.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.support.count())
            if self.support.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_meeting(self, default_deadline: date, meeting_day: date, chair: str = "") -> None:
        """The day deadlines count from (the real start once the meeting began) and the default."""
        self._meeting_day = meeting_day
        self._chair = chair
        self._propose_deadline(default_deadline)

    def select(self, petition_id: int, summary: str) -> None:
        """A new answer starts clean: outcome, unit, authority and deadline back to their defaults."""
        self.petition_id = petition_id
        self.heading.setText(f"<b>Trả lời ý kiến:</b> {summary}")
        self.content.clear()
        for error in self.errors.values():
            error.show_message(None)
        self.set_outcome(AnswerOutcome.ANSWERED)
        self.unit.setCurrentIndex(0)
        self.forwarded_to.clear()
        for row in range(self.support.count()):
            self.support.item(row).setCheckState(Qt.CheckState.Unchecked)
        default = self._default_deadline
        self.deadline.setDate(QDate(default.year, default.month, default.day))
        self.leader.setCurrentIndex(self._default_leader_index())

    def set_default_deadline(self, deadline: date) -> None:
        """The proposed deadline of this answer (from the opinion's field); the user may change it."""
        self._propose_deadline(deadline)

    def _propose_deadline(self, deadline: date) -> None:
        # The proposal is read in the background: a date the secretary picked meanwhile stays.
        previous, self._default_deadline = self._default_deadline, deadline
        if self.deadline.date().toPython() == previous:
            self.deadline.setDate(QDate(deadline.year, deadline.month, deadline.day))

    def _default_leader_index(self) -> int:
        """The last person who answered, else the chair, else "(chưa chọn)"."""
        if self._last_leader is not None:
            index = self.leader.findData(self._last_leader)
            if index >= 0:
                return index
        if self._chair:
            for index in range(self.leader.count()):
                if self.leader.itemText(index).startswith(self._chair):
                    return index
        return 0

    def focus_answer(self) -> None:
        """The words of the answer go into the answer text, never into a pick list."""
        self.content.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_outcome(self, outcome: AnswerOutcome) -> None:
        self.outcome.setCurrentIndex(list(AnswerOutcome).index(outcome))

    def current_outcome(self) -> AnswerOutcome:
        return AnswerOutcome(self.outcome.currentData())  # Qt hands str enums back as plain str

    def _outcome_changed(self) -> None:
        outcome = self.current_outcome()
        assigned = outcome in (AnswerOutcome.ASSIGNED, AnswerOutcome.NOTED)
        for widget in (
            self.unit,
            self.unit_label,
            self.support,
            self.support_label,
            self.deadline,
            self.deadline_label,
        ):
            widget.setVisible(assigned)
        forwarded = outcome == AnswerOutcome.FORWARDED
        self.forwarded_to.setVisible(forwarded)
        self.forward_label.setVisible(forwarded)

    def input(self) -> minutes.AnswerInput | None:
        if self.petition_id is None:
            return None
        outcome = self.current_outcome()
        qdate = self.deadline.date()
        assigned = outcome in (AnswerOutcome.ASSIGNED, AnswerOutcome.NOTED)
        chosen_unit = self.unit.currentData() if assigned else None
        return minutes.AnswerInput(
            petition_id=self.petition_id,
            content=self.content.text_nfc(),
            # "Ghi nhận nghiên cứu" with a unit picked is followed up like an assignment.
            outcome=AnswerOutcome.ASSIGNED if outcome == AnswerOutcome.NOTED and chosen_unit else outcome,
            leader_id=self.leader.currentData(),
            lead_unit_id=chosen_unit,
            supporting_unit_ids=self.support_ids() if assigned else [],
            deadline=date(qdate.year(), qdate.month(), qdate.day()) if chosen_unit else None,
            forwarded_to=self.forwarded_to.text_nfc() if outcome == AnswerOutcome.FORWARDED else "",
        )

    @Slot()
    def submit(self) -> None:
        data = self.input()
        if data is None:
            self.heading.setText(
                "<b>Trả lời</b> — <span style='color:#b00020'>hãy chọn ý kiến cần trả lời ở danh sách bên phải.</span>"
            )
            return
        if self.current_outcome() == AnswerOutcome.NOTED and data.lead_unit_id is None:
            data.outcome = AnswerOutcome.NOTED
        problems = minutes.validate_answer(data, self._meeting_day)
        for key, error in self.errors.items():
            error.show_message(problems.get(key))
        if problems:
            return
        self.submit_button.setEnabled(False)

        def work(session: Session) -> int:
            minutes.answer(session, data)
            return data.petition_id

        leader_id = data.leader_id

        def done(petition_id: int) -> None:
            self.submit_button.setEnabled(True)
            self.content.clear()
            if leader_id is not None:
                self._last_leader = leader_id
            self.answered.emit(petition_id)

        def failed(exc: BaseException) -> None:
            from app.errors import ValidationError
            from ui.tasks import user_message

            self.submit_button.setEnabled(True)
            if isinstance(exc, ValidationError):
                for key, error in self.errors.items():
                    error.show_message(exc.problems.get(key))
            else:
                self.errors["content"].show_message(user_message(exc))

        self._context.ops.write(work, on_done=done, on_error=failed, owner=self)


# --- conclusions -------------------------------------------------------------------------------


class ConclusionEditor(QWidget):
    """The chair's conclusion, one item per line; "Kết thúc hội nghị" closes the dialogue."""

    end_requested = Signal(list)

    def __init__(self, context: AppContext, dialogue_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context, self._dialogue_id = context, dialogue_id
        self._loading = False
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Đánh giá chung của chủ trì</b> — mục I của Thông báo kết luận"))
        self.assessment = QPlainTextEdit()
        self.assessment.setPlaceholderText(
            "Ví dụ: Hội nghị diễn ra nghiêm túc, dân chủ; Nhân dân thẳng thắn nêu ý kiến … "
            "(để trống: dùng câu mẫu trong Cài đặt)"
        )
        self.assessment.setMaximumHeight(90)
        layout.addWidget(self.assessment)
        layout.addWidget(QLabel("<b>Kết luận của chủ trì</b> — mỗi dòng một nội dung kết luận"))
        self.items = QPlainTextEdit()
        self.items.setPlaceholderText(
            "Ví dụ:\nGiao công chức Địa chính – Xây dựng kiểm tra, báo cáo trước ngày …\n"
            "Văn phòng theo dõi, đôn đốc, tổng hợp kết quả."
        )
        layout.addWidget(self.items, 1)
        self.end_button = QPushButton("Kết thúc hội nghị (Ctrl+Shift+E)")
        self.end_button.clicked.connect(self.request_end)
        layout.addWidget(self.end_button)
        self.saver = Autosaver(context.ops, self.lines, self._save, parent=self)
        self.items.textChanged.connect(lambda: None if self._loading else self.saver.touch())
        self.assessment_saver = Autosaver(
            context.ops, lambda: nfc(self.assessment.toPlainText()), self._save_assessment, parent=self
        )
        self.assessment.textChanged.connect(lambda: None if self._loading else self.assessment_saver.touch())
        self._load_assessment()

    def _load_assessment(self) -> None:
        dialogue_id = self._dialogue_id

        def read(session: Session) -> str:
            return wording.assessment_of(session, dialogue_id)

        def show(value: str) -> None:
            if not self.assessment.toPlainText().strip():
                self._loading = True
                self.assessment.setPlainText(value)
                self._loading = False

        self._context.ops.read(read, on_done=show, owner=self)

    def _save_assessment(self, session: Session, value: str) -> None:
        wording.set_assessment(session, self._dialogue_id, value)

    def load(self, items: list[str]) -> None:
        self._loading = True
        self.items.setPlainText("\n".join(items))
        self._loading = False

    def _save(self, session: Session, items: list[str]) -> None:
        minutes.save_conclusions(session, self._dialogue_id, items)

    def lines(self) -> list[str]:
        return [line.strip() for line in nfc(self.items.toPlainText()).splitlines() if line.strip()]

    @Slot()
    def request_end(self) -> None:
        self.saver.flush()
        self.assessment_saver.flush()
        self.end_requested.emit(self.lines())
