"""The plan editor: one form for the whole Kế hoạch, the dialogues it schedules, a preview.

Everything autosaves (``ui.autosave``): the form is read into a :class:`PlanInput` on the GUI
thread and written on the database thread; a save the service refuses leaves the stored plan as
it was and puts the Vietnamese message under the field concerned.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.rules import PlanKind
from app.services import plans
from app.services.dialogues import DialogueDetail, plan_dialogues
from app.services.plans import PlanDetail, PlanInput, PlanRow
from ui.autosave import SaveIndicator
from ui.context import AppContext
from ui.tasks import user_message
from ui.views.dialogue_scheduler import DialogueScheduler
from ui.views.plan_form import PlanForm
from ui.views.plan_preview import PlanPreview
from ui.views.plan_widgets import Choices, FormSaver

# --- the editor: form, schedule, preview ----------------------------------------------------------

FORM_TAB, SCHEDULE_TAB, PREVIEW_TAB = range(3)


class PlanEditor(QWidget):
    """The open plan: «Nội dung kế hoạch», «Lịch hội nghị», «Xem trước»."""

    plan_saved = Signal(object)  # PlanRow after each autosave
    dialogues_changed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.plan_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        # The heading has the whole width (at 150 % beside the buttons it wrapped into seven
        # lines); «Xem trước», «Xuất Word…» sit on the save indicator's row under it.
        layout.addWidget(self.heading)
        self.status_box = QHBoxLayout()
        self.actions_box = QHBoxLayout()
        layout.addLayout(self.status_box)

        self.tabs = QTabWidget()
        self.form = PlanForm()
        # «Lịch hội nghị» and «Xem trước» are made when first shown: a page opens on the form, and
        # the scheduler alone costs as much to build as the list beside it. Until then each tab
        # holds an empty host, and the editor keeps what the scheduler will be given.
        self._scheduler: DialogueScheduler | None = None
        self._preview: PlanPreview | None = None
        self._hosts = (self._host(), self._host())
        self._dialogue_rows: tuple[DialogueDetail, ...] | None = None
        self._schedule_year = date.today().year
        self._choices: Choices | None = None
        self.tabs.addTab(self.form, "Nội dung kế hoạch")
        self.tabs.addTab(self._hosts[0], "Lịch hội nghị")
        self.tabs.addTab(self._hosts[1], "Xem trước")
        for index, tip in enumerate(
            (
                "Các phần của kế hoạch (Alt+1)",
                "Các hội nghị kế hoạch dự kiến (Alt+2)",
                "Cấu trúc văn bản trước khi xuất (Alt+3)",
            )
        ):
            self.tabs.setTabToolTip(index, tip)
            QShortcut(
                QKeySequence(f"Alt+{index + 1}"),
                self,
                lambda i=index: self.show_tab(i),
                Qt.ShortcutContext.WindowShortcut,
            )
        layout.addWidget(self.tabs, 1)

        self.saver = FormSaver(context.ops, self.form.snapshot, self._save, parent=self, origin=self)
        self.indicator = SaveIndicator(self.saver)
        self.status_box.addWidget(self.indicator)
        self.status_box.addStretch(1)
        self.status_box.addLayout(self.actions_box)
        self.problems: dict[str, str] = {}
        self.form.edited.connect(self.saver.touch)
        self.form.year.valueChanged.connect(self._year_changed)
        self.saver.saved.connect(self._saved)
        self.saver.rejected.connect(self._rejected)
        self.saver.conflicted.connect(self._conflicted)
        # Each plan's version after the last read or save (the saves run one after another on the
        # database thread and write it there): an autosave never conflicts with its own previous one.
        self._versions: dict[int, int] = {}
        self.tabs.currentChanged.connect(self._tab_changed)
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]

    # --- the tabs made on first sight -------------------------------------------------------------
    @staticmethod
    def _host() -> QWidget:
        host = QWidget()
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        return host

    @property
    def scheduler(self) -> DialogueScheduler:
        """«Lịch hội nghị» (made now if it was not shown yet)."""
        return self._scheduler or self._make_scheduler()

    def _make_scheduler(self) -> DialogueScheduler:
        scheduler = DialogueScheduler(self._context)
        self._scheduler = scheduler
        if self._choices is not None:
            scheduler.set_choices(self._choices)
        scheduler.dialogues_changed.connect(self._dialogues_changed)
        scheduler.set_plan(self.plan_id, self._schedule_year, self._dialogue_rows)
        self._hosts[0].layout().addWidget(scheduler)
        scheduler.show()  # a child added to a shown host stays hidden until told
        return scheduler

    @property
    def preview(self) -> PlanPreview:
        """«Xem trước» (made now if it was not shown yet)."""
        if self._preview is None:
            self._preview = PlanPreview()
            self._hosts[1].layout().addWidget(self._preview)
            self._preview.show()
        return self._preview

    def _schedule(self, plan_id: int | None, year: int, rows: tuple[DialogueDetail, ...] | None) -> None:
        """Give the scheduler the plan's dialogues, or keep them until it is made."""
        self._schedule_year = year
        self._dialogue_rows = rows
        if self._scheduler is not None:
            self._scheduler.set_plan(plan_id, year, rows)
        elif rows is not None:
            self._dialogues_changed(len(rows))

    def reload_dialogues(self) -> None:
        """The plan's dialogues changed elsewhere (the live minutes, another page): read them again."""
        if self._scheduler is not None:
            self._scheduler.model.reload()
            return
        plan_id = self.plan_id
        if plan_id is None:
            return

        def load(session: Session) -> list[DialogueDetail]:
            return plan_dialogues(session, plan_id)

        def done(rows: list[DialogueDetail]) -> None:
            if plan_id == self.plan_id and self._scheduler is None:
                self._schedule(plan_id, self._schedule_year, tuple(rows))
            elif plan_id == self.plan_id:
                self.scheduler.model.set_rows(rows)

        self._context.ops.read(load, on_done=done, owner=self)

    def _year_changed(self, year: int) -> None:
        self._schedule_year = year
        if self._scheduler is not None:
            self._scheduler.set_year(year)

    # --- opening a plan --------------------------------------------------------------------------
    def open_plan(self, plan_id: int | None, detail: PlanDetail | None = None) -> None:
        """Show ``plan_id`` (saving what was typed in the previous one first).

        ``detail`` is the plan when the caller has just read it (the page's first read).
        """
        self.flush()
        self.plan_id = plan_id
        if plan_id is None:
            self.form.plan_id = None
            self.heading.setText("")
            self.setEnabled(False)
            self._schedule(None, date.today().year, ())
            return
        self.setEnabled(True)
        if detail is not None and detail.id == plan_id:
            self._show(detail)
            return

        def load(session: Session) -> PlanDetail:
            return plans.get_plan(session, plan_id)

        self._context.ops.read(load, on_done=self._show, on_error=self._load_failed, owner=self)

    def _show(self, detail: PlanDetail) -> None:
        if detail.id != self.plan_id:
            return
        self._versions[detail.id] = max(self._versions.get(detail.id, 0), detail.version)
        self.form.load(detail)
        self.problems = {}
        self._set_heading(detail.year, detail.kind, detail.number_text, detail.title)
        self._schedule(detail.id, detail.year, detail.dialogues)  # read with the plan
        if self.tabs.currentIndex() == PREVIEW_TAB:
            self.refresh_preview()

    def _load_failed(self, exc: BaseException) -> None:
        self.heading.setText(user_message(exc))

    def _set_heading(self, year: int, kind: PlanKind, number_text: str, title: str) -> None:
        name = "Kế hoạch năm" if kind is PlanKind.YEARLY else "Kế hoạch hội nghị"
        short = title if len(title) <= 90 else title[:87] + "…"
        self.heading.setText(
            f"{name} {year} · {number_text} · {short}" if short else f"{name} {year} · {number_text}"
        )

    def set_choices(self, choices: Choices) -> None:
        self.form.set_choices(choices)
        self._choices = choices
        if self._scheduler is not None:
            self._scheduler.set_choices(choices)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        if index == FORM_TAB:
            self.form.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif index == SCHEDULE_TAB:
            self.scheduler.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- saving ---------------------------------------------------------------------------------
    def _save(self, session: Session, data: tuple[int, PlanInput]) -> PlanRow:
        plan_id, values = data
        saved = plans.update_plan(session, plan_id, replace(values, version=self._versions.get(plan_id)))
        self._versions[plan_id] = saved.version
        return saved

    def _conflicted(self, exc: BaseException) -> None:
        """Another PC saved this plan meanwhile: the message shows both versions; theirs is loaded."""
        self._context.ops.tasks.report_failure(exc)
        self.open_plan(self.plan_id)

    def _saved(self, _when: object) -> None:
        row = self.saver.last_result
        self.problems = {}
        self.form.show_problems({})
        if isinstance(row, PlanRow):
            self._set_heading(row.year, row.kind, row.number_text, row.title)
            self.plan_saved.emit(row)

    def _rejected(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        self.form.show_problems(problems)
        self.tabs.setCurrentWidget(self.form)

    def flush(self) -> None:
        self.saver.flush()
        if self._scheduler is not None:
            self._scheduler.saver.flush()

    def discard_pending(self) -> None:
        self.saver.discard()
        self.problems = {}
        self.form.show_problems({})

    def show_problems(self, problems: dict[str, str]) -> None:
        """Messages under the fields (export checks); the first field gets the focus."""
        self.tabs.setCurrentWidget(self.form)
        self.form.show_problems(problems)
        fields = {
            "title": self.form.title,
            "number": self.form.number,
            "symbol": self.form.symbol,
            "issued_on": self.form.issued_on,
            "year": self.form.year,
        }
        first = next((fields[key] for key in fields if key in problems), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def pending(self) -> bool:
        return self.saver.pending or (self._scheduler is not None and self._scheduler.saver.pending)

    @Slot(QWidget, QWidget)
    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        # Leaving a field commits at once (the autosave rule), not only after the pause.
        if (
            old is not None
            and self.form.isAncestorOf(old)
            and (new is None or not self.form.isAncestorOf(new))
        ):
            self.saver.flush()

    def _dialogues_changed(self, count: int) -> None:
        self.tabs.setTabText(1, f"Lịch hội nghị ({count})")
        self.dialogues_changed.emit(count)

    @Slot(int)
    def _tab_changed(self, index: int) -> None:
        if index == SCHEDULE_TAB and self._scheduler is None:
            self._make_scheduler()
        elif index == PREVIEW_TAB:
            self.refresh_preview()

    def refresh_preview(self) -> None:
        if self.plan_id is None:
            return
        self.flush()
        plan_id = self.plan_id

        def build(session: Session) -> str:
            from app.export.preview import document_html
            from app.services.documents import build_document

            # The HTML is made here, on the database thread, from the .docx the export would write.
            return document_html(build_document(session, "kh", plan_id))

        self._context.ops.read(
            build,
            on_done=self.preview.show_html,
            on_error=lambda exc: self.preview.show_message(user_message(exc)),
            owner=self,
        )

    def hideEvent(self, event: Any) -> None:
        self.flush()
        super().hideEvent(event)
