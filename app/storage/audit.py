"""The audit log: who viewed, changed, exported or printed which sensitive record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core.context import Context, Permission, role_label
from app.core.errors import PermissionDenied
from app.core.i18n import gettext as _
from db.models import AuditEntry

ACTIONS = ("view", "create", "change", "delete", "export", "print", "erase", "login", "denied")


@dataclass(frozen=True)
class AuditView:
    """One audit entry as coordinators read it."""

    id: int
    at: datetime
    user_name: str
    action: str
    entity: str
    entity_id: str
    detail: str


def record_audit(
    session: Session,
    ctx: Context,
    action: str,
    entity: str,
    entity_id: str = "",
    detail: str = "",
) -> None:
    """Add an entry inside the caller's transaction (never personal data in `detail`)."""
    session.add(
        AuditEntry(
            at=datetime.now().replace(microsecond=0),
            user_name=ctx.actor.name,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
        )
    )


def refusal(ctx: Context) -> PermissionDenied:
    """The one-line refusal of an action the acting account's role does not allow."""
    return PermissionDenied(
        _("Your account ({role}) may not do this.").format(role=role_label(ctx.actor.role))
    )


def deny(
    ctx: Context,
    permission: Permission,
    entity: str = "",
    entity_id: str = "",
) -> NoReturn:
    """Refuse an action: record it as denied (its own transaction, as nothing else is written)
    and raise PermissionDenied. `entity` says what was asked for; the permission is the detail."""
    try:
        with ctx.db.transaction() as s:
            record_audit(s, ctx, "denied", entity or "permission", entity_id, str(permission))
    except OperationalError:
        # A database that cannot take the entry now (locked, read-only) must still refuse.
        pass
    raise refusal(ctx)


def read_audit(ctx: Context, limit: int = 500, entity_id: str | None = None) -> list[AuditView]:
    """The newest entries first; coordinators only."""
    ctx.require(Permission.ADMIN)
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    with ctx.db.transaction() as s:
        return [
            AuditView(e.id, e.at, e.user_name, e.action, e.entity, e.entity_id, e.detail)
            for e in s.scalars(stmt)
        ]
