"""The lapsed list as one SQL query: what the cached summary must always answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case, func, select

from app.core.context import Context
from app.events.attendance import LapsedMember, lapsed_window
from app.roster import people
from db.models import Event, EventOccurrence, Member, Registration


def reference_lapsed(
    ctx: Context, months: int, min_visits: int, kind: str | None, today: date
) -> list[LapsedMember]:
    """lapsed_members as it was before the summary (issue 16.3): window functions over the
    attended registrations, read fresh from the tables."""
    since, cutoff, until = lapsed_window(today, months)
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
    person = visits.c.member_id
    ranked = select(
        visits.c.member_id,
        visits.c.at,
        visits.c.event_id,
        visits.c.title,
        func.row_number().over(partition_by=person, order_by=visits.c.at.desc()).label("newest"),
        func.sum(case((visits.c.at < cutoff, 1), else_=0))
        .over(partition_by=person)
        .label("before"),
        func.sum(case((visits.c.at >= cutoff, 1), else_=0))
        .over(partition_by=person)
        .label("since"),
    ).subquery()
    with ctx.db.transaction() as s:
        rows = s.execute(
            select(Member, ranked.c.before, ranked.c.at, ranked.c.event_id, ranked.c.title)
            .join(ranked, ranked.c.member_id == Member.id)
            .where(
                ranked.c.newest == 1,
                ranked.c.since == 0,
                ranked.c.before >= min_visits,
                Member.deleted.is_(False),
                Member.status == "active",
            )
            .order_by(ranked.c.at.desc(), Member.reading_key)
        ).all()
        return [
            LapsedMember(
                id=member.id,
                name=people.full_name(member.family_name, member.given_name),
                reading=people.full_name(member.family_kana, member.given_kana),
                visits=int(before),
                last_attended=last.date(),
                last_event_id=event_id,
                last_event_title=title,
            )
            for member, before, last, event_id, title in rows
        ]
