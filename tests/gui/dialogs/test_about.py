"""The About box: version, data location, postal data and every licence (13.8, 17.3)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app.core.context import Context
from app.setup import about
from ui.dialogs.about import open_about
from ui.loader import Session
from ui.shell import Shell


def test_help_menu_has_the_guide_on_f1_and_the_about_box(qtbot: QtBot, demo_ctx: Context) -> None:
    shell = Shell()
    qtbot.addWidget(shell)
    session = Session(shell, demo_ctx)
    # F1 opened the About box while no guide shipped; now it opens the guide (tests/gui/test_help.py).
    assert session.guide_action.shortcut() == QKeySequence("F1")
    menus = [a.text() for a in shell.menuBar().actions()]
    assert "Help" in menus
    assert session.about_action in session.help_menu.actions()
    assert session.guide_action in session.help_menu.actions()


def test_the_about_box_shows_version_location_postal_data_and_notices(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    shell = Shell()
    qtbot.addWidget(shell)
    path = str(demo_ctx.db.path)
    dialog = open_about(shell, path)
    assert dialog is not None
    qtbot.addWidget(dialog)
    info = about.about_info()
    assert dialog.version.text() == info.version
    assert dialog.location.text() == path
    assert info.postal_data_version in dialog.postal.text() or not info.postal_table_installed
    text = dialog.notices.toPlainText()
    assert text == about.third_party_notices()
    assert "third-party notices" in text and "PySide6" in text
    dialog.show()
    # The notices are long: they scroll inside the box, which stays on the screen.
    assert dialog.notices.verticalScrollBar().maximum() > 0
    assert dialog.screen().availableGeometry().contains(dialog.frameGeometry())
