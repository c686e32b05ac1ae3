"""What the PyInstaller bundle leaves out: shared by build.spec and benchmarks/bundle.py's floor.

PyInstaller's Qt hooks collect every plugin of every Qt module they meet (EGLFS, VNC, evdev, TLS,
GTK themes, Wayland compositors…) plus whatever those plugins link to, and 7 MB of Qt's own
translations. The program needs Qt Widgets on a desktop and nothing else, so:

1. ``EXCLUDED_MODULES`` keeps unused Python packages (tests, Tk, other Qt bindings' modules) out of
   the analysis, before anything they would drag in is found;
2. :func:`trim` keeps only the Qt plugins in ``KEPT_PLUGINS``, drops Qt's translations (the
   program has its own Vietnamese texts, ui/i18n.py), and then drops every shared library that no
   remaining file links to (``libQt6Svg`` once the SVG plugins are gone, GTK once the GTK theme is
   gone…). Libraries are dropped only when unreachable, so nothing that a kept file needs at load
   time can go missing.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

TocEntry = tuple[str, str, str]  # (name in the bundle, source path, typecode)

# Strip debug symbols (libpython alone shrinks from 23 to 4 MB on Linux); PyInstaller advises
# against it on Windows, where the DLLs carry none anyway. Never UPX (slower start, antivirus).
STRIP = sys.platform != "win32"

EXCLUDED_MODULES = [
    # Never used at run time.
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "pydoc_data",
    "lib2to3",
    "ensurepip",
    "venv",
    "distutils",
    "setuptools",
    "pkg_resources",
    "pip",
    "doctest",
    "pytest",
    "_pytest",
    "pytestqt",
    "pygments",
    "sqlalchemy.testing",
    "alembic.testing",
    "IPython",
    # python-docx and openpyxl use lxml.etree only (the lxml hook collects every submodule).
    "lxml.objectify",
    "lxml.html",
    "lxml.isoschematron",
    "lxml.sax",
    # Without _hashlib, hashlib falls back to Python's own sha1/md5/sha256 (the single-instance lock
    # names, SQLAlchemy's name hashes). ssl stays: psycopg's compiled part imports it (a server
    # connection may use TLS; make windows showed "No module named 'ssl'" without it).
    "_hashlib",
    # Qt modules the program does not import (QtCore, QtGui, QtWidgets are all it uses).
    "PySide6.QtNetwork",
    "PySide6.QtDBus",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickControls2",
    "PySide6.QtSvg",
    "PySide6.QtSvgWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtUiTools",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtConcurrent",
    "PySide6.QtPdf",
    "PySide6.QtWebEngineCore",
    "PySide6.QtMultimedia",
    "PySide6.Qt3DCore",
    "PySide6.scripts",
    "shiboken6.Shiboken.scripts",
    # matplotlib draws the Báo cáo's charts with Agg only (app/export/charts.py, no pyplot): its
    # other backends would pull Tk, Wx, GTK or a second copy of the Qt bindings.
    "matplotlib.tests",
    "matplotlib.testing",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_qt",
    "matplotlib.backends.backend_qtagg",
    "matplotlib.backends.backend_qtcairo",
    "matplotlib.backends.backend_qt5",
    "matplotlib.backends.backend_qt5agg",
    "matplotlib.backends.backend_qt5cairo",
    "matplotlib.backends.qt_compat",
    "matplotlib.backends.backend_tkagg",
    "matplotlib.backends.backend_tkcairo",
    "matplotlib.backends._backend_tk",
    "matplotlib.backends.backend_wx",
    "matplotlib.backends.backend_wxagg",
    "matplotlib.backends.backend_wxcairo",
    "matplotlib.backends.backend_gtk3",
    "matplotlib.backends.backend_gtk3agg",
    "matplotlib.backends.backend_gtk3cairo",
    "matplotlib.backends.backend_gtk4",
    "matplotlib.backends.backend_gtk4agg",
    "matplotlib.backends.backend_gtk4cairo",
    "matplotlib.backends.backend_webagg",
    "matplotlib.backends.backend_webagg_core",
    "matplotlib.backends.backend_nbagg",
    "matplotlib.backends.backend_macosx",
    "matplotlib.backends.backend_cairo",
    "matplotlib.backends.backend_pgf",
    "numpy.f2py",
    "numpy.distutils",
    "numpy.testing",
    "PIL.ImageQt",
    "PIL.ImageTk",
]

# Qt plugins kept, by plugin folder; file names without the platform's "lib" prefix and suffix.
KEPT_PLUGINS: dict[str, dict[str, list[str]]] = {
    "win32": {
        "platforms": ["qwindows", "qoffscreen", "qminimal"],
        "styles": ["*"],  # qmodernwindowsstyle: the native Windows 10/11 look
        "imageformats": ["qico"],
    },
    "linux": {
        # xcb and wayland for desktops, offscreen for --self-test and CI, minimal as a last resort.
        "platforms": ["qxcb", "qwayland", "qoffscreen", "qminimal"],
        "wayland-shell-integration": ["xdg-shell"],
        "wayland-decoration-client": ["bradient"],
        # Dead keys and IBus (Vietnamese input methods such as ibus-unikey) on Linux desktops.
        "platforminputcontexts": ["composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"],
        "imageformats": ["qico"],
    },
    "darwin": {
        "platforms": ["qcocoa", "qoffscreen", "qminimal"],
        "styles": ["*"],
        "imageformats": ["qico"],
    },
}

# Files the hooks collect outright (not as a link-time dependency), never needed by a Widgets
# program: the software OpenGL renderer (20 MB on Windows), Qt's own translations.
DROPPED_FILES = [
    "opengl32sw.dll",
    "PySide6/Qt/translations/*",
    "PySide6/translations/*",
    # matplotlib's data the charts never use (app/export/charts.py draws DejaVu Sans, no maths
    # text, no sample images): about 8 MB of fonts and samples.
    "matplotlib/mpl-data/sample_data/*",
    "matplotlib/mpl-data/fonts/afm/*",
    "matplotlib/mpl-data/fonts/pdfcorefonts/*",
    "matplotlib/mpl-data/fonts/ttf/STIX*",
    "matplotlib/mpl-data/fonts/ttf/cm*",
    "matplotlib/mpl-data/fonts/ttf/DejaVuSerif*",
    "matplotlib/mpl-data/fonts/ttf/DejaVuSansMono*",
]

_QT_PLUGIN_DIR = re.compile(r"^PySide6/(?:Qt/)?plugins/([^/]+)/(?:lib)?([^/]+?)(?:\.so|\.dll|\.dylib)$")


def _posix(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).as_posix()


def plugin_kept(dest: str, platform: str = sys.platform) -> bool | None:
    """True/False for a Qt plugin file, None for anything that is not one."""
    match = _QT_PLUGIN_DIR.match(_posix(dest))
    if match is None:
        return None
    folder, stem = match.groups()
    rules = KEPT_PLUGINS.get("linux" if platform.startswith("linux") else platform, {})
    return any(fnmatch.fnmatch(stem, pattern) for pattern in rules.get(folder, []))


def _base(name: str) -> str:
    """A library's file name as the linker sees it (Windows ignores case)."""
    return PurePosixPath(_posix(name)).name.lower()


def _dropped_file(dest: str) -> bool:
    """A pattern with a folder matches the whole path, one without matches the file name."""
    name = _posix(dest)
    base = name.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(name if "/" in pattern else base, pattern) for pattern in DROPPED_FILES)


def _is_library_candidate(dest: str, typecode: str) -> bool:
    """Shared libraries that are there only because something links to them."""
    if typecode != "BINARY" or plugin_kept(dest) is not None:
        return False
    name = _posix(dest)
    base = name.rsplit("/", 1)[-1]
    if base.lower().startswith(("libpython", "python3")):
        return False
    qt_library = re.match(r"^(?:lib)?(?:Qt6|icu)", base, re.IGNORECASE) is not None
    # Top-level libraries on Linux are what PyInstaller found as link-time dependencies.
    system_library = "/" not in name and sys.platform.startswith("linux") and base.startswith("lib")
    return qt_library or system_library


def trim(
    binaries: Iterable[TocEntry],
    datas: Iterable[TocEntry],
    get_imports: Callable[[str], Iterable[tuple[str, str | None]]],
    log: Callable[[str], None] = print,
) -> tuple[list[TocEntry], list[TocEntry]]:
    """Filter Analysis' binaries and datas; ``get_imports`` is PyInstaller's bindepend.get_imports."""
    binaries, datas = list(binaries), list(datas)
    dropped: list[str] = []
    kept_binaries = []
    for entry in binaries:
        if plugin_kept(entry[0]) is False or _dropped_file(entry[0]):
            dropped.append(entry[0])
        else:
            kept_binaries.append(entry)
    kept_datas = []
    for entry in datas:
        if _dropped_file(entry[0]):
            dropped.append(entry[0])
        else:
            kept_datas.append(entry)

    # Libraries reachable by link-time imports from everything else stay; the rest go.
    candidates = {
        _base(dest): (dest, src, typecode)
        for dest, src, typecode in kept_binaries
        if _is_library_candidate(dest, typecode)
    }
    reached: set[str] = set()
    queue = [src for dest, src, typecode in kept_binaries if not _is_library_candidate(dest, typecode)]
    seen_sources: set[str] = set()
    while queue:
        source = queue.pop()
        if source in seen_sources:
            continue
        seen_sources.add(source)
        try:
            imports = list(get_imports(source))
        except Exception:  # not a binary PyInstaller can read: it imports nothing we know of
            imports = []
        for name, _path in imports:
            base = _base(name)
            if base in candidates and base not in reached:
                reached.add(base)
                queue.append(candidates[base][1])
    unreachable = {base for base in candidates if base not in reached}
    dropped += sorted(candidates[base][0] for base in unreachable)
    gone = {_posix(name) for name in dropped}

    def stays(entry: TocEntry) -> bool:
        dest, src, typecode = entry
        if typecode == "SYMLINK":  # src is the link's target, relative to the link's folder
            target = posixpath.normpath(posixpath.join(posixpath.dirname(_posix(dest)), _posix(src)))
            return target not in gone
        return _posix(dest) not in gone

    log(f"bundle_rules: dropped {len(dropped)} files:")
    for name in sorted(dropped):
        log(f"  - {name}")
    return [e for e in kept_binaries if stays(e)], [e for e in kept_datas if stays(e)]
