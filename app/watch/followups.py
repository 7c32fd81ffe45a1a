"""Follow-ups: what a visit opened, until someone closes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Context
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.storage.audit import record_audit
from app.watch.access import (
    NotYours,
    audited_denials,
    has_consent,
    load_person,
    require_access,
    require_consent,
    visible_clause,
)
from app.watch.people import REFERRAL_KINDS
from app.watch.signs import FOLLOW_UP_OUTCOMES
from app.watch.visits_log import _require_visit_rights
from db.models import (
    FollowUp,
    ReferralTarget,
    WatchedPerson,
)

# --- follow-ups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Referral:
    """Whom a follow-up was referred to: a configured target, or a kind and a name."""

    target_id: str | None = None
    kind: str = ""
    name: str = ""
    at: datetime | None = None
    by: str = ""


@dataclass(frozen=True)
class FollowUpView:
    """A follow-up as the home page and its dialog show it."""

    id: str
    person_id: str
    person_name: str
    visit_id: str | None
    opened_at: datetime
    urgency: str
    referred_to_kind: str
    referred_to_id: str | None
    referred_to_name: str
    referred_at: datetime | None
    referred_by: str
    result: str
    closed_at: datetime | None
    emergency_sharing: bool
    has_consent: bool

    @property
    def is_open(self) -> bool:
        """Still on the home page."""
        return self.closed_at is None


def _follow_view(row: FollowUp, person: WatchedPerson) -> FollowUpView:
    return FollowUpView(
        id=row.id,
        person_id=row.person_id,
        person_name=f"{person.family_name}\u3000{person.given_name}".strip("\u3000"),
        visit_id=row.visit_id,
        opened_at=row.opened_at,
        urgency=row.urgency,
        referred_to_kind=row.referred_to_kind,
        referred_to_id=row.referred_to_id,
        referred_to_name=row.referred_to_name,
        referred_at=row.referred_at,
        referred_by=row.referred_by,
        result=row.result,
        closed_at=row.closed_at,
        emergency_sharing=person.consent_emergency_sharing,
        has_consent=has_consent(person),
    )


def _load_follow(s: Session, ctx: Context, follow_id: str) -> tuple[FollowUp, WatchedPerson]:
    row = s.get(FollowUp, follow_id)
    if row is None or row.deleted:
        raise UserError(_("No such follow-up: {id}").format(id=follow_id))
    try:
        person = load_person(s, ctx, row.person_id)
    except NotYours:
        raise NotYours("follow_up", follow_id) from None
    return row, person


@audited_denials
def open_follow_up(
    ctx: Context, person_id: str, urgency: str = "contact", at: datetime | None = None
) -> FollowUpView:
    """Open a follow-up by hand (a phone call from a neighbour, say)."""
    _require_visit_rights(ctx)
    if urgency not in FOLLOW_UP_OUTCOMES:
        raise UserError(_("Unknown outcome: {value}").format(value=urgency))
    with ctx.db.transaction() as s:
        person = load_person(s, ctx, person_id)
        row = FollowUp(
            person_id=person.id,
            opened_at=(at or datetime.now()).replace(microsecond=0),
            urgency=urgency,
        )
        s.add(row)
        s.flush()
        record_audit(s, ctx, "create", "follow_up", row.id, f"person:{person.id}")
        return _follow_view(row, person)


@audited_denials
def refer_follow_up(ctx: Context, follow_id: str, referral: Referral) -> FollowUpView:
    """Record whom the follow-up was referred to, when and by whom."""
    _require_visit_rights(ctx)
    with ctx.db.transaction() as s:
        row, person = _load_follow(s, ctx, follow_id)
        if row.closed_at is not None:
            raise UserError(_("This follow-up is already closed."))
        kind, name = referral.kind, referral.name.strip()
        if referral.target_id:
            target = s.get(ReferralTarget, referral.target_id)
            if target is None or target.deleted:
                raise UserError(_("No such referral target: {id}").format(id=referral.target_id))
            kind, name = target.kind, target.name
        if kind not in REFERRAL_KINDS:
            raise UserError(_("Choose whom the follow-up was referred to."))
        if not name:
            name = _(REFERRAL_KINDS[kind])
        at = (referral.at or datetime.now()).replace(microsecond=0)
        if at < row.opened_at.replace(second=0) - timedelta(minutes=1):
            raise UserError(_("The referral cannot be before the follow-up was opened."))
        row.referred_to_kind = kind
        row.referred_to_id = referral.target_id or None
        row.referred_to_name = name
        row.referred_at = at
        row.referred_by = referral.by.strip() or ctx.actor.name
        s.flush()
        record_audit(s, ctx, "change", "follow_up", row.id, f"referred:{kind}")
        return _follow_view(row, person)


@audited_denials
def record_follow_up_result(ctx: Context, follow_id: str, result: str) -> FollowUpView:
    """Write down what came of the follow-up (needs the person's consent: it is a note)."""
    _require_visit_rights(ctx)
    with ctx.db.transaction() as s:
        row, person = _load_follow(s, ctx, follow_id)
        text = result.strip()
        if text:
            require_consent(person, _("the follow-up result"))
        row.result = text
        s.flush()
        record_audit(s, ctx, "change", "follow_up", row.id, "result")
        return _follow_view(row, person)


@audited_denials
def close_follow_up(
    ctx: Context, follow_id: str, result: str | None = None, at: datetime | None = None
) -> FollowUpView:
    """Close the follow-up (optionally with its result); it leaves the home page."""
    _require_visit_rights(ctx)
    with ctx.db.transaction() as s:
        row, person = _load_follow(s, ctx, follow_id)
        if row.closed_at is not None:
            raise UserError(_("This follow-up is already closed."))
        if result is not None:
            text = result.strip()
            if text:
                require_consent(person, _("the follow-up result"))
            row.result = text
        closed = (at or datetime.now()).replace(microsecond=0)
        if closed < row.opened_at.replace(second=0) - timedelta(minutes=1):
            raise UserError(_("A follow-up cannot be closed before it was opened."))
        row.closed_at = closed
        s.flush()
        record_audit(s, ctx, "change", "follow_up", row.id, "closed")
        return _follow_view(row, person)


@audited_denials
def reopen_follow_up(ctx: Context, follow_id: str) -> FollowUpView:
    """Put a closed follow-up back on the home page."""
    _require_visit_rights(ctx)
    with ctx.db.transaction() as s:
        row, person = _load_follow(s, ctx, follow_id)
        row.closed_at = None
        s.flush()
        record_audit(s, ctx, "change", "follow_up", row.id, "reopened")
        return _follow_view(row, person)


@audited_denials
def get_follow_up(ctx: Context, follow_id: str) -> FollowUpView:
    """One follow-up (the view is written to the audit log)."""
    require_access(ctx)
    with ctx.db.transaction() as s:
        row, person = _load_follow(s, ctx, follow_id)
        record_audit(s, ctx, "view", "follow_up", row.id)
        return _follow_view(row, person)


@audited_denials
def list_follow_ups(
    ctx: Context,
    open_only: bool = True,
    person_id: str | None = None,
    *,
    chapter_id: str | None = None,
) -> list[FollowUpView]:
    """Follow-ups the actor may see: emergencies first, then the oldest first.

    `chapter_id` keeps those of one chapter's people (None: every chapter's).
    """
    require_access(ctx)
    stmt = (
        select(FollowUp, WatchedPerson)
        .join(WatchedPerson, WatchedPerson.id == FollowUp.person_id)
        .where(FollowUp.deleted.is_(False), WatchedPerson.erased.is_(False))
    )
    if chapter_id is not None:
        stmt = stmt.where(WatchedPerson.chapter_id == chapter_id)
    visible = visible_clause(ctx, FollowUp.person_id)
    if visible is not None:
        stmt = stmt.where(visible)
    if open_only:
        stmt = stmt.where(FollowUp.closed_at.is_(None))
    with ctx.db.transaction() as s:
        if person_id is not None:
            load_person(s, ctx, person_id)
            stmt = stmt.where(FollowUp.person_id == person_id)
        views = [_follow_view(f, p) for f, p in s.execute(stmt)]
    return sorted(views, key=lambda v: (v.urgency != "emergency", v.opened_at, v.id))
