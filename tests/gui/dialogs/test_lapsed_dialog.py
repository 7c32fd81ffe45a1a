"""The lapsed list in the window: the regular who stopped is listed; a call is noted."""

from __future__ import annotations

from datetime import date, datetime, time

from pytestqt.qtbot import QtBot

from app import events
from app.core.context import Context
from app.events import attendance
from app.events.views import EventInput, OccurrenceInput
from app.roster import members
from app.roster.members import MemberInput
from ui.dialogs.lapsed import LapsedDialog


def test_regular_listed_and_call_noted(qtbot: QtBot, ctx: Context) -> None:
    today = date.today()
    dates = [
        datetime.combine(attendance.months_before(today, back), time(10, 0))
        for back in range(9, 3, -1)
    ]
    cafe = events.create_event(
        ctx,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(OccurrenceInput(d) for d in dates),
        ),
    )
    person = members.add_member(
        ctx,
        MemberInput(
            family_name="佐藤", given_name="花子", family_kana="サトウ", given_kana="ハナコ"
        ),
    ).id
    for occ in cafe.occurrences:
        events.check_in(ctx, events.register_member(ctx, cafe.id, person, occurrence_id=occ.id).id)
    dialog = LapsedDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert dialog.selected() is not None and dialog.selected().id == person  # type: ignore[union-attr]
    line = dialog.note_call("来月また来るそうです")
    assert line is not None and "来月また来るそうです" in members.get_member(ctx, person).note
    dialog.min_visits.setValue(50)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    assert not dialog.call_button.isEnabled()
