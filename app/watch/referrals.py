"""Where a person may be referred (care centres, partners)."""

from __future__ import annotations

from sqlalchemy import select

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.phone import clean_phone
from app.core.text.safety import refuse_bad_name, strip_bidi
from app.watch.access import require_access
from app.watch.people import REFERRAL_KINDS, ReferralTargetInput, ReferralTargetView
from db.models import (
    ReferralTarget,
)

# --- referral targets ----------------------------------------------------------------------


def _clean_target(data: ReferralTargetInput) -> ReferralTargetInput:
    name = refuse_bad_name(data.name.strip())
    if not name:
        raise UserError(_("A referral target needs a name."))
    if data.kind not in REFERRAL_KINDS:
        raise UserError(_("Unknown kind of referral target: {value}").format(value=data.kind))
    return ReferralTargetInput(
        name=name,
        kind=data.kind,
        municipality=data.municipality.strip(),
        phone=clean_phone(data.phone),
        note=strip_bidi(data.note.strip()),
    )


def _target_view(row: ReferralTarget) -> ReferralTargetView:
    return ReferralTargetView(
        id=row.id,
        name=row.name,
        kind=row.kind,
        municipality=row.municipality,
        phone=row.phone,
        note=row.note,
    )


def list_referral_targets(ctx: Context, kind: str | None = None) -> list[ReferralTargetView]:
    """The configured referral targets (support centres first, then by kind and name)."""
    require_access(ctx)
    order = {k: i for i, k in enumerate(REFERRAL_KINDS)}
    stmt = select(ReferralTarget).where(ReferralTarget.deleted.is_(False))
    if kind:
        stmt = stmt.where(ReferralTarget.kind == kind)
    with ctx.db.transaction() as s:
        rows = [_target_view(r) for r in s.scalars(stmt)]
    return sorted(rows, key=lambda t: (order.get(t.kind, 99), t.name))


def add_referral_target(ctx: Context, data: ReferralTargetInput) -> ReferralTargetView:
    """Add a support centre, council, 民生委員, doctor … to refer follow-ups to."""
    ctx.require(Permission.WATCH_WRITE)
    clean = _clean_target(data)
    with ctx.db.transaction() as s:
        row = ReferralTarget(**clean.__dict__)
        s.add(row)
        s.flush()
        return _target_view(row)


def update_referral_target(
    ctx: Context, target_id: str, data: ReferralTargetInput
) -> ReferralTargetView:
    """Change a referral target's name, kind, phone or note."""
    ctx.require(Permission.WATCH_WRITE)
    clean = _clean_target(data)
    with ctx.db.transaction() as s:
        row = s.get(ReferralTarget, target_id)
        if row is None or row.deleted:
            raise UserError(_("No such referral target: {id}").format(id=target_id))
        for key, value in clean.__dict__.items():
            setattr(row, key, value)
        s.flush()
        return _target_view(row)


def remove_referral_target(ctx: Context, target_id: str) -> None:
    """Take a referral target off the list (kept as a tombstone; old follow-ups keep its name)."""
    ctx.require(Permission.WATCH_WRITE)
    with ctx.db.transaction() as s:
        row = s.get(ReferralTarget, target_id)
        if row is None or row.deleted:
            raise UserError(_("No such referral target: {id}").format(id=target_id))
        row.deleted = True
