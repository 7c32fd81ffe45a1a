"""Who has stopped coming: regulars of the chapter's events not seen for some months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, func, select

from app import people
from app.context import Context
from app.errors import UserError
from app.events import KINDS
from app.i18n import gettext as _
from db.models import Event, EventOccurrence, Member, Registration

DEFAULT_MONTHS = 3
DEFAULT_MIN_VISITS = 3
# Twelve months of attendance before the absence began say who is a regular.
REGULAR_WINDOW_MONTHS = 12


@dataclass(frozen=True)
class LapsedMember:
    """A regular not seen since `last_attended`, with how often they came before."""

    id: str
    name: str
    reading: str
    visits: int
    last_attended: date
    last_event_id: str
    last_event_title: str


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when shorter)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def lapsed_members(
    ctx: Context,
    months: int = DEFAULT_MONTHS,
    min_visits: int = DEFAULT_MIN_VISITS,
    kind: str | None = None,
    today: date | None = None,
) -> list[LapsedMember]:
    """Members who came at least `min_visits` times (of `kind`, when given) in the twelve
    months before the last `months` months, and not once since; newest absence first.

    A coordinator's list: it reads the roster against the event history.
    """
    ctx.require("roster.read")
    ctx.require("events.write")
    if not 1 <= months <= 120:
        raise UserError(_("Months must be between 1 and 120."))
    if not 1 <= min_visits <= 1000:
        raise UserError(_("The number of visits must be between 1 and 1000."))
    if kind and kind not in KINDS:
        raise UserError(
            _("Unknown kind of event: {kind} (one of {kinds})").format(
                kind=kind, kinds=", ".join(KINDS)
            )
        )
    day = today or date.today()
    cutoff = datetime.combine(months_before(day, months), time(0, 0))
    since = datetime.combine(months_before(cutoff.date(), REGULAR_WINDOW_MONTHS), time(0, 0))
    until = datetime.combine(day, time(23, 59, 59))
    when = func.coalesce(EventOccurrence.starts_at, Event.starts_at)
    attended = (
        select(
            Registration.member_id.label("member_id"),
            when.label("at"),
            Event.id.label("event_id"),
            Event.title.label("title"),
        )
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(EventOccurrence, EventOccurrence.id == Registration.occurrence_id)
        .where(
            Registration.member_id.is_not(None),
            Registration.attended.is_(True),
            Registration.deleted.is_(False),
            Event.deleted.is_(False),
            when >= since,
            when <= until,
        )
    )
    if kind:
        attended = attended.where(Event.kind == kind)
    visits = attended.subquery()
    per_member = (
        select(
            visits.c.member_id,
            func.count().filter(visits.c.at < cutoff).label("before"),
            func.count().filter(visits.c.at >= cutoff).label("since"),
            func.max(visits.c.at).label("last"),
        )
        .group_by(visits.c.member_id)
        .subquery()
    )
    with ctx.db.transaction() as s:
        rows = s.execute(
            select(Member, per_member.c.before, per_member.c.last)
            .join(per_member, per_member.c.member_id == Member.id)
            .where(
                per_member.c.before >= min_visits,
                per_member.c.since == 0,
                Member.deleted.is_(False),
                Member.status == "active",
            )
            .order_by(per_member.c.last.desc(), Member.reading_key)
        ).all()
        lasts = {
            r.member_id: (r.event_id, r.title)
            for r in s.execute(
                select(visits.c.member_id, visits.c.event_id, visits.c.title).join(
                    per_member,
                    and_(
                        per_member.c.member_id == visits.c.member_id,
                        per_member.c.last == visits.c.at,
                        per_member.c.since == 0,
                        per_member.c.before >= min_visits,
                    ),
                )
            )
        }
        out = []
        for member, before, last in rows:
            event_id, title = lasts.get(member.id, ("", ""))
            out.append(
                LapsedMember(
                    id=member.id,
                    name=people.full_name(member.family_name, member.given_name),
                    reading=people.full_name(member.family_kana, member.given_kana),
                    visits=int(before),
                    last_attended=last.date(),
                    last_event_id=event_id,
                    last_event_title=title,
                )
            )
        return out
