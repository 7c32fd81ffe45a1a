"""A member merge travels through real packages: headquarters and the chapter end with one person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from app import events
from app.core.context import Context
from app.events.views import EventInput, OccurrenceInput
from app.roster import duplicates
from db.models import Member, Registration
from tests.app.sync.conftest import World, add


def _rows(ctx: Context, chapter_id: str) -> dict[str, Any]:
    with ctx.db.transaction() as s:
        people = {
            r.id: (r.version, r.deleted, r.merged_into)
            for r in s.scalars(select(Member).where(Member.chapter_id == chapter_id))
        }
        regs = {
            r.id: (r.version, r.deleted, r.member_id, r.attended)
            for r in s.scalars(select(Registration).where(Registration.chapter_id == chapter_id))
        }
    return {"members": people, "registrations": regs}


@pytest.mark.parametrize("merged_at", ["chapter", "hq"])
def test_a_merge_and_a_registration_made_apart_end_as_one_person_everywhere(
    world: World, merged_at: str
) -> None:
    arakawa = world.chapters["荒川"]
    chapter_id = world.ids["荒川"]
    keep = add(arakawa, Member, family_name="渡辺", given_name="幸子", family_kana="ワタナベ",
               given_kana="サチコ")  # fmt: skip
    other = add(arakawa, Member, family_name="渡邊", given_name="幸子", family_kana="ワタナベ",
                given_kana="サチコ")  # fmt: skip
    cafe = events.create_event(
        arakawa,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(OccurrenceInput(datetime(2026, m, 15, 10)) for m in (4, 10)),
        ),
    )
    spring, autumn = cafe.occurrences
    came = events.register_member(arakawa, cafe.id, other, occurrence_id=spring.id)
    events.check_in(arakawa, came.id)
    world.sync("荒川")

    # Apart: one side merges, the other still registers the old record for autumn.
    merging, registering = (arakawa, world.hq) if merged_at == "chapter" else (world.hq, arakawa)
    duplicates.merge_members(merging, keep, other)
    add(registering, Registration, event_id=cafe.id, occurrence_id=autumn.id, member_id=other,
        family_name="渡邊", given_name="幸子", chapter_id=chapter_id)  # fmt: skip
    world.sync("荒川")

    at_hq, at_chapter = _rows(world.hq, chapter_id), _rows(arakawa, chapter_id)
    assert at_hq == at_chapter
    assert at_hq["members"][other][1:] == (True, keep)
    live = [r for r in at_hq["registrations"].values() if not r[1]]
    assert sorted((r[2], r[3]) for r in live) == [(keep, False), (keep, True)]
    # The second chapter's view holds neither record.
    with world.chapters["足立"].db.transaction() as s:
        assert s.scalars(select(Member.id).where(Member.id.in_([keep, other]))).all() == []
    assert duplicates.find_duplicates(world.hq) == []


def test_merges_made_apart_in_opposite_directions_settle_on_one_person(world: World) -> None:
    arakawa = world.chapters["荒川"]
    chapter_id = world.ids["荒川"]
    a = add(arakawa, Member, family_name="髙橋", family_kana="タカハシ")
    b = add(arakawa, Member, family_name="高橋", family_kana="タカハシ")
    world.sync("荒川")
    duplicates.merge_members(arakawa, a, b)
    duplicates.merge_members(world.hq, b, a)
    world.sync("荒川")
    world.sync("荒川")
    at_hq, at_chapter = _rows(world.hq, chapter_id), _rows(arakawa, chapter_id)
    assert at_hq == at_chapter
    survivor, gone = sorted([a, b])
    assert at_hq["members"][survivor][1:] == (False, None)
    assert at_hq["members"][gone][1:] == (True, survivor)
