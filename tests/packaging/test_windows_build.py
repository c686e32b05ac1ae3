"""The Windows build's files agree with each other and with the program (no Wine needed).

`make windows` proves the installer under Wine; these catch, in a second, the edits that would
only show there or on an office PC: a version read from the wrong place, an output name the build
script does not look for, an uninstaller that deletes more than the program.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging" / "windows"))
import xwd_to_png

ROOT = Path(__file__).resolve().parents[2]
WINDOWS = ROOT / "packaging" / "windows"
NSI = WINDOWS / "installer.nsi"


def nsis_text() -> str:
    return NSI.read_text(encoding="utf-8-sig")


def nsis_defines() -> dict[str, str]:
    """``!define NAME "value"`` lines (the first one of each name), with ${…} expanded."""
    defines: dict[str, str] = {"VERSION": app.__version__}
    for name, value in re.findall(r'^\s*!define\s+(\w+)\s+"([^"]*)"', nsis_text(), re.MULTILINE):
        defines.setdefault(name, re.sub(r"\$\{(\w+)\}", lambda m: defines[m.group(1)], value))
    return defines


def section(name: str) -> list[str]:
    text = nsis_text()
    body = text.split(f'Section "{name}"', 1)[1].split("SectionEnd", 1)[0]
    return [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith(";")]


def expand(value: str) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: nsis_defines()[m.group(1)], value)


def test_the_installer_reads_the_version_from_app_init() -> None:
    path, start, end = re.search(
        r'^!searchparse /file "([^"]+)" `([^`]+)` VERSION `([^`]+)`', nsis_text(), re.M
    ).groups()
    source = (NSI.parent / path).resolve()
    assert source == ROOT / "app" / "__init__.py"
    # What makensis does: the first line holding the start text, up to the end text.
    line = next(line for line in source.read_text(encoding="utf-8").splitlines() if start in line)
    assert line.split(start, 1)[1].split(end, 1)[0] == app.__version__


def test_the_installer_is_written_where_the_build_script_and_the_readme_look() -> None:
    defines = nsis_defines()
    out = (NSI.parent / defines["OUT"]).resolve().relative_to(ROOT).as_posix()
    assert out == f"dist/windows/doithoai-{app.__version__}-cai-dat.exe"
    assert (NSI.parent / defines["DIST"]).resolve() == ROOT / "dist" / "windows" / "doithoai"
    script = (WINDOWS / "build.sh").read_text(encoding="utf-8")
    assert "DIST=$ROOT/dist/windows\n" in script
    assert "INSTALLER=$DIST/doithoai-$VERSION-cai-dat.exe\n" in script
    assert "doithoai-<phiên bản>-cai-dat.exe" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_installer_is_per_user_unicode_and_vietnamese() -> None:
    raw = NSI.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "makensis on Windows reads a file without BOM as ANSI"
    text = nsis_text()
    for line in (
        "Unicode true",
        "RequestExecutionLevel user",
        'InstallDir "$LOCALAPPDATA\\Programs\\DoiThoai"',
        '!insertmacro MUI_LANGUAGE "Vietnamese"',
    ):
        assert re.search(rf"^{re.escape(line)}$", text, re.MULTILINE), line
    assert "HKLM" not in text and "SetShellVarContext all" not in text


def test_one_product_name_everywhere() -> None:
    assert nsis_defines()["APPNAME"] == app.APP_NAME
    for path in (ROOT / "build.spec", WINDOWS / "check_exe.py"):
        assert f'PRODUCT = "{app.APP_NAME}"' in path.read_text(encoding="utf-8"), path


def test_the_uninstaller_deletes_only_what_the_installer_copied() -> None:
    allowed = ("$INSTDIR\\", "$SMPROGRAMS\\", "$DESKTOP\\")
    removed = []
    for line in section("Uninstall"):
        command, *args = line.split(None, 1)
        if command in ("Delete", "RMDir"):
            flags, target = re.fullmatch(r'((?:/\w+\s+)*)"([^"]+)"', args[0]).groups()
            target = expand(target)
            removed.append((flags.strip(), target))
            # $INSTDIR itself only without /r: an empty folder goes, a portable data\ folder stays.
            assert target.startswith(allowed) or (target == "$INSTDIR" and not flags), line
            assert "DoiThoai" not in target.replace("$INSTDIR", ""), line
    assert [target for flags, target in removed if flags] == ["$INSTDIR\\_internal"]
    # The two programs build.spec makes and the uninstaller the installer writes are all removed.
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    name = re.search(r'^NAME = "(\w+)"', spec, re.MULTILINE).group(1)
    uninstaller = expand(re.search(r'WriteUninstaller "([^"]+)"', nsis_text()).group(1))
    for target in (f"$INSTDIR\\{name}.exe", f"$INSTDIR\\{name}-cli.exe", uninstaller):
        assert ("", target) in removed, target


def test_upgrades_replace_the_library_folder_before_copying() -> None:
    install = section("Install")
    assert install.index('RMDir /r "$INSTDIR\\_internal"') < install.index('File /r "${DIST}/*"')


def test_the_build_script_parses() -> None:
    subprocess.run(["bash", "-n", str(WINDOWS / "build.sh")], check=True)


def xwd(pixels: list[list[tuple[int, int, int]]]) -> bytes:
    """A ZPixmap XWD file as Xvfb writes it (32 bpp, LSB first), with one colormap entry."""
    height, width = len(pixels), len(pixels[0])
    name = b"Xvfb\0"
    fields = [100 + len(name), 7, 2, 24, width, height, 0, 0, 32, 0, 32, 32, 4 * width, 4,
              0xFF0000, 0xFF00, 0xFF, 8, 256, 1, width, height, 0, 0, 0]  # fmt: skip
    body = b"".join(bytes((b, g, r, 0)) for row in pixels for r, g, b in row)
    return struct.pack(">25I", *fields) + name + bytes(12) + body


def read_png(data: bytes) -> tuple[int, int, bytes]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    idat = data.index(b"IDAT")
    size = struct.unpack(">I", data[idat - 4 : idat])[0]
    return width, height, zlib.decompress(data[idat + 4 : idat + 4 + size])


def test_the_screenshot_keeps_its_colours(tmp_path: Path) -> None:
    red, green, blue, white = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)
    (tmp_path / "screen").write_bytes(xwd([[red, green, blue], [white, white, white]]))
    assert xwd_to_png.main(["", str(tmp_path / "screen"), str(tmp_path / "shot.png")]) == 0
    width, height, rows = read_png((tmp_path / "shot.png").read_bytes())
    assert (width, height) == (3, 2)
    assert rows == b"\0" + bytes(red + green + blue) + b"\0" + bytes(white * 3)


def test_a_blank_screen_is_reported(tmp_path: Path) -> None:
    (tmp_path / "screen").write_bytes(xwd([[(0, 0, 0)] * 20] * 10))
    assert xwd_to_png.main(["", str(tmp_path / "screen"), str(tmp_path / "shot.png")]) == 2


def test_an_unknown_screen_layout_is_refused(tmp_path: Path) -> None:
    data = bytearray(xwd([[(1, 2, 3)]]))
    data[44:48] = struct.pack(">I", 16)  # 16 bits per pixel
    (tmp_path / "screen").write_bytes(bytes(data))
    with pytest.raises(SystemExit, match="unsupported XWD layout"):
        xwd_to_png.main(["", str(tmp_path / "screen"), str(tmp_path / "shot.png")])
