"""The audit log: who viewed, changed, exported or printed which sensitive record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import Context
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


def read_audit(ctx: Context, limit: int = 500, entity_id: str | None = None) -> list[AuditView]:
    """The newest entries first; coordinators only."""
    ctx.require("admin")
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    with ctx.db.transaction() as s:
        return [
            AuditView(e.id, e.at, e.user_name, e.action, e.entity, e.entity_id, e.detail)
            for e in s.scalars(stmt)
        ]
