"""Log-in before the data shows and after the idle lock; the recovery key for a lost passphrase."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import accounts
from app.core.context import Actor, Context
from app.core.errors import DamagedDatabase
from app.core.i18n import gettext as _
from ui.dialogs.base import BaseDialog
from ui.operations import Operation

if TYPE_CHECKING:
    from app.core.errors import UserError

# Log-in text is larger than the rest: it is read by people of every eyesight, often hurried.
TEXT_FACTOR = 1.4


def enlarge(widget: QWidget, factor: float = TEXT_FACTOR) -> None:
    """Make `widget`'s text (and its children's) larger."""
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * factor)
    widget.setFont(font)


class LoginDialog(BaseDialog):
    """User name and passphrase; Enter logs in; a wrong entry is said in the dialog itself."""

    settings_key = "login"

    def __init__(
        self,
        attempt: Callable[[str, str], object],
        recover: Callable[[str, str, str], None],
        parent: QWidget | None = None,
        *,
        name: str = "",
        intro: str = "",
        locked: bool = False,
        restore: Callable[[str, str, Path], object] | None = None,
        backups: Path | None = None,
    ) -> None:
        super().__init__(_("Tsunagu is locked") if locked else _("Log in to Tsunagu"), parent)
        self._attempt = attempt
        self._recover = recover
        self._restore = restore
        self._backups = backups
        # The account that met a damaged database, kept for restoring a backup over it.
        self._damaged_login: tuple[str, str] | None = None
        self.locked = locked
        self.outcome: object | None = None
        if locked:
            self.setWindowModality(Qt.WindowModality.ApplicationModal)
        enlarge(self)
        self.intro = QLabel(intro or _("Enter your user name and passphrase."))
        self.intro.setWordWrap(True)
        self.name = QLineEdit(name)
        self.name.setObjectName("user_name")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("")
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.forgot = QPushButton(_("Forgot your passphrase? Use the recovery key…"))
        self.forgot.setAutoDefault(False)
        self.forgot.clicked.connect(self.open_recovery)
        # Shown only when the database is damaged: the Backups page cannot be reached then.
        self.restore_button = QPushButton(_("Restore a backup…"))
        self.restore_button.setObjectName("restore_backup")
        self.restore_button.setAutoDefault(False)
        self.restore_button.setVisible(False)
        self.restore_button.clicked.connect(self.restore_backup)
        form = QFormLayout()
        form.addRow(_("User name"), self.name)
        form.addRow(_("Passphrase"), self.passphrase)
        self.buttons = QDialogButtonBox()
        self.login_button = self.buttons.addButton(
            _("Log in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.login_button.setDefault(True)
        self.quit_button = self.buttons.addButton(
            _("Close Tsunagu") if locked else _("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.quit_button.setAutoDefault(False)
        self.login_button.clicked.connect(self.log_in)
        self.quit_button.clicked.connect(self._quit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.forgot, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.restore_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.buttons)
        (self.passphrase if name else self.name).setFocus()

    @classmethod
    def for_start(cls, path: Path, parent: QWidget | None = None) -> LoginDialog:
        """The log-in that opens the database at `path`; `context` is the result."""
        from app import backups as backup

        return cls(
            lambda n, p: accounts.login(path, n, p, via="window"),
            lambda n, key, new: accounts.reset_passphrase_with_recovery(path, n, key, new),
            parent,
            restore=lambda n, p, chosen: backup.restore_unopened(path, n, p, chosen),
            backups=path.parent / backup.DEFAULT_FOLDER_NAME,
        )

    @classmethod
    def for_lock(
        cls, ctx: Context, parent: QWidget | None = None, *, by_user: bool = False
    ) -> LoginDialog:
        """The log-in that unlocks the window; `actor` is who logged in. It says why it locked:
        the user asked (`by_user`, Lock now) or the window was not used for a while."""
        if by_user:
            intro = _("You locked Tsunagu. Log in to continue, or log in with your own account.")
        else:
            intro = _(
                "Tsunagu locked itself because it was not used for a while. "
                "Log in to continue, or log in with your own account."
            )
        return cls(
            lambda n, p: accounts.verify_login(ctx, n, p),
            lambda n, key, new: accounts.reset_passphrase_with_recovery(ctx.db, n, key, new),
            parent,
            name=ctx.actor.name,
            intro=intro,
            locked=True,
        )

    @property
    def context(self) -> Context | None:
        """The opened database after a start log-in."""
        return self.outcome if isinstance(self.outcome, Context) else None

    @property
    def actor(self) -> Actor | None:
        """Who logged in at the lock screen."""
        return self.outcome if isinstance(self.outcome, Actor) else None

    def log_in(self) -> None:
        """Try the name and passphrase; stay open with a message when they are wrong."""
        name, passphrase = self.name.text().strip(), self.passphrase.text()
        if not name:
            self.message.setText(_("Enter your user name."))
            self.name.setFocus()
            return
        # On the GUI thread (under a wait cursor): a log-in is one key derivation, and the
        # window behind it has nothing to show until it is done.
        Operation(self, lambda: self._attempt(name, passphrase)).success(self._logged_in).failure(
            lambda exc: self._refused(exc, name, passphrase)
        ).run()

    def _logged_in(self, outcome: object) -> None:
        self.outcome = outcome
        self.passphrase.clear()
        self.accept()

    def _refused(self, exc: UserError, name: str, passphrase: str) -> None:
        self.message.setText(exc.message)
        self._offer_restore(exc, name, passphrase)
        self.passphrase.clear()
        self.passphrase.setFocus()

    def _offer_restore(self, exc: UserError, name: str, passphrase: str) -> None:
        damaged = isinstance(exc, DamagedDatabase) and self._restore is not None
        self._damaged_login = (name, passphrase) if damaged else None
        self.restore_button.setVisible(damaged)

    def restore_backup(self) -> None:
        """Choose a backup and put it in place of the damaged database (coordinators)."""
        restore = self._restore
        if restore is None or self._damaged_login is None:
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Restore from a backup"),
            str(self._backups or ""),
            _("Tsunagu backups (*.sqlite)"),
        )
        if not chosen:
            return
        name, passphrase = self._damaged_login
        Operation(self, lambda: restore(name, passphrase, Path(chosen))).success(
            lambda _result: self._restored()
        ).failure(lambda exc: self.message.setText(exc.message)).run()

    def _restored(self) -> None:
        self._damaged_login = None
        self.restore_button.setVisible(False)
        self.message.setText(
            _("The backup was restored; the damaged file was kept aside. Log in again.")
        )

    def open_recovery(self) -> None:
        """The recovery-key dialog; afterwards log in with the new passphrase."""
        dialog = RecoveryDialog(self._recover, self.name.text().strip(), self)
        if dialog.exec():
            self.name.setText(dialog.name.text().strip())
            self.message.setText(_("Your passphrase was changed. Log in with the new one."))
            self.passphrase.setFocus()

    def _quit(self) -> None:
        if self.locked:
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        super().reject()

    def reject(self) -> None:
        # Escape must not uncover a locked window.
        if not self.locked:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.locked and self.outcome is None:
            event.ignore()
            return
        super().closeEvent(event)


class RecoveryDialog(BaseDialog):
    """A new passphrase for an account, with the recovery key written down at set-up."""

    settings_key = "recovery"

    def __init__(
        self, recover: Callable[[str, str, str], None], name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(_("Forgot your passphrase?"), parent)
        self._recover = recover
        enlarge(self)
        intro = QLabel(
            _(
                "Type the recovery key that was shown when Tsunagu was set up "
                "(six groups of four letters and digits), then choose a new passphrase."
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(name)
        self.recovery_key = QLineEdit()
        self.recovery_key.setObjectName("recovery_key")
        self.recovery_key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.new = QLineEdit()
        self.new.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow(_("User name"), self.name)
        form.addRow(_("Recovery key"), self.recovery_key)
        form.addRow(_("New passphrase"), self.new)
        form.addRow(_("New passphrase again"), self.again)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(_("Set the new passphrase"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        cancel = buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        ok.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.recovery_key if name else self.name).setFocus()

    def save(self) -> None:
        """Check the key and set the passphrase; refusals stay in the dialog."""
        name, key = self.name.text().strip(), self.recovery_key.text()
        new, again = self.new.text(), self.again.text()

        def recover() -> None:
            accounts.check_new_passphrase(new, again)
            self._recover(name, key, new)

        Operation(self, recover).success(lambda _none: self.accept()).failure(
            lambda exc: self.message.setText(exc.message)
        ).run()
