"""Every window inside a 1366×728 laptop screen at 100–200 % text, nothing clipped (issue 13.1, 13.2)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ui import fit, gallery
from ui.dialogs.base import BaseDialog
from ui.shell import NATURAL_SIZE, Shell

ROOT = Path(__file__).resolve().parents[2]


def walk(demo_file: Path, tmp_path: Path, scale: int, language: str) -> list[dict[str, Any]]:
    """Run the gallery's walk on a 1366×728 offscreen screen (a screen of its own, so a
    process of its own) over a copy of the demo database."""
    demo = tmp_path / "demo.sqlite"
    shutil.copy2(demo_file, demo)
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-m", "ui.gallery", str(tmp_path / "shots"), "--demo", str(demo)]
        + ["--scales", str(scale), "--screen", "1366x728", "--language", language],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


SCREEN = QRect(0, 0, 1366, 728)


@pytest.mark.parametrize(
    ("scale", "language"), [(100, "ja"), (150, "ja"), (200, "ja"), (100, "en"), (200, "en")]
)
def test_every_page_and_dialog_opens_inside_the_screen_with_nothing_clipped(
    demo_file: Path, tmp_path: Path, scale: int, language: str
) -> None:
    windows = walk(demo_file, tmp_path, scale, language)
    names = {w["name"] for w in windows}
    # The walk really went everywhere (a dialog that fails to open fails the run above).
    assert {"home", "watch", "events", "pdf_preview", "reception", "visit", "member_new"} <= names
    outside = [(w["name"], w["frame"]) for w in windows if not SCREEN.contains(QRect(*w["frame"]))]
    assert outside == []
    main = [w for w in windows if w["kind"] == "page"]
    # 1100×720 does not fit above a laptop's taskbar: the main window opens maximised.
    assert all(w["maximised"] for w in main)
    assert {w["name"]: w["clipped"] for w in windows if w["clipped"]} == {}
    assert {w["name"]: w["untranslated"] for w in windows if w["untranslated"]} == {}
    assert all((tmp_path / "shots" / w["file"]).stat().st_size > 0 for w in windows)


def test_clipped_names_a_label_a_button_and_a_header_too_narrow(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    short = QLabel("fits")
    long = QLabel("a label far too long for the forty pixels it is given")
    long.setFixedWidth(40)
    button = QPushButton("a button with a long caption")
    button.setFixedWidth(50)
    table = QTableWidget(1, 2)
    table.setHorizontalHeaderLabels(["No.", "a very long column title"])
    table.horizontalHeader().resizeSection(1, 30)
    for widget in (short, long, button, table):
        layout.addWidget(widget)
    window.show()
    found = gallery.clipped(window)
    assert any("far too long" in f for f in found)
    assert any("a button with" in f for f in found)
    assert any("a very long column" in f for f in found)
    assert not any("fits" in f or "No." in f for f in found)


def test_untranslated_names_english_left_in_the_japanese_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    for text in ("Cancel", "Show the folder", "キャンセル", "PDF", "/tmp/demo.sqlite", "ID: 12"):
        layout.addWidget(QPushButton(text))
    window.show()
    found = gallery.untranslated(window)
    assert [f.split(": ", 1)[1] for f in found] == ["Cancel", "Show the folder"]


def test_the_gallery_command_writes_pngs_and_a_manifest(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), TSUNAGU_LANG="en")
    done = subprocess.run(
        [sys.executable, "main.py", "gallery", str(tmp_path / "g"), "--scales", "150"]
        + ["--language", "en"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "g" / "manifest.json").read_text(encoding="utf-8"))
    keys = {"name", "kind", "scale", "language", "width", "height", "file", "clipped"}
    assert all(keys <= set(entry) for entry in manifest)
    assert {e["kind"] for e in manifest} == {"page", "dialog"}
    assert {(e["scale"], e["language"]) for e in manifest} == {(150, "en")}
    first = QImage(str(tmp_path / "g" / manifest[0]["file"]))
    assert (first.width(), first.height()) == (manifest[0]["width"], manifest[0]["height"])
    bad = subprocess.run(
        [sys.executable, "main.py", "gallery", str(tmp_path / "h"), "--scales", "100,300"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip() == "Error: A text size must be between 100 and 200: 300"


def test_other_commands_start_without_qt() -> None:
    code = "import sys; from app import cli; cli.build_parser(); print('PySide6' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_a_dialog_taller_than_the_screen_scrolls_and_keeps_its_buttons(qtbot: QtBot) -> None:
    dialog = BaseDialog("Tall")
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    for i in range(60):
        layout.addWidget(QLabel(f"line {i}"))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    layout.addWidget(buttons)
    dialog.show()
    area = fit.available_geometry(dialog)
    assert area.contains(dialog.frameGeometry())
    scroller = dialog.findChild(QScrollArea, "fitScroller")
    assert scroller is not None
    assert scroller.verticalScrollBar().maximum() > 0
    # The Close button is outside the scrolled part, inside the dialog.
    assert not scroller.isAncestorOf(buttons)
    assert dialog.rect().contains(buttons.geometry())


def test_a_dialog_is_centred_on_its_parent(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.setGeometry(100, 80, 500, 400)
    parent.show()
    dialog = BaseDialog("Small", parent)
    QVBoxLayout(dialog).addWidget(QLabel("hello"))
    dialog.show()
    centre = dialog.frameGeometry().center()
    assert abs(centre.x() - parent.frameGeometry().center().x()) <= 10
    assert abs(centre.y() - parent.frameGeometry().center().y()) <= 25


def test_a_remembered_size_larger_than_this_screen_is_cut_to_it(qtbot: QtBot) -> None:
    big = BaseDialog("Big")
    big.settings_key = "test-big"
    qtbot.addWidget(big)
    big.resize(5000, 4000)
    big.done(0)
    again = BaseDialog("Big")
    qtbot.addWidget(again)
    again.settings_key = "test-big"
    fit.restore_size(again, "test-big")
    again.show()
    assert fit.available_geometry(again).contains(again.frameGeometry())


def test_the_main_window_opens_maximised_on_a_small_screen_and_remembers(qtbot: QtBot) -> None:
    fit.settings().remove("geometry/main")
    room = fit.client_room(QWidget())
    assert NATURAL_SIZE.width() > room.width() or NATURAL_SIZE.height() > room.height()
    shell = Shell()
    qtbot.addWidget(shell)
    shell.show_fitted()
    assert shell.isMaximized()
    shell.showNormal()
    shell.resize(QSize(500, 400))
    shell.close()
    again = Shell()
    qtbot.addWidget(again)
    again.show_fitted()
    assert not again.isMaximized()
    assert again.size() == QSize(500, 400)
    again.showMaximized()
    again.close()
    third = Shell()
    qtbot.addWidget(third)
    third.show_fitted()
    assert third.isMaximized()
