"""installer/tsunagu.iss: the Inno Setup script is complete and matches what the spec builds.

Inno Setup itself runs only on Windows (no package registry here carries it), so this reads the
script as Inno Setup does: sections, `Key: "value"; Key: value` entries, [Setup] directives.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.storage.database import APP_NAME

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installer" / "tsunagu.iss"
SPEC = ROOT / "installer" / "tsunagu.spec"
# Data folders of Windows' shell constants that the program's data could live in.
DATA_CONSTANTS = ("{localappdata}", "{userappdata}", "{commonappdata}", "{userdocs}", "{%")
BUILT_IN_MESSAGES = {"CreateDesktopIcon", "AdditionalIcons", "UninstallProgram", "LaunchProgram"}


def sections(text: str) -> dict[str, list[str]]:
    """Lines of each [Section], without comments and blank lines ([Code] kept whole)."""
    found: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        match = re.fullmatch(r"\[(\w+)\]", line)
        if match:
            current = match.group(1)
            found.setdefault(current, [])
        elif current == "Code":
            found[current].append(raw)
        elif line and not line.startswith(";") and current:
            found[current].append(line)
    return found


def entry(line: str) -> dict[str, str]:
    """`Name: "a"; Filename: "{app}\\x"; Flags: b c` -> {"Name": "a", ...}."""
    fields: dict[str, str] = {}
    for match in re.finditer(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)\s*(?:;|$)', line):
        value = match.group(2).strip()
        if value.startswith('"'):
            value = value[1:-1].replace('""', '"')
        fields[match.group(1)] = value
    return fields


def defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'#define\s+(\w+)\s+"([^"]*)"', text))


def expand(value: str, names: dict[str, str]) -> str:
    return re.sub(r"\{#(\w+)\}", lambda m: names[m.group(1)], value)


def spec_names() -> tuple[str, str]:
    """(the window EXE's name, the COLLECT folder's name) as tsunagu.spec builds them."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    names: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            for keyword in node.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    names.setdefault(node.func.id, []).append(str(keyword.value.value))
    assert "Tsunagu" in names["EXE"] and len(names["COLLECT"]) == 1
    return names["EXE"][0], names["COLLECT"][0]


TEXT = ISS.read_text(encoding="utf-8-sig")
SECTIONS = sections(TEXT)
DEFINES = defines(TEXT)


def setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in SECTIONS["Setup"])


def test_saved_as_utf8_with_bom_for_the_japanese_texts() -> None:
    assert ISS.read_bytes().startswith(b"\xef\xbb\xbf")


def test_has_every_section_an_installer_needs() -> None:
    for name in ("Setup", "Languages", "CustomMessages", "Tasks", "Files", "Icons", "Run", "Code"):
        assert SECTIONS.get(name), name


@pytest.mark.parametrize(
    "key",
    [
        "AppId", "AppName", "AppVersion", "AppPublisher", "DefaultDirName", "DefaultGroupName",
        "PrivilegesRequired", "MinVersion", "ArchitecturesAllowed",
        "ArchitecturesInstallIn64BitMode", "OutputDir", "OutputBaseFilename",
        "UninstallDisplayIcon",
    ],
)  # fmt: skip
def test_setup_has_required_key(key: str) -> None:
    assert setup().get(key), key


def test_windows_10_1809_or_later_64_bit() -> None:
    values = setup()
    assert values["MinVersion"] == "10.0.17763"
    assert values["ArchitecturesInstallIn64BitMode"] == "x64compatible"
    assert values["AppId"].startswith("{{")  # a literal brace: Inno Setup's escape


def test_files_pack_the_folder_the_spec_builds() -> None:
    window, folder = spec_names()
    assert DEFINES["AppExe"] == f"{window}.exe"
    sources = [entry(line) for line in SECTIONS["Files"]]
    spec_text = SPEC.read_text(encoding="utf-8")
    bundle = [s for s in sources if expand(s["Source"], DEFINES).endswith("*")]
    assert len(bundle) == 1
    # Relative to the script's folder, installer/: the spec's COLLECT output in dist/.
    assert expand(bundle[0]["Source"], DEFINES).replace("\\", "/") == f"../dist/{folder}/*"
    assert "recursesubdirs" in bundle[0]["Flags"].split()
    assert bundle[0]["DestDir"] == "{app}"
    for source in sources:
        if source in bundle:
            continue
        if source["Source"].startswith("{#BundleDir}\\_internal\\"):
            # A file the build itself writes into the bundle: the notices (installer/notices.py).
            inner = source["Source"].split("\\_internal\\", 1)[1].replace("\\", "/")
            assert inner == "resources/licenses/THIRD-PARTY-NOTICES.txt"
            assert "_third_party_notices(a)" in spec_text
            assert source["DestDir"] == "{app}\\licenses"
            continue
        # A single file beside the bundle (a licence, say): it exists, and the spec bundles its
        # folder too (datas), so the installed program and the extra copy agree.
        path = (ISS.parent / source["Source"].replace("\\", "/")).resolve()
        assert path.is_file(), path
        folder_parts = path.parent.relative_to(ROOT).parts
        assert " / ".join(f'"{part}"' for part in folder_parts) in spec_text, path
        assert source["DestDir"].startswith("{app}")
    # build.ps1 and build.sh build into dist/ under that name.
    for script in ("build.ps1", "build.sh"):
        assert "--distpath dist" in (ROOT / "installer" / script).read_text(encoding="utf-8")


def test_japanese_and_english() -> None:
    files = {entry(line)["MessagesFile"] for line in SECTIONS["Languages"]}
    assert "compiler:Languages\\Japanese.isl" in files
    assert "compiler:Default.isl" in files  # English
    languages = {entry(line)["Name"] for line in SECTIONS["Languages"]}
    custom = [line.split("=", 1)[0] for line in SECTIONS["CustomMessages"]]
    used = set(re.findall(r"\{cm:(\w+)", TEXT)) | set(re.findall(r"CustomMessage\('(\w+)'\)", TEXT))
    for message in used - BUILT_IN_MESSAGES:
        for language in languages:
            assert f"{language}.{message}" in custom, f"{language}.{message}"


def test_start_menu_and_desktop_shortcuts_start_the_window() -> None:
    icons = [entry(line) for line in SECTIONS["Icons"]]
    program = expand("{app}\\{#AppExe}", DEFINES)
    places = {
        expand(icon["Name"], DEFINES).split("\\", 1)[0]: icon
        for icon in icons
        if expand(icon["Filename"], DEFINES) == program
    }
    assert "{group}" in places  # the Start menu
    desktop = places["{autodesktop}"]
    tasks = {entry(line)["Name"] for line in SECTIONS["Tasks"]}
    assert desktop["Tasks"] in tasks
    # The uninstaller is on the Start menu too.
    assert any(icon["Filename"] == "{uninstallexe}" for icon in icons)


def test_uninstall_keeps_the_data_folder() -> None:
    for line in SECTIONS.get("UninstallDelete", []):
        name = entry(line)["Name"]
        assert name.startswith("{app}\\"), name
        assert not any(constant in name.lower() for constant in DATA_CONSTANTS), name
    assert "[UninstallRun]" not in TEXT
    code = "\n".join(SECTIONS["Code"])
    assert not re.search(r"DelTree|DeleteFile|RemoveDir", code)
    # The folder the goodbye message names is the program's data folder (platformdirs,
    # appauthor=False: %LOCALAPPDATA%\Tsunagu on Windows).
    assert f"ExpandConstant('{{localappdata}}\\{APP_NAME}')" in code
