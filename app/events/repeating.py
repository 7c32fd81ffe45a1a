"""Dates of a repeating event: adding them from a rule, moving one, changing the rest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.events.recurrence import parse_rule, rule_occurrences
from app.events.views import EventView, _event_view, _load_event, _occurrence_rows
from app.events.vocabulary import CANCELLED, MONTHLY, PLANNED
from db.models import Event, EventOccurrence, Registration


@dataclass(frozen=True)
class DatesAdded:
    """What add_dates did: the event afterwards, dates added, dates it already had."""

    event: EventView
    added: int
    already: int


@dataclass(frozen=True)
class DatesChanged:
    """What change_from did: dates changed, and dates left because attendance is recorded."""

    event: EventView
    changed: int
    left_attended: int


def _repeating_event(s: Session, event_id: str) -> Event:
    row = _load_event(s, event_id)
    if row.recurrence != MONTHLY:
        raise UserError(_("Only a monthly event has a list of dates."))
    return row


def _load_occurrence(s: Session, occurrence_id: str) -> EventOccurrence:
    occ = s.get(EventOccurrence, occurrence_id)
    if occ is None or occ.deleted:
        raise UserError(_("No such date: {id}").format(id=occurrence_id))
    return occ


def _has_attendance(s: Session, occurrence_id: str) -> bool:
    found = s.scalar(
        select(Registration.id)
        .where(
            Registration.occurrence_id == occurrence_id,
            Registration.deleted.is_(False),
            Registration.attended.is_(True),
        )
        .limit(1)
    )
    return found is not None


def _keep_first_date(s: Session, row: Event) -> None:
    # A monthly event's own date is its first one, as normalise_event makes it on every save.
    s.flush()
    dates = _occurrence_rows(s, row.id)
    if dates:
        row.starts_at, row.ends_at = dates[0].starts_at, dates[0].ends_at
    s.flush()


def add_dates(
    ctx: Context,
    event_id: str,
    rule_text: str,
    start: date,
    end: date,
    exclude: Iterable[date] = (),
    skip_holidays: bool = False,
) -> DatesAdded:
    """Add the dates of a rule from `start` to `end` to a repeating event; a day the event
    already has is not added twice."""
    ctx.require(Permission.EVENTS_WRITE)
    rule = parse_rule(rule_text)
    if end < start:
        raise UserError(
            _("The period ends ({end}) before it starts ({start}).").format(
                start=start.isoformat(), end=end.isoformat()
            )
        )
    generated = rule_occurrences(rule, start, end, exclude, skip_holidays)
    with ctx.db.transaction() as s:
        row = _repeating_event(s, event_id)
        have = {o.starts_at.date() for o in _occurrence_rows(s, row.id)}
        added = 0
        for item in generated:
            if item.starts_at.date() in have:
                continue
            occ = EventOccurrence(event_id=row.id, starts_at=item.starts_at)
            occ.chapter_id = row.chapter_id
            occ.ends_at = item.ends_at
            occ.status = CANCELLED if row.status == CANCELLED else PLANNED
            occ.note = ""
            s.add(occ)
            have.add(item.starts_at.date())
            added += 1
        if not row.period_label:
            row.period_label = rule.describe()
        _keep_first_date(s, row)
        return DatesAdded(_event_view(s, row), added, len(generated) - added)


def move_occurrence(
    ctx: Context, occurrence_id: str, new_start: datetime, new_end: datetime | None
) -> EventView:
    """Move one date of a repeating event to another day or time; refused when the event
    already has a date on that day."""
    ctx.require(Permission.EVENTS_WRITE)
    if new_end is not None and new_end <= new_start:
        raise UserError(_("The event ends before it starts."))
    with ctx.db.transaction() as s:
        occ = _load_occurrence(s, occurrence_id)
        row = _repeating_event(s, occ.event_id)
        for other in _occurrence_rows(s, row.id):
            if other.id != occ.id and other.starts_at.date() == new_start.date():
                raise UserError(
                    _("{title} already has a date on {date}.").format(
                        title=row.title, date=new_start.date().isoformat()
                    )
                )
        occ.starts_at = new_start
        occ.ends_at = new_end
        _keep_first_date(s, row)
        return _event_view(s, row)


def change_from(
    ctx: Context, occurrence_id: str, start_time: time, end_time: time | None
) -> DatesChanged:
    """Change the time of this date and of every later planned date of its event; dates
    with attendance recorded keep their time and are counted."""
    ctx.require(Permission.EVENTS_WRITE)
    if end_time is not None and end_time <= start_time:
        raise UserError(_("The event ends before it starts."))
    with ctx.db.transaction() as s:
        occ = _load_occurrence(s, occurrence_id)
        row = _repeating_event(s, occ.event_id)
        changed = left = 0
        for other in _occurrence_rows(s, row.id):
            if other.starts_at < occ.starts_at or (other.id != occ.id and other.status != PLANNED):
                continue
            if _has_attendance(s, other.id):
                left += 1
                continue
            day = other.starts_at.date()
            other.starts_at = datetime.combine(day, start_time)
            other.ends_at = datetime.combine(day, end_time) if end_time else None
            changed += 1
        _keep_first_date(s, row)
        return DatesChanged(_event_view(s, row), changed, left)
