"""Accounts: who may open this database and as what, the idle lock, passphrases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import accounts
from app.core.context import ROLES, VISITOR, Permission, role_label
from app.core.i18n import gettext as _
from app.roster import members
from ui.dialogs.base import BaseDialog, accept_cancel_buttons, confirm
from ui.dialogs.first_start import recovery_key_label
from ui.dialogs.login import enlarge
from ui.operations import Operation

if TYPE_CHECKING:
    from app.core.context import Context


class RecoveryKeyDialog(BaseDialog):
    """Shows a new recovery key once; closes only after 'I have written it down'."""

    settings_key = "recovery_key"

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(_("Recovery key"), parent)
        intro = QLabel(
            _(
                "This is the recovery key. If every coordinator forgets their passphrase, it "
                "is the only way back into the data. It is shown only now: write it on paper "
                "and keep it somewhere safe, away from this computer."
            )
        )
        intro.setWordWrap(True)
        self.key = recovery_key_label(key)
        self.written_down = QCheckBox(_("I have written down the recovery key"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Done"))
        ok.setEnabled(False)
        self.written_down.toggled.connect(ok.setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.key)
        layout.addWidget(self.written_down)
        layout.addWidget(self.buttons)

    def reject(self) -> None:
        if self.written_down.isChecked():
            super().reject()


class AccountEditDialog(BaseDialog):
    """A new account, or another role for an existing one; `ctx` is afterwards the context
    to go on with (a new one when the acting account changed its own role)."""

    settings_key = "account_edit"

    def __init__(
        self,
        ctx: Context,
        parent: QWidget | None = None,
        *,
        account: accounts.AccountView | None = None,
    ) -> None:
        super().__init__(_("Change the role") if account else _("New account"), parent)
        self.ctx = ctx
        self.account = account
        self.name = QLineEdit(account.name if account else "")
        self.name.setReadOnly(account is not None)
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(role_label(role), role)
        self.role.setCurrentIndex(max(0, self.role.findData(account.role if account else VISITOR)))
        self.member = QComboBox()
        self.member.setEditable(True)
        self.member.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for view in members.list_members(ctx):
            label = f"{view.full_name}（{view.full_kana}）{view.member_number}"
            self.member.addItem(label, view.id)
        if account and account.member_id:
            self.member.setCurrentIndex(self.member.findData(account.member_id))
        else:
            self.member.setCurrentIndex(-1)
        self.member_label = QLabel(_("Member (who visits)"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        role_help = QLabel(
            _(
                "Coordinator: everything. Visitor: their own watch-over people and visits, "
                "names and phones in the roster, no export. Viewer: counts and reports only."
            )
        )
        role_help.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("User name"), self.name)
        form.addRow(_("Role"), self.role)
        form.addRow("", role_help)
        form.addRow(self.member_label, self.member)
        if account is None:
            form.addRow(_("Passphrase"), self.passphrase)
            form.addRow(_("Passphrase again"), self.again)
        self.buttons = accept_cancel_buttons(
            self, self.save, accept_button=QDialogButtonBox.StandardButton.Ok
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def _role_changed(self, _index: int = 0) -> None:
        visible = self.role.currentData() == VISITOR
        self.member.setVisible(visible)
        self.member_label.setVisible(visible)

    def _member_id(self) -> str | None:
        if self.role.currentData() != VISITOR or self.member.currentIndex() < 0:
            return None
        data = self.member.currentData()
        return str(data) if data else None

    def save(self) -> None:
        """Add the account or change its role; refusals keep the dialog open."""
        role, member_id = str(self.role.currentData()), self._member_id()
        name, passphrase, again = self.name.text(), self.passphrase.text(), self.again.text()
        account = self.account

        def store() -> Context:
            if account is None:
                accounts.check_new_passphrase(passphrase, again)
                accounts.add_account(self.ctx, name, passphrase, role, member_id)
                return self.ctx
            view = accounts.change_role(self.ctx, account.name, role, member_id)
            return accounts.acting_after(self.ctx, view)

        Operation(self, store).success(self._stored).run()

    def _stored(self, ctx: Context) -> None:
        self.ctx = ctx
        self.accept()


class PassphraseDialog(BaseDialog):
    """Change one's own passphrase (knowing the current one), or set another's (coordinators)."""

    settings_key = "passphrase"

    def __init__(self, ctx: Context, parent: QWidget | None = None, *, name: str = "") -> None:
        own = not name or accounts.same_name(name, ctx.actor.name)
        super().__init__(
            _("Change my passphrase") if own else _("New passphrase for {name}").format(name=name),
            parent,
        )
        self.ctx = ctx
        self.own = own
        self.target = ctx.actor.name if own else name
        enlarge(self, 1.2)
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.new = QLineEdit()
        self.new.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        if own:
            form.addRow(_("Current passphrase"), self.current)
        form.addRow(_("New passphrase"), self.new)
        form.addRow(_("New passphrase again"), self.again)
        self.buttons = accept_cancel_buttons(
            self, self.save, accept_button=QDialogButtonBox.StandardButton.Ok
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def save(self) -> None:
        """Store the new passphrase; refusals keep the dialog open."""
        current, new, again = self.current.text(), self.new.text(), self.again.text()

        def store() -> None:
            accounts.check_new_passphrase(new, again)
            if self.own:
                accounts.change_passphrase(self.ctx, current, new)
            else:
                accounts.set_passphrase(self.ctx, self.target, new)

        self.accept_unless_refused(store)


class FirstAccountForm(QWidget):
    """For a plain database: make the first coordinator, which encrypts the file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(
            _(
                "This database has no accounts and is not encrypted: anyone who copies the "
                "file can read it. Make the first coordinator account to encrypt it. "
                "The unencrypted file is then overwritten and deleted."
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("first_account_name")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.keep_plain = QCheckBox(_("Keep an unencrypted copy beside it (not recommended)"))
        self.create_button = QPushButton(_("Make the account and encrypt"))
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(_("User name"), self.name)
        form.addRow(_("Passphrase"), self.passphrase)
        form.addRow(_("Passphrase again"), self.again)
        form.addRow("", self.keep_plain)
        form.addRow("", self.create_button)


class AccountsDialog(BaseDialog):
    """The accounts of this database; `encrypted` fires when a plain one gets its first.

    `context_changed` hands on a new Context when the acting account is another afterwards
    (the first coordinator of a now encrypted file, or one's own new role).
    """

    settings_key = "accounts"
    encrypted = Signal()
    idle_minutes_changed = Signal(int)
    context_changed = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(_("Accounts"), parent)
        ctx.require(Permission.ADMIN)
        self.ctx = ctx
        self.first = FirstAccountForm()
        self.first.create_button.clicked.connect(self.make_first_account)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("User name"), _("Role"), _("Member")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.add_button = QPushButton(_("New account…"))
        self.role_button = QPushButton(_("Change the role…"))
        self.passphrase_button = QPushButton(_("New passphrase…"))
        self.remove_button = QPushButton(_("Remove…"))
        self.recovery_button = QPushButton(_("New recovery key…"))
        self.add_button.clicked.connect(self.add)
        self.role_button.clicked.connect(self.change_role)
        self.passphrase_button.clicked.connect(self.new_passphrase)
        self.remove_button.clicked.connect(self.remove)
        self.recovery_button.clicked.connect(self.new_recovery_key)
        row = QHBoxLayout()
        for button in (
            self.add_button,
            self.role_button,
            self.passphrase_button,
            self.remove_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        self.idle = QSpinBox()
        self.idle.setRange(1, accounts.MAX_IDLE_MINUTES)
        self.idle.setSuffix(_(" min"))
        self.idle.valueChanged.connect(self._idle_changed)
        idle_row = QHBoxLayout()
        idle_row.addWidget(QLabel(_("Lock the window after this long without use:")))
        idle_row.addWidget(self.idle)
        idle_row.addStretch(1)
        idle_row.addWidget(self.recovery_button)
        self.manage = QWidget()
        manage = QVBoxLayout(self.manage)
        manage.setContentsMargins(0, 0, 0, 0)
        manage.addWidget(self.table)
        manage.addLayout(row)
        manage.addLayout(idle_row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.first)
        layout.addWidget(self.manage)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        """Show the form that fits: the first account, or the list of accounts."""
        has_accounts = self.ctx.db.encrypted
        self.first.setVisible(not has_accounts)
        self.manage.setVisible(has_accounts)
        if not has_accounts:
            return
        read = Operation(
            self, lambda: (accounts.idle_lock_minutes(self.ctx), accounts.list_accounts(self.ctx))
        )
        if not read.run():
            return
        minutes, self.views = read.result
        self.idle.blockSignals(True)
        self.idle.setValue(minutes)
        self.idle.blockSignals(False)
        self.table.setRowCount(len(self.views))
        for i, view in enumerate(self.views):
            member = self._member_name(view.member_id) if view.member_id else ""
            for column, value in enumerate((view.name, role_label(view.role), member)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, view.name)
                self.table.setItem(i, column, item)
        self.table.resizeColumnsToContents()
        if self.views:
            self.table.selectRow(0)

    def _member_name(self, member_id: str) -> str:
        """The member a visitor account is, by name (the id's start if it cannot be read)."""
        found = Operation(self, lambda: members.get_member(self.ctx, member_id).full_name)
        return found.result if found.failure(lambda _exc: None).run() else member_id[:8]

    def selected(self) -> accounts.AccountView | None:
        """The account whose row is selected."""
        row = self.table.currentRow()
        return self.views[row] if 0 <= row < len(self.views) else None

    def make_first_account(self) -> None:
        """Create the first coordinator, encrypt the file (in the background), show the
        recovery key once."""
        form = self.first
        name, passphrase, again = form.name.text(), form.passphrase.text(), form.again.text()
        keep_plain = form.keep_plain.isChecked()

        def encrypt() -> tuple[Context, str]:
            accounts.check_new_passphrase(passphrase, again)
            return accounts.set_up_accounts(self.ctx, name, passphrase, keep_plain_copy=keep_plain)

        Operation(self, encrypt).success(self._encrypted).run_in_background(
            _("Setting up the encrypted database…")
        )

    def _encrypted(self, made: tuple[Context, str]) -> None:
        ctx, recovery = made
        self.ctx = ctx
        self.first.passphrase.clear()
        self.first.again.clear()
        self.context_changed.emit(ctx)
        RecoveryKeyDialog(recovery, self).exec()
        self.refresh()
        self.encrypted.emit()

    def add(self) -> None:
        """A new account."""
        edit = Operation(self, lambda: AccountEditDialog(self.ctx, self)).value()
        if edit is not None and edit.exec():
            self.refresh()

    def change_role(self) -> None:
        """Another role for the selected account (one's own too: then the window follows)."""
        view = self.selected()
        if view is None:
            return
        edit = Operation(self, lambda: AccountEditDialog(self.ctx, self, account=view)).value()
        if edit is None or not edit.exec():
            return
        if edit.ctx is not self.ctx:
            self.ctx = edit.ctx
            self.context_changed.emit(edit.ctx)
        if self.ctx.actor.can(Permission.ADMIN):
            self.refresh()
        else:
            self.accept()  # no longer a coordinator: this dialog is not theirs any more

    def new_passphrase(self) -> None:
        """A new passphrase for the selected account (one who forgot theirs)."""
        view = self.selected()
        if view is not None:
            PassphraseDialog(self.ctx, self, name=view.name).exec()

    def remove(self) -> None:
        """Take away the selected account's access, after asking."""
        view = self.selected()
        if view is None:
            return
        question = _(
            "Remove the account {name}? Its passphrase will no longer open Tsunagu."
        ).format(name=view.name)
        if not confirm(self, _("Remove the account"), question, _("Remove")):
            return
        Operation(self, lambda: accounts.remove_account(self.ctx, view.name)).success(
            lambda _none: self.refresh()
        ).run()

    def new_recovery_key(self) -> None:
        """Replace the recovery key, after asking; the new one is shown once."""
        question = _(
            "Make a new recovery key? The old one stops working; the new one is shown only once."
        )
        if not confirm(self, _("New recovery key"), question, _("Make a new key")):
            return
        Operation(self, lambda: accounts.new_recovery_key(self.ctx)).success(
            lambda key: RecoveryKeyDialog(key, self).exec()
        ).run()

    def _idle_changed(self, minutes: int) -> None:
        Operation(self, lambda: accounts.set_idle_lock_minutes(self.ctx, minutes)).success(
            lambda _none: self.idle_minutes_changed.emit(minutes)
        ).run()
