"""packaging/bundle_rules.py: which Qt plugins and libraries the bundle keeps."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
import bundle_rules


@pytest.mark.parametrize(
    ("dest", "platform", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "linux", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", "linux", False),
        ("PySide6/Qt/plugins/imageformats/libqico.so", "linux", True),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", "linux", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "linux", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", "win32", True),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", "win32", True),
        ("PySide6\\plugins\\imageformats\\qjpeg.dll", "win32", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", "linux", None),
        ("lxml/etree.cpython-311-x86_64-linux-gnu.so", "linux", None),
    ],
)
def test_plugin_rules(dest: str, platform: str, kept: bool | None) -> None:
    assert bundle_rules.plugin_kept(dest, platform) is kept


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle layout")
def test_libraries_only_a_dropped_plugin_needed_go_with_it() -> None:
    plugins = "PySide6/Qt/plugins"
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Svg.so.6", "/src/libQt6Svg.so.6", "BINARY"),
        (f"{plugins}/platforms/libqoffscreen.so", "/src/libqoffscreen.so", "BINARY"),
        (f"{plugins}/imageformats/libqsvg.so", "/src/libqsvg.so", "BINARY"),
        (f"{plugins}/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),
        ("libfontconfig.so.1", "/usr/lib/libfontconfig.so.1", "BINARY"),
    ]
    datas = [
        ("libQt6Svg.so.6", "PySide6/Qt/lib/libQt6Svg.so.6", "SYMLINK"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("PySide6/Qt/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
        ("resources/icons/doithoai.ico", "/src/doithoai.ico", "DATA"),
    ]
    links = {
        "/src/QtWidgets.abi3.so": ["libQt6Widgets.so.6"],
        "/src/libQt6Widgets.so.6": ["libQt6Gui.so.6"],
        "/src/libQt6Gui.so.6": ["libfontconfig.so.1"],
        "/src/libqoffscreen.so": ["libQt6Gui.so.6"],
        "/src/libqsvg.so": ["libQt6Svg.so.6", "libQt6Gui.so.6"],
        "/src/libqgtk3.so": ["libgtk-3.so.0"],
    }

    def get_imports(source: str) -> list[tuple[str, str | None]]:
        return [(name, None) for name in links.get(source, [])]

    kept_binaries, kept_datas = bundle_rules.trim(binaries, datas, get_imports, log=lambda _line: None)
    assert [dest for dest, _src, _code in kept_binaries] == [
        "PySide6/QtWidgets.abi3.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        f"{plugins}/platforms/libqoffscreen.so",
        "libfontconfig.so.1",
    ]
    assert [dest for dest, _src, _code in kept_datas] == ["libQt6Gui.so.6", "resources/icons/doithoai.ico"]


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/opengl32sw.dll", True),
        ("PySide6\\opengl32sw.dll", True),
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6/translations/qt_fr.qm", True),
        ("resources/templates/thong-bao.txt", False),
        ("PySide6/Qt6Core.dll", False),
    ],
)
def test_files_dropped_outright(dest: str, dropped: bool) -> None:
    assert bundle_rules._dropped_file(dest) is dropped
