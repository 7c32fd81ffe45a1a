"""Who registered for an event, who came, and the waiting list."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.kana import normalize_reading, reading_sort_key, search_fold
from app.core.text.safety import refuse_bad_name
from app.events.views import (
    EventView,
    GuestInput,
    RegistrationCounts,
    RegistrationView,
    _counts_by_group,
    _like_escape,
    _load_event,
)
from app.events.vocabulary import CANCELLED, MONTHLY, REG_CANCELLED, REGISTERED, WAITLISTED
from db.models import (
    Event,
    EventOccurrence,
    Member,
    Registration,
)

# --- registrations ---------------------------------------------------------------------------


def split_name(text: str) -> tuple[str, str]:
    """Family and given name from one field: "山田 太郎" or "山田　太郎" -> ("山田", "太郎")."""
    family, _sep, given = " ".join(text.replace("\u3000", " ").split()).partition(" ")
    return family, given.replace(" ", "")


def fill_person_keys(row: Registration) -> None:
    """Recompute a registration's gojūon key and search text from its names."""
    row.reading_key = reading_sort_key(f"{row.family_kana} {row.given_kana}".strip())
    parts = [row.family_name + row.given_name, row.family_kana + row.given_kana]
    digits = re.sub(r"\D", "", row.contact)
    if digits:
        parts.append(digits)
    row.search_text = "\n".join(search_fold(p) for p in parts if p)


def _reg_view(row: Registration, position: int | None = None) -> RegistrationView:
    return RegistrationView(
        id=row.id,
        event_id=row.event_id,
        occurrence_id=row.occurrence_id,
        member_id=row.member_id,
        family_name=row.family_name,
        given_name=row.given_name,
        family_kana=row.family_kana,
        given_kana=row.given_kana,
        contact=row.contact,
        status=row.status,
        registered_at=row.registered_at,
        attended=row.attended,
        checked_in_at=row.checked_in_at,
        walk_in=row.walk_in,
        note=row.note,
        sort_key=row.reading_key,
        waitlist_position=position,
    )


def _check_occurrence(s: Session, event: Event, occurrence_id: str | None) -> str | None:
    """The occurrence a registration goes to: required for a monthly event, none otherwise."""
    if event.recurrence != MONTHLY:
        return None
    if occurrence_id is None:
        raise UserError(_("Choose the date: this event is held on several dates."))
    occ = s.get(EventOccurrence, occurrence_id)
    if occ is None or occ.deleted or occ.event_id != event.id:
        raise UserError(_("No such date: {id}").format(id=occurrence_id))
    return occ.id


def _group_stmt(event_id: str, occurrence_id: str | None) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = [
        Registration.event_id == event_id,
        Registration.deleted.is_(False),
    ]
    cond.append(
        Registration.occurrence_id.is_(None)
        if occurrence_id is None
        else Registration.occurrence_id == occurrence_id
    )
    return cond


def _group_rows(s: Session, event_id: str, occurrence_id: str | None) -> list[Registration]:
    return list(s.scalars(select(Registration).where(*_group_stmt(event_id, occurrence_id))))


def _registration_groups(s: Session, event_id: str) -> set[str | None]:
    return set(
        s.scalars(
            select(Registration.occurrence_id)
            .where(Registration.event_id == event_id, Registration.deleted.is_(False))
            .distinct()
        )
    )


def _queue(rows: Iterable[Registration]) -> list[Registration]:
    """The wait-list in the order people asked."""
    waiting = [r for r in rows if r.status == WAITLISTED]
    return sorted(waiting, key=lambda r: (r.registered_at or datetime.min, r.id))


def _taken(rows: Iterable[Registration]) -> int:
    return sum(1 for r in rows if r.status == REGISTERED and not r.walk_in)


def _fill_from_waitlist(s: Session, event: Event, occurrence_id: str | None) -> list[Registration]:
    """Move people up from the wait-list while there are places; returns those moved."""
    rows = _group_rows(s, event.id, occurrence_id)
    moved: list[Registration] = []
    if event.capacity is None:
        for r in _queue(rows):
            r.status = REGISTERED
            moved.append(r)
        return moved
    free = event.capacity - _taken(rows)
    for r in _queue(rows)[: max(0, free)]:
        r.status = REGISTERED
        moved.append(r)
    return moved


def _next_registered_at(latest: datetime | None) -> datetime:
    """Now, but strictly after every earlier registration, so the queue order is total."""
    now = datetime.now()
    if latest is not None and now <= latest:
        now = latest + timedelta(microseconds=1)
    return now


def _open_for_registration(event: Event) -> None:
    if event.status == CANCELLED:
        raise UserError(
            _("{title} is cancelled; it takes no registrations.").format(title=event.title)
        )


def _new_registration(
    s: Session,
    event: Event,
    occurrence_id: str | None,
    *,
    family_name: str,
    given_name: str,
    family_kana: str,
    given_kana: str,
    contact: str = "",
    member_id: str | None = None,
    note: str = "",
    walk_in: bool = False,
) -> Registration:
    cond = _group_stmt(event.id, occurrence_id)
    taken = s.scalar(
        select(func.count())
        .select_from(Registration)
        .where(*cond, Registration.status == REGISTERED, Registration.walk_in.is_(False))
    )
    latest = s.scalar(select(func.max(Registration.registered_at)).where(*cond))
    full = event.capacity is not None and int(taken or 0) >= event.capacity
    row = Registration(
        event_id=event.id,
        occurrence_id=occurrence_id,
        member_id=member_id,
        family_name=family_name,
        given_name=given_name,
        family_kana=normalize_reading(family_kana),
        given_kana=normalize_reading(given_kana),
        contact=contact.strip(),
        note=note.strip(),
        status=WAITLISTED if full and not walk_in else REGISTERED,
        registered_at=_next_registered_at(latest),
        walk_in=walk_in,
    )
    row.chapter_id = event.chapter_id or None
    if walk_in:
        row.attended = True
        row.checked_in_at = _check_in_time(s, event.id, occurrence_id).replace(microsecond=0)
    fill_person_keys(row)
    s.add(row)
    s.flush()
    return row


def register_member(
    ctx: Context,
    event_id: str,
    member_id: str,
    occurrence_id: str | None = None,
    note: str = "",
) -> RegistrationView:
    """Register a roster member (wait-listed when the event is full); name copied for print."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        event = _load_event(s, event_id)
        _open_for_registration(event)
        occ = _check_occurrence(s, event, occurrence_id)
        member = s.get(Member, member_id)
        if member is None or member.deleted:
            raise UserError(_("No such member: {id}").format(id=member_id))
        already = s.scalar(
            select(Registration.id)
            .where(
                *_group_stmt(event.id, occ),
                Registration.member_id == member.id,
                Registration.status != REG_CANCELLED,
            )
            .limit(1)
        )
        if already is not None:
            name = f"{member.family_name}\u3000{member.given_name}".strip("\u3000")
            raise UserError(_("{name} is already registered.").format(name=name))
        row = _new_registration(
            s,
            event,
            occ,
            family_name=member.family_name,
            given_name=member.given_name,
            family_kana=member.family_kana,
            given_kana=member.given_kana,
            contact=member.phone or member.mobile,
            member_id=member.id,
            note=note,
        )
        return _reg_view(row)


def _clean_guest(data: GuestInput) -> GuestInput:
    family = refuse_bad_name(data.family_name.strip())
    given = refuse_bad_name(data.given_name.strip())
    if not given and (" " in family or "\u3000" in family):
        family, given = split_name(family)
    if not family and not given:
        raise UserError(_("A guest needs a name."))
    family_kana, given_kana = data.family_kana, data.given_kana
    if not given_kana:
        family_kana, given_kana = split_name(normalize_reading(family_kana))
    return replace(
        data,
        family_name=family,
        given_name=given,
        family_kana=family_kana,
        given_kana=given_kana,
    )


def register_guest(
    ctx: Context, event_id: str, guest: GuestInput, occurrence_id: str | None = None
) -> RegistrationView:
    """Register someone who is not in the roster (name, reading, contact)."""
    ctx.require(Permission.EVENTS_WRITE)
    clean = _clean_guest(guest)
    with ctx.db.transaction() as s:
        event = _load_event(s, event_id)
        _open_for_registration(event)
        occ = _check_occurrence(s, event, occurrence_id)
        row = _new_registration(
            s,
            event,
            occ,
            family_name=clean.family_name,
            given_name=clean.given_name,
            family_kana=clean.family_kana,
            given_kana=clean.given_kana,
            contact=clean.contact,
            note=clean.note,
        )
        return _reg_view(row)


def add_walk_in(
    ctx: Context,
    event_id: str,
    name: str,
    reading: str = "",
    occurrence_id: str | None = None,
) -> RegistrationView:
    """Someone who came without registering: in the list, attended, checked in now."""
    ctx.require(Permission.EVENTS_WRITE)
    family, given = split_name(name)
    if not family:
        raise UserError(_("Type the name of the person who came."))
    family_kana, given_kana = split_name(normalize_reading(reading))
    with ctx.db.transaction() as s:
        event = _load_event(s, event_id)
        occ = _check_occurrence(s, event, occurrence_id)
        row = _new_registration(
            s,
            event,
            occ,
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            walk_in=True,
        )
        return _reg_view(row)


def _load_registration(s: Session, registration_id: str) -> Registration:
    row = s.get(Registration, registration_id)
    if row is None or row.deleted:
        raise UserError(_("No such registration: {id}").format(id=registration_id))
    return row


@dataclass(frozen=True)
class CancelResult:
    """The cancelled registration, and who moved up from the wait-list in its place."""

    cancelled: RegistrationView
    moved_up: tuple[RegistrationView, ...] = ()


def cancel_registration(ctx: Context, registration_id: str) -> CancelResult:
    """Cancel a registration; the first person waiting takes the place."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        row = _load_registration(s, registration_id)
        if row.status == REG_CANCELLED:
            return CancelResult(_reg_view(row))
        row.status = REG_CANCELLED
        row.attended = False
        row.checked_in_at = None
        s.flush()
        event = _load_event(s, row.event_id)
        moved = _fill_from_waitlist(s, event, row.occurrence_id)
        s.flush()
        return CancelResult(_reg_view(row), tuple(_reg_view(m) for m in moved))


def check_in(ctx: Context, registration_id: str, at: datetime | None = None) -> RegistrationView:
    """Mark someone as come (a wait-listed person who is let in counts as registered)."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        row = _load_registration(s, registration_id)
        if row.status == REG_CANCELLED:
            raise UserError(_("This registration was cancelled; register the person again."))
        row.attended = True
        row.checked_in_at = (at or _check_in_time(s, row.event_id, row.occurrence_id)).replace(
            microsecond=0
        )
        if row.status == WAITLISTED:
            row.status = REGISTERED
        s.flush()
        return _reg_view(row)


def _check_in_time(s: Session, event_id: str, occurrence_id: str | None) -> datetime:
    """Now on the event's own day; otherwise its start, so that a sheet ticked in later
    (or the 2022 lecture checked in today) keeps the date it happened on."""
    now = datetime.now()
    starts: datetime | None = None
    if occurrence_id is not None:
        occurrence = s.get(EventOccurrence, occurrence_id)
        starts = occurrence.starts_at if occurrence is not None else None
    if starts is None:
        starts = _load_event(s, event_id).starts_at
    if starts is None or starts.date() == now.date():
        return now
    return starts


def undo_check_in(ctx: Context, registration_id: str) -> RegistrationView:
    """Take back a check-in made by mistake."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        row = _load_registration(s, registration_id)
        row.attended = False
        row.checked_in_at = None
        s.flush()
        return _reg_view(row)


def update_registration(
    ctx: Context, registration_id: str, contact: str, note: str
) -> RegistrationView:
    """Change how to reach a registrant and the note."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        row = _load_registration(s, registration_id)
        row.contact = contact.strip()
        row.note = note.strip()
        fill_person_keys(row)
        s.flush()
        return _reg_view(row)


def _for_actor(ctx: Context, views: list[RegistrationView]) -> list[RegistrationView]:
    """Registrations as the actor may see them: without contact details (a guest's phone,
    a member's copied number) unless the role may list an event's people."""
    if ctx.actor.can(Permission.EVENTS_PEOPLE):
        return views
    return [replace(v, contact="") for v in views]


def _views_in_order(rows: Sequence[Registration]) -> list[RegistrationView]:
    positions: dict[str, int] = {}
    groups: dict[str | None, list[Registration]] = {}
    for r in rows:
        groups.setdefault(r.occurrence_id, []).append(r)
    for group in groups.values():
        for n, r in enumerate(_queue(group), start=1):
            positions[r.id] = n
    ordered = sorted(rows, key=lambda r: (r.reading_key or "\uffff", r.family_name, r.id))
    return [_reg_view(r, positions.get(r.id)) for r in ordered]


def list_registrations(
    ctx: Context,
    event_id: str,
    occurrence_id: str | None = None,
    *,
    all_dates: bool = False,
    include_cancelled: bool = True,
) -> list[RegistrationView]:
    """Registrations in gojūon order: of the event (or one date of it, or, `all_dates`, of
    every date)."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        event = _load_event(s, event_id)
        if all_dates:
            rows = list(
                s.scalars(
                    select(Registration).where(
                        Registration.event_id == event.id, Registration.deleted.is_(False)
                    )
                )
            )
        else:
            rows = _group_rows(s, event.id, occurrence_id)
    if not include_cancelled:
        rows = [r for r in rows if r.status != REG_CANCELLED]
    return _for_actor(ctx, _views_in_order(rows))


def registration_counts(
    ctx: Context, event_id: str, occurrence_id: str | None = None
) -> RegistrationCounts:
    """Registered, wait-listed, cancelled, attended and walk-ins of an event (or one date)."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        event = _load_event(s, event_id)
        found = _counts_by_group(s, event.id).get(occurrence_id, RegistrationCounts())
        return replace(found, capacity=event.capacity)


def find_for_reception(
    ctx: Context, event_id: str, query: str, occurrence_id: str | None = None, limit: int = 50
) -> list[RegistrationView]:
    """People matching a few typed kana (or letters of the name), for the reception desk.

    Cancelled registrations are left out. Those not yet checked in come first; among them,
    those whose name or reading starts with what was typed; each part in gojūon order.
    """
    ctx.require(Permission.EVENTS_READ)
    terms = [search_fold(t) for t in query.split() if search_fold(t)]
    stmt = select(Registration).where(
        *_group_stmt(event_id, occurrence_id), Registration.status != REG_CANCELLED
    )
    for term in terms:
        stmt = stmt.where(Registration.search_text.like(f"%{_like_escape(term)}%", escape="\\"))
    order: list[Any] = [Registration.attended]
    if terms:
        first = _like_escape(terms[0])
        # search_text is name, reading, digits, one per line: a line that starts with the
        # typed text is a family name (or reading) that starts with it.
        starts = or_(
            Registration.search_text.like(f"{first}%", escape="\\"),
            Registration.search_text.like(f"%\n{first}%", escape="\\"),
        )
        order.append(case((starts, 0), else_=1))
    order += [Registration.reading_key, Registration.id]
    with ctx.db.transaction() as s:
        found = [_reg_view(r) for r in s.scalars(stmt.order_by(*order).limit(limit))]
    return _for_actor(ctx, found)


def default_occurrence(view: EventView, today: date | None = None) -> str | None:
    """The date a monthly event's desk and sheets are for: the next one to come, else the last."""
    if not view.is_monthly or not view.occurrences:
        return None
    today = today or date.today()
    live = [o for o in view.occurrences if o.status != CANCELLED] or list(view.occurrences)
    for occ in live:
        if occ.starts_at.date() >= today:
            return occ.id
    return live[-1].id


def occurrence_on(view: EventView, day: date) -> str:
    """The id of a monthly event's date `day`."""
    for occ in view.occurrences:
        if occ.starts_at.date() == day:
            return occ.id
    raise UserError(
        _("{title} has no date on {date}.").format(title=view.title, date=day.isoformat())
    )
