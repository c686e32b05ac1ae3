"""Turn Xvfb's screen (``Xvfb -fbdir DIR`` keeps it as an XWD file) into a PNG, with the stdlib only.

    python3 packaging/windows/xwd_to_png.py build/windows/xvfb/Xvfb_screen0 build/windows/man-hinh.png

Prints the size and how many colours a sample of the screen has; exit code 2 when the screen is a
single colour (nothing drawn yet, or a window that never painted), so build.sh can tell "a window
was drawn" from "a process is alive". Only the layout Xvfb uses on x86 is read (ZPixmap, 32 bits
per pixel, least significant byte first, 8-bit red/green/blue masks); anything else is refused.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

ZPIXMAP, LSB_FIRST = 2, 0


def read_xwd(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, RGB rows each prefixed with PNG filter byte 0)."""
    fields = struct.unpack(">25I", data[:100])
    header_size, _version, pixmap_format, _depth, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    masks, ncolors = fields[14:17], fields[19]
    if (pixmap_format, bits_per_pixel, byte_order, masks) != (
        ZPIXMAP,
        32,
        LSB_FIRST,
        (0xFF0000, 0xFF00, 0xFF),
    ):
        raise SystemExit(
            f"unsupported XWD layout: format {pixmap_format}, {bits_per_pixel} bpp, masks {masks}"
        )
    start = header_size + 12 * ncolors
    rows = bytearray()
    for y in range(height):
        row = data[start + y * bytes_per_line : start + y * bytes_per_line + 4 * width]
        rgb = bytearray(3 * width)
        rgb[0::3], rgb[1::3], rgb[2::3] = row[2::4], row[1::4], row[0::4]  # B G R x → R G B
        rows += b"\0" + rgb
    return width, height, bytes(rows)


def png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 6))
        + chunk(b"IEND", b"")
    )


def colours(width: int, rows: bytes, step: int = 7) -> int:
    """Distinct colours among every ``step``-th pixel."""
    stride = 1 + 3 * width
    pixels = set()
    for offset in range(0, len(rows), stride):
        row = rows[offset + 1 : offset + stride]
        pixels.update(row[i : i + 3] for i in range(0, len(row), 3 * step))
    return len(pixels)


def main(argv: list[str]) -> int:
    width, height, rows = read_xwd(Path(argv[1]).read_bytes())
    Path(argv[2]).write_bytes(png(width, height, rows))
    count = colours(width, rows)
    print(f"{argv[2]}: {width}x{height}, {count} colours in a sample")
    return 0 if count > 1 else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
