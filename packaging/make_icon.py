"""Draw the program icon (two speech bubbles: the office and the citizens) and write .png and .ico.

Run once after changing the drawing: ``.venv/bin/python packaging/make_icon.py``. The results in
resources/icons/ are committed, so a build needs neither this script nor a screen.

The .ico holds every size Windows asks for, each drawn at its own size (not scaled down), so the
16 px taskbar and Start menu icons stay sharp. Sizes below 256 are stored as 32-bit DIBs and 256
as PNG: the classic layout every Windows tool (Explorer, rc, Inno Setup, PyInstaller) reads.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPainterPath, QPen

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 96, 128, 256)
PNG_SIZE = 256

NAVY_TOP, NAVY_BOTTOM = QColor("#2c5a85"), QColor("#1f3b57")  # the navigation bar's colour
WHITE, GOLD, INK = QColor("#ffffff"), QColor("#f2b630"), QColor("#1f3b57")


def _bubble(rect: QRectF, tail_left: bool, radius: float) -> QPainterPath:
    """A rounded speech bubble with a small tail under one of its lower corners."""
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    tail = QPainterPath()
    w, h = rect.width(), rect.height()
    if tail_left:
        x0 = rect.left() + 0.18 * w
        tail.moveTo(QPointF(x0, rect.bottom() - 0.05 * h))
        tail.lineTo(QPointF(x0 - 0.10 * w, rect.bottom() + 0.30 * h))
        tail.lineTo(QPointF(x0 + 0.22 * w, rect.bottom() - 0.05 * h))
    else:
        x0 = rect.right() - 0.18 * w
        tail.moveTo(QPointF(x0, rect.bottom() - 0.05 * h))
        tail.lineTo(QPointF(x0 + 0.10 * w, rect.bottom() + 0.30 * h))
        tail.lineTo(QPointF(x0 - 0.22 * w, rect.bottom() - 0.05 * h))
    tail.closeSubpath()
    return path.united(tail)


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 256, size / 256)  # draw on a 256-unit canvas

    margin = 4 if size <= 24 else 8
    background = QRectF(margin, margin, 256 - 2 * margin, 256 - 2 * margin)
    gradient = QLinearGradient(background.topLeft(), background.bottomLeft())
    gradient.setColorAt(0, NAVY_TOP)
    gradient.setColorAt(1, NAVY_BOTTOM)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(gradient)
    painter.drawRoundedRect(background, 44, 44)

    # The office speaks (white, upper left); the citizens answer (gold, lower right).
    office = QRectF(34, 42, 150, 104)
    citizens = QRectF(96, 120, 128, 86)
    painter.setBrush(WHITE)
    painter.drawPath(_bubble(office, tail_left=True, radius=26))
    painter.setPen(QPen(NAVY_BOTTOM, 10 if size > 24 else 16))
    painter.setBrush(GOLD)
    painter.drawPath(_bubble(citizens, tail_left=False, radius=24))

    if size >= 32:  # lines of text inside the bubbles; they would only blur a tiny icon
        painter.setPen(QPen(INK, 11, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for y, end in ((74, 154), (100, 136)):
            painter.drawLine(QPointF(60, y), QPointF(end, y))
        painter.setPen(QPen(INK, 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for y, end in ((150, 198), (174, 178)):
            painter.drawLine(QPointF(122, y), QPointF(end, y))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def dib_bytes(image: QImage) -> bytes:
    """An icon-directory DIB: BITMAPINFOHEADER (double height), bottom-up BGRA rows, AND mask."""
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)  # BGRA byte order in memory
    size = argb.width()
    stride = argb.bytesPerLine()
    bits = bytes(argb.constBits())
    rows = [bits[y * stride : y * stride + size * 4] for y in range(size)]
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, size * size * 4, 0, 0, 0, 0)
    mask_stride = ((size + 31) // 32) * 4  # 1 bit per pixel, rows padded to 32 bits; alpha decides
    return header + b"".join(reversed(rows)) + bytes(mask_stride * size)


def ico_bytes(images: list[QImage]) -> bytes:
    blobs = [png_bytes(img) if img.width() >= 256 else dib_bytes(img) for img in images]
    directory = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries = b""
    for img, blob in zip(images, blobs, strict=True):
        side = img.width() if img.width() < 256 else 0  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    return directory + entries + b"".join(blobs)


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    png_path, ico_path = ICON_DIR / "doithoai.png", ICON_DIR / "doithoai.ico"
    png_path.write_bytes(png_bytes(draw(PNG_SIZE)))
    ico_path.write_bytes(ico_bytes([draw(size) for size in ICO_SIZES]))
    check = QImage(str(ico_path))  # read back through Qt's ico plugin
    if check.isNull():
        print(f"cannot read back {ico_path}", file=sys.stderr)
        return 1
    print(f"{png_path} ({png_path.stat().st_size} bytes), {ico_path} ({ico_path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
