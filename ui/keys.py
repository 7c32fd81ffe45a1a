"""Keyboard shortcuts, so that everything can be done without the mouse."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def shortcut(
    parent: QWidget,
    key: str | QKeySequence,
    action: Callable[[], object],
    *,
    local: bool = False,
) -> QShortcut:
    """Bind `key` to `action` in `parent`'s window, or (`local`) only while it has focus."""
    sequence = key if isinstance(key, QKeySequence) else QKeySequence(key)
    sc = QShortcut(sequence, parent, action)
    if local:
        sc.setContext(Qt.ShortcutContext.WidgetShortcut)
    return sc
