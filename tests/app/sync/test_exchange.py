"""Packages between chapters and headquarters: round trips, receipts, privacy, replays, restore."""

from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.context import Context
from app.core.errors import UserError
from app.storage.database import open_database
from app.sync import exchange
from app.sync.exchange import sync_status
from db.models import Conflict, Member, Organisation, TakeOutLog, Visit, WatchedPerson
from tests.app.sync.conftest import World, add, edit


def state(ctx: Context, model: Any, chapter_id: str | None = "*") -> dict[str, tuple[Any, ...]]:
    """id -> (version, deleted, content...) of every row (of one owner, unless "*")."""
    table = model.__table__
    content = [c for c in table.columns if c.name not in ("id", "local_seq", "seen_version")]
    query = select(table.c.id, *content)
    if chapter_id != "*":
        query = query.where(table.c.chapter_id == chapter_id)
    with ctx.db.transaction() as s:
        return {r[0]: tuple(r) for r in s.execute(query)}


def member(ctx: Context, row_id: str) -> Member:
    with ctx.db.transaction() as s:
        row = s.get(Member, row_id)
        assert row is not None
        s.expunge(row)
        return row


def test_round_trip_both_ways(world: World) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="山田", given_name="花子")
    world.hq_import(world.chapter_export("荒川"))
    at_hq = member(world.hq, m)
    assert (at_hq.family_name, at_hq.chapter_id) == ("山田", world.ids["荒川"])

    org = add(world.hq, Organisation, name="荒川区社会福祉協議会")
    edit(world.hq, Member, m, note="本部で確認")
    world.chapter_import("荒川", world.hq_export("荒川"))
    assert member(arakawa, m).note == "本部で確認"
    assert org in state(arakawa, Organisation)
    # The receipt came back: nothing the chapter made is waiting any more except the take-out
    # log entries the exports themselves wrote.
    status = sync_status(arakawa)
    assert set(status.waiting) <= {"take_out_log"}
    assert status.last_receipt_at is not None


def test_outbox_is_only_what_changed_after_the_receipt(world: World) -> None:
    arakawa = world.chapters["荒川"]
    for i in range(5):
        add(arakawa, Member, family_name=f"会員{i}")
    world.sync("荒川")
    assert sync_status(arakawa).full_next is False
    m = add(arakawa, Member, family_name="新人")
    assert sync_status(arakawa).waiting.get("members") == 1
    result = exchange.sync_export(arakawa, world.folder / "next.tsync")
    assert result.counts.get("members") == 1 and not result.full
    assert world.hq_import(result.path)[0].applied.get("members") == 1
    assert m in state(world.hq, Member)


def test_a_chapter_never_receives_another_chapters_people(world: World) -> None:
    adachi = world.chapters["足立"]
    arakawa = world.chapters["荒川"]
    secret = add(adachi, Member, family_name="足立の人")
    person = add(adachi, WatchedPerson, family_name="見守り", care_notes="持病あり")
    add(adachi, Visit, person_id=person, visited_at=datetime(2026, 5, 1, 10, 0), notes="元気")
    add(arakawa, Member, family_name="荒川の人")
    world.hq_import(world.chapter_export("足立"), world.chapter_export("荒川"))
    add(world.hq, Organisation, name="東京都生協連")
    world.chapter_import("荒川", world.hq_export("荒川"))
    assert secret not in state(arakawa, Member)
    assert state(arakawa, WatchedPerson) == {}
    assert state(arakawa, Visit) == {}
    with arakawa.db.transaction() as s:
        owners = {
            owner
            for model in (Member, Organisation, TakeOutLog)
            for owner in s.scalars(select(model.chapter_id))
        }
    assert owners <= {world.ids["荒川"], None}


def test_every_package_is_in_the_take_out_log(world: World) -> None:
    adachi = world.chapters["足立"]
    person = add(adachi, WatchedPerson, family_name="見守り")
    add(adachi, Member, family_name="会員")
    add(adachi, Visit, person_id=person, visited_at=datetime(2026, 5, 1, 10, 0))
    path = world.chapter_export("足立")
    with adachi.db.transaction() as s:
        entry = s.scalars(select(TakeOutLog).where(TakeOutLog.action == "sync")).one()
        assert entry.encrypted and entry.special_care
        assert entry.people_count == 2  # the member and the person under watch
        assert entry.destination == str(path)
    world.hq_import(path)
    world.hq_export("足立")
    with world.hq.db.transaction() as s:
        out = s.scalars(
            select(TakeOutLog).where(TakeOutLog.action == "sync", TakeOutLog.chapter_id.is_(None))
        ).one()
        assert out.encrypted and out.special_care  # HQ sent the chapter its watch data back


def test_join_keeps_existing_data_and_makes_it_the_chapters(tmp_path: Path) -> None:
    from app.storage.chapter import set_up_chapter
    from app.sync.hq import add_chapter

    world = World(tmp_path)
    try:
        db = open_database(tmp_path / "old.sqlite", create=True)
        ctx = Context(db)
        set_up_chapter(ctx, "旧名")
        old_member = add(ctx, Member, family_name="古株")
        with db.transaction() as s:
            before = s.get(Member, old_member)
            assert before is not None
            old_version = before.version
        new = add_chapter(world.hq, "墨田", tmp_path / "sumida.setup")
        result = exchange.join(ctx, new.setup_path, new.code)
        assert result.rows_assigned >= 1
        moved = member(ctx, old_member)
        assert moved.chapter_id == new.id and moved.version > old_version
        world.chapters["墨田"] = ctx
        world.hq_import(world.chapter_export("墨田"))
        assert member(world.hq, old_member).chapter_id == new.id
    finally:
        world.close()


def test_packages_in_any_order_with_repeats_give_the_same_data(world: World) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="一")
    first = world.chapter_export("荒川")
    edit(arakawa, Member, m, family_name="二")
    second = world.chapter_export("荒川")
    edit(arakawa, Member, m, deleted=True)
    third = world.chapter_export("荒川")
    for path in (third, first, second):
        world.hq_import(path)
    for path in (first, third):
        with pytest.raises(exchange.PackageRepeated, match="already been imported"):
            world.hq_import(path)
    assert member(world.hq, m).deleted is True
    assert state(world.hq, Member)[m] == state(arakawa, Member)[m]


def test_a_package_replayed_after_the_senders_restore_is_refused_and_nothing_is_written(
    world: World,
) -> None:
    arakawa = world.chapters["荒川"]
    path = Path(arakawa.db.location)
    add(arakawa, Member, family_name="前")
    world.sync("荒川")
    arakawa.db.close()
    backup = path.with_name("chapter-copy.sqlite")
    shutil.copy2(path, backup)
    arakawa = world.chapters["荒川"] = Context(open_database(path))
    add(arakawa, Member, family_name="後")
    old = world.chapter_export("荒川")
    world.hq_import(old)
    # The chapter is restored from its copy and carries on; the old file is still on the stick.
    arakawa.db.close()
    shutil.copy2(backup, path)
    arakawa = world.chapters["荒川"] = Context(open_database(path))
    add(arakawa, Member, family_name="復元後")
    world.sync("荒川")
    world.sync("荒川")
    before = state(world.hq, Member)
    hq_file = Path(world.hq.db.location)
    world.hq.db.close()
    bytes_before = hq_file.read_bytes()
    world.hq = Context(open_database(hq_file))
    with pytest.raises(exchange.PackageRepeated) as refused:
        world.hq_import(old)
    assert "\n" not in refused.value.message
    assert state(world.hq, Member) == before
    world.hq.db.close()
    assert hq_file.read_bytes() == bytes_before
    world.hq = Context(open_database(hq_file))
    # Chapter side too: a package from headquarters that was applied is refused when replayed.
    back = world.hq_export("荒川")
    world.chapter_import("荒川", back)
    with pytest.raises(exchange.PackageRepeated):
        world.chapter_import("荒川", back)


def test_a_batch_leaves_out_repeats_and_applies_the_rest(world: World) -> None:
    arakawa = world.chapters["荒川"]
    add(arakawa, Member, family_name="一")
    first = world.chapter_export("荒川")
    world.hq_import(first)
    b = add(world.chapters["足立"], Member, family_name="二")
    adachi = world.chapter_export("足立")
    results = world.hq_import(first, adachi, adachi)
    assert [r.repeated for r in results] == [False, True, True]
    assert b in state(world.hq, Member)


def test_a_lost_package_is_covered_by_the_next(world: World) -> None:
    arakawa = world.chapters["荒川"]
    a = add(arakawa, Member, family_name="甲")
    world.chapter_export("荒川")  # lost on the train
    b = add(arakawa, Member, family_name="乙")
    world.hq_import(world.chapter_export("荒川"))
    assert {a, b} <= set(state(world.hq, Member))


def test_an_edit_after_a_delete_survives_and_a_delete_after_an_edit_wins(world: World) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="佐藤")
    world.sync("荒川")
    edit(world.hq, Member, m, deleted=True)  # HQ deletes first …
    edit(arakawa, Member, m, note="offline edit")  # … the chapter edits later
    world.sync("荒川")
    world.sync("荒川")
    assert member(world.hq, m).deleted is False
    assert member(arakawa, m).note == "offline edit"
    edit(arakawa, Member, m, note="again")
    edit(world.hq, Member, m, deleted=True)  # now the delete is the later one
    world.sync("荒川")
    world.sync("荒川")
    assert member(world.hq, m).deleted is True
    assert member(arakawa, m).deleted is True


def test_a_concurrent_loser_is_kept_and_can_be_chosen(world: World) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="鈴木", phone="03-1111-1111")
    world.sync("荒川")
    edit(arakawa, Member, m, phone="03-2222-2222")  # earlier
    edit(world.hq, Member, m, phone="03-3333-3333")  # later: wins
    world.sync("荒川")
    assert member(arakawa, m).phone == "03-3333-3333"
    conflicts = exchange.list_conflicts(arakawa) + exchange.list_conflicts(world.hq)
    assert len(conflicts) == 1
    owner = arakawa if exchange.list_conflicts(arakawa) else world.hq
    detail = exchange.conflict_detail(owner, conflicts[0].id)
    phone = next(f for f in detail.fields if f.name == "phone")
    assert (phone.kept, phone.other, phone.differs) == ("03-3333-3333", "03-2222-2222", True)
    exchange.resolve_conflict(owner, conflicts[0].id, keep_other=True)
    assert exchange.list_conflicts(owner) == []
    world.sync("荒川")
    assert member(world.hq, m).phone == "03-2222-2222"
    assert member(arakawa, m).phone == "03-2222-2222"
    # Choosing was a new edit, not a conflict of its own.
    assert exchange.list_conflicts(arakawa) == exchange.list_conflicts(world.hq) == []


def test_backup_restore_then_sync_loses_nothing(world: World) -> None:
    arakawa = world.chapters["荒川"]
    path = Path(arakawa.db.location)
    early = add(arakawa, Member, family_name="前")
    world.sync("荒川")
    # The backup: a plain copy of the file while it is closed.
    arakawa.db.close()
    backup = path.with_name("backup.sqlite")
    shutil.copy2(path, backup)
    arakawa = world.chapters["荒川"] = Context(open_database(path))
    lost_locally = add(arakawa, Member, family_name="後", note="made after the backup")
    edit(arakawa, Member, early, note="edited after the backup")
    world.sync("荒川")  # headquarters has both
    # Restore: the old file is copied back.
    arakawa.db.close()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    shutil.copy2(backup, path)
    arakawa = world.chapters["荒川"] = Context(open_database(path))
    assert lost_locally not in state(arakawa, Member)
    # New work after the restore, more than the lost timeline's counter moved.
    fresh = [add(arakawa, Member, family_name=f"復元後{i}") for i in range(40)]
    # An HQ package made before the restored chapter's next export: its receipt names a
    # package this file never wrote.
    old_receipt = world.hq_export("荒川")
    result = world.chapter_import("荒川", old_receipt)
    assert result.restored_detected
    world.sync("荒川")
    world.sync("荒川")
    hq_members = state(world.hq, Member)
    assert set(fresh) <= set(hq_members)  # nothing new was silently skipped
    here = state(arakawa, Member)
    assert lost_locally in here  # headquarters gave back what the restore took away
    assert member(arakawa, early).note == "edited after the backup"
    assert here == state(world.hq, Member, world.ids["荒川"])


def test_restore_then_export_first_still_loses_nothing(world: World) -> None:
    arakawa = world.chapters["荒川"]
    path = Path(arakawa.db.location)
    world.sync("荒川")
    arakawa.db.close()
    backup = path.with_name("backup.sqlite")
    shutil.copy2(path, backup)
    arakawa = world.chapters["荒川"] = Context(open_database(path))
    gone = add(arakawa, Member, family_name="消える")
    world.sync("荒川")
    arakawa.db.close()
    shutil.copy2(backup, path)
    arakawa = world.chapters["荒川"] = Context(open_database(path))
    after = add(arakawa, Member, family_name="復元後")
    for _ in range(3):
        world.sync("荒川")
    assert {gone, after} <= set(state(arakawa, Member))
    assert state(arakawa, Member) == state(world.hq, Member, world.ids["荒川"])


def test_headquarters_restored_gets_everything_back(world: World, tmp_path: Path) -> None:
    arakawa = world.chapters["荒川"]
    add(arakawa, Member, family_name="一")
    world.sync("荒川")
    hq_path = Path(world.hq.db.location)
    world.hq.db.close()
    shutil.copy2(hq_path, tmp_path / "hq-backup.sqlite")
    world.hq = Context(open_database(hq_path))
    later = add(arakawa, Member, family_name="二")
    world.sync("荒川")
    world.hq.db.close()
    shutil.copy2(tmp_path / "hq-backup.sqlite", hq_path)
    world.hq = Context(open_database(hq_path))
    assert later not in state(world.hq, Member)
    for _ in range(3):
        world.sync("荒川")
    assert later in state(world.hq, Member)
    assert state(arakawa, Member) == state(world.hq, Member, world.ids["荒川"])


def test_status_counts_waiting_rows_and_conflicts(world: World) -> None:
    arakawa = world.chapters["荒川"]
    status = sync_status(arakawa)
    assert status.joined and status.full_next and status.open_conflicts == 0
    add(arakawa, Member, family_name="一")
    add(arakawa, Member, family_name="二")
    assert sync_status(arakawa).waiting["members"] == 2
    hq_status = sync_status(world.hq)
    assert [c.name for c in hq_status.chapters] == sorted(["荒川", "足立"])
    world.hq_import(world.chapter_export("荒川"))
    chapter = next(c for c in sync_status(world.hq).chapters if c.name == "荒川")
    assert chapter.counts["members"] == 2 and chapter.age_days is not None


def test_hq_import_of_several_files_refuses_all_if_one_is_bad(world: World) -> None:
    good = world.chapter_export("荒川")
    bad = world.folder / "bad.tsync"
    bad.write_bytes(b"not a package at all")
    add(world.chapters["荒川"], Member, family_name="x")
    with pytest.raises(UserError, match="bad.tsync"):
        world.hq_import(good, bad)
    with world.hq.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 0


def test_two_chapters_and_headquarters_on_either_backend(hq_location: str, tmp_path: Path) -> None:
    world = World(tmp_path, hq_location)
    try:
        arakawa = world.add_chapter("荒川")
        adachi = world.add_chapter("足立")
        a = add(arakawa, Member, family_name="荒川の人", roles=["volunteer"])
        b = add(adachi, Member, family_name="足立の人")
        person = add(adachi, WatchedPerson, family_name="見守り")
        world.hq_import(world.chapter_export("足立"), world.chapter_export("荒川"))
        org = add(world.hq, Organisation, name="東京都生協連")
        edit(world.hq, Member, a, note="HQ")
        edit(arakawa, Member, a, phone="03-0000-0000")  # concurrent with HQ's note
        for name in ("荒川", "足立"):
            world.sync(name)
            world.sync(name)
        assert org in state(arakawa, Organisation) and org in state(adachi, Organisation)
        assert b not in state(arakawa, Member) and a not in state(adachi, Member)
        assert person in state(world.hq, WatchedPerson)
        for name, ctx in (("荒川", arakawa), ("足立", adachi)):
            assert state(ctx, Member) == state(world.hq, Member, world.ids[name])
        kept = exchange.list_conflicts(world.hq) + exchange.list_conflicts(arakawa)
        assert len(kept) == 1 and kept[0].row_id == a
    finally:
        world.close()


# --- a chapter editing one row twice while headquarters edits it too --------------------------
# Found by the long state machine (seed 322997451122647807759066007642292741218): the chapter
# edits a member, headquarters edits it, the chapter edits it again on top of its own first
# edit, headquarters edits once more and wins. The chapter's first edit never left the chapter
# and was replaced there by the chapter's own later edit (a later write that saw it), so it is
# superseded, not lost; the chapter's latest state is the concurrent loser that must be kept.


def apart(ctx: Context, model: Any, row_id: str, **values: Any) -> str:
    """An edit at least a clock tick after the previous one, so the order is the test's; its
    version."""
    time.sleep(0.003)
    edit(ctx, model, row_id, **values)
    return member(ctx, row_id).version


def final_exchange(world: World, name: str) -> None:
    world.hq_import(world.chapter_export(name, full=True))
    world.chapter_import(name, world.hq_export(name, full=True))


def losers(world: World) -> dict[str, dict[str, Any]]:
    """loser version -> loser data, over every replica's conflicts table."""
    found: dict[str, dict[str, Any]] = {}
    for ctx in (*world.chapters.values(), world.hq):
        with ctx.db.transaction() as s:
            for c in s.scalars(select(Conflict)):
                found[c.loser_version] = dict(c.loser_data)
    return found


def test_chapter_edits_twice_around_an_hq_edit_keeps_its_latest_state(world: World) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="高橋", note="created")
    world.sync("荒川")
    apart(arakawa, Member, m, note="chapter 1")
    hq_first = apart(world.hq, Member, m, note="hq 1")
    apart(arakawa, Member, m, note="chapter 2")  # on top of "chapter 1", here only
    chapter_last = apart(arakawa, Member, m, note="chapter 3")
    hq_last = apart(world.hq, Member, m, note="hq 2")  # the final winner
    world.hq_export("荒川")  # lost on the train
    final_exchange(world, "荒川")
    assert member(world.hq, m).version == member(arakawa, m).version == hq_last
    assert member(arakawa, m).note == "hq 2"
    kept = losers(world)
    # The chapter's latest state is kept; its earlier states were its own, superseded by it;
    # headquarters' first edit was seen by its second.
    assert list(kept) == [chapter_last]
    assert kept[chapter_last]["note"] == "chapter 3"
    assert hq_first not in kept


def test_hq_edit_arriving_between_two_chapter_edits_keeps_both_concurrent_losers(
    world: World,
) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="伊藤", note="created")
    world.sync("荒川")
    chapter_1 = apart(arakawa, Member, m, note="chapter 1")
    hq_1 = apart(world.hq, Member, m, note="hq 1")
    world.chapter_import("荒川", world.hq_export("荒川"))  # "hq 1" wins at the chapter
    assert member(arakawa, m).note == "hq 1"
    chapter_2 = apart(arakawa, Member, m, note="chapter 2")  # made after seeing "hq 1"
    hq_2 = apart(world.hq, Member, m, note="hq 2")  # never saw "chapter 1" or "chapter 2"
    final_exchange(world, "荒川")
    assert member(world.hq, m).version == member(arakawa, m).version == hq_2
    kept = losers(world)
    assert set(kept) == {chapter_1, chapter_2}
    assert (kept[chapter_1]["note"], kept[chapter_2]["note"]) == ("chapter 1", "chapter 2")
    assert hq_1 not in kept  # the chapter's second edit was made on top of it


def test_chapter_wins_after_seeing_one_hq_edit_but_not_the_next(world: World) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="渡辺", note="created")
    world.sync("荒川")
    hq_1 = apart(world.hq, Member, m, note="hq 1")
    world.chapter_import("荒川", world.hq_export("荒川"))
    hq_2 = apart(world.hq, Member, m, note="hq 2")  # the chapter never sees this one
    apart(arakawa, Member, m, note="chapter 1")
    chapter_2 = apart(arakawa, Member, m, note="chapter 2")
    final_exchange(world, "荒川")
    assert member(world.hq, m).version == chapter_2
    kept = losers(world)
    assert list(kept) == [hq_2]
    assert kept[hq_2]["note"] == "hq 2"
    assert hq_1 not in kept


def test_tombstones_around_an_hq_edit_keep_the_chapters_latest_state(world: World) -> None:
    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="山本", note="created")
    world.sync("荒川")
    apart(arakawa, Member, m, note="chapter 1")
    apart(world.hq, Member, m, deleted=True)  # headquarters deletes …
    chapter_delete = apart(arakawa, Member, m, deleted=True)  # … so does the chapter, later
    hq_revive = apart(world.hq, Member, m, deleted=False, note="hq revived")  # latest: wins
    final_exchange(world, "荒川")
    at_hq = member(world.hq, m)
    assert (at_hq.version, at_hq.deleted, at_hq.note) == (hq_revive, False, "hq revived")
    assert state(world.hq, Member)[m] == state(arakawa, Member)[m]
    kept = losers(world)
    assert list(kept) == [chapter_delete]
    assert (kept[chapter_delete]["deleted"], kept[chapter_delete]["note"]) == (True, "chapter 1")

    # And the other way round: the chapter's delete is the latest and wins over the revival.
    apart(world.hq, Member, m, note="hq again")
    chapter_gone = apart(arakawa, Member, m, deleted=True, note="gone")
    hq_again = member(world.hq, m).version
    final_exchange(world, "荒川")
    assert member(world.hq, m).version == chapter_gone
    assert member(world.hq, m).deleted is True
    assert hq_again in losers(world)


def test_a_shared_row_edited_by_three_writers_keeps_the_unseen_loser(world: World) -> None:
    """足立 edits an organisation first; 荒川 edits it later; headquarters edits on top of
    荒川's version. 足立's edit, older than headquarters' base but never seen by it, must
    be kept as a conflict, not dropped because its clock is older than the base."""
    arakawa, adachi = world.chapters["荒川"], world.chapters["足立"]
    org = add(world.hq, Organisation, name="子ども食堂ネット", note="始め")
    world.sync("荒川")
    world.sync("足立")
    edit(adachi, Organisation, org, note="足立の訂正")
    with adachi.db.transaction() as s:
        adachi_version = s.get(Organisation, org).version  # type: ignore[union-attr]
    time.sleep(0.01)
    edit(arakawa, Organisation, org, note="荒川の訂正")
    world.hq_import(world.chapter_export("荒川"))
    edit(world.hq, Organisation, org, note="本部の訂正")
    world.hq_import(world.chapter_export("足立"))
    for _ in range(2):
        world.sync("荒川")
        world.sync("足立")
    with world.hq.db.transaction() as s:
        assert s.get(Organisation, org).note == "本部の訂正"  # type: ignore[union-attr]
    assert adachi_version in losers(world)
    assert losers(world)[adachi_version]["note"] == "足立の訂正"


def test_a_chapters_edit_of_a_shared_row_reaches_the_other_chapters(world: World) -> None:
    """Editing headquarters' directory at a chapter must not make the row that chapter's
    (it would vanish from every other chapter's directory)."""
    org = add(world.hq, Organisation, name="地域包括支援センター", note="")
    world.sync("荒川")
    world.sync("足立")
    edit(world.chapters["足立"], Organisation, org, note="電話番号が変わりました")
    world.sync("足立")
    world.sync("荒川")
    for ctx in (world.hq, *world.chapters.values()):
        with ctx.db.transaction() as s:
            row = s.get(Organisation, org)
            assert row is not None
            assert (row.chapter_id, row.note) == (None, "電話番号が変わりました")


def test_households_and_groups_travel_with_the_member(world: World) -> None:
    from app.roster import households

    arakawa = world.chapters["荒川"]
    m = add(arakawa, Member, family_name="山田", given_name="花子", household="H-1", tags=["3班"])
    world.hq_import(world.chapter_export("荒川"))
    at_hq = member(world.hq, m)
    assert (at_hq.household, at_hq.tags) == ("H-1", ["3班"])
    households.tag_members(arakawa, [m], ["年賀状"])
    world.sync("荒川")
    assert member(world.hq, m).tags == ["3班", "年賀状"]
