"""The home page: today's work first, each line opens its page with Enter."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.context import Context
from db.models import Event, EventOccurrence, FollowUp, Visit, WatchedPerson
from ui.main_view import MainView
from ui.pages.home import HomePage

TODAY = date(2026, 11, 29)


def _add_work(ctx: Context) -> None:
    with ctx.db.transaction() as s:
        late = WatchedPerson(
            family_name="遅延", given_name="ハル", started_on=TODAY - timedelta(days=60)
        )
        seen = WatchedPerson(
            family_name="連絡", given_name="キヨ", started_on=TODAY - timedelta(days=20)
        )
        s.add_all([late, seen])
        s.flush()
        visit = Visit(
            person_id=seen.id,
            visited_at=datetime(2026, 11, 25, 10),
            outcome="contact",
        )
        s.add(visit)
        s.flush()
        s.add(FollowUp(visit_id=visit.id, person_id=seen.id, opened_at=visit.visited_at))
        event = Event(
            title="冬の防災講座",
            kind="lecture",
            starts_at=datetime(2026, 12, 5, 13, 30),
            status="planned",
            capacity=20,
        )
        s.add(event)
        s.flush()
        s.add(EventOccurrence(event_id=event.id, starts_at=event.starts_at))


def test_demo_home_shows_work_and_enter_opens_the_page(qtbot: QtBot, demo_ctx: Context) -> None:
    page = HomePage(demo_ctx, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.show()
    lines = page.lines()
    headings = [text for text, key in lines if key is None]
    assert headings[0].startswith("Watch-over")
    assert "Backups" in headings and "Coming events" in headings
    assert any("No backup yet" in text for text, key in lines if key == "backups")
    assert page.current_page() == "watch"
    # Down arrow skips the headings; the last line is the backup.
    for _n in range(len(lines)):
        QTest.keyClick(page.list, Qt.Key.Key_Down)
    assert page.current_page() == "backups"
    with qtbot.waitSignal(page.open_page, timeout=1000) as blocker:
        QTest.keyClick(page.list, Qt.Key.Key_Return)
    assert blocker.args == ["backups"]


def test_overdue_visits_and_follow_ups_come_first(qtbot: QtBot, ctx: Context) -> None:
    pytest.importorskip("app.watch.visits")
    _add_work(ctx)
    page = HomePage(ctx, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.show()
    actionable = [(text, key) for text, key in page.lines() if key]
    assert actionable[0][1] == "watch" and "遅延" in actionable[0][0]
    assert "overdue" in actionable[0][0] or "not visited yet" in actionable[0][0]
    assert any("連絡" in t and "follow-up" in t for t, k in actionable if k == "watch")
    event_line = next(t for t, k in actionable if k == "events")
    assert "冬の防災講座" in event_line and "0 of 20 places taken" in event_line
    visited = [page.current_page()]
    while page.current_page() != "events" and len(visited) < 20:
        QTest.keyClick(page.list, Qt.Key.Key_Down)
        visited.append(page.current_page())
    # Overdue work first; the empty roster of a new database is the next thing to do.
    assert visited[0] == "watch" and visited[-1] == "events" and None not in visited
    assert set(visited) == {"watch", "members", "events"}
    with qtbot.waitSignal(page.open_page, timeout=1000) as blocker:
        QTest.keyClick(page.list, Qt.Key.Key_Enter)
    assert blocker.args == ["events"]
    page.list.setCurrentRow(1)
    with qtbot.waitSignal(page.open_page, timeout=1000) as blocker:
        page.open_button.click()
    assert blocker.args == ["watch"]


def test_double_click_and_main_view_go_to_the_page(qtbot: QtBot, demo_ctx: Context) -> None:
    view = MainView(demo_ctx)
    qtbot.addWidget(view)
    view.show()
    home = view.pages["home"]
    assert isinstance(home, HomePage)
    assert view.stack.currentWidget() is home
    row = next(i for i, (_t, key) in enumerate(home.lines()) if key == "backups")
    item = home.list.item(row)
    rect = home.list.visualItemRect(item)
    # A real double click: press and release, then the second press as a double click.
    mods = Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(home.list.viewport(), Qt.MouseButton.LeftButton, mods, rect.center())
    QTest.mouseDClick(home.list.viewport(), Qt.MouseButton.LeftButton, mods, rect.center())
    assert view.stack.currentWidget() is view.pages["backups"]
    view.show_page("home")
    home.list.setCurrentRow(next(i for i, (_t, k) in enumerate(home.lines()) if k == "sync"))
    QTest.keyClick(home.list, Qt.Key.Key_Return)
    assert view.stack.currentWidget() is view.pages["sync"]


def test_screenshot(qtbot: QtBot, ctx: Context, tmp_path: Path) -> None:
    _add_work(ctx)
    page = HomePage(ctx, today=lambda: TODAY)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    assert page.grab().save(str(tmp_path / "home.png"))
    assert page.heading.text() == "Today, Sun 29 Nov 2026"
