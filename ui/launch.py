"""Start the window: paint first, then load the data layer (SQLAlchemy costs a window's worth)."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app import i18n
from ui.shell import Shell


class _Startup(QObject):
    ready = Signal()


def _parse(argv: list[str]) -> tuple[str | None, bool]:
    db: str | None = None
    smoke = "--smoke" in argv
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            db = argv[i + 1]
        elif arg.startswith("--db="):
            db = arg.split("=", 1)[1]
    return db, smoke


def run_window(argv: list[str], started: float) -> int:
    """Show the window; with --smoke print the ms to first paint and exit 0."""
    db_location, smoke = _parse(argv)
    i18n.set_language(i18n.DEFAULT_LANGUAGE)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Tsunagu")
    app.setOrganizationName("Tsunagu")
    shell = Shell()
    if smoke:

        def painted() -> None:
            ms = (time.perf_counter() - started) * 1000
            print(f"first paint: {ms:.0f} ms")
            QTimer.singleShot(0, app.quit)

        shell.first_paint.connect(painted)
        shell.show()
        QTimer.singleShot(10000, lambda: app.exit(1))
        return app.exec()

    def load() -> None:
        from ui.loader import load_into

        load_into(shell, db_location)

    shell.first_paint.connect(lambda: QTimer.singleShot(0, load))
    shell.show()
    return app.exec()
