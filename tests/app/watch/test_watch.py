"""People under watch: consent first, who may see whom, referral targets, erasure, counts."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app import watch
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.printing import watch as printing_watch
from app.roster.members import MemberInput, add_member
from app.storage.audit import read_audit
from app.watch import visits
from db.models import FollowUp, Visit, WatchedPerson

CONSENT = watch.Consent(date(2024, 4, 1), "見守り訪問の記録と緊急時の連絡", "佐藤 花子", True)


def person(**changes: Any) -> watch.PersonInput:
    values: dict[str, Any] = dict(
        family_name="山田",
        given_name="花子",
        family_kana="やまだ",
        given_kana="はなこ",
        postal_code="1160011",
        address="東京都荒川区西尾久1-2-3",
        phone="０３－１１２３－４５６７",
        household="alone",
        emergency_contacts=(watch.EmergencyContact("山田 良子", "長女", "090-1123-4567"),),
        visit_interval_days=14,
        started_on=date(2024, 4, 1),
        consent=CONSENT,
    )
    values.update(changes)
    return watch.PersonInput(**values)


@dataclass
class World:
    """A coordinator, two visitors (A and B) each with one person, and a viewer."""

    ctx: Context
    a: Context
    b: Context
    viewer: Context
    member_a: str
    member_b: str
    person_a: str
    person_b: str
    visit_a: str
    visit_b: str
    follow_a: str
    follow_b: str
    target: str


def make_world(ctx: Context) -> World:
    member_a = add_member(
        ctx, MemberInput(family_name="訪問", given_name="あや", roles=("visitor",))
    ).id
    member_b = add_member(
        ctx, MemberInput(family_name="見守", given_name="ばん", roles=("visitor",))
    ).id
    target = watch.add_referral_target(
        ctx,
        watch.ReferralTargetInput(
            "町屋地域包括支援センター", "support_centre", phone="03-1800-1001"
        ),
    ).id
    pa = watch.add_person(ctx, person(volunteer_ids=(member_a,), support_centre_id=target)).id
    pb = watch.add_person(
        ctx,
        person(
            family_name="別府", given_name="ミツ", family_kana="ベップ", volunteer_ids=(member_b,)
        ),
    ).id
    when = datetime(2024, 6, 3, 10, 30)
    va = visits.log_visit(ctx, visits.VisitInput(pa, when, member_a, outcome="contact"))
    vb = visits.log_visit(ctx, visits.VisitInput(pb, when, member_b, outcome="emergency"))
    assert va.follow_up_id and vb.follow_up_id
    return World(
        ctx=ctx,
        a=Context(ctx.db, Actor("aya", "visitor", member_a)),
        b=Context(ctx.db, Actor("ban", "visitor", member_b)),
        viewer=Context(ctx.db, Actor("view", "viewer")),
        member_a=member_a,
        member_b=member_b,
        person_a=pa,
        person_b=pb,
        visit_a=va.id,
        visit_b=vb.id,
        follow_a=va.follow_up_id,
        follow_b=vb.follow_up_id,
        target=target,
    )


@pytest.fixture
def world(ctx: Context) -> World:
    return make_world(ctx)


# --- enrolment and consent -----------------------------------------------------------------


def test_add_person_normalises_and_lists_in_gojuon_order(ctx: Context) -> None:
    view = watch.add_person(ctx, person())
    watch.add_person(ctx, person(family_name="伊藤", family_kana="イトウ", given_kana="ハナ"))
    assert (view.family_kana, view.given_kana) == ("ヤマダ", "ハナコ")
    assert view.phone == "03-1123-4567" and view.postal_code == "116-0011"
    assert view.consent == CONSENT and view.status == watch.ACTIVE
    assert [r.kana for r in watch.list_people(ctx)] == ["イトウ ハナ", "ヤマダ ハナコ"]
    assert [r.name for r in watch.list_people(ctx, "やまだ")] == ["山田\u3000花子"]
    assert [r.name for r in watch.list_people(ctx, "1123")] != []


@pytest.mark.parametrize(
    "changes",
    [
        {"care_notes": "糖尿病の薬を服用"},
        {"watch_for": "足元がふらつく"},
    ],
)
def test_notes_need_consent_first(ctx: Context, changes: dict[str, str]) -> None:
    with pytest.raises(UserError, match="consent"):
        watch.add_person(ctx, person(consent=None, **changes))
    assert watch.list_people(ctx) == []
    saved = watch.add_person(ctx, person(consent=None))
    with pytest.raises(UserError, match="consent"):
        watch.update_person(ctx, saved.id, person(consent=None, **changes))
    watch.record_consent(ctx, saved.id, CONSENT)
    after = watch.update_person(ctx, saved.id, person(consent=None, **changes))
    assert after.consent == CONSENT  # an edit without consent keeps the consent on record
    assert (after.care_notes, after.watch_for) == (
        changes.get("care_notes", ""),
        changes.get("watch_for", ""),
    )


def test_visit_notes_signs_and_results_need_consent(ctx: Context) -> None:
    pid = watch.add_person(ctx, person(consent=None)).id
    when = datetime(2024, 6, 1, 10, 0)
    for refused in (
        visits.VisitInput(pid, when, notes="元気がない"),
        visits.VisitInput(pid, when, signs=("unwell",)),
    ):
        with pytest.raises(UserError, match="consent"):
            visits.log_visit(ctx, refused)
    assert visits.list_visits(ctx, pid) == []
    # A bare record of the contact is kept: it is what tells the coordinator someone went.
    bare = visits.log_visit(ctx, visits.VisitInput(pid, when, outcome="contact"))
    assert bare.follow_up_id is not None
    with pytest.raises(UserError, match="consent"):
        visits.record_follow_up_result(ctx, bare.follow_up_id, "入院された")
    with pytest.raises(UserError, match="consent"):
        visits.close_follow_up(ctx, bare.follow_up_id, "入院された")
    watch.record_consent(ctx, pid, CONSENT)
    visits.log_visit(ctx, visits.VisitInput(pid, when, notes="元気", signs=("unwell",)))
    closed = visits.close_follow_up(ctx, bare.follow_up_id, "入院された")
    assert closed.result == "入院された" and not closed.is_open


@pytest.mark.parametrize(
    "consent, message",
    [
        (watch.Consent(date(2024, 4, 1), " ", "佐藤"), "scope"),
        (watch.Consent(date(2024, 4, 1), "見守り", ""), "scope"),
        (watch.Consent(date.today() + timedelta(days=1), "見守り", "佐藤"), "future"),
    ],
)
def test_incomplete_consent_is_refused(ctx: Context, consent: watch.Consent, message: str) -> None:
    with pytest.raises(UserError, match=message):
        watch.add_person(ctx, person(consent=consent))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"family_name": " ", "given_name": ""}, "needs a name"),
        ({"postal_code": "12-34"}, "postal code"),
        ({"phone": "abc"}, "phone"),
        ({"household": "castle"}, "household"),
        ({"visit_interval_days": 0}, "interval"),
        ({"preferred_method": "pigeon"}, "way of contact"),
        ({"emergency_contacts": (watch.EmergencyContact("", "", "03-1"),)}, "needs a name"),
        ({"volunteer_ids": ("no-such-member",)}, "No such member"),
        ({"support_centre_id": "no-such-target"}, "referral target"),
    ],
)
def test_bad_person_input_is_refused(ctx: Context, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(UserError, match=message):
        watch.add_person(ctx, person(**changes))


def test_end_and_resume_watch(world: World) -> None:
    ended = watch.end_watch(world.ctx, world.person_a, "hospital", date(2024, 7, 1))
    assert (ended.status, ended.end_reason, ended.ended_on) == (
        "ended",
        "hospital",
        date(2024, 7, 1),
    )
    assert world.person_a not in {r.id for r in watch.list_people(world.ctx)}
    assert world.person_a in {r.id for r in watch.list_people(world.ctx, include_ended=True)}
    due = visits.due_list(world.ctx, date(2024, 9, 1))
    assert world.person_a not in {i.person_id for i in due if i.kind != visits.FOLLOW_UP}
    # An open follow-up stays on the home page until it is closed, even after the end.
    assert world.follow_a in {i.id for i in due if i.kind == visits.FOLLOW_UP}
    with pytest.raises(UserError, match="end reason"):
        watch.end_watch(world.ctx, world.person_a, "bored")
    assert watch.resume_watch(world.ctx, world.person_a).status == "active"


def test_volunteers_are_assigned_and_reassigned(world: World) -> None:
    data = replace(person(), volunteer_ids=(world.member_b, world.member_a))
    view = watch.update_person(world.ctx, world.person_a, data)
    assert view.volunteer_ids == (world.member_b, world.member_a)
    assert world.person_a in {r.id for r in watch.list_people(world.b)}
    watch.update_person(world.ctx, world.person_a, replace(data, volunteer_ids=(world.member_a,)))
    assert world.person_a not in {r.id for r in watch.list_people(world.b)}


def test_referral_targets_are_configurable(ctx: Context) -> None:
    centre = watch.add_referral_target(
        ctx, watch.ReferralTargetInput("江東区 長寿サポートセンター", "support_centre")
    )
    watch.add_referral_target(ctx, watch.ReferralTargetInput("荒川区社会福祉協議会", "shakyo"))
    assert [t.kind for t in watch.list_referral_targets(ctx)] == ["support_centre", "shakyo"]
    renamed = watch.update_referral_target(
        ctx, centre.id, watch.ReferralTargetInput("港区 高齢者相談センター", "support_centre")
    )
    assert renamed.name == "港区 高齢者相談センター"
    assert [t.name for t in watch.list_referral_targets(ctx, "support_centre")] == [renamed.name]
    watch.remove_referral_target(ctx, centre.id)
    assert [t.kind for t in watch.list_referral_targets(ctx)] == ["shakyo"]
    with pytest.raises(UserError, match="kind"):
        watch.add_referral_target(ctx, watch.ReferralTargetInput("x", "astrologer"))


# --- who may see whom ----------------------------------------------------------------------

# Every call a visitor could use to reach another visitor's person, visit or follow-up.
REACH_B: dict[str, Callable[[World, Path], object]] = {
    "get_person": lambda w, _t: watch.get_person(w.a, w.person_b),
    "update_person": lambda w, _t: watch.update_person(w.a, w.person_b, person()),
    "record_consent": lambda w, _t: watch.record_consent(w.a, w.person_b, CONSENT),
    "end_watch": lambda w, _t: watch.end_watch(w.a, w.person_b, "moved"),
    "resume_watch": lambda w, _t: watch.resume_watch(w.a, w.person_b),
    "erase_person": lambda w, _t: watch.erase_person(w.a, w.person_b),
    "resolve_person": lambda w, _t: watch.resolve_person(w.a, w.person_b[:8]),
    "list_visits": lambda w, _t: visits.list_visits(w.a, w.person_b),
    "log_visit": lambda w, _t: visits.log_visit(
        w.a, visits.VisitInput(w.person_b, datetime(2024, 6, 4, 9, 0), w.member_a)
    ),
    "get_visit": lambda w, _t: visits.get_visit(w.a, w.visit_b),
    "update_visit": lambda w, _t: visits.update_visit(
        w.a, w.visit_b, visits.VisitInput(w.person_b, datetime(2024, 6, 3, 10, 30), w.member_a)
    ),
    "delete_visit": lambda w, _t: visits.delete_visit(w.a, w.visit_b),
    "open_follow_up": lambda w, _t: visits.open_follow_up(w.a, w.person_b),
    "refer_follow_up": lambda w, _t: visits.refer_follow_up(
        w.a, w.follow_b, visits.Referral(target_id=w.target)
    ),
    "record_follow_up_result": lambda w, _t: visits.record_follow_up_result(w.a, w.follow_b, ""),
    "close_follow_up": lambda w, _t: visits.close_follow_up(w.a, w.follow_b),
    "reopen_follow_up": lambda w, _t: visits.reopen_follow_up(w.a, w.follow_b),
    "get_follow_up": lambda w, _t: visits.get_follow_up(w.a, w.follow_b),
    "list_follow_ups": lambda w, _t: visits.list_follow_ups(w.a, person_id=w.person_b),
    "print_visit_forms": lambda w, t: printing_watch.print_visit_forms(
        w.a, t / "b.pdf", w.member_b
    ),
    "record_printed": lambda w, _t: printing_watch.record_printed(
        w.a, printing_watch.WatchPrint(1, 1, 1, True), "printer"
    ),
    "erase_ended_before": lambda w, _t: watch.erase_ended_before(w.a, 0),
    "erasure_candidates": lambda w, _t: watch.erasure_candidates(w.a, 0),
    "add_person": lambda w, _t: watch.add_person(w.a, person(volunteer_ids=(w.member_a,))),
}
# Calls that list things: they answer, but never with B's people.
LISTS_FOR_A: dict[str, Callable[[World], set[str]]] = {
    "list_people": lambda w: {r.id for r in watch.list_people(w.a, include_ended=True)},
    "due_list": lambda w: {i.person_id for i in visits.due_list(w.a, date(2025, 1, 1))},
    "last_contacts": lambda w: set(visits.last_contacts(w.a, [w.person_a, w.person_b])),
    "assigned_volunteers": lambda w: {v.id for v in watch.assigned_volunteers(w.a)},
    "volunteer_choices": lambda w: {v.id for v in watch.volunteer_choices(w.a)},
}
# No person's data in them (settings, directories, numbers) or plumbing for the others.
NOT_ABOUT_A_PERSON = {
    "sign_checklist",
    "save_sign_checklist",
    "sign_labels",
    "list_referral_targets",
    "add_referral_target",
    "update_referral_target",
    "remove_referral_target",
    "retention_years",
    "set_retention_years",
    "anonymous_counts",
    "form_labels",
    "print_blank_forms",
    "require_access",
    "reads_all",
    "visible_clause",
}


def _b_state(w: World) -> tuple[Any, ...]:
    with w.ctx.db.transaction() as s:
        p = s.get(WatchedPerson, w.person_b)
        f = s.get(FollowUp, w.follow_b)
        assert p is not None and f is not None
        visits_b = s.scalar(
            select(func.count()).select_from(Visit).where(Visit.person_id == w.person_b)
        )
        return (p.version, p.status, p.family_name, f.version, f.closed_at, visits_b)


@pytest.mark.parametrize("name", sorted(REACH_B))
def test_a_visitor_cannot_reach_another_visitors_people(
    world: World, tmp_path: Path, name: str
) -> None:
    before = _b_state(world)
    with pytest.raises(UserError) as refused:
        REACH_B[name](world, tmp_path)
    message = refused.value.message
    assert isinstance(refused.value, PermissionDenied) or message.startswith("No person"), message
    assert _b_state(world) == before
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.parametrize("name", sorted(LISTS_FOR_A))
def test_lists_show_a_visitor_only_their_own(world: World, name: str) -> None:
    seen = LISTS_FOR_A[name](world)
    assert world.person_b not in seen and world.member_b not in seen
    assert world.person_a in seen or world.member_a in seen  # the list is not simply empty


def test_every_service_function_is_checked() -> None:
    """A new service function must be added to one of the lists above."""
    checked = set(REACH_B) | set(LISTS_FOR_A) | NOT_ABOUT_A_PERSON
    found = set()
    for module in (watch, visits, printing_watch):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "ctx":
                found.add(name)
    assert found - checked == set()


def test_the_visitor_reaches_their_own_person(world: World, tmp_path: Path) -> None:
    assert watch.get_person(world.a, world.person_a).id == world.person_a
    assert watch.resolve_person(world.a, world.person_a[:8]) == world.person_a
    assert [v.id for v in visits.list_visits(world.a, world.person_a)] == [world.visit_a]
    logged = visits.log_visit(
        world.a, visits.VisitInput(world.person_a, datetime(2024, 6, 10, 9, 0))
    )
    assert logged.visitor_member_id == world.member_a
    referred = visits.refer_follow_up(world.a, world.follow_a, visits.Referral(world.target))
    assert referred.referred_to_kind == "support_centre"
    assert visits.close_follow_up(world.a, world.follow_a).closed_at is not None


def test_a_visitor_logs_only_their_own_visits(world: World) -> None:
    with pytest.raises(UserError, match="your own"):
        visits.log_visit(
            world.a, visits.VisitInput(world.person_a, datetime(2024, 6, 4, 9, 0), world.member_b)
        )


def test_a_refused_attempt_is_in_the_audit_log(world: World) -> None:
    with pytest.raises(PermissionDenied):
        watch.get_person(world.a, world.person_b)
    entries = read_audit(world.ctx, entity_id=world.person_b)
    assert [(e.user_name, e.action) for e in entries][:1] == [("aya", "denied")]


VIEWER_REFUSED: dict[str, Callable[[World], object]] = {
    "get_person": lambda w: watch.get_person(w.viewer, w.person_a),
    "list_people": lambda w: watch.list_people(w.viewer),
    "due_list": lambda w: visits.due_list(w.viewer),
    "list_follow_ups": lambda w: visits.list_follow_ups(w.viewer),
    "list_visits": lambda w: visits.list_visits(w.viewer, w.person_a),
    "log_visit": lambda w: visits.log_visit(
        w.viewer, visits.VisitInput(w.person_a, datetime(2024, 6, 4, 9, 0))
    ),
    "list_referral_targets": lambda w: watch.list_referral_targets(w.viewer),
    "volunteer_choices": lambda w: watch.volunteer_choices(w.viewer),
    "print_blank_forms": lambda w: printing_watch.print_blank_forms(w.viewer, None),
}


@pytest.mark.parametrize("name", sorted(VIEWER_REFUSED))
def test_a_viewer_gets_no_personal_data(world: World, name: str) -> None:
    with pytest.raises(PermissionDenied):
        VIEWER_REFUSED[name](world)


def test_a_viewer_reads_anonymous_counts(world: World) -> None:
    counts = watch.anonymous_counts(world.viewer, 2024)
    assert counts.people_under_watch == 2
    assert counts.visits == 2
    assert counts.visits_by_outcome == {"contact": 1, "emergency": 1}
    assert counts.follow_ups_by_urgency == {"contact": 1, "emergency": 1}
    text = repr(counts)
    assert "山田" not in text and "別府" not in text


def test_views_and_changes_are_audited(world: World) -> None:
    watch.get_person(world.ctx, world.person_a)
    visits.list_visits(world.ctx, world.person_a)
    actions = [(e.action, e.detail) for e in read_audit(world.ctx, entity_id=world.person_a)]
    assert ("view", "visits") in actions and ("view", "") in actions and ("create", "") in actions
    for entry in read_audit(world.ctx):
        assert "山田" not in entry.detail and "花子" not in entry.detail


# --- retention ------------------------------------------------------------------------------


def _file_bytes(ctx: Context) -> bytes:
    with ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = ctx.db.engine.raw_connection()
    try:
        raw.cursor().execute("VACUUM")
    finally:
        raw.close()
    assert ctx.db.path is not None
    data = ctx.db.path.read_bytes()
    wal = ctx.db.path.with_name(ctx.db.path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_erase_person_leaves_no_trace_of_them_in_the_file(world: World) -> None:
    ctx = world.ctx
    secret = watch.add_person(
        ctx,
        person(
            family_name="轟木",
            given_name="珠緒",
            family_kana="トドロキ",
            given_kana="タマオ",
            address="東京都荒川区町屋9-8-7 秘密荘",
            phone="03-1999-8888",
            care_notes="認知症の診断あり",
            watch_for="夜に徘徊することがある",
            emergency_contacts=(watch.EmergencyContact("轟木 一子", "姪", "090-1999-1111"),),
            volunteer_ids=(world.member_a,),
        ),
    )
    visit = visits.log_visit(
        ctx,
        visits.VisitInput(
            secret.id,
            datetime(2024, 6, 5, 14, 0),
            world.member_a,
            outcome="emergency",
            signs=("unwell",),
            notes="転倒して動けず救急搬送",
        ),
    )
    assert visit.follow_up_id is not None
    visits.refer_follow_up(
        ctx, visit.follow_up_id, visits.Referral(kind="family", name="轟木 一子")
    )
    visits.close_follow_up(ctx, visit.follow_up_id, "入院先は荒川病院")
    words = ["轟木", "珠緒", "トドロキ", "秘密荘", "1999", "認知症", "徘徊", "救急搬送", "荒川病院"]
    before = _file_bytes(ctx)
    assert all(w.encode() in before for w in words)  # the search below can fail
    watch.erase_person(ctx, secret.id)
    after = _file_bytes(ctx)
    assert [w for w in words if w.encode() in after] == []
    assert "別府".encode() in after  # everyone else is still there
    counts = watch.anonymous_counts(ctx, 2024)
    assert counts.people_under_watch == 3 and counts.visits == 3
    assert counts.follow_ups_by_urgency["emergency"] == 2
    with pytest.raises(UserError, match="No such person"):
        watch.get_person(ctx, secret.id)
    assert secret.id not in {r.id for r in watch.list_people(ctx, include_ended=True)}
    assert [e.action for e in read_audit(ctx, entity_id=secret.id)][0] == "erase"


def test_erase_ended_before_uses_the_retention_setting(world: World) -> None:
    ctx = world.ctx
    watch.end_watch(ctx, world.person_a, "died", date(2021, 3, 31))
    watch.end_watch(ctx, world.person_b, "moved", date(2023, 5, 1))
    assert watch.retention_years(ctx) == 3
    today = date(2024, 4, 1)
    assert [c.id for c in watch.erasure_candidates(ctx, today=today)] == [world.person_a]
    watch.set_retention_years(ctx, 1)
    assert {c.id for c in watch.erasure_candidates(ctx, today=today)} == {world.person_a}
    assert watch.erase_ended_before(ctx, today=date(2024, 5, 2)) == 2
    assert watch.list_people(ctx, include_ended=True) == []
    counts = watch.anonymous_counts(ctx, 2020)
    assert counts.people_ended == {"died": 1}
    with pytest.raises(PermissionDenied):
        watch.erase_ended_before(world.a, 1)
    with pytest.raises(UserError, match="between 1 and 30"):
        watch.set_retention_years(ctx, 0)


def test_years_before_handles_29_february() -> None:
    assert watch.years_before(date(2024, 2, 29), 3) == date(2021, 2, 28)
    assert watch.years_before(date(2025, 4, 1), 3) == date(2022, 4, 1)


def test_counts_follow_the_fiscal_year(ctx: Context) -> None:
    pid = watch.add_person(ctx, person(started_on=date(2024, 3, 1))).id
    for when in (
        datetime(2024, 3, 31, 23, 0),
        datetime(2024, 4, 1, 0, 30),
        datetime(2025, 3, 31, 9),
    ):
        visits.log_visit(ctx, visits.VisitInput(pid, when))
    assert watch.anonymous_counts(ctx, 2023).visits == 1
    assert watch.anonymous_counts(ctx, 2024).visits == 2
    assert watch.anonymous_counts(ctx, 2024).people_started == 0
    assert watch.anonymous_counts(ctx, 2023).people_started == 1
    assert watch.anonymous_counts(ctx, 2022).people_under_watch == 0
