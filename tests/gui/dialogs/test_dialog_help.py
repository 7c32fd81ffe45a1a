"""F1 inside a dialog: the guide's page for that dialog's screen, beside the open dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.context import Context
from ui.dialogs.member import MemberDialog
from ui.help import HelpDialog


def test_f1_in_a_dialog_opens_its_screens_page_beside_it(qtbot: QtBot, ctx: Context) -> None:
    dialog = MemberDialog(ctx, None)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    QTest.keyClick(dialog, Qt.Key.Key_F1)
    guides = [w for w in dialog.findChildren(HelpDialog) if w.isVisible()]
    assert len(guides) == 1
    assert guides[0].browser.source().toLocalFile().endswith("members.html")
    assert dialog.isVisible()  # the form stays open under its guide
    QTest.keyClick(guides[0], Qt.Key.Key_F1)  # F1 in the guide itself opens nothing more
    assert len([w for w in dialog.findChildren(HelpDialog) if w.isVisible()]) == 1
