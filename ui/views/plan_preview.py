"""The plan preview: the .docx the layout engine builds, shown as HTML (``app.export.preview``)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.views.plan_widgets import hint_label


class PlanPreview(QWidget):
    """What the Word file will hold, refreshed from what is saved."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(
            hint_label(
                "Bản xem trước cấu trúc văn bản (mục I., II., các khoản 1., 2.), đúng thứ tự như tệp Word sẽ xuất. "
                "Thể thức trình bày (phông, lề, cỡ chữ) theo Nghị định 30/2020 được áp dụng khi xuất."
            )
        )
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        layout.addWidget(self.browser, 1)

    def show_html(self, page: str) -> None:
        """``page`` from ``app.export.preview.document_html``, made on the database thread."""
        self.browser.setHtml(page)

    def show_message(self, message: str) -> None:
        self.browser.setHtml(f"<p style='color:#b00020'>{html.escape(message)}</p>")
