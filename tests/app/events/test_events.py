"""Events service: kinds and fields, monthly dates, the wait-list, check-in, walk-ins, import."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import events, partners
from app.core.context import Actor, Context
from app.core.dates import fiscal_year_range
from app.core.errors import PermissionDenied, UserError
from app.events.views import EventInput, GuestInput, PartnerLink
from app.roster import members

SEED = Path("/work/shared/seed/activities-fy2022.json")
REPO_SEED = Path(__file__).resolve().parents[3] / "resources" / "demo" / "activities-fy2022.json"


def _member(ctx: Context, family: str, given: str, fk: str, gk: str) -> str:
    return members.add_member(
        ctx,
        members.MemberInput(family_name=family, given_name=given, family_kana=fk, given_kana=gk),
    ).id


def _lecture(ctx: Context, capacity: int | None = 30, **changes: object) -> events.EventView:
    data = EventInput(
        title="「私もやりたい!」共感からつながる仲間づくりとまちづくり",
        kind="lecture",
        series="まちづくり講座",
        series_number=18,
        starts_at=datetime(2022, 6, 10, 13, 30),
        ends_at=datetime(2022, 6, 10, 15, 30),
        capacity=capacity,
    )
    return events.create_event(ctx, replace(data, **changes))  # type: ignore[arg-type]


# --- events ----------------------------------------------------------------------------------


def test_every_field_round_trips_with_partners_and_lecturers(ctx: Context) -> None:
    council = partners.add_organisation(
        ctx, partners.OrganisationInput(name="北区社会福祉協議会", kind="social_welfare_council")
    )
    coop = partners.add_organisation(
        ctx, partners.OrganisationInput(name="東京都生活協同組合連合会", short_name="東京都生協連")
    )
    lecturer = partners.add_lecturer(
        ctx,
        partners.LecturerInput(
            family_name="小原",
            given_name="宗一",
            family_kana="おはら",
            given_kana="そういち",
            organisation_id=council.id,
        ),
    )
    saved = _lecture(
        ctx,
        catch_copy="地域で人と人をつなぐ人から学ぶ",
        themes=("福祉", "community", "Health"),
        venue="北区赤羽会館",
        venue_access="JR赤羽駅 東口より徒歩5分",
        fee_yen=0,
        apply_how="電話で",
        apply_by=date(2022, 6, 3),
        contact="03-0000-0000",
        scope="city-wide",
        partners=(PartnerLink(coop.id, "organiser"), PartnerLink(council.id, "co_host")),
        lecturer_ids=(lecturer.id,),
    )
    view = events.get_event(ctx, saved.id)
    assert view.series_label == "まちづくり講座 第18講"
    assert view.themes == ("welfare", "community", "health")
    assert [events.theme_label(t) for t in view.themes] == [
        "Welfare",
        "Community building",
        "Health",
    ]
    assert view.kind_label == "Lecture" and view.status_label == "Planned"
    assert [(p.display_name, p.role) for p in view.partners] == [
        ("東京都生協連", "organiser"),
        ("北区社会福祉協議会", "co_host"),
    ]
    assert view.lecturers[0].name == "小原 宗一"
    assert view.lecturers[0].kana == "オハラ ソウイチ"
    assert view.lecturers[0].affiliation == "北区社会福祉協議会"
    assert (view.venue_access, view.fee_yen, view.apply_by) == (
        "JR赤羽駅 東口より徒歩5分",
        0,
        date(2022, 6, 3),
    )
    # A single-date event keeps one occurrence row mirroring its date.
    assert [o.starts_at for o in view.occurrences] == [datetime(2022, 6, 10, 13, 30)]
    # Editing drops a partner and moves the date; the links follow.
    edited = events.update_event(
        ctx,
        view.id,
        replace(
            view.to_input(),
            partners=(PartnerLink(council.id, "organiser"),),
            starts_at=datetime(2022, 6, 17, 13, 30),
            ends_at=None,
        ),
    )
    assert [(p.name, p.role) for p in edited.partners] == [("北区社会福祉協議会", "organiser")]
    assert [o.starts_at for o in edited.occurrences] == [datetime(2022, 6, 17, 13, 30)]


@pytest.mark.parametrize("kind", list(events.KINDS))
def test_every_kind_can_be_planned_and_is_labelled(ctx: Context, kind: str) -> None:
    view = events.create_event(ctx, EventInput(title=f"{kind} の会", kind=kind))
    assert view.kind == kind
    assert view.kind_label == events.KINDS[kind]
    assert view.starts_at is None and view.occurrences == ()


def test_quantities_and_recipients_for_drives_and_donations(ctx: Context) -> None:
    view = events.create_event(
        ctx,
        EventInput(
            title="CO-OPの日用品の寄贈",
            kind="donation",
            quantity_value=1.0,
            quantity_unit="t",
            recipients=("都内フードバンク団体", " ", "社会福祉協議会"),
        ),
    )
    assert (view.quantity_value, view.quantity_unit) == (1.0, "t")
    assert view.recipients == ("都内フードバンク団体", "社会福祉協議会")
    assert events.unit_label("items") == "items"
    with pytest.raises(UserError, match="unit"):
        events.create_event(ctx, EventInput(title="x", quantity_value=3, quantity_unit="箱"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "title"),
        ({"kind": "party"}, "kind"),
        ({"status": "done"}, "status"),
        ({"capacity": -1}, "capacity"),
        ({"fee_yen": -100}, "fee"),
        ({"series_number": 0}, "series"),
        ({"ends_at": datetime(2022, 6, 10, 9, 0)}, "ends before"),
    ],
)
def test_refused_event_input_changes_nothing(
    ctx: Context, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(UserError, match=message):
        _lecture(ctx, **changes)
    assert events.list_events(ctx) == []


def test_a_viewer_may_read_but_not_plan(ctx: Context) -> None:
    _lecture(ctx)
    viewer = Context(ctx.db, Actor("v", "viewer"))
    with pytest.raises(PermissionDenied):
        events.create_event(viewer, EventInput(title="x"))
    visitor = Context(ctx.db, Actor("w", "visitor"))
    assert len(events.list_events(visitor)) == 1


def test_cancelled_event_keeps_registrations_and_refuses_new_ones(ctx: Context) -> None:
    event = _lecture(ctx)
    reg = events.register_guest(ctx, event.id, GuestInput("山田 花子", family_kana="やまだ はなこ"))
    cancelled = events.cancel_event(ctx, event.id)
    assert cancelled.status == events.CANCELLED
    assert [o.status for o in cancelled.occurrences] == [events.CANCELLED]
    assert [r.id for r in events.list_registrations(ctx, event.id)] == [reg.id]
    with pytest.raises(UserError, match="cancelled"):
        events.register_guest(ctx, event.id, GuestInput("佐藤 一郎"))
    assert [r.status_label for r in events.list_events(ctx)] == ["Cancelled"]
    # Held again (a cancellation taken back) it takes registrations again.
    events.set_event_status(ctx, event.id, events.PLANNED)
    events.register_guest(ctx, event.id, GuestInput("佐藤 一郎"))


def test_an_event_with_registrations_is_cancelled_not_removed(ctx: Context) -> None:
    event = _lecture(ctx)
    events.register_guest(ctx, event.id, GuestInput("山田 花子"))
    with pytest.raises(UserError, match="cancel"):
        events.remove_event(ctx, event.id)
    empty = _lecture(ctx, title="空の会")
    events.remove_event(ctx, empty.id)
    assert [r.id for r in events.list_events(ctx)] == [event.id]
    with pytest.raises(UserError):
        events.get_event(ctx, empty.id)


def test_resolve_by_prefix_title_or_series_label(ctx: Context) -> None:
    a = _lecture(ctx)
    b = _lecture(
        ctx, title="荒川コープカフェ", kind="community_cafe", series="", series_number=None
    )
    assert events.resolve_event(ctx, a.id[:8]) == a.id
    assert events.resolve_event(ctx, "荒川コープカフェ") == b.id
    assert events.resolve_event(ctx, "まちづくり講座 第18講") == a.id
    with pytest.raises(UserError, match="No event matches"):
        events.resolve_event(ctx, "存在しない会")
    _lecture(ctx, title="荒川コープカフェ", series="", series_number=None)
    with pytest.raises(UserError, match="More than one"):
        events.resolve_event(ctx, "荒川コープカフェ")


# --- fiscal year and monthly dates ---------------------------------------------------------


def test_fiscal_year_listing_runs_april_to_march(ctx: Context) -> None:
    march = _lecture(ctx, title="三月の会", starts_at=datetime(2023, 3, 31, 10), ends_at=None)
    april = _lecture(ctx, title="四月の会", starts_at=datetime(2023, 4, 1, 10), ends_at=None)
    june = _lecture(ctx, title="六月の会")
    undated = events.create_event(ctx, EventInput(title="未定の会"))
    fy2022 = events.events_for_fiscal_year(ctx, 2022)
    assert [r.id for r in fy2022] == [june.id, march.id]
    assert [r.id for r in events.events_for_fiscal_year(ctx, 2023)] == [april.id]
    assert [r.id for r in events.list_events(ctx)][-1] == undated.id
    assert events.fiscal_years(ctx) == [2023, 2022]
    assert all(r.fiscal_year == 2022 for r in fy2022)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("3rd Wednesday 10:00", events.MonthlyRule(time(10), nth=3, weekday=2)),
        ("every last Fri 13:30-15:00", events.MonthlyRule(time(13, 30), time(15), -1, 4)),
        ("day 15 10:00", events.MonthlyRule(time(10), day=15)),
        ("毎月第3水曜日 10:00～12:00", events.MonthlyRule(time(10), time(12), 3, 2)),
        ("第２土曜　１４時", events.MonthlyRule(time(14), nth=2, weekday=5)),
        ("毎月15日 10時半", events.MonthlyRule(time(10, 30), day=15)),
        ("最終金曜 9:30", events.MonthlyRule(time(9, 30), nth=-1, weekday=4)),
    ],
)
def test_monthly_rules_as_people_write_them(text: str, rule: events.MonthlyRule) -> None:
    assert events.parse_monthly_rule(text) == rule


@pytest.mark.parametrize(
    "text", ["", "sometimes", "第6水曜 10:00", "3rd Wednesday 25:00", "day 15"]
)
def test_what_is_not_a_monthly_rule(text: str) -> None:
    with pytest.raises(UserError, match="monthly rule"):
        events.parse_monthly_rule(text)


def test_a_year_of_third_wednesdays_across_the_fiscal_year() -> None:
    dates = [o.starts_at for o in events.monthly_dates("3rd Wednesday 10:00", 2022)]
    assert dates[0] == datetime(2022, 4, 20, 10, 0)
    assert dates[-1] == datetime(2023, 3, 15, 10, 0)
    assert [d.month for d in dates] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    # A fifth Friday exists only in some months: those are the dates.
    fifth = events.monthly_dates("5th Friday 10:00", 2022)
    assert 0 < len(fifth) < 12 and all(o.starts_at.day >= 29 for o in fifth)


@settings(max_examples=200, deadline=None)
@given(
    nth=st.sampled_from([1, 2, 3, 4, -1]),
    weekday=st.integers(0, 6),
    fy=st.integers(1990, 2100),
    hour=st.integers(0, 22),
)
def test_monthly_dates_property(nth: int, weekday: int, fy: int, hour: int) -> None:
    rule = events.MonthlyRule(time(hour), time(hour + 1), nth=nth, weekday=weekday)
    dates = rule.dates_in_fiscal_year(fy)
    first, last = fiscal_year_range(fy)
    assert len(dates) == 12
    assert [s for s, _e in dates] == sorted(s for s, _e in dates)
    for start, end in dates:
        d = start.date()
        assert first <= d <= last and d.weekday() == weekday
        if nth == -1:
            assert (d + timedelta(days=7)).month != d.month
        else:
            assert (d.day - 1) // 7 == nth - 1
        assert end is not None and end - start == timedelta(hours=1)


def _cafe(ctx: Context, fy: int = 2022) -> events.EventView:
    return events.create_event(
        ctx,
        EventInput(
            title="荒川コープカフェ",
            kind="community_cafe",
            recurrence=events.MONTHLY,
            period_label="毎月第3水曜日 10:00～12:00",
            capacity=3,
            occurrences=tuple(events.monthly_dates("毎月第3水曜日 10:00～12:00", fy)),
        ),
    )


def test_monthly_event_has_one_row_per_date_each_with_its_own_attendance(ctx: Context) -> None:
    cafe = _cafe(ctx)
    assert len(cafe.occurrences) == 12 and cafe.starts_at == datetime(2022, 4, 20, 10)
    april, may = cafe.occurrences[0].id, cafe.occurrences[1].id
    a = _member(ctx, "佐藤", "花子", "サトウ", "ハナコ")
    b = _member(ctx, "鈴木", "一郎", "スズキ", "イチロウ")
    with pytest.raises(UserError, match="date"):
        events.register_member(ctx, cafe.id, a)
    ra = events.register_member(ctx, cafe.id, a, april)
    events.register_member(ctx, cafe.id, b, april)
    events.register_member(ctx, cafe.id, a, may)  # the same person again next month
    events.check_in(ctx, ra.id)
    events.add_walk_in(ctx, cafe.id, "山田 太郎", "やまだ たろう", may)
    assert events.registration_counts(ctx, cafe.id, april) == events.RegistrationCounts(
        capacity=3, registered=2, attended=1
    )
    assert events.registration_counts(ctx, cafe.id, may) == events.RegistrationCounts(
        capacity=3, registered=1, attended=1, walk_ins=1
    )
    view = events.get_event(ctx, cafe.id)
    assert (view.occurrences[0].registered, view.occurrences[1].walk_ins) == (2, 1)
    assert view.counts.registered == 3 and view.counts.attended == 2
    row = events.list_events(ctx, 2022)[0]
    assert (row.occurrences, row.registered, row.walk_ins) == (12, 3, 1)
    # A date with registrations cannot silently vanish; one without can.
    kept = tuple(o for o in view.to_input().occurrences if o.id != april)
    with pytest.raises(UserError, match="registrations"):
        events.update_event(ctx, cafe.id, replace(view.to_input(), occurrences=kept))
    fewer = tuple(o for o in view.to_input().occurrences if o.starts_at.month != 12)
    assert (
        len(
            events.update_event(
                ctx, cafe.id, replace(view.to_input(), occurrences=fewer)
            ).occurrences
        )
        == 11
    )
    # Cancelling one date leaves the others.
    events.set_occurrence_status(ctx, may, events.CANCELLED)
    statuses = [o.status for o in events.get_event(ctx, cafe.id).occurrences]
    assert statuses.count(events.CANCELLED) == 1


def test_next_fiscal_year_of_dates_is_added_and_existing_ones_kept(ctx: Context) -> None:
    cafe = _cafe(ctx)
    first_id = cafe.occurrences[0].id
    more = events.add_year_of_dates(ctx, cafe.id, "3rd Wednesday 10:00", 2023)
    assert len(more.occurrences) == 24 and more.occurrences[0].id == first_id
    again = events.add_year_of_dates(ctx, cafe.id, "3rd Wednesday 10:00", 2023)
    assert len(again.occurrences) == 24
    assert [r.id for r in events.events_for_fiscal_year(ctx, 2023)] == [cafe.id]
    with pytest.raises(UserError, match="monthly"):
        events.add_year_of_dates(ctx, _lecture(ctx).id, "3rd Wednesday 10:00", 2023)


def test_default_date_of_a_monthly_event_is_the_next_one_else_the_last(ctx: Context) -> None:
    view = _cafe(ctx)
    assert events.default_occurrence(view, date(2022, 5, 1)) == view.occurrences[1].id
    assert events.default_occurrence(view, date(2030, 1, 1)) == view.occurrences[-1].id
    assert events.occurrence_on(view, date(2022, 4, 20)) == view.occurrences[0].id
    with pytest.raises(UserError):
        events.occurrence_on(view, date(2022, 4, 21))


# --- registrations ---------------------------------------------------------------------------


def test_wait_list_moves_the_first_waiting_person_up_on_a_cancellation(ctx: Context) -> None:
    event = _lecture(ctx, capacity=2)
    ids = [
        _member(ctx, f, g, fk, gk)
        for f, g, fk, gk in [
            ("渡辺", "一郎", "ワタナベ", "イチロウ"),
            ("阿部", "花子", "アベ", "ハナコ"),
            ("山田", "和子", "ヤマダ", "カズコ"),
            ("石井", "誠", "イシイ", "マコト"),
        ]
    ]
    regs = [events.register_member(ctx, event.id, m) for m in ids]
    assert [r.status for r in regs] == ["registered", "registered", "waitlisted", "waitlisted"]
    listed = {r.id: r for r in events.list_registrations(ctx, event.id)}
    assert [listed[r.id].waitlist_position for r in regs] == [None, None, 1, 2]
    assert events.registration_counts(ctx, event.id).free_places == 0
    # A walk-in takes no place of the registered.
    events.add_walk_in(ctx, event.id, "浜田 勇", "はまだ いさむ")
    result = events.cancel_registration(ctx, regs[1].id)
    assert result.cancelled.status == "cancelled"
    assert [m.id for m in result.moved_up] == [regs[2].id]  # first come, not gojūon first
    statuses = {r.id: r.status for r in events.list_registrations(ctx, event.id)}
    assert statuses[regs[2].id] == "registered" and statuses[regs[3].id] == "waitlisted"
    # Cancelling someone waiting frees nothing.
    assert events.cancel_registration(ctx, regs[3].id).moved_up == ()
    counts = events.registration_counts(ctx, event.id)
    assert (counts.registered, counts.waitlisted, counts.cancelled, counts.walk_ins) == (2, 0, 2, 1)
    # Cancelling again is harmless; registering the cancelled member again is allowed.
    assert events.cancel_registration(ctx, regs[1].id).moved_up == ()
    again = events.register_member(ctx, event.id, ids[1])
    assert again.status == "waitlisted"


def test_more_places_move_people_up(ctx: Context) -> None:
    event = _lecture(ctx, capacity=1)
    regs = [events.register_guest(ctx, event.id, GuestInput(f"客 {n}")) for n in range(4)]
    assert [r.status for r in regs].count("waitlisted") == 3
    view = events.get_event(ctx, event.id)
    events.update_event(ctx, event.id, replace(view.to_input(), capacity=3))
    counts = events.registration_counts(ctx, event.id)
    assert (counts.registered, counts.waitlisted) == (3, 1)
    events.update_event(ctx, event.id, replace(view.to_input(), capacity=None))
    assert events.registration_counts(ctx, event.id).waitlisted == 0


def test_a_member_registers_once_and_the_name_is_copied_for_print(ctx: Context) -> None:
    event = _lecture(ctx)
    m = _member(ctx, "髙橋", "一郎", "たかはし", "いちろう")
    reg = events.register_member(ctx, event.id, m, note="車椅子")
    assert (reg.name, reg.reading, reg.is_member) == ("髙橋\u3000一郎", "タカハシ イチロウ", True)
    with pytest.raises(UserError, match="already registered"):
        events.register_member(ctx, event.id, m)
    with pytest.raises(UserError, match="No such member"):
        events.register_member(ctx, event.id, "missing")


def test_guests_need_a_name_and_are_split_into_family_and_given(ctx: Context) -> None:
    event = _lecture(ctx)
    reg = events.register_guest(
        ctx,
        event.id,
        GuestInput("山田　花子", family_kana="やまだ　はなこ", contact="090-1111-2222"),
    )
    assert (reg.family_name, reg.given_name) == ("山田", "花子")
    assert (reg.family_kana, reg.given_kana) == ("ヤマダ", "ハナコ")
    assert not reg.is_member
    with pytest.raises(UserError, match="name"):
        events.register_guest(ctx, event.id, GuestInput(" "))
    # Found by the digits of the contact too.
    assert [r.id for r in events.find_for_reception(ctx, event.id, "09011112222")] == [reg.id]


def test_check_in_walk_ins_and_counts(ctx: Context) -> None:
    event = _lecture(ctx, capacity=1)
    first = events.register_guest(
        ctx, event.id, GuestInput("佐藤 花子", family_kana="サトウ ハナコ")
    )
    waiting = events.register_guest(
        ctx, event.id, GuestInput("鈴木 茂", family_kana="スズキ シゲル")
    )
    at = datetime(2022, 6, 10, 13, 20, 45, 123)
    done = events.check_in(ctx, first.id, at)
    assert done.attended and done.checked_in_at == at.replace(microsecond=0)
    # Someone waiting who is let in at the door counts as registered from then on.
    assert events.check_in(ctx, waiting.id).status == "registered"
    walk = events.add_walk_in(ctx, event.id, "山﨑 勇", "やまざき いさむ")
    assert walk.walk_in and walk.attended and walk.checked_in_at is not None
    assert (walk.family_name, walk.given_name, walk.given_kana) == ("山﨑", "勇", "イサム")
    counts = events.registration_counts(ctx, event.id)
    assert (counts.registered, counts.attended, counts.walk_ins, counts.expected) == (2, 3, 1, 3)
    undone = events.undo_check_in(ctx, first.id)
    assert not undone.attended and undone.checked_in_at is None
    assert events.registration_counts(ctx, event.id).attended == 2
    with pytest.raises(UserError, match="name"):
        events.add_walk_in(ctx, event.id, "  ", "")
    cancelled = events.cancel_registration(ctx, first.id).cancelled
    with pytest.raises(UserError, match="cancelled"):
        events.check_in(ctx, cancelled.id)


def test_registrations_in_gojuon_order_and_reception_search(ctx: Context) -> None:
    event = _lecture(ctx, capacity=None)
    people = [
        ("渡邊", "一郎", "ワタナベ", "イチロウ"),
        ("阿部", "花子", "アベ", "ハナコ"),
        ("後藤", "茂", "ゴトウ", "シゲル"),
        ("小林", "誠", "コバヤシ", "マコト"),
        ("髙橋", "和子", "タカハシ", "カズコ"),
        ("高橋", "一郎", "タカハシ", "イチロウ"),
    ]
    regs = {
        f + g: events.register_member(ctx, event.id, _member(ctx, f, g, fk, gk))
        for f, g, fk, gk in people
    }
    listed = events.list_registrations(ctx, event.id)
    assert [r.reading for r in listed] == [
        "アベ ハナコ",
        "ゴトウ シゲル",
        "コバヤシ マコト",
        "タカハシ イチロウ",
        "タカハシ カズコ",
        "ワタナベ イチロウ",
    ]
    found = events.find_for_reception(ctx, event.id, "たかは")
    assert [r.reading for r in found] == ["タカハシ イチロウ", "タカハシ カズコ"]
    # Already checked in moves behind those still expected.
    events.check_in(ctx, regs["高橋一郎"].id)
    found = events.find_for_reception(ctx, event.id, "たかは")
    assert [r.reading for r in found] == ["タカハシ カズコ", "タカハシ イチロウ"]
    # Kanji variants fold: 高橋 finds 髙橋; two terms narrow.
    assert len(events.find_for_reception(ctx, event.id, "高橋")) == 2
    assert [r.name for r in events.find_for_reception(ctx, event.id, "たかはし かず")] == [
        "髙橋\u3000和子"
    ]
    events.cancel_registration(ctx, regs["阿部花子"].id)
    assert events.find_for_reception(ctx, event.id, "あべ") == []
    assert len(events.list_registrations(ctx, event.id, include_cancelled=False)) == 5


# --- import ----------------------------------------------------------------------------------


def test_the_seed_json_imports_whole_and_again_without_doubling(ctx: Context) -> None:
    seed = SEED if SEED.exists() else REPO_SEED
    report = events.import_events(ctx, seed, today=date(2024, 1, 1))
    assert (report.added, report.updated) == (22, 0)
    assert report.organisations_added >= 5 and report.lecturers_added == 9
    rows = events.list_events(ctx)
    assert len(rows) == 22
    eighteen = events.get_event(ctx, events.resolve_event(ctx, "まちづくり講座 第18講"))
    assert eighteen.catch_copy == "地域で人と人をつなぐ人から学ぶ"
    assert [(lec.name, lec.affiliation) for lec in eighteen.lecturers] == [
        ("小原 宗一", "北区社会福祉協議会")
    ]
    donation = events.get_event(ctx, events.resolve_event(ctx, "CO-OPの化粧品や日用品の寄贈"))
    assert (donation.quantity_value, donation.quantity_unit, donation.themes) == (
        25,
        "t",
        ("poverty",),
    )
    assert [p.role for p in donation.partners] == ["donor"]
    assert donation.period_label == "3月~6月" and donation.scope == "city-wide"
    festival = events.get_event(ctx, events.resolve_event(ctx, "WEB交流フェスタ2022"))
    assert festival.kind == "festival_booth"
    again = events.import_events(ctx, seed, today=date(2024, 1, 1))
    assert (again.added, again.updated, again.lecturers_added) == (0, 22, 0)
    assert len(events.list_events(ctx)) == 22


def test_csv_with_japanese_headings_in_shift_jis(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(
        (
            "種類,タイトル,シリーズ,回,日付,開始,終了,会場,定員,参加費,講師,主催,テーマ\r\n"
            "講座,仲間づくりとまちづくり,まちづくり講座,18,令和4年6月10日,13:30,15:30,"
            "赤羽会館,30,無料,小原 宗一（北区社会福祉協議会）,北区社会福祉協議会,福祉、防災\r\n"
            "カフェ,荒川コープカフェ,,,,,,ふれあい館,,,,,\r\n"
        ).encode("cp932")
    )
    report = events.import_events(ctx, path, today=date(2022, 1, 1))
    assert report.added == 2
    view = events.get_event(ctx, events.resolve_event(ctx, "まちづくり講座 第18講"))
    assert (view.starts_at, view.ends_at) == (
        datetime(2022, 6, 10, 13, 30),
        datetime(2022, 6, 10, 15, 30),
    )
    assert (view.capacity, view.fee_yen, view.status) == (30, 0, "planned")
    assert view.themes == ("welfare", "disaster")
    assert view.lecturers[0].affiliation == "北区社会福祉協議会"
    assert view.partners[0].name == "北区社会福祉協議会"


def test_json_monthly_event_gets_a_year_of_dates_from_its_rule(
    ctx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "cafe.json"
    path.write_text(
        json.dumps(
            {
                "events": [
                    {
                        "kind": "community_cafe",
                        "title": "荒川コープカフェ",
                        "recurrence": "monthly",
                        "rule": "第3水曜日 10:00～12:00",
                        "fiscal_year": 2024,
                    }
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    events.import_events(ctx, path)
    view = events.get_event(ctx, events.resolve_event(ctx, "荒川コープカフェ"))
    assert len(view.occurrences) == 12 and view.period_label == "第3水曜日 10:00～12:00"
    assert view.occurrences[0].ends_at == datetime(2024, 4, 17, 12, 0)


def test_a_bad_file_is_refused_whole_with_every_problem(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            [
                {"kind": "lecture", "title": "よい会"},
                {"kind": "party", "title": "悪い会"},
                {"kind": "lecture", "title": ""},
                {"kind": "lecture", "title": "日付が変", "date": "2022-02-30"},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    with pytest.raises(UserError) as caught:
        events.import_events(ctx, path)
    assert "3 events" in caught.value.message
    assert [d.split(":")[0] for d in caught.value.details] == ["Event 2", "Event 3", "Event 4"]
    assert events.list_events(ctx) == []
    other = tmp_path / "events.pdf"
    other.write_bytes(b"%PDF-1.4")
    with pytest.raises(UserError, match="json"):
        events.import_events(ctx, other)


def test_xlsx_with_excel_dates_and_times(ctx: Context, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kind", "title", "date", "start", "end", "quantity", "unit", "recipients"])
    sheet.append(
        [
            "food_drive",
            "フードドライブ",
            datetime(2022, 11, 7),
            time(10, 0),
            time(12, 0),
            120,
            "kg",
            "中野区桃園フードパントリー",
        ]
    )
    sheet.append([None, None, None, None, None, None, None, None])
    path = tmp_path / "drives.xlsx"
    book.save(path)
    report = events.import_events(ctx, path, today=date(2023, 1, 1))
    assert report.added == 1
    view = events.get_event(ctx, events.resolve_event(ctx, "フードドライブ"))
    assert (view.starts_at, view.ends_at, view.status) == (
        datetime(2022, 11, 7, 10, 0),
        datetime(2022, 11, 7, 12, 0),
        "held",
    )
    assert (view.quantity_value, view.quantity_unit, view.recipients) == (
        120.0,
        "kg",
        ("中野区桃園フードパントリー",),
    )


def test_a_check_in_on_another_day_keeps_the_events_own_date(ctx: Context) -> None:
    """Ticking in the 2022 lecture today must not stamp today on it (nor move it in a report)."""
    event = _lecture(ctx, capacity=None)
    assert event.starts_at is not None and event.starts_at.date() != datetime.now().date()
    reg = events.register_guest(ctx, event.id, GuestInput("佐藤 花子", family_kana="サトウ ハナコ"))
    assert events.check_in(ctx, reg.id).checked_in_at == event.starts_at.replace(microsecond=0)
    walk = events.add_walk_in(ctx, event.id, "山﨑 勇", "やまざき いさむ")
    assert walk.checked_in_at == event.starts_at.replace(microsecond=0)


def test_copy_an_event_to_a_new_date_keeps_all_but_the_registrations(ctx: Context) -> None:
    event = _lecture(ctx, apply_by=date(2022, 6, 3), venue="北区役所", fee_yen=300)
    events.register_guest(ctx, event.id, GuestInput("佐藤 花子", family_kana="サトウ ハナコ"))
    copy = events.copy_event(ctx, event.id, date(2022, 7, 8))
    assert copy.id != event.id and copy.status == "planned"
    assert (copy.starts_at, copy.ends_at) == (
        datetime(2022, 7, 8, 13, 30),
        datetime(2022, 7, 8, 15, 30),
    )
    assert copy.apply_by == date(2022, 7, 1)  # as long before as the original's
    assert (copy.title, copy.venue, copy.fee_yen, copy.capacity) == (
        event.title,
        "北区役所",
        300,
        30,
    )
    assert copy.counts.registered == 0 and events.list_registrations(ctx, copy.id) == []
    assert events.get_event(ctx, event.id).counts.registered == 1


def test_copy_of_a_monthly_event_starts_with_its_one_new_date(ctx: Context) -> None:
    monthly = _lecture(
        ctx,
        recurrence="monthly",
        starts_at=None,
        ends_at=None,
        occurrences=(
            events.OccurrenceInput(datetime(2022, 5, 18, 10, 0), datetime(2022, 5, 18, 12, 0)),
            events.OccurrenceInput(datetime(2022, 6, 15, 10, 0), datetime(2022, 6, 15, 12, 0)),
        ),
    )
    copy = events.copy_event(ctx, monthly.id, date(2023, 4, 19))
    assert [(o.starts_at, o.ends_at) for o in copy.occurrences] == [
        (datetime(2023, 4, 19, 10, 0), datetime(2023, 4, 19, 12, 0))
    ]


def test_a_viewer_may_not_copy_an_event(ctx: Context) -> None:
    event = _lecture(ctx)
    viewer = ctx.with_actor(Actor(name="kumi", role="viewer"))
    with pytest.raises(PermissionDenied):
        events.copy_event(viewer, event.id, date(2022, 7, 8))


def test_usual_time_of_a_kind_and_the_default(ctx: Context) -> None:
    from datetime import time as _time

    assert events.usual_time(ctx, "lecture") == (_time(13, 30), _time(15, 30))
