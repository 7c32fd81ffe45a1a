"""Anonymous counts of watch-over, for reports and headquarters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.dates import fiscal_year_range
from app.watch.people import ENDED, WatchCounts
from db.models import (
    FollowUp,
    Visit,
    WatchedPerson,
)

# --- anonymous counts ------------------------------------------------------------------------


def _by(s: Session, column: Any, *where: Any) -> dict[str, int]:
    stmt = select(column, func.count()).where(*where).group_by(column)
    return {str(k): int(n) for k, n in s.execute(stmt)}


def anonymous_counts(ctx: Context, fiscal_year: int) -> WatchCounts:
    """People under watch, visits and follow-ups in a fiscal year, as numbers only."""
    ctx.require(Permission.REPORTS_READ)
    first, last = fiscal_year_range(fiscal_year)
    start = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last, datetime.max.time())
    person_alive = WatchedPerson.deleted.is_(False)
    overlapping = (
        person_alive,
        func.coalesce(WatchedPerson.started_on, first) <= last,
        (WatchedPerson.ended_on.is_(None)) | (WatchedPerson.ended_on >= first),
    )
    visit_in = (Visit.deleted.is_(False), Visit.visited_at >= start, Visit.visited_at <= end)
    follow_in = (
        FollowUp.deleted.is_(False),
        FollowUp.opened_at >= start,
        FollowUp.opened_at <= end,
    )
    with ctx.db.transaction() as s:
        under_watch = s.scalar(select(func.count()).select_from(WatchedPerson).where(*overlapping))
        started = s.scalar(
            select(func.count())
            .select_from(WatchedPerson)
            .where(person_alive, WatchedPerson.started_on.between(first, last))
        )
        ended = _by(
            s,
            WatchedPerson.end_reason,
            person_alive,
            WatchedPerson.status == ENDED,
            WatchedPerson.ended_on.between(first, last),
        )
        visits = s.scalar(select(func.count()).select_from(Visit).where(*visit_in))
        closed = s.scalar(
            select(func.count())
            .select_from(FollowUp)
            .where(
                FollowUp.deleted.is_(False),
                FollowUp.closed_at >= start,
                FollowUp.closed_at <= end,
            )
        )
        return WatchCounts(
            fiscal_year=fiscal_year,
            people_under_watch=int(under_watch or 0),
            people_started=int(started or 0),
            people_ended=ended,
            visits=int(visits or 0),
            visits_by_method=_by(s, Visit.method, *visit_in),
            visits_by_outcome=_by(s, Visit.outcome, *visit_in),
            follow_ups_opened=sum(_by(s, FollowUp.urgency, *follow_in).values()),
            follow_ups_by_urgency=_by(s, FollowUp.urgency, *follow_in),
            follow_ups_closed=int(closed or 0),
        )
