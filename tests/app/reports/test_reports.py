"""The annual report's data: the seed's year from the demo, totals against rows, connections,
anonymous watch-over counts, statistics out, and the home page's list."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import reports
from app.core.context import VIEWER, Actor, Context
from app.core.dates import fiscal_year
from app.core.errors import PermissionDenied, UserError
from app.setup.demo import SEED_FILE
from db.models import (
    Event,
    EventOccurrence,
    EventPartner,
    FollowUp,
    Member,
    Organisation,
    Registration,
    Visit,
    WatchedPerson,
)

SEED = json.loads(SEED_FILE.read_text(encoding="utf-8"))
SEED_TITLES = [a["title"] for a in SEED["activities"]]


def _by_title(report: reports.AnnualReport) -> dict[str, reports.ActivityRow]:
    return {a.title: a for a in report.activities}


# --- the seed's year ----------------------------------------------------------------------------


def test_fy2022_holds_every_seed_activity_and_no_other_year_does(demo_ctx: Context) -> None:
    report = reports.annual_report(demo_ctx, 2022)
    titles = [a.title for a in report.activities]
    assert len(SEED_TITLES) == 22
    assert sorted(titles) == sorted(SEED_TITLES)
    assert all(date(2022, 4, 1) <= a.first_date <= date(2023, 3, 31) for a in report.activities)
    for fy in (2021, 2023):
        other = reports.annual_report(demo_ctx, fy)
        assert not set(SEED_TITLES) & {a.title for a in other.activities}
        assert other.stats.activities == 0 and other.connections == ()


def test_lecturers_organisers_and_donors_come_with_each_activity(demo_ctx: Context) -> None:
    rows = _by_title(reports.annual_report(demo_ctx, 2022))
    for act in SEED["activities"]:
        row = rows[act["title"]]
        assert [(lec.name, lec.affiliation) for lec in row.lecturers] == [
            (lec["name"], lec["affiliation"]) for lec in act.get("lecturers", [])
        ]
        organisers = [act["organizer"]] if "organizer" in act else act.get("organizers", [])
        assert list(row.organisers) == organisers
        assert list(row.donors) == ([act["donor"]] if "donor" in act else [])
        assert row.catch_copy == act.get("catch", "")
        if "series_number" in act:
            assert row.series_label == f"{act['series']} 第{act['series_number']}講"
    assert rows["荒川コープカフェ"].is_monthly and len(rows["荒川コープカフェ"].dates) == 12


def test_themes_and_the_26_tonnes_of_donations(demo_ctx: Context) -> None:
    report = reports.annual_report(demo_ctx, 2022)
    themes = {t.key: t for t in report.themes}
    poverty = themes["poverty"]
    assert poverty.activities == 3
    assert poverty.quantity_kg == 26_000 and poverty.quantity_text == "26 t"
    assert report.quantity_kg == 26_000 and report.quantity_text == "26 t"
    assert themes["disaster"].activities == 2 and themes["food_support"].activities == 2
    seed_themes = [a["theme"] for a in SEED["activities"] if a.get("theme")]
    assert sum(t.activities for t in report.themes) == len(seed_themes)
    rows = _by_title(report)
    assert rows["CO-OPの化粧品や日用品の寄贈"].quantity_text == "25 t"
    assert rows["CO-OPの日用品の寄贈"].quantity_kg == 1000


def test_totals_equal_the_sum_of_their_rows(demo_ctx: Context) -> None:
    report = reports.annual_report(demo_ctx, 2022)
    s = report.stats
    rows = report.activities
    assert s.activities == len(rows) == sum(len(g.activities) for g in report.groups)
    assert s.event_dates == sum(len(a.dates) for a in rows) == sum(m.events for m in s.months)
    assert (
        s.participants == sum(a.participants for a in rows) == sum(m.participants for m in s.months)
    )
    assert sum(k.activities for k in s.by_kind) == s.activities
    assert sum(k.participants for k in s.by_kind) == s.participants
    assert sum(t.activities for t in s.by_theme) == sum(max(1, len(a.themes)) for a in rows)
    assert s.registered == sum(a.registered or 0 for a in rows)
    assert s.attendance_rate == pytest.approx(s.attended_registered / s.registered)
    assert [(m.year, m.month) for m in s.months] == reports.fiscal_months(2022)
    assert s.members_joined == sum(m.members_joined for m in s.months)


def test_participants_agree_with_the_registrations_table(demo_ctx: Context) -> None:
    s = reports.report_stats(demo_ctx, 2022)
    with demo_ctx.db.transaction() as session:
        # The demo also has this year's events; FY2022's are those that began in it.
        fy2022 = select(Event.id).where(
            Event.starts_at >= datetime(2022, 4, 1), Event.starts_at < datetime(2023, 4, 1)
        )
        attended = session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(
                Registration.attended.is_(True),
                Registration.deleted.is_(False),
                Registration.event_id.in_(fy2022),
            )
        )
        joined = session.scalar(
            select(func.count())
            .select_from(Member)
            .where(Member.joined_on.between(date(2022, 4, 1), date(2023, 3, 31)))
        )
    assert s.participants == attended and s.participants > 200
    assert s.members_joined == joined
    assert 0.8 < (s.attendance_rate or 0) <= 1.0


def test_grouping_by_month_and_by_chapter(demo_ctx: Context) -> None:
    by_month = reports.annual_report(demo_ctx, 2022, reports.GROUP_BY_MONTH)
    keys = [g.key for g in by_month.groups]
    assert keys == sorted(keys) and keys[0] == "2022-04" and keys[-1] == "2023-03"
    for group in by_month.groups:
        assert {f"{a.first_date:%Y-%m}" for a in group.activities} == {group.key}
    by_chapter = reports.annual_report(demo_ctx, 2022, reports.GROUP_BY_CHAPTER)
    labels = [g.label for g in by_chapter.groups]
    assert labels[0] == "City-wide activities"
    assert "三鷹市 (a new municipality)" in labels
    adachi = next(g for g in by_chapter.groups if g.label == "足立区まちづくり")
    assert {a.title for a in adachi.activities} == {
        "寄り添いの現場から見えること",
        "「あだちNPOフェスティバル」に参加",
    }
    assert sorted(a.title for a in by_chapter.activities) == sorted(SEED_TITLES)


def test_chapter_filter_and_unknown_chapter(demo_ctx: Context) -> None:
    only = reports.annual_report(demo_ctx, 2022, chapter="杉並区まちづくり")
    assert only.scope_label == "杉並区まちづくり" and only.chapter_filter == "杉並区まちづくり"
    assert {a.title for a in only.activities} == {
        "杉並の水害に備えて学習会",
        "神田川・環状七号線地下調節池見学会",
    }
    assert [c.organisation for c in only.connections] == ["杉並区都市整備部土木計画課"]
    with pytest.raises(UserError, match="No chapter is called"):
        reports.annual_report(demo_ctx, 2022, chapter="どこにもない区")
    with pytest.raises(UserError):
        reports.annual_report(demo_ctx, 2022, group_by="weekday")


def test_headquarters_covers_every_chapter(demo_ctx: Context) -> None:
    demo_ctx.db.mode = "hq"
    report = reports.annual_report(demo_ctx, 2022)
    assert report.scope_label == "All chapters"
    assert len(report.activities) == 22
    names = {c.name for c in reports.chapter_choices(demo_ctx)}
    assert {"荒川区まちづくり", "北区まちづくり", "生協のまちづくり☆八王子"} <= names


def test_viewer_may_read_reports_an_unknown_role_may_not(demo_ctx: Context) -> None:
    viewer = Context(demo_ctx.db, Actor("v", VIEWER))
    assert reports.annual_report(viewer, 2022).stats.activities == 22
    nobody = Context(demo_ctx.db, Actor("x", "nobody"))
    with pytest.raises(PermissionDenied):
        reports.annual_report(nobody, 2022)


# --- new connections ------------------------------------------------------------------------------


def _event(
    s: Any, title: str, when: datetime, *, chapter_id: str | None = None, **kw: Any
) -> Event:
    ev = Event(title=title, starts_at=when, status=kw.pop("status", "held"), **kw)
    if chapter_id is not None:
        ev.chapter_id = chapter_id
    s.add(ev)
    s.flush()
    s.add(EventOccurrence(event_id=ev.id, starts_at=when))
    return ev


def test_connections_are_organisations_met_for_the_first_time(demo_ctx: Context) -> None:
    first = reports.annual_report(demo_ctx, 2022).connections
    names = {c.organisation for c in first}
    assert {
        "Studio-L",  # a lecturer's organisation
        "三鷹をつなげようプロジェクト",  # organiser
        "日本生活協同組合連合会",  # donor
        "中野区桃園フードパントリー",  # named recipient
        "フードバンク昭島",  # lecturer's affiliation "フードバンク昭島代表"
    } <= names
    assert "荒川区まちづくり" not in names
    with demo_ctx.db.transaction() as s:
        studio = s.scalar(select(Organisation).where(Organisation.name == "Studio-L"))
        assert studio is not None
        newcomer = Organisation(name="荒川区社会福祉協議会", kind="social_welfare_council")
        s.add(newcomer)
        s.flush()
        ev = _event(s, "防災ワークショップ", datetime(2023, 9, 1, 10), kind="workshop")
        for org in (studio, newcomer):
            s.add(EventPartner(event_id=ev.id, organisation_id=org.id, role="co_host"))
    later = reports.annual_report(demo_ctx, 2023)
    assert [(c.organisation, c.roles) for c in later.connections] == [
        ("荒川区社会福祉協議会", ("Co-host",))
    ]
    assert later.connections[0].first_activity == "防災ワークショップ"


def test_cancelled_and_deleted_events_are_left_out(ctx: Context) -> None:
    with ctx.db.transaction() as s:
        _event(s, "中止になった講座", datetime(2024, 5, 1, 10), status="cancelled")
        gone = _event(s, "消した講座", datetime(2024, 5, 2, 10))
        gone.deleted = True
        _event(s, "年度末の会", datetime(2025, 3, 31, 23, 0))
        _event(s, "新年度の会", datetime(2025, 4, 1, 0, 0))
    assert [a.title for a in reports.annual_report(ctx, 2024).activities] == ["年度末の会"]
    assert [a.title for a in reports.annual_report(ctx, 2025).activities] == ["新年度の会"]


# --- watch-over in numbers ----------------------------------------------------------------------


WATCHED_NAMES = [("見守", "一子"), ("見守", "二郎"), ("見守", "三枝")]


def add_watch_data(ctx: Context, today: date | None = None) -> list[str]:
    """Three people under watch with visits and follow-ups in FY2022 (names returned)."""
    with ctx.db.transaction() as s:
        people = []
        for n, (family, given) in enumerate(WATCHED_NAMES):
            p = WatchedPerson(
                family_name=family,
                given_name=given,
                family_kana="ミマモリ",
                address="東京都荒川区町屋9-9-9",
                phone="03-1999-0000",
                care_notes="持病あり",
                started_on=date(2022, 4, 1) + timedelta(days=40 * n),
                visit_interval_days=14,
            )
            s.add(p)
            people.append(p)
        s.flush()
        people[2].status = "ended"
        people[2].ended_on = date(2023, 1, 10)
        people[2].end_reason = "moved"
        outcomes = ["no_change", "watch", "contact", "emergency", "no_change"]
        for i, outcome in enumerate(outcomes):
            v = Visit(
                person_id=people[i % 2].id,
                visited_at=datetime(2022, 6 + i, 5, 10),
                method="phone" if i % 2 else "visit",
                outcome=outcome,
                notes="玄関先で話した",
            )
            s.add(v)
            s.flush()
            if outcome in ("contact", "emergency"):
                s.add(
                    FollowUp(
                        visit_id=v.id,
                        person_id=v.person_id,
                        opened_at=v.visited_at,
                        urgency=outcome,
                        closed_at=v.visited_at + timedelta(days=3)
                        if outcome == "contact"
                        else None,
                    )
                )
        if today is not None:
            # Someone overdue today, for the home page.
            s.add(
                WatchedPerson(
                    family_name="遅延",
                    given_name="花",
                    started_on=today - timedelta(days=40),
                    visit_interval_days=14,
                )
            )
    return [f + g for f, g in WATCHED_NAMES]


def test_watch_over_counts_are_anonymous_and_right(ctx: Context) -> None:
    names = add_watch_data(ctx)
    report = reports.annual_report(ctx, 2022)
    w = report.watch
    assert w.people_under_watch == 3 and w.people_started == 3 and w.people_ended == 1
    assert [(c.key, c.count) for c in w.ended_by_reason] == [("moved", 1)]
    assert w.visits == 5
    assert {c.key: c.count for c in w.visits_by_outcome} == {
        "no_change": 2,
        "watch": 1,
        "contact": 1,
        "emergency": 1,
    }
    assert {c.key: c.count for c in w.visits_by_method} == {"visit": 3, "phone": 2}
    assert w.follow_ups_opened == 2 and w.follow_ups_closed == 1
    assert w.follow_ups_open_at_year_end == 1
    s = report.stats
    assert [m.visits for m in s.months] == [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert sum(m.follow_ups for m in s.months) == s.follow_ups == 2
    dumped = json.dumps(reports.stats_as_dict(s), ensure_ascii=False) + repr(report)
    for text in [*names, "見守", "町屋9-9-9", "03-1999-0000", "持病", "玄関先"]:
        assert text not in dumped
    assert reports.annual_report(ctx, 2023).watch.visits == 0


# --- statistics out -------------------------------------------------------------------------------


def test_stats_json_and_xlsx_hold_the_same_figures(demo_ctx: Context, tmp_path: Path) -> None:
    data = reports.stats_as_dict(reports.report_stats(demo_ctx, 2022))
    assert data["activities"] == 22 and data["quantity_kg"] == 26_000
    assert sum(m["participants"] for m in data["months"]) == data["participants"]
    out = tmp_path / "stats.xlsx"
    reports.export_stats_xlsx(demo_ctx, 2022, out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "By month", "By kind", "By theme", "Watch-over"]
    months = list(wb["By month"].iter_rows(min_row=2, values_only=True))
    assert len(months) == 13 and months[-1][0] == "Total"
    assert sum(r[2] for r in months[:-1]) == months[-1][2] == data["participants"]
    assert sum(r[1] for r in wb["By kind"].iter_rows(min_row=2, values_only=True)) == 22
    with pytest.raises(UserError, match=".xlsx"):
        reports.export_stats_xlsx(demo_ctx, 2022, tmp_path / "stats.csv")
    with pytest.raises(UserError):
        reports.export_stats_xlsx(demo_ctx, 2022, tmp_path / "no" / "such" / "stats.xlsx")


def test_fiscal_years_on_offer(demo_ctx: Context) -> None:
    years = reports.fiscal_years(demo_ctx, today=date(2026, 11, 29))
    assert years[0] == 2026 and 2022 in years and years == sorted(years, reverse=True)
    # The demo has the seed's FY2022 and events in the fiscal year of the day it was made.
    this_year = fiscal_year(date.today())
    assert reports.latest_year_with_activities(demo_ctx, date.today()) == this_year
    assert reports.latest_year_with_activities(demo_ctx, date(2022, 5, 1)) == 2022
    assert reports.latest_year_with_activities(demo_ctx, date(2021, 5, 1)) == 2021


@given(st.floats(min_value=0.001, max_value=1e9, allow_nan=False))
def test_quantities_show_in_the_larger_unit_and_read_back(kg: float) -> None:
    text = reports.format_quantity(kg)
    number, unit = text.split(" ")
    value = float(number.replace(",", "")) * (1000 if unit == "t" else 1)
    assert unit == ("t" if kg >= 1000 else "kg")
    assert value == pytest.approx(kg, rel=1e-3, abs=0.001)


def test_quantity_examples() -> None:
    assert reports.format_quantity(26_000) == "26 t"
    assert reports.format_quantity(1_250) == "1.25 t"
    assert reports.format_quantity(850) == "850 kg"


# --- the home page's list ----------------------------------------------------------------------------


def test_home_overview_of_the_demo_says_what_to_do(demo_ctx: Context) -> None:
    sections = reports.home_overview(demo_ctx, date(2026, 11, 29))
    keys = [s.key for s in sections]
    assert keys[0] == "watch"
    assert {"events", "sync", "backups"} <= set(keys)
    assert keys.index("events") < keys.index("sync") < keys.index("backups")
    backups = next(s for s in sections if s.key == "backups")
    assert backups.items[0].urgent and "No backup yet" in backups.items[0].text
    for section in sections:
        assert section.items and all(i.page == section.key for i in section.items)


def test_home_lists_overdue_people_and_coming_events(ctx: Context) -> None:
    pytest.importorskip("app.watch.visits")
    today = date(2022, 9, 1)
    add_watch_data(ctx, today)
    with ctx.db.transaction() as s:
        ev = _event(s, "秋の講座", datetime(2022, 9, 10, 13, 30), kind="lecture", capacity=2)
        ev.status = "planned"
        for given in ("一", "二"):
            s.add(Registration(event_id=ev.id, family_name="申込", given_name=given))
        _event(s, "遠い先の会", datetime(2023, 3, 1, 10), status="planned")
    sections = reports.home_overview(ctx, today)
    watch = sections[0]
    assert watch.key == "watch" and watch.items[0].urgent
    texts = [i.text for i in watch.items]
    assert "遅延" in texts[0] and "not visited yet, due 26 days ago" in texts[0]
    assert any("follow-up open since" in t for t in texts)
    events = next(s for s in sections if s.key == "events")
    assert len(events.items) == 1 and events.items[0].urgent
    assert "秋の講座" in events.items[0].text and "2 of 2 places taken" in events.items[0].text


def test_home_hides_what_a_viewer_may_not_see(demo_ctx: Context) -> None:
    viewer = Context(demo_ctx.db, Actor("v", VIEWER))
    sections = reports.home_overview(viewer)
    assert [s.key for s in sections] == ["reports"]
    assert sections[0].items[0].page == "reports"
    assert reports.home_overview(Context(demo_ctx.db, Actor("x", "nobody"))) == []
