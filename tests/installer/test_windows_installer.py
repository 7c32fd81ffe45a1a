"""installer/tsunagu.iss compiled by Inno Setup under wine: it installs, and uninstalls keeping the data.

Runs installer/check_windows_installer.sh on a small stand-in bundle. Needs wine (with wine32), Xvfb
and Inno Setup's ISCC.exe named by TSUNAGU_ISCC; skipped without them (CI has none of them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "installer" / "check_windows_installer.sh"
ISS = ROOT / "installer" / "tsunagu.iss"


def _missing() -> str:
    """Why the check cannot run here, or "" when it can."""
    iscc = os.environ.get("TSUNAGU_ISCC", "")
    if shutil.which("wine") is None:
        return (
            "wine is not installed (Debian: dpkg --add-architecture i386; apt-get install wine32)"
        )
    if not iscc or not Path(iscc).is_file():
        return "TSUNAGU_ISCC does not name Inno Setup's ISCC.exe (npm package innosetup-compiler)"
    if not os.environ.get("DISPLAY") and shutil.which("xvfb-run") is None:
        return "neither a DISPLAY nor xvfb-run (apt-get install xvfb)"
    return ""


pytestmark = pytest.mark.skipif(bool(_missing()), reason=_missing() or "tools present")


def stand_in_bundle(where: Path) -> Path:
    """A small PyInstaller-like folder: the launcher, a nested data file, a Japanese file name."""
    bundle = where / "Tsunagu"
    fonts = bundle / "_internal" / "resources" / "fonts"
    fonts.mkdir(parents=True)
    (bundle / "Tsunagu.exe").write_bytes(b"MZ stand-in")
    shutil.copy(ROOT / "resources" / "fonts" / "OFL.txt", fonts / "OFL.txt")
    (bundle / "_internal" / "名簿の見本.txt").write_text("会員\n", encoding="utf-8")
    return bundle


def run_check(tmp_path: Path, iss: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(CHECK), "--bundle", str(stand_in_bundle(tmp_path)), "--iss", str(iss)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_installs_and_uninstalls_keeping_the_data_folder(tmp_path: Path) -> None:
    result = run_check(tmp_path, ISS)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "FAIL:" not in out
    for expected in (
        "ok:   no compiler warnings",
        "ok:   setup refuses Windows 7",
        "ok:   all 3 bundle files installed",
        "ok:   desktop shortcut Tsunagu.lnk",
        "ok:   Start-menu shortcut Tsunagu.lnk",
        "ok:   fonts' licence in licenses/BIZ-UDGothic-OFL.txt",
        "ok:   Apps & features entry removed",
        "ok:   data folder kept, every file unchanged",
        "ok:   Start-menu shortcut つなぐ.lnk",
    ):
        assert expected in out, out


def test_a_script_that_deletes_the_data_folder_fails_the_check(tmp_path: Path) -> None:
    # The copy sits where the original does relative to resources/, so its relative paths hold.
    broken = tmp_path / "repo" / "installer" / "broken.iss"
    broken.parent.mkdir(parents=True)
    fonts = tmp_path / "repo" / "resources" / "fonts"
    fonts.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "fonts" / "OFL.txt", fonts / "OFL.txt")
    text = ISS.read_text(encoding="utf-8-sig")
    assert "[UninstallDelete]\n" in text
    text = text.replace(
        "[UninstallDelete]\n",
        '[UninstallDelete]\nType: filesandordirs; Name: "{localappdata}\\Tsunagu"\n',
    )
    broken.write_text(text, encoding="utf-8-sig")

    result = run_check(tmp_path, broken)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL: data folder kept, every file unchanged" in result.stdout
    assert "ok:   program folder removed" in result.stdout
