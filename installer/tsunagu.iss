; Inno Setup 6 script for Tsunagu (つなぐ): builds dist\installer\Tsunagu-Setup-<version>.exe
; from the PyInstaller folder dist\Tsunagu (build it first: installer\build.ps1 does both).
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\tsunagu.iss
; Saved as UTF-8 with a BOM so that the Japanese texts below reach Inno Setup intact.
;
; Uninstalling removes the program only. The chapter's data (%LOCALAPPDATA%\Tsunagu: the
; database, its key file and backups) was never installed by this script, so it stays.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppExe "Tsunagu.exe"
; The PyInstaller folder to pack, relative to this script; another folder with /DBundleDir=C:\path.
#ifndef BundleDir
  #define BundleDir "..\dist\Tsunagu"
#endif

[Setup]
AppId={{5C0A6E2D-9B1F-4E57-A3C4-7D2B8F61E0A9}
AppName=Tsunagu
AppVersion={#AppVersion}
AppVerName=Tsunagu {#AppVersion}
AppPublisher=Tsunagu
DefaultDirName={autopf}\Tsunagu
DefaultGroupName=Tsunagu
DisableProgramGroupPage=yes
DisableWelcomePage=no
; Installs for the current user without an administrator; one who has the right may choose all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; Windows 10 version 1809 or later, 64-bit.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist\installer
OutputBaseFilename=Tsunagu-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName=Tsunagu
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "ja"; MessagesFile: "compiler:Languages\Japanese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
; DataKept comes just before Inno Setup's own "removed" message, so it speaks only of the data.
ja.ShortcutName=つなぐ
en.ShortcutName=Tsunagu
ja.ShortcutComment=まちづくりグループの名簿・活動・見守り
en.ShortcutComment=The chapter's roster, events and watch-over
ja.DataKept=会員名簿などのデータとバックアップは消していません。次のフォルダーに残っています:%n%1%n%nこのパソコンで使わなくなり、本部へ送り終えたあとで、必要であれば手で削除してください。
en.DataKept=The chapter's data and its backups were not deleted. They are still in this folder:%n%1%n%nDelete it yourself only once the data is no longer needed here and headquarters has it.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The bundle carries its notices deep in _internal; these copies are where a person looks.
; THIRD-PARTY-NOTICES.txt (written by the build, installer/notices.py) holds every licence text.
Source: "{#BundleDir}\_internal\resources\licenses\THIRD-PARTY-NOTICES.txt"; DestDir: "{app}\licenses"; Flags: ignoreversion
Source: "..\resources\fonts\OFL.txt"; DestDir: "{app}\licenses"; DestName: "BIZ-UDGothic-OFL.txt"; Flags: ignoreversion

[Icons]
Name: "{group}\{cm:ShortcutName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:ShortcutComment}"
Name: "{group}\{cm:UninstallProgram,Tsunagu}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{cm:ShortcutName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:ShortcutComment}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{cm:ShortcutName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave inside its own folder; never the data folder.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataFolder: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataFolder := ExpandConstant('{localappdata}\Tsunagu');
    if DirExists(DataFolder) and not UninstallSilent then
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataFolder]), mbInformation, MB_OK);
  end;
end;
