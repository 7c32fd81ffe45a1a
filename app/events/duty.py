"""Duty rosters (当番表): the jobs at each date of an event, who is on duty, and what is short."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.dates import format_date
from app.core.errors import UserError
from app.core.i18n import N_, current_language, list_separator
from app.core.i18n import gettext as _
from app.core.text.safety import strip_bidi
from app.events.views import _load_event, _occurrence_rows
from app.events.vocabulary import CANCELLED, MONTHLY
from app.roster import people
from db.models import DutyAssignment, DutyRole, Event, EventOccurrence, Member

# A café's usual jobs, offered when an event has none yet; stored in the language of the
# coordinator who chose them, as any other text they type.
DEFAULT_ROLES: tuple[tuple[str, int], ...] = (
    (N_("Reception"), 2),
    (N_("Cooking"), 3),
    (N_("Setting up"), 2),
    (N_("Clearing up"), 2),
    (N_("Host"), 1),
)
MAX_ROLES = 30
MAX_NEEDED = 50
MAX_ROLE_NAME = 40

SHORT = "short"
DOUBLE = "double"


@dataclass(frozen=True)
class DutyRoleView:
    """One job of an event and how many people it needs at each date."""

    id: str
    name: str
    needed: int
    position: int


@dataclass(frozen=True)
class OnDuty:
    """A member on duty in one job at one date."""

    assignment_id: str
    member_id: str
    name: str
    reading: str


@dataclass(frozen=True)
class DutySlot:
    """One job at one date: who is on it and how many are still needed."""

    role_id: str
    role: str
    needed: int
    people: tuple[OnDuty, ...]

    @property
    def short(self) -> int:
        """People still needed (0 when the job is filled)."""
        return max(0, self.needed - len(self.people))


@dataclass(frozen=True)
class DutyWarning:
    """Something the coordinator should see: a job short of people, or a double booking."""

    kind: str
    day: date
    role: str
    member_id: str
    text: str


@dataclass(frozen=True)
class DutyDate:
    """One date of the event with its jobs."""

    occurrence_id: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    cancelled: bool
    slots: tuple[DutySlot, ...]


@dataclass(frozen=True)
class DutyRoster:
    """An event's 当番表: its jobs, its dates with who is on duty, and the warnings."""

    event_id: str
    title: str
    venue: str
    roles: tuple[DutyRoleView, ...]
    dates: tuple[DutyDate, ...]
    warnings: tuple[DutyWarning, ...]


@dataclass(frozen=True)
class MemberDuty:
    """One duty of a volunteer: when, at which event, in which job."""

    assignment_id: str
    day: date
    starts_at: datetime | None
    event_id: str
    title: str
    venue: str
    role: str


@dataclass(frozen=True)
class DutyAssigned:
    """What assign_duty did, with the warnings about that member and that job."""

    assignment_id: str
    roster: DutyRoster
    warnings: tuple[DutyWarning, ...]


def _clean_name(text: str) -> str:
    # Direction overrides would let a job's name print reversed on the posted roster.
    name = " ".join(unicodedata.normalize("NFKC", strip_bidi(text)).split())
    if not name:
        raise UserError(_("A duty needs a name."))
    if len(name) > MAX_ROLE_NAME:
        raise UserError(
            _("The name of a duty is at most {n} characters: {name}").format(
                n=MAX_ROLE_NAME, name=name[:MAX_ROLE_NAME] + "…"
            )
        )
    return name


def _roles(s: Session, event_id: str) -> list[DutyRole]:
    return list(
        s.scalars(
            select(DutyRole)
            .where(DutyRole.event_id == event_id, DutyRole.deleted.is_(False))
            .order_by(DutyRole.position, DutyRole.name)
        )
    )


def _role_view(row: DutyRole) -> DutyRoleView:
    return DutyRoleView(row.id, row.name, row.needed, row.position)


def default_roles() -> tuple[tuple[str, int], ...]:
    """The usual jobs of a café, in the current language, to start a roster from."""
    return tuple((_(name), needed) for name, needed in DEFAULT_ROLES)


def duty_roles(ctx: Context, event_id: str) -> tuple[DutyRoleView, ...]:
    """The jobs of an event, in their order."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        _load_event(s, event_id)
        return tuple(_role_view(r) for r in _roles(s, event_id))


def set_duty_roles(
    ctx: Context, event_id: str, roles: Sequence[tuple[str, int]]
) -> tuple[DutyRoleView, ...]:
    """Make the event's jobs exactly `roles` (name, people needed), in that order.

    A job kept by name keeps its assignments; a job left out is removed only when nobody is
    on duty in it, so no one's duty disappears unseen.
    """
    ctx.require(Permission.EVENTS_WRITE)
    if len(roles) > MAX_ROLES:
        raise UserError(_("An event can have at most {n} duties.").format(n=MAX_ROLES))
    wanted: list[tuple[str, int]] = []
    for name, needed in roles:
        clean = _clean_name(name)
        if not 0 <= needed <= MAX_NEEDED:
            raise UserError(
                _("The number of people for {name} must be between 0 and {n}.").format(
                    name=clean, n=MAX_NEEDED
                )
            )
        if any(clean == w for w, _n in wanted):
            raise UserError(_("The duty {name} is listed twice.").format(name=clean))
        wanted.append((clean, needed))
    with ctx.db.transaction() as s:
        event = _load_event(s, event_id)
        current = {r.name: r for r in _roles(s, event_id)}
        names = {w for w, _n in wanted}
        for name, old in current.items():
            if name in names:
                continue
            taken = s.scalar(
                select(func.count())
                .select_from(DutyAssignment)
                .where(DutyAssignment.role_id == old.id, DutyAssignment.deleted.is_(False))
            )
            if taken:
                raise UserError(
                    _(
                        "{name} cannot be removed: {n} people are on duty in it. "
                        "Take them off first."
                    ).format(name=name, n=int(taken))
                )
            old.deleted = True
        for position, (name, needed) in enumerate(wanted):
            row = current.get(name)
            if row is None:
                row = DutyRole(event_id=event.id, name=name)
                row.chapter_id = event.chapter_id or None
                s.add(row)
            if row.needed != needed:
                row.needed = needed
            if row.position != position:
                row.position = position
        s.flush()
        return tuple(_role_view(r) for r in _roles(s, event_id))


def _event_dates(
    s: Session, event: Event
) -> list[tuple[str | None, datetime | None, datetime | None, bool]]:
    if event.recurrence == MONTHLY:
        return [
            (o.id, o.starts_at, o.ends_at, o.status == CANCELLED)
            for o in _occurrence_rows(s, event.id)
        ]
    return [(None, event.starts_at, event.ends_at, event.status == CANCELLED)]


def _date_key(s: Session, event: Event, day: date | None) -> str | None:
    """The occurrence id of `day` (None for an event with one date), refusing a day it lacks."""
    dates = _event_dates(s, event)
    if event.recurrence != MONTHLY:
        start = dates[0][1]
        if day is not None and start is not None and start.date() != day:
            raise UserError(
                _("{title} has no date on {date}.").format(title=event.title, date=day.isoformat())
            )
        return None
    if day is None:
        raise UserError(_("Say which date: {title} has more than one.").format(title=event.title))
    for occ_id, start, _end, _cancelled in dates:
        if start is not None and start.date() == day:
            return occ_id
    raise UserError(
        _("{title} has no date on {date}.").format(title=event.title, date=day.isoformat())
    )


def _resolve_role(roles: list[DutyRole], text: str, title: str) -> DutyRole:
    if not roles:
        raise UserError(
            _("{title} has no duties yet: set them first (for example reception, cooking).").format(
                title=title
            )
        )
    wanted = " ".join(unicodedata.normalize("NFKC", text).split())
    for row in roles:
        if row.name == wanted or row.name.casefold() == wanted.casefold():
            return row
    if wanted.isdigit() and 1 <= int(wanted) <= len(roles):
        return roles[int(wanted) - 1]
    raise UserError(
        _("{title} has no duty {role} (its duties: {roles}).").format(
            title=title, role=wanted, roles=list_separator().join(r.name for r in roles)
        )
    )


def _day_text(day: date) -> str:
    return format_date(day, current_language())


# When a duty is: the date of a monthly event's occurrence, else the event's own date.
_WHEN = func.coalesce(EventOccurrence.starts_at, Event.starts_at)


def _live_duties(*columns: Any) -> Any:
    """`columns` of every live duty (job, event and date not deleted), joined for reading."""
    return (
        select(*columns)
        .join(Event, Event.id == DutyAssignment.event_id)
        .join(DutyRole, DutyRole.id == DutyAssignment.role_id)
        .outerjoin(EventOccurrence, EventOccurrence.id == DutyAssignment.occurrence_id)
        .where(
            DutyAssignment.deleted.is_(False),
            DutyRole.deleted.is_(False),
            Event.deleted.is_(False),
            (EventOccurrence.id.is_(None)) | (EventOccurrence.deleted.is_(False)),
        )
    )


def _duties_on_days(
    s: Session, member_ids: set[str], days: set[date]
) -> dict[tuple[str, date], list[tuple[str, str, str, str]]]:
    """(member, day) -> (assignment id, event title, job, event id) of those members' duties
    on those days, in time order: one query for a whole roster's double bookings."""
    found: dict[tuple[str, date], list[tuple[str, str, str, str]]] = {}
    if not member_ids or not days:
        return found
    rows = s.execute(
        _live_duties(
            DutyAssignment.id, Event.title, DutyRole.name, Event.id, DutyAssignment.member_id, _WHEN
        )
        .where(
            DutyAssignment.member_id.in_(member_ids),
            func.date(_WHEN).in_(sorted(d.isoformat() for d in days)),
        )
        .order_by(_WHEN, DutyRole.position, DutyAssignment.id)
    )
    for a_id, title, role, e_id, m_id, at in rows:
        found.setdefault((m_id, at.date()), []).append((a_id, title, role, e_id))
    return found


def _roster(s: Session, event: Event, month: date | None = None) -> DutyRoster:
    roles = _roles(s, event.id)
    assignments = list(
        s.execute(
            select(DutyAssignment, Member)
            .join(Member, Member.id == DutyAssignment.member_id)
            .where(DutyAssignment.event_id == event.id, DutyAssignment.deleted.is_(False))
            .order_by(Member.reading_key, Member.id)
        ).all()
    )
    by_slot: dict[tuple[str | None, str], list[OnDuty]] = {}
    for a, m in assignments:
        by_slot.setdefault((a.occurrence_id, a.role_id), []).append(
            OnDuty(
                a.id,
                m.id,
                people.full_name(m.family_name, m.given_name),
                people.full_name(m.family_kana, m.given_kana),
            )
        )
    dates: list[DutyDate] = []
    warnings: list[DutyWarning] = []
    shown = [
        d
        for d in _event_dates(s, event)
        if month is None
        or (d[1] is not None and (d[1].year, d[1].month) == (month.year, month.month))
    ]
    others_on = _duties_on_days(
        s,
        {m.id for _a, m in assignments},
        {d[1].date() for d in shown if d[1] is not None and not d[3]},
    )
    for occ_id, start, end, cancelled in shown:
        slots = tuple(
            DutySlot(r.id, r.name, r.needed, tuple(by_slot.get((occ_id, r.id), ()))) for r in roles
        )
        dates.append(DutyDate(occ_id, start, end, cancelled, slots))
        if cancelled or start is None:
            continue
        day = start.date()
        for slot in slots:
            if slot.short:
                warnings.append(
                    DutyWarning(
                        SHORT,
                        day,
                        slot.role,
                        "",
                        _("{date} {role}: {n} more needed").format(
                            date=_day_text(day), role=slot.role, n=slot.short
                        ),
                    )
                )
        seen: set[str] = set()
        for slot in slots:
            for person in slot.people:
                if person.member_id in seen:
                    continue
                seen.add(person.member_id)
                others = [
                    d
                    for d in others_on.get((person.member_id, day), [])
                    if d[0] != person.assignment_id
                ]
                if others:
                    warnings.append(
                        DutyWarning(
                            DOUBLE,
                            day,
                            slot.role,
                            person.member_id,
                            _("{date}: {name} has another duty that day ({other})").format(
                                date=_day_text(day),
                                name=person.name,
                                other=list_separator().join(
                                    o[2] if o[3] == event.id else f"{o[1]} {o[2]}" for o in others
                                ),
                            ),
                        )
                    )
    return DutyRoster(
        event.id,
        event.title,
        event.venue,
        tuple(_role_view(r) for r in roles),
        tuple(dates),
        tuple(warnings),
    )


def _assignment_id(
    s: Session, event_id: str, occurrence_id: str | None, role_id: str, member_id: str
) -> str | None:
    """The live duty of a member in one job at one date, if there is one."""
    found = s.scalar(
        select(DutyAssignment.id).where(
            DutyAssignment.event_id == event_id,
            DutyAssignment.occurrence_id.is_(None)
            if occurrence_id is None
            else DutyAssignment.occurrence_id == occurrence_id,
            DutyAssignment.role_id == role_id,
            DutyAssignment.member_id == member_id,
            DutyAssignment.deleted.is_(False),
        )
    )
    return None if found is None else str(found)


def duty_roster(ctx: Context, event_id: str, month: date | None = None) -> DutyRoster:
    """The event's 当番表 (only the dates of `month`, when given), with its warnings."""
    ctx.require(Permission.EVENTS_READ)
    ctx.require(Permission.ROSTER_READ)
    with ctx.db.transaction() as s:
        return _roster(s, _load_event(s, event_id), month)


def assign_duty(
    ctx: Context, event_id: str, day: date | None, role: str, member_id: str, note: str = ""
) -> DutyAssigned:
    """Put a member on duty in a job at one date of the event.

    A double booking (the member has another duty that day) is allowed and warned about: a
    small chapter's helper often does two jobs. The same member twice in the same job is not.
    """
    ctx.require(Permission.EVENTS_WRITE)
    ctx.require(Permission.ROSTER_READ)
    with ctx.db.transaction() as s:
        event = _load_event(s, event_id)
        occurrence_id = _date_key(s, event, day)
        target = _resolve_role(_roles(s, event.id), role, event.title)
        member = s.get(Member, member_id)
        if member is None or member.deleted:
            raise UserError(_("No such member: {id}").format(id=member_id))
        if member.status != "active":
            raise UserError(
                _("{name} has retired and cannot be put on duty.").format(
                    name=people.full_name(member.family_name, member.given_name)
                )
            )
        already = _assignment_id(s, event.id, occurrence_id, target.id, member.id)
        if already:
            raise UserError(
                _("{name} is already on duty as {role} on that date.").format(
                    name=people.full_name(member.family_name, member.given_name), role=target.name
                )
            )
        row = DutyAssignment(
            event_id=event.id,
            occurrence_id=occurrence_id,
            role_id=target.id,
            member_id=member.id,
            note=note.strip()[:500],
        )
        row.chapter_id = event.chapter_id or None
        s.add(row)
        s.flush()
        roster = _roster(s, event)
        on = next(
            (
                d.starts_at.date()
                for d in roster.dates
                if d.occurrence_id == occurrence_id and d.starts_at
            ),
            None,
        )
        mine = tuple(
            w
            for w in roster.warnings
            if w.day == on
            and (
                (w.kind == DOUBLE and w.member_id == member.id)
                or (w.kind == SHORT and w.role == target.name)
            )
        )
        return DutyAssigned(row.id, roster, mine)


def unassign_duty(ctx: Context, assignment_id: str) -> DutyRoster:
    """Take a member off a duty (the row stays as a tombstone, so sync carries it)."""
    ctx.require(Permission.EVENTS_WRITE)
    ctx.require(Permission.ROSTER_READ)
    with ctx.db.transaction() as s:
        row = s.get(DutyAssignment, assignment_id)
        if row is None or row.deleted:
            raise UserError(_("No such duty: {id}").format(id=assignment_id))
        row.deleted = True
        s.flush()
        return _roster(s, _load_event(s, row.event_id))


def find_assignment(
    ctx: Context, event_id: str, day: date | None, role: str, member_id: str
) -> str:
    """The id of the member's duty in `role` at `day` of the event."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        event = _load_event(s, event_id)
        occurrence_id = _date_key(s, event, day)
        target = _resolve_role(_roles(s, event.id), role, event.title)
        found = _assignment_id(s, event.id, occurrence_id, target.id, member_id)
        if found is None:
            raise UserError(
                _("That member is not on duty as {role} on that date.").format(role=target.name)
            )
        return str(found)


def member_duties(
    ctx: Context, member_id: str, since: date | None = None, until: date | None = None
) -> list[MemberDuty]:
    """A volunteer's own list of duties, in date order (all of them, or those in a period)."""
    ctx.require(Permission.EVENTS_READ)
    ctx.require(Permission.ROSTER_READ)
    stmt = (
        _live_duties(DutyAssignment.id, _WHEN, Event.id, Event.title, Event.venue, DutyRole.name)
        .where(DutyAssignment.member_id == member_id)
        .order_by(_WHEN, DutyRole.position)
    )
    if since is not None:
        stmt = stmt.where(func.date(_WHEN) >= since.isoformat())
    if until is not None:
        stmt = stmt.where(func.date(_WHEN) <= until.isoformat())
    with ctx.db.transaction() as s:
        return [
            MemberDuty(
                assignment_id=a_id,
                day=(start.date() if start else date.min),
                starts_at=start,
                event_id=e_id,
                title=title,
                venue=venue,
                role=role,
            )
            for a_id, start, e_id, title, venue, role in s.execute(stmt)
        ]
