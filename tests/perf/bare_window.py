"""Baseline for the start-up benchmark: a bare PySide6 window, timed to its first paint."""

from __future__ import annotations

import time

STARTED = time.perf_counter()

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtGui import QPaintEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow  # noqa: E402


class Bare(QMainWindow):
    """An empty main window with one label."""

    def __init__(self) -> None:
        super().__init__()
        self.setCentralWidget(QLabel("bare"))
        self.done = False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.done:
            self.done = True
            print(f"first paint: {(time.perf_counter() - STARTED) * 1000:.0f} ms")
            QTimer.singleShot(0, QApplication.instance().quit)  # type: ignore[union-attr]


app = QApplication([])
window = Bare()
window.show()
app.exec()
