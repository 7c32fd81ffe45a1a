"""The conflict dialog in plain words: labels people know, names first, no column names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from app.core import i18n
from app.core.context import Context
from app.sync import exchange
from app.sync.rows import TABLES
from db.models import Member, Visit, WatchedPerson
from tests.app.sync.conftest import World, add, edit
from ui.dialogs.conflict import ConflictDialog

RAW_COLUMNS = {c.name for table in TABLES.values() for c in table.columns}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path)
    w.add_chapter("荒川")
    yield w
    w.close()


def open_conflict(world: World) -> tuple[Context, str]:
    arakawa = world.chapters["荒川"]
    owner = arakawa if exchange.list_conflicts(arakawa) else world.hq
    [view] = exchange.list_conflicts(owner)
    return owner, view.id


def member_conflict(world: World) -> tuple[Context, str]:
    """A member edited at the chapter and at headquarters before either saw the other's edit."""
    arakawa = world.chapters["荒川"]
    m = add(
        arakawa,
        Member,
        family_name="鈴木",
        given_name="花子",
        family_kana="スズキ",
        given_kana="ハナコ",
        postal_code="1160002",
        phone="03-1111-1111",
        roles=["volunteer"],
        joined_on=date(2019, 5, 1),
        consent_contact=True,
    )
    world.sync("荒川")
    edit(arakawa, Member, m, phone="03-2222-2222", postal_code="1160003")  # earlier
    edit(world.hq, Member, m, phone="03-3333-3333", joined_on=date(2020, 4, 1))  # later: wins
    world.sync("荒川")
    return open_conflict(world)


def column(table: QTableWidget, n: int) -> list[str]:
    return [table.item(r, n).text() for r in range(table.rowCount())]


def row_of(table: QTableWidget, label: str) -> int:
    return column(table, 0).index(label)


def test_the_fields_have_plain_english_names_and_names_come_first(
    qtbot: QtBot, world: World
) -> None:
    owner, conflict = member_conflict(world)
    dialog = ConflictDialog(owner, conflict)
    qtbot.addWidget(dialog)
    labels = column(dialog.table, 0)
    assert labels[:4] == ["Family name", "Given name", "Family name in kana", "Given name in kana"]
    for expected in ("Postal code", "Phone", "Roles", "Joined", "Agrees to be contacted"):
        assert expected in labels
    assert not set(labels) & RAW_COLUMNS
    assert not any("_" in text for text in labels)
    assert not {"Record id", "Deleted", "Version"} & set(labels)

    phone = row_of(dialog.table, "Phone")
    assert dialog.table.item(phone, 1).text() == "03-3333-3333"
    assert dialog.table.item(phone, 2).text() == "03-2222-2222"
    assert all(dialog.table.item(phone, n).font().bold() for n in range(3))
    family = row_of(dialog.table, "Family name")
    assert dialog.table.item(family, 1).text() == "鈴木"
    assert not dialog.table.item(family, 1).font().bold()

    joined = row_of(dialog.table, "Joined")
    assert dialog.table.item(joined, 1).text() == "Wed 1 Apr 2020"
    assert dialog.table.item(joined, 2).text() == "Wed 1 May 2019"
    assert dialog.table.item(row_of(dialog.table, "Roles"), 1).text() == "Volunteer"
    assert dialog.table.item(row_of(dialog.table, "Agrees to be contacted"), 1).text() == "yes"
    assert dialog.table.item(row_of(dialog.table, "E-mail"), 1).text() == "—"


def test_the_fields_have_japanese_names(qtbot: QtBot, world: World) -> None:
    owner, conflict = member_conflict(world)
    i18n.set_language("ja")
    dialog = ConflictDialog(owner, conflict)
    qtbot.addWidget(dialog)
    labels = column(dialog.table, 0)
    assert labels[:4] == ["姓", "名", "フリガナ（姓）", "フリガナ（名）"]
    for expected in ("郵便番号", "電話番号", "組合員番号", "入会日", "役割"):
        assert expected in labels
    assert not set(labels) & RAW_COLUMNS
    joined = row_of(dialog.table, "入会日")
    assert dialog.table.item(joined, 1).text() == "令和2年4月1日(水)"
    assert dialog.table.item(joined, 2).text() == "令和元年5月1日(水)"
    assert dialog.table.item(row_of(dialog.table, "役割"), 1).text() == "ボランティア"


def test_keeping_the_other_version_still_works(qtbot: QtBot, world: World) -> None:
    owner, conflict = member_conflict(world)
    dialog = ConflictDialog(owner, conflict)
    qtbot.addWidget(dialog)
    dialog.keep_other.click()
    assert dialog.decided == "other"
    assert exchange.list_conflicts(owner) == []


def test_a_visit_names_the_person_and_the_visitors_not_their_ids(
    qtbot: QtBot, world: World
) -> None:
    arakawa = world.chapters["荒川"]
    person = add(arakawa, WatchedPerson, family_name="大川", given_name="トメ")
    yamada = add(arakawa, Member, family_name="山田", given_name="花子")
    sato = add(arakawa, Member, family_name="佐藤", given_name="一郎")
    visit = add(
        arakawa, Visit, person_id=person, visitor_member_id=yamada,
        visited_at=datetime(2024, 6, 10, 10, 30), outcome="no_change",
    )  # fmt: skip
    world.sync("荒川")
    edit(arakawa, Visit, visit, visitor_member_id=sato, outcome="watch")  # earlier
    edit(world.hq, Visit, visit, notes="変わりなし")  # later: wins
    world.sync("荒川")
    owner, conflict = open_conflict(world)
    i18n.set_language("ja")
    dialog = ConflictDialog(owner, conflict)
    qtbot.addWidget(dialog)
    intro = dialog.intro.text()
    assert "大川\u3000トメ" in intro and visit not in intro
    labels = column(dialog.table, 0)
    assert labels[:3] == ["見守り対象者", "日時", "訪問者"]
    cells = column(dialog.table, 1) + column(dialog.table, 2)
    assert not {person, yamada, sato, visit} & set(cells)
    visitor = row_of(dialog.table, "訪問者")
    assert (dialog.table.item(visitor, 1).text(), dialog.table.item(visitor, 2).text()) == (
        "山田\u3000花子",
        "佐藤\u3000一郎",
    )
    outcome = row_of(dialog.table, "判定")
    assert dialog.table.item(outcome, 2).text() == "気になることあり"
    assert dialog.table.item(outcome, 2).font().bold()
    assert dialog.table.item(row_of(dialog.table, "日時"), 1).text() == "令和6年6月10日(月) 10:30"
