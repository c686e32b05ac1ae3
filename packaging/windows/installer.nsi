; Trình cài đặt Windows của «Đối thoại với Nhân dân» (NSIS 3, bản 64-bit, cho riêng người dùng).
;
; Per-user installer of the onedir bundle dist/windows/doithoai. Built by packaging/windows/build.sh
; (`make windows`, Debian's native makensis) or on Windows by the same command:
;     makensis packaging/windows/installer.nsi      ->  dist/windows/doithoai-<version>-cai-dat.exe
; makensis works in this file's folder, so the relative paths below hold from any working directory.
; UTF-8 with a BOM: makensis on Windows would otherwise read it in the ANSI code page.
;
; - No admin rights (RequestExecutionLevel user): files in %LOCALAPPDATA%\Programs\DoiThoai (the
;   per-user Programs folder), shortcuts in the user's Start menu and desktop, uninstall entry in HKCU.
; - Never touches the data: %LOCALAPPDATA%\DoiThoai (platformdirs, app/paths.py), or {app}\data in
;   portable mode. The uninstaller deletes only what this installer copied.
; - Installing over an older version reuses its folder and replaces _internal\ whole.

Unicode true
Target amd64-unicode
ManifestSupportedOS Win10
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

; One home for the version: app/__init__.py, the same line build.spec reads.
!searchparse /file "../../app/__init__.py" `__version__ = "` VERSION `"`
!ifndef DIST
  !define DIST "../../dist/windows/doithoai"
!endif
!ifndef OUT
  !define OUT "../../dist/windows/doithoai-${VERSION}-cai-dat.exe"
!endif
!define ICON "../../resources/icons/doithoai.ico"
!define APPNAME "Đối thoại với Nhân dân"
!define APPEXE "doithoai.exe"
!define CLIEXE "doithoai-cli.exe"
!define UNINSTEXE "go-cai-dat.exe"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\DoiThoai"

Name "${APPNAME}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\DoiThoai"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
Icon "${ICON}"
UninstallIcon "${ICON}"
BrandingText "${APPNAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=1066 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=1066 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1066 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1066 "FileDescription" "Cài đặt ${APPNAME}"
VIAddVersionKey /LANG=1066 "LegalCopyright" "Giấy phép MIT"

!include "MUI2.nsh"
!include "x64.nsh"
!include "WinVer.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APPEXE}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Chỉ các tệp chương trình bị gỡ. Dữ liệu (kế hoạch, biên bản, ý kiến, kiến nghị, bản sao lưu) trong thư mục $LOCALAPPDATA\DoiThoai được giữ nguyên; cài lại chương trình là dùng tiếp được."
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
; NSIS's own Vietnamese texts (Contrib/Language files/Vietnamese.nlf and .nsh) for every page.
!insertmacro MUI_LANGUAGE "Vietnamese"

Function .onInit
  SetShellVarContext current
  ; Qt 6 needs 64-bit Windows 10 1809 or later.
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP "Chương trình cần Windows 10 phiên bản 1809 trở lên, bản 64-bit." /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

Section "Install"
  SetShellVarContext current
  ; An upgrade must not keep the libraries and modules that the older version had and this one
  ; has not: _internal\ is replaced whole. $INSTDIR itself stays (portable mode keeps data\ there).
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${DIST}/*"
  WriteUninstaller "$INSTDIR\${UNINSTEXE}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${APPEXE}"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${APPEXE}"
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${APPEXE}"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\${UNINSTEXE}"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTEXE}" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  ; Only what the installer put there. Never a recursive delete of $INSTDIR (portable data\ may be
  ; inside) and never $LOCALAPPDATA\DoiThoai (the data folder).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APPEXE}"
  Delete "$INSTDIR\${CLIEXE}"
  Delete "$INSTDIR\${UNINSTEXE}"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  DeleteRegKey HKCU "${UNINSTKEY}"
SectionEnd
