"""Log-in, first-start account, idle lock, Accounts dialog and audit log, mostly by keyboard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app import accounts
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied
from app.storage.audit import read_audit
from app.storage.chapter import set_up_chapter
from app.storage.database import keyring_beside, open_database
from tests.gui.waiting import settle
from ui.dialogs.accounts import AccountEditDialog, AccountsDialog, RecoveryKeyDialog
from ui.dialogs.audit import AuditLogDialog, AuditTableModel
from ui.dialogs.first_start import FirstStartDialog
from ui.dialogs.login import LoginDialog, RecoveryDialog
from ui.idle import IdleWatch, WindowLock

PASS = "correct horse battery"


@pytest.fixture
def enc(db_path: Path) -> Iterator[Context]:
    """An encrypted chapter database with coordinator 'hana' and viewer 'kumi'."""
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    set_up_chapter(ctx, "テスト町まちづくり")
    accounts.add_account(ctx, "kumi", "kumi-passphrase", "viewer")
    yield ctx
    ctx.db.close()


def when_modal(kind: type[QWidget], act: Callable[[Any], None]) -> None:
    """Once a modal window of `kind` opens, do `act` to it (as the person would)."""

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind):
            act(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def type_into(widget: QLineEdit, text: str) -> None:
    widget.setFocus()
    QTest.keyClicks(widget, text)


def test_wrong_passphrase_stays_then_enter_logs_in(qtbot: QtBot, enc: Context) -> None:
    path = enc.db.path
    assert path is not None
    enc.db.close()
    dialog = LoginDialog.for_start(path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.font().pointSizeF() > QApplication.font().pointSizeF()
    type_into(dialog.name, "hana")
    QTest.keyClick(dialog.name, Qt.Key.Key_Tab)
    type_into(dialog.passphrase, "not it at all")
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.context is None
    assert "Wrong user name or passphrase" in dialog.message.text()
    assert dialog.passphrase.text() == ""
    type_into(dialog.passphrase, PASS)
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    ctx = dialog.context
    assert ctx is not None and ctx.actor.name == "hana" and ctx.db.encrypted
    ctx.db.close()


def test_forgotten_passphrase_through_the_recovery_key(qtbot: QtBot, db_path: Path) -> None:
    ctx, recovery = accounts.create_database(db_path, "hana", PASS)
    ctx.db.close()
    dialog = LoginDialog.for_start(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("hana")

    def fill(box: RecoveryDialog) -> None:
        box.recovery_key.setText(recovery.lower())
        box.new.setText("a brand new one")
        box.again.setText("a brand new one")
        box.save()

    when_modal(RecoveryDialog, fill)
    dialog.forgot.click()
    assert "was changed" in dialog.message.text()
    dialog.passphrase.setText("a brand new one")
    dialog.log_in()
    assert dialog.context is not None
    dialog.context.db.close()


def test_first_start_makes_the_coordinator_and_shows_the_key_once(
    qtbot: QtBot, db_path: Path
) -> None:
    wizard = FirstStartDialog(path=db_path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.own_chapter.setChecked(True)
    type_into(wizard.chapter_name, "North")
    wizard.next_button.click()
    assert not db_path.exists()
    type_into(wizard.account_name, "hana")
    type_into(wizard.passphrase, PASS)
    type_into(wizard.passphrase_again, PASS)
    wizard.next_button.click()
    settle(qtbot)
    assert db_path.exists() and keyring_beside(db_path).exists()
    key = wizard.recovery_label.text()
    assert len(key.split("-")) == 6
    assert not wizard.next_button.isEnabled() and not wizard.cancel_button.isVisible()
    QTest.keyClick(wizard, Qt.Key.Key_Escape)
    assert wizard.isVisible()
    wizard.written_down.setChecked(True)
    wizard.next_button.click()
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.recovery_label.text() == ""
    ctx = wizard.ctx
    assert ctx is not None and ctx.db.encrypted and ctx.actor.name == "hana"
    ctx.db.close()
    accounts.reset_passphrase_with_recovery(db_path, "hana", key, "after recovery")
    accounts.login(db_path, "hana", "after recovery").db.close()


def test_first_start_demo_lists_its_accounts(qtbot: QtBot, db_path: Path) -> None:
    wizard = FirstStartDialog(path=db_path)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next_button.click()
    settle(qtbot)
    assert "demo / demo-tsunagu" in wizard.demo_text.text()
    wizard.next_button.click()
    assert wizard.result() == QDialog.DialogCode.Accepted
    assert wizard.ctx is not None and wizard.ctx.actor.name == "demo"
    wizard.ctx.db.close()
    accounts.login(db_path, "visitor", "demo-visitor").db.close()


class _Window(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.secret = QLineEdit("髙橋 﨑子 03-5555-1234")
        self.setCentralWidget(self.secret)


def _editing_dialog(parent: QWidget) -> tuple[QDialog, QLineEdit]:
    dialog = QDialog(parent)
    field = QLineEdit("half-typed note")
    QVBoxLayout(dialog).addWidget(field)
    dialog.show()
    return dialog, field


def test_idle_lock_hides_everything_until_the_passphrase(qtbot: QtBot, enc: Context) -> None:
    window = _Window()
    qtbot.addWidget(window)
    window.show()
    dialog, field = _editing_dialog(window)
    switched: list[str] = []
    lock = WindowLock(enc, 0.002, lambda new: switched.append(new.actor.name), window)
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    login = lock.dialog
    assert isinstance(login, LoginDialog)
    assert not window.secret.isVisible() and not field.isVisible()
    assert dialog.isVisible() and field.text() == "half-typed note"
    assert login.isVisible() and login.name.text() == "hana"
    QTest.keyClick(login, Qt.Key.Key_Escape)
    assert lock.locked and login.isVisible()
    type_into(login.passphrase, "wrong wrong")
    QTest.keyClick(login.passphrase, Qt.Key.Key_Return)
    assert lock.locked and not window.secret.isVisible()
    type_into(login.passphrase, PASS)
    QTest.keyClick(login.passphrase, Qt.Key.Key_Return)
    assert not lock.locked
    assert window.secret.isVisible() and field.isVisible() and dialog.isVisible()
    assert switched == []
    lock.stop()
    entries = read_audit(enc)
    assert (entries[0].user_name, entries[0].action, entries[0].detail) == (
        "hana",
        "login",
        "unlock",
    )


def test_another_account_at_the_lock_screen_gets_its_own_window(qtbot: QtBot, enc: Context) -> None:
    window = _Window()
    qtbot.addWidget(window)
    window.show()
    dialog, _field = _editing_dialog(window)
    switched: list[str] = []
    lock = WindowLock(enc, 60, lambda new: switched.append(new.actor.role), window)
    lock.lock()
    login = lock.dialog
    assert isinstance(login, LoginDialog)
    login.name.setText("kumi")
    login.passphrase.setText("kumi-passphrase")
    login.log_in()
    assert not dialog.isVisible()
    assert lock.ctx.actor.name == "kumi" and enc.actor.name == "hana"  # a new Context
    qtbot.waitUntil(lambda: switched == ["viewer"], timeout=2000)
    lock.stop()


def test_use_keeps_the_window_unlocked(qtbot: QtBot) -> None:
    fired: list[bool] = []
    watch = IdleWatch(0.01, lambda: fired.append(True))  # 600 ms
    target = QLineEdit()
    qtbot.addWidget(target)
    target.show()
    for _ in range(8):
        qtbot.wait(150)
        QTest.keyClick(target, Qt.Key.Key_A)
    assert fired == []
    qtbot.waitUntil(lambda: fired == [True], timeout=5000)
    watch.stop()


def test_accounts_dialog_encrypts_a_plain_database_then_manages_accounts(
    qtbot: QtBot, db_path: Path
) -> None:
    db = open_database(db_path, create=True)
    ctx = Context(db)
    set_up_chapter(ctx, "テスト町")
    dialog = AccountsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.first.isVisible() and not dialog.manage.isVisible()
    type_into(dialog.first.name, "hana")
    type_into(dialog.first.passphrase, PASS)
    type_into(dialog.first.again, PASS)
    shown: list[str] = []

    def written_down(box: RecoveryKeyDialog) -> None:
        shown.append(box.key.text())
        box.written_down.setChecked(True)
        box.buttons.button(box.buttons.StandardButton.Ok).click()

    when_modal(RecoveryKeyDialog, written_down)
    with qtbot.waitSignal(dialog.encrypted, timeout=10000):
        dialog.first.create_button.click()
    assert len(shown) == 1 and len(shown[0]) == 29
    ctx = dialog.ctx  # a new Context: the encrypted file, acted on by the new coordinator
    assert ctx.db.encrypted and dialog.manage.isVisible()
    assert [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())] == ["hana"]
    edit = AccountEditDialog(ctx, dialog)
    qtbot.addWidget(edit)
    edit.name.setText("kumi")
    edit.role.setCurrentIndex(edit.role.findData("viewer"))
    edit.passphrase.setText("kumi-passphrase")
    edit.again.setText("kumi-passphrase")
    edit.save()
    assert edit.result() == QDialog.DialogCode.Accepted
    dialog.refresh()
    assert dialog.table.rowCount() == 2
    dialog.idle.setValue(3)
    assert accounts.idle_lock_minutes(ctx) == 3
    ctx.db.close()


def test_audit_log_view(qtbot: QtBot, qtmodeltester: ModelTester, enc: Context) -> None:
    model = AuditTableModel(read_audit(enc))
    qtmodeltester.check(model)
    dialog = AuditLogDialog(enc)
    qtbot.addWidget(dialog)
    dialog.show()
    total = dialog.proxy.rowCount()
    assert total >= 2
    type_into(dialog.filter, "viewer")
    assert 0 < dialog.proxy.rowCount() < total
    viewer = Context(enc.db, Actor("kumi", "viewer"))
    with pytest.raises(PermissionDenied):
        AuditLogDialog(viewer)


def test_window_asks_for_the_log_in_before_the_data(qtbot: QtBot, enc: Context) -> None:
    from ui.loader import Session, load_into
    from ui.main_view import MainView
    from ui.shell import Shell

    path = enc.db.path
    assert path is not None
    enc.db.close()
    shell = Shell()
    qtbot.addWidget(shell)
    shell.show()
    seen_before_login: list[bool] = []

    def fill(dialog: LoginDialog) -> None:
        seen_before_login.append(isinstance(shell.centralWidget(), MainView))
        type_into(dialog.name, "hana")
        type_into(dialog.passphrase, PASS)
        QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    when_modal(LoginDialog, fill)
    ctx = load_into(shell, str(path))
    try:
        assert seen_before_login == [False]
        assert ctx is not None and ctx.actor.name == "hana"
        assert isinstance(shell.centralWidget(), MainView)
        qtbot.waitUntil(shell.centralWidget().isVisible)
        session = shell.findChild(Session)
        assert session is not None and session.lock is not None
        assert session.accounts_action.isEnabled() and session.audit_action.isEnabled()
        session.lock_now()
        assert session.lock.locked and not shell.centralWidget().isVisible()
        login = session.lock.dialog
        assert isinstance(login, LoginDialog)
        login.passphrase.setText(PASS)
        login.log_in()
        assert shell.centralWidget().isVisible()
    finally:
        if ctx is not None:
            session = shell.findChild(Session)
            if session is not None:
                session.close()
            ctx.db.close()


def test_window_cancelled_log_in_opens_nothing(qtbot: QtBot, enc: Context) -> None:
    from ui.loader import load_into
    from ui.shell import Shell

    path = enc.db.path
    assert path is not None
    enc.db.close()
    shell = Shell()
    qtbot.addWidget(shell)
    shell.show()
    when_modal(LoginDialog, lambda dialog: dialog.quit_button.click())
    assert load_into(shell, str(path)) is None
    # Nothing was left open: the file can be opened at once.
    accounts.login(path, "hana", PASS).db.close()


def test_lock_right_after_a_rebuild_still_hides_the_new_page(qtbot: QtBot, enc: Context) -> None:
    window = _Window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.secret.isVisible)
    lock = WindowLock(enc, 60, lambda actor: None, window)
    fresh = QLineEdit("new page with names")
    window.setCentralWidget(fresh)
    lock.lock()
    qtbot.wait(50)
    assert not fresh.isVisible()
    login = lock.dialog
    assert isinstance(login, LoginDialog)
    login.passphrase.setText(PASS)
    login.log_in()
    assert fresh.isVisible()
    lock.stop()


def _damaged_log_in(qtbot: QtBot, enc: Context) -> tuple[Path, Path, bytes, LoginDialog]:
    """A backup of `enc`, then one flipped byte in its file, and the start log-in shown for it."""
    from app import backups as backup

    path = enc.db.path
    assert path is not None
    saved = backup.backup_now(enc)
    enc.db.close()
    data = bytearray(path.read_bytes())
    data[-10] ^= 0x20
    path.write_bytes(bytes(data))
    dialog = LoginDialog.for_start(path)
    qtbot.addWidget(dialog)
    dialog.show()
    return path, saved, path.read_bytes(), dialog


def test_a_damaged_database_offers_a_backup_at_the_log_in(
    qtbot: QtBot, enc: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Backups page cannot open on a damaged file: the log-in offers the restore itself."""
    path, saved, damaged, dialog = _damaged_log_in(qtbot, enc)
    assert not dialog.restore_button.isVisible()
    type_into(dialog.name, "hana")
    type_into(dialog.passphrase, PASS)
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.context is None
    assert "is damaged" in dialog.message.text()
    assert dialog.restore_button.isVisible()
    assert path.read_bytes() == damaged
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(saved), ""))
    dialog.restore_button.click()
    assert "backup was restored" in dialog.message.text()
    assert not dialog.restore_button.isVisible()
    type_into(dialog.passphrase, PASS)
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    ctx = dialog.context
    assert ctx is not None
    ctx.db.close()


def test_a_viewer_meeting_a_damaged_database_may_not_restore_it(
    qtbot: QtBot, enc: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, saved, damaged, dialog = _damaged_log_in(qtbot, enc)
    type_into(dialog.name, "kumi")
    type_into(dialog.passphrase, "kumi-passphrase")
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(saved), ""))
    # The role is in the damaged file, so the button shows; the restore itself refuses a viewer.
    assert dialog.restore_button.isVisible()
    dialog.restore_button.click()
    assert "may not do this" in dialog.message.text()
    assert path.read_bytes() == damaged
