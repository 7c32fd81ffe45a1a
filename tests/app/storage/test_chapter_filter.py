"""The chapter filter at headquarters: each list narrowed to one chapter's rows, None keeps all.

Headquarters is a real HQ database fed by real sync packages from two chapter databases.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import events, watch
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.core.i18n import current_language, set_language
from app.roster import members
from app.storage import chapter
from app.watch import visits
from tests.app.sync.conftest import World

CHAPTERS = ("荒川", "足立")


@dataclass
class Fed:
    """Headquarters after both chapters' packages, and what each chapter made."""

    world: World
    member: dict[str, str]  # chapter name -> the member who is also a visitor
    other_member: dict[str, str]
    event: dict[str, str]
    person: dict[str, str]
    follow_up: dict[str, str]

    @property
    def hq(self) -> Context:
        return self.world.hq

    def chapter_id(self, name: str) -> str:
        return self.world.ids[name]


def _fill(ctx: Context, name: str) -> tuple[str, str, str, str, str]:
    """One chapter's rows: two members sharing the reading たなか, an event, a person, a follow-up."""
    visitor = members.add_member(
        ctx,
        members.MemberInput(
            family_name="田中",
            given_name=f"{name}子",
            family_kana="たなか",
            given_kana="はなこ",
            phone="03-1111-2222",
            roles=("visitor",),
        ),
    ).id
    other = members.add_member(
        ctx,
        members.MemberInput(
            family_name="田中", given_name=f"{name}男", family_kana="たなか", given_kana="たろう"
        ),
    ).id
    event = events.create_event(
        ctx,
        events.EventInput(
            title=f"{name}の食育講座", kind="lecture", starts_at=datetime(2024, 6, 1, 10, 0)
        ),
    ).id
    person = watch.add_person(
        ctx,
        watch.PersonInput(
            family_name=f"{name}見守",
            given_name="ふみ",
            family_kana="みまもり",
            given_kana="ふみ",
            volunteer_ids=(visitor,),
            started_on=date(2020, 4, 1),  # long overdue: on every due list
            consent=watch.Consent(date(2020, 4, 1), "見守り訪問の記録", "佐藤 花子", True),
        ),
    ).id
    follow = visits.open_follow_up(ctx, person, "contact", datetime(2024, 5, 1, 9, 0)).id
    return visitor, other, event, person, follow


def feed_headquarters(folder: Path) -> Fed:
    """A headquarters database that imported one real sync package from each of two chapters."""
    world = World(folder)
    made: dict[str, tuple[str, str, str, str, str]] = {}
    for name in CHAPTERS:
        made[name] = _fill(world.add_chapter(name), name)
    world.hq_import(*(world.chapter_export(name) for name in CHAPTERS))
    return Fed(
        world,
        member={n: m[0] for n, m in made.items()},
        other_member={n: m[1] for n, m in made.items()},
        event={n: m[2] for n, m in made.items()},
        person={n: m[3] for n, m in made.items()},
        follow_up={n: m[4] for n, m in made.items()},
    )


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fed]:
    previous = current_language()
    set_language("en")
    built = feed_headquarters(tmp_path_factory.mktemp("hq"))
    yield built
    built.world.close()
    set_language(previous)


def test_headquarters_knows_both_chapters_by_name(fed: Fed) -> None:
    known = chapter.known_chapters(fed.hq)
    assert [c.name for c in known] == sorted(CHAPTERS)
    assert {c.id for c in known} == {fed.chapter_id(n) for n in CHAPTERS}


def test_every_role_that_sees_a_list_may_list_chapters(fed: Fed) -> None:
    for role in ("coordinator", "visitor", "viewer"):
        ctx = Context(fed.hq.db, Actor(role, role, fed.member["荒川"]))
        assert len(chapter.known_chapters(ctx)) == 2
    with pytest.raises(PermissionDenied):
        chapter.known_chapters(Context(fed.hq.db, Actor("nobody", "no-such-role")))


def test_resolve_chapter_by_name_or_unique_id_prefix(fed: Fed) -> None:
    arakawa = fed.chapter_id("荒川")
    assert chapter.resolve_chapter(fed.hq, "荒川").id == arakawa
    assert chapter.resolve_chapter(fed.hq, arakawa[:8]).id == arakawa
    with pytest.raises(UserError, match="No chapter is called 品川"):
        chapter.resolve_chapter(fed.hq, "品川")
    with pytest.raises(UserError):
        chapter.resolve_chapter(fed.hq, "")


def test_members_search_count_and_list_by_chapter(fed: Fed) -> None:
    everyone = set(members.search_ids(fed.hq))
    mine = {n: {fed.member[n], fed.other_member[n]} for n in CHAPTERS}
    assert everyone == mine["荒川"] | mine["足立"]
    assert members.count_members(fed.hq) == 4
    for name in CHAPTERS:
        cid = fed.chapter_id(name)
        assert set(members.search_ids(fed.hq, chapter_id=cid)) == mine[name]
        assert members.count_members(fed.hq, chapter_id=cid) == 2
        listed = members.list_members(fed.hq, chapter_id=cid)
        assert {v.id for v in listed} == mine[name]
        assert all(name in v.given_name for v in listed)


def test_search_within_one_chapter_at_headquarters(fed: Fed) -> None:
    # たなか is in both chapters; the filter keeps one chapter's, in gojūon order.
    assert len(members.search_ids(fed.hq, "たなか")) == 4
    for name in CHAPTERS:
        cid = fed.chapter_id(name)
        found = members.search_ids(fed.hq, "たなか", chapter_id=cid)
        assert found == [fed.other_member[name], fed.member[name]]  # たろう before はなこ
        assert members.search_ids(fed.hq, "たろう", chapter_id=cid) == [fed.other_member[name]]
        assert members.search_ids(fed.hq, "1111", chapter_id=cid) == [fed.member[name]]
    assert members.search_ids(fed.hq, chapter_id="no-such-chapter") == []


def test_a_retired_member_stays_out_unless_asked_for_within_the_chapter(
    tmp_path: Path,
) -> None:
    world = World(tmp_path)
    try:
        ctx = world.add_chapter("荒川")
        world.add_chapter("足立")
        kept = members.add_member(ctx, members.MemberInput(family_name="残", family_kana="のこり"))
        gone = members.add_member(ctx, members.MemberInput(family_name="去", family_kana="さり"))
        members.retire_member(ctx, gone.id)
        world.hq_import(world.chapter_export("荒川"))
        cid = world.ids["荒川"]
        assert members.search_ids(world.hq, chapter_id=cid) == [kept.id]
        assert set(members.search_ids(world.hq, "", True, chapter_id=cid)) == {kept.id, gone.id}
        assert members.search_ids(world.hq, chapter_id=world.ids["足立"]) == []
        assert members.count_members(world.hq, True, chapter_id=cid) == 2
    finally:
        world.close()


def test_events_by_chapter(fed: Fed) -> None:
    assert {r.id for r in events.list_events(fed.hq)} == set(fed.event.values())
    for name in CHAPTERS:
        rows = events.list_events(fed.hq, 2024, chapter_id=fed.chapter_id(name))
        assert [r.id for r in rows] == [fed.event[name]]


def test_people_due_list_and_follow_ups_by_chapter(fed: Fed) -> None:
    assert {p.id for p in watch.list_people(fed.hq)} == set(fed.person.values())
    due_all = visits.due_list(fed.hq, date(2024, 6, 1))
    assert {i.person_id for i in due_all} == set(fed.person.values())
    assert {f.id for f in visits.list_follow_ups(fed.hq)} == set(fed.follow_up.values())
    for name in CHAPTERS:
        cid = fed.chapter_id(name)
        assert [p.id for p in watch.list_people(fed.hq, chapter_id=cid)] == [fed.person[name]]
        due = visits.due_list(fed.hq, date(2024, 6, 1), chapter_id=cid)
        assert sorted((i.kind, i.id) for i in due) == sorted(
            [(visits.OVERDUE, fed.person[name]), (visits.FOLLOW_UP, fed.follow_up[name])]
        )
        follows = visits.list_follow_ups(fed.hq, chapter_id=cid)
        assert [f.id for f in follows] == [fed.follow_up[name]]


def test_a_visitor_sees_only_their_own_people_whatever_the_filter(fed: Fed) -> None:
    visitor = Context(fed.hq.db, Actor("aya", "visitor", fed.member["荒川"]))
    own = [fed.person["荒川"]]
    assert [p.id for p in watch.list_people(visitor)] == own
    assert [p.id for p in watch.list_people(visitor, chapter_id=fed.chapter_id("荒川"))] == own
    assert watch.list_people(visitor, chapter_id=fed.chapter_id("足立")) == []
    assert visits.due_list(visitor, date(2024, 6, 1), chapter_id=fed.chapter_id("足立")) == []
    due = visits.due_list(visitor, date(2024, 6, 1), chapter_id=fed.chapter_id("荒川"))
    assert {i.person_id for i in due} == set(own)
    assert {i.person_id for i in visits.due_list(visitor, date(2024, 6, 1))} == set(own)
    assert visits.list_follow_ups(visitor, chapter_id=fed.chapter_id("足立")) == []


def test_a_chapter_database_knows_only_itself(ctx: Context) -> None:
    chapter.set_up_chapter(ctx, "北区まちづくり")
    assert [c.name for c in chapter.known_chapters(ctx)] == ["北区まちづくり"]


# --- the search index's chapter filter, as a property ----------------------------------------

SEARCH_CHAPTERS = ("chapter-a", "chapter-b", "chapter-c")


@pytest.fixture(scope="module")
def mixed_roster(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Context, dict[str, str]]]:
    """300 invented members spread over three chapter ids, some retired (inserted directly,
    as headquarters holds them after imports)."""
    from app.setup.demo import fictional_members
    from app.storage.database import open_database
    from db.models import Member

    db = open_database(tmp_path_factory.mktemp("mixed") / "hq.sqlite", create=True)
    ctx = Context(db)
    chapter_of: dict[str, str] = {}
    with db.transaction() as s:
        for i, person in enumerate(fictional_members(300, seed=5)):
            row = Member(status=members.RETIRED if i % 7 == 0 else members.ACTIVE)
            members._apply(row, members.normalise_input(person))
            row.chapter_id = SEARCH_CHAPTERS[i % 3] if i % 11 else None
            s.add(row)
            s.flush()
            chapter_of[row.id] = row.chapter_id or ""
    yield ctx, chapter_of
    db.close()


@settings(max_examples=60, deadline=None)
@given(
    query=st.sampled_from(["", "た", "たかはし", "さ", "03", "山", "ん", "こ た", "zz"]),
    wanted=st.sampled_from((*SEARCH_CHAPTERS, "missing")),
    include_retired=st.booleans(),
)
def test_a_chapter_filter_is_the_unfiltered_result_narrowed(
    mixed_roster: tuple[Context, dict[str, str]], query: str, wanted: str, include_retired: bool
) -> None:
    ctx, chapter_of = mixed_roster
    everyone = members.search_ids(ctx, query, include_retired)
    narrowed = members.search_ids(ctx, query, include_retired, chapter_id=wanted)
    assert narrowed == [i for i in everyone if chapter_of[i] == wanted]
