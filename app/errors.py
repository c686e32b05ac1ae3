"""Typed errors: English for developers (``str(exc)``), Vietnamese for users (``user_message``)."""

from __future__ import annotations


class AppError(Exception):
    """Base of every error the product expects; the UI shows ``user_message`` as it is."""

    default_user_message = (
        "Đã xảy ra lỗi. Vui lòng thử lại; nếu vẫn lỗi, hãy gửi tệp nhật ký cho cán bộ kỹ thuật."
    )

    def __init__(self, message: str, user_message: str | None = None) -> None:
        super().__init__(message)
        self.user_message = user_message or self.default_user_message


class StorageError(AppError):
    """The database file cannot be opened, created or written."""


class DatabaseTooNewError(StorageError):
    """The file was made by a newer version of the program; it is refused, never modified."""


class MigrationError(StorageError):
    """Upgrading the schema failed; the transaction was rolled back and the file is unchanged."""


class BackupError(StorageError):
    """The safety copy before a migration could not be made or did not verify."""


class ValidationError(AppError):
    """Input that cannot be saved. ``problems`` maps a field name to its Vietnamese message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        summary = "; ".join(f"{field}: {text}" for field, text in self.problems.items())
        super().__init__(f"invalid input: {', '.join(self.problems)}", summary)


class NotFoundError(AppError):
    """A record asked for by id is gone (deleted in another window or another PC)."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(
            f"{what} {ident!r} not found", f"Không tìm thấy {what} (mã {ident}). Có thể đã bị xóa."
        )


class InUseError(AppError):
    """A catalogue entry cannot be deleted because records use it; deactivate instead."""


class DatabaseMissingError(StorageError):
    """The database file named is not there; only first run, demo and «Tạo tệp mới» create one."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"database {path} does not exist",
            f"Tệp dữ liệu «{path}» không tồn tại. Hãy chọn đúng tệp dữ liệu, hoặc chọn «Tạo tệp dữ liệu mới» "
            "nếu muốn bắt đầu một tệp trống.",
        )


class EmptyDatabaseError(DatabaseMissingError):
    """The file is there but holds 0 bytes (a failed copy, a placeholder): not opened as new."""

    def __init__(self, path: object) -> None:
        StorageError.__init__(
            self,
            f"database {path} is an empty (0-byte) file",
            f"Tệp «{path}» rỗng (0 byte), không phải tệp dữ liệu. Có thể tệp chép chưa xong; hãy chọn tệp "
            "dữ liệu đúng hoặc bản sao lưu.",
        )


class NotADatabaseError(StorageError):
    """The file is not an SQLite database at all (a document, a text file)."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path} is not an SQLite database",
            f"Tệp «{path}» không phải tệp dữ liệu của chương trình Đối thoại với Nhân dân. "
            "Hãy chọn đúng tệp dữ liệu.",
        )


class DatabaseDamagedError(StorageError):
    """The file is SQLite but damaged or inconsistent: it is refused and never written.

    ``backup`` is the newest backup that verified (an ``app.storage.backups.BackupInfo``), or
    None; the window offers to restore it.
    """

    def __init__(self, path: object, finding: str, advice: str, backup: object | None = None) -> None:
        super().__init__(
            f"database {path} is damaged: {finding}",
            f"Tệp dữ liệu «{path}» bị hỏng: {finding}. Để không làm mất thêm dữ liệu, chương trình không "
            f"mở và không ghi gì vào tệp này.\n\n{advice}",
        )
        self.path = path
        self.finding = finding
        self.advice = advice
        self.backup = backup


class ReadOnlyDatabaseError(StorageError):
    """The database was opened read-only (a read-only file or folder, a full disk): no write."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(
            f"database {path} is open read-only: {reason}",
            f"Không ghi được: dữ liệu đang mở ở chế độ chỉ đọc vì {reason}. Bạn vẫn xem, tìm và in "
            "được mọi thứ; để sửa hay thêm, hãy khắc phục điều trên rồi mở lại chương trình.",
        )
        self.path = path
        self.reason = reason


class LockedError(AppError):
    """The dialogue's minutes are locked (chốt biên bản): nothing of it may change until unlocked."""

    def __init__(self, dialogue_id: int) -> None:
        super().__init__(
            f"dialogue {dialogue_id} is locked",
            "Biên bản hội nghị này đã được chốt, không thể sửa biên bản, ý kiến, trả lời, thành phần "
            "tham dự hay kết luận. Nếu thật sự cần sửa, người chủ trì hoặc thư ký hãy «Mở khóa» và ghi "
            "rõ lý do; mọi thay đổi sau đó được ghi vào nhật ký.",
        )
        self.dialogue_id = dialogue_id


class TextInputError(ValidationError):
    """A text holds characters that cannot be stored (lone surrogates, control characters)."""


# What a conflict shows of each field, in the user's words.
CONFLICT_FIELDS = {
    "petitioner_name": "Người nêu",
    "hamlet": "Thôn, tổ dân phố",
    "content": "Nội dung",
    "status": "Trạng thái",
    "title": "Tên hội nghị",
    "name": "Tên",
    "leader_title": "Chức vụ",
    "active": "Sử dụng",
    "plan_title": "Trích yếu kế hoạch",
    "plan_opening": "Mở đầu",
    "plan_audience": "Đối tượng",
    "plan_purposes": "Mục đích",
    "plan_contents": "Nội dung",
    "plan_steps": "Các bước tiến hành",
}


class EditConflict(AppError):
    """Someone else (another PC, another window) saved this record after it was read here.

    Nothing was written. ``mine`` is what this edit wanted to store, ``theirs`` what the record
    holds now (field name → value), ``expected_version``/``current_version`` the version read and
    the version found. ``kind`` and ``ident`` name the record (``"petition"``, 12) so the UI can
    reload it; the user message lists both versions of each field that differs.
    """

    def __init__(
        self,
        what: str,
        ident: object,
        *,
        expected_version: int | None,
        current_version: int | None,
        mine: dict[str, object] | None = None,
        theirs: dict[str, object] | None = None,
        kind: str = "petition",
    ) -> None:
        self.what = what
        self.ident = ident
        self.kind = kind
        self.expected_version = expected_version
        self.current_version = current_version
        self.mine = dict(mine or {})
        self.theirs = dict(theirs or {})
        lines = [
            f"Bản ghi này ({what}) đã được người khác sửa sau khi bạn mở nó, nên thay đổi của bạn chưa "
            "được lưu. Màn hình đã được tải lại với bản mới; hãy so sánh rồi nhập lại phần cần sửa."
        ]
        for key, label in CONFLICT_FIELDS.items():
            if key in self.mine and key in self.theirs and self.mine[key] != self.theirs[key]:
                lines.append(f"• {label} — bản của bạn: «{self.mine[key]}»; bản đã lưu: «{self.theirs[key]}»")
        super().__init__(
            f"{kind} {ident!r} was changed by someone else "
            f"(read at version {expected_version}, now {current_version})",
            "\n".join(lines),
        )
