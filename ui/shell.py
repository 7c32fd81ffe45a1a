"""The main window's frame, light enough to paint before the data layer is imported."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QLabel, QMainWindow

from app.i18n import gettext as _


class Shell(QMainWindow):
    """The top-level window; its content is replaced once the database is open."""

    first_paint = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._painted = False
        self.setWindowTitle(_("Tsunagu"))
        self.resize(1100, 720)
        placeholder = QLabel(_("Opening the chapter's data…"))
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(placeholder)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_paint.emit()
