"""An unexpected error in the window: a plain-words dialog and a saved report, never a trace.

The hooks are installed before the first paint; the dialog (ui/dialogs/crash.py) and the
report writer load only when an error happens.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from app.core.errors import UserError
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from ui.dialogs.crash import CrashDialog


class _Bridge(QObject):
    """Carries an error from any thread to the GUI thread (queued by Qt)."""

    error = Signal(object)


class CrashHandler:
    """Shows one dialog per unexpected error; more errors while it is open only get reports."""

    def __init__(self, parent: Callable[[], QWidget | None] = lambda: None) -> None:
        self.parent = parent
        self.dialog: CrashDialog | None = None
        self.reports: list[Path] = []
        self.bridge = _Bridge()
        self.bridge.error.connect(self.show, Qt.ConnectionType.QueuedConnection)

    def handle(self, exc: BaseException) -> None:
        """From sys.excepthook (GUI thread) or threading.excepthook (any thread)."""
        if threading.current_thread() is threading.main_thread():
            self.show(exc)
        else:
            self.bridge.error.emit(exc)

    def show(self, exc: object) -> None:
        """Save the report and show the dialog (GUI thread only)."""
        if not isinstance(exc, BaseException):
            return
        try:
            from PySide6.QtWidgets import QMessageBox

            from app.storage.crash import save_report
            from ui.dialogs.crash import CrashDialog

            if isinstance(exc, UserError):
                # A refusal a page forgot to catch: its message is already for people.
                QMessageBox.warning(self.parent(), _("Tsunagu"), exc.message)
                return
            report = save_report(exc)
            self.reports.append(report)
            if self.dialog is not None and self.dialog.isVisible():
                return
            self.dialog = CrashDialog(report, self.parent())
            self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
            # show(), not exec(): an error handler must not start a nested event loop.
            self.dialog.show()
        except Exception as failure:  # the handler itself failed: say so on stderr, never loop
            print(f"Tsunagu: could not show the error dialog: {failure!r}", file=sys.stderr)


def install(parent: Callable[[], QWidget | None] = lambda: None) -> CrashHandler:
    """Route unexpected errors of the window (main and worker threads) to the dialog."""
    handler = CrashHandler(parent)

    def main_hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        handler.handle(exc.with_traceback(tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        handler.handle(args.exc_value.with_traceback(args.exc_traceback))

    sys.excepthook = main_hook
    threading.excepthook = thread_hook
    return handler
