"""The one base of every dialog: title, modality, remembered size, plain error messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QSettings
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

from app.context import Context
from app.errors import UserError
from app.i18n import gettext as _

In = TypeVar("In")  # a form's service input
Out = TypeVar("Out")  # what the service gives back


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

    def accept_unless_refused(self, action: Callable[[], Out]) -> Out | None:
        """Run `action` (a service call) and close accepted with its result; on a refusal
        (UserError) say why, keep the form open and give None."""
        try:
            result = action()
        except UserError as exc:
            self.show_error(exc.message, exc.details)
            return None
        self.accept()
        return result

    def save_record(
        self,
        ctx: Context,
        record_id: str | None,
        add: Callable[[Context, In], Out],
        update: Callable[[Context, str, In], Out],
        value: Callable[[], In],
    ) -> Out | None:
        """Add the form's record (record_id None) or update it, as accept_unless_refused."""
        if record_id:
            return self.accept_unless_refused(lambda: update(ctx, record_id, value()))
        return self.accept_unless_refused(lambda: add(ctx, value()))


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


def accept_cancel_buttons(
    dialog: QDialog,
    on_accept: Callable[[], object],
    accept_text: str | None = None,
    accept_button: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Save,
) -> QDialogButtonBox:
    """The row of a form's accept button (labelled `accept_text`, "Save" unless given) and Cancel.

    `accept_button` only picks the standard button behind it (it stays the accept role either way),
    so callers that look a button up by its standard kind keep finding it.
    """
    box = QDialogButtonBox(accept_button | QDialogButtonBox.StandardButton.Cancel)
    box.button(accept_button).setText(_("Save") if accept_text is None else accept_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    box.accepted.connect(on_accept)
    box.rejected.connect(dialog.reject)
    return box
