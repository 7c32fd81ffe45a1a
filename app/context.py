"""Who is acting on which database: every service call takes a Context."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app.errors import PermissionDenied
from app.i18n import gettext as _

if TYPE_CHECKING:
    # Only for the annotation: importing app.context must not load SQLAlchemy (the window
    # imports it before its first paint).
    from app.database import Database

COORDINATOR = "coordinator"
VISITOR = "visitor"
VIEWER = "viewer"
ROLES = (COORDINATOR, VISITOR, VIEWER)

# What each role may do; the checks live here, below the window and the command line.
PERMISSIONS: dict[str, frozenset[str]] = {
    COORDINATOR: frozenset(
        {
            "roster.read",
            "roster.contact",
            "roster.write",
            "roster.export",
            "events.read",
            "events.write",
            "watch.read_all",
            "watch.write",
            "watch.export",
            "reports.read",
            "sync",
            "admin",
        }
    ),
    VISITOR: frozenset(
        {"roster.read", "roster.contact", "events.read", "watch.own", "reports.read"}
    ),
    VIEWER: frozenset({"reports.read"}),
}


@dataclass(frozen=True)
class Actor:
    """The account acting: its name, role and (for a visitor) the member it is."""

    name: str
    role: str = COORDINATOR
    member_id: str | None = None

    def can(self, permission: str) -> bool:
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

    def require(self, permission: str) -> None:
        """Refuse the call unless the actor may do `permission`."""
        if not self.actor.can(permission):
            raise PermissionDenied(
                _("Your account ({role}) may not do this.").format(role=role_label(self.actor.role))
            )


def role_label(role: str) -> str:
    """The role's name for people."""
    labels = {
        COORDINATOR: _("coordinator"),
        VISITOR: _("visitor"),
        VIEWER: _("viewer"),
    }
    return labels.get(role, role)
