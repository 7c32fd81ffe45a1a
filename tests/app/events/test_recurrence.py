"""Rules of repeating events (weekly, every other week, monthly) and the dates made from them."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import events
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.events.views import EventInput, GuestInput


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("毎週水曜 10:00", events.WeeklyRule(weekday=2, start=time(10))),
        ("every Wednesday 10:00", events.WeeklyRule(weekday=2, start=time(10))),
        ("毎週金曜日 13時半～15時", events.WeeklyRule(4, time(13, 30), time(15))),
        ("隔週土曜 14時", events.WeeklyRule(weekday=5, start=time(14), every=2)),
        ("every other Saturday 14:00", events.WeeklyRule(weekday=5, start=time(14), every=2)),
        ("Every other sat 14:00-16:00", events.WeeklyRule(5, time(14), time(16), 2)),
        ("fortnightly on Monday 9:30", events.WeeklyRule(weekday=0, start=time(9, 30), every=2)),
        ("3rd Wednesday 10:00", events.MonthlyRule(start=time(10), nth=3, weekday=2)),
        ("毎月15日 10時半", events.MonthlyRule(start=time(10, 30), day=15)),
    ],
)
def test_rules_as_people_write_them(text: str, rule: events.Rule) -> None:
    assert events.parse_rule(text) == rule


@pytest.mark.parametrize(
    "text", ["毎週 10:00", "every Wednesday", "隔週土曜 25時", "every Wednesday 12:00-11:00", ""]
)
def test_what_is_not_a_rule(text: str) -> None:
    with pytest.raises(UserError):
        events.parse_rule(text)


def test_the_monthly_parser_still_refuses_weekly_rules() -> None:
    with pytest.raises(UserError, match="monthly rule"):
        events.parse_monthly_rule("毎週水曜 10:00")


def test_every_other_week_is_anchored_on_the_first_such_day_of_the_period() -> None:
    rule = events.parse_rule("隔週土曜 14時")
    days = list(rule.dates(date(2026, 4, 1), date(2026, 5, 31)))
    assert days == [date(2026, 4, 4), date(2026, 4, 18), date(2026, 5, 2), date(2026, 5, 16),
                    date(2026, 5, 30)]  # fmt: skip
    later = list(rule.dates(date(2026, 4, 10), date(2026, 4, 30)))
    assert later == [date(2026, 4, 11), date(2026, 4, 25)]


def test_holidays_and_excluded_dates_are_left_out() -> None:
    rule = events.parse_rule("毎週水曜 10:00")
    # 2026-04-29 is 昭和の日, 2026-05-06 a substitute holiday (振替休日).
    days = list(
        events.rule_dates(
            rule, date(2026, 4, 1), date(2026, 5, 31), [date(2026, 4, 8)], skip_holidays=True
        )
    )
    assert date(2026, 4, 29) not in days and date(2026, 5, 6) not in days
    assert date(2026, 4, 8) not in days and date(2026, 4, 15) in days and len(days) == 6
    assert len(list(events.rule_dates(rule, date(2026, 4, 1), date(2026, 5, 31)))) == 9


_RULES = st.one_of(
    st.builds(
        events.WeeklyRule,
        weekday=st.integers(0, 6),
        start=st.builds(time, st.integers(6, 20)),
        every=st.sampled_from([1, 2]),
    ),
    st.builds(
        events.MonthlyRule,
        start=st.builds(time, st.integers(6, 20)),
        nth=st.sampled_from([1, 2, 3, 4, 5, -1]),
        weekday=st.integers(0, 6),
    ),
    st.builds(
        events.MonthlyRule, start=st.builds(time, st.integers(6, 20)), day=st.integers(1, 31)
    ),
)


def _satisfies(rule: events.Rule, day: date, first: date) -> bool:
    if isinstance(rule, events.WeeklyRule):
        anchor = first + timedelta(days=(rule.weekday - first.weekday()) % 7)
        return day.weekday() == rule.weekday and (day - anchor).days % (7 * rule.every) == 0
    return rule.date_in(day.year, day.month) == day


@settings(max_examples=60, deadline=None)
@given(
    rule=_RULES,
    start=st.dates(date(2019, 1, 1), date(2030, 12, 31)),
    length=st.integers(0, 400),
    exclude=st.lists(st.dates(date(2019, 1, 1), date(2032, 2, 1)), max_size=20),
    skip=st.booleans(),
)
def test_every_generated_date_keeps_the_rule_and_the_options(
    rule: events.Rule, start: date, length: int, exclude: list[date], skip: bool
) -> None:
    end = start + timedelta(days=length)
    days = list(events.rule_dates(rule, start, end, exclude, skip_holidays=skip))
    assert days == sorted(set(days))
    for day in days:
        assert start <= day <= end and day not in exclude and _satisfies(rule, day, start)
        assert not (skip and events.is_public_holiday(day))
    # Nothing the rule allows is missing.
    every = {start + timedelta(days=k) for k in range(length + 1)}
    wanted = {
        d for d in every
        if _satisfies(rule, d, start) and d not in exclude
        and not (skip and events.is_public_holiday(d))
    }  # fmt: skip
    assert set(days) == wanted


# --- the service -----------------------------------------------------------------------------


def _salon(ctx: Context) -> events.EventView:
    return events.create_event(
        ctx,
        EventInput(title="いきいきサロン", kind="community_cafe", recurrence=events.MONTHLY),
    )


def test_add_dates_never_doubles_a_date_and_labels_the_period(ctx: Context) -> None:
    salon = _salon(ctx)
    done = events.add_dates(
        ctx, salon.id, "毎週水曜 10:00～12:00", date(2026, 4, 1), date(2026, 4, 30),
        exclude=[date(2026, 4, 8)], skip_holidays=True,
    )  # fmt: skip
    assert (done.added, done.already) == (3, 0)
    assert [o.starts_at for o in done.event.occurrences] == [
        datetime(2026, 4, 1, 10), datetime(2026, 4, 15, 10), datetime(2026, 4, 22, 10)
    ]  # fmt: skip
    assert done.event.occurrences[0].ends_at == datetime(2026, 4, 1, 12)
    assert done.event.period_label == "every Wed, 10:00–12:00"
    assert done.event.starts_at == datetime(2026, 4, 1, 10)  # its first date
    again = events.add_dates(ctx, salon.id, "毎週水曜 13:00", date(2026, 4, 1), date(2026, 5, 13))
    assert (again.added, again.already) == (4, 3)  # 4/8, 4/29, 5/6 and 5/13 are new
    assert len(events.get_event(ctx, salon.id).occurrences) == 7


def test_add_dates_refuses_a_single_date_event_and_a_bad_period(ctx: Context) -> None:
    lecture = events.create_event(
        ctx, EventInput(title="講座", kind="lecture", starts_at=datetime(2026, 6, 1, 10))
    )
    with pytest.raises(UserError, match="monthly"):
        events.add_dates(ctx, lecture.id, "毎週水曜 10:00", date(2026, 4, 1), date(2026, 5, 1))
    salon = _salon(ctx)
    with pytest.raises(UserError, match="before it starts"):
        events.add_dates(ctx, salon.id, "毎週水曜 10:00", date(2026, 5, 1), date(2026, 4, 1))
    viewer = Context(ctx.db, Actor("v", "viewer"))
    with pytest.raises(PermissionDenied):
        events.add_dates(viewer, salon.id, "毎週水曜 10:00", date(2026, 4, 1), date(2026, 5, 1))
    assert events.get_event(ctx, salon.id).occurrences == ()


def test_move_one_date_and_refuse_a_collision(ctx: Context) -> None:
    salon = _salon(ctx)
    view = events.add_dates(
        ctx, salon.id, "毎週水曜 10:00-12:00", date(2026, 4, 1), date(2026, 4, 30)
    ).event
    first, second = view.occurrences[0], view.occurrences[1]
    with pytest.raises(UserError, match="already has a date on 2026-04-08"):
        events.move_occurrence(ctx, first.id, datetime(2026, 4, 8, 14), None)
    moved = events.move_occurrence(
        ctx, first.id, datetime(2026, 4, 2, 14), datetime(2026, 4, 2, 16)
    )
    starts = [o.starts_at for o in moved.occurrences]
    assert starts[0] == datetime(2026, 4, 2, 14) and starts[1] == second.starts_at
    assert moved.starts_at == datetime(2026, 4, 2, 14)
    assert len(starts) == 5


def test_change_from_leaves_earlier_dates_and_those_with_attendance(ctx: Context) -> None:
    salon = _salon(ctx)
    view = events.add_dates(
        ctx, salon.id, "毎週水曜 10:00-12:00", date(2026, 4, 1), date(2026, 5, 31)
    ).event
    occ = view.occurrences
    guest = events.register_guest(
        ctx,
        salon.id,
        GuestInput(
            family_name="山田", given_name="花子", family_kana="ヤマダ", given_kana="ハナコ"
        ),
        occ[4].id,
    )
    events.check_in(ctx, guest.id)
    events.set_occurrence_status(ctx, occ[5].id, events.CANCELLED)
    done = events.change_from(ctx, occ[0].id, time(9), None)
    assert done.event.starts_at == datetime(2026, 4, 1, 9) and done.changed == 7
    done = events.change_from(ctx, occ[2].id, time(13), time(15))
    assert (done.changed, done.left_attended) == (5, 1)
    after = {o.id: o for o in done.event.occurrences}
    assert after[occ[1].id].starts_at.time() == time(9)
    assert after[occ[2].id].starts_at == datetime.combine(occ[2].starts_at.date(), time(13))
    assert after[occ[2].id].ends_at == datetime.combine(occ[2].starts_at.date(), time(15))
    assert after[occ[4].id].starts_at.time() == time(10)  # attendance recorded
    assert after[occ[5].id].starts_at.time() == time(10)  # cancelled, not planned
    assert after[occ[-1].id].starts_at.time() == time(13)


def test_an_imported_repeating_event_may_have_a_weekly_rule(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "salon.json"
    item = {
        "kind": "community_cafe",
        "title": "いきいきサロン",
        "recurrence": "monthly",
        "rule": "隔週土曜 14時～16時",
        "fiscal_year": 2026,
    }
    path.write_text(json.dumps({"events": [item]}, ensure_ascii=False), encoding="utf-8")
    events.import_events(ctx, path)
    view = events.get_event(ctx, events.resolve_event(ctx, "いきいきサロン"))
    # Every other Saturday from 2026-04-04 to 2027-03-20: 26 dates.
    assert len(view.occurrences) == 26
    assert view.occurrences[1].starts_at == datetime(2026, 4, 18, 14)
    assert view.occurrences[-1].ends_at == datetime(2027, 3, 20, 16)


def test_a_year_of_weekly_dates_from_add_year_of_dates(ctx: Context) -> None:
    salon = _salon(ctx)
    view = events.add_year_of_dates(ctx, salon.id, "every Monday 10:00", 2026)
    assert len(view.occurrences) == 52  # 2026-04-06 to 2027-03-29
    assert view.occurrences[0].starts_at == datetime(2026, 4, 6, 10)
