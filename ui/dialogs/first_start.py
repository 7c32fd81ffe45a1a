"""First start: demo or my chapter, the first coordinator account, the recovery key."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import accounts
from app.core import i18n
from app.core.context import role_label
from app.core.i18n import gettext as _
from app.setup import demo
from app.storage import chapter as chapter_service
from ui.dialogs.base import BaseDialog
from ui.language import apply_language
from ui.operations import Operation
from ui.style import apply_text_scale

if TYPE_CHECKING:
    from app.core.context import Context

WELCOME, ACCOUNT, RECOVERY, DEMO_ACCOUNTS = range(4)


def recovery_key_label(key: str) -> QLabel:
    """The recovery key, large, in a fixed-width font, selectable for copying."""
    label = QLabel(key)
    label.setObjectName("recovery_key")
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(label.font().pointSizeF() * 1.8)
    font.setBold(True)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class FirstStartDialog(BaseDialog):
    """Shown once: for a new database file (`path`), or an open one with no chapter (`ctx`).

    A new database is created encrypted with its first coordinator; an open plain one is
    converted when that account is made. `ctx` holds the Context afterwards.
    """

    settings_key = "first_start"

    def __init__(
        self, ctx: Context | None = None, parent: QWidget | None = None, *, path: Path | None = None
    ) -> None:
        super().__init__(_("Welcome to Tsunagu"), parent)
        if ctx is None and path is None:
            raise ValueError("FirstStartDialog needs a database path or an open Context")
        self.ctx = ctx
        self.path = path
        self.recovery = ""
        self.finished_setup = False
        self.pages = QStackedWidget()
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._account_page())
        self.pages.addWidget(self._recovery_page())
        self.pages.addWidget(self._demo_page())
        self.buttons = QDialogButtonBox()
        self.next_button = self.buttons.addButton(_("Next"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.next_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(
            _("Cancel"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setAutoDefault(False)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.buttons)
        self._show(WELCOME)

    # Pages -------------------------------------------------------------------------------

    def _welcome_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Tsunagu keeps your chapter's members, events and watch-over visits on this "
                "computer. It needs no internet."
            )
        )
        intro.setWordWrap(True)
        self.try_demo = QRadioButton(_("Try it with demo data (invented people)"))
        self.own_chapter = QRadioButton(_("Set up my chapter"))
        group = QButtonGroup(self)
        group.addButton(self.try_demo)
        group.addButton(self.own_chapter)
        self.try_demo.setChecked(True)
        self.chapter_name = QLineEdit()
        self.chapter_name.setPlaceholderText(_("for example: 荒川区まちづくり"))
        self.chapter_name.setEnabled(False)
        self.own_chapter.toggled.connect(self.chapter_name.setEnabled)
        self.language = QComboBox()
        self.language.addItem("日本語", "ja")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current_language())))
        self.text_size = QComboBox()
        for percent in chapter_service.TEXT_SCALES:
            self.text_size.addItem(f"{percent}%", percent)
        self.text_size.currentIndexChanged.connect(
            lambda _i: apply_text_scale(int(self.text_size.currentData()))
        )
        form = QFormLayout(page)
        form.addRow(intro)
        form.addRow(self.try_demo)
        form.addRow(self.own_chapter)
        form.addRow(_("Chapter name"), self.chapter_name)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Text size"), self.text_size)
        return page

    def _account_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "Make the first coordinator account. Its passphrase opens Tsunagu: the data on "
                "this computer is encrypted, and without a passphrase or the recovery key "
                "nobody can read it. Choose at least {count} characters; a short sentence is "
                "easy to remember and hard to guess."
            ).format(count=accounts.MIN_PASSPHRASE)
        )
        intro.setWordWrap(True)
        self.account_name = QLineEdit()
        self.account_name.setObjectName("account_name")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_again = QLineEdit()
        self.passphrase_again.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(page)
        form.addRow(intro)
        form.addRow(_("User name"), self.account_name)
        form.addRow(_("Passphrase"), self.passphrase)
        form.addRow(_("Passphrase again"), self.passphrase_again)
        return page

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            _(
                "This is the recovery key. If every coordinator forgets their passphrase, it "
                "is the only way back into the data. It is shown only now: write it on paper "
                "and keep it somewhere safe, away from this computer."
            )
        )
        intro.setWordWrap(True)
        self.recovery_label = recovery_key_label("")
        self.written_down = QCheckBox(_("I have written down the recovery key"))
        self.written_down.toggled.connect(self._update_buttons)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.recovery_label)
        layout.addWidget(self.written_down)
        layout.addStretch(1)
        return page

    def _demo_page(self) -> QWidget:
        page = QWidget()
        self.demo_text = QLabel("")
        self.demo_text.setObjectName("demo_accounts")
        self.demo_text.setWordWrap(True)
        self.demo_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(page)
        layout.addWidget(self.demo_text)
        layout.addStretch(1)
        return page

    # Flow --------------------------------------------------------------------------------

    @property
    def needs_account(self) -> bool:
        """True until the database is encrypted with a coordinator account."""
        return self.ctx is None or not self.ctx.db.encrypted

    def _show(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        last = page in (RECOVERY, DEMO_ACCOUNTS) or (
            page == WELCOME and not self.needs_account and self.own_chapter.isChecked()
        )
        self.next_button.setText(_("Start") if last else _("Next"))
        # Once the database exists there is nothing to cancel; the key must be seen.
        self.cancel_button.setVisible(page in (WELCOME, ACCOUNT))
        self._update_buttons()
        if page == ACCOUNT:
            self.account_name.setFocus()

    def _update_buttons(self) -> None:
        if self.pages.currentIndex() == RECOVERY:
            self.next_button.setEnabled(self.written_down.isChecked())
        else:
            self.next_button.setEnabled(True)

    def next(self) -> None:
        """The button at the bottom: go on, or start (setting up runs in the background)."""
        page = self.pages.currentIndex()
        if page == WELCOME:
            self._after_welcome()
        elif page == ACCOUNT:
            self._after_account()
        else:
            Operation(self, self._finish).run()

    def _after_welcome(self) -> None:
        if self.own_chapter.isChecked():
            name = self.chapter_name.text()
            if not name.strip():
                self.show_error(_("The chapter needs a name."))
                return
            if self.needs_account:
                self._show(ACCOUNT)
                return
            ctx = self.ctx
            assert ctx is not None
            Operation(self, lambda: chapter_service.set_up_chapter(ctx, name)).success(
                lambda _chapter: self._finish()
            ).run()
            return
        Operation(self, self._make_demo).success(self._demo_made).run_in_background(
            _("Making the demo data…")
        )

    def _demo_made(self, made: tuple[Context, str, list[accounts.DemoAccount]]) -> None:
        self.ctx, self.recovery, demo_accounts = made
        if demo_accounts:
            self._show_demo_accounts(demo_accounts)
        else:
            self._finish()

    def _open_with_account(self, name: str, passphrase: str) -> tuple[Context, str]:
        """(the encrypted database as `name`, its recovery key): made new or converted."""
        if self.ctx is None:
            assert self.path is not None
            return accounts.create_database(self.path, name, passphrase)
        return accounts.set_up_accounts(self.ctx, name, passphrase)

    def _make_demo(self) -> tuple[Context, str, list[accounts.DemoAccount]]:
        """On the worker thread: (context, recovery key, demo accounts made)."""
        if not self.needs_account:
            assert self.ctx is not None
            demo.build_demo(self.ctx)
            return self.ctx, self.recovery, []
        ctx, recovery = self._open_with_account(*accounts.DEMO_COORDINATOR)
        try:
            demo.build_demo(ctx)
            return ctx, recovery, accounts.add_demo_accounts(ctx)
        except BaseException:
            self._keep(ctx, recovery)
            raise

    def _keep(self, ctx: Context, recovery: str) -> None:
        """The database exists even though a later step failed: the next try goes on with it.
        (Set from the worker thread; the window takes no input until the work is over.)"""
        self.ctx, self.recovery = ctx, recovery

    def _show_demo_accounts(self, made: list[accounts.DemoAccount]) -> None:
        lines = [
            _("Demo accounts (user name / passphrase), for trying Tsunagu only:"),
            "",
        ]
        for account in made:
            lines.append(
                _("{name} / {passphrase} — {role}").format(
                    name=account.name, passphrase=account.passphrase, role=role_label(account.role)
                )
            )
        lines += ["", _("You are logged in as “demo”, a coordinator.")]
        self.demo_text.setText("\n".join(lines))
        self._show(DEMO_ACCOUNTS)

    def _after_account(self) -> None:
        name = self.account_name.text().strip()
        if not name:
            self.show_error(_("The account needs a name."))
            return
        passphrase, again = self.passphrase.text(), self.passphrase_again.text()
        if not Operation(self, lambda: accounts.check_new_passphrase(passphrase, again)).run():
            return
        chapter_name = self.chapter_name.text()

        def make() -> tuple[Context, str]:
            ctx, recovery = self._open_with_account(name, passphrase)
            try:
                chapter_service.set_up_chapter(ctx, chapter_name)
            except BaseException:
                self._keep(ctx, recovery)
                raise
            return ctx, recovery

        Operation(self, make).success(self._account_made).run_in_background(
            _("Setting up the encrypted database…")
        )

    def _account_made(self, made: tuple[Context, str]) -> None:
        self.ctx, self.recovery = made
        self.passphrase.clear()
        self.passphrase_again.clear()
        self.recovery_label.setText(self.recovery)
        self._show(RECOVERY)

    def _finish(self) -> None:
        """Save the language and text size, then close."""
        assert self.ctx is not None
        language = str(self.language.currentData())
        scale = int(self.text_size.currentData())
        prefs = chapter_service.load_preferences(self.ctx)
        chapter_service.save_preferences(
            self.ctx,
            chapter_service.Preferences(
                language=language,
                text_scale=scale,
                backup_folder=prefs.backup_folder,
                first_start_done=True,
            ),
        )
        apply_language(language)
        apply_text_scale(scale)
        self.recovery = ""
        self.recovery_label.setText("")
        self.finished_setup = True
        self.accept()

    def start(self) -> None:
        """Go through to the end as far as the choices allow (kept for callers of old)."""
        self.next()

    def reject(self) -> None:
        # After the database is made, closing would lose the only sight of the recovery key.
        if self.pages.currentIndex() in (WELCOME, ACCOUNT):
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.pages.currentIndex() not in (WELCOME, ACCOUNT) and not self.finished_setup:
            event.ignore()
            return
        super().closeEvent(event)
