"""Check what Explorer and Windows read from the two .exe files of a Windows bundle.

Run by packaging/windows/build.sh with the Windows Python that built the bundle (it has ``pefile``,
a PyInstaller dependency on Windows):

    python.exe packaging/windows/check_exe.py dist/windows/doithoai 0.1.0

One line per check, exit code 1 if any failed. What it checks is what PyInstaller could silently
get wrong from build.spec: the version resource (Properties → Details: product name, version),
the icon, the ``asInvoker`` manifest (no UAC prompt, no installer-detection heuristic), the
windowed/console subsystems of doithoai.exe and doithoai-cli.exe, 64-bit code, and that the
stand-in icuuc.dll of the build machine's Wine prefix did not end up in the bundle.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pefile  # type: ignore[import-not-found]

PRODUCT = "Đối thoại với Nhân dân"
RT_ICON, RT_GROUP_ICON, RT_MANIFEST = 3, 14, 24
SUBSYSTEMS = {"doithoai.exe": 2, "doithoai-cli.exe": 3}  # IMAGE_SUBSYSTEM_WINDOWS_GUI / _CUI
AMD64 = 0x8664


def resource_data(pe: pefile.PE, type_id: int) -> list[bytes]:
    """The raw data of every resource of one type (all names, all languages)."""
    found: list[bytes] = []
    if not hasattr(pe, "DIRECTORY_ENTRY_RESOURCE"):
        return found
    for entry in pe.DIRECTORY_ENTRY_RESOURCE.entries:
        if entry.id != type_id:
            continue
        for name in entry.directory.entries:
            for language in name.directory.entries:
                struct = language.data.struct
                found.append(pe.get_data(struct.OffsetToData, struct.Size))
    return found


def version_strings(pe: pefile.PE) -> dict[str, str]:
    strings: dict[str, str] = {}
    for info in getattr(pe, "FileInfo", None) or []:
        for block in info:
            if getattr(block, "Key", b"") == b"StringFileInfo":
                for table in block.StringTable:
                    for key, value in table.entries.items():
                        strings[key.decode("utf-8")] = value.decode("utf-8")
    return strings


def icon_count(ico: Path) -> int:
    """Images in a .ico file (ICONDIR.idCount)."""
    return int.from_bytes(ico.read_bytes()[4:6], "little")


def check_exe(exe: Path, version: str, ico: Path) -> list[str]:
    """Problems found in one .exe; empty if none."""
    problems = []
    pe = pefile.PE(str(exe))
    if pe.FILE_HEADER.Machine != AMD64:
        problems.append(f"machine 0x{pe.FILE_HEADER.Machine:x}, not x86-64")
    if pe.OPTIONAL_HEADER.Subsystem != SUBSYSTEMS[exe.name]:
        problems.append(f"subsystem {pe.OPTIONAL_HEADER.Subsystem}, expected {SUBSYSTEMS[exe.name]}")
    strings = version_strings(pe)
    for key, expected in (("ProductName", PRODUCT), ("FileVersion", version), ("ProductVersion", version)):
        if strings.get(key) != expected:
            problems.append(f"{key} = {strings.get(key)!r}, expected {expected!r}")
    numbers = [int(part) for part in version.split(".")] + [0, 0, 0, 0]
    fixed = pe.VS_FIXEDFILEINFO[0] if getattr(pe, "VS_FIXEDFILEINFO", None) else None
    packed = (numbers[0] << 16 | numbers[1], numbers[2] << 16 | numbers[3])
    if fixed is None or (fixed.FileVersionMS, fixed.FileVersionLS) != packed:
        problems.append("the fixed file version does not match")
    manifests = resource_data(pe, RT_MANIFEST)
    levels = [re.findall(rb'requestedExecutionLevel\s+level="(\w+)"', data) for data in manifests]
    if [found for found in levels if found] != [[b"asInvoker"]]:
        problems.append(f"manifest execution levels {levels}, expected one asInvoker")
    groups = resource_data(pe, RT_GROUP_ICON)
    if len(groups) != 1 or int.from_bytes(groups[0][4:6], "little") != icon_count(ico):
        problems.append(
            f"icon groups {[int.from_bytes(g[4:6], 'little') for g in groups]}, expected one "
            f"with the {icon_count(ico)} images of {ico.name}"
        )
    pe.close()
    return problems


def main(argv: list[str]) -> int:
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]  # not the ANSI code page
    bundle, version = Path(argv[1]), argv[2]
    ico = Path(__file__).resolve().parents[2] / "resources" / "icons" / "doithoai.ico"
    failed = 0
    for name in SUBSYSTEMS:
        problems = check_exe(bundle / name, version, ico)
        failed += bool(problems)
        print(
            f"[{'LỖI' if problems else ' OK '}] {name}: "
            + (
                "; ".join(problems)
                or f"{PRODUCT} {version}, biểu tượng, asInvoker, x86-64, "
                f"{'cửa sổ' if SUBSYSTEMS[name] == 2 else 'dòng lệnh'}"
            )
        )
    stand_ins = sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.name.lower() == "icuuc.dll")
    failed += bool(stand_ins)
    print(
        f"[{'LỖI' if stand_ins else ' OK '}] không có icuuc.dll trong bản đóng gói"
        + (f": {stand_ins}" if stand_ins else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
