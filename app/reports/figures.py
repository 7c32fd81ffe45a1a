"""Watch-over and members, in numbers."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codes import label as _label
from app.reports.common import (
    END_REASONS,
    FOLLOW_UP_URGENCIES,
    VISIT_METHODS,
    VISIT_OUTCOMES,
)
from app.reports.results import CountLine, WatchFigures
from db.models import (
    FollowUp,
    Member,
    Visit,
    WatchedPerson,
)

# --- watch-over and members, in numbers -----------------------------------------------------------


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    return datetime.combine(first, time.min), datetime.combine(last + timedelta(days=1), time.min)


def _counts(codes: dict[str, str], counted: Counter[str]) -> tuple[CountLine, ...]:
    known = [k for k in codes if counted[k]]
    other = sorted(k for k in counted if k not in codes and counted[k])
    return tuple(CountLine(k, _label(codes, k), counted[k]) for k in known + other)


def _watch(
    s: Session, first: date, last: date, chapter_id: str | None
) -> tuple[WatchFigures, Counter[tuple[int, int]], Counter[tuple[int, int]]]:
    """Anonymous watch-over figures: ids and codes are read, never a name or a note."""
    start, end = _bounds(first, last)
    in_chapter: list[Any] = []
    if chapter_id is not None:
        in_chapter = [WatchedPerson.chapter_id == chapter_id]
    people = s.execute(
        select(
            WatchedPerson.id,
            WatchedPerson.started_on,
            WatchedPerson.ended_on,
            WatchedPerson.end_reason,
            WatchedPerson.status,
        ).where(WatchedPerson.deleted.is_(False), *in_chapter)
    ).all()
    under = started = 0
    ended: Counter[str] = Counter()
    for _id, started_on, ended_on, reason, status in people:
        if (started_on or first) <= last and (ended_on is None or ended_on >= first):
            under += 1
        if started_on is not None and first <= started_on <= last:
            started += 1
        if status == "ended" and ended_on is not None and first <= ended_on <= last:
            ended[reason or "other"] += 1
    person_ids = {p[0] for p in people}
    by_method: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    visits_by_month: Counter[tuple[int, int]] = Counter()
    for person_id, at, method, outcome in s.execute(
        select(Visit.person_id, Visit.visited_at, Visit.method, Visit.outcome).where(
            Visit.deleted.is_(False), Visit.visited_at >= start, Visit.visited_at < end
        )
    ):
        if person_id not in person_ids:
            continue
        by_method[method] += 1
        by_outcome[outcome] += 1
        visits_by_month[(at.year, at.month)] += 1
    by_urgency: Counter[str] = Counter()
    follows_by_month: Counter[tuple[int, int]] = Counter()
    closed = still_open = 0
    for person_id, opened, closed_at, urgency in s.execute(
        select(FollowUp.person_id, FollowUp.opened_at, FollowUp.closed_at, FollowUp.urgency).where(
            FollowUp.deleted.is_(False), FollowUp.opened_at < end
        )
    ):
        if person_id not in person_ids:
            continue
        if opened >= start:
            by_urgency[urgency] += 1
            follows_by_month[(opened.year, opened.month)] += 1
        if closed_at is not None and start <= closed_at < end:
            closed += 1
        if closed_at is None or closed_at >= end:
            still_open += 1
    figures = WatchFigures(
        people_under_watch=under,
        people_started=started,
        people_ended=sum(ended.values()),
        ended_by_reason=_counts(END_REASONS, ended),
        visits=sum(by_method.values()),
        visits_by_method=_counts(VISIT_METHODS, by_method),
        visits_by_outcome=_counts(VISIT_OUTCOMES, by_outcome),
        follow_ups_opened=sum(by_urgency.values()),
        follow_ups_by_urgency=_counts(FOLLOW_UP_URGENCIES, by_urgency),
        follow_ups_closed=closed,
        follow_ups_open_at_year_end=still_open,
    )
    return figures, visits_by_month, follows_by_month


def _members(
    s: Session, first: date, last: date, chapter_id: str | None
) -> tuple[Counter[tuple[int, int]], Counter[tuple[int, int]]]:
    where: list[Any] = [Member.deleted.is_(False)]
    if chapter_id is not None:
        where.append(Member.chapter_id == chapter_id)
    joined: Counter[tuple[int, int]] = Counter()
    retired: Counter[tuple[int, int]] = Counter()
    for joined_on, left_on in s.execute(select(Member.joined_on, Member.left_on).where(*where)):
        if joined_on is not None and first <= joined_on <= last:
            joined[(joined_on.year, joined_on.month)] += 1
        if left_on is not None and first <= left_on <= last:
            retired[(left_on.year, left_on.month)] += 1
    return joined, retired
