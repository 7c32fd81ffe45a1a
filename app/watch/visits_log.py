"""Visits: what a volunteer records after seeing someone."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.safety import strip_bidi
from app.storage.audit import record_audit
from app.watch.access import (
    NotYours,
    audited_denials,
    load_person,
    reads_all,
    require_access,
    require_consent,
)
from app.watch.people import METHODS, member_name
from app.watch.signs import CONTACT_RESULTS, FOLLOW_UP_OUTCOMES, OUTCOMES, sign_checklist
from db.models import (
    FollowUp,
    Member,
    Visit,
    WatchedPerson,
)

# --- visits --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitInput:
    """What the visit form holds."""

    person_id: str
    visited_at: datetime
    visitor_member_id: str | None = None
    method: str = "visit"
    contact_result: str = "met"
    outcome: str = "no_change"
    signs: tuple[str, ...] = ()
    notes: str = ""
    next_visit_on: date | None = None


@dataclass(frozen=True)
class VisitView(VisitInput):
    """A stored visit."""

    id: str = ""
    visitor_name: str = ""
    follow_up_id: str | None = None
    version: str = ""


def _clean_visit(ctx: Context, s: Session, data: VisitInput, known_signs: set[str]) -> VisitInput:
    if data.method not in METHODS:
        raise UserError(_("Unknown way of contact: {value}").format(value=data.method))
    if data.contact_result not in CONTACT_RESULTS:
        raise UserError(_("Unknown visit result: {value}").format(value=data.contact_result))
    if data.outcome not in OUTCOMES:
        raise UserError(_("Unknown outcome: {value}").format(value=data.outcome))
    unknown = [x for x in data.signs if x not in known_signs]
    if unknown:
        raise UserError(_("Unknown sign: {value}").format(value=", ".join(unknown)))
    if data.visited_at > datetime.now() + timedelta(hours=1):
        raise UserError(_("A visit cannot be logged in the future."))
    if data.next_visit_on is not None and data.next_visit_on < data.visited_at.date():
        raise UserError(_("The next visit cannot be before this one."))
    visitor = data.visitor_member_id or None
    if not reads_all(ctx):
        # A visitor logs their own visits only.
        if visitor not in (None, ctx.actor.member_id):
            raise UserError(_("You can log only your own visits."))
        visitor = ctx.actor.member_id
    if visitor is not None:
        member = s.get(Member, visitor)
        if member is None or member.deleted:
            raise UserError(_("No such member: {id}").format(id=visitor))
    return replace(
        data,
        visitor_member_id=visitor,
        signs=tuple(dict.fromkeys(data.signs)),
        notes=strip_bidi(data.notes.strip()),
        visited_at=data.visited_at.replace(microsecond=0),
    )


def _require_visit_rights(ctx: Context) -> None:
    if not ctx.actor.can(Permission.WATCH_WRITE):
        ctx.require(Permission.WATCH_OWN)
    require_access(ctx)


def _visit_view(s: Session, row: Visit) -> VisitView:
    visitor = s.get(Member, row.visitor_member_id) if row.visitor_member_id else None
    follow = s.scalar(
        select(FollowUp.id).where(FollowUp.visit_id == row.id, FollowUp.deleted.is_(False))
    )
    return VisitView(
        person_id=row.person_id,
        visited_at=row.visited_at,
        visitor_member_id=row.visitor_member_id,
        method=row.method,
        contact_result=row.contact_result,
        outcome=row.outcome,
        signs=tuple(row.signs or ()),
        notes=row.notes,
        next_visit_on=row.next_visit_on,
        id=row.id,
        visitor_name=member_name(visitor) if visitor is not None else "",
        follow_up_id=follow,
        version=row.version,
    )


def _store_visit(s: Session, row: Visit, data: VisitInput) -> None:
    row.person_id = data.person_id
    row.visited_at = data.visited_at
    row.visitor_member_id = data.visitor_member_id
    row.method = data.method
    row.contact_result = data.contact_result
    row.outcome = data.outcome
    row.signs = list(data.signs)
    row.notes = data.notes
    row.next_visit_on = data.next_visit_on


def _open_follow_up_for(s: Session, row: Visit) -> None:
    if row.outcome not in FOLLOW_UP_OUTCOMES:
        return
    existing = s.scalar(
        select(FollowUp).where(
            FollowUp.visit_id == row.id,
            FollowUp.deleted.is_(False),
        )
    )
    if existing is None:
        s.add(
            FollowUp(
                visit_id=row.id,
                person_id=row.person_id,
                opened_at=row.visited_at,
                urgency=row.outcome,
            )
        )
    elif existing.closed_at is None and existing.urgency != row.outcome:
        existing.urgency = row.outcome


@audited_denials
def log_visit(ctx: Context, data: VisitInput) -> VisitView:
    """Log a visit; "contact needed" and "emergency" open a follow-up at once."""
    _require_visit_rights(ctx)
    known = {x.code for x in sign_checklist(ctx)}
    with ctx.db.transaction() as s:
        person = load_person(s, ctx, data.person_id)
        clean = _clean_visit(ctx, s, data, known)
        if clean.notes:
            require_consent(person, _("visit notes"))
        if clean.signs:
            require_consent(person, _("the signs observed"))
        row = Visit()
        _store_visit(s, row, clean)
        s.add(row)
        s.flush()
        _open_follow_up_for(s, row)
        s.flush()
        record_audit(s, ctx, "create", "visit", row.id, f"person:{person.id}")
        return _visit_view(s, row)


def _load_visit(s: Session, ctx: Context, visit_id: str) -> tuple[Visit, WatchedPerson]:
    row = s.get(Visit, visit_id)
    if row is None or row.deleted:
        raise UserError(_("No such visit: {id}").format(id=visit_id))
    try:
        person = load_person(s, ctx, row.person_id)
    except NotYours:
        raise NotYours("visit", visit_id) from None
    return row, person


@audited_denials
def update_visit(ctx: Context, visit_id: str, data: VisitInput) -> VisitView:
    """Correct a logged visit (coordinators, or the visitor who logged it)."""
    _require_visit_rights(ctx)
    active = {x.code for x in sign_checklist(ctx)}
    with ctx.db.transaction() as s:
        row, person = _load_visit(s, ctx, visit_id)
        if not reads_all(ctx) and row.visitor_member_id != ctx.actor.member_id:
            raise UserError(_("You can correct only the visits you logged."))
        if data.person_id != row.person_id:
            raise UserError(_("A visit cannot be moved to another person."))
        # A sign switched off since keeps its place on the visits that have it.
        clean = _clean_visit(ctx, s, data, active | set(row.signs or ()))
        if clean.notes:
            require_consent(person, _("visit notes"))
        if clean.signs:
            require_consent(person, _("the signs observed"))
        _store_visit(s, row, clean)
        s.flush()
        _open_follow_up_for(s, row)
        s.flush()
        record_audit(s, ctx, "change", "visit", row.id, f"person:{person.id}")
        return _visit_view(s, row)


@audited_denials
def get_visit(ctx: Context, visit_id: str) -> VisitView:
    """One visit (the view is written to the audit log)."""
    require_access(ctx)
    with ctx.db.transaction() as s:
        row, person = _load_visit(s, ctx, visit_id)
        record_audit(s, ctx, "view", "visit", row.id, f"person:{person.id}")
        return _visit_view(s, row)


@audited_denials
def list_visits(ctx: Context, person_id: str, limit: int | None = None) -> list[VisitView]:
    """A person's visits, newest first (the view is written to the audit log)."""
    require_access(ctx)
    with ctx.db.transaction() as s:
        person = load_person(s, ctx, person_id)
        stmt = (
            select(Visit)
            .where(Visit.person_id == person.id, Visit.deleted.is_(False))
            .order_by(Visit.visited_at.desc(), Visit.id)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        record_audit(s, ctx, "view", "watched_person", person.id, "visits")
        return [_visit_view(s, v) for v in s.scalars(stmt)]


@audited_denials
def delete_visit(ctx: Context, visit_id: str) -> None:
    """Remove a visit logged by mistake (coordinators; kept as a tombstone for sync)."""
    ctx.require(Permission.WATCH_WRITE)
    with ctx.db.transaction() as s:
        row, person = _load_visit(s, ctx, visit_id)
        row.deleted = True
        for follow in s.scalars(select(FollowUp).where(FollowUp.visit_id == row.id)):
            if follow.closed_at is None and not follow.referred_at:
                follow.deleted = True
        record_audit(s, ctx, "delete", "visit", row.id, f"person:{person.id}")
