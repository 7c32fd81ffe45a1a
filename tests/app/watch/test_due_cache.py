"""The due list's cache: every change to its inputs shows at once, and it always equals a fresh
computation from the tables (app/watch/visits.py `_DueFacts`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import watch
from app.core.clock import HybridClock
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied
from app.roster.members import MemberInput, add_member, update_member
from app.storage.chapter import set_up_chapter
from app.storage.database import Database, _ensure_meta, open_database
from app.watch import visits
from db.engine import sqlite_engine
from db.models import WatchedPerson
from tests.app.watch.test_watch import person

START = date(2024, 4, 1)
TODAY = date(2024, 7, 1)


@dataclass
class Town:
    """A coordinator, two visitors with two people each, and a viewer."""

    ctx: Context
    members: list[str]
    people: list[str]  # people[0], [1] are members[0]'s; [2], [3] members[1]'s

    def visitor(self, n: int) -> Context:
        return Context(self.ctx.db, Actor(f"v{n}", "visitor", self.members[n]))


def make_town(ctx: Context) -> Town:
    members = [
        add_member(ctx, MemberInput(family_name=f, given_name="一", roles=("visitor",))).id
        for f in ("訪問", "見守")
    ]
    people = [
        watch.add_person(
            ctx,
            person(
                family_name=family,
                family_kana=kana,
                visit_interval_days=14,
                started_on=START,
                volunteer_ids=(members[n // 2],),
            ),
        ).id
        for n, (family, kana) in enumerate(
            (("青木", "アオキ"), ("井上", "イノウエ"), ("上田", "ウエダ"), ("江藤", "エトウ"))
        )
    ]
    return Town(ctx, members, people)


@pytest.fixture
def town(ctx: Context) -> Town:
    return make_town(ctx)


def _visit(ctx: Context, pid: str, day: date, **changes: object) -> visits.VisitView:
    return visits.log_visit(
        ctx, visits.VisitInput(pid, datetime.combine(day, time(10, 0)), **changes)
    )


def _same(ctx: Context, today: date = TODAY, soon: int = visits.SOON_DAYS, **kw: str) -> list:
    """The cached list, checked against the fresh computation."""
    cached = visits.due_list(ctx, today, soon, **kw)
    assert cached == visits._fresh_due_list(ctx, today, soon, **kw)
    return cached


def _line(ctx: Context, pid: str, kind: str | None = None) -> visits.DueItem | None:
    found = [i for i in _same(ctx) if i.person_id == pid and (kind is None or i.kind == kind)]
    return found[0] if found else None


# --- each input moves the list at once -------------------------------------------------------


def test_a_new_visit_takes_the_person_off_the_list(town: Town) -> None:
    ctx, pid = town.ctx, town.people[0]
    before = _line(ctx, pid)
    assert before is not None and before.kind == visits.OVERDUE and before.never_contacted
    _visit(ctx, pid, TODAY - timedelta(days=1))
    assert _line(ctx, pid) is None


def test_an_absent_visit_is_no_contact(town: Town) -> None:
    ctx, pid = town.ctx, town.people[0]
    _visit(ctx, pid, date(2024, 6, 1))
    assert _line(ctx, pid).last_contact == date(2024, 6, 1)  # type: ignore[union-attr]
    _visit(ctx, pid, TODAY, contact_result="absent")
    line = _line(ctx, pid)
    assert line is not None and line.kind == visits.OVERDUE
    assert line.last_contact == date(2024, 6, 1)
    _visit(ctx, pid, TODAY, contact_result="outside")
    assert _line(ctx, pid) is None


def test_changing_or_deleting_the_last_visit_brings_the_person_back(town: Town) -> None:
    ctx, pid = town.ctx, town.people[0]
    met = _visit(ctx, pid, TODAY - timedelta(days=2))
    assert _line(ctx, pid) is None
    visits.update_visit(
        ctx, met.id, visits.VisitInput(pid, met.visited_at, contact_result="absent")
    )
    assert _line(ctx, pid).kind == visits.OVERDUE  # type: ignore[union-attr]
    visits.update_visit(ctx, met.id, visits.VisitInput(pid, met.visited_at))
    assert _line(ctx, pid) is None
    visits.delete_visit(ctx, met.id)
    assert _line(ctx, pid).kind == visits.OVERDUE  # type: ignore[union-attr]


def test_an_interval_change_moves_the_due_day(town: Town) -> None:
    ctx, pid = town.ctx, town.people[0]
    _visit(ctx, pid, date(2024, 6, 20))
    line = _line(ctx, pid)
    assert line is not None and line.kind == visits.DUE and line.due_on == date(2024, 7, 4)
    view = watch.get_person(ctx, pid)
    watch.update_person(ctx, pid, replace(view, visit_interval_days=7))
    line = _line(ctx, pid)
    assert line is not None and line.due_on == date(2024, 6, 27) and line.interval_days == 7
    watch.update_person(ctx, pid, replace(view, visit_interval_days=60))
    assert _line(ctx, pid) is None


def test_ending_and_resuming_the_watch(town: Town) -> None:
    ctx, pid = town.ctx, town.people[1]
    assert _line(ctx, pid) is not None
    watch.end_watch(ctx, pid, "moved", date(2024, 6, 30))
    assert _line(ctx, pid) is None
    watch.resume_watch(ctx, pid)
    assert _line(ctx, pid) is not None


def test_names_reading_and_phone_follow_the_person_form(town: Town) -> None:
    ctx, pid = town.ctx, town.people[0]
    view = watch.get_person(ctx, pid)
    watch.update_person(
        ctx,
        pid,
        replace(view, family_name="秋山", family_kana="アキヤマ", phone="03-1111-2222"),
    )
    line = _line(ctx, pid)
    assert line is not None
    assert (line.name, line.kana, line.phone) == (
        "秋山\u3000花子",
        "アキヤマ ハナコ",
        "03-1111-2222",
    )


def test_assignments_move_what_a_visitor_sees_and_the_names(town: Town) -> None:
    ctx, pid = town.ctx, town.people[0]
    first, second = town.visitor(0), town.visitor(1)
    assert {i.person_id for i in _same(first)} == set(town.people[:2])
    assert {i.person_id for i in _same(second)} == set(town.people[2:])
    view = watch.get_person(ctx, pid)
    watch.update_person(ctx, pid, replace(view, volunteer_ids=(town.members[1],)))
    assert {i.person_id for i in _same(first)} == {town.people[1]}
    assert {i.person_id for i in _same(second)} == {pid, *town.people[2:]}
    assert _line(ctx, pid).volunteers == ("見守\u3000一",)  # type: ignore[union-attr]
    watch.update_person(ctx, pid, replace(view, volunteer_ids=town.members))
    assert _line(ctx, pid).volunteers == ("訪問\u3000一", "見守\u3000一")  # type: ignore[union-attr]


def test_a_volunteer_renamed_shows_at_once(town: Town) -> None:
    ctx = town.ctx
    assert _line(ctx, town.people[0]).volunteers == ("訪問\u3000一",)  # type: ignore[union-attr]
    update_member(
        ctx, town.members[0], MemberInput(family_name="訪問", given_name="二", roles=("visitor",))
    )
    assert _line(ctx, town.people[0]).volunteers == ("訪問\u3000二",)  # type: ignore[union-attr]


def test_follow_ups_opened_referred_closed_reopened(town: Town) -> None:
    ctx, pid = town.ctx, town.people[2]
    urgent = _visit(ctx, pid, TODAY - timedelta(days=3), outcome="emergency")
    assert urgent.follow_up_id is not None
    line = _line(ctx, pid, visits.FOLLOW_UP)
    assert line is not None and line.urgency == "emergency" and line.days_late == 3
    assert _line(town.visitor(0), pid) is None  # not hers
    assert _same(town.visitor(1))[-1].id == urgent.follow_up_id
    by_hand = visits.open_follow_up(ctx, town.people[0], at=datetime(2024, 6, 1, 9, 0))
    assert [i.id for i in _same(ctx) if i.kind == visits.FOLLOW_UP] == [
        urgent.follow_up_id,
        by_hand.id,
    ]
    visits.refer_follow_up(
        ctx, by_hand.id, visits.Referral(kind="police_fire", at=datetime(2024, 6, 1, 10, 0))
    )
    assert _line(ctx, town.people[0], visits.FOLLOW_UP).referred_to  # type: ignore[union-attr]
    visits.close_follow_up(ctx, urgent.follow_up_id, at=TODAY_AT)
    assert _line(ctx, pid, visits.FOLLOW_UP) is None
    visits.reopen_follow_up(ctx, urgent.follow_up_id)
    assert _line(ctx, pid, visits.FOLLOW_UP) is not None


TODAY_AT = datetime.combine(TODAY, time(12, 0))


def test_an_erased_person_leaves_with_their_follow_ups(town: Town) -> None:
    ctx, pid = town.ctx, town.people[3]
    visits.open_follow_up(ctx, pid, at=datetime(2024, 6, 1, 9, 0))
    assert _line(ctx, pid) is not None and _line(ctx, pid, visits.FOLLOW_UP) is not None
    watch.erase_person(ctx, pid)
    assert _line(ctx, pid) is None and _line(ctx, pid, visits.FOLLOW_UP) is None


def test_people_with_neither_contact_nor_start_day_are_due_from_today(town: Town) -> None:
    ctx, pid = town.ctx, town.people[0]
    with ctx.db.transaction() as s:
        s.get(WatchedPerson, pid).started_on = None  # type: ignore[union-attr]
    assert _line(ctx, pid) is None  # due in 14 days, beyond the week
    line = _same(ctx, soon=20)
    found = [i for i in line if i.person_id == pid]
    assert found and found[0].due_on == TODAY + timedelta(days=14) and found[0].never_contacted


def test_roles_and_the_chapter_filter_apply_on_every_call(town: Town) -> None:
    ctx = town.ctx
    everyone = _same(ctx)
    assert {i.person_id for i in everyone} == set(town.people)
    viewer = Context(ctx.db, Actor("view", "viewer"))
    with pytest.raises(PermissionDenied):
        visits.due_list(viewer, TODAY)
    stranger = Context(ctx.db, Actor("x", "visitor", "no-such-member"))
    assert _same(stranger) == []
    own = ctx.db.chapter_id
    assert own
    assert _same(ctx, chapter_id=own) == everyone
    assert _same(ctx, chapter_id="elsewhere") == []
    # A person moved to another chapter (as at headquarters, where chapters meet).
    with ctx.db.transaction() as s:
        s.get(WatchedPerson, town.people[1]).chapter_id = "elsewhere"  # type: ignore[union-attr]
    assert [i.person_id for i in _same(ctx, chapter_id="elsewhere")] == [town.people[1]]
    assert town.people[1] not in {i.person_id for i in _same(ctx, chapter_id=own)}
    assert [i.person_id for i in _same(town.visitor(0), chapter_id="elsewhere")] == [town.people[1]]
    assert _same(town.visitor(1), chapter_id="elsewhere") == []


def test_writes_through_another_connection_to_the_file_show(town: Town) -> None:
    """Another process on the same file: its own engine, its own connections."""
    ctx, pid = town.ctx, town.people[0]
    assert _line(ctx, pid) is not None
    path = ctx.db.path
    assert path is not None
    engine = sqlite_engine(path)
    try:
        node, last, chapter, mode = _ensure_meta(engine)
        other = Context(Database(engine, str(path), path, HybridClock(node, last), chapter, mode))
        _visit(other, pid, TODAY - timedelta(days=1))
        assert _line(ctx, pid) is None
        assert [i.person_id for i in visits.due_list(other, TODAY)] == [
            i.person_id for i in _same(ctx)
        ]
    finally:
        engine.dispose()


def test_rows_brought_in_by_a_sync_import_show(tmp_path: Path) -> None:
    from tests.app.sync.conftest import World

    world = World(tmp_path)
    try:
        arakawa = world.add_chapter("荒川")
        adachi = world.add_chapter("足立")
        town = make_town(arakawa)
        _visit(arakawa, town.people[0], date(2024, 6, 1))
        world.hq_import(world.chapter_export("荒川"))
        hq = world.hq
        line = [i for i in _same(hq) if i.person_id == town.people[0]]
        assert line and line[0].last_contact == date(2024, 6, 1)
        assert {i.person_id for i in _same(hq, chapter_id=world.ids["荒川"])} == set(town.people)
        assert _same(hq, chapter_id=world.ids["足立"]) == []
        # New rows from the chapter: a visit, a follow-up, a person ended.
        _visit(arakawa, town.people[0], TODAY - timedelta(days=1))
        emergency = _visit(arakawa, town.people[1], TODAY, outcome="emergency")
        watch.end_watch(arakawa, town.people[2], "moved", TODAY)
        other = make_town(adachi)
        world.hq_import(world.chapter_export("荒川"), world.chapter_export("足立"))
        lines = _same(hq)
        assert town.people[0] not in {i.person_id for i in lines}
        assert town.people[2] not in {i.person_id for i in lines}
        assert emergency.follow_up_id in {i.id for i in lines}
        assert set(other.people) <= {i.person_id for i in _same(hq, chapter_id=world.ids["足立"])}
    finally:
        world.close()


def test_many_changes_at_once_rebuild_the_facts(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = town.ctx
    _same(ctx)
    monkeypatch.setattr("app.watch.due._REBUILD_AT", 0)
    _visit(ctx, town.people[0], TODAY)
    assert _line(ctx, town.people[0]) is None


def test_each_database_has_its_own_facts(town: Town, tmp_path: Path) -> None:
    other = Context(open_database(tmp_path / "other.sqlite", create=True))
    try:
        set_up_chapter(other, "別の町")
        assert _same(town.ctx) and _same(other) == []
        # The feed numbers of the two files may coincide; their lists must not.
        make_town(other)
        assert {i.person_id for i in _same(other)}.isdisjoint(town.people)
    finally:
        other.db.close()


# --- the property: after any edits, the cache says what the tables say ------------------------

EDITS = st.one_of(
    st.tuples(
        st.just("visit"),
        st.integers(0, 4),
        st.integers(0, 150),
        st.sampled_from(("met", "absent", "outside")),
        st.sampled_from(("no_change", "no_change", "contact", "emergency")),
    ),
    st.tuples(st.just("amend"), st.integers(0, 30), st.sampled_from(("met", "absent"))),
    st.tuples(st.just("delete_visit"), st.integers(0, 30)),
    st.tuples(st.just("interval"), st.integers(0, 4), st.integers(1, 60)),
    st.tuples(st.just("end"), st.integers(0, 4)),
    st.tuples(st.just("resume"), st.integers(0, 4)),
    st.tuples(st.just("assign"), st.integers(0, 4), st.sampled_from(((), (0,), (1,), (1, 0)))),
    st.tuples(st.just("rename"), st.integers(0, 1), st.sampled_from(("一", "二", "三"))),
    st.tuples(st.just("close"), st.integers(0, 30)),
    st.tuples(st.just("reopen"), st.integers(0, 30)),
    st.tuples(st.just("no_start"), st.integers(0, 4)),
    st.tuples(st.just("chapter"), st.integers(0, 4)),
    st.tuples(st.just("add_person"), st.integers(1, 30)),
    st.tuples(st.just("erase"), st.integers(0, 4)),
)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _apply(town: Town, edit: tuple, logged: list[visits.VisitView]) -> None:
    ctx, kind = town.ctx, edit[0]
    people = town.people
    pid = people[edit[1] % len(people)] if len(edit) > 1 and kind != "rename" else ""
    follows = visits.list_follow_ups(ctx, open_only=False)
    try:
        if kind == "visit":
            day = START + timedelta(days=edit[2])
            logged.append(_visit(ctx, pid, day, contact_result=edit[3], outcome=edit[4]))
        elif kind in ("amend", "delete_visit") and logged:
            v = logged[edit[1] % len(logged)]
            if kind == "amend":
                visits.update_visit(
                    ctx, v.id, visits.VisitInput(v.person_id, v.visited_at, contact_result=edit[2])
                )
            else:
                visits.delete_visit(ctx, v.id)
                logged.remove(v)
        elif kind in ("interval", "assign"):
            view = watch.get_person(ctx, pid)
            if kind == "interval":
                watch.update_person(ctx, pid, replace(view, visit_interval_days=edit[2]))
            else:
                chosen = tuple(town.members[n] for n in edit[2])
                watch.update_person(ctx, pid, replace(view, volunteer_ids=chosen))
        elif kind == "end":
            watch.end_watch(ctx, pid, "moved", TODAY)
        elif kind == "resume":
            watch.resume_watch(ctx, pid)
        elif kind == "rename":
            update_member(
                ctx,
                town.members[edit[1]],
                MemberInput(family_name="訪問", given_name=edit[2], roles=("visitor",)),
            )
        elif kind in ("close", "reopen") and follows:
            f = follows[edit[1] % len(follows)]
            if kind == "close":
                visits.close_follow_up(ctx, f.id, at=f.opened_at + timedelta(days=1))
            else:
                visits.reopen_follow_up(ctx, f.id)
        elif kind in ("no_start", "chapter"):
            with ctx.db.transaction() as s:
                row = s.get(WatchedPerson, pid)
                assert row is not None
                if kind == "no_start":
                    row.started_on = None
                else:
                    row.chapter_id = (
                        "elsewhere" if row.chapter_id != "elsewhere" else ctx.db.chapter_id
                    )
        elif kind == "add_person":
            added = watch.add_person(
                ctx,
                person(
                    family_name="追加",
                    family_kana="ツイカ",
                    visit_interval_days=edit[1],
                    started_on=START,
                    volunteer_ids=(town.members[0],),
                ),
            )
            people.append(added.id)
        elif kind == "erase":
            watch.erase_person(ctx, pid)
    except Exception as exc:  # refusals (ended, erased, closed already) change nothing
        from app.core.errors import UserError

        if not isinstance(exc, UserError):
            raise


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.lists(EDITS, min_size=1, max_size=10),
    today=st.dates(START, START + timedelta(days=200)),
    soon=st.integers(-3, 30),
)
def test_cached_equals_fresh_after_random_edits(
    folder: Path, edits: list[tuple], today: date, soon: int
) -> None:
    path = Path(tempfile.mkdtemp(dir=folder)) / "town.sqlite"
    ctx = Context(open_database(path, create=True))
    try:
        set_up_chapter(ctx, "テスト町")
        town = make_town(ctx)
        own = ctx.db.chapter_id
        assert own

        def check() -> None:
            for who in (ctx, town.visitor(0), town.visitor(1)):
                for chapter in (None, own, "elsewhere"):
                    kw = {} if chapter is None else {"chapter_id": chapter}
                    _same(who, today, soon, **kw)

        check()
        logged: list[visits.VisitView] = []
        for edit in edits:
            _apply(town, edit, logged)
            check()
    finally:
        ctx.db.close()
