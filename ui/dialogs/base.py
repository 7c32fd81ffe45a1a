"""The one base of every dialog: title, modality, remembered size, plain error messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

from app.core.i18n import gettext as _
from ui import fit
from ui.keys import shortcut
from ui.operations import Operation
from ui.operations import show_error as _show_error

if TYPE_CHECKING:
    # Type-only: the crash dialog imports this module before the first paint, and
    # app.core.context at run time would load the data layer with it.
    from app.core.context import Context

In = TypeVar("In")  # a form's service input
Out = TypeVar("Out")  # what the service gives back


class BaseDialog(QDialog):
    """Modal, titled, reopening at the size the user left it, and always inside the screen."""

    settings_key = "dialog"

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self._fitted = False
        self._guide: QWidget | None = None
        fit.restore_size(self, self.settings_key)
        shortcut(self, QKeySequence(QKeySequence.StandardKey.HelpContents), self.open_help)

    def open_help(self) -> None:
        """F1: the user guide's page for this dialog's screen, beside the dialog (usable while
        the dialog stays open, as a window of the dialog's own)."""
        # Imported here: ui.help's window is itself a dialog of this base.
        from ui.help import HelpDialog

        if self._guide is None:
            self._guide = HelpDialog(self.settings_key, self)
        self._guide.show()
        self._guide.raise_()
        self._guide.activateWindow()

    def _settings(self) -> QSettings:
        return fit.settings()

    def _save_geometry(self) -> None:
        fit.save_size(self, self.settings_key)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt override
        """On first showing: fit the screen it opens on (every dialog, in this one place)."""
        if visible and not self._fitted:
            self._fitted = True
            # Fitting may wrap the form in a scroll area; the field the dialog chose to start
            # in (setFocus before showing) must still be where typing goes.
            wanted = self.focusWidget()
            fit.fit_window(self)
            super().setVisible(visible)
            if wanted is not None and wanted.isVisible() and self.focusWidget() is not wanted:
                wanted.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        super().setVisible(visible)

    def done(self, result: int) -> None:
        self._save_geometry()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._save_geometry()
        super().closeEvent(event)

    def show_error(self, message: str, details: Sequence[str] = ()) -> None:
        """One plain message; the details (such as bad rows) behind a button."""
        _show_error(self, message, details)

    def accept_unless_refused(self, action: Callable[[], Out]) -> Out | None:
        """Run `action` (a service call) and close accepted with its result; on a refusal
        (UserError) say why, keep the form open and give None."""
        op = Operation(self, action).success(lambda _result: self.accept())
        return op.result if op.run() else None

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
