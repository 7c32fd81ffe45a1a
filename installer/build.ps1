# Build the Windows bundle dist\Tsunagu with PyInstaller, then the installer with Inno Setup.
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1
#   (-SkipInstaller builds only the folder; -Python C:\Python311\python.exe picks a Python)
param(
    [string]$Python = "",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

if ($Python -eq "") {
    if (-not (Test-Path ".venv\Scripts\python.exe")) { py -3.11 -m venv .venv }
    $Python = ".venv\Scripts\python.exe"
}

# The exact versions and hashes of uv.lock (the win_amd64 wheels' hashes are in it too).
& $Python -m pip install -q --require-hashes -r installer\requirements-build.txt
if ($LASTEXITCODE -ne 0) { throw "pip install from the lock failed" }
& $Python -m pip install -q --no-deps -e .
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
& $Python installer\catalogs.py compile
if ($LASTEXITCODE -ne 0) { throw "compiling the catalogs failed" }

if (Test-Path "dist\Tsunagu") { Remove-Item -Recurse -Force "dist\Tsunagu" }
& $Python -m PyInstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller installer\tsunagu.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
& $Python installer\notices.py check dist\Tsunagu
if ($LASTEXITCODE -ne 0) { throw "a bundled distribution has no notice" }

$size = (Get-ChildItem -Recurse "dist\Tsunagu" | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("Bundle: dist\Tsunagu ({0:N1} MB)" -f $size)

# The console twin answers --self-test with an exit code and a line of text.
& "dist\Tsunagu\tsunagu-cli.exe" --self-test
if ($LASTEXITCODE -ne 0) { throw "The bundle's self-test failed" }

if (-not $SkipInstaller) {
    $iscc = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe"
    ) | Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $iscc) { throw "Inno Setup 6 (ISCC.exe) was not found; install it or use -SkipInstaller" }
    $version = & $Python -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])"
    & $iscc "/DAppVersion=$version" "installer\tsunagu.iss"
    if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
    Write-Host "Installer: dist\installer\"
}
