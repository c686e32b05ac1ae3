"""Vietnamese texts for Qt's own buttons and dialogs (Qt ships no Vietnamese translation).

A QTranslator subclass answers Qt's translate() calls from a table; anything not in the table
falls through to Qt's English.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

# (context, source) → Vietnamese. Contexts are those Qt uses internally for these strings.
_TEXTS: dict[tuple[str, str], str] = {}


def _add(contexts: tuple[str, ...], pairs: dict[str, str]) -> None:
    for context in contexts:
        for source, target in pairs.items():
            _TEXTS[(context, source)] = target


_add(
    ("QPlatformTheme", "QDialogButtonBox", "QMessageBox", "QGnomeTheme"),
    {
        "OK": "Đồng ý",
        "&OK": "Đồng &ý",
        "Cancel": "Hủy",
        "&Cancel": "&Hủy",
        "Save": "Lưu",
        "&Save": "&Lưu",
        "Save All": "Lưu tất cả",
        "Open": "Mở",
        "&Open": "&Mở",
        "Yes": "Có",
        "&Yes": "&Có",
        "Yes to &All": "Có với &tất cả",
        "Yes to All": "Có với tất cả",
        "No": "Không",
        "&No": "&Không",
        "N&o to All": "Không với tấ&t cả",
        "No to All": "Không với tất cả",
        "Abort": "Dừng",
        "Retry": "Thử lại",
        "Ignore": "Bỏ qua",
        "Close": "Đóng",
        "&Close": "Đón&g",
        "Discard": "Bỏ thay đổi",
        "Don't Save": "Không lưu",
        "Close without Saving": "Đóng không lưu",
        "Apply": "Áp dụng",
        "Reset": "Đặt lại",
        "Restore Defaults": "Khôi phục mặc định",
        "Help": "Trợ giúp",
        "Show Details...": "Xem chi tiết...",
        "Hide Details...": "Ẩn chi tiết...",
    },
)
_add(
    ("QFileDialog",),
    {
        "Open": "Mở",
        "&Open": "&Mở",
        "Save": "Lưu",
        "&Save": "&Lưu",
        "Save As": "Lưu thành",
        "Cancel": "Hủy",
        "&Choose": "&Chọn",
        "Choose": "Chọn",
        "Find Directory": "Chọn thư mục",
        "Directory:": "Thư mục:",
        "File &name:": "&Tên tệp:",
        "Files of type:": "Kiểu tệp:",
        "Files of &type:": "&Kiểu tệp:",  # the labels of Qt's own dialog carry their accelerator
        "Look in:": "Tìm trong:",
        "&Look in:": "Tìm &trong:",
        "Go back": "Quay lại",
        "Go forward": "Tiếp",
        "Go to the parent directory": "Lên thư mục cha",
        "Create a New Folder": "Tạo thư mục mới",
        "Change to list view mode": "Xem dạng danh sách",
        "Change to detail view mode": "Xem dạng chi tiết",
        "Sidebar": "Thanh bên",
        "Files": "Tệp",
        "Delete": "Xóa",
        "Are you sure you want to delete '%1'?": "Bạn có chắc muốn xóa «%1»?",
        "Back": "Quay lại",
        "Forward": "Tiếp",
        "Parent Directory": "Thư mục cha",
        "Create New Folder": "Tạo thư mục mới",
        "New Folder": "Thư mục mới",
        "List View": "Dạng danh sách",
        "Detail View": "Dạng chi tiết",
        "All Files (*)": "Tất cả tệp (*)",
        "&Delete": "&Xóa",
        "&Rename": "Đổi &tên",
        "Show &hidden files": "Hiện tệp ẩn",
        "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nBạn có muốn ghi đè không?",
        "My Computer": "Máy tính",
        "Recent Places": "Vị trí gần đây",
    },
)
_add(
    ("QFileSystemModel",),
    {
        "Name": "Tên",
        "Size": "Kích thước",
        "Type": "Kiểu",
        "Date Modified": "Ngày sửa",
        "Kind": "Loại",
        "Computer": "Máy tính",  # the top of the "Tìm trong" list on Linux
        "My Computer": "Máy tính",  # and on Windows
        "Folder": "Thư mục",
        "File Folder": "Thư mục",
        "Drive": "Ổ đĩa",
    },
)
_add(
    ("QLineEdit", "QWidgetTextControl", "QTextControl"),
    {
        "&Undo": "&Hoàn tác",
        "&Redo": "&Làm lại",
        "Cu&t": "&Cắt",
        "&Copy": "&Sao chép",
        "&Paste": "&Dán",
        "Delete": "Xóa",
        "Select All": "Chọn tất cả",
        "Copy &Link Location": "Sao chép địa chỉ liên kết",
    },
)
_add(("QProgressDialog",), {"Cancel": "Hủy"})
_add(("QWizard",), {"< &Back": "< &Quay lại", "&Next >": "&Tiếp >", "&Finish": "&Hoàn tất", "Cancel": "Hủy"})
_add(("QColorDialog", "QFontDialog", "QInputDialog"), {"OK": "Đồng ý", "Cancel": "Hủy"})


class VietnameseTranslator(QTranslator):
    def translate(  # type: ignore[override]
        self, context: str, source_text: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        # None becomes a null QString: "no translation", so Qt keeps its own text. An empty
        # string would be taken as the translation and blank every text we do not list.
        return _TEXTS.get((context, source_text))  # type: ignore[return-value]

    def isEmpty(self) -> bool:
        return False


def install_translator(app: QCoreApplication) -> VietnameseTranslator:
    """Install and return the translator; keep the reference (a collected translator is removed)."""
    translator = VietnameseTranslator(app)
    app.installTranslator(translator)
    return translator


def vietnamese(context: str, source: str) -> str | None:
    """The Vietnamese text for a Qt string, for tests and for widgets built by hand."""
    return _TEXTS.get((context, source))
