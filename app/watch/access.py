"""Who may see whom among the people watched over."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.errors import PermissionDenied, UserError
from app.core.i18n import gettext as _
from app.storage.audit import record_audit
from db.models import (
    WatchAssignment,
    WatchedPerson,
)

# --- who may see whom ----------------------------------------------------------------------


class NotYours(PermissionDenied):
    """A visitor asked for a person (or their visit) not assigned to them."""

    def __init__(self, entity: str, entity_id: str) -> None:
        super().__init__(_("This person is not assigned to you."))
        self.entity = entity
        self.entity_id = entity_id


P = ParamSpec("P")
R = TypeVar("R")


def audited_denials(fn: Callable[P, R]) -> Callable[P, R]:
    """Log a visitor's attempt on someone else's person once the refused transaction is over."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except NotYours as denied:
            ctx = args[0]
            if isinstance(ctx, Context):
                with ctx.db.transaction() as s:
                    record_audit(s, ctx, "denied", denied.entity, denied.entity_id, fn.__name__)
            raise

    return wrapper


def reads_all(ctx: Context) -> bool:
    """True for coordinators: every person, not only assigned ones."""
    return ctx.actor.can(Permission.WATCH_READ_ALL)


def require_access(ctx: Context) -> None:
    """Refuse anyone who may not see people under watch at all (viewers)."""
    if reads_all(ctx):
        return
    if ctx.actor.can(Permission.WATCH_OWN) and ctx.actor.member_id:
        return
    ctx.require(Permission.WATCH_READ_ALL)


def assigned_ids(member_id: str) -> Any:
    """The ids of people a member is assigned to, as a sub-select."""
    return select(WatchAssignment.person_id).where(
        WatchAssignment.member_id == member_id, WatchAssignment.deleted.is_(False)
    )


def visible_clause(ctx: Context, person_id: Any) -> ColumnElement[bool] | None:
    """A WHERE term keeping only the people the actor may see (None: everyone)."""
    require_access(ctx)
    if reads_all(ctx):
        return None
    return person_id.in_(assigned_ids(ctx.actor.member_id or ""))


def load_person(s: Session, ctx: Context, person_id: str) -> WatchedPerson:
    """The person row, refused when it does not exist or is not the visitor's."""
    require_access(ctx)
    row = s.get(WatchedPerson, person_id)
    if row is None or row.deleted or row.erased:
        raise UserError(_("No such person under watch: {id}").format(id=person_id))
    if not reads_all(ctx):
        assigned = s.scalar(
            select(func.count())
            .select_from(WatchAssignment)
            .where(
                WatchAssignment.person_id == person_id,
                WatchAssignment.member_id == (ctx.actor.member_id or ""),
                WatchAssignment.deleted.is_(False),
            )
        )
        if not assigned:
            raise NotYours("watched_person", person_id)
    return row


def has_consent(row: WatchedPerson) -> bool:
    """Consent is on record (date, scope and who obtained it)."""
    return bool(row.consent_on and row.consent_scope.strip() and row.consent_by.strip())


def require_consent(row: WatchedPerson, what: str) -> None:
    """Refuse to keep notes about someone before their consent is recorded."""
    if not has_consent(row):
        raise UserError(
            _(
                "Record the person's consent (date, scope, who obtained it) before saving {what}."
            ).format(what=what)
        )
