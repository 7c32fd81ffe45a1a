"""The take-out log: what personal data left the machine, so a loss can be judged in days."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.context import Context
from db.models import TakeOutLog


def record_take_out(
    session: Session,
    ctx: Context,
    *,
    action: str,
    what: str,
    people: int,
    special_care: bool,
    encrypted: bool,
    destination: str,
) -> None:
    """Add one entry in the caller's transaction (it travels to headquarters)."""
    session.add(
        TakeOutLog(
            at=datetime.now().replace(microsecond=0),
            user_name=ctx.actor.name,
            action=action,
            what=what,
            people_count=people,
            special_care=special_care,
            encrypted=encrypted,
            destination=destination,
        )
    )
