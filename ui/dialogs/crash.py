"""The crash dialog: what happened in plain words, where the report is, go on or close."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.i18n import gettext as _
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
