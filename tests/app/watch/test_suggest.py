"""A watch-over enrolment suggested from the lapsed list: the form's start, nothing saved."""

from __future__ import annotations

import pytest

from app import watch
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.roster import members
from app.roster.members import MemberInput
from app.watch.suggest import suggest_from_member
from tests.app.watch.test_watch import person


def _member(ctx: Context, **changes: str) -> str:
    data = dict(
        family_name="佐藤",
        given_name="花子",
        family_kana="サトウ",
        given_kana="ハナコ",
        postal_code="116-0011",
        address="東京都荒川区西尾久1-2-3",
        mobile="090-1234-5678",
    )
    data.update(changes)
    return members.add_member(ctx, MemberInput(**data)).id  # type: ignore[arg-type]


def test_the_members_name_address_and_phone_start_the_form(ctx: Context) -> None:
    member_id = _member(ctx)
    stored = members.get_member(ctx, member_id)
    found = suggest_from_member(ctx, member_id)
    p = found.person
    assert (p.family_name, p.given_name, p.family_kana, p.given_kana) == (
        "佐藤",
        "花子",
        stored.family_kana,
        stored.given_kana,
    )
    assert (p.postal_code, p.address) == (stored.postal_code, "東京都荒川区西尾久1-2-3")
    assert p.phone == stored.mobile  # no landline: the mobile
    assert p.consent is None and p.care_notes == "" and p.volunteer_ids == ()
    assert found.same_name == () and watch.list_people(ctx) == []  # nothing saved


def test_someone_of_the_same_name_under_watch_is_named(ctx: Context) -> None:
    member_id = _member(ctx, family_name="山田", phone="03-1111-2222")
    watch.add_person(ctx, person())
    found = suggest_from_member(ctx, member_id)
    assert found.person.phone == members.get_member(ctx, member_id).phone
    assert found.same_name == ("山田\u3000花子（ヤマダ ハナコ）",)


def test_only_who_may_enrol_and_a_missing_member_is_one_line(ctx: Context) -> None:
    member_id = _member(ctx)
    for role in ("visitor", "viewer"):
        with pytest.raises(PermissionDenied):
            suggest_from_member(ctx.with_actor(Actor("x", role)), member_id)
    with pytest.raises(UserError) as refused:
        suggest_from_member(ctx, "nobody")
    assert "\n" not in refused.value.message
