"""Visits, signs, follow-ups and the due list (month ends, 29 February, the fiscal-year turn)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import watch
from app.core.context import Context
from app.core.errors import UserError
from app.storage.audit import read_audit
from app.watch import visits
from tests.app.watch.test_watch import World, make_world, person


@pytest.fixture
def world(ctx: Context) -> World:
    return make_world(ctx)


def _enrol(ctx: Context, interval: int, started: date, **changes: object) -> str:
    return watch.add_person(
        ctx, person(visit_interval_days=interval, started_on=started, **changes)
    ).id


def _visit(ctx: Context, pid: str, day: date, **changes: object) -> visits.VisitView:
    return visits.log_visit(
        ctx,
        visits.VisitInput(pid, datetime.combine(day, time(10, 0)), **changes),
    )


def _entry(ctx: Context, pid: str, today: date) -> visits.DueItem | None:
    found = [i for i in visits.due_list(ctx, today) if i.id == pid]
    return found[0] if found else None


# --- logging --------------------------------------------------------------------------------


def test_contact_and_emergency_open_a_follow_up(world: World) -> None:
    ctx, pid = world.ctx, world.person_a
    quiet = _visit(ctx, pid, date(2024, 6, 10), outcome="watch", signs=("mail_piling",))
    assert quiet.follow_up_id is None
    urgent = _visit(ctx, pid, date(2024, 6, 11), outcome="emergency", notes="倒れていた")
    assert urgent.follow_up_id is not None
    opened = visits.get_follow_up(ctx, urgent.follow_up_id)
    assert (opened.urgency, opened.opened_at, opened.is_open) == (
        "emergency",
        datetime(2024, 6, 11, 10, 0),
        True,
    )
    # Correcting a quiet visit to "contact needed" opens one too.
    corrected = visits.update_visit(
        ctx, quiet.id, visits.VisitInput(pid, quiet.visited_at, outcome="contact")
    )
    assert corrected.follow_up_id is not None
    open_ids = [f.id for f in visits.list_follow_ups(ctx, person_id=pid)]
    assert open_ids[0] == urgent.follow_up_id  # emergencies first


def test_refer_to_a_target_or_by_kind_then_close(world: World) -> None:
    ctx = world.ctx
    referred = visits.refer_follow_up(
        ctx,
        world.follow_a,
        visits.Referral(target_id=world.target, at=datetime(2024, 6, 3, 12, 0), by="佐藤"),
    )
    assert (referred.referred_to_kind, referred.referred_to_name, referred.referred_by) == (
        "support_centre",
        "町屋地域包括支援センター",
        "佐藤",
    )
    by_kind = visits.refer_follow_up(
        ctx, world.follow_b, visits.Referral(kind="police_fire", at=datetime(2024, 6, 3, 10, 35))
    )
    assert by_kind.referred_to_name == "Police / fire brigade (110/119)"
    assert by_kind.referred_by == ctx.actor.name
    with pytest.raises(UserError, match="Choose whom"):
        visits.refer_follow_up(ctx, world.follow_a, visits.Referral(kind="oracle"))
    with pytest.raises(UserError, match="before the follow-up"):
        visits.refer_follow_up(
            ctx, world.follow_a, visits.Referral(world.target, at=datetime(2024, 6, 1))
        )
    visits.record_follow_up_result(ctx, world.follow_a, "センターが訪問、無事")
    closed = visits.close_follow_up(ctx, world.follow_a, at=datetime(2024, 6, 4, 9, 0))
    assert (closed.result, closed.closed_at) == ("センターが訪問、無事", datetime(2024, 6, 4, 9, 0))
    assert world.follow_a not in {i.id for i in visits.due_list(ctx, date(2024, 6, 5))}
    with pytest.raises(UserError, match="already closed"):
        visits.close_follow_up(ctx, world.follow_a)
    assert visits.reopen_follow_up(ctx, world.follow_a).is_open


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"method": "telepathy"}, "way of contact"),
        ({"contact_result": "maybe"}, "visit result"),
        ({"outcome": "meh"}, "outcome"),
        ({"signs": ("ufo",)}, "Unknown sign"),
        ({"next_visit_on": date(2024, 6, 1)}, "before this one"),
    ],
)
def test_bad_visits_are_refused(world: World, changes: dict[str, object], message: str) -> None:
    with pytest.raises(UserError, match=message):
        _visit(world.ctx, world.person_a, date(2024, 6, 10), **changes)


def test_a_visit_in_the_future_is_refused(world: World) -> None:
    with pytest.raises(UserError, match="future"):
        visits.log_visit(
            world.ctx, visits.VisitInput(world.person_a, datetime.now() + timedelta(days=1))
        )


def test_logging_is_audited_without_personal_data(world: World) -> None:
    logged = _visit(world.ctx, world.person_a, date(2024, 6, 10), notes="ひざが痛い")
    entries = read_audit(world.ctx, entity_id=logged.id)
    assert [(e.action, e.entity) for e in entries] == [("create", "visit")]
    assert "ひざ" not in entries[0].detail


def test_delete_visit_keeps_a_tombstone_and_drops_its_unhandled_follow_up(world: World) -> None:
    visits.delete_visit(world.ctx, world.visit_a)
    assert visits.list_visits(world.ctx, world.person_a) == []
    assert world.follow_a not in {f.id for f in visits.list_follow_ups(world.ctx)}
    with pytest.raises(UserError, match="No such visit"):
        visits.get_visit(world.ctx, world.visit_a)


# --- signs checklist ------------------------------------------------------------------------


def test_default_signs_are_codes_with_labels(ctx: Context) -> None:
    signs = visits.sign_checklist(ctx)
    assert [s.code for s in signs] == [c for c, _label in visits.DEFAULT_SIGNS]
    assert signs[0].label == "Newspapers or mail piling up" and signs[0].builtin


def test_coordinators_edit_the_checklist(world: World) -> None:
    ctx = world.ctx
    signs = visits.sign_checklist(ctx)
    edited = [
        visits.Sign("mail_piling", "郵便受けがいっぱい"),
        *[visits.Sign(s.code, s.label, s.code != "clothes") for s in signs[1:]],
        visits.Sign("", "植木が枯れている"),
    ]
    saved = visits.save_sign_checklist(ctx, edited)
    by_code = {s.code: s for s in saved}
    assert by_code["mail_piling"].label == "郵便受けがいっぱい"
    assert by_code["custom_1"].label == "植木が枯れている" and not by_code["custom_1"].builtin
    assert not by_code["clothes"].active
    assert "clothes" not in {s.code for s in visits.sign_checklist(ctx)}
    logged = _visit(ctx, world.person_a, date(2024, 6, 12), signs=("custom_1",))
    assert visits.sign_labels(ctx)[logged.signs[0]] == "植木が枯れている"
    with pytest.raises(UserError, match="Unknown sign"):
        _visit(ctx, world.person_a, date(2024, 6, 13), signs=("clothes",))
    with pytest.raises(UserError, match="listed twice"):
        visits.save_sign_checklist(ctx, [visits.Sign("smell", "a"), visits.Sign("smell", "b")])
    with pytest.raises(UserError):
        visits.save_sign_checklist(world.a, edited)


def test_a_sign_switched_off_stays_on_old_visits(world: World) -> None:
    ctx = world.ctx
    old = _visit(ctx, world.person_a, date(2024, 6, 12), signs=("smell",))
    visits.save_sign_checklist(
        ctx, [visits.Sign(s.code, s.label, s.code != "smell") for s in visits.sign_checklist(ctx)]
    )
    kept = visits.update_visit(
        ctx, old.id, visits.VisitInput(world.person_a, old.visited_at, signs=("smell",))
    )
    assert kept.signs == ("smell",)


# --- the due list ---------------------------------------------------------------------------


def test_order_overdue_then_due_then_follow_ups(ctx: Context) -> None:
    today = date(2024, 10, 15)
    late = _enrol(ctx, 14, date(2024, 1, 1))
    later = _enrol(ctx, 14, date(2024, 1, 1), family_name="伊藤", family_kana="イトウ")
    soon = _enrol(ctx, 14, date(2024, 1, 1), family_name="加藤", family_kana="カトウ")
    fine = _enrol(ctx, 30, date(2024, 1, 1), family_name="佐藤", family_kana="サトウ")
    _visit(ctx, late, date(2024, 9, 20))
    _visit(ctx, later, date(2024, 9, 10))
    _visit(ctx, soon, date(2024, 10, 5))
    follow = _visit(ctx, fine, date(2024, 10, 10), outcome="contact")
    items = visits.due_list(ctx, today)
    assert [(i.kind, i.id) for i in items] == [
        ("overdue", later),
        ("overdue", late),
        ("due", soon),
        ("follow_up", follow.follow_up_id),
    ]
    assert items[0].long_overdue and not items[1].long_overdue
    assert (items[0].days_late, items[1].days_late, items[2].days_late) == (21, 11, -4)
    assert items[3].person_id == fine and items[3].urgency == "contact"


@pytest.mark.parametrize(
    "last, interval, today, kind, due_on",
    [
        # Month ends: 31 January + 30 days is 2 March (28-day February).
        (date(2025, 1, 31), 30, date(2025, 3, 2), "due", date(2025, 3, 2)),
        (date(2025, 1, 31), 30, date(2025, 3, 3), "overdue", date(2025, 3, 2)),
        (date(2024, 1, 31), 30, date(2024, 3, 1), "due", date(2024, 3, 1)),
        (date(2024, 4, 30), 31, date(2024, 5, 31), "due", date(2024, 5, 31)),
        (date(2024, 4, 30), 31, date(2024, 6, 1), "overdue", date(2024, 5, 31)),
        # 29 February: due on it, from it, and across it.
        (date(2024, 2, 15), 14, date(2024, 2, 29), "due", date(2024, 2, 29)),
        (date(2024, 2, 15), 14, date(2024, 3, 1), "overdue", date(2024, 2, 29)),
        (date(2024, 2, 29), 14, date(2024, 3, 14), "due", date(2024, 3, 14)),
        (date(2024, 2, 29), 14, date(2024, 3, 15), "overdue", date(2024, 3, 14)),
        (date(2024, 2, 22), 7, date(2024, 3, 1), "overdue", date(2024, 2, 29)),
        (date(2023, 2, 22), 7, date(2023, 3, 1), "due", date(2023, 3, 1)),
        # The fiscal year ends on 31 March; 1 April is the next year's first day.
        (date(2025, 3, 17), 14, date(2025, 3, 31), "due", date(2025, 3, 31)),
        (date(2025, 3, 17), 14, date(2025, 4, 1), "overdue", date(2025, 3, 31)),
        (date(2025, 3, 31), 7, date(2025, 4, 1), "due", date(2025, 4, 7)),
        (date(2024, 12, 31), 1, date(2025, 1, 1), "due", date(2025, 1, 1)),
    ],
)
def test_due_across_month_ends_leap_days_and_fiscal_years(
    ctx: Context, last: date, interval: int, today: date, kind: str, due_on: date
) -> None:
    pid = _enrol(ctx, interval, last - timedelta(days=400))
    _visit(ctx, pid, last)
    entry = _entry(ctx, pid, today)
    assert entry is not None
    assert (entry.kind, entry.due_on, entry.last_contact) == (kind, due_on, last)
    assert entry.days_late == (today - due_on).days


def test_twice_the_interval_is_flagged(ctx: Context) -> None:
    pid = _enrol(ctx, 14, date(2024, 1, 1))
    _visit(ctx, pid, date(2024, 2, 15))
    flagged = _entry(ctx, pid, date(2024, 2, 29))  # 14 days: due today
    assert flagged is not None and not flagged.long_overdue and flagged.kind == "due"
    just = _entry(ctx, pid, date(2024, 3, 14))  # 28 days: twice the interval
    assert just is not None and just.long_overdue and just.days_late == 14
    short = _entry(ctx, pid, date(2024, 3, 13))
    assert short is not None and short.kind == "overdue" and not short.long_overdue


def test_absent_visits_are_attempts_not_contact(ctx: Context) -> None:
    pid = _enrol(ctx, 7, date(2024, 1, 1))
    _visit(ctx, pid, date(2024, 5, 1))
    _visit(ctx, pid, date(2024, 5, 8), contact_result="absent", outcome="watch")
    entry = _entry(ctx, pid, date(2024, 5, 9))
    assert entry is not None and entry.kind == "overdue" and entry.last_contact == date(2024, 5, 1)
    _visit(ctx, pid, date(2024, 5, 9), contact_result="outside")
    seen = _entry(ctx, pid, date(2024, 5, 9))
    assert seen is not None and (seen.kind, seen.last_contact) == ("due", date(2024, 5, 9))


def test_never_visited_is_due_from_the_start(ctx: Context) -> None:
    pid = _enrol(ctx, 14, date(2024, 3, 20))
    entry = _entry(ctx, pid, date(2024, 4, 5))
    assert entry is not None and entry.never_contacted and entry.due_on == date(2024, 4, 3)
    assert _entry(ctx, pid, date(2024, 3, 25)) is None  # not within the week yet


@given(
    interval=st.integers(1, 120),
    last=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    offset=st.integers(-10, 400),
)
def test_due_state_is_plain_day_counting(interval: int, last: date, offset: int) -> None:
    today = last + timedelta(days=offset)
    state = visits.due_state(today, interval, last, None)
    assert state.due_on.toordinal() == last.toordinal() + interval
    assert state.days_late == today.toordinal() - last.toordinal() - interval
    assert state.long_overdue == (offset >= 2 * interval)


def test_the_due_list_agrees_with_due_state_for_many_people(ctx: Context) -> None:
    rng = random.Random(29)
    today = date(2024, 4, 1)
    expected: dict[str, visits.DueState] = {}
    for n in range(60):
        interval = rng.choice((1, 7, 14, 28, 30, 31))
        pid = _enrol(ctx, interval, date(2023, 1, 1), given_name=f"花子{n}")
        last = today - timedelta(days=rng.randint(0, 80))
        _visit(ctx, pid, last)
        expected[pid] = visits.due_state(today, interval, last, None)
    listed = {i.id: i for i in visits.due_list(ctx, today) if i.kind != "follow_up"}
    for pid, state in expected.items():
        if state.due_on <= today + timedelta(days=7):
            item = listed.pop(pid)
            assert (item.due_on, item.days_late, item.long_overdue) == (
                state.due_on,
                state.days_late,
                state.long_overdue,
            )
            assert item.kind == ("overdue" if state.due_on < today else "due")
    assert listed == {}


def test_a_visitors_due_list_is_their_own(world: World) -> None:
    mine = visits.due_list(world.a, date(2024, 12, 1))
    assert {i.person_id for i in mine} == {world.person_a}
    assert {i.kind for i in mine} == {"overdue", "follow_up"}
    assert all(i.volunteers == ("訪問\u3000あや",) for i in mine)
