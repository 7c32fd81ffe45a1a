"""Who is acting on which database: every service call takes a Context."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from app.core.i18n import gettext as _

if TYPE_CHECKING:
    # Only for the annotation: importing app.core.context must not load SQLAlchemy (the window
    # imports it before its first paint).
    from app.storage.database import Database

COORDINATOR = "coordinator"
VISITOR = "visitor"
VIEWER = "viewer"
ROLES = (COORDINATOR, VISITOR, VIEWER)


class Permission(StrEnum):
    """One thing a role may do; every check and every grant names a member of this set, so a
    misspelt one fails mypy (and tests/app/test_context.py holds each to a check in app/)."""

    ROSTER_READ = "roster.read"
    # Every member's contact details (phones, address, e-mail).
    ROSTER_CONTACT = "roster.contact"
    # Contact details of fellow volunteers only (and one's own): what a watch-over volunteer
    # needs to arrange a visit together, not the whole roster's phones.
    ROSTER_CONTACT_VOLUNTEERS = "roster.contact_volunteers"
    ROSTER_WRITE = "roster.write"
    ROSTER_EXPORT = "roster.export"
    EVENTS_READ = "events.read"
    # Lists of the people at an event (attendance and sign-in sheets, name tags, call lists)
    # and guests' contact details.
    EVENTS_PEOPLE = "events.people"
    EVENTS_WRITE = "events.write"
    WATCH_READ_ALL = "watch.read_all"
    WATCH_OWN = "watch.own"
    WATCH_WRITE = "watch.write"
    WATCH_EXPORT = "watch.export"
    REPORTS_READ = "reports.read"
    SYNC = "sync"
    ADMIN = "admin"


# What each role may do; the checks live here, below the window and the command line.
# DESIGN.md ("Roles") holds the same table in words.
PERMISSIONS: dict[str, frozenset[Permission]] = {
    COORDINATOR: frozenset(Permission),
    VISITOR: frozenset(
        {
            Permission.ROSTER_READ,
            Permission.ROSTER_CONTACT_VOLUNTEERS,
            Permission.EVENTS_READ,
            Permission.WATCH_OWN,
            Permission.REPORTS_READ,
        }
    ),
    # Counts only: no names, no contact details.
    VIEWER: frozenset({Permission.REPORTS_READ}),
}


@dataclass(frozen=True)
class Actor:
    """The account acting: its name, role and (for a visitor) the member it is."""

    name: str
    role: str = COORDINATOR
    member_id: str | None = None

    def can(self, permission: Permission) -> bool:
        """True when this actor's role grants `permission`."""
        return permission in PERMISSIONS.get(self.role, frozenset())


SYSTEM = Actor("system", COORDINATOR)


@dataclass(frozen=True)
class Context:
    """A service call's world: the open database and the acting account.

    Immutable: a log-in, an unlock as someone else or a change of the acting account's role
    makes a new Context (`with_actor`), handed to the pages; a call under way keeps its own.
    """

    db: Database
    actor: Actor = SYSTEM

    def with_actor(self, actor: Actor) -> Context:
        """The same database, acted on by `actor`."""
        return replace(self, actor=actor)

    def require(self, permission: Permission) -> None:
        """Refuse the call unless the actor may do `permission`; a refusal is audited."""
        if not self.actor.can(permission):
            # Imported here: app.core.context loads before the window's first paint, the audit
            # (SQLAlchemy) only when someone is refused.
            from app.storage.audit import deny

            deny(self, permission)


def role_label(role: str) -> str:
    """The role's name for people."""
    labels = {
        COORDINATOR: _("coordinator"),
        VISITOR: _("visitor"),
        VIEWER: _("viewer"),
    }
    return labels.get(role, role)
