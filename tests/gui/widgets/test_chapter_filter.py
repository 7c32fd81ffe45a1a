"""The chapter filter: hidden at a chapter, shown at headquarters, narrowing every list there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.core.context import Actor, Context
from app.core.i18n import current_language, set_language
from tests.app.storage.test_chapter_filter import CHAPTERS, Fed, feed_headquarters
from tests.gui.ime import type_text
from ui.pages.events import EventsPage
from ui.pages.members import MembersPage
from ui.pages.watch import WatchPage
from ui.widgets.chapter_filter import ChapterFilter


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fed]:
    previous = current_language()
    set_language("en")
    built = feed_headquarters(tmp_path_factory.mktemp("hq"))
    yield built
    built.world.close()
    set_language(previous)


def shown_filter(qtbot: QtBot, ctx: Context) -> tuple[QWidget, ChapterFilter]:
    holder = QWidget()
    qtbot.addWidget(holder)
    chooser = ChapterFilter(ctx, holder)
    holder.show()
    return holder, chooser


def choose(chooser: ChapterFilter, name: str) -> str:
    """Pick a chapter by its name, as a person does in the combo; returns its id."""
    at = chooser.combo.findText(name)
    assert at > 0, name
    chooser.combo.setCurrentIndex(at)
    return str(chooser.combo.itemData(at))


def test_hidden_in_a_chapter_database(qtbot: QtBot, ctx: Context) -> None:
    holder, chooser = shown_filter(qtbot, ctx)
    assert not chooser.isVisibleTo(holder)
    assert chooser.chapter_count() == 1 and chooser.chapter_id() is None


def test_shown_at_headquarters_all_chapters_first_then_by_name(qtbot: QtBot, fed: Fed) -> None:
    holder, chooser = shown_filter(qtbot, fed.hq)
    assert chooser.isVisibleTo(holder)
    texts = [chooser.combo.itemText(i) for i in range(chooser.combo.count())]
    assert texts == ["All chapters", *sorted(CHAPTERS)]
    assert chooser.label.buddy() is chooser.combo and "&" in chooser.label.text()
    assert chooser.chapter_id() is None


def test_changed_carries_the_id_and_reload_keeps_the_choice(qtbot: QtBot, fed: Fed) -> None:
    _holder, chooser = shown_filter(qtbot, fed.hq)
    seen: list[Any] = []
    chooser.changed.connect(seen.append)
    arakawa = choose(chooser, "荒川")
    assert arakawa == fed.chapter_id("荒川") and seen == [arakawa]
    chooser.reload()
    assert chooser.chapter_id() == arakawa and seen == [arakawa]  # unchanged: no signal
    chooser.set_chapter_id(None)
    assert chooser.chapter_id() is None and seen == [arakawa, None]
    chooser.set_chapter_id("no-such-chapter")
    assert chooser.chapter_id() is None


def test_members_page_narrows_to_one_chapter_and_keeps_it(qtbot: QtBot, fed: Fed) -> None:
    page = MembersPage(fed.hq)
    qtbot.addWidget(page)
    page.show()
    assert page.chapter_filter.isVisibleTo(page)
    assert page.model.rowCount() == 4
    choose(page.chapter_filter, "足立")
    ids = {page.model.member_id(r) for r in range(page.model.rowCount())}
    assert ids == {fed.member["足立"], fed.other_member["足立"]}
    assert "2 members" in page.count_label.text()
    # A search within the chapter, then a refresh: the chapter stays chosen.
    type_text(page.search, "たろう")
    page.refresh()
    assert [page.model.member_id(0)] == [fed.other_member["足立"]] and page.model.rowCount() == 1
    page.hide()
    page.show()  # shown again: the chapters are read again, the choice survives
    page.refresh()
    assert page.chapter_filter.chapter_id() == fed.chapter_id("足立")
    assert page.model.rowCount() == 1


def test_members_page_filter_by_keyboard(qtbot: QtBot, fed: Fed) -> None:
    page = MembersPage(fed.hq)
    qtbot.addWidget(page)
    page.show()
    page.search.setFocus()
    QTest.keyClick(page.search, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.chapter_filter.combo
    QTest.keyClick(page.chapter_filter.combo, Qt.Key.Key_Down)  # All chapters -> the first
    first = sorted(CHAPTERS)[0]
    assert page.chapter_filter.chapter_id() == fed.chapter_id(first)
    assert page.model.rowCount() == 2


def test_pages_hide_the_filter_at_a_chapter(qtbot: QtBot, ctx: Context) -> None:
    for page in (MembersPage(ctx), EventsPage(ctx), WatchPage(ctx)):
        qtbot.addWidget(page)
        page.show()
        assert not page.chapter_filter.isVisibleTo(page)
        assert page.chapter_filter.chapter_id() is None


def test_events_page_narrows_to_one_chapter(qtbot: QtBot, fed: Fed) -> None:
    page = EventsPage(fed.hq)
    qtbot.addWidget(page)
    page.show()
    page.year.setCurrentIndex(page.year.findData(2024))
    assert page.chapter_filter.isVisibleTo(page)
    assert {page.model.id_at(r) for r in range(page.model.rowCount())} == set(fed.event.values())
    for name in CHAPTERS:
        choose(page.chapter_filter, name)
        assert [page.model.id_at(r) for r in range(page.model.rowCount())] == [fed.event[name]]
    page.search.setText("食育")
    page.refresh()
    assert page.model.rowCount() == 1  # the last chapter chosen is still chosen


def test_watch_page_narrows_both_lists(qtbot: QtBot, fed: Fed) -> None:
    page = WatchPage(fed.hq)
    qtbot.addWidget(page)
    page.show()
    assert page.chapter_filter.isVisibleTo(page)
    assert page.people_model.rowCount() == 2
    assert page.due_model.rowCount() == 4  # two overdue people, two follow-ups
    choose(page.chapter_filter, "荒川")
    people = [page.people_model.id_at(r) for r in range(page.people_model.rowCount())]
    assert people == [fed.person["荒川"]]
    due = {page.due_model.row_at(r) for r in range(page.due_model.rowCount())}
    assert {d.person_id for d in due if d is not None} == {fed.person["荒川"]}
    assert page.due_model.rowCount() == 2
    page.refresh()  # F5
    assert page.chapter_filter.chapter_id() == fed.chapter_id("荒川")
    assert page.people_model.rowCount() == 1


def test_a_visitor_at_headquarters_sees_only_their_own_people(qtbot: QtBot, fed: Fed) -> None:
    visitor = Context(fed.hq.db, Actor("aya", "visitor", fed.member["荒川"]))
    page = WatchPage(visitor)
    qtbot.addWidget(page)
    page.show()
    assert [page.people_model.id_at(0)] == [fed.person["荒川"]]
    assert page.people_model.rowCount() == 1
    choose(page.chapter_filter, "足立")
    assert page.people_model.rowCount() == 0 and page.due_model.rowCount() == 0


def test_models_stay_sound_after_filtering(qtbot: QtBot, fed: Fed, qtmodeltester: Any) -> None:
    page = MembersPage(fed.hq)
    qtbot.addWidget(page)
    choose(page.chapter_filter, "荒川")
    qtmodeltester.check(page.model)
    watch_page = WatchPage(fed.hq)
    qtbot.addWidget(watch_page)
    choose(watch_page.chapter_filter, "荒川")
    qtmodeltester.check(watch_page.people_model)
    qtmodeltester.check(watch_page.due_model)


def test_a_list_offers_only_chapters_it_holds_rows_of(qtbot: QtBot, demo_ctx: Context) -> None:
    """The demo knows the seed's chapter names, but its roster is one chapter's: the
    members page offers no choice, while headquarters' pages offer both chapters."""
    from app.storage import chapter

    assert len(chapter.known_chapters(demo_ctx)) > 1
    assert len(chapter.known_chapters(demo_ctx, "members")) == 1
    page = MembersPage(demo_ctx)
    qtbot.addWidget(page)
    page.show()
    assert not page.chapter_filter.isVisible()


def test_headquarters_lists_offer_the_chapters_with_rows(fed: Fed) -> None:
    from app.storage import chapter

    for area in ("members", "events", "watch"):
        assert {c.name for c in chapter.known_chapters(fed.world.hq, area)} == set(CHAPTERS)
