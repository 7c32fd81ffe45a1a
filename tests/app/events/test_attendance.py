"""Who has stopped coming: the lapsed list (issue 16, part 3)."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import cli, events
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.events import attendance
from app.events.views import EventInput, OccurrenceInput
from app.roster import members
from app.roster.members import MemberInput

TODAY = date(2026, 12, 2)


def _member(ctx: Context, family: str, kana: str) -> str:
    return members.add_member(
        ctx,
        MemberInput(family_name=family, given_name="花子", family_kana=kana, given_kana="ハナコ"),
    ).id


def _monthly_cafe(ctx: Context) -> events.EventView:
    dates = [datetime(2026, m, 15, 10, 0) for m in range(4, 12)]
    return events.create_event(
        ctx,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(OccurrenceInput(d) for d in dates),
        ),
    )


def _came(ctx: Context, cafe: events.EventView, member_id: str, months: range) -> None:
    for occ in cafe.occurrences:
        if occ.starts_at.month in months:
            reg = events.register_member(ctx, cafe.id, member_id, occurrence_id=occ.id)
            events.check_in(ctx, reg.id)


def test_the_cafe_regular_who_stopped_in_july_is_listed(ctx: Context) -> None:
    cafe = _monthly_cafe(ctx)
    stopped = _member(ctx, "佐藤", "サトウ")
    still = _member(ctx, "鈴木", "スズキ")
    seldom = _member(ctx, "高橋", "タカハシ")
    retired = _member(ctx, "田中", "タナカ")
    _came(ctx, cafe, stopped, range(4, 8))  # April to July
    _came(ctx, cafe, still, range(4, 12))
    _came(ctx, cafe, seldom, range(5, 7))  # twice: not a regular
    _came(ctx, cafe, retired, range(4, 8))
    members.retire_member(ctx, retired)
    [row] = attendance.lapsed_members(ctx, today=TODAY)
    assert (row.id, row.name, row.visits) == (stopped, "佐藤　花子", 4)
    assert row.last_attended == date(2026, 7, 15)
    assert (row.last_event_id, row.last_event_title) == (cafe.id, "ふれあいカフェ")
    # Thresholds and the kind filter.
    assert [r.id for r in attendance.lapsed_members(ctx, min_visits=5, today=TODAY)] == []
    assert {r.id for r in attendance.lapsed_members(ctx, min_visits=2, today=TODAY)} == {
        stopped,
        seldom,
    }
    assert attendance.lapsed_members(ctx, kind="lecture", today=TODAY) == []
    # Not seen for 6 months: July is too recent.
    assert attendance.lapsed_members(ctx, months=6, today=TODAY) == []


def test_newest_absence_first(ctx: Context) -> None:
    cafe = _monthly_cafe(ctx)
    early = _member(ctx, "青木", "アオキ")
    late = _member(ctx, "渡辺", "ワタナベ")
    _came(ctx, cafe, early, range(4, 7))
    _came(ctx, cafe, late, range(5, 9))
    assert [r.id for r in attendance.lapsed_members(ctx, today=TODAY)] == [late, early]


def test_only_a_coordinator_sees_it_and_bad_values_are_one_line(ctx: Context) -> None:
    for role in ("visitor", "viewer"):
        with pytest.raises(PermissionDenied):
            attendance.lapsed_members(ctx.with_actor(Actor(name="x", role=role)), today=TODAY)
    for bad in ({"months": 0}, {"months": 10**30}, {"min_visits": -1}, {"kind": "karaoke"}):
        with pytest.raises(UserError) as refused:
            attendance.lapsed_members(ctx, today=TODAY, **bad)  # type: ignore[arg-type]
        assert "\n" not in refused.value.message


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 240))
def test_months_before_is_a_real_day_no_later_than_the_same_day(day: date, months: int) -> None:
    earlier = attendance.months_before(day, months)
    assert earlier <= day
    assert (day.year * 12 + day.month) - (earlier.year * 12 + earlier.month) == months
    assert earlier.day == day.day or earlier.day < day.day


def test_command_line_lists_json_and_refuses_in_one_line(
    demo_file: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.sqlite"
    shutil.copy2(demo_file, path)
    assert cli.run(["--db", str(path), "members", "lapsed", "--json"]) == 0
    assert isinstance(json.loads(capfd.readouterr().out), list)
    for bad in (["--months", "0"], ["--min-visits", "99999999999999999999999"], ["--kind", "x"]):
        assert cli.run(["--db", str(path), "members", "lapsed", *bad]) == 1
        assert len(capfd.readouterr().err.strip().splitlines()) == 1


def test_a_call_is_noted_in_the_members_notes_dated(ctx: Context) -> None:
    person = _member(ctx, "佐藤", "サトウ")
    line = attendance.note_call(ctx, person, "  来月から\nまた来るそうです ", today=TODAY)
    assert line.startswith("2026-12-02") and "来月から また来るそうです" in line
    attendance.note_call(ctx, person, "留守電", today=TODAY)
    assert members.get_member(ctx, person).note.splitlines()[-1].endswith("留守電")
    with pytest.raises(UserError):
        attendance.note_call(ctx, person, "   ")
    with pytest.raises(UserError):
        attendance.note_call(ctx, person, "あ" * 501)
    viewer = ctx.with_actor(Actor("v", "viewer"))
    with pytest.raises(PermissionDenied):
        attendance.note_call(viewer, person, "x")


def test_history_lists_every_registration_with_counts_per_fiscal_year(ctx: Context) -> None:
    from app.events.views import GuestInput
    from app.roster import duplicates

    cafe = events.create_event(
        ctx,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            # 2026-03 is fiscal 2025; the rest fiscal 2026.
            occurrences=tuple(OccurrenceInput(datetime(2026, m, 15, 10, 0)) for m in (3, 5, 6)),
        ),
    )
    march, may, june = cafe.occurrences
    guest = events.register_guest(
        ctx,
        cafe.id,
        GuestInput(
            family_name="佐藤", given_name="花子", family_kana="サトウ", given_kana="ハナコ"
        ),
        occurrence_id=march.id,
    )
    events.check_in(ctx, guest.id)
    member = _member(ctx, "佐藤", "サトウ")
    events.check_in(ctx, events.register_member(ctx, cafe.id, member, occurrence_id=may.id).id)
    events.register_member(ctx, cafe.id, member, occurrence_id=june.id)
    before = attendance.member_history(ctx, member)
    assert [(e.on, e.attended) for e in before.entries] == [
        (date(2026, 6, 15), False),
        (date(2026, 5, 15), True),
    ]
    duplicates.merge_members(ctx, member, guest.id)  # the guest in March was this member
    history = attendance.member_history(ctx, member)
    assert [e.on for e in history.entries][-1] == date(2026, 3, 15)
    assert [(y.fiscal_year, y.registered, y.attended) for y in history.fiscal_years] == [
        (2026, 2, 1),
        (2025, 1, 1),
    ]
    assert history.fiscal_years[0].attended_by_kind == {"community_cafe": 1}
    assert history.entries[0].event_title == "ふれあいカフェ"
    with pytest.raises(PermissionDenied):
        attendance.member_history(Context(ctx.db, Actor("v", "visitor")), member)


def test_history_command_line_json_and_bad_member(
    demo_file: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.sqlite"
    shutil.copy2(demo_file, path)
    assert cli.run(["--db", str(path), "members", "list", "--json"]) == 0
    first = json.loads(capfd.readouterr().out)[0]["id"]
    assert cli.run(["--db", str(path), "members", "history", first[:8], "--json"]) == 0
    out = json.loads(capfd.readouterr().out)
    assert out["id"] == first and isinstance(out["entries"], list)
    assert all("id" in e for e in out["entries"] + out["fiscal_years"])
    assert cli.run(["--db", str(path), "members", "history", "nobody"]) == 1
    assert len(capfd.readouterr().err.strip().splitlines()) == 1
