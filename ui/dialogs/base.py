"""The one base of every dialog: title, modality, remembered size, plain error messages."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.i18n import gettext as _


class BaseDialog(QDialog):
    """Modal, titled, and reopening at the size the user left it."""

    settings_key = "dialog"

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self._restore_geometry()

    def _settings(self) -> QSettings:
        return QSettings("Tsunagu", "Tsunagu")

    def _restore_geometry(self) -> None:
        geometry = self._settings().value(f"geometry/{self.settings_key}")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _save_geometry(self) -> None:
        self._settings().setValue(f"geometry/{self.settings_key}", self.saveGeometry())

    def done(self, result: int) -> None:
        self._save_geometry()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._save_geometry()
        super().closeEvent(event)

    def show_error(self, message: str, details: list[str] | None = None) -> None:
        """One plain message; the details (such as bad rows) behind a button."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.windowTitle(), message, parent=self)
        if details:
            box.setDetailedText("\n".join(details))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.button(QMessageBox.StandardButton.Ok).setText(_("OK"))
        box.exec()


def confirm(parent: QWidget, title: str, question: str, yes: str) -> bool:
    """Ask before anything destructive; the safe answer is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    no_button = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def show_error(parent: QWidget, title: str, message: str, details: list[str] | None = None) -> None:
    """A plain warning box for pages (dialogs use BaseDialog.show_error)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=parent)
    if details:
        box.setDetailedText("\n".join(details))
    box.exec()
