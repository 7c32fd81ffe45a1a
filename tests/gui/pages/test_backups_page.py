"""The Backups page: list, Back up now, Restore… (asked first), folder choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox
from pytestqt.qtbot import QtBot

from app import backups as backup
from app.core.context import VISITOR, Actor, Context
from app.roster.members import MemberInput, add_member, count_members
from app.storage.database import open_database
from tests.gui.ime import answer_next_message_box
from tests.gui.waiting import outcome
from ui.main_view import MainView
from ui.pages.backups import BackupsPage, BackupTableModel, size_label


def button_named(box: QMessageBox, text: str) -> object:
    return next(b for b in box.buttons() if b.text() == text)


def test_model_passes_the_model_tester(qtmodeltester: object, ctx: Context) -> None:
    backup.backup_now(ctx)
    backup.backup_now(ctx, "before import")
    model = BackupTableModel()
    model.set_rows(backup.list_backups(ctx))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.rowCount() == 2
    assert {model.data(model.index(r, 1)) for r in range(2)} == {"manual"}
    assert model.data(model.index(0, 3)) == "yes"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Date"


def test_back_up_now_adds_a_checked_copy(qtbot: QtBot, ctx: Context) -> None:
    page = BackupsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.model.rowCount() == 0 and page.empty_label.isVisible()
    assert str(Path(ctx.db.location).parent / "backups") in page.folder_label.text()
    path = outcome(qtbot, page.back_up_now())
    assert path is not None and path.exists()
    assert page.model.rowCount() == 1 and not page.empty_label.isVisible()
    assert page.selected() is not None and page.selected().path == path  # type: ignore[union-attr]
    row = [page.model.data(page.model.index(0, c)) for c in range(4)]
    assert row[1:] == ["manual", size_label(path.stat().st_size), "yes"]


def test_restore_asks_first_then_closes_the_window(qtbot: QtBot, db_path: Path) -> None:
    db = open_database(db_path, create=True)
    ctx = Context(db)
    from app.storage.chapter import set_up_chapter

    set_up_chapter(ctx, "復元町")
    add_member(ctx, MemberInput(family_name="山田", family_kana="ヤマダ"))
    window = QMainWindow()
    qtbot.addWidget(window)
    view = MainView(ctx)
    window.setCentralWidget(view)
    window.show()
    page = view.pages["backups"]
    assert isinstance(page, BackupsPage)
    outcome(qtbot, page.back_up_now())
    add_member(ctx, MemberInput(family_name="鈴木", family_kana="スズキ"))

    # First "Cancel": nothing changes.
    answer_next_message_box(lambda box: button_named(box, "Cancel"))  # type: ignore[arg-type,return-value]
    assert page.restore_selected() is None
    assert count_members(ctx) == 2 and window.isVisible()

    texts: list[str] = []

    def restore_then_ok(box: QMessageBox) -> object:
        texts.append(box.text())
        answer_next_message_box(lambda done: (texts.append(done.text()), done.buttons()[0])[1])  # type: ignore[arg-type,return-value]
        return button_named(box, "Restore")

    answer_next_message_box(restore_then_ok)  # type: ignore[arg-type]
    assert outcome(qtbot, page.restore_selected()) is not None
    assert "Changes made since then will no longer show" in texts[0]
    assert "start it again" in texts[1]
    assert db.lock is None and not window.isVisible()
    reopened = open_database(db_path)
    try:
        assert count_members(Context(reopened)) == 1
    finally:
        reopened.close()


def test_choose_a_folder_on_a_stick_and_a_pulled_stick_says_so(
    qtbot: QtBot,
    ctx: Context,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stick = tmp_path_factory.mktemp("stick")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(stick))
    page = BackupsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.folder_button.click()
    assert str(stick) in page.folder_label.text()
    path = outcome(qtbot, page.back_up_now())
    assert path is not None and path.parent == stick
    stick_file = path
    stick_file.unlink()
    for extra in stick.iterdir():
        extra.unlink()
    stick.rmdir()
    seen: list[str] = []
    answer_next_message_box(lambda box: (seen.append(box.text()), box.buttons()[0])[1])  # type: ignore[arg-type,return-value]
    assert outcome(qtbot, page.back_up_now()) is None
    assert "plug the stick in" in seen[0]
    page.default_button.click()
    assert "backups" in page.folder_label.text()


def test_a_visitor_cannot_restore_or_move_backups(qtbot: QtBot, ctx: Context) -> None:
    page = BackupsPage(Context(ctx.db, Actor("v", VISITOR)))
    qtbot.addWidget(page)
    assert page.backup_button.isEnabled()
    assert not page.restore_button.isEnabled() and not page.folder_button.isEnabled()


def test_sizes_read_plainly() -> None:
    assert size_label(2048) == "2 KB"
    assert size_label(5 * 1024 * 1024) == "5.0 MB"


def test_closing_the_window_makes_the_daily_backup(qtbot: QtBot, ctx: Context) -> None:
    from ui.launch import _CloseWatch

    window = QMainWindow()
    qtbot.addWidget(window)
    _CloseWatch(window, {"ctx": ctx})
    window.show()
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10000)  # closes once it is made
    [made] = backup.list_backups(ctx)
    assert made.kind == "daily" and made.path.name.endswith("-auto.sqlite")


def test_no_backup_on_close_after_a_restore_closed_the_database(qtbot: QtBot, ctx: Context) -> None:
    from ui.launch import _CloseWatch

    saved = backup.backup_now(ctx)
    backup.restore(ctx, saved)
    window = QMainWindow()
    qtbot.addWidget(window)
    _CloseWatch(window, {"ctx": ctx})
    window.show()
    window.close()
    assert [p.name for p in saved.parent.glob("*-auto.sqlite")] == []
