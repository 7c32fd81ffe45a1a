"""Open the database after the first paint (log-in or first start first), then show the pages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from app import accounts
from app.core import dates
from app.core.context import Context, Permission, role_label
from app.core.i18n import gettext as _
from app.storage import chapter as chapter_service
from app.storage.database import DEFAULT_FILENAME, open_database
from ui.dialogs.settings import DATA_FOLDER_KEY
from ui.idle import WindowLock
from ui.language import apply_language
from ui.main_view import MainView
from ui.operations import Operation, background_work
from ui.style import apply_text_scale

if TYPE_CHECKING:
    from app.core.errors import UserError
    from ui.shell import Shell


def _refuse(shell: Shell, message: str) -> None:
    QMessageBox.critical(shell, _("Tsunagu"), message)
    shell.close()
    app = QApplication.instance()
    if app is not None:
        app.exit(1)


def _is_url(location: str | None) -> bool:
    return location is not None and "://" in location


def open_context(shell: QWidget, location: str | None) -> Context | None:
    """The database at `location` as the person at the computer; None when they cancel.

    A file with accounts asks for a log-in; a new file goes through the first-start
    wizard (which creates it encrypted); a plain file without accounts opens as before.
    """
    if _is_url(location):
        return Context(open_database(location))
    path = accounts.database_path(location)
    if not path.exists():
        from ui.dialogs.first_start import FirstStartDialog

        wizard = FirstStartDialog(parent=shell, path=path)
        wizard.exec()
        return wizard.ctx if wizard.finished_setup else None
    if accounts.login_required(path):
        from ui.dialogs.login import LoginDialog

        dialog = LoginDialog.for_start(path, shell)
        dialog.exec()
        return dialog.context
    return Context(open_database(path))


class Session(QObject):
    """What the window needs while a database is open: the view, the menu, the idle lock.

    `ctx` is the Context of the moment; when another one takes its place (someone else
    unlocked, the file was encrypted, one's own role changed) the pages are built anew for
    it and `context_changed` tells whoever else holds it.
    """

    context_changed = Signal(object)

    def __init__(self, shell: Shell, ctx: Context) -> None:
        super().__init__(shell)
        self.shell = shell
        self.ctx = ctx
        self.lock: WindowLock | None = None
        self.view: MainView | None = None
        # Who is working, always in sight: a shared laptop passes between volunteers.
        self.who = QLabel()
        self.who.setObjectName("loggedIn")
        shell.statusBar().addPermanentWidget(self.who)
        self._build_menu()
        self.show_view()
        self.start_lock()

    def show_view(self) -> None:
        """(Re)build the pages for the acting account."""
        self.view = MainView(self.ctx)
        self.shell.setCentralWidget(self.view)
        self.shell.setWindowTitle(self.view.window_title())
        self._update_menu()
        actor = self.ctx.actor
        self.who.setText(
            _("Logged in: {name} ({role})").format(name=actor.name, role=role_label(actor.role))
        )

    def start_lock(self) -> None:
        """Lock after the idle time, once the database has accounts to log in with."""
        if self.ctx.db.encrypted and self.lock is None:
            minutes = accounts.idle_lock_minutes(self.ctx)
            self.lock = WindowLock(self.ctx, minutes, self._other_account, self.shell)
        self.shell.statusBar().showMessage(
            ""
            if self.ctx.db.encrypted or self.ctx.db.path is None
            else _(
                "This database is not encrypted. A coordinator can encrypt it by making the "
                "first account: Account ▸ Accounts…"
            )
        )

    def replace_context(self, ctx: Context) -> None:
        """Go on with `ctx`: the pages, the menu and the lock follow it."""
        if ctx is self.ctx:
            return
        self.ctx = ctx
        if self.lock is not None:
            self.lock.ctx = ctx
        self.show_view()
        self.start_lock()
        self.context_changed.emit(ctx)

    def _other_account(self, ctx: Context) -> None:
        self.replace_context(ctx)

    def _build_menu(self) -> None:
        menu = self.shell.menuBar().addMenu(_("Account"))
        self.lock_action = QAction(_("Lock now"), self.shell)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_now)
        self.passphrase_action = QAction(_("Change my passphrase…"), self.shell)
        self.passphrase_action.triggered.connect(self.change_passphrase)
        self.accounts_action = QAction(_("Accounts…"), self.shell)
        self.accounts_action.triggered.connect(self.open_accounts)
        self.audit_action = QAction(_("Audit log…"), self.shell)
        self.audit_action.triggered.connect(self.open_audit)
        for action in (self.lock_action, self.passphrase_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.accounts_action, self.audit_action):
            menu.addAction(action)
        self.menu = menu
        help_menu = self.shell.menuBar().addMenu(_("Help"))
        # F1: the guide's page for the screen in front (resources/guide).
        self.guide_action = QAction(_("User guide…"), self.shell)
        self.guide_action.setShortcut(QKeySequence("F1"))
        self.guide_action.triggered.connect(self.open_guide)
        help_menu.addAction(self.guide_action)
        self.about_action = QAction(_("About Tsunagu…"), self.shell)
        self.about_action.triggered.connect(self.open_about)
        help_menu.addAction(self.about_action)
        self.guide: QWidget | None = None
        self.help_menu = help_menu

    def _update_menu(self) -> None:
        encrypted = self.ctx.db.encrypted
        admin = self.ctx.actor.can(Permission.ADMIN)
        self.lock_action.setEnabled(encrypted)
        self.passphrase_action.setEnabled(encrypted)
        self.accounts_action.setEnabled(admin and self.ctx.db.path is not None)
        self.audit_action.setEnabled(admin)
        self.menu.setTitle(_("Account"))
        # The menus follow a change of language (issue 13.4: アカウント in English too).
        self.help_menu.setTitle(_("Help"))
        self.about_action.setText(_("About Tsunagu…"))
        self.guide_action.setText(_("User guide…"))
        for action, text in (
            (self.lock_action, _("Lock now")),
            (self.passphrase_action, _("Change my passphrase…")),
            (self.accounts_action, _("Accounts…")),
            (self.audit_action, _("Audit log…")),
        ):
            action.setText(text)

    def lock_now(self) -> None:
        """Hide everything behind the log-in at once (Ctrl+L)."""
        if self.lock is not None:
            self.lock.lock(by_user=True)

    def current_topic(self) -> str:
        """The key of the page in front (what F1 explains)."""
        view = self.view
        if view is None or view.nav.currentItem() is None:
            return "home"
        return str(view.nav.currentItem().data(Qt.ItemDataRole.UserRole))

    def open_guide(self) -> None:
        """The user guide at the page for the screen in front (F1); it stays open beside."""
        from ui.help import HelpDialog

        if self.guide is None or not self.guide.isVisible():
            self.guide = HelpDialog(self.current_topic(), self.shell)
        else:
            assert isinstance(self.guide, HelpDialog)
            self.guide.show_topic(self.current_topic())
        self.guide.show()
        self.guide.raise_()

    def open_about(self) -> None:
        """Version, data location, postal data and the third-party notices."""
        from ui.dialogs.about import open_about

        path = self.ctx.db.path
        dialog = open_about(self.shell, str(path) if path is not None else "")
        if dialog is not None:
            dialog.exec()

    def change_passphrase(self) -> None:
        """The acting account's own passphrase."""
        from ui.dialogs.accounts import PassphraseDialog

        dialog = Operation(self.shell, lambda: PassphraseDialog(self.ctx, self.shell)).value()
        if dialog is not None:
            dialog.exec()

    def open_accounts(self) -> None:
        """The accounts dialog (coordinators)."""
        from ui.dialogs.accounts import AccountsDialog

        dialog = Operation(self.shell, lambda: AccountsDialog(self.ctx, self.shell)).value()
        if dialog is None:
            return
        # A plain file encrypted under its first coordinator, or one's own new role.
        dialog.context_changed.connect(self.replace_context)
        dialog.idle_minutes_changed.connect(self._idle_minutes)
        dialog.exec()

    def _idle_minutes(self, minutes: int) -> None:
        if self.lock is not None:
            self.lock.set_minutes(minutes)

    def open_audit(self) -> None:
        """The audit log (coordinators)."""
        from ui.dialogs.audit import AuditLogDialog

        dialog = Operation(self.shell, lambda: AuditLogDialog(self.ctx, self.shell)).value()
        if dialog is not None:
            dialog.exec()

    def close(self) -> None:
        """Stop the lock and release the database, once no worker thread is on a call."""
        if self.lock is not None:
            self.lock.stop()
        background_work().wait_for_all()
        self.ctx.db.close()


def load_into(shell: Shell, location: str | None) -> Context | None:
    """Open `location` (or the default database) and show the pages; None when refused."""
    if location is None:
        folder = QSettings("Tsunagu", "Tsunagu").value(DATA_FOLDER_KEY)
        if folder:
            location = str(Path(str(folder)) / DEFAULT_FILENAME)
    opened = Operation(shell, lambda: open_context(shell, location)).failure(
        lambda exc: _refuse(shell, exc.message)
    )
    if not opened.run(wait_cursor=False):  # it asks for the log-in (or runs the first start)
        return None
    ctx = opened.result
    if ctx is None:
        # Cancelled at the log-in or the first start: closing the last window ends Tsunagu.
        shell.close()
        return None
    prefs = chapter_service.load_preferences(ctx)
    apply_language(prefs.language)
    apply_text_scale(prefs.text_scale)
    dates.set_date_style(prefs.date_style)
    if chapter_service.is_empty(ctx):
        from ui.dialogs.first_start import FirstStartDialog

        wizard = FirstStartDialog(ctx, shell)
        wizard.exec()
        # Making the first account encrypted the file: go on with the wizard's Context.
        ctx = wizard.ctx or ctx
    started = ctx

    def refused(exc: UserError) -> None:
        started.db.close()
        _refuse(shell, exc.message)

    made = Operation(shell, lambda: Session(shell, started)).failure(refused)
    if not made.run():
        return None
    session = made.result
    shell.destroyed.connect(lambda: session.ctx.db.close())
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(session.close)
    return ctx
