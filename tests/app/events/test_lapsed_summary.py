"""The lapsed list's cached summary (app/events/regulars.py) always answers what the SQL over
the tables answers (tests/app/events/lapsed_reference.py), for any parameters, after any edit."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import events
from app.core.clock import HybridClock
from app.core.context import Context
from app.core.errors import UserError
from app.events import attendance, regulars
from app.events.views import EventInput, OccurrenceInput
from app.roster import duplicates, members
from app.roster.members import MemberInput
from app.storage.chapter import set_up_chapter
from app.storage.database import Database, _ensure_meta, open_database
from db.engine import sqlite_engine
from db.models import Event, EventOccurrence, Member, Registration
from tests.app.events.lapsed_reference import reference_lapsed

TODAY = date(2026, 12, 2)
KANA = ("アオキ", "イノウエ", "ウエダ", "エトウ", "オオタ", "カトウ", "キムラ", "クドウ")
FAMILY = ("青木", "井上", "上田", "江藤", "太田", "加藤", "木村", "工藤")


class World:
    """Members, a monthly café, a lecture and a food drive, and what was registered."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.members: list[str] = []
        for _ in range(5):
            self.members.append(self.add_member())
        # Every date its own minute of the day: two events never share an instant, so the
        # newest attendance (and its event) is one, as the SQL's row_number needs.
        cafe = events.create_event(
            ctx,
            EventInput(
                title="ふれあいカフェ",
                kind="community_cafe",
                recurrence="monthly",
                occurrences=tuple(
                    OccurrenceInput(datetime(2025, 7, 15, 10, n) + timedelta(days=30 * n))
                    for n in range(17)
                ),
            ),
        )
        lecture = events.create_event(
            ctx,
            EventInput(title="防災講座", kind="lecture", starts_at=datetime(2026, 3, 10, 14, 31)),
        )
        drive = events.create_event(
            ctx,
            EventInput(
                title="フードドライブ", kind="workshop", starts_at=datetime(2026, 8, 20, 9, 47)
            ),
        )
        self.events = [cafe.id, lecture.id, drive.id]
        self.dates = [o.id for o in cafe.occurrences]
        self.registrations: list[str] = []
        self.merges: list[duplicates.MergeOutcome] = []

    def add_member(self) -> str:
        n = len(self.members)
        return members.add_member(
            self.ctx,
            MemberInput(
                family_name=FAMILY[n % len(FAMILY)] + str(n),
                given_name="花子",
                family_kana=KANA[n % len(KANA)] + "ア" * (n // len(KANA)),
                given_kana="ハナコ",
            ),
        ).id

    def register(self, who: int, where: int, when: int, came: bool) -> None:
        event_id = self.events[where % len(self.events)]
        occurrence = self.dates[when % len(self.dates)] if where % len(self.events) == 0 else None
        reg = events.register_member(
            self.ctx, event_id, self.members[who % len(self.members)], occurrence_id=occurrence
        )
        self.registrations.append(reg.id)
        if came:
            events.check_in(self.ctx, reg.id)


def same(ctx: Context, today: date = TODAY, **params: object) -> list[attendance.LapsedMember]:
    """The list from the summary, checked against the SQL."""
    months = int(params.get("months", attendance.DEFAULT_MONTHS))  # type: ignore[call-overload]
    visits = int(params.get("min_visits", attendance.DEFAULT_MIN_VISITS))  # type: ignore[call-overload]
    kind = params.get("kind")
    ours = attendance.lapsed_members(ctx, months, visits, kind, today)  # type: ignore[arg-type]
    assert ours == reference_lapsed(ctx, months, visits, kind, today)  # type: ignore[arg-type]
    return ours


def check_all(ctx: Context, today: date) -> None:
    for months in (1, 3, 6):
        for visits in (1, 2, 3):
            for kind in (None, "community_cafe", "lecture"):
                same(ctx, today, months=months, min_visits=visits, kind=kind)


@pytest.fixture
def world(ctx: Context) -> World:
    return World(ctx)


def _came_to_cafe(world: World, who: int, dates: range) -> None:
    for when in dates:
        world.register(who, 0, when, came=True)


# --- each change shows at once -----------------------------------------------------------------


def test_a_regular_who_stopped_is_listed_and_a_check_in_takes_them_off(world: World) -> None:
    _came_to_cafe(world, 0, range(4, 10))  # 2025-11 … 2026-04
    [row] = same(world.ctx)
    assert row.id == world.members[0] and row.visits == 6
    assert row.last_attended == date(2026, 4, 11)
    world.register(0, 1, 0, came=True)  # the lecture in March changes nothing
    assert [r.visits for r in same(world.ctx)] == [7]
    world.register(0, 0, 15, came=True)  # October: seen again
    assert same(world.ctx) == []
    events.undo_check_in(world.ctx, world.registrations[-1])
    assert [r.id for r in same(world.ctx)] == [world.members[0]]


def test_a_deleted_registration_and_a_retired_member_leave(world: World) -> None:
    _came_to_cafe(world, 1, range(4, 8))
    assert [r.visits for r in same(world.ctx)] == [4]
    with world.ctx.db.transaction() as s:
        row = s.get(Registration, world.registrations[0])
        assert row is not None
        row.deleted = True
    assert [r.visits for r in same(world.ctx)] == [3]
    members.retire_member(world.ctx, world.members[1])
    assert same(world.ctx) == []
    members.reinstate_member(world.ctx, world.members[1])
    assert len(same(world.ctx)) == 1


def test_moving_an_event_a_date_or_its_kind_moves_the_attendances(world: World) -> None:
    _came_to_cafe(world, 2, range(4, 8))
    assert len(same(world.ctx)) == 1
    with world.ctx.db.transaction() as s:
        occ = s.get(EventOccurrence, world.dates[7])
        assert occ is not None
        occ.starts_at = datetime(2026, 11, 20, 10, 7)  # into the last three months
    assert same(world.ctx) == []
    with world.ctx.db.transaction() as s:
        event = s.get(Event, world.events[0])
        assert event is not None
        event.kind = "lecture"
        event.title = "講座になったカフェ"
    later = date(2027, 1, 5)  # a month after the moved date
    listed = same(world.ctx, later, months=1)
    assert listed == same(world.ctx, later, months=1, kind="lecture") != []
    assert listed[0].last_event_title == "講座になったカフェ"
    assert same(world.ctx, later, months=1, kind="community_cafe") == []
    with world.ctx.db.transaction() as s:
        event = s.get(Event, world.events[0])
        assert event is not None
        event.deleted = True
    assert same(world.ctx, later, months=1) == []


def test_a_merge_moves_the_attendances_and_its_undo_moves_them_back(world: World) -> None:
    _came_to_cafe(world, 3, range(4, 6))
    _came_to_cafe(world, 4, range(6, 8))
    assert same(world.ctx) == []
    outcome = duplicates.merge_members(world.ctx, world.members[3], world.members[4])
    [row] = same(world.ctx)
    assert (row.id, row.visits) == (world.members[3], 4)
    duplicates.undo_merge(world.ctx, outcome)
    assert same(world.ctx) == []
    assert len(same(world.ctx, min_visits=2)) == 2


def test_a_registration_without_a_date_counts_on_the_events_own_day(world: World) -> None:
    # As a sync import or an old file may bring it: no occurrence, the event's start counts.
    with world.ctx.db.transaction() as s:
        for n in range(3):
            s.add(
                Registration(
                    event_id=world.events[2 if n else 1], member_id=world.members[0], attended=True
                )
            )
    [row] = same(world.ctx, min_visits=3)
    assert row.last_attended == date(2026, 8, 20)


def test_parameters_change_without_a_new_summary(world: World) -> None:
    _came_to_cafe(world, 0, range(0, 9))
    same(world.ctx)
    summary = world.ctx.db.caches[regulars.REGULARS_CACHE]
    check_all(world.ctx, TODAY)
    check_all(world.ctx, date(2026, 5, 1))  # a day in the past: later attendances ignored
    assert world.ctx.db.caches[regulars.REGULARS_CACHE] is summary


def test_many_changes_at_once_rebuild_the_summary(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _came_to_cafe(world, 0, range(4, 8))
    same(world.ctx)
    monkeypatch.setattr("app.events.regulars._REBUILD_AT", 0)
    monkeypatch.setattr("app.events.regulars._EVENTS_AT", 0)
    events.undo_check_in(world.ctx, world.registrations[-1])
    assert [r.visits for r in same(world.ctx)] == [3]


def test_writes_through_another_connection_to_the_file_show(world: World) -> None:
    """Another process on the same file: its own engine, its own connections."""
    _came_to_cafe(world, 0, range(4, 8))
    assert len(same(world.ctx)) == 1
    path = world.ctx.db.path
    assert path is not None
    engine = sqlite_engine(path)
    try:
        node, last, chapter, mode = _ensure_meta(engine)
        other = Context(Database(engine, str(path), path, HybridClock(node, last), chapter, mode))
        members.retire_member(other, world.members[0])
        assert same(world.ctx) == []
    finally:
        engine.dispose()


def test_attendances_brought_in_by_a_sync_import_show(tmp_path: Path) -> None:
    from tests.app.sync.conftest import World as Sync

    sync = Sync(tmp_path)
    try:
        arakawa = sync.add_chapter("荒川")
        town = World(arakawa)
        _came_to_cafe(town, 0, range(4, 8))
        assert same(sync.hq) == []
        sync.hq_import(sync.chapter_export("荒川"))
        assert [r.id for r in same(sync.hq)] == [town.members[0]]
        events.check_in(
            arakawa,
            events.register_member(
                arakawa, town.events[0], town.members[0], occurrence_id=town.dates[16]
            ).id,
        )
        sync.hq_import(sync.chapter_export("荒川"))
        assert same(sync.hq) == []
    finally:
        sync.close()


# --- the property: after any edits, the summary says what the SQL says ---------------------------

EDITS = st.one_of(
    st.tuples(
        st.just("register"),
        st.integers(0, 9),
        st.integers(0, 2),
        st.integers(0, 16),
        st.booleans(),
    ),
    st.tuples(st.just("toggle"), st.integers(0, 40)),
    st.tuples(st.just("cancel"), st.integers(0, 40)),
    st.tuples(st.just("delete_registration"), st.integers(0, 40)),
    st.tuples(st.just("move_date"), st.integers(0, 16), st.integers(-200, 200)),
    st.tuples(st.just("move_event"), st.integers(1, 2), st.integers(-200, 200)),
    st.tuples(st.just("kind"), st.integers(0, 2), st.sampled_from(("lecture", "community_cafe"))),
    st.tuples(st.just("delete_event"), st.integers(0, 2)),
    st.tuples(st.just("retire"), st.integers(0, 9)),
    st.tuples(st.just("reinstate"), st.integers(0, 9)),
    st.tuples(st.just("merge"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("undo_merge"), st.integers(0, 5)),
    # Undone at once, before anything else touches the rows (later an undo is refused).
    st.tuples(st.just("merge_and_undo"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("add_member")),
    st.tuples(st.just("rename"), st.integers(0, 9)),
)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _shift(at: datetime, days: int) -> datetime:
    return at + timedelta(days=days)


def apply(world: World, edit: tuple) -> None:  # noqa: C901 - one branch per kind of edit
    ctx, kind = world.ctx, edit[0]
    regs = world.registrations
    who = world.members[edit[1] % len(world.members)] if len(edit) > 1 else ""
    try:
        if kind == "register":
            world.register(edit[1], edit[2], edit[3], edit[4])
        elif kind in ("toggle", "cancel", "delete_registration") and regs:
            reg_id = regs[edit[1] % len(regs)]
            with ctx.db.transaction() as s:
                row = s.get(Registration, reg_id)
                assert row is not None
                attended = row.attended
            if kind == "toggle" and attended:
                events.undo_check_in(ctx, reg_id)
            elif kind == "toggle":
                events.check_in(ctx, reg_id)
            elif kind == "cancel":
                events.cancel_registration(ctx, reg_id)
            else:
                with ctx.db.transaction() as s:
                    row = s.get(Registration, reg_id)
                    assert row is not None
                    row.deleted = True
        elif kind == "move_date":
            with ctx.db.transaction() as s:
                occ = s.get(EventOccurrence, world.dates[edit[1]])
                assert occ is not None
                occ.starts_at = _shift(occ.starts_at, edit[2])
        elif kind in ("move_event", "kind", "delete_event"):
            with ctx.db.transaction() as s:
                event = s.get(Event, world.events[edit[1]])
                assert event is not None
                if kind == "move_event" and event.starts_at is not None:
                    event.starts_at = _shift(event.starts_at, edit[2])
                elif kind == "kind":
                    event.kind = edit[2]
                elif kind == "delete_event":
                    event.deleted = not event.deleted
        elif kind == "retire":
            members.retire_member(ctx, who)
        elif kind == "reinstate":
            members.reinstate_member(ctx, who)
        elif kind in ("merge", "merge_and_undo"):
            other = world.members[edit[2] % len(world.members)]
            world.merges.append(duplicates.merge_members(ctx, who, other))
            if kind == "merge_and_undo":
                check_all(ctx, TODAY)
                duplicates.undo_merge(ctx, world.merges.pop())
        elif kind == "undo_merge" and world.merges:
            duplicates.undo_merge(ctx, world.merges[edit[1] % len(world.merges)])
        elif kind == "add_member":
            world.members.append(world.add_member())
        elif kind == "rename":
            with ctx.db.transaction() as s:
                row = s.get(Member, who)
                assert row is not None
                row.given_name = row.given_name + "子"
    except UserError:
        pass  # refusals (already registered, merged, cancelled) change nothing


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.lists(EDITS, min_size=1, max_size=14),
    today=st.dates(date(2026, 1, 1), date(2027, 6, 30)),
)
def test_summary_equals_the_sql_after_random_edits(
    folder: Path, edits: list[tuple], today: date
) -> None:
    path = Path(tempfile.mkdtemp(dir=folder)) / "lapsed.sqlite"
    ctx = Context(open_database(path, create=True))
    try:
        set_up_chapter(ctx, "テスト町")
        world = World(ctx)
        for n in range(12):  # a history to start from: some regulars, some not
            world.register(n % 5, 0, n + (n % 3), came=n % 4 != 3)
        check_all(ctx, today)
        for edit in edits:
            apply(world, edit)
            check_all(ctx, today)
        with ctx.db.transaction() as s:
            live = s.scalars(select(Registration.id).where(Registration.deleted.is_(False)))
            assert set(live) <= set(world.registrations)
    finally:
        ctx.db.close()
