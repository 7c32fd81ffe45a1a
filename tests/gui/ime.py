"""Typing into widgets as a person would: Japanese through IME events, keys one by one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget


def compose(widget: QWidget, steps: list[str], result: str) -> None:
    """Type kana step by step with an IME, then commit the converted `result`."""
    for step in steps:
        QApplication.sendEvent(widget, QInputMethodEvent(step, []))
    event = QInputMethodEvent("", [])
    event.setCommitString(result)
    QApplication.sendEvent(widget, event)


def type_text(widget: QWidget, text: str) -> None:
    """One key event per character (QTest.keyClicks aborts on non-ASCII text)."""
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def answer_next_message_box(pick: Callable[[QMessageBox], QAbstractButton | None]) -> None:
    """When the next message box opens, press the button `pick` chooses (as a user would)."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        button = pick(box)
        if button is not None:
            button.click()

    QTimer.singleShot(0, press)
