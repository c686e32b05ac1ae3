"""Typed errors of document export (English for the log, Vietnamese for the user)."""

from __future__ import annotations

from app.errors import AppError


class ExportError(AppError):
    """The document could not be written (file open in Word, folder read-only, disk full)."""


class TemplateError(AppError):
    """A wording template cannot be used: unknown placeholder, broken braces, unknown name."""

    def __init__(self, key: str, message: str, user_message: str, placeholder: str | None = None) -> None:
        super().__init__(message, user_message)
        self.key = key
        self.placeholder = placeholder


class DuplicateNumberError(AppError):
    """The số is already taken by another document of the same type, body and year."""

    def __init__(self, number: int, symbol: str, year: int, *, party: bool = False) -> None:
        shown = f"{number:02d}-{symbol}" if party else f"{number:02d}/{symbol}"
        super().__init__(
            f"number {number} of {symbol} in {year} is already used",
            f"Số {shown} năm {year} đã được cấp cho một văn bản khác. Hãy kiểm tra sổ văn bản và chọn số khác.",
        )
        self.number = number
        self.symbol = symbol
        self.year = year


class DialogueNotHeldError(AppError):
    """A Thông báo kết luận, Biên bản or Báo cáo asked for a meeting not held, or with nothing recorded."""


class IssueDateError(AppError):
    """A document dated before the event it records (a Thông báo kết luận before its meeting)."""


class NoPublicVersionError(AppError):
    """A public version asked for a kind that has none (only TB and BC are published)."""
