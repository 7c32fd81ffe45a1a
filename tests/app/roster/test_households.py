"""Households and groups: tagging, moving out, import/export columns, mailings, sync."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.context import Context
from app.core.errors import UserError
from app.core.text.groups import clean_tags, split_tags
from app.printing import mailing
from app.roster import households, members


def _add(ctx: Context, given_name: str, kana: str, address: str, **kw: object) -> str:
    return members.add_member(
        ctx,
        members.MemberInput(
            family_name="山田",
            given_name=given_name,
            family_kana="ヤマダ",
            given_kana=kana,
            postal_code="160-0023",
            address=address,
            consent_contact=True,
            **kw,  # type: ignore[arg-type]
        ),
    ).id


def test_tags_are_folded_split_and_kept_once() -> None:
    assert split_tags("年賀状、３班; 配達Ａ／年賀状") == ("年賀状", "3班", "配達A")
    assert clean_tags(["  地区  東 ", ""]) == ("地区 東",)
    with pytest.raises(UserError):
        clean_tags(["班\u202e"])
    with pytest.raises(UserError):
        clean_tags([f"t{i}" for i in range(21)])


@given(st.lists(st.text(alphabet="班地区年賀状123ABC 、;", max_size=12), max_size=8))
def test_cleaning_is_idempotent(raw: list[str]) -> None:
    once = clean_tags(raw)
    assert clean_tags(once) == once


def test_tag_untag_and_list_by_tag(ctx: Context) -> None:
    taro = _add(ctx, "太郎", "タロウ", "西新宿2-8-1")
    hana = _add(ctx, "花子", "ハナコ", "西新宿2-8-1")
    assert households.tag_members(ctx, [taro, hana], ["3班"]) == 2
    assert households.tag_members(ctx, [taro], ["年賀状", "3班"]) == 1
    assert members.get_member(ctx, taro).tags == ("3班", "年賀状")
    assert [m.id for m in members.list_members(ctx, tags=["年賀状"])] == [taro]
    assert households.list_tags(ctx) == [("3班", 2), ("年賀状", 1)]
    households.untag_members(ctx, [taro], ["3班"])
    assert members.get_member(ctx, taro).tags == ("年賀状",)
    with pytest.raises(UserError):
        households.tag_members(ctx, ["no-such-id"], ["x"])


def test_moving_away_from_the_household_leaves_it(ctx: Context) -> None:
    taro = _add(ctx, "太郎", "タロウ", "西新宿2-8-1", household="H-1")
    hana = _add(ctx, "花子", "ハナコ", "西新宿2-8-1", household="H-1")
    view = members.get_member(ctx, hana)
    data = members.MemberInput(
        **{k: getattr(view, k) for k in members.MemberInput.__dataclass_fields__}
    )
    from dataclasses import replace

    moved = members.update_member(ctx, hana, replace(data, address="三鷹市下連雀3-1-1"))
    assert moved.household == ""
    assert members.get_member(ctx, taro).household == "H-1"
    # A household moving together (the last one there) keeps its number.
    view = members.get_member(ctx, taro)
    data = members.MemberInput(
        **{k: getattr(view, k) for k in members.MemberInput.__dataclass_fields__}
    )
    assert (
        members.update_member(ctx, taro, replace(data, address="三鷹市下連雀3-1-1")).household
        == "H-1"
    )


def test_households_list_and_one_piece_per_household(ctx: Context) -> None:
    taro = _add(ctx, "太郎", "タロウ", "西新宿2-8-1", household="H-1")
    _add(ctx, "花子", "ハナコ", "西新宿２－８－１ ", household="H-1")
    _add(ctx, "一郎", "イチロウ", "西新宿9-9-9")
    found = households.list_households(ctx)
    assert [(h.id, len(h.members)) for h in found] == [("H-1", 2)]
    assert "山田" in found[0].name
    pieces = mailing.select_recipients(ctx, per_household=True).pieces
    assert sorted(len(p.names) for p in pieces) == [1, 2]
    households.set_household(ctx, [taro], "")
    assert households.list_households(ctx)[0].members[0].name.endswith("花子")


def test_import_and_export_carry_household_and_groups(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(
        (
            "氏名,フリガナ,郵便番号,住所,世帯番号,グループ\r\n"
            "山田 太郎,ヤマダ タロウ,160-0023,西新宿2-8-1,H-7,年賀状、3班\r\n"
            "山田 花子,ヤマダ ハナコ,160-0023,西新宿2-8-1,H-7,3班\r\n"
        ).encode("cp932")
    )
    members.import_members(ctx, path)
    rows = members.list_members(ctx)
    assert {(m.given_name, m.household, m.tags) for m in rows} == {
        ("太郎", "H-7", ("年賀状", "3班")),
        ("花子", "H-7", ("3班",)),
    }
    # A later file without those columns leaves households and groups alone.
    plain = tmp_path / "plain.csv"
    plain.write_bytes(
        "氏名,フリガナ,郵便番号,住所\r\n山田 太郎,ヤマダ タロウ,160-0023,西新宿2-8-1\r\n".encode(
            "cp932"
        )
    )
    members.import_members(ctx, plain)
    taro = next(m for m in members.list_members(ctx) if m.given_name == "太郎")
    assert (taro.household, taro.tags) == ("H-7", ("年賀状", "3班"))
    out = tmp_path / "out.csv"
    members.export_members(ctx, out)
    text = out.read_text(encoding="utf-8-sig")
    assert "世帯番号" in text and "年賀状、3班" in text
    # And it reads back as it was written.
    members.import_members(ctx, out)
    assert members.get_member(ctx, taro.id).tags == ("年賀状", "3班")
