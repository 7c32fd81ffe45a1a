"""The event form's dates of a repeating event: weekly rules, holidays left out, one date moved,
a new time for the rest (issue 16.5, in the window)."""

from __future__ import annotations

from datetime import date, datetime, time

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app import events
from app.core.context import Context
from app.events.views import EventInput, GuestInput, OccurrenceInput
from tests.gui.ime import answer_next_message_box, type_text
from ui.dialogs.event import EventDialog, MomentDialog

CAFE = "ふれあいカフェ"


def _cafe(ctx: Context) -> events.EventView:
    return events.get_event(ctx, events.resolve_event(ctx, CAFE))


def test_a_weekly_rule_makes_a_year_of_mondays_without_the_holidays(
    qtbot: QtBot, ctx: Context
) -> None:
    dialog = EventDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.recurrence.setCurrentIndex(dialog.recurrence.findData(events.MONTHLY))
    type_text(dialog.rule, "毎週月曜 10:00～12:00")
    dialog.rule_year.setValue(2026)
    dialog.skip_holidays.setChecked(True)
    assert dialog.make_year_of_dates()
    made = [o.starts_at.date() for o in dialog.occurrence_inputs()]
    mondays = [
        d
        for d in events.rule_dates(
            events.parse_rule("毎週月曜 10:00"), date(2026, 4, 1), date(2027, 3, 31)
        )
    ]
    assert date(2026, 5, 4) not in made  # みどりの日
    assert date(2026, 9, 21) not in made  # 敬老の日
    assert len(made) == len(mondays) - sum(events.is_public_holiday(d) for d in mondays)
    assert all(o.starts_at.time() == time(10, 0) for o in dialog.occurrence_inputs())


def test_every_other_saturday_is_understood(qtbot: QtBot, ctx: Context) -> None:
    dialog = EventDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.recurrence.setCurrentIndex(dialog.recurrence.findData(events.MONTHLY))
    type_text(dialog.rule, "隔週土曜 14:00")
    dialog.rule_year.setValue(2026)
    assert dialog.make_year_of_dates()
    made = [o.starts_at for o in dialog.occurrence_inputs()]
    assert len(made) == 26 and all(d.weekday() == 5 for d in made)
    assert all((b - a).days == 14 for a, b in zip(made, made[1:], strict=False))


def test_moving_one_date_keeps_its_registrations(qtbot: QtBot, demo_ctx: Context) -> None:
    cafe = _cafe(demo_ctx)
    first = cafe.occurrences[0]
    before = [r.id for r in events.list_registrations(demo_ctx, cafe.id, first.id)]
    dialog = EventDialog(demo_ctx, cafe.id)
    qtbot.addWidget(dialog)
    dialog.occurrences.setCurrentRow(0)
    new = datetime.combine(first.starts_at.date().replace(day=16), time(13, 30))
    assert dialog.move_current_date(new)
    dialog.save()
    assert dialog.saved is not None
    after = _cafe(demo_ctx)
    moved = next(o for o in after.occurrences if o.id == first.id)
    assert moved.starts_at == new
    assert moved.ends_at == new + (first.ends_at - first.starts_at)  # type: ignore[operator]
    assert [r.id for r in events.list_registrations(demo_ctx, cafe.id, first.id)] == before


def test_moving_onto_a_day_the_event_has_is_refused(qtbot: QtBot, demo_ctx: Context) -> None:
    cafe = _cafe(demo_ctx)
    dialog = EventDialog(demo_ctx, cafe.id)
    qtbot.addWidget(dialog)
    dialog.occurrences.setCurrentRow(0)
    shown: list[str] = []

    def read(box: QMessageBox) -> object:
        shown.append(box.text())
        return box.button(QMessageBox.StandardButton.Ok)

    answer_next_message_box(read)  # type: ignore[arg-type]
    assert not dialog.move_current_date(cafe.occurrences[1].starts_at)
    assert shown == ["The event already has a date on that day."]
    assert dialog.occurrence_inputs() == list(cafe.to_input().occurrences)


def test_a_new_time_from_one_date_on_leaves_earlier_and_attended_dates(
    qtbot: QtBot, ctx: Context
) -> None:
    cafe = events.create_event(
        ctx,
        EventInput(
            title="朝カフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(
                OccurrenceInput(datetime(2026, m, 15, 10), datetime(2026, m, 15, 12))
                for m in (4, 5, 6, 7)
            ),
        ),
    )
    # June's café has someone checked in already: its record keeps the time it was held.
    june = cafe.occurrences[2]
    came = events.register_guest(
        ctx, cafe.id, GuestInput(family_name="上野", given_name="和子"), occurrence_id=june.id
    )
    events.check_in(ctx, came.id)
    dialog = EventDialog(ctx, cafe.id)
    qtbot.addWidget(dialog)
    dialog.occurrences.setCurrentRow(1)
    assert dialog.change_time_from_current(time(13, 30), time(15, 0)) == 2
    assert "1 dates with attendance" in dialog.dates_note.text()
    dialog.save()
    times = [(o.starts_at.month, o.starts_at.time()) for o in _by_id(ctx, cafe.id)]
    assert times == [(4, time(10)), (5, time(13, 30)), (6, time(10)), (7, time(13, 30))]


def _by_id(ctx: Context, event_id: str) -> list[events.OccurrenceView]:
    return list(events.get_event(ctx, event_id).occurrences)


def test_the_moment_dialog_refuses_an_end_before_the_start(qtbot: QtBot) -> None:
    dialog = MomentDialog("x", datetime(2026, 5, 15, 10), datetime(2026, 5, 15, 12), day=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.has_end.isChecked()
    dialog.ends.set_value(time(9, 0))
    shown: list[str] = []

    def read(box: QMessageBox) -> object:
        shown.append(box.text())
        return box.button(QMessageBox.StandardButton.Ok)

    answer_next_message_box(read)  # type: ignore[arg-type]
    dialog._accept()
    assert shown == ["The event ends before it starts."] and dialog.result() == 0
    dialog.ends.set_value(time(12, 30))
    dialog._accept()
    assert dialog.result() == 1
    assert (dialog.start(), dialog.end()) == (datetime(2026, 5, 15, 10), time(12, 30))
