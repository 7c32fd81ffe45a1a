"""A hypothesis state machine: one headquarters, three chapters, random edits and deliveries.

Chapters create and edit (and delete) their members; headquarters edits members of any chapter
and its shared organisations. Packages are written at random moments and delivered in random
order, some twice, some never. After a final full exchange every replica holds the same rows
(those it is entitled to), and every write is either there or was superseded by a later write
to the same row; a superseded write whose winner never saw it (a concurrent edit with other
content) is kept in some replica's conflicts table.

The model knows causality exactly: every write records the writes of that row its replica had
seen (its own, and everything the packages it imported carried), and the version it was made on
top of. A state someone edited on top of was superseded by that edit, which answers for it from
then on (a chapter's edit it replaced itself before exporting never left the chapter, and is
not a conflict); a state nobody edited on top of that is not the final one either has the
final content or is a concurrent loser and must be kept.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select

from app.core.context import Context
from app.core.errors import UserError
from app.roster import duplicates
from app.sync.exchange import KIND_FROM_CHAPTER, KIND_FROM_HQ, PackageRepeated, read_package
from db.models import Conflict, Member, Organisation
from tests.app.sync.conftest import World

CHAPTERS = ("荒川", "足立", "墨田")
HQ = "HQ"
MODELS = {"members": Member, "organisations": Organisation}


@dataclass(frozen=True)
class Write:
    """One edit as the model saw it."""

    table: str
    row_id: str
    version: str
    note: str
    deleted: bool
    writer: str
    seen: frozenset[str]
    base: str  # the version this edit was made on top of ("" for a create)


@dataclass(frozen=True)
class Parcel:
    """A package file on its way."""

    path: Path
    sender: str
    receiver: str


class SyncMachine(RuleBasedStateMachine):
    """Random creates, edits, deletes and deliveries between one HQ and three chapters."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="tsunagu-sm-"))
        self.world = World(self.folder)
        self.writes: dict[str, Write] = {}  # version -> write
        self.known: dict[str, dict[str, set[str]]] = {}  # replica -> row id -> versions
        self.rows: dict[str, tuple[str, str | None]] = {}  # row id -> (table, owner chapter)
        self.parcels: list[Parcel] = []
        self.delivered: set[Path] = set()
        self.counter = 0
        # replica -> its last merge, which it may undo later
        self.last_merge: dict[str, duplicates.MergeOutcome] = {}

    @initialize()
    def set_up(self) -> None:
        for name in CHAPTERS:
            self.world.add_chapter(name)
        self.known = {name: {} for name in (*CHAPTERS, HQ)}

    def teardown(self) -> None:
        self.world.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def ctx(self, replica: str) -> Context:
        return self.world.hq if replica == HQ else self.world.chapters[replica]

    def history(self, version: str) -> set[str]:
        write = self.writes.get(version)
        return {version} | set(write.seen) if write else {version}

    def record(self, replica: str, table: str, row_id: str, base: str = "") -> None:
        model = MODELS[table]
        with self.ctx(replica).db.transaction() as s:
            row = s.get(model, row_id)
            assert row is not None
            version, note, deleted = row.version, row.note, row.deleted
        known = self.known[replica].setdefault(row_id, set())
        self.writes[version] = Write(
            table, row_id, version, note, deleted, replica, frozenset(known), base
        )
        known.add(version)

    def visible(self, replica: str) -> list[str]:
        """Rows this replica has and may edit."""
        ids = []
        for row_id, (table, owner) in sorted(self.rows.items()):
            # A chapter edits its own members and the shared directory (organisations), so
            # a shared row has up to four writers.
            if replica != HQ and table == "members" and owner != self.world.ids[replica]:
                continue
            with self.ctx(replica).db.transaction() as s:
                if s.get(MODELS[table], row_id) is not None:
                    ids.append(row_id)
        return ids

    # --- rules ---------------------------------------------------------------------------

    @rule(chapter=st.sampled_from(CHAPTERS))
    def chapter_creates_a_member(self, chapter: str) -> None:
        self.counter += 1
        ctx = self.ctx(chapter)
        with ctx.db.transaction() as s:
            row = Member(family_name=f"会員{self.counter}", note=f"n{self.counter}")
            s.add(row)
            s.flush()
            row_id = row.id
        self.rows[row_id] = ("members", self.world.ids[chapter])
        self.record(chapter, "members", row_id)

    @rule()
    def hq_creates_an_organisation(self) -> None:
        self.counter += 1
        with self.world.hq.db.transaction() as s:
            row = Organisation(name=f"団体{self.counter}", note=f"n{self.counter}")
            s.add(row)
            s.flush()
            row_id = row.id
        self.rows[row_id] = ("organisations", None)
        self.record(HQ, "organisations", row_id)

    @rule(replica=st.sampled_from((*CHAPTERS, HQ, HQ)), data=st.data(), delete=st.booleans())
    def edit_or_delete(self, replica: str, data: st.DataObject, delete: bool) -> None:
        ids = self.visible(replica)
        if not ids:
            return
        row_id = data.draw(st.sampled_from(ids))
        table = self.rows[row_id][0]
        self.counter += 1
        with self.ctx(replica).db.transaction() as s:
            row = s.get(MODELS[table], row_id)
            assert row is not None
            base = row.version
            row.note = f"n{self.counter}"
            row.deleted = delete and not row.deleted
        self.record(replica, table, row_id, base)

    @rule(chapter=st.sampled_from(CHAPTERS), full=st.booleans())
    def chapter_exports(self, chapter: str, full: bool) -> None:
        self.parcels.append(Parcel(self.world.chapter_export(chapter, full=full), chapter, HQ))

    @rule(chapter=st.sampled_from(CHAPTERS))
    def hq_exports(self, chapter: str) -> None:
        self.parcels.append(Parcel(self.world.hq_export(chapter), HQ, chapter))

    @rule(chapter=st.sampled_from(CHAPTERS))
    def round_trip(self, chapter: str) -> None:
        """Both ways at once, as on a good day; the files stay around for replays."""
        up = Parcel(self.world.chapter_export(chapter), chapter, HQ)
        self.parcels.append(up)
        self.apply(up)
        down = Parcel(self.world.hq_export(chapter), HQ, chapter)
        self.parcels.append(down)
        self.apply(down)

    @rule(chapter=st.sampled_from(CHAPTERS), data=st.data())
    def both_edit_the_same_member(self, chapter: str, data: st.DataObject) -> None:
        """The case that matters: the chapter and headquarters change one member apart."""
        shared = [
            i for i in self.visible(chapter) if i in self.known[HQ] and self.rows[i][0] == "members"
        ]
        shared = [i for i in shared if i in {r for r in self.visible(HQ)}]
        if not shared:
            return
        row_id = data.draw(st.sampled_from(shared))
        first, second = data.draw(st.permutations([chapter, HQ]))
        for replica in (first, second):
            self.counter += 1
            with self.ctx(replica).db.transaction() as s:
                row = s.get(Member, row_id)
                assert row is not None
                base = row.version
                row.note = f"n{self.counter}"
            self.record(replica, "members", row_id, base)

    @rule(replica=st.sampled_from((*CHAPTERS, HQ)), data=st.data())
    def merge_two_members(self, replica: str, data: st.DataObject) -> None:
        """One person found twice: a chapter or headquarters merges two of a chapter's members
        (the other side may still edit, delete or merge either of them the other way)."""
        live: dict[str, list[str]] = {}
        with self.ctx(replica).db.transaction() as s:
            for row_id in self.visible(replica):
                row = s.get(Member, row_id) if self.rows[row_id][0] == "members" else None
                if row is not None and not row.deleted:
                    live.setdefault(row.chapter_id or "", []).append(row_id)
        groups = [ids for ids in live.values() if len(ids) >= 2]
        if not groups:
            return
        keep, other = data.draw(st.permutations(data.draw(st.sampled_from(groups))))[:2]
        with self.ctx(replica).db.transaction() as s:
            bases = {i: s.get(Member, i).version for i in (keep, other)}  # type: ignore[union-attr]
        self.last_merge[replica] = duplicates.merge_members(self.ctx(replica), keep, other)
        for row_id in (keep, other):
            with self.ctx(replica).db.transaction() as s:
                changed = s.get(Member, row_id).version != bases[row_id]  # type: ignore[union-attr]
            if changed:
                self.record(replica, "members", row_id, bases[row_id])

    @rule(replica=st.sampled_from((*CHAPTERS, HQ)))
    def undo_the_last_merge(self, replica: str) -> None:
        """The merge taken back, straight after or later; refused, changing nothing, once a
        package or an edit moved either record on since."""
        outcome = self.last_merge.pop(replica, None)
        if outcome is None:
            return
        ids = [b.id for b in outcome.before if b.table == "members"]
        with self.ctx(replica).db.transaction() as s:
            bases = {i: s.get(Member, i).version for i in ids}  # type: ignore[union-attr]
        try:
            duplicates.undo_merge(self.ctx(replica), outcome)
        except UserError:
            with self.ctx(replica).db.transaction() as s:
                assert {i: s.get(Member, i).version for i in ids} == bases  # type: ignore[union-attr]
            event("undo refused: a record moved on since the merge")
            return
        event("merge undone")
        for row_id in ids:
            with self.ctx(replica).db.transaction() as s:
                row = s.get(Member, row_id)
                assert row is not None
                changed = row.version != bases[row_id]
                if row_id == outcome.merged:
                    assert not row.deleted and row.merged_into is None
            if changed:
                self.record(replica, "members", row_id, bases[row_id])

    @rule(data=st.data())
    def deliver(self, data: st.DataObject) -> None:
        """Any package written so far, in any order, perhaps again; others stay lost."""
        if not self.parcels:
            return
        parcel = data.draw(st.sampled_from(self.parcels))
        self.apply(parcel)

    def apply(self, parcel: Parcel) -> None:
        ctx = self.ctx(parcel.receiver)
        kind = KIND_FROM_CHAPTER if parcel.receiver == HQ else KIND_FROM_HQ
        if parcel.path in self.delivered:
            # A replay is refused whole; the data it brought is already there.
            with pytest.raises(PackageRepeated):
                if parcel.receiver == HQ:
                    self.world.hq_import(parcel.path)
                else:
                    self.world.chapter_import(parcel.receiver, parcel.path)
            return
        self.delivered.add(parcel.path)
        with ctx.db.session(stamp=False) as s, s.begin():
            package = read_package(ctx.db, s, parcel.path, expect_kind=kind)
        for table in MODELS:
            for row in package.rows.get(table, []):
                self.known[parcel.receiver].setdefault(row["id"], set()).update(
                    self.history(row["version"])
                )
        before = self.member_versions(parcel.receiver)
        incoming = {r["id"]: r["version"] for r in package.rows.get("members", [])}
        if parcel.receiver == HQ:
            self.world.hq_import(parcel.path)
        else:
            self.world.chapter_import(parcel.receiver, parcel.path)
        # The import may settle merges made apart (app/roster/duplicates.py follow_merges): those are
        # the receiver's own edits, made on top of what the merge left.
        for row_id, version in self.member_versions(parcel.receiver).items():
            merged = max(before.get(row_id, ""), incoming.get(row_id, ""))
            if version != merged and version not in self.writes:
                self.record(parcel.receiver, "members", row_id, merged)

    def member_versions(self, replica: str) -> dict[str, str]:
        with self.ctx(replica).db.transaction() as s:
            return {r[0]: r[1] for r in s.execute(select(Member.id, Member.version))}

    @invariant()
    def chapters_hold_only_their_own_members(self) -> None:
        for name in CHAPTERS:
            with self.ctx(name).db.transaction() as s:
                owners = set(s.scalars(select(Member.chapter_id)))
            assert owners <= {self.world.ids[name]}

    # --- the end -------------------------------------------------------------------------

    def final_exchange(self) -> None:
        parcels = [Parcel(self.world.chapter_export(c, full=True), c, HQ) for c in CHAPTERS]
        for parcel in parcels:
            self.apply(parcel)
        for chapter in CHAPTERS:
            self.apply(Parcel(self.world.hq_export(chapter, full=True), HQ, chapter))

    def snapshot(self, replica: str, chapter_id: str | None) -> dict[str, tuple[Any, ...]]:
        found: dict[str, tuple[Any, ...]] = {}
        with self.ctx(replica).db.transaction() as s:
            for table, model in MODELS.items():
                query = select(model.id, model.version, model.note, model.deleted)
                if table == "members":
                    query = query.add_columns(Member.merged_into)
                    if chapter_id is not None:
                        query = query.where(model.chapter_id == chapter_id)
                for row in s.execute(query):
                    found[row[0]] = tuple(row[1:])
        return found

    def merges_settled(self) -> None:
        """Every merged member leads to one live person: no cycle, no live link left behind."""
        with self.world.hq.db.transaction() as s:
            rows = {r.id: r for r in s.scalars(select(Member))}
        for row in rows.values():
            seen = {row.id}
            at = row
            while at.deleted and at.merged_into:
                assert at.merged_into not in seen, "a merge cycle was left"
                seen.add(at.merged_into)
                at = rows[at.merged_into]

    def check_the_end(self) -> None:
        self.final_exchange()
        hq_rows = self.snapshot(HQ, None)
        for chapter in CHAPTERS:
            mine = self.snapshot(chapter, self.world.ids[chapter])
            expected = {
                k: v
                for k, v in self.snapshot(HQ, self.world.ids[chapter]).items()
                if k in self.rows
                and (
                    self.rows[k][0] == "organisations" or self.rows[k][1] == self.world.ids[chapter]
                )
            }
            assert mine == expected, chapter
        kept: set[str] = set()
        for replica in (*CHAPTERS, HQ):
            with self.ctx(replica).db.transaction() as s:
                kept |= set(s.scalars(select(Conflict.loser_version)))
        edited_over = {w.base for w in self.writes.values() if w.base}
        self.merges_settled()
        for write in self.writes.values():
            final_version, final_note, final_deleted = hq_rows[write.row_id][:3]
            if final_version == write.version:
                continue
            assert final_version > write.version, "a write was lost without a later one"
            if write.version in edited_over:
                # Someone edited the row on top of this state: that later write superseded it
                # (it answers for the content from here on), not a concurrent one.
                continue
            if (write.note, write.deleted) == (final_note, final_deleted):
                continue
            assert write.version in kept, f"concurrent loser {write} not kept"


class QuickSyncMachine(SyncMachine):
    """The default run."""

    def teardown(self) -> None:
        try:
            self.check_the_end()
        finally:
            super().teardown()


QuickSyncMachine.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_sync_state_machine = QuickSyncMachine.TestCase


class LongSyncMachine(QuickSyncMachine):
    """More examples and longer runs (marked slow)."""


LongSyncMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_sync_state_machine_long = pytest.mark.slow(LongSyncMachine.TestCase)
