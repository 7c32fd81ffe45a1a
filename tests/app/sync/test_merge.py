"""The merge on SQLite and on a real PostgreSQL server: last writer wins, conflicts kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Integer, select

from app.core.clock import Stamp
from app.core.context import Context
from app.storage.database import open_database
from app.sync import exchange
from app.sync.merge import MergeResult, merge_rows, upsert_statement
from app.sync.rows import BASE_KEY, TABLES, travelling_columns
from db.models import Conflict, Member

MEMBERS = TABLES["members"]
T0 = 1_780_000_000_000


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Context]:
    """A database at headquarters' end of the merge, on each backend."""
    if request.param == "sqlite":
        location = str(tmp_path / "merge.sqlite")
    else:
        location = request.getfixturevalue("postgres_url")
    db = open_database(location, create=True)
    yield Context(db)
    db.close()


def v(ms: int, node: str = "aaaa", counter: int = 0) -> str:
    return Stamp(T0 + ms, counter, node).encode()


def member_row(row_id: str, version: str, base: str = "", **fields: Any) -> dict[str, Any]:
    """A complete incoming members row, as a package brings it."""
    row: dict[str, Any] = {}
    for name in travelling_columns(MEMBERS):
        column = MEMBERS.c[name]
        if column.nullable:
            row[name] = None
        elif isinstance(column.type, Boolean):
            row[name] = False
        elif isinstance(column.type, JSON):
            row[name] = []
        elif isinstance(column.type, Integer):
            row[name] = 0
        else:
            row[name] = ""
    row.update(id=row_id, version=version, chapter_id="c1", family_name="山田", **fields)
    row[BASE_KEY] = base
    return row


def merge(ctx: Context, *rows: dict[str, Any]) -> MergeResult:
    with ctx.db.transaction(stamp=False) as s:
        return merge_rows(s, ctx.db, {"members": [dict(r) for r in rows]})


def stored(ctx: Context, row_id: str) -> dict[str, Any]:
    with ctx.db.transaction() as s:
        row = s.execute(select(MEMBERS).where(MEMBERS.c.id == row_id)).mappings().one()
        return dict(row)


def conflicts(ctx: Context) -> list[Conflict]:
    with ctx.db.transaction() as s:
        found = list(s.scalars(select(Conflict).order_by(Conflict.loser_version)))
        for c in found:
            s.expunge(c)
        return found


def local_edit(ctx: Context, row_id: str, **values: Any) -> str:
    """An edit made here (stamped by the session with this database's node)."""
    with ctx.db.transaction() as s:
        row = s.get(Member, row_id)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)
    return str(stored(ctx, row_id)["version"])


def test_new_rows_are_inserted_in_batches_with_fresh_feed_positions(ctx: Context) -> None:
    rows = [
        member_row(f"m{i:04d}", v(i), roles=["volunteer"], joined_on=date(2024, 4, i % 28 + 1))
        for i in range(1203)
    ]
    result = merge(ctx, *rows)
    assert result.applied == {"members": 1203}
    with ctx.db.transaction() as s:
        seqs = s.scalars(select(MEMBERS.c.local_seq).order_by(MEMBERS.c.id)).all()
    assert len(set(seqs)) == 1203 and min(seqs) > 0
    back = stored(ctx, "m0007")
    assert back["roles"] == ["volunteer"] and back["joined_on"] == date(2024, 4, 8)
    assert back["seen_version"] == back["version"] == v(7)
    seen = Stamp.decode(ctx.db.clock.last)
    assert (seen.ms, seen.counter) >= (T0 + 1202, 0)  # the clock moved past what it saw


def test_newer_wins_older_loses_same_is_nothing(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(10), note="ten"))
    assert merge(ctx, member_row("m1", v(5), note="five")).older == 1
    assert stored(ctx, "m1")["note"] == "ten"
    assert stored(ctx, "m1")["seen_version"] == v(10)
    assert merge(ctx, member_row("m1", v(10), note="ten")).unchanged == 1
    assert merge(ctx, member_row("m1", v(20), note="twenty")).applied == {"members": 1}
    assert stored(ctx, "m1")["note"] == "twenty"
    # Same millisecond: the counter, then the node decide, the same way everywhere.
    merge(ctx, member_row("m1", v(20, "bbbb"), note="b"), member_row("m1", v(20, "abcd"), note="a"))
    assert stored(ctx, "m1")["note"] == "b"


def test_a_delete_beats_an_earlier_edit_and_loses_to_a_later_one(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(1)))
    merge(ctx, member_row("m1", v(3), deleted=True))
    merge(ctx, member_row("m1", v(2), note="earlier edit"))
    assert stored(ctx, "m1")["deleted"] is True
    merge(ctx, member_row("m1", v(4), note="later edit"))
    assert stored(ctx, "m1")["deleted"] is False
    assert stored(ctx, "m1")["note"] == "later edit"


def test_the_upsert_itself_never_lets_an_older_row_overwrite(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(10), note="new"))
    with ctx.db.transaction() as s:
        conn = s.connection()
        old = {k: x for k, x in member_row("m1", v(1), note="old").items() if k != BASE_KEY}
        old.update(local_seq=999, seen_version="")
        conn.execute(upsert_statement(conn, MEMBERS), [old])
    assert stored(ctx, "m1")["note"] == "new"


def test_an_incoming_edit_that_never_saw_ours_keeps_ours_as_a_conflict(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(1, "chap"), phone="1"))
    mine = local_edit(ctx, "m1", phone="2")  # made here, after v(1): later than v(1)
    theirs = Stamp.decode(mine)
    later = Stamp(theirs.ms + 5, 0, "chap").encode()
    merge(ctx, member_row("m1", later, base="", phone="3"))  # the chapter never saw ours
    assert stored(ctx, "m1")["phone"] == "3"
    [c] = conflicts(ctx)
    assert (c.loser_version, c.winner_version, c.loser_data["phone"]) == (mine, later, "2")


def test_an_incoming_edit_that_saw_ours_is_no_conflict(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(1, "chap"), phone="1"))
    mine = local_edit(ctx, "m1", phone="2")
    later = Stamp(Stamp.decode(mine).ms + 5, 0, "chap").encode()
    merge(ctx, member_row("m1", later, base=mine, phone="3"))
    assert stored(ctx, "m1")["phone"] == "3"
    assert conflicts(ctx) == []


def test_an_older_concurrent_edit_is_kept_once_however_often_it_comes(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(1, "chap"), phone="1"))
    mine = local_edit(ctx, "m1", phone="2")
    older = Stamp(Stamp.decode(mine).ms - 1, 0, "chap").encode()
    for _ in range(3):
        result = merge(ctx, member_row("m1", older, base=v(1, "chap"), phone="9"))
        assert result.older == 1
    [c] = conflicts(ctx)
    assert (c.loser_version, c.loser_data["phone"], c.winner_version) == (older, "9", mine)
    assert stored(ctx, "m1")["phone"] == "2"
    assert stored(ctx, "m1")["seen_version"] == older


def test_one_writers_own_edits_and_equal_content_are_never_conflicts(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(1), phone="1"))
    merge(ctx, member_row("m1", v(2), phone="2"))  # same node: in order
    merge(ctx, member_row("m1", v(3, "zzzz"), phone="2"))  # other node, same content
    assert conflicts(ctx) == []


def test_choosing_the_other_version_is_a_new_edit(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(1, "chap"), phone="1", joined_on=date(2020, 1, 1)))
    mine = local_edit(ctx, "m1", phone="2")
    later = Stamp(Stamp.decode(mine).ms + 5, 0, "chap").encode()
    merge(ctx, member_row("m1", later, phone="3", joined_on=date(2020, 1, 1)))
    [view] = exchange.list_conflicts(ctx)
    assert view.label == "山田" and view.other_version == mine
    exchange.resolve_conflict(ctx, view.id, keep_other=True)
    after = stored(ctx, "m1")
    assert after["phone"] == "2" and after["version"] > later
    assert after["joined_on"] == date(2020, 1, 1)
    assert exchange.list_conflicts(ctx) == []
    with ctx.db.transaction() as s:
        decided = s.scalars(select(Conflict)).one()
        assert decided.resolution == "other" and isinstance(decided.resolved_at, datetime)


def test_keeping_the_current_version_only_closes_the_conflict(ctx: Context) -> None:
    merge(ctx, member_row("m1", v(1, "chap"), phone="1"))
    mine = local_edit(ctx, "m1", phone="2")
    merge(ctx, member_row("m1", Stamp(Stamp.decode(mine).ms + 5, 0, "chap").encode(), phone="3"))
    [view] = exchange.list_conflicts(ctx)
    before = stored(ctx, "m1")
    exchange.resolve_conflict(ctx, view.id, keep_other=False)
    assert stored(ctx, "m1") == before
    assert exchange.list_conflicts(ctx) == []
