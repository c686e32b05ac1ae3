"""Biên bản trực tiếp: the window the secretary types in for three hours.

Left: the agenda (current step highlighted) and attendance. Centre: the minutes as they grow and
the editor of the current step. Right: opinions raised here, the pre-collected list to tick, and
a quiet hint when a similar petition was raised before. Everything autosaves; nothing needs the
mouse (F1 lists the keys).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from html import escape
from typing import Any

from PySide6.QtCore import QSettings, QSize, QStringListModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.rules import AGENDA, AnswerOutcome, DialogueState, DocumentKind, MinuteKind
from app.domain.text import clean, clock_time, nfc, short_date
from app.services import minutes, settings
from app.services.minutes import EntryRow, LiveDialogue, OpinionRow, SimilarPetition
from app.storage.changes import Changes
from ui.autosave import Autosaver, SaveIndicator
from ui.context import AppContext
from ui.export_dialog import WordExporter
from ui.models.table import Column, RowTableModel
from ui.operations import watch
from ui.screen import fit_to_screen
from ui.views.common import ColumnFit, make_table_view
from ui.views.live.editors import AnswerEditor, ConclusionEditor, NoteEditor, OpinionEditor
from ui.views.live.projector import ProjectorWindow
from ui.views.live.timer import TONE_STYLES, SpeakerTimer, clock_text
from ui.widgets import Banner, NfcLineEdit, scrolling

# What other screens (or this one's own editors) change that the live window shows.
CATALOGUES = ("hamlet", "field", "unit", "leader", "setting")
MINUTES = ("dialogue", "petition", "minute_entry", "answer", "assignment", "conclusion", "attendee")
WATCHED = CATALOGUES + MINUTES
# How often the live window on a server looks for what other PCs wrote (shown within 2 s).
POLL_MS = 1000

STEP_OPENING, STEP_REPORT, STEP_OPINIONS, STEP_ANSWERS, STEP_CONCLUSION = range(len(AGENDA))

ENTRY_COLUMNS: list[Column[EntryRow]] = [
    Column("Giờ", lambda r: clock_time(r.at), sort=lambda r: r.position),
    Column("Phần", lambda r: r.kind.label),
    Column("Người phát biểu", lambda r: r.speaker),
    Column("Nội dung", lambda r: r.content, tooltip=lambda r: r.content),
]


def _opinion_tone(row: OpinionRow) -> str | None:
    return "ok" if row.answers else "warning"


OPINION_COLUMNS: list[Column[OpinionRow]] = [
    Column(
        "Người nêu",
        lambda r: f"{r.petitioner} ({r.hamlet})" if r.hamlet else r.petitioner,
        tooltip=lambda r: (
            f"{r.petitioner} ({r.hamlet}): {r.content}" if r.hamlet else f"{r.petitioner}: {r.content}"
        ),
    ),
    Column("Trả lời", lambda r: f"{r.answers} lần" if r.answers else "chưa", tone=_opinion_tone),
    Column("Nội dung", lambda r: r.content, tooltip=lambda r: r.content),
]
COLLECTED_COLUMNS = [OPINION_COLUMNS[0], OPINION_COLUMNS[2]]

SHORTCUTS = [
    ("F5", "Bắt đầu hội nghị"),
    ("Ctrl+N hoặc F2", "Người phát biểu mới (ghi ý kiến)"),
    ("Enter", "Sang ô tiếp theo; trong ô nội dung: xong ý kiến, sang trả lời"),
    ("Shift+Enter", "Xuống dòng trong nội dung"),
    ("F3", "Trả lời ý kiến đang chọn"),
    ("F9", "Đổi cách xưng hô người nêu: Ông / Bà / không xưng hô"),
    ("F4 hoặc nhấp đúp dòng biên bản", "Sửa ý kiến / dòng biên bản đã ghi (tự lưu vào đúng dòng đó)"),
    ("Alt+1 … Alt+4", "Kết quả trả lời: xong tại hội nghị / giao đơn vị / chuyển cấp / ghi nhận"),
    ("Ctrl+Enter", "Ghi trả lời"),
    ("Ctrl+1 … Ctrl+5", "Chuyển bước: khai mạc, báo cáo, ý kiến, trả lời, kết luận"),
    ("Ctrl+T", "Đánh dấu ý kiến thu thập trước là «nêu tại hội nghị»"),
    ("Ctrl+O", "Mở cửa sổ ý kiến đang chọn: các lần trả lời, giao việc, lịch sử giải quyết"),
    ("F12", "Thành phần tham dự: số lượng, thư ký, đại biểu có mặt và vắng mặt (Tab để sang ô sau)"),
    ("Delete", "Xóa dòng biên bản đang chọn (Ctrl+Z để hoàn tác)"),
    ("Ctrl+Z / Ctrl+Y", "Hoàn tác / làm lại"),
    ("F6 / F7 / F8", "Đồng hồ: tạm dừng–tiếp / thêm 1 phút / bắt đầu lại"),
    ("F11", "Màn hình trình chiếu"),
    ("Ctrl+Shift+E", "Kết thúc hội nghị"),
    ("Ctrl + / Ctrl −", "Phóng to / thu nhỏ chữ"),
    ("F1", "Bảng phím tắt này"),
]


class _ElidedLabel(QLabel):
    """A one-line label that ends in «…» when narrower than its text; the tooltip keeps it whole."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMinimumWidth(40)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 40))
        if shown != self.text():
            self.setText(shown)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._elide()


class _DeleteEntry(QUndoCommand):
    def __init__(self, window: LiveMinutesWindow, entry_id: int, text: str) -> None:
        super().__init__(f"Xóa dòng «{text[:30]}»")
        self._window, self._entry_id = window, entry_id

    def redo(self) -> None:
        self._window.run_and_reload(lambda s: minutes.delete_entry(s, self._entry_id))

    def undo(self) -> None:
        self._window.run_and_reload(lambda s: minutes.restore_entry(s, self._entry_id))


class _TickCollected(QUndoCommand):
    def __init__(self, window: LiveMinutesWindow, petition_id: int, dialogue_id: int) -> None:
        super().__init__("Đánh dấu nêu tại hội nghị")
        self._window, self._petition_id, self._dialogue_id = window, petition_id, dialogue_id

    def redo(self) -> None:
        self._window.run_and_reload(lambda s: minutes.tick_collected(s, self._petition_id, self._dialogue_id))

    def undo(self) -> None:
        self._window.run_and_reload(lambda s: minutes.untick_collected(s, self._petition_id))


class LiveMinutesWindow(QMainWindow):
    """One dialogue's live minutes."""

    state_loaded = Signal(object)  # LiveDialogue after each reload
    dialogue_closed = Signal(int)

    def __init__(
        self,
        context: AppContext,
        dialogue_id: int,
        *,
        recovered: bool = False,
        ui_settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context, self.dialogue_id = context, dialogue_id
        self.state: LiveDialogue | None = None
        self._settings = ui_settings
        self._closed = False
        self.confirm_end = self.ask_end  # tests answer it themselves
        # Ctrl+O: the main window sets its own opener (one window per petition, program-wide);
        # a live window on its own opens them itself.
        self.petition_opener: Callable[[int], QWidget] | None = None
        self.petition_windows: dict[int, QWidget] = {}
        self._recovered = recovered  # reopen the item being typed once the dialogue is read
        self.undo_stack = QUndoStack(self)
        # The reads start first: the database thread reads the minutes (then the catalogues)
        # while this thread builds the widgets; the results arrive once the window is built.
        self.reload()
        self.load_catalogues()
        self.setWindowTitle("Biên bản trực tiếp")
        # 1366×768 at 150 % leaves about 910×485 logical pixels: the window must fit in less.
        self.setMinimumSize(760, 440)

        central = QWidget()
        root = QVBoxLayout(central)
        root.setContentsMargins(8, 6, 8, 6)
        root.addLayout(self._build_top_bar())
        self.banner = Banner("", "info")
        self.banner.hide()
        root.addWidget(self.banner)
        self.documents_bar = QWidget()
        documents = QHBoxLayout(self.documents_bar)
        documents.setContentsMargins(0, 0, 0, 0)
        self.exporter = WordExporter(context, self)
        self.export_minutes_button = QPushButton("Xuất Biên bản")
        self.export_minutes_button.clicked.connect(
            lambda: self.exporter.export(DocumentKind.MINUTES, self.dialogue_id)
        )
        self.export_notice_button = QPushButton("Xuất Thông báo kết luận")
        self.export_notice_button.clicked.connect(
            lambda: self.exporter.export(DocumentKind.CONCLUSION_NOTICE, self.dialogue_id)
        )
        self.reopen_button = QPushButton("Mở lại để ghi tiếp")
        self.reopen_button.clicked.connect(self.reopen)
        for button in (self.export_minutes_button, self.export_notice_button, self.reopen_button):
            documents.addWidget(button)
        documents.addStretch(1)
        self.documents_bar.hide()
        root.addWidget(self.documents_bar)
        # Two columns, not three: at 150 % a 1366×728 screen holds 910×485 points, too few for a
        # sidebar beside the minutes. The agenda heads the right column; the attendance, filled
        # once at the start, is a tab there beside the opinions.
        attendance = self._build_attendance()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_centre())
        splitter.addWidget(self._build_right(attendance))
        splitter.setSizes([900, 440])
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        self.columns_splitter = splitter
        self._columns_moved = False
        splitter.splitterMoved.connect(lambda _pos, _index: setattr(self, "_columns_moved", True))
        root.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self.timer = SpeakerTimer(180, self)
        self.timer.ticked.connect(self._show_timer)
        self.projector: ProjectorWindow | None = None
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._update_clock)
        self._clock.start()
        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(600)
        self._similar_timer.timeout.connect(self._look_for_similar)
        self._pending_similar = ""

        # Lists follow the autosaves (a new opinion appears while it is typed), at most once a second.
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(1000)
        self._reload_timer.timeout.connect(self.reload)
        # On a server another PC may write to the same minutes: a cheap fingerprint read every
        # second shows its lines and opinions here within two seconds (one read at a time).
        self._stamp: tuple[int, ...] | None = None
        self._polling = False
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self._poll_other_pcs)
        if getattr(self.context.db, "on_server", False):
            self._poll_timer.start()
        self._connect_editors()
        self._add_actions()
        if recovered:
            self.show_banner(
                "Chương trình đã khôi phục hội nghị đang ghi dở sau khi bị tắt đột ngột (mất điện hoặc lỗi). "
                "Mọi nội dung đã lưu vẫn còn nguyên; hãy ghi tiếp.",
                "warning",
            )
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # Windows log-off / shutdown: save what is typed before the session ends.
            app.commitDataRequest.connect(self._commit_data)
            app.aboutToQuit.connect(self.flush_all)
            # Moving to another field, record or window saves at once.
            app.focusChanged.connect(self._focus_changed)
        watch(self.context.ops, self, WATCHED, self._data_changed)

    # --- layout -------------------------------------------------------------------------
    def _build_top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        # One line, elided (the tooltip holds it whole): a wrapped title took three lines of a
        # 485-point-high window at 150 %.
        self.title_label = _ElidedLabel()
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.place_label = _ElidedLabel()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        titles.addWidget(self.place_label)
        bar.addLayout(titles, 1)
        self.clock_label = QLabel()
        self.clock_label.setToolTip("Thời gian từ lúc bắt đầu hội nghị")
        bar.addWidget(self.clock_label)
        self.start_button = QPushButton("Bắt đầu hội nghị (F5)")
        self.start_button.clicked.connect(self.start)
        bar.addWidget(self.start_button)
        self.timer_label = QLabel("3:00")
        timer_font = QFont(self.timer_label.font())
        timer_font.setPointSizeF(timer_font.pointSizeF() * 1.6)
        timer_font.setBold(True)
        self.timer_label.setFont(timer_font)
        self.timer_label.setMinimumWidth(80)
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.timer_label.setToolTip(
            "Thời gian còn lại của người phát biểu (F6 tạm dừng, F7 thêm 1 phút, F8 bắt đầu lại)"
        )
        bar.addWidget(self.timer_label)
        self.projector_button = QPushButton("Trình chiếu (F11)")
        self.projector_button.clicked.connect(self.toggle_projector)
        bar.addWidget(self.projector_button)
        self.save_label_holder = QHBoxLayout()
        bar.addLayout(self.save_label_holder)
        return bar

    def _build_agenda(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(QLabel("<b>Chương trình hội nghị</b>"))
        self.agenda = QListWidget()
        for number, (_kind, label) in enumerate(AGENDA, start=1):
            self.agenda.addItem(f"{number}. {label}")
        self.agenda.setStyleSheet(
            "QListWidget::item:selected { background: #1f3b57; color: white; font-weight: 600; }"
        )
        self.agenda.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.agenda.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Exactly the five steps tall: every step in sight, no room wasted.
        self.agenda.setFixedHeight(
            self.agenda.sizeHintForRow(0) * self.agenda.count() + 2 * self.agenda.frameWidth() + 2
        )
        layout.addWidget(self.agenda)
        return box

    def _build_attendance(self) -> QWidget:
        attendance = QWidget()
        attendance.setObjectName("attendance")
        form = QFormLayout(attendance)
        self.counts: dict[str, QSpinBox] = {}
        for key, label in (
            ("leaders", "Lãnh đạo"),
            ("units", "Ban, ngành, đoàn thể"),
            ("hamlet_heads", "Trưởng thôn, tổ"),
            ("citizens", "Công dân"),
        ):
            spin = QSpinBox()
            spin.setRange(0, 100000)
            spin.setMaximumWidth(90)
            spin.setObjectName(key)
            self.counts[key] = spin
            form.addRow(label, spin)
        self.secretary = NfcLineEdit()
        self.secretary.setObjectName("secretary")
        self.secretary.setPlaceholderText("Họ tên, chức vụ người ghi biên bản")
        # Label above the field: the name and chức vụ need the sidebar's whole width.
        form.addRow(QLabel("Thư ký (người ghi biên bản)"))
        form.addRow(self.secretary)
        # Suggestions from Lãnh đạo and Đơn vị: a pick adds one line "Họ tên – chức vụ".
        self.attendee_pick = NfcLineEdit()
        self.attendee_pick.setPlaceholderText("Gõ tên lãnh đạo, đơn vị… Enter: thêm đại biểu")
        self.attendee_suggestions = QStringListModel(self)
        pick_completer = QCompleter(self.attendee_suggestions, self)
        pick_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        pick_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.attendee_pick.setCompleter(pick_completer)
        self.attendee_pick.returnPressed.connect(self._add_picked_attendee)
        form.addRow(self.attendee_pick)
        self.attendees = QPlainTextEdit()
        self.attendees.setTabChangesFocus(True)
        self.attendees.setPlaceholderText("Đại biểu có mặt (mỗi dòng: Họ tên – chức vụ)")
        self.attendees.setMaximumHeight(90)
        form.addRow(self.attendees)
        self.absentees = QPlainTextEdit()
        self.absentees.setTabChangesFocus(True)
        self.absentees.setPlaceholderText("Vắng mặt (mỗi dòng: Họ tên – chức vụ – lý do)")
        self.absentees.setMaximumHeight(70)
        form.addRow(self.absentees)
        return scrolling(attendance)

    def _build_centre(self) -> QWidget:
        centre = QSplitter(Qt.Orientation.Vertical)
        # The three lists are filled from one read of the dialogue (``reload``), not each its own.
        self.entries_model: RowTableModel[EntryRow] = RowTableModel(
            ENTRY_COLUMNS, None, self.context.ops, parent=self
        )
        self.entries_view = make_table_view(self.entries_model, self)
        self.entries_view.setWordWrap(True)
        self.entries_view.doubleClicked.connect(lambda _index: self.edit_entry())
        centre.addWidget(self.entries_view)
        self.editors = QStackedWidget()
        self.note_editor = NoteEditor(self.context, self.dialogue_id)
        self.opinion_editor = OpinionEditor(self.context, self.dialogue_id)
        self.answer_editor = AnswerEditor(self.context, self.dialogue_id)
        self.conclusion_editor = ConclusionEditor(self.context, self.dialogue_id)
        for editor in (self.note_editor, self.opinion_editor, self.answer_editor, self.conclusion_editor):
            self.editors.addWidget(editor)
        centre.addWidget(self.editors)
        centre.setChildrenCollapsible(False)
        # The editor keeps its room; the minutes above take what the screen has left.
        centre.setStretchFactor(0, 1)
        centre.setStretchFactor(1, 0)
        centre.setSizes([240, 340])
        self.centre_splitter = centre
        self._centre_moved = False  # once she drags the divider, her heights stay
        centre.splitterMoved.connect(self._centre_dragged)
        self._two_line_rows = self.entries_view.verticalHeader().defaultSectionSize()
        return centre

    def _centre_dragged(self, _pos: int, _index: int) -> None:
        self._centre_moved = True

    def _share_centre(self) -> None:
        """The editor gets a good half of the height (never less than it needs), the minutes
        the rest; on a short screen (150 %) the minutes' rows take one line each, so that six
        or more of them stay in sight above a roomy editor."""
        layout = self.centralWidget().layout() if self.centralWidget() else None
        if layout is not None:
            layout.activate()  # the splitters' geometry for this window size, before sharing it
        centre = self.centre_splitter
        total = sum(centre.sizes())
        if total <= 0:
            return
        compact = self.height() < 600
        line = self.entries_view.fontMetrics().lineSpacing() + 8
        self.entries_view.verticalHeader().setDefaultSectionSize(line if compact else self._two_line_rows)
        if not self._columns_moved:
            # The right column as narrow as its tabs allow on a small screen, ~30 % on a wide one.
            columns = self.columns_splitter
            width = max(sum(columns.sizes()), self.width() - 16 - columns.handleWidth())
            right = max(columns.widget(1).minimumSizeHint().width(), round(width * 0.3))
            columns.setSizes([max(width - right, 1), right])
        if not self._centre_moved:
            editor = max(self.editors.minimumSizeHint().height(), round(total * 0.55))
            centre.setSizes([max(total - editor, 1), editor])

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._share_centre()

    def _build_right(self, attendance: QWidget) -> QWidget:
        right = QWidget()
        layout = QVBoxLayout(right)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_agenda())
        self.tabs = QTabWidget()
        self.opinions_model: RowTableModel[OpinionRow] = RowTableModel(
            OPINION_COLUMNS, None, self.context.ops, parent=self
        )
        self.opinions_view = make_table_view(self.opinions_model, self)
        self.opinions_view.doubleClicked.connect(lambda _i: self.answer_selected())
        # The side list is narrow (and narrower at 150 %): the content takes what is left, elided;
        # when there is too little left it steps aside and the speaker's name takes the room
        # (the name's tooltip carries the content).
        self.opinions_fit = ColumnFit(
            self.opinions_view,
            2,
            caps={0: 190, 1: 70},
            give_way=(0,),
            drop=(2,),
            stretch_min=110,
            min_width=110,
        )
        self.collected_model: RowTableModel[OpinionRow] = RowTableModel(
            COLLECTED_COLUMNS, None, self.context.ops, parent=self
        )
        self.collected_view = make_table_view(self.collected_model, self)
        self.collected_view.doubleClicked.connect(lambda _i: self.tick_selected())
        self.collected_fit = ColumnFit(
            self.collected_view, 1, caps={0: 190}, give_way=(0,), drop=(1,), stretch_min=110, min_width=110
        )
        collected_page = QWidget()
        collected_layout = QVBoxLayout(collected_page)
        collected_layout.setContentsMargins(0, 0, 0, 0)
        collected_layout.addWidget(self.collected_view)
        self.tick_button = QPushButton("Nêu tại hội nghị (Ctrl+T)")
        self.tick_button.clicked.connect(self.tick_selected)
        collected_layout.addWidget(self.tick_button)
        # The titles are never elided nor hidden behind arrows: the column is at least as wide
        # as the tab bar needs (the centre gives way).
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.tabs.tabBar().setUsesScrollButtons(False)
        self.tabs.addTab(self.opinions_view, "Tại hội nghị")
        self.tabs.addTab(collected_page, "Thu thập trước")
        self.attendance_tab = attendance
        self.tabs.addTab(attendance, "Tham dự")
        self.tabs.setTabToolTip(2, "Thành phần tham dự: số lượng, thư ký, đại biểu (F12)")
        layout.addWidget(self.tabs, 2)
        self.open_petition_button = QPushButton("Mở ý kiến (Ctrl+O)")
        self.open_petition_button.setToolTip(
            "Mở cửa sổ của ý kiến đang chọn: các lần trả lời, giao việc, lịch sử giải quyết"
        )
        self.open_petition_button.clicked.connect(self.open_selected_petition)
        layout.addWidget(self.open_petition_button)
        self.similar = QLabel()
        self.similar.setWordWrap(True)
        self.similar.setTextFormat(Qt.TextFormat.RichText)
        self.similar.setStyleSheet(
            "QLabel { background: #f4f6f8; color: #374151; padding: 6px; border-radius: 4px; }"
        )
        self.similar.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.similar.hide()
        layout.addWidget(self.similar, 1)
        return right

    # --- wiring --------------------------------------------------------------------------
    def _connect_editors(self) -> None:
        self.agenda.currentRowChanged.connect(self._step_changed)
        self.opinion_editor.started.connect(self.timer.restart)
        self.opinion_editor.saved.connect(self.reload)
        self.opinion_editor.finished.connect(self._opinion_finished)
        self.opinion_editor.content_changed.connect(self._content_typed)
        self.note_editor.saved.connect(self.reload)
        self.answer_editor.answered.connect(self._answered)
        self.conclusion_editor.end_requested.connect(self.end)
        self.attendance_saver = Autosaver(
            self.context.ops, self._attendance_snapshot, self._save_attendance, parent=self
        )
        for spin in self.counts.values():
            spin.valueChanged.connect(lambda _v: self._attendance_touched())
        self.attendees.textChanged.connect(self._attendance_touched)
        self.absentees.textChanged.connect(self._attendance_touched)
        self.secretary.textEdited.connect(lambda _t: self._attendance_touched())
        self._loading_attendance = False
        # One indicator for every editor: the latest save wins.
        self.save_indicator = SaveIndicator(self.opinion_editor.saver)
        # Answers are saved by their own key, in one transaction, not by an autosaver.
        for saver in (
            self.note_editor.saver,
            self.conclusion_editor.saver,
            self.conclusion_editor.assessment_saver,
            self.attendance_saver,
        ):
            saver.saved.connect(self.save_indicator.show_saved)
            saver.failed.connect(self.save_indicator.show_failed)
        self.save_label_holder.addWidget(self.save_indicator)
        for saver in (self.opinion_editor.saver, self.note_editor.saver):
            saver.saved.connect(lambda _when: self._reload_timer.start())

    def _add_actions(self) -> None:
        def add(keys: str | list[str], slot: Any) -> QAction:
            action = QAction(self)
            sequences = [QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys)]
            action.setShortcuts(sequences)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False: slot())
            self.addAction(action)
            return action

        add("F5", self.start)
        add(["Ctrl+N", "F2"], self.new_opinion)
        add("F3", self.answer_selected)
        add("F4", self.edit_selected)
        add("Ctrl+T", self.tick_selected)
        add("Ctrl+O", self.open_selected_petition)
        add("Ctrl+Return", self.answer_editor.submit)
        add("Ctrl+Enter", self.answer_editor.submit)
        for number, outcome in enumerate(AnswerOutcome, start=1):
            add(f"Alt+{number}", lambda o=outcome: self.answer_editor.set_outcome(o))
        for number in range(1, len(AGENDA) + 1):
            add(f"Ctrl+{number}", lambda row=number - 1: self.agenda.setCurrentRow(row))
        add("F12", self.focus_attendance)
        add("F6", self.timer.toggle_pause)
        add("F7", self.timer.extend)
        add("F8", self.timer.restart)
        add("F11", self.toggle_projector)
        add("Ctrl+Shift+E", self.conclusion_editor.request_end)
        add("F1", self.show_shortcuts)
        add(["Ctrl++", "Ctrl+="], lambda: self.change_font_size(1))
        add("Ctrl+-", lambda: self.change_font_size(-1))
        undo = self.undo_stack.createUndoAction(self, "Hoàn tác")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(undo)
        redo = self.undo_stack.createRedoAction(self, "Làm lại")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Y")])
        self.addAction(redo)
        delete = QAction(self.entries_view)
        delete.setShortcut(QKeySequence.StandardKey.Delete)
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.delete_selected_entry)
        self.entries_view.addAction(delete)

    # --- loading ---------------------------------------------------------------------------
    @Slot()
    def reload(self) -> None:
        """Read the dialogue once and refill the minutes, the opinions and the collected list."""
        dialogue_id = self.dialogue_id
        self.context.ops.read(
            lambda session: minutes.live_dialogue(session, dialogue_id), on_done=self._show_live, owner=self
        )

    @Slot()
    def _poll_other_pcs(self) -> None:
        if self._polling or self._closed:
            return
        self._polling = True
        dialogue_id = self.dialogue_id
        self.context.ops.read(
            lambda session: minutes.live_stamp(session, dialogue_id),
            on_done=self._stamp_read,
            on_error=lambda _exc: self._poll_done(),
            owner=self,
        )

    def _poll_done(self) -> None:
        self._polling = False

    def _stamp_read(self, stamp: tuple[int, ...]) -> None:
        self._polling = False
        known, self._stamp = self._stamp, stamp
        if known is not None and stamp != known and not self._reload_timer.isActive():
            self.reload()

    def _show_live(self, state: LiveDialogue) -> None:
        self.entries_model.set_rows(state.entries)
        self.opinions_model.set_rows(state.opinions)
        self.collected_model.set_rows(state.collected)
        first = self.state is None
        self._apply_state(state, first=first)
        if first:
            self._apply_deadline(state)
            if self._recovered and state.state == DialogueState.IN_PROGRESS:
                self._recovered = False
                dialogue_id = self.dialogue_id
                self.context.ops.read(
                    lambda session: minutes.open_draft(session, dialogue_id),
                    on_done=self._restore_draft,
                    owner=self,
                )
        if first:
            self._fit_entry_columns()
        self.entries_view.setColumnWidth(2, min(self.entries_view.columnWidth(2), 220))
        self.entries_view.scrollToBottom()

    def _fit_entry_columns(self) -> None:
        """«Giờ» and «Phần» as wide as the widest text they can hold, measured once: fitting them
        to the rows walked up to 60 rows through the model at every reload (each autosave)."""
        view, header = self.entries_view, self.entries_view.horizontalHeader()
        metrics = view.fontMetrics()
        pad = 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 10
        for column, texts in ((0, ["00:00", "23:59"]), (1, [kind.label for kind in MinuteKind])):
            widest = max(metrics.horizontalAdvance(text) for text in texts) + pad
            view.setColumnWidth(column, max(widest, header.sectionSizeFromContents(column).width()))

    def _restore_draft(self, draft: minutes.OpenDraft | None) -> None:
        """After a crash: exactly the opinion or line being typed, cursor at its end."""
        if draft is None or self.state is None:
            return
        if draft.kind == minutes.DRAFT_OPINION:
            row = next((o for o in self.state.opinions if o.id == draft.item_id), None)
            if row is not None:
                self._edit_opinion(row)
                self.opinion_editor.heading.setText(
                    f"<b>Ý kiến đang ghi dở của {row.petitioner or 'công dân'}</b> — ghi tiếp; "
                    "Enter: xong, Ctrl+N: người phát biểu mới"
                )
            return
        entry = next((e for e in self.state.entries if e.id == draft.item_id), None)
        if entry is not None:
            step = STEP_REPORT if entry.kind == MinuteKind.REPORT else STEP_OPENING
            self.agenda.blockSignals(True)
            self.agenda.setCurrentRow(step)
            self.agenda.blockSignals(False)
            self.editors.setCurrentWidget(self.note_editor)
            self.note_editor.edit(entry.id, entry.kind, entry.kind.label, entry.speaker, entry.content)

    def load_catalogues(self) -> None:
        self.context.ops.read(minutes.live_catalogues, on_done=self._catalogues_loaded, owner=self)

    def _catalogues_loaded(self, data: minutes.LiveCatalogues) -> None:
        self.timer.allowed = data.speaker_seconds
        self.opinion_editor.set_catalogues(data.fields, data.hamlets, data.speakers)
        self.answer_editor.set_catalogues(data.leaders, data.units)
        self.attendee_suggestions.setStringList(
            [leader.label for leader in data.leaders if leader.active]
            + [f"Đại diện {unit.name}" for unit in data.units if unit.active]
        )
        if self.state is not None:
            self._apply_deadline(self.state)

    def _apply_deadline(self, state: LiveDialogue) -> None:
        # The default deadline and the meeting day come with the dialogue, from the rules module.
        self.answer_editor.set_meeting(
            state.default_deadline, state.meeting_day or datetime.now().date(), chair=state.chair
        )

    @Slot(object)
    def _data_changed(self, changes: Changes) -> None:
        # An autosave also notes the item being typed in a setting (crash recovery): that is no
        # change of the catalogues, unlike a setting changed on its own (Cài đặt).
        catalogues = changes.kinds & set(CATALOGUES)
        if catalogues - {"setting"} or (catalogues and not changes.touches(*MINUTES)):
            self.load_catalogues()
        if changes.touches(*MINUTES):
            self._reload_timer.start()

    def _apply_state(self, state: LiveDialogue, *, first: bool) -> None:
        self.state = state
        when = (
            state.scheduled_at.strftime("%H:%M") + " " + short_date(state.scheduled_at.date())
            if state.scheduled_at
            else ""
        )
        self.title_label.set_full_text(state.title)
        self.place_label.set_full_text(f"{state.place} {when}".strip())
        self.setWindowTitle(f"Biên bản trực tiếp – {state.title}")
        running = state.state == DialogueState.IN_PROGRESS
        self.start_button.setVisible(state.state == DialogueState.PLANNED)
        for editor in (self.note_editor, self.opinion_editor, self.answer_editor, self.conclusion_editor):
            editor.setEnabled(running)
        self.documents_bar.setVisible(state.state == DialogueState.CLOSED)
        if state.state == DialogueState.CLOSED:
            self.show_banner(
                f"Hội nghị đã kết thúc lúc {state.ended_at:%H:%M} {short_date(state.ended_at.date())}. "
                "Xuất Biên bản và Thông báo kết luận bằng các nút dưới đây."
                if state.ended_at
                else "Hội nghị đã kết thúc.",
                "info",
            )
        elif state.state == DialogueState.PLANNED:
            self.show_banner("Hội nghị chưa bắt đầu. Nhấn «Bắt đầu hội nghị» (F5) khi khai mạc.", "info")
        elif self.banner.isVisible() and (
            "chưa bắt đầu" in self.banner.label.text() or "kết thúc" in self.banner.label.text()
        ):
            self.banner.hide()
        if first:
            self._loading_attendance = True
            for key, spin in self.counts.items():
                spin.setValue(state.counts[key])
            self.attendees.setPlainText("\n".join(f"{n} – {t}" if t else n for n, t in state.attendees))
            self.absentees.setPlainText(
                "\n".join(
                    " – ".join((n, t, r)) if r else (f"{n} – {t}" if t else n) for n, t, r in state.absentees
                )
            )
            self.secretary.setText(state.secretary)
            self._loading_attendance = False
            self.conclusion_editor.load(state.conclusions)
            self.tabs.setTabText(1, f"Thu thập trước ({len(state.collected)})")
            if running:
                self.agenda.setCurrentRow(STEP_OPINIONS if state.opinions else STEP_OPENING)
        self.tabs.setTabText(0, f"Tại hội nghị ({len(state.opinions)})")
        self.tabs.setTabText(1, f"Thu thập trước ({len(state.collected)})")
        self.state_loaded.emit(state)

    # --- actions ---------------------------------------------------------------------------
    def run_and_reload(self, change: Any) -> None:
        """Run ``change(session)`` in one transaction on the database thread, then refresh."""
        self.context.ops.write(change, on_done=lambda _r: self.reload(), owner=self)

    def _change_state(self, change: Any, then: Any) -> None:
        """Run ``change(session, dialogue_id)`` in one transaction; hand the dialogue as it now is to ``then``."""
        dialogue_id = self.dialogue_id

        def work(session: Session) -> LiveDialogue:
            change(session, dialogue_id)
            session.flush()
            return minutes.live_dialogue(session, dialogue_id)

        self.context.ops.write(work, on_done=then, owner=self)

    @Slot()
    def start(self) -> None:
        if self.state is not None and self.state.state != DialogueState.PLANNED:
            return

        def started(state: LiveDialogue) -> None:
            self.banner.hide()
            self._apply_state(state, first=True)
            self.agenda.setCurrentRow(STEP_OPENING)
            self.load_catalogues()  # the default deadline now counts from the real start

        self._change_state(minutes.start_dialogue, started)

    @Slot(int)
    def _step_changed(self, row: int) -> None:
        if row < 0:
            return
        kind, label = AGENDA[row]
        if row in (STEP_OPENING, STEP_REPORT):
            chair = self.state.chair if self.state else ""
            self.note_editor.begin(kind, label, chair if row == STEP_OPENING else "")
            self.editors.setCurrentWidget(self.note_editor)
        elif row == STEP_OPINIONS:
            self.editors.setCurrentWidget(self.opinion_editor)
            if self.opinion_editor.draft.petition_id is None:
                self.opinion_editor.name.setFocus()
        elif row == STEP_ANSWERS:
            self.editors.setCurrentWidget(self.answer_editor)
            self.answer_editor.content.setFocus()
        else:
            self.editors.setCurrentWidget(self.conclusion_editor)
            self.conclusion_editor.items.setFocus()
        if kind != MinuteKind.SPEECH:
            self.similar.hide()

    @Slot()
    def new_opinion(self) -> None:
        if self.state is None or self.state.state != DialogueState.IN_PROGRESS:
            return
        self.agenda.blockSignals(True)
        self.agenda.setCurrentRow(STEP_OPINIONS)
        self.agenda.blockSignals(False)
        self.editors.setCurrentWidget(self.opinion_editor)
        self.opinion_editor.begin()
        self.similar.hide()

    @Slot()
    def _opinion_finished(self) -> None:
        draft = self.opinion_editor.draft
        # Queued behind the opinion's last autosave on the one database thread, so its id is known.
        self.context.ops.read(
            lambda _session: draft.petition_id,
            on_done=lambda petition_id: self._answer_petition(petition_id, draft),
            owner=self,
        )

    def _answer_petition(self, petition_id: int | None, draft: object = None) -> None:
        if petition_id is None:
            return
        if draft is not None and self.opinion_editor.draft is not draft:
            # Ctrl+N came before the answer form did: the next speaker is being typed, and the
            # answer form must not take the keys away from them.
            return
        summary = (
            self.opinion_editor._speaker_line() + ": " + clean(self.opinion_editor.content.text_nfc())[:120]
        )
        self.answer_editor.select(petition_id, summary)
        self._propose_deadline(self.opinion_editor.field.currentData())
        self.agenda.blockSignals(True)
        self.agenda.setCurrentRow(STEP_ANSWERS)
        self.agenda.blockSignals(False)
        self.editors.setCurrentWidget(self.answer_editor)
        self.answer_editor.focus_answer()

    def _propose_deadline(self, field_id: int | None) -> None:
        """The deadline the answer form proposes: the field's own rule (working or calendar days)."""
        day = self.state.meeting_day if self.state is not None else None
        if day is None:
            return
        self.context.ops.read(
            lambda session: settings.deadline_for(session, day, field_id),
            on_done=self.answer_editor.set_default_deadline,
            owner=self,
        )

    @Slot()
    def answer_selected(self) -> None:
        index = self.opinions_view.currentIndex()
        rows = self.opinions_model.rows()
        if not index.isValid():
            if not rows:
                return
            row = rows[-1]
        else:
            row = self.opinions_model.row_at(index.row())
        self.answer_editor.select(row.id, f"{row.petitioner} ({row.hamlet}): {row.content[:120]}")
        self._propose_deadline(row.field_id)
        self.agenda.blockSignals(True)
        self.agenda.setCurrentRow(STEP_ANSWERS)
        self.agenda.blockSignals(False)
        self.editors.setCurrentWidget(self.answer_editor)
        self.answer_editor.focus_answer()

    @Slot()
    def edit_selected(self) -> None:
        """F4: the line chosen in the minutes, or else the opinion chosen on the right."""
        if self.entries_view.hasFocus() and self.entries_view.currentIndex().isValid():
            self.edit_entry()
            return
        index = self.opinions_view.currentIndex()
        if index.isValid():
            self._edit_opinion(self.opinions_model.row_at(index.row()))

    def _edit_opinion(self, row: OpinionRow) -> None:
        if self.state is None or self.state.state != DialogueState.IN_PROGRESS:
            return
        self.agenda.blockSignals(True)
        self.agenda.setCurrentRow(STEP_OPINIONS)
        self.agenda.blockSignals(False)
        self.editors.setCurrentWidget(self.opinion_editor)
        self.opinion_editor.edit(row)

    @Slot()
    def edit_entry(self) -> None:
        index = self.entries_view.currentIndex()
        if not index.isValid() or self.state is None or self.state.state != DialogueState.IN_PROGRESS:
            return
        entry = self.entries_model.row_at(index.row())
        if entry.kind == MinuteKind.SPEECH and entry.petition_id is not None:
            row = next((o for o in self.opinions_model.rows() if o.id == entry.petition_id), None)
            if row is not None:
                self._edit_opinion(row)
            return
        if entry.kind in (MinuteKind.OPENING, MinuteKind.REPORT, MinuteKind.NOTE):
            step = STEP_REPORT if entry.kind == MinuteKind.REPORT else STEP_OPENING
            self.agenda.blockSignals(True)
            self.agenda.setCurrentRow(step)
            self.agenda.blockSignals(False)
            self.editors.setCurrentWidget(self.note_editor)
            self.note_editor.edit(entry.id, entry.kind, entry.kind.label, entry.speaker, entry.content)

    @Slot(int)
    def _answered(self, _petition_id: int) -> None:
        self.reload()
        self.answer_editor.heading.setText(
            "<b>Đã ghi trả lời.</b> Ctrl+N: người phát biểu mới · F3: trả lời tiếp"
        )

    def selected_petition_id(self) -> int | None:
        """The opinion chosen in the list in front (at the meeting or collected); else the last one."""
        if self.tabs.currentIndex() == 1:
            view, model = self.collected_view, self.collected_model
        else:
            view, model = self.opinions_view, self.opinions_model
        index = view.currentIndex()
        if index.isValid():
            return model.row_at(index.row()).id
        rows = model.rows()
        return rows[-1].id if rows else None

    @Slot()
    def open_selected_petition(self) -> QWidget | None:
        """Ctrl+O: the petition's own window (answers, assignment, history), as from the lists."""
        petition_id = self.selected_petition_id()
        if petition_id is None:
            return None
        if self.petition_opener is not None:  # the main window keeps one window per petition
            return self.petition_opener(petition_id)
        from ui.views.petition_detail import PetitionWindow

        window = self.petition_windows.get(petition_id)
        if window is None or not window.isVisible():
            window = PetitionWindow(self.context, petition_id, self)
            self.petition_windows[petition_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    @Slot()
    def tick_selected(self) -> None:
        index = self.collected_view.currentIndex()
        if not index.isValid():
            self.tabs.setCurrentIndex(1)
            self.collected_view.setFocus()
            return
        row = self.collected_model.row_at(index.row())
        self.undo_stack.push(_TickCollected(self, row.id, self.dialogue_id))
        self.timer.restart()
        self._pending_similar = row.content
        self._similar_timer.start()

    @Slot()
    def delete_selected_entry(self) -> None:
        index = self.entries_view.currentIndex()
        if not index.isValid():
            return
        row = self.entries_model.row_at(index.row())
        self.undo_stack.push(_DeleteEntry(self, row.id, row.content))

    @Slot(list)
    def end(self, conclusions: list[str]) -> None:
        if self.state is None or self.state.state != DialogueState.IN_PROGRESS:
            return
        if not conclusions:
            self.agenda.setCurrentRow(STEP_CONCLUSION)
            self.show_banner(
                "Hãy ghi kết luận của chủ trì (mỗi dòng một nội dung) trước khi kết thúc hội nghị.", "warning"
            )
            return
        self.flush_all()
        dialogue_id = self.dialogue_id
        # Read behind the last autosaves: the list of what is unanswered is the one on disk.
        self.context.ops.read(
            lambda session: minutes.live_dialogue(session, dialogue_id),
            on_done=lambda state: self._confirm_end(state, conclusions),
            owner=self,
        )

    def _confirm_end(self, state: LiveDialogue, conclusions: list[str]) -> None:
        """Every time: what is still unanswered, then back to the meeting or end anyway."""
        unanswered = [o for o in state.opinions if not o.answers]
        if unanswered:
            lines = "".join(
                f"<li>{escape(o.petitioner)}{(' (' + escape(o.hamlet) + ')') if o.hamlet else ''}: "
                f"{escape(o.content[:90])}</li>"
                for o in unanswered[:12]
            )
            more = f"<p>… và {len(unanswered) - 12} ý kiến khác.</p>" if len(unanswered) > 12 else ""
            text = (
                f"<p><b>Còn {len(unanswered)} ý kiến chưa được trả lời:</b></p><ul>{lines}</ul>{more}"
                "<p>Các ý kiến này vẫn được theo dõi sau hội nghị.</p>"
            )
        else:
            text = "<p>Mọi ý kiến nêu tại hội nghị đều đã được trả lời.</p>"
        text += f"<p>Kết luận có {len(conclusions)} nội dung. Kết thúc hội nghị bây giờ?</p>"
        if not self.confirm_end(text):
            if unanswered:  # back to the first unanswered opinion, ready for F3
                self.tabs.setCurrentIndex(0)
                rows = [r.id for r in self.opinions_model.rows()]
                if unanswered[0].id in rows:
                    self.opinions_view.selectRow(rows.index(unanswered[0].id))
                self.opinions_view.setFocus()
            return
        dialogue_id = self.dialogue_id

        def work(session: Session) -> None:
            minutes.end_dialogue(session, dialogue_id, conclusions)

        def ended(_result: None) -> None:
            self.timer.stop()
            self.reload()
            self.dialogue_closed.emit(dialogue_id)

        self.context.ops.write(work, on_done=ended, owner=self)

    def ask_end(self, text: str) -> bool:
        """The confirmation of "Kết thúc hội nghị": go back (the default) or end anyway."""
        box = QMessageBox(QMessageBox.Icon.Question, "Kết thúc hội nghị", text, parent=self)
        back = box.addButton("Quay lại hội nghị", QMessageBox.ButtonRole.RejectRole)
        end = box.addButton("Vẫn kết thúc", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        return box.clickedButton() is end

    @Slot()
    def reopen(self) -> None:
        """An end pressed too early: back to in progress, nothing lost."""

        def reopened(state: LiveDialogue) -> None:
            self.banner.hide()
            self._apply_state(state, first=False)
            self.conclusion_editor.load(state.conclusions)
            self.agenda.setCurrentRow(STEP_CONCLUSION)

        self._change_state(minutes.reopen_dialogue, reopened)

    # --- attendance -----------------------------------------------------------------------
    @Slot()
    def focus_attendance(self) -> None:
        """F12: straight to the counts, no mouse needed; Tab goes on to the named attendees."""
        first = self.counts["leaders"]
        self.tabs.setCurrentWidget(self.attendance_tab)
        first.setFocus(Qt.FocusReason.ShortcutFocusReason)
        first.selectAll()

    def _attendance_touched(self) -> None:
        if not self._loading_attendance:
            self.attendance_saver.touch()

    @staticmethod
    def _parts(line: str) -> list[str]:
        """ "Họ tên – chức vụ – lý do": an en dash, or a hyphen between spaces."""
        parts = line.split("–") if "–" in line else line.split(" - ")
        return [clean(part) for part in parts]

    def _attendance_snapshot(self) -> dict[str, Any]:
        attendees = []
        for line in nfc(self.attendees.toPlainText()).splitlines():
            parts = self._parts(line)
            attendees.append((parts[0], " – ".join(parts[1:])))
        absentees = []
        for line in nfc(self.absentees.toPlainText()).splitlines():
            parts = [*self._parts(line), "", ""]
            absentees.append((parts[0], parts[1], " – ".join(p for p in parts[2:] if p)))
        return {key: spin.value() for key, spin in self.counts.items()} | {
            "attendees": attendees,
            "absentees": absentees,
            "secretary": self.secretary.text_nfc(),
        }

    @Slot()
    def _add_picked_attendee(self) -> None:
        picked = clean(self.attendee_pick.text_nfc())
        if not picked:
            self.attendees.setFocus()
            return
        current = self.attendees.toPlainText().rstrip("\n")
        self.attendees.setPlainText(f"{current}\n{picked}" if current else picked)
        self.attendee_pick.clear()

    def _save_attendance(self, session: Session, data: dict[str, Any]) -> None:
        minutes.set_attendance(
            session,
            self.dialogue_id,
            leaders=data["leaders"],
            units=data["units"],
            hamlet_heads=data["hamlet_heads"],
            citizens=data["citizens"],
            attendees=data["attendees"],
            absentees=data["absentees"],
            secretary=data["secretary"],
        )

    # --- similar petitions -------------------------------------------------------------------
    @Slot(str)
    def _content_typed(self, content: str) -> None:
        self._pending_similar = content
        self._similar_timer.start()

    def _look_for_similar(self) -> None:
        content, dialogue_id = self._pending_similar, self.dialogue_id
        self.context.ops.read(
            lambda session: minutes.similar_petitions(session, content, exclude_dialogue_id=dialogue_id),
            on_done=self._show_similar,
            owner=self,
        )

    def _show_similar(self, found: list[SimilarPetition]) -> None:
        if not found:
            self.similar.hide()
            return
        parts = ["<b>Đã có ý kiến tương tự ở hội nghị trước:</b>"]
        for item in found:
            when = short_date(item.dialogue_date) if item.dialogue_date else ""
            who = f"{item.petitioner} ({item.hamlet})" if item.hamlet else item.petitioner
            color = "#b00020" if "quá hạn" in item.status_text else "#374151"
            parts.append(
                f"<p style='margin:4px 0'>{when} – {who}: {item.content[:140]}<br>"
                f"<i>Trả lời khi đó:</i> {item.answer[:160] or '(chưa có)'}<br>"
                f"{('<i>Đơn vị:</i> ' + item.unit + ' · ') if item.unit else ''}"
                f"<span style='color:{color}'>Hiện nay: {item.status_text}</span></p>"
            )
        self.similar.setText("".join(parts))
        self.similar.show()

    # --- timer, clock, projector, help ----------------------------------------------------------
    @Slot(int, str)
    def _show_timer(self, seconds: int, tone: str) -> None:
        self.timer_label.setText(clock_text(seconds))
        self.timer_label.setStyleSheet(TONE_STYLES[tone] + " padding: 2px 8px; border-radius: 4px;")
        self.timer_label.setProperty("tone", tone)

    def _update_clock(self) -> None:
        state = self.state
        if state is None or state.started_at is None:
            self.clock_label.setText("")
            return
        end = state.ended_at or datetime.now()
        elapsed = int((end - state.started_at).total_seconds())
        self.clock_label.setText(
            f"Bắt đầu {state.started_at:%H:%M} · {elapsed // 3600}:{elapsed % 3600 // 60:02d}"
        )

    @Slot()
    def toggle_projector(self) -> None:
        if self.projector is None:
            self.projector = ProjectorWindow(self.state.title if self.state else "", self)
            self.opinion_editor.speaker_changed.connect(self.projector.show_speaker)
            self.timer.ticked.connect(self.projector.show_time)
            self.projector.show_time(self.timer.left, self.timer.tone)
        if self.projector.isVisible():
            self.projector.hide()
        else:
            self.projector.show()

    @Slot()
    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for keys, what in SHORTCUTS
        )
        QMessageBox.information(self, "Phím tắt – Biên bản trực tiếp", f"<table>{rows}</table>")

    def change_font_size(self, step: int) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, min(24.0, font.pointSizeF() + step)))
        self.setFont(font)
        if self._settings is not None:
            self._settings.setValue("live_font_pt", font.pointSizeF())

    def show_banner(self, text: str, kind: str) -> None:
        background, foreground = Banner.COLORS[kind]
        self.banner.setStyleSheet(
            f"QFrame {{ background: {background}; border-radius: 4px; }} QLabel {{ color: {foreground}; }}"
        )
        self.banner.label.setText(text)
        self.banner.show()

    # --- never lose a word -----------------------------------------------------------------------
    @Slot()
    def flush_all(self) -> None:
        for saver in (
            self.opinion_editor.saver,
            self.note_editor.saver,
            self.conclusion_editor.saver,
            self.conclusion_editor.assessment_saver,
            self.attendance_saver,
        ):
            saver.flush()

    @Slot(object)
    def _commit_data(self, _manager: object) -> None:
        self.flush_all()
        self.context.tasks.wait()

    @Slot(object, object)
    def _focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self.flush_all()

    def changeEvent(self, event: Any) -> None:
        # Leaving the window (Alt+Tab, another program) counts as a focus change: save now.
        if event.type() == event.Type.ActivationChange and not self.isActiveWindow():
            self.flush_all()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication) and not self._closed:
            self._closed = True  # a window may be closed twice (a test, a quit while closing)
            app.focusChanged.disconnect(self._focus_changed)
            app.commitDataRequest.disconnect(self._commit_data)
            app.aboutToQuit.disconnect(self.flush_all)
        self._poll_timer.stop()
        self.flush_all()
        self.context.tasks.wait()
        if self.projector is not None:
            self.projector.close()
        super().closeEvent(event)


def open_live_window(
    context: AppContext, dialogue_id: int, *, recovered: bool = False, parent: QWidget | None = None
) -> LiveMinutesWindow:
    window = LiveMinutesWindow(context, dialogue_id, recovered=recovered, parent=parent)
    window.setWindowFlag(Qt.WindowType.Window, True)
    fit_to_screen(window, QSize(1366, 768))
    return window


__all__ = ["LiveMinutesWindow", "date", "open_live_window"]
