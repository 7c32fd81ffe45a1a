"""Partner directories: organisations and lecturers with affiliations, found by name or reading."""

from __future__ import annotations

import pytest

from app import events, partners
from app.core.context import Context
from app.core.errors import UserError
from app.partners import LecturerInput, OrganisationInput


def test_organisations_add_edit_find_and_sort_by_reading(ctx: Context) -> None:
    bank = partners.add_organisation(
        ctx,
        OrganisationInput(name="フードバンク昭島", kana="ふーどばんくあきしま", kind="food_bank"),
    )
    council = partners.add_organisation(
        ctx,
        OrganisationInput(
            name=" 北区社会福祉協議会 ",
            kana="きたくしゃかいふくしきょうぎかい",
            kind="social_welfare_council",
        ),
    )
    federation = partners.add_organisation(
        ctx, OrganisationInput(name="東京都生活協同組合連合会", short_name="東京都生協連")
    )
    assert council.name == "北区社会福祉協議会" and council.kana.startswith("キタク")
    assert council.kind_label == "Social welfare council"
    assert [o.id for o in partners.list_organisations(ctx)] == [council.id, bank.id, federation.id]
    assert [o.id for o in partners.list_organisations(ctx, "ふーど")] == [bank.id]
    assert partners.find_organisation(ctx, "東京都生協連") == federation
    assert federation.display_name == "東京都生協連"
    with pytest.raises(UserError, match="already"):
        partners.add_organisation(ctx, OrganisationInput(name="フードバンク昭島"))
    with pytest.raises(UserError, match="kind"):
        partners.add_organisation(ctx, OrganisationInput(name="x", kind="club"))
    with pytest.raises(UserError, match="name"):
        partners.add_organisation(ctx, OrganisationInput(name="  "))
    edited = partners.update_organisation(
        ctx, bank.id, OrganisationInput(name="フードバンク昭島", kind="npo", phone="042-626-3111")
    )
    assert (edited.kind, edited.phone) == ("npo", "042-626-3111")


def test_lecturers_with_affiliation_from_the_directory_or_typed(ctx: Context) -> None:
    council = partners.add_organisation(ctx, OrganisationInput(name="北区社会福祉協議会"))
    linked = partners.add_lecturer(
        ctx,
        LecturerInput(
            family_name="小原",
            given_name="宗一",
            family_kana="おはら",
            given_kana="そういち",
            organisation_id=council.id,
        ),
    )
    typed = partners.add_lecturer(
        ctx,
        LecturerInput(
            family_name="軸丸",
            given_name="里奈",
            family_kana="じくまる",
            given_kana="りな",
            affiliation="フードバンク昭島",
            title="代表",
        ),
    )
    assert linked.organisation_name == "北区社会福祉協議会"
    assert linked.affiliation_text == "北区社会福祉協議会"
    assert typed.affiliation_text == "フードバンク昭島\u3000代表"
    assert [v.full_name for v in partners.list_lecturers(ctx)] == ["小原 宗一", "軸丸 里奈"]
    assert [v.id for v in partners.list_lecturers(ctx, "じく")] == [typed.id]
    assert [v.id for v in partners.list_lecturers(ctx, "社会福祉")] == [linked.id]
    with pytest.raises(UserError, match="organisation"):
        partners.add_lecturer(ctx, LecturerInput(family_name="x", organisation_id="nope"))
    with pytest.raises(UserError, match="name"):
        partners.add_lecturer(ctx, LecturerInput())
    moved = partners.update_lecturer(
        ctx, typed.id, LecturerInput(family_name="軸丸", given_name="里奈", affiliation="別団体")
    )
    assert moved.affiliation_text == "別団体"


def test_directory_entries_in_use_stay(ctx: Context) -> None:
    org = partners.add_organisation(ctx, OrganisationInput(name="三鷹をつなげようプロジェクト"))
    lec = partners.add_lecturer(ctx, LecturerInput(family_name="西川", given_name="正"))
    lonely = partners.add_organisation(ctx, OrganisationInput(name="使われない団体"))
    events.create_event(
        ctx,
        events.EventInput(
            title="みたかde地域と生協の交流会",
            kind="exchange_meeting",
            partners=(events.PartnerLink(org.id, "organiser"),),
            lecturer_ids=(lec.id,),
        ),
    )
    with pytest.raises(UserError, match="stays"):
        partners.remove_organisation(ctx, org.id)
    with pytest.raises(UserError, match="stays"):
        partners.remove_lecturer(ctx, lec.id)
    partners.remove_organisation(ctx, lonely.id)
    assert [o.name for o in partners.list_organisations(ctx)] == ["三鷹をつなげようプロジェクト"]
    with pytest.raises(UserError):
        partners.get_organisation(ctx, lonely.id)
