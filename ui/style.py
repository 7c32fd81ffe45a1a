"""Look and feel for older eyes: one base font size, scaled up to 200% on request."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 12.0


def apply_text_scale(percent: int) -> None:
    """Set the application font to `percent` of the base size (100–200)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * max(100, min(200, percent)) / 100)
    app.setFont(font)
