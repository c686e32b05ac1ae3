; Trình cài đặt Windows của «Đối thoại với Nhân dân» — Inno Setup 6.3 trở lên.
;
; Biên dịch sau khi đã có dist\doithoai (xem packaging\README-windows.md):
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\installer.iss
; Kết quả: dist\doithoai-<phiên bản>-cai-dat.exe
;
; - Cài cho riêng người dùng đang đăng nhập, không cần quyền quản trị (PrivilegesRequired=lowest):
;   chương trình vào %LOCALAPPDATA%\Programs\DoiThoai, lối tắt vào menu Start của người đó.
; - Dữ liệu (tệp .sqlite, sao lưu, nhật ký, mẫu câu chữ) nằm ở thư mục khác, %LOCALAPPDATA%\DoiThoai
;   (platformdirs), hoặc ở {app}\data khi dùng chế độ portable.txt. Trình cài đặt và trình gỡ
;   không bao giờ động tới các thư mục đó: chúng chỉ xoá những tệp chính chúng đã chép vào.
; - Tệp này là UTF-8 có BOM để Inno Setup đọc đúng chữ tiếng Việt.

#define AppName "Đối thoại với Nhân dân"
#define AppExe "doithoai.exe"
#define DistDir AddBackslash(SourcePath) + "..\..\dist\doithoai"
#ifndef AppVersion
  ; Lấy từ thông tin phiên bản mà build.spec ghi vào doithoai.exe (ví dụ 0.1.0.0).
  #define AppVersion GetVersionNumbersString(DistDir + "\" + AppExe)
#endif

[Setup]
; AppId không bao giờ đổi: nhờ nó bản mới cài đè lên bản cũ và Gỡ cài đặt tìm thấy chương trình.
AppId={{6F1C7D3E-2B9A-4C5E-9D41-0A8B7E3F5C21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
PrivilegesRequired=lowest
DefaultDirName={userpf}\DoiThoai
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
; Qt 6 chạy trên Windows 10 1809 (10.0.17763) trở lên, 64-bit.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Đóng chương trình đang mở trước khi chép đè (Restart Manager).
CloseApplications=yes
RestartApplications=no
SetupIconFile=..\..\resources\icons\doithoai.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=doithoai-{#AppVersion}-cai-dat
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no

[Languages]
Name: "vi"; MessagesFile: "compiler:Default.isl"

[LangOptions]
LanguageName=Tiếng Việt
LanguageID=$042A

[Messages]
; Các câu người dùng thực sự thấy khi cài và gỡ; những câu hiếm gặp khác giữ tiếng Anh của Inno Setup.
SetupAppTitle=Cài đặt
SetupWindowTitle=Cài đặt - %1
UninstallAppTitle=Gỡ cài đặt
UninstallAppFullTitle=Gỡ cài đặt %1
InformationTitle=Thông tin
ConfirmTitle=Xác nhận
ErrorTitle=Lỗi
SetupAlreadyRunning=Chương trình cài đặt đang chạy.
WindowsVersionNotSupported=Chương trình cần Windows 10 phiên bản 1809 trở lên, bản 64-bit.
OnlyOnTheseArchitectures=Chương trình chỉ cài được trên Windows dành cho các loại bộ xử lý sau:%n%n%1
WinVersionTooLowError=Chương trình cần %1 phiên bản %2 trở lên.
SetupAppRunningError=Chương trình cài đặt thấy %1 đang mở.%n%nHãy đóng chương trình rồi bấm Đồng ý để tiếp tục, hoặc Hủy để thoát.
UninstallAppRunningError=Trình gỡ cài đặt thấy %1 đang mở.%n%nHãy đóng chương trình rồi bấm Đồng ý để tiếp tục, hoặc Hủy để thoát.
ExitSetupTitle=Thoát cài đặt
ExitSetupMessage=Việc cài đặt chưa xong. Nếu thoát bây giờ, chương trình sẽ chưa được cài.%n%nCó thể chạy lại chương trình cài đặt vào lúc khác.%n%nThoát cài đặt?
ButtonBack=< &Quay lại
ButtonNext=&Tiếp >
ButtonInstall=&Cài đặt
ButtonOK=Đồng ý
ButtonCancel=Hủy
ButtonYes=&Có
ButtonYesToAll=Có với &tất cả
ButtonNo=&Không
ButtonNoToAll=Khô&ng với tất cả
ButtonFinish=&Xong
ButtonBrowse=&Chọn...
ButtonWizardBrowse=C&họn...
ButtonNewFolder=&Tạo thư mục mới
ClickNext=Bấm Tiếp để tiếp tục, hoặc Hủy để thoát.
BrowseDialogTitle=Chọn thư mục
BrowseDialogLabel=Chọn một thư mục trong danh sách rồi bấm Đồng ý.
NewFolderName=Thư mục mới
WelcomeLabel1=Chào mừng đến với chương trình cài đặt [name]
WelcomeLabel2=Chương trình sẽ cài [name/ver] vào máy tính này.%n%nNên đóng các chương trình khác trước khi tiếp tục.
WizardSelectDir=Chọn nơi cài đặt
SelectDirDesc=Cài [name] vào đâu?
SelectDirLabel3=Chương trình sẽ được cài vào thư mục sau.
SelectDirBrowseLabel=Bấm Tiếp để tiếp tục. Muốn chọn thư mục khác, bấm Chọn.
DiskSpaceMBLabel=Cần ít nhất [mb] MB dung lượng trống trên ổ đĩa.
DirExistsTitle=Thư mục đã có
DirExists=Thư mục:%n%n%1%n%nđã có. Vẫn cài vào thư mục này?
DirDoesntExistTitle=Thư mục chưa có
DirDoesntExist=Thư mục:%n%n%1%n%nchưa có. Tạo thư mục này?
DiskSpaceWarningTitle=Không đủ dung lượng ổ đĩa
DiskSpaceWarning=Cần ít nhất %1 KB dung lượng trống nhưng ổ đĩa đã chọn chỉ còn %2 KB.%n%nVẫn tiếp tục?
WizardSelectTasks=Chọn việc làm thêm
SelectTasksDesc=Cần làm thêm những việc nào?
SelectTasksLabel2=Chọn những việc chương trình cài đặt làm thêm khi cài [name], rồi bấm Tiếp.
WizardReady=Sẵn sàng cài đặt
ReadyLabel1=Chương trình cài đặt đã sẵn sàng cài [name] vào máy tính này.
ReadyLabel2a=Bấm Cài đặt để bắt đầu, hoặc Quay lại để xem lại hay thay đổi lựa chọn.
ReadyLabel2b=Bấm Cài đặt để bắt đầu.
ReadyMemoDir=Thư mục cài đặt:
ReadyMemoTasks=Việc làm thêm:
WizardPreparing=Chuẩn bị cài đặt
PreparingDesc=Chương trình cài đặt đang chuẩn bị cài [name] vào máy tính này.
CannotContinue=Không thể tiếp tục. Bấm Hủy để thoát.
ApplicationsFound=Các chương trình sau đang dùng những tệp cần cập nhật. Nên để chương trình cài đặt tự đóng chúng.
ApplicationsFound2=Các chương trình sau đang dùng những tệp cần cập nhật. Nên để chương trình cài đặt tự đóng chúng. Cài xong, chương trình cài đặt sẽ thử mở lại chúng.
CloseApplications=&Tự động đóng các chương trình này
DontCloseApplications=&Không đóng các chương trình này
ErrorCloseApplications=Không tự đóng được mọi chương trình đang dùng các tệp cần cập nhật. Hãy tự đóng chúng trước khi tiếp tục.
WizardInstalling=Đang cài đặt
InstallingLabel=Xin chờ trong khi [name] được cài vào máy tính này.
FinishedHeadingLabel=Đã cài xong [name]
FinishedLabelNoIcons=[name] đã được cài vào máy tính này.
FinishedLabel=[name] đã được cài vào máy tính này. Mở chương trình bằng biểu tượng trên màn hình nền hoặc trong menu Start.
ClickFinish=Bấm Xong để đóng chương trình cài đặt.
RunEntryExec=Mở %1
SetupAborted=Việc cài đặt chưa xong.%n%nHãy khắc phục sự cố rồi chạy lại chương trình cài đặt.
StatusClosingApplications=Đang đóng các chương trình...
StatusCreateDirs=Đang tạo thư mục...
StatusExtractFiles=Đang chép các tệp...
StatusCreateIcons=Đang tạo lối tắt...
StatusSavingUninstall=Đang lưu thông tin gỡ cài đặt...
StatusRunProgram=Đang hoàn tất...
StatusRollback=Đang hoàn tác các thay đổi...
ConfirmUninstall=Gỡ %1 khỏi máy tính này?%n%nDữ liệu (kế hoạch, biên bản, ý kiến, kiến nghị, bản sao lưu) được giữ nguyên trong thư mục dữ liệu; cài lại chương trình là dùng tiếp được.
UninstallStatusLabel=Xin chờ trong khi %1 được gỡ khỏi máy tính này.
UninstalledAll=Đã gỡ %1 khỏi máy tính này. Dữ liệu vẫn được giữ nguyên.
UninstalledMost=Đã gỡ xong %1.%n%nMột số tệp không xoá được, có thể xoá bằng tay.
WizardUninstalling=Đang gỡ cài đặt
StatusUninstalling=Đang gỡ %1...
ShutdownBlockReasonInstallingApp=Đang cài %1.
ShutdownBlockReasonUninstallingApp=Đang gỡ %1.

[CustomMessages]
CreateDesktopIcon=Tạo &biểu tượng trên màn hình nền
AdditionalIcons=Biểu tượng:
LaunchProgram=Mở %1 ngay

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; Tệp của bản cũ không còn trong bản mới (thư viện, mô-đun) không được nằm lại. Chỉ thư mục
; chương trình; thư mục dữ liệu ở nơi khác và {app}\data (portable) không bị đụng tới.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
