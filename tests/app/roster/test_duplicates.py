"""Duplicates and merging (issue 16, part 1): candidate pairs, import pairs, merge, sync."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app import cli, events
from app.core.context import Actor, Context
from app.core.errors import PermissionDenied, UserError
from app.events.views import EventInput, GuestInput, OccurrenceInput
from app.roster import duplicates, members
from app.roster.members import MemberInput
from db.models import Member, Registration, WatchAssignment, WatchedPerson


def _add(ctx: Context, family: str, given: str, fk: str, gk: str, **kw: str) -> str:
    return members.add_member(
        ctx,
        MemberInput(family_name=family, given_name=given, family_kana=fk, given_kana=gk, **kw),
    ).id


def _cafe(ctx: Context) -> events.EventView:
    return events.create_event(
        ctx,
        EventInput(
            title="ふれあいカフェ",
            kind="community_cafe",
            recurrence="monthly",
            occurrences=tuple(OccurrenceInput(datetime(2026, m, 15, 10, 0)) for m in (4, 10)),
        ),
    )


def _pairs(ctx: Context) -> set[frozenset[str]]:
    return {frozenset((p.first.id, p.second.id)) for p in duplicates.find_duplicates(ctx)}


def test_pairs_by_variant_kanji_reading_phone_and_address_not_by_one_alone(ctx: Context) -> None:
    takahashi = _add(ctx, "髙橋", "花子", "タカハシ", "ハナコ")
    takahashi2 = _add(ctx, "高橋", "花子", "たかはし", "はなこ")
    sato = _add(ctx, "佐藤", "一郎", "サトウ", "イチロウ", phone="03-1234-5678")
    sato2 = _add(ctx, "佐東", "一朗", "サトウ", "イチロウ", mobile="0312345678")
    home = {"postal_code": "116-0001", "address": "荒川区町屋1丁目2番3号"}
    yamada = _add(ctx, "山田", "和子", "ヤマダ", "カズコ", **home)
    yamada2 = _add(
        ctx, "山田", "和", "ヤマダ", "カズコ", postal_code="1160001", address="荒川区町屋1-2-3"
    )
    # A couple: one phone, one address, different names and readings: not a pair.
    _add(ctx, "鈴木", "太郎", "スズキ", "タロウ", phone="03-9999-0000", **home)
    _add(ctx, "鈴木", "花", "スズキ", "ハナ", phone="03-9999-0000", **home)
    _add(ctx, "伊藤", "花子", "イトウ", "ハナコ")  # same given name only
    found = {frozenset((p.first.id, p.second.id)): p for p in duplicates.find_duplicates(ctx)}
    assert set(found) == {
        frozenset((takahashi, takahashi2)),
        frozenset((sato, sato2)),
        frozenset((yamada, yamada2)),
    }
    assert found[frozenset((takahashi, takahashi2))].reasons == ["reading", "name_variant"]
    assert found[frozenset((sato, sato2))].reasons == ["reading", "phone"]
    assert found[frozenset((yamada, yamada2))].reasons == ["reading", "address", "postal"]


def test_a_walk_in_guest_who_joined_later_is_one_pair_and_merges_with_both_visits(
    ctx: Context,
) -> None:
    cafe = _cafe(ctx)
    spring, autumn = cafe.occurrences
    guest = events.register_guest(
        ctx,
        cafe.id,
        GuestInput(family_name="渡邊", given_name="幸子", family_kana="ワタナベ",
                   given_kana="サチコ", contact="090-1111-2222"),
        occurrence_id=spring.id,
    )  # fmt: skip
    events.check_in(ctx, guest.id)
    member = _add(ctx, "渡辺", "幸子", "ワタナベ", "サチコ", mobile="090-1111-2222")
    reg = events.register_member(ctx, cafe.id, member, occurrence_id=autumn.id)
    events.check_in(ctx, reg.id)
    pairs = duplicates.find_duplicates(ctx)
    assert [(p.first.id, p.first.kind, p.second.id, p.second.kind) for p in pairs] == [
        (member, "member", guest.id, "guest")
    ]
    assert pairs[0].reasons == ["reading", "name_variant", "phone"]
    outcome = duplicates.merge_members(ctx, member, guest.id[:8])
    assert outcome.registrations == 1
    with ctx.db.transaction() as s:
        attended = s.scalars(
            select(Registration.occurrence_id).where(
                Registration.member_id == member, Registration.attended.is_(True)
            )
        ).all()
    assert sorted(attended) == sorted([spring.id, autumn.id])
    assert duplicates.find_duplicates(ctx) == []


def test_merge_moves_registrations_and_watch_roles_and_leaves_a_tombstone(ctx: Context) -> None:
    cafe = _cafe(ctx)
    spring, autumn = cafe.occurrences
    keep = _add(ctx, "佐藤", "一郎", "サトウ", "イチロウ", phone="03-1234-5678")
    other = _add(ctx, "佐藤", "一朗", "サトウ", "イチロウ", phone="03-1234-5678",
                 email="ichiro@example.jp", member_number="A-17")  # fmt: skip
    events.register_member(ctx, cafe.id, keep, occurrence_id=spring.id)
    both = events.register_member(ctx, cafe.id, other, occurrence_id=spring.id)
    events.check_in(ctx, both.id)
    events.register_member(ctx, cafe.id, other, occurrence_id=autumn.id)
    with ctx.db.transaction() as s:
        person = WatchedPerson(family_name="見守", given_name="様")
        s.add(person)
        s.flush()
        s.add(WatchAssignment(person_id=person.id, member_id=other))
    with ctx.db.transaction() as s:
        row = s.get(Member, other)
        assert row is not None
        row.tags, row.household = ["配達A"], "H-9"
    outcome = duplicates.merge_members(ctx, keep, other)
    assert (outcome.registrations, outcome.removed_registrations, outcome.watch_roles) == (1, 1, 1)
    with ctx.db.transaction() as s:
        kept_row = s.get(Member, keep)
        assert kept_row is not None and (kept_row.tags, kept_row.household) == (["配達A"], "H-9")
    with ctx.db.transaction() as s:
        gone = s.get(Member, other)
        assert gone is not None and gone.deleted and gone.merged_into == keep
        live = s.execute(
            select(Registration.occurrence_id, Registration.attended).where(
                Registration.member_id == keep, Registration.deleted.is_(False)
            )
        ).all()
        roles = s.scalars(select(WatchAssignment.member_id)).all()
    # One registration per date; the spring one attended because the other record was.
    assert sorted(live) == sorted([(spring.id, True), (autumn.id, False)])
    assert roles == [keep]
    kept = members.get_member(ctx, keep)
    assert (kept.email, kept.member_number) == ("ichiro@example.jp", "A-17")
    with pytest.raises(UserError):
        members.get_member(ctx, other)


def test_merge_refuses_bad_input_and_non_coordinators(ctx: Context) -> None:
    a = _add(ctx, "佐藤", "一郎", "サトウ", "イチロウ")
    with pytest.raises(UserError):
        duplicates.merge_members(ctx, a, a)
    with pytest.raises(UserError):
        duplicates.merge_members(ctx, a, "nosuchid")
    for role in ("visitor", "viewer"):
        other = Context(ctx.db, Actor("v", role))
        with pytest.raises(PermissionDenied):
            duplicates.find_duplicates(other)
        with pytest.raises(PermissionDenied):
            duplicates.merge_members(other, a, a)


def test_similar_members_on_save(ctx: Context) -> None:
    a = _add(ctx, "髙橋", "花子", "タカハシ", "ハナコ", phone="03-1111-2222")
    same_name = MemberInput(family_name="高橋", given_name="花子")
    same_reading_phone = MemberInput(
        family_name="高箸", given_name="華子", family_kana="タカハシ", given_kana="ハナコ",
        phone="0311112222",
    )  # fmt: skip
    reading_only = MemberInput(
        family_name="鷹嘴", given_name="英子", family_kana="タカハシ", given_kana="ハナコ"
    )
    assert [m.id for m in duplicates.similar_members(ctx, same_name)] == [a]
    assert [m.id for m in duplicates.similar_members(ctx, same_reading_phone)] == [a]
    assert duplicates.similar_members(ctx, reading_only) == []
    assert duplicates.similar_members(ctx, same_name, exclude_id=a) == []


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_import_never_renumbers_a_member_and_lists_the_pair(ctx: Context, tmp_path: Path) -> None:
    old = _add(ctx, "山田", "太郎", "ヤマダ", "タロウ", phone="03-1234-5678", member_number="001")
    path = tmp_path / "roster.csv"
    _write_csv(
        path,
        [
            {"会員番号": "002", "姓": "山田", "名": "太郎", "セイ": "ヤマダ", "メイ": "タロウ",
             "電話": "03-1234-5678"},
        ],
    )  # fmt: skip
    dry = members.import_members(ctx, path, dry_run=True)
    assert (dry.added, dry.updated) == (1, 0)
    assert [(c.line, c.id) for c in dry.candidates] == [(2, old)]
    report = members.import_members(ctx, path)
    assert (report.added, report.updated) == (1, 0)
    assert members.get_member(ctx, old).member_number == "001"
    assert len(_pairs(ctx)) == 1


def test_command_line_duplicates_json_and_merge(
    ctx: Context, db_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    a = _add(ctx, "髙橋", "花子", "タカハシ", "ハナコ")
    b = _add(ctx, "高橋", "花子", "タカハシ", "ハナコ")
    ctx.db.close()
    path = tmp_path / "copy.sqlite"
    shutil.copy2(db_path, path)
    assert cli.run(["--db", str(path), "members", "duplicates", "--json"]) == 0
    listed = json.loads(capfd.readouterr().out)
    assert [(p["first"]["id"], p["second"]["id"]) for p in listed] in ([(a, b)], [(b, a)])
    assert listed[0]["id"] and listed[0]["score"] >= duplicates.MIN_SCORE
    assert cli.run(["--db", str(path), "members", "merge", a[:8], "zzzz"]) == 1
    assert len(capfd.readouterr().err.strip().splitlines()) == 1
    assert cli.run(["--db", str(path), "members", "merge", a[:8], b[:8]]) == 0
    capfd.readouterr()
    assert cli.run(["--db", str(path), "members", "duplicates", "--json"]) == 0
    assert json.loads(capfd.readouterr().out) == []


def _snapshot(ctx: Context) -> dict[str, dict[str, object]]:
    """Every member and registration row, without the stamps a write renews."""
    stamps = {"version", "local_seq", "seen_version"}
    out: dict[str, dict[str, object]] = {}
    with ctx.db.transaction(stamp=False) as s:
        for model in (Member, Registration, WatchAssignment):
            for row in s.scalars(select(model)):
                cols = [c.key for c in model.__table__.columns if c.key not in stamps]
                out[f"{model.__tablename__}:{row.id}"] = {c: getattr(row, c) for c in cols}
    return out


def _pair_with_history(ctx: Context) -> tuple[str, str]:
    cafe = _cafe(ctx)
    spring, autumn = cafe.occurrences
    keep = _add(ctx, "佐藤", "一郎", "サトウ", "イチロウ", phone="03-1234-5678")
    other = _add(ctx, "佐藤", "一朗", "サトウ", "イチロウ", phone="03-1234-5678",
                 email="ichiro@example.jp", member_number="A-17")  # fmt: skip
    events.register_member(ctx, cafe.id, keep, occurrence_id=spring.id)
    both = events.register_member(ctx, cafe.id, other, occurrence_id=spring.id)
    events.check_in(ctx, both.id)
    events.register_member(ctx, cafe.id, other, occurrence_id=autumn.id)
    with ctx.db.transaction() as s:
        person = WatchedPerson(family_name="見守", given_name="様")
        s.add(person)
        s.flush()
        s.add(WatchAssignment(person_id=person.id, member_id=other))
    return keep, other


def test_undo_right_after_a_merge_gives_both_members_back_exactly(ctx: Context) -> None:
    keep, other = _pair_with_history(ctx)
    before = _snapshot(ctx)
    outcome = duplicates.merge_members(ctx, keep, other)
    assert _snapshot(ctx) != before
    versions = {k: v for k, v in _versions(ctx).items()}
    duplicates.undo_merge(ctx, outcome)
    assert _snapshot(ctx) == before
    # The undo is an ordinary edit: every restored row carries a new version for sync.
    after = _versions(ctx)
    assert all(after[f"{b.table}:{b.id}"] > versions[f"{b.table}:{b.id}"] for b in outcome.before)
    assert members.get_member(ctx, other).email == "ichiro@example.jp"
    with pytest.raises(UserError):
        duplicates.undo_merge(ctx, outcome)


def _versions(ctx: Context) -> dict[str, str]:
    with ctx.db.transaction(stamp=False) as s:
        return {
            f"{m.__tablename__}:{r.id}": r.version
            for m in (Member, Registration, WatchAssignment)
            for r in s.scalars(select(m))
        }


def test_undo_after_a_later_edit_is_refused_and_changes_nothing(ctx: Context) -> None:
    keep, other = _pair_with_history(ctx)
    outcome = duplicates.merge_members(ctx, keep, other)
    with ctx.db.transaction() as s:
        row = s.get(Member, keep)
        assert row is not None
        row.address = "東京都杉並区1-2-3"
    edited = _snapshot(ctx)
    with pytest.raises(UserError, match="changed after"):
        duplicates.undo_merge(ctx, outcome)
    assert _snapshot(ctx) == edited


def test_undo_of_a_guest_merge_gives_the_walk_in_back(ctx: Context) -> None:
    cafe = _cafe(ctx)
    spring, _autumn = cafe.occurrences
    guest = events.register_guest(
        ctx,
        cafe.id,
        GuestInput(family_name="渡邊", given_name="幸子", family_kana="ワタナベ",
                   given_kana="サチコ", contact="090-1111-2222"),
        occurrence_id=spring.id,
    )  # fmt: skip
    member = _add(ctx, "渡辺", "幸子", "ワタナベ", "サチコ", mobile="090-1111-2222")
    before = _snapshot(ctx)
    outcome = duplicates.merge_members(ctx, member, guest.id[:8])
    assert outcome.registrations == 1 and _snapshot(ctx) != before
    duplicates.undo_merge(ctx, outcome)
    assert _snapshot(ctx) == before
    assert len(duplicates.find_duplicates(ctx)) == 1
