; Inno Setup 6 script: the setup .exe of 产教融合工作台 (chanjiao), from the PyInstaller bundle in dist\chanjiao.
; Build with `python installer\build.py --inno` (passes /DAppVersion from pyproject.toml), or by hand:
;   ISCC /DAppVersion=0.1.0 installer\chanjiao.iss
; The file is UTF-8 with a BOM (Inno Setup 6 then reads the Chinese text correctly on any Windows).
;
; - Chinese wizard: installer/ChineseSimplified.isl is the project's own translation of Inno Setup's messages,
;   read from beside this script (nothing to download or copy into Inno Setup's folder).
; - Per-user install, no administrator rights: {autopf} of a per-user install, which Windows makes
;   %LOCALAPPDATA%\Programs\chanjiao (FOLDERID_UserProgramFiles). /DWineUserProgramFiles names that folder
;   directly, for Wine 8, which lacks FOLDERID_UserProgramFiles (tests/windows/run_wine.sh): the one difference
;   between the setup tested under Wine and the one shipped.
; - The user's data (database, attachments, backups, logs, window settings) is never in the install folder: it
;   lives in %LOCALAPPDATA%\chanjiao (app/paths.py, appdirs.user_data_dir("chanjiao", appauthor=False)).
;   An upgrade (same AppId) replaces only the program files; uninstalling keeps the data unless the user
;   answers 是 to the question at the end.

#ifndef AppVersion
  #error "AppVersion is not defined: use installer\build.py --inno, or ISCC /DAppVersion=x.y.z"
#endif

#define AppName "产教融合工作台"
#define AppExe "chanjiao.exe"
#define DataFolder "chanjiao"
#define BundleDir "..\dist\chanjiao"

[Setup]
; Fixed forever: an installer with the same AppId upgrades the existing installation in place.
AppId={{6B1E3C52-8F4A-4D7B-9C2E-3A5F0D8B7E41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=chanjiao
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoDescription={#AppName} 安装程序
PrivilegesRequired=lowest
#ifdef WineUserProgramFiles
DefaultDirName={localappdata}\Programs\chanjiao
#else
DefaultDirName={autopf}\chanjiao
#endif
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
UsePreviousTasks=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
CloseApplications=yes
RestartApplications=no
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
OutputDir=..\dist
OutputBaseFilename=chanjiao-{#AppVersion}-setup
; /DCompression=… overrides it (tests/windows/setup_check.py: the stand-in previous build, zip/1 for speed).
#ifndef Compression
  #define Compression "lzma2/max"
#endif
Compression={#Compression}
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
; build.py draws resources\icons\app.svg into this .ico before running PyInstaller.
#if FileExists(AddBackslash(SourcePath) + "..\build\pyinstaller\chanjiao.ico")
SetupIconFile=..\build\pyinstaller\chanjiao.ico
#endif

[Languages]
Name: "chinesesimp"; MessagesFile: "ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade first removes the previous version's program files (never the user's data, which is elsewhere).
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
{ Uninstall: the program files are removed; the user's data folder only if the user says so (default: keep).
  A silent uninstall (/SILENT, /VERYSILENT) always keeps the data. }

function DataDir(): String;
begin
  Result := ExpandConstant('{localappdata}\{#DataFolder}');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and (not UninstallSilent()) and DirExists(DataDir()) then
  begin
    if MsgBox('是否同时删除您的数据？' + #13#10 + #13#10 +
              '数据文件夹：' + DataDir() + #13#10 +
              '（数据库、附件、自动备份、日志和窗口设置）' + #13#10 + #13#10 +
              '选择“否”将保留这些数据，重新安装后可继续使用（推荐）。' + #13#10 +
              '选择“是”将永久删除，无法恢复。请先确认已另行备份。',
              mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
    begin
      if not DelTree(DataDir(), True, True, True) then
        MsgBox('部分数据未能删除（可能正被其他程序使用）：' + #13#10 + DataDir(), mbError, MB_OK);
    end;
  end;
end;
