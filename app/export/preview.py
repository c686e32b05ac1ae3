"""A preview of a document as HTML, read back from the very .docx the layout engine builds.

The preview is not a second layout: the blocks go through ``layout.build`` exactly as for
«Xuất Word», and the resulting Word document is walked paragraph by paragraph (and table cell by
table cell) into simple HTML. Whatever the layout prints — the header of a state or a Party body,
the căn cứ, the signature — the preview shows, with nothing written twice.
"""

from __future__ import annotations

import html
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from app.export import layout
from app.export.blocks import DocumentBlocks

_ALIGN = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.JUSTIFY: "justify",
}


def _run_html(run: Any) -> str:
    value = html.escape(run.text).replace("\n", "<br>")
    if not value:
        return ""
    if run.bold:
        value = f"<b>{value}</b>"
    if run.italic:
        value = f"<i>{value}</i>"
    if run.underline:
        value = f"<u>{value}</u>"
    return value


def _paragraph_html(paragraph: DocxParagraph) -> str:
    body = "".join(_run_html(run) for run in paragraph.runs)
    fmt = paragraph.paragraph_format
    styles = []
    align = _ALIGN.get(paragraph.alignment)  # type: ignore[arg-type]
    if align:
        styles.append(f"text-align:{align}")
    if fmt.first_line_indent:
        styles.append(f"text-indent:{int(fmt.first_line_indent.pt)}pt")
    if fmt.left_indent:
        styles.append(f"margin-left:{int(fmt.left_indent.pt)}pt")
    style = f" style='{';'.join(styles)}'" if styles else ""
    return f"<p{style}>{body or '&nbsp;'}</p>"


def _table_html(table: DocxTable) -> str:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            inner = "".join(_block_html(child) for child in _children(cell))
            cells.append(f"<td valign='top'>{inner}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table width='100%' cellspacing='0' cellpadding='2'>" + "".join(rows) + "</table>"


def _children(parent: Any) -> list[Any]:
    """Paragraphs and tables of a body or a cell, in document order."""
    return list(parent.iter_inner_content())


def _block_html(item: Any) -> str:
    if isinstance(item, DocxParagraph):
        return _paragraph_html(item)
    if isinstance(item, DocxTable):
        return _table_html(item)
    return ""


def document_html(content: DocumentBlocks) -> str:
    """The document as the .docx holds it, as HTML for a preview pane."""
    document = layout.build(content)
    body = "".join(_block_html(item) for item in _children(document))
    return "<html><body style='font-family: \"Times New Roman\", serif;'>" + body + "</body></html>"
