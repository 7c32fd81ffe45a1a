"""Duty rosters (当番表): jobs per event, who is on duty at each date, warnings (issue 16.4)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app import events
from app.core import i18n
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.events import duty
from app.events.views import EventInput, OccurrenceInput
from app.roster import duplicates, members
from app.roster.members import MemberInput
from db.models import DutyAssignment, DutyRole


def _member(ctx: Context, family: str, kana: str, given: str = "花子") -> str:
    return members.add_member(
        ctx,
        MemberInput(family_name=family, given_name=given, family_kana=kana, given_kana="ハナコ"),
    ).id


def _cafe(ctx: Context, title: str = "ふれあいカフェ", hour: int = 10) -> events.EventView:
    return events.create_event(
        ctx,
        EventInput(
            title=title,
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(
                OccurrenceInput(datetime(2026, m, 15, hour), datetime(2026, m, 15, hour + 2))
                for m in (4, 5, 6)
            ),
        ),
    )


def _lecture(ctx: Context) -> events.EventView:
    return events.create_event(
        ctx,
        EventInput(title="防災講座", kind="lecture", starts_at=datetime(2026, 5, 15, 14, 0)),
    )


@pytest.fixture
def japanese() -> object:
    i18n.set_language("ja")
    yield
    i18n.set_language("en")


def test_the_usual_jobs_of_a_cafe_are_offered_in_the_language_in_use(
    ctx: Context, japanese: object
) -> None:
    cafe = _cafe(ctx)
    roles = duty.set_duty_roles(ctx, cafe.id, duty.default_roles())
    assert [(r.name, r.needed) for r in roles] == [
        ("受付", 2), ("調理", 3), ("会場設営", 2), ("片付け", 2), ("司会", 1),
    ]  # fmt: skip
    assert duty.duty_roles(ctx, cafe.id) == roles


def test_a_jobs_name_loses_direction_overrides_and_extra_spaces(ctx: Context) -> None:
    cafe = _cafe(ctx)
    [role] = duty.set_duty_roles(ctx, cafe.id, [("\u202e受付\u202c　 係 ", 2)])
    assert role.name == "受付 係"


def test_setting_the_jobs_keeps_those_kept_by_name_and_refuses_to_drop_a_filled_one(
    ctx: Context,
) -> None:
    cafe = _cafe(ctx)
    first = duty.set_duty_roles(ctx, cafe.id, [("受付", 2), ("調理", 3)])
    hanako = _member(ctx, "上野", "ウエノ")
    duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "調理", hanako)
    again = duty.set_duty_roles(ctx, cafe.id, [("調理", 4), ("司会", 1)])
    assert [(r.name, r.needed) for r in again] == [("調理", 4), ("司会", 1)]
    assert again[0].id == first[1].id  # the same job, its duty kept
    with pytest.raises(UserError, match="cannot be removed"):
        duty.set_duty_roles(ctx, cafe.id, [("司会", 1)])
    assert [r.name for r in duty.duty_roles(ctx, cafe.id)] == ["調理", "司会"]


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([("", 1)], "needs a name"),
        ([("受付", 1), ("受付", 2)], "listed twice"),
        ([("受付", 51)], "between 0 and 50"),
        ([("受付", -1)], "between 0 and 50"),
        ([("あ" * 41, 1)], "at most 40"),
        ([(f"係{i}", 1) for i in range(31)], "at most 30"),
    ],
)
def test_bad_jobs_are_refused_and_change_nothing(
    ctx: Context, roles: list[tuple[str, int]], message: str
) -> None:
    cafe = _cafe(ctx)
    duty.set_duty_roles(ctx, cafe.id, [("受付", 2)])
    with pytest.raises(UserError, match=message):
        duty.set_duty_roles(ctx, cafe.id, roles)
    assert [(r.name, r.needed) for r in duty.duty_roles(ctx, cafe.id)] == [("受付", 2)]


def test_the_roster_shows_who_is_on_duty_and_what_is_still_needed(ctx: Context) -> None:
    cafe = _cafe(ctx)
    duty.set_duty_roles(ctx, cafe.id, [("受付", 2), ("調理", 1)])
    ueno = _member(ctx, "上野", "ウエノ")
    abe = _member(ctx, "阿部", "アベ")
    done = duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", ueno)
    assert [w.text for w in done.warnings] == ["Wed 15 Apr 2026 受付: 1 more needed"]
    duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "2", abe)  # a job by its number
    roster = duty.duty_roster(ctx, cafe.id)
    april = roster.dates[0]
    assert [(s.role, [p.name for p in s.people], s.short) for s in april.slots] == [
        ("受付", ["上野\u3000花子"], 1),
        ("調理", ["阿部\u3000花子"], 0),
    ]
    shorts = [(w.day, w.role) for w in roster.warnings if w.kind == duty.SHORT]
    assert (date(2026, 4, 15), "受付") in shorts and (date(2026, 5, 15), "調理") in shorts
    assert (date(2026, 4, 15), "調理") not in shorts
    june = duty.duty_roster(ctx, cafe.id, month=date(2026, 6, 1))
    assert [d.starts_at for d in june.dates] == [datetime(2026, 6, 15, 10)]


def test_a_double_booking_is_allowed_and_warned_about_across_events(ctx: Context) -> None:
    cafe = _cafe(ctx)
    drive = _cafe(ctx, "フードドライブ", hour=13)
    duty.set_duty_roles(ctx, cafe.id, [("受付", 1), ("調理", 1)])
    duty.set_duty_roles(ctx, drive.id, [("仕分け", 2)])
    ueno = _member(ctx, "上野", "ウエノ")
    duty.assign_duty(ctx, cafe.id, date(2026, 5, 15), "受付", ueno)
    done = duty.assign_duty(ctx, drive.id, date(2026, 5, 15), "仕分け", ueno)
    doubles = [w for w in done.warnings if w.kind == duty.DOUBLE]
    assert [w.text for w in doubles] == [
        "Fri 15 May 2026: 上野\u3000花子 has another duty that day (ふれあいカフェ 受付)"
    ]
    same = duty.assign_duty(ctx, cafe.id, date(2026, 5, 15), "調理", ueno)
    assert [w.text for w in same.warnings if w.kind == duty.DOUBLE] == [
        "Fri 15 May 2026: 上野\u3000花子 has another duty that day (調理, フードドライブ 仕分け)"
    ]
    # Another day is no double booking.
    other = duty.assign_duty(ctx, cafe.id, date(2026, 6, 15), "受付", ueno)
    assert not [w for w in other.warnings if w.kind == duty.DOUBLE]


def test_assigning_refuses_what_makes_no_sense_and_changes_nothing(ctx: Context) -> None:
    cafe = _cafe(ctx)
    ueno = _member(ctx, "上野", "ウエノ")
    with pytest.raises(UserError, match="no duties yet"):
        duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", ueno)
    duty.set_duty_roles(ctx, cafe.id, [("受付", 2)])
    with pytest.raises(UserError, match="Say which date"):
        duty.assign_duty(ctx, cafe.id, None, "受付", ueno)
    with pytest.raises(UserError, match="no date on 2026-04-16"):
        duty.assign_duty(ctx, cafe.id, date(2026, 4, 16), "受付", ueno)
    with pytest.raises(UserError, match=r"no duty 調理 \(its duties: 受付\)"):
        duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "調理", ueno)
    with pytest.raises(UserError, match="No such member"):
        duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", "nobody")
    duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", ueno)
    with pytest.raises(UserError, match="already on duty"):
        duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", ueno)
    members.retire_member(ctx, ueno)
    with pytest.raises(UserError, match="retired"):
        duty.assign_duty(ctx, cafe.id, date(2026, 5, 15), "受付", ueno)
    with ctx.db.transaction() as s:
        assert len(list(s.scalars(select(DutyAssignment)))) == 1


def test_an_event_with_one_date_needs_no_date_and_refuses_another(ctx: Context) -> None:
    lecture = _lecture(ctx)
    duty.set_duty_roles(ctx, lecture.id, [("受付", 1)])
    ueno = _member(ctx, "上野", "ウエノ")
    duty.assign_duty(ctx, lecture.id, None, "受付", ueno)
    with pytest.raises(UserError, match="no date on 2026-05-16"):
        duty.assign_duty(ctx, lecture.id, date(2026, 5, 16), "受付", _member(ctx, "阿部", "アベ"))
    [day] = duty.duty_roster(ctx, lecture.id).dates
    assert day.occurrence_id is None and [p.name for p in day.slots[0].people] == ["上野\u3000花子"]


def test_taking_someone_off_leaves_a_tombstone_and_frees_the_job(ctx: Context) -> None:
    cafe = _cafe(ctx)
    duty.set_duty_roles(ctx, cafe.id, [("受付", 1)])
    ueno = _member(ctx, "上野", "ウエノ")
    done = duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", ueno)
    found = duty.find_assignment(ctx, cafe.id, date(2026, 4, 15), "受付", ueno)
    assert found == done.assignment_id
    roster = duty.unassign_duty(ctx, found)
    assert roster.dates[0].slots[0].people == ()
    with pytest.raises(UserError, match="No such duty"):
        duty.unassign_duty(ctx, found)
    with ctx.db.transaction() as s:
        row = s.get(DutyAssignment, found)
        assert row is not None and row.deleted
    duty.set_duty_roles(ctx, cafe.id, [])  # nobody on it any more: the job may go
    with ctx.db.transaction() as s:
        assert all(r.deleted for r in s.scalars(select(DutyRole)))


def test_each_volunteer_has_their_own_list_in_date_order(ctx: Context) -> None:
    cafe = _cafe(ctx)
    lecture = _lecture(ctx)
    duty.set_duty_roles(ctx, cafe.id, [("受付", 1), ("調理", 2)])
    duty.set_duty_roles(ctx, lecture.id, [("会場設営", 2)])
    ueno = _member(ctx, "上野", "ウエノ")
    duty.assign_duty(ctx, cafe.id, date(2026, 6, 15), "調理", ueno)
    duty.assign_duty(ctx, lecture.id, None, "会場設営", ueno)
    duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", ueno)
    mine = duty.member_duties(ctx, ueno)
    assert [(d.day, d.title, d.role) for d in mine] == [
        (date(2026, 4, 15), "ふれあいカフェ", "受付"),
        (date(2026, 5, 15), "防災講座", "会場設営"),
        (date(2026, 6, 15), "ふれあいカフェ", "調理"),
    ]
    later = duty.member_duties(ctx, ueno, since=date(2026, 5, 1), until=date(2026, 5, 31))
    assert [d.role for d in later] == ["会場設営"]


@pytest.mark.parametrize("role", ["viewer", "visitor"])
def test_who_may_change_and_who_may_read_a_roster(ctx: Context, role: str) -> None:
    cafe = _cafe(ctx)
    duty.set_duty_roles(ctx, cafe.id, [("受付", 1)])
    ueno = _member(ctx, "上野", "ウエノ")
    other = ctx.with_actor(Actor(name="x", role=role))
    with pytest.raises(PermissionDenied):
        duty.assign_duty(other, cafe.id, date(2026, 4, 15), "受付", ueno)
    with pytest.raises(PermissionDenied):
        duty.set_duty_roles(other, cafe.id, [("調理", 1)])
    if role == "viewer":  # counts only, no names
        with pytest.raises(PermissionDenied):
            duty.duty_roster(other, cafe.id)
    else:  # a volunteer sees the roster and their own duties
        assert duty.duty_roster(other, cafe.id).roles[0].name == "受付"
        assert duty.member_duties(other, ueno) == []


def test_a_merge_moves_duties_to_the_kept_member_and_an_undo_gives_them_back(
    ctx: Context,
) -> None:
    cafe = _cafe(ctx)
    duty.set_duty_roles(ctx, cafe.id, [("受付", 2), ("調理", 2)])
    keep = _member(ctx, "渡辺", "ワタナベ", "幸子")
    other = _member(ctx, "渡邊", "ワタナベ", "幸子")
    duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", keep)
    duty.assign_duty(ctx, cafe.id, date(2026, 4, 15), "受付", other)  # the same job twice
    duty.assign_duty(ctx, cafe.id, date(2026, 5, 15), "調理", other)
    outcome = duplicates.merge_members(ctx, keep, other)
    assert outcome.duties == 1
    mine = duty.member_duties(ctx, keep)
    assert [(d.day, d.role) for d in mine] == [
        (date(2026, 4, 15), "受付"),
        (date(2026, 5, 15), "調理"),
    ]
    april = duty.duty_roster(ctx, cafe.id).dates[0]
    assert [p.member_id for p in april.slots[0].people] == [keep]
    duplicates.undo_merge(ctx, outcome)
    assert len(duty.member_duties(ctx, keep)) == 1
    assert [(d.day, d.role) for d in duty.member_duties(ctx, other)] == [
        (date(2026, 4, 15), "受付"),
        (date(2026, 5, 15), "調理"),
    ]
