"""The Sync page at a chapter and at headquarters: export, import, refusal, conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.core.context import Context
from app.sync import exchange
from db.models import Member
from tests.app.sync.conftest import World
from tests.gui.ime import answer_next_message_box
from tests.gui.waiting import settle
from ui.dialogs.conflict import ConflictDialog
from ui.models.sync_tables import ChapterStatusModel, ConflictListModel
from ui.pages.sync import SyncPage


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path)
    w.add_chapter("荒川")
    yield w
    w.close()


def add_member(ctx: Context, **values: Any) -> str:
    with ctx.db.transaction() as s:
        row = Member(**values)
        s.add(row)
        s.flush()
        return str(row.id)


def test_chapter_exports_and_headquarters_imports_through_the_window(
    qtbot: QtBot, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arakawa = world.chapters["荒川"]
    add_member(arakawa, family_name="山田")
    page = SyncPage(arakawa)
    qtbot.addWidget(page)
    page.show()
    assert "Waiting to go: 2 changes" in page.summary.text()  # the member and the chapter row
    assert "not confirmed" in page.summary.text()
    stick = tmp_path / "usb" / "to-hq.tsync"
    stick.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(stick), ""))
    page.export_button.click()
    settle(qtbot)
    assert stick.exists()
    assert "entered in the take-out log" in page.message.text()

    hq_page = SyncPage(world.hq)
    qtbot.addWidget(hq_page)
    hq_page.show()
    assert hq_page.chapter_box.isVisibleTo(hq_page) and hq_page.chapters.rowCount() == 1
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(stick)], ""))
    hq_page.import_button.click()
    settle(qtbot)
    assert "1 rows applied" in hq_page.message.text() or "rows applied" in hq_page.message.text()
    assert hq_page.chapters.data(hq_page.chapters.index(0, 3)) != "0"

    back = tmp_path / "usb" / "to-arakawa.tsync"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(back), ""))
    hq_page.export_button.click()  # the only chapter is chosen
    settle(qtbot)
    assert back.exists()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(back), ""))
    page.import_button.click()
    settle(qtbot)
    assert "Last receipt from headquarters" in page.summary.text()


def test_a_refused_package_is_one_plain_message(
    qtbot: QtBot, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = SyncPage(world.chapters["荒川"])
    qtbot.addWidget(page)
    bad = tmp_path / "altered.tsync"
    bad.write_bytes(b"TSUNAGU-PKG\x01garbage")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    seen: list[str] = []

    def read(box: QMessageBox) -> Any:
        seen.append(box.text())
        return box.button(QMessageBox.StandardButton.Ok) or box.buttons()[0]

    answer_next_message_box(read)
    page.import_button.click()
    settle(qtbot)
    assert len(seen) == 1 and "\n" not in seen[0]
    assert "damaged" in seen[0] or "incomplete" in seen[0]


def test_a_conflict_side_by_side_and_one_click_keeps_the_other(
    qtbot: QtBot, world: World, qtmodeltester: Any
) -> None:
    arakawa = world.chapters["荒川"]
    m = add_member(arakawa, family_name="鈴木", phone="1")
    world.sync("荒川")
    with arakawa.db.transaction() as s:
        row = s.get(Member, m)
        assert row is not None
        row.phone = "chapter"
    with world.hq.db.transaction() as s:
        row = s.get(Member, m)
        assert row is not None
        row.phone = "headquarters"
    world.sync("荒川")
    owner = arakawa if exchange.list_conflicts(arakawa) else world.hq
    page = SyncPage(owner)
    qtbot.addWidget(page)
    assert page.conflicts.rowCount() == 1 and page.decide_button.isEnabled()
    qtmodeltester.check(page.conflicts)
    [view] = exchange.list_conflicts(owner)
    dialog = ConflictDialog(owner, view.id, page)
    qtbot.addWidget(dialog)
    phone_row = next(
        r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "Phone"
    )
    assert dialog.table.item(phone_row, 1).text() == "headquarters"
    assert dialog.table.item(phone_row, 2).text() == "chapter"
    assert dialog.table.item(phone_row, 1).font().bold()
    dialog.keep_other.click()
    assert dialog.decided == "other"
    page.refresh()
    assert page.conflicts.rowCount() == 0
    with owner.db.transaction() as s:
        row = s.get(Member, m)
        assert row is not None and row.phone == "chapter"


def test_headquarters_adds_a_chapter_and_shows_the_code_once(
    qtbot: QtBot, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtmodeltester: Any
) -> None:
    page = SyncPage(world.hq)
    qtbot.addWidget(page)
    assert page.add_chapter_button.isVisibleTo(page)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("墨田", True))
    setup = tmp_path / "sumida.tsunagu-setup"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(setup), ""))
    shown: list[str] = []

    def read(box: QMessageBox) -> Any:
        shown.append(box.informativeText())
        return box.buttons()[0]

    answer_next_message_box(read)
    page.add_chapter_button.click()
    assert setup.exists() and len(shown) == 1 and len(shown[0]) == 19
    assert page.chapters.rowCount() == 2
    qtmodeltester.check(page.chapters)


def test_models_are_sound_when_empty(qtmodeltester: Any) -> None:
    qtmodeltester.check(ConflictListModel())
    qtmodeltester.check(ChapterStatusModel())
