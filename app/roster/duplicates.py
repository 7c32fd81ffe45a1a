"""Duplicate people: candidate pairs of members (and guests) with reasons, and merging them."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, inspect, or_, select, update
from sqlalchemy.orm import Session

from app.backups import backup_before_change
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.roster.likeness import (
    GUEST,
    MEMBER,
    MIN_SCORE,
    POINTS,
    CandidatePair,
    Person,
    PersonIndex,
    PersonView,
    _guest_key,
    candidate_pairs,
    find_duplicates,
    make_person,
    member_index,
    reason_text,
    score,
)
from app.roster.members import MemberInput, normalise_input, resolve_member
from app.storage.audit import record_audit
from db.models import (
    AuditEntry,
    DutyAssignment,
    Member,
    Registration,
    User,
    Visit,
    WatchAssignment,
)

# The finder lives in app/roster/likeness.py (members uses it on import); its names stay here too.
__all__ = [
    "GUEST",
    "MEMBER",
    "MIN_SCORE",
    "POINTS",
    "CandidatePair",
    "Person",
    "PersonIndex",
    "PersonView",
    "candidate_pairs",
    "find_duplicates",
    "make_person",
    "member_index",
    "reason_text",
    "score",
    "Similar",
    "asks_before_saving",
    "similar_members",
    "MergeOutcome",
    "merge_members",
    "RowBefore",
    "undo_merge",
    "follow_merges",
]

# --- on save and on import ---------------------------------------------------------------


@dataclass(frozen=True)
class Similar:
    """An existing member much like the one being saved, and why."""

    id: str
    name: str
    reading: str
    member_number: str
    reasons: list[str]
    reasons_text: str


def asks_before_saving(reasons: Iterable[str]) -> bool:
    """The form asks when reading + phone, reading + address, or the (variant-folded) name match."""
    found = set(reasons)
    return bool(
        {"reading", "phone"} <= found
        or {"reading", "address"} <= found
        or found & {"name", "name_variant"}
    )


def similar_members(
    ctx: Context, data: MemberInput, exclude_id: str | None = None
) -> list[Similar]:
    """Existing members the form should ask about before saving `data` (a warning only)."""
    ctx.require(Permission.ROSTER_WRITE)
    clean = normalise_input(data)
    me = make_person(
        "", MEMBER, clean.family_name, clean.given_name, clean.family_kana, clean.given_kana,
        (clean.phone, clean.mobile), clean.postal_code, clean.address,
    )  # fmt: skip
    conditions: list[ColumnElement[bool]] = []
    if clean.family_kana or clean.given_kana:
        conditions.append(
            (Member.family_kana == clean.family_kana) & (Member.given_kana == clean.given_kana)
        )
    phones = [p for p in (clean.phone, clean.mobile) if p]
    if phones:
        conditions += [Member.phone.in_(phones), Member.mobile.in_(phones)]
    if me.key_name:
        # The first line of search_text is the folded name (app/roster/people.py).
        conditions.append(
            or_(
                Member.search_text == me.key_name, Member.search_text.startswith(me.key_name + "\n")
            )
        )
    if not conditions:
        return []
    with ctx.db.transaction() as s:
        rows = list(s.scalars(select(Member).where(Member.deleted.is_(False), or_(*conditions))))
        out = []
        for row in rows:
            if row.id == exclude_id:
                continue
            other = make_person(
                row.id, MEMBER, row.family_name, row.given_name, row.family_kana,
                row.given_kana, (row.phone, row.mobile), row.postal_code, row.address,
            )  # fmt: skip
            _total, reasons = score(me, other)
            if asks_before_saving(reasons):
                out.append(
                    Similar(
                        id=row.id,
                        name=other.name,
                        reading=other.reading,
                        member_number=row.member_number,
                        reasons=list(reasons),
                        reasons_text=", ".join(reason_text(r) for r in reasons),
                    )
                )
    return out


# --- merging ---------------------------------------------------------------------------


# Rows a merge may touch, by table name, for undo.
_SYNCED: dict[str, Any] = {
    m.__tablename__: m for m in (Member, Registration, WatchAssignment, Visit, DutyAssignment)
}
# Stamped by the database on each write; never restored by an undo (it writes a new version).
_STAMPS = frozenset({"id", "version", "local_seq", "seen_version"})


@dataclass(frozen=True)
class RowBefore:
    """One row a merge changed: its values before, and the version the merge left on it."""

    table: str
    id: str
    values: dict[str, Any]
    version_after: str = ""


@dataclass
class MergeOutcome:
    """What a merge moved to the kept member, and what it needs to be undone."""

    kept: str
    merged: str
    kind: str
    registrations: int = 0
    watch_roles: int = 0
    visits: int = 0
    duties: int = 0
    removed_registrations: int = 0
    filled: list[str] = field(default_factory=list)
    before: list[RowBefore] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    audit_ids: list[int] = field(default_factory=list)
    undone: bool = False

    def note(self, row: Any) -> None:
        """Keep `row`'s values before the merge changes it (once per row)."""
        table = row.__tablename__
        if any(b.table == table and b.id == row.id for b in self.before):
            return
        values = {
            a.key: copy.deepcopy(getattr(row, a.key))
            for a in inspect(row).mapper.column_attrs
            if a.key not in _STAMPS
        }
        self.before.append(RowBefore(table, row.id, values))


# Fields of the kept member filled from the other when the kept one has none.
_FILLABLE = (
    "family_kana", "given_kana", "member_number", "coop", "postal_code", "address", "phone",
    "mobile", "email", "joined_on", "household",
)  # fmt: skip


def _guest_registration(s: Session, text: str) -> Registration | None:
    rows = list(
        s.scalars(
            select(Registration)
            .where(
                Registration.id.startswith(text, autoescape=True),
                Registration.member_id.is_(None),
                Registration.deleted.is_(False),
            )
            .limit(2)
        )
    )
    if len(rows) > 1:
        raise UserError(_("More than one guest matches “{text}”.").format(text=text))
    return rows[0] if rows else None


def merge_members(ctx: Context, keep: str, other: str) -> MergeOutcome:
    """Make two records one person: `other` (a member, or a guest's registration) moves into
    the member `keep`; the other member becomes a tombstone naming `keep`, so sync carries it.
    """
    ctx.require(Permission.ROSTER_WRITE)
    ctx.require(Permission.EVENTS_WRITE)
    keep_id = resolve_member(ctx, keep)
    other_text = other.strip()
    guest = None
    try:
        other_id = resolve_member(ctx, other_text)
    except UserError:
        if not other_text:
            raise
        with ctx.db.transaction() as s:
            guest = _guest_registration(s, other_text)
        if guest is None:
            raise
        other_id = guest.id
    if other_id == keep_id:
        raise UserError(_("A member cannot be merged into itself."))
    backup_before_change(ctx, "before merge")
    with ctx.db.transaction() as s:
        kept = s.get(Member, keep_id)
        assert kept is not None
        if guest is not None:
            outcome = _merge_guest(ctx, s, kept, other_id)
        else:
            outcome = _merge_member(ctx, s, kept, other_id)
    # The versions the commit stamped: an undo refuses if any of these rows moved on since.
    with ctx.db.transaction(stamp=False) as s:
        outcome.before = [
            RowBefore(b.table, b.id, b.values, _version(s, b.table, b.id)) for b in outcome.before
        ]
    return outcome


def _version(s: Session, table: str, row_id: str) -> str:
    row = s.get(_SYNCED[table], row_id)
    return "" if row is None else str(row.version)


def _merge_member(ctx: Context, s: Session, kept: Member, other_id: str) -> MergeOutcome:
    """Two members become one: `kept` takes the other's blanks, registrations and roles."""
    gone = s.get(Member, other_id)
    assert gone is not None
    if (gone.chapter_id or "") != (kept.chapter_id or ""):
        raise UserError(_("Members of different chapters cannot be merged."))
    outcome = MergeOutcome(kept=kept.id, merged=gone.id, kind=MEMBER)
    outcome.note(kept)
    outcome.note(gone)
    for name in _FILLABLE:
        if not getattr(kept, name) and getattr(gone, name):
            setattr(kept, name, getattr(gone, name))
            outcome.filled.append(name)
    roles = [r for r in (kept.roles or [])]
    roles += [r for r in (gone.roles or []) if r not in roles]
    if roles != list(kept.roles or []):
        kept.roles = roles
        outcome.filled.append("roles")
    tags = list(kept.tags or [])
    tags += [t for t in (gone.tags or []) if t not in tags]
    if tags != list(kept.tags or []):
        kept.tags = tags
        outcome.filled.append("tags")
    if outcome.filled:
        from app.roster.members import _derived

        _derived(kept)
    _move_registrations(s, kept, gone.id, outcome)
    for role in s.scalars(
        select(WatchAssignment).where(
            WatchAssignment.member_id == gone.id, WatchAssignment.deleted.is_(False)
        )
    ):
        outcome.note(role)
        role.member_id = kept.id
        outcome.watch_roles += 1
    for visit in s.scalars(select(Visit).where(Visit.visitor_member_id == gone.id)):
        outcome.note(visit)
        visit.visitor_member_id = kept.id
        outcome.visits += 1
    _move_duties(s, kept.id, gone.id, outcome)
    outcome.user_ids = list(s.scalars(select(User.id).where(User.member_id == gone.id)))
    s.execute(update(User).where(User.member_id == gone.id).values(member_id=kept.id))
    outcome.audit_ids = list(
        s.scalars(
            select(AuditEntry.id).where(
                AuditEntry.entity == "member", AuditEntry.entity_id == gone.id
            )
        )
    )
    s.execute(
        update(AuditEntry)
        .where(AuditEntry.entity == "member", AuditEntry.entity_id == gone.id)
        .values(entity_id=kept.id)
    )
    gone.deleted = True
    gone.merged_into = kept.id
    record_audit(s, ctx, "change", "member", kept.id, f"merged:{gone.id}")
    return outcome


def _move_registrations(s: Session, kept: Member, gone_id: str, outcome: MergeOutcome) -> None:
    """The other's registrations become the kept member's; one per event date stays."""
    mine = {
        (r.event_id, r.occurrence_id): r
        for r in s.scalars(
            select(Registration).where(
                Registration.member_id == kept.id, Registration.deleted.is_(False)
            )
        )
    }
    for reg in s.scalars(
        select(Registration).where(
            Registration.member_id == gone_id, Registration.deleted.is_(False)
        )
    ):
        held = mine.get((reg.event_id, reg.occurrence_id))
        outcome.note(reg)
        if held is not None:
            outcome.note(held)
            # Both records were registered for the same date: one registration, attended if
            # either was.
            if reg.attended and not held.attended:
                held.attended = True
                held.checked_in_at = reg.checked_in_at
            reg.deleted = True
            outcome.removed_registrations += 1
            continue
        _link(reg, kept)
        outcome.registrations += 1


def _move_duties(s: Session, kept_id: str, gone_id: str, outcome: MergeOutcome) -> None:
    """The other's duties become the kept member's; one per job and date stays."""
    mine = {
        (d.occurrence_id, d.role_id)
        for d in s.scalars(
            select(DutyAssignment).where(
                DutyAssignment.member_id == kept_id, DutyAssignment.deleted.is_(False)
            )
        )
    }
    for duty in s.scalars(
        select(DutyAssignment).where(
            DutyAssignment.member_id == gone_id, DutyAssignment.deleted.is_(False)
        )
    ):
        outcome.note(duty)
        if (duty.occurrence_id, duty.role_id) in mine:
            duty.deleted = True
            continue
        duty.member_id = kept_id
        outcome.duties += 1


def _link(reg: Registration, member: Member) -> None:
    reg.member_id = member.id
    for name in ("family_name", "given_name", "family_kana", "given_kana"):
        setattr(reg, name, getattr(member, name))
    reg.reading_key, reg.search_text = member.reading_key, member.search_text


def _merge_guest(ctx: Context, s: Session, kept: Member, registration_id: str) -> MergeOutcome:
    """A guest who became a member: every registration of that guest links to the member."""
    first = s.get(Registration, registration_id)
    assert first is not None
    key = _guest_key((first.family_name, first.given_name, first.family_kana,
                      first.given_kana, first.contact))  # fmt: skip
    outcome = MergeOutcome(kept=kept.id, merged=registration_id, kind=GUEST)
    taken = {
        (r.event_id, r.occurrence_id)
        for r in s.scalars(
            select(Registration).where(
                Registration.member_id == kept.id, Registration.deleted.is_(False)
            )
        )
    }
    for reg in s.scalars(
        select(Registration).where(
            Registration.member_id.is_(None),
            Registration.deleted.is_(False),
            Registration.chapter_id.is_(None)
            if first.chapter_id is None
            else Registration.chapter_id == first.chapter_id,
        )
    ):
        guest_key = (reg.family_name, reg.given_name, reg.family_kana, reg.given_kana, reg.contact)
        if _guest_key(guest_key) != key:
            continue
        if (reg.event_id, reg.occurrence_id) in taken:
            continue  # the member is registered for that date already; the guest line stays
        outcome.note(reg)
        _link(reg, kept)
        outcome.registrations += 1
    record_audit(s, ctx, "change", "member", kept.id, f"guest:{registration_id}")
    return outcome


def undo_merge(ctx: Context, outcome: MergeOutcome) -> None:
    """Put back every row `outcome`'s merge changed, in one transaction.

    Refuses, changing nothing, when any of those rows was edited since (its version moved):
    restoring it then would silently throw that edit away. The restore is an ordinary edit,
    stamped with new versions, so sync carries it like any other change.
    """
    ctx.require(Permission.ROSTER_WRITE)
    ctx.require(Permission.EVENTS_WRITE)
    if outcome.undone:
        raise UserError(_("This merge has already been undone."))
    with ctx.db.transaction() as s:
        rows = []
        for b in outcome.before:
            row = s.get(_SYNCED[b.table], b.id)
            if row is None or row.version != b.version_after:
                raise UserError(_("The merge cannot be undone: the records were changed after it."))
            rows.append((row, b))
        for row, b in rows:
            for key, value in b.values.items():
                if getattr(row, key) != value:
                    setattr(row, key, copy.deepcopy(value))
        if outcome.kind == MEMBER:
            if outcome.user_ids:
                s.execute(
                    update(User)
                    .where(User.id.in_(outcome.user_ids))
                    .values(member_id=outcome.merged)
                )
            if outcome.audit_ids:
                s.execute(
                    update(AuditEntry)
                    .where(AuditEntry.id.in_(outcome.audit_ids))
                    .values(entity_id=outcome.merged)
                )
        record_audit(s, ctx, "change", "member", outcome.kept, f"unmerged:{outcome.merged}")
    outcome.undone = True


# --- after sync --------------------------------------------------------------------------


def follow_merges(s: Session) -> int:
    """Point every reference to a merged member at the member it was merged into.

    Runs after a sync import in a stamping transaction: a chapter that registered or assigned
    the old id before the merge reached it converges on the kept one. Two merges made apart
    that point at each other (A into B here, B into A there) are settled the same way
    everywhere: the member with the smallest id stays. Returns how many rows changed.
    """
    pointer: dict[str, str] = {
        row_id: target
        for row_id, target in s.execute(
            select(Member.id, Member.merged_into).where(
                Member.deleted.is_(True), Member.merged_into.is_not(None)
            )
        )
        if target
    }
    if not pointer:
        return 0
    changed = 0
    for start in list(pointer):
        path = [start]
        while path[-1] in pointer and pointer[path[-1]] not in path:
            path.append(pointer[path[-1]])
        last = path[-1]
        if last in pointer and pointer[last] in path:
            cycle = path[path.index(pointer[last]) :]
            survivor = min(cycle)
            row = s.get(Member, survivor)
            if row is not None:
                row.deleted = False
                row.merged_into = None
                changed += 1
            del pointer[survivor]
    final: dict[str, str] = {}
    for start in pointer:
        at = start
        while at in pointer:
            at = pointer[at]
        final[start] = at
    old = list(final)
    for i in range(0, len(old), 500):
        chunk = old[i : i + 500]
        for reg in s.scalars(select(Registration).where(Registration.member_id.in_(chunk))):
            reg.member_id = final[reg.member_id or ""]
            changed += 1
        for role in s.scalars(select(WatchAssignment).where(WatchAssignment.member_id.in_(chunk))):
            role.member_id = final[role.member_id]
            changed += 1
        for visit in s.scalars(select(Visit).where(Visit.visitor_member_id.in_(chunk))):
            visit.visitor_member_id = final[visit.visitor_member_id or ""]
            changed += 1
        for duty in s.scalars(select(DutyAssignment).where(DutyAssignment.member_id.in_(chunk))):
            duty.member_id = final[duty.member_id]
            changed += 1
    return changed
