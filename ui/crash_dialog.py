"""An unexpected error in the window: a plain-words dialog and a saved report, never a trace."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.crash import save_report
from ui.dialogs.base import BaseDialog


class CrashDialog(BaseDialog):
    """What happened in plain words, where the report is, and a choice to go on or close."""

    settings_key = "crash"

    def __init__(self, report: Path, parent: QWidget | None = None) -> None:
        super().__init__(_("Something went wrong"), parent)
        self.report = report
        message = QLabel(
            _(
                "Tsunagu ran into a problem it did not expect. Everything that was already "
                "saved is safe. What you were doing at that moment may not have been saved: "
                "please check it and try again."
            )
        )
        message.setWordWrap(True)
        where = QLabel(
            _(
                "A report was saved for the people who look after Tsunagu. If this happens "
                "again, please give them this file: {path}"
            ).format(path=report)
        )
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox()
        self.keep_going = QPushButton(_("Keep working"))
        self.show_folder = QPushButton(_("Show the report folder"))
        self.quit_button = QPushButton(_("Close Tsunagu"))
        self.buttons.addButton(self.keep_going, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.show_folder, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.keep_going.setDefault(True)
        self.keep_going.clicked.connect(self.accept)
        self.show_folder.clicked.connect(self._show_folder)
        self.quit_button.clicked.connect(self._quit)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(where)
        layout.addWidget(self.buttons)

    def _show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report.parent)))

    def _quit(self) -> None:
        self.accept()
        app = QApplication.instance()
        if app is not None:
            # Closing the windows (not exiting) lets the window's own close steps run.
            for window in QApplication.topLevelWidgets():
                window.close()
            app.quit()


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
