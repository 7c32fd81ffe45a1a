"""Every window inside a 1366×728 laptop screen at 100 % and 200 % text (issue 13.1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui import fit
from ui.dialogs.base import BaseDialog
from ui.shell import NATURAL_SIZE, Shell

ROOT = Path(__file__).resolve().parents[2]


def walk(demo_file: Path, tmp_path: Path, scale: int, language: str) -> dict[str, object]:
    """Run tests/gui/walk.py on a 1366×728 offscreen screen (a screen of its own, so a process
    of its own) over a copy of the demo database."""
    demo = tmp_path / "demo.sqlite"
    shutil.copy2(demo_file, demo)
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.walk", "--demo", str(demo), "--scale", str(scale)]
        + ["--screen", "1366x728", "--language", language],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(("scale", "language"), [(100, "ja"), (200, "ja"), (200, "en")])
def test_every_page_and_dialog_opens_inside_the_screen(
    demo_file: Path, tmp_path: Path, scale: int, language: str
) -> None:
    result = walk(demo_file, tmp_path, scale, language)
    screen = QRect(*result["screen"])  # type: ignore[misc]
    assert screen == QRect(0, 0, 1366, 728)
    windows: list[dict[str, object]] = result["windows"]  # type: ignore[assignment]
    names = {w["name"] for w in windows}
    # The walk really went everywhere (a dialog that fails to open fails the run above).
    assert {"home", "watch", "events", "pdf_preview", "reception", "visit", "member_new"} <= names
    outside = [
        (w["name"], w["frame"])
        for w in windows
        if not screen.contains(QRect(*w["frame"]))  # type: ignore[misc]
    ]
    assert outside == []
    main = [w for w in windows if w["kind"] == "page"]
    # 1100×720 does not fit above a laptop's taskbar: the main window opens maximised.
    assert all(w["maximised"] for w in main)


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
