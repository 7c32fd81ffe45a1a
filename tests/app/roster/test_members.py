"""The roster service on a real SQLite file: names, order, search, retire, import, export."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.roster.members import (
    MemberInput,
    add_member,
    export_members,
    get_member,
    import_members,
    list_members,
    reinstate_member,
    resolve_member,
    retire_member,
    search_ids,
    update_member,
)
from db.models import Member, TakeOutLog


def add(ctx: Context, family: str, given: str = "", fk: str = "", gk: str = "", **kw: str) -> str:
    return add_member(
        ctx, MemberInput(family_name=family, given_name=given, family_kana=fk, given_kana=gk, **kw)
    ).id


def names(ctx: Context, query: str = "") -> list[str]:
    return [m.family_name + m.given_name for m in list_members(ctx, query)]


def test_names_are_stored_exactly_as_typed(ctx: Context) -> None:
    # 﨑 U+FA11 and 神 U+FA19 are compatibility ideographs that NFC/NFKC would rewrite.
    for family in ("髙橋", "山\ufa11", "\ufa19田", "𠮷田"):
        member_id = add(ctx, family, "花子")
        assert get_member(ctx, member_id).family_name == family


def test_readings_are_normalised_to_full_width_katakana(ctx: Context) -> None:
    member_id = add(ctx, "山田", "太郎", "ﾔﾏﾀﾞ", "たろう")
    view = get_member(ctx, member_id)
    assert (view.family_kana, view.given_kana) == ("ヤマダ", "タロウ")


def test_gojuon_order_for_mixed_input_with_empty_readings_last(ctx: Context) -> None:
    readings = ["ｱﾍﾞ", "イトウ", "かとう", "ガトウ", "ごとう", "こばやし", "サトウ", "わたなべ", ""]
    shuffled = readings[:]
    random.Random(4).shuffle(shuffled)
    for reading in shuffled:
        add(ctx, f"姓{reading or '無'}", "", reading)
    assert names(ctx) == [f"姓{r or '無'}" for r in readings]


def test_search_ignores_width_kana_type_and_variant_kanji(ctx: Context) -> None:
    taka = add(
        ctx, "髙橋", "一郎", "タカハシ", "イチロウ", member_number="0012345", phone="03-1234-5678"
    )
    add(ctx, "山﨑", "花子", "ヤマザキ", "ハナコ")
    add(ctx, "渡邊", "健", "ワタナベ", "ケン")
    assert search_ids(ctx, "たかはし") == [taka]
    assert search_ids(ctx, "ﾀｶﾊｼ") == [taka]
    assert search_ids(ctx, "高橋") == [taka]
    assert search_ids(ctx, "０３－１２３４") == [taka]
    assert search_ids(ctx, "5678") == [taka]
    assert search_ids(ctx, "0012345") == [taka]
    assert search_ids(ctx, "たか いち") == [taka]
    assert names(ctx, "山崎") == ["山﨑花子"]
    assert names(ctx, "渡辺") == ["渡邊健"]
    assert search_ids(ctx, "%") == []


def test_retire_hides_and_reinstate_restores(ctx: Context) -> None:
    member_id = add(ctx, "山田", "太郎", "ヤマダ", "タロウ")
    retire_member(ctx, member_id)
    assert search_ids(ctx) == []
    assert search_ids(ctx, include_retired=True) == [member_id]
    assert get_member(ctx, member_id).status == "retired"
    reinstate_member(ctx, member_id)
    assert search_ids(ctx) == [member_id]
    with ctx.db.transaction() as s:
        assert s.scalar(select(Member.deleted).where(Member.id == member_id)) is False


def test_bad_values_are_refused_with_nothing_written(ctx: Context) -> None:
    add(ctx, "山田", member_number="0000001")
    for bad in (
        MemberInput(),
        MemberInput(family_name="田中", postal_code="12-34"),
        MemberInput(family_name="田中", email="not-an-address"),
        MemberInput(family_name="田中", member_number="0000001"),
        MemberInput(family_name="田中", roles=("boss",)),
    ):
        with pytest.raises(UserError):
            add_member(ctx, bad)
    assert names(ctx) == ["山田"]


def test_postal_code_is_normalised(ctx: Context) -> None:
    member_id = add(ctx, "山田", postal_code="〒１１６００１１")
    assert get_member(ctx, member_id).postal_code == "116-0011"


def test_update_keeps_the_id_and_changes_fields(ctx: Context) -> None:
    member_id = add(ctx, "山田", "太郎", "ヤマダ", "タロウ")
    update_member(
        ctx,
        member_id,
        MemberInput(
            family_name="山田", given_name="次郎", family_kana="ヤマダ", given_kana="ジロウ"
        ),
    )
    assert get_member(ctx, member_id).given_name == "次郎"
    assert search_ids(ctx, "じろう") == [member_id]


def test_resolve_by_prefix_or_number(ctx: Context) -> None:
    member_id = add(ctx, "山田", member_number="0000042")
    assert resolve_member(ctx, member_id[:8]) == member_id
    assert resolve_member(ctx, "0000042") == member_id
    with pytest.raises(UserError):
        resolve_member(ctx, "zzzz")


def test_viewer_sees_no_personal_data_and_visitor_cannot_edit(ctx: Context) -> None:
    member_id = add(ctx, "山田", "太郎", member_number="0000001", address="荒川区1-1")
    viewer = Context(ctx.db, Actor("見る人", "viewer"))
    with pytest.raises(PermissionDenied):
        list_members(viewer)
    visitor = Context(ctx.db, Actor("訪問者", "visitor"))
    seen = get_member(visitor, member_id)
    assert seen.family_name == "山田" and seen.address == "" and seen.member_number == ""
    with pytest.raises(PermissionDenied):
        add_member(visitor, MemberInput(family_name="田中"))
    with pytest.raises(PermissionDenied):
        export_members(visitor, Path("x.csv"))


def write_cp932(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="cp932", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)


HEADER = ["氏名", "フリガナ", "組合員番号", "郵便番号", "住所", "電話番号"]


def test_import_cp932_then_reimport_updates_instead_of_duplicating(
    ctx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "名簿.csv"
    write_cp932(
        path,
        [
            HEADER,
            [
                "髙橋　一郎",
                "タカハシ イチロウ",
                "0000001",
                "1160011",
                "荒川区西尾久1-1",
                "03-1111-2222",
            ],
            ["山﨑 花子", "ヤマザキ ハナコ", "", "116-0012", "荒川区東尾久2-2", "03-3333-4444"],
        ],
    )
    report = import_members(ctx, path)
    assert (report.added, report.updated, report.encoding) == (2, 0, "cp932")
    assert names(ctx) == ["髙橋一郎", "山﨑花子"]
    write_cp932(
        path,
        [
            HEADER,
            [
                "髙橋　一郎",
                "タカハシ イチロウ",
                "0000001",
                "1160011",
                "荒川区西尾久9-9",
                "03-1111-2222",
            ],
            ["山﨑 花子", "ヤマザキ ハナコ", "", "116-0012", "荒川区東尾久2-2", "03-3333-4444"],
        ],
    )
    report = import_members(ctx, path)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert [m.address for m in list_members(ctx)][0] == "荒川区西尾久9-9"


def test_a_file_with_bad_rows_is_refused_whole(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    write_cp932(
        path,
        [
            HEADER,
            ["田中 太郎", "タナカ タロウ", "", "1160011", "", ""],
            ["山田 花子", "ヤマダ ハナコ", "", "12-34", "", ""],
            ["", "", "", "", "住所だけ", ""],
        ],
    )
    with pytest.raises(UserError) as info:
        import_members(ctx, path)
    details = "\n".join(info.value.details)
    assert "Line 3" in details and "Line 4" in details and "Line 2" not in details
    assert names(ctx) == []
    with pytest.raises(UserError):
        import_members(ctx, path, dry_run=True)


def test_dry_run_reports_and_writes_nothing(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    write_cp932(path, [HEADER, ["田中 太郎", "タナカ タロウ", "", "", "", ""]])
    report = import_members(ctx, path, dry_run=True)
    assert report.added == 1 and report.dry_run
    assert names(ctx) == []


def test_export_xlsx_keeps_leading_zeros_and_round_trips(ctx: Context, tmp_path: Path) -> None:
    add(
        ctx,
        "髙橋",
        "一郎",
        "タカハシ",
        "イチロウ",
        member_number="0000001",
        postal_code="060-0001",
        phone="03-1111-2222",
    )
    out = tmp_path / "roster.xlsx"
    assert export_members(ctx, out) == 1
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    values = [c.value for c in sheet[2]]
    assert "0000001" in values and "060-0001" in values and "髙橋" in values
    with ctx.db.transaction() as s:
        log = s.scalars(select(TakeOutLog)).one()
        assert (log.action, log.people_count, log.special_care) == ("export", 1, False)
    report = import_members(ctx, out)
    assert (report.added, report.unchanged) == (0, 1)


def test_export_csv_is_utf8_with_bom_and_crlf(ctx: Context, tmp_path: Path) -> None:
    add(ctx, "山﨑", "花子", "ヤマザキ", "ハナコ")
    out = tmp_path / "roster.csv"
    export_members(ctx, out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert "山﨑".encode() in data


def test_cp932_export_lists_characters_it_cannot_encode(ctx: Context, tmp_path: Path) -> None:
    add(ctx, "𠮷田", "花子", "ヨシダ", "ハナコ")
    out = tmp_path / "sjis.csv"
    with pytest.raises(UserError) as info:
        export_members(ctx, out, encoding="cp932")
    assert "𠮷" in info.value.message + "".join(info.value.details)
    assert not out.exists()
    export_members(ctx, out, encoding="cp932", replace_unencodable=True)
    assert "〓田".encode("cp932") in out.read_bytes()


def test_an_import_first_writes_a_checked_backup(ctx: Context, tmp_path: Path) -> None:
    from app.backups import list_backups

    path = tmp_path / "ok.csv"
    write_cp932(path, [HEADER, ["田中 太郎", "タナカ タロウ", "", "", "", ""]])
    before = len(list_backups(ctx))
    import_members(ctx, path, dry_run=True)
    assert len(list_backups(ctx)) == before
    import_members(ctx, path)
    made = list_backups(ctx)
    assert len(made) == before + 1
    assert "before-import" in made[0].path.name
