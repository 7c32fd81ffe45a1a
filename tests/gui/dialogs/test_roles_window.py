"""The window as a visitor and as a viewer (the demo's accounts): no button for a refused
action, phones only where the role allows them, and nothing refused (so nothing audited as
denied) by merely opening every page."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import accounts, events
from app.core.context import VIEWER, VISITOR, Actor, Context
from app.printing import events as event_print
from app.roster import members
from db.models import AuditEntry, Member
from ui.main_view import MainView, PlaceholderPage
from ui.pages.events import EventsPage
from ui.pages.members import MembersPage
from ui.pages.watch import WatchPage

EIGHTEEN = "まちづくり講座 第18講"


def _denials(ctx: Context) -> list[str]:
    with ctx.db.transaction() as s:
        return [
            e.detail for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "denied"))
        ]


def _window(qtbot: QtBot, ctx: Context) -> MainView:
    view = MainView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    for key in list(view.pages):
        view.show_page(key)
    return view


def test_a_visitor_sees_the_flyer_but_no_list_of_people_to_print(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    member = accounts.demo_visitor_member(demo_ctx)
    visitor = demo_ctx.with_actor(Actor(accounts.DEMO_VISITOR[0], VISITOR, member))
    view = _window(qtbot, visitor)
    page = view.pages["events"]
    assert isinstance(page, EventsPage)
    page.select_event(events.resolve_event(visitor, EIGHTEEN))
    shown = {k for k, b in page.print_buttons.items() if not b.isHidden()}
    assert shown == {event_print.FLYER}
    assert page.reception_button.isHidden()
    for row in page.reg_model.rows():
        assert row.contact == ""
    roster = view.pages["members"]
    assert isinstance(roster, MembersPage)
    assert roster.export_button.isHidden() and roster.edit_button.isHidden()
    phone = roster.model.COLUMNS.index("phone")
    with demo_ctx.db.transaction() as s:
        volunteers = {
            m.id for m in s.scalars(select(Member)) if set(m.roles or ()) & members.VOLUNTEER_ROLES
        }
    shown_phones = 0
    for row in range(roster.model.rowCount()):
        text = roster.model.index(row, phone).data()
        member_id = roster.model.member_id(row)
        if member_id not in volunteers and member_id != member:
            assert not text, member_id
        shown_phones += bool(text)
    assert shown_phones > 0  # fellow volunteers' phones are there
    # Only the pages a visitor can use are in the menu (no dead ends), and Home says the job.
    assert list(view.pages) == ["home", "members", "events", "watch", "partners", "reports"]
    assert view.nav.count() == len(view.pages)
    assert "You visit people" in view.pages["home"].role_note.text()  # type: ignore[attr-defined]
    assert _denials(demo_ctx) == []


def test_a_viewer_gets_counts_and_no_page_that_would_be_refused(
    qtbot: QtBot, demo_ctx: Context
) -> None:
    viewer = demo_ctx.with_actor(Actor(accounts.DEMO_VIEWER[0], VIEWER))
    view = _window(qtbot, viewer)
    assert list(view.pages) == ["home", "watch", "reports"]
    assert [view.nav.item(i).text() for i in range(view.nav.count())] == [
        "Home",
        "Watch-over",
        "Reports",
    ]
    assert "read the chapter's figures" in view.pages["home"].role_note.text()  # type: ignore[attr-defined]
    assert not any(isinstance(p, PlaceholderPage) for p in view.pages.values())
    watch = view.pages["watch"]
    assert isinstance(watch, WatchPage) and not hasattr(watch, "people_model")
    assert "People under watch:" in watch.counts.text()
    assert not isinstance(view.pages["reports"], PlaceholderPage)
    assert _denials(demo_ctx) == []
