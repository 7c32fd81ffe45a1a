"""THIRD-PARTY-NOTICES: every distribution the program runs with (and every one in a built
bundle) has its licence text; the kept texts exist; `python main.py licenses` prints them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.setup import about, notices

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "installer"))
import notices as notices_tool  # noqa: E402 - installer/notices.py

BUNDLE = ROOT / "dist" / "Tsunagu"


def test_every_runtime_distribution_has_a_notice() -> None:
    names = notices.runtime_distributions()
    assert {"pyside6-essentials", "sqlcipher3", "reportlab", "phonenumberslite"} <= set(names)
    collected = notices.collect(names)
    assert collected.missing == []
    text = notices.render(collected)
    assert set(names) <= notices_tool.named_in(text)
    for must in (
        "SQLCipher",
        "OpenSSL",
        "Qt 6",
        "PDFium",
        "FreeType",
        "ICU",
        "libjpeg-turbo",
        "libpng",
        "zlib",
        "Abseil",
        "HarfBuzz",
        "fast_float",
        "OFL",
        "PSF-2.0",
        "Replacing the Qt libraries",
    ):
        assert must in text
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "Version 3" in text


def test_every_kept_text_is_there() -> None:
    for component in notices.load_components():
        for name in component.files:
            if name != "@python":
                assert (notices.LICENSES_DIR / name).is_file(), name


def test_a_distribution_without_licence_text_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = tmp_path / "nolicence-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nolicence\nVersion: 1.0\n")
    (info / "RECORD").write_text("nolicence-1.0.dist-info/METADATA,,\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    collected = notices.collect(["nolicence", "alembic"])
    assert collected.missing == ["nolicence"]
    missing = notices_tool.write(tmp_path / "out" / "THIRD-PARTY-NOTICES.txt", ["nolicence"])
    assert missing == ["nolicence"]


def test_the_bundle_check_finds_a_distribution_without_notice(tmp_path: Path) -> None:
    inner = tmp_path / "Tsunagu" / "_internal"
    notices_tool.write(inner / notices_tool.NOTICES_IN_BUNDLE, ["alembic"])
    assert notices_tool.check(tmp_path / "Tsunagu") == []
    listed = inner / notices_tool.LIST_IN_BUNDLE
    listed.write_text(json.dumps({"distributions": ["alembic", "jaconv"]}))
    assert notices_tool.check(tmp_path / "Tsunagu") == ["jaconv: bundled without a notice"]


@pytest.mark.skipif(
    not BUNDLE.is_dir(), reason="no bundle built (installer/build.sh; CI builds one)"
)
def test_the_built_bundle_has_a_notice_for_every_distribution_in_it() -> None:
    assert notices_tool.check(BUNDLE) == []


def test_licenses_command_lists_every_distribution() -> None:
    env = dict(os.environ, TSUNAGU_LANG="ja", PYTHONIOENCODING="cp932")
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "licenses"],
        capture_output=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    assert set(notices.runtime_distributions()) <= notices_tool.named_in(text)
    assert about.third_party_notices() == text


def test_budoux_ships_its_apache_licence() -> None:
    # app/printing/text.py breaks Japanese lines at BudouX's phrases: its notice must ship.
    collected = notices.collect(["budoux"])
    assert collected.missing == []
    assert "budoux" in notices_tool.named_in(notices.render(collected))
    assert "Apache License" in notices.render(collected)


def test_jpholiday_ships_its_mit_licence() -> None:
    # app/events/recurrence.py skips Japanese public holidays with jpholiday: its notice ships.
    collected = notices.collect(["jpholiday"])
    assert collected.missing == []
    assert "jpholiday" in notices_tool.named_in(notices.render(collected))
    assert "MIT License" in notices.render(collected)
