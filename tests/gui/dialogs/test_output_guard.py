"""The window's Save dialogs aimed at the database, and a log-in to a damaged database.

Each shows the guard's one line and writes nothing; the log-in says the file is damaged
and where the backups are, and leaves the file byte-identical (issue 11, parts 1 and 4).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app import accounts
from app.roster.members import MemberInput, add_member
from app.storage.chapter import set_up_chapter
from app.sync.hq import list_chapters
from tests.app.sync.conftest import World
from tests.gui.ime import answer_next_message_box
from ui.dialogs.login import LoginDialog
from ui.pages.members import MembersPage
from ui.pages.sync import SyncPage

PASS = "correct horse battery"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """Headquarters and the chapter 荒川, joined (plain files, as on the Sync page tests)."""
    made = World(tmp_path)
    try:
        made.add_chapter("荒川")
        yield made
    finally:
        made.close()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file's bytes; the lock's holder line and the WAL index (-shm, which every read
    updates) aside."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.is_symlink() and not p.name.endswith((".lock", "-shm"))
    }


def read_the_box(seen: list[str]) -> None:
    def pick(box: QMessageBox) -> object:
        seen.append(box.text())
        return box.button(QMessageBox.StandardButton.Ok) or box.buttons()[0]

    answer_next_message_box(pick)


def test_a_package_saved_over_the_database_is_refused_in_one_line(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = world.chapters["荒川"]
    assert ctx.db.path is not None
    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.show()
    before = snapshot(ctx.db.path.parent)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(ctx.db.path), ""))
    seen: list[str] = []
    read_the_box(seen)
    page.export_button.click()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [
        "荒川.sqlite is the open database. Nothing was written; choose another file name."
    ]
    assert snapshot(ctx.db.path.parent) == before


def test_a_setup_file_saved_over_headquarters_is_refused(
    qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    hq = world.hq
    assert hq.db.path is not None
    page = SyncPage(hq)
    qtbot.addWidget(page)
    page.show()
    before = snapshot(hq.db.path.parent)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("足立", True))
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(hq.db.path) + "-wal", "")
    )
    seen: list[str] = []
    read_the_box(seen)
    page.add_chapter()
    qtbot.waitUntil(lambda: bool(seen))
    assert len(seen) == 1 and "part of the open database" in seen[0] and "\n" not in seen[0]
    assert snapshot(hq.db.path.parent) == before
    assert [c.name for c in list_chapters(hq)] == ["荒川"]


def test_a_roster_saved_through_a_link_to_the_database_is_refused(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    try:
        set_up_chapter(ctx, "テスト町")
        add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
        link = db_path.with_name("roster.xlsx")
        link.symlink_to(db_path)
        page = MembersPage(ctx)
        qtbot.addWidget(page)
        page.show()
        before = snapshot(db_path.parent)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(link), ""))
        seen: list[str] = []
        read_the_box(seen)
        page.export_file()
        qtbot.waitUntil(lambda: bool(seen))
        assert seen == [
            "roster.xlsx is the open database. Nothing was written; choose another file name."
        ]
        assert snapshot(db_path.parent) == before and link.is_symlink()
    finally:
        ctx.db.close()


def test_log_in_to_a_damaged_database_says_so_and_changes_nothing(
    qtbot: QtBot, db_path: Path
) -> None:
    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    set_up_chapter(ctx, "テスト町")
    for n in range(30):
        add_member(ctx, MemberInput(family_name=f"山田{n}", family_kana="ヤマダ"))
    ctx.db.close()
    data = bytearray(db_path.read_bytes())
    data[len(data) - 2000] ^= 0x40
    db_path.write_bytes(bytes(data))
    shutil.rmtree(db_path.parent / "backups", ignore_errors=True)
    before = snapshot(db_path.parent)
    dialog = LoginDialog.for_start(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("hana")
    dialog.passphrase.setText(PASS)
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.context is None
    text = dialog.message.text()
    assert "chapter.sqlite is damaged" in text and "restore" in text and "Backups" in text
    assert snapshot(db_path.parent) == before


def test_the_damaged_log_in_offers_a_backup_and_restores_it(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Backups page cannot be reached when the database cannot open: the log-in offers it."""
    from app import backups as backup

    ctx, _recovery = accounts.create_database(db_path, "hana", PASS)
    set_up_chapter(ctx, "テスト町")
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
    saved = backup.backup_now(ctx)
    accounts.add_account(ctx, "kumi", "kumi-passphrase", "viewer")
    ctx.db.close()
    data = bytearray(db_path.read_bytes())
    data[-100] ^= 0x01
    db_path.write_bytes(bytes(data))
    damaged = bytes(data)
    dialog = LoginDialog.for_start(db_path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.restore_button.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    # A viewer meets the damage too, but may not restore.
    dialog.name.setText("kumi")
    dialog.passphrase.setText("kumi-passphrase")
    dialog.log_in()
    assert dialog.restore_button.isVisible()
    dialog.restore_button.click()
    assert "may not do this" in dialog.message.text()
    assert db_path.read_bytes() == damaged
    dialog.name.setText("hana")
    dialog.passphrase.setText(PASS)
    dialog.log_in()
    dialog.restore_button.click()
    assert "backup was restored" in dialog.message.text()
    assert not dialog.restore_button.isVisible()
    [aside] = db_path.parent.glob("chapter.before-restore-*.sqlite")
    assert aside.read_bytes() == damaged
    dialog.passphrase.setText(PASS)
    dialog.log_in()
    assert dialog.context is not None
    dialog.context.db.close()
