"""A duty roster travels with the chapter's package, and follows a merge made apart."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app import events
from app.core.context import Context
from app.events import duty
from app.events.views import EventInput, OccurrenceInput
from app.roster import duplicates
from db.models import DutyAssignment, Member
from tests.app.sync.conftest import World, add


def _duties(ctx: Context, chapter_id: str) -> dict[str, tuple[str, bool, str]]:
    with ctx.db.transaction() as s:
        return {
            d.id: (d.version, d.deleted, d.member_id)
            for d in s.scalars(
                select(DutyAssignment).where(DutyAssignment.chapter_id == chapter_id)
            )
        }


def test_a_roster_reaches_headquarters_and_a_merge_there_moves_the_duties(world: World) -> None:
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
            occurrences=tuple(OccurrenceInput(datetime(2026, m, 15, 10)) for m in (4, 5)),
        ),
    )
    duty.set_duty_roles(arakawa, cafe.id, [("受付", 2), ("調理", 2)])
    duty.assign_duty(arakawa, cafe.id, date(2026, 4, 15), "受付", other)
    world.sync("荒川")
    assert _duties(world.hq, chapter_id) == _duties(arakawa, chapter_id)
    assert [r.name for r in duty.duty_roster(world.hq, cafe.id).roles] == ["受付", "調理"]

    # Apart: headquarters merges; the chapter, not knowing yet, puts the old record on duty.
    duplicates.merge_members(world.hq, keep, other)
    duty.assign_duty(arakawa, cafe.id, date(2026, 5, 15), "調理", other)
    world.sync("荒川")

    at_hq, at_chapter = _duties(world.hq, chapter_id), _duties(arakawa, chapter_id)
    assert at_hq == at_chapter
    live = sorted(m for _v, deleted, m in at_hq.values() if not deleted)
    assert live == [keep, keep]
    mine = duty.member_duties(arakawa, keep)
    assert [(d.day, d.role) for d in mine] == [
        (date(2026, 4, 15), "受付"),
        (date(2026, 5, 15), "調理"),
    ]
    # The second chapter sees none of it.
    assert _duties(world.chapters["足立"], chapter_id) == {}
