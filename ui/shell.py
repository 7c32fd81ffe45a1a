"""The main window's frame, light enough to paint before the data layer is imported."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import QLabel, QMainWindow

from app.core.i18n import gettext as _
from ui import fit

# The size the pages are laid out for at 100 % text; a smaller screen opens maximised.
NATURAL_SIZE = QSize(1100, 720)


class Shell(QMainWindow):
    """The top-level window; its content is replaced once the database is open."""

    first_paint = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._painted = False
        self.setWindowTitle(_("Tsunagu"))
        self.resize(NATURAL_SIZE)
        placeholder = QLabel(_("Opening the chapter's data…"))
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(placeholder)

    def show_fitted(self) -> None:
        """Show at the remembered size and state, maximised on a screen smaller than ours."""
        fit.show_main_window(self, NATURAL_SIZE)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        fit.save_size(self, "main")
        super().closeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_paint.emit()
