"""Which chapters and which days a report covers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.dates import (
    fiscal_year,
    fiscal_year_range,
)
from app.core.i18n import gettext as _
from app.reports.common import CANCELLED, CITY_WIDE
from app.storage.chapter import ChapterChoice, known_chapters
from db.models import (
    Chapter,
    Event,
    EventOccurrence,
    Visit,
)

# --- scope -----------------------------------------------------------------------------------


@dataclass
class _EventRef:
    """What scoping and grouping need to know of an event (all years)."""

    id: str
    chapter_id: str | None
    scope: str
    municipality: str
    starts_at: datetime | None
    dates: list[date] = field(default_factory=list)
    group_key: str = ""
    group_label: str = ""
    chapter_name: str = ""


def _chapters(s: Session) -> dict[str, Chapter]:
    return {c.id: c for c in s.scalars(select(Chapter).where(Chapter.deleted.is_(False)))}


def chapter_choices(ctx: Context) -> list[ChapterChoice]:
    """Every chapter this database knows, by name (headquarters: all of them)."""
    ctx.require(Permission.REPORTS_READ)
    return known_chapters(ctx)


def _group_of(ref: _EventRef, chapters: dict[str, Chapter]) -> tuple[str, str, str]:
    """(group key, label, chapter name): city-wide, a chapter, or a municipality it reached.

    An event held in a municipality other than its chapter's own is grouped under that
    municipality: the report's "challenge in a new municipality".
    """
    chapter = chapters.get(ref.chapter_id or "")
    chapter_name = chapter.name if chapter is not None else ""
    if ref.scope == CITY_WIDE:
        return CITY_WIDE, _("City-wide activities"), chapter_name
    muni = ref.municipality.strip()
    at_home = not muni or not chapter or not chapter.municipality or muni == chapter.municipality
    if chapter is not None and at_home:
        return f"chapter:{chapter.id}", chapter.name, chapter_name
    if muni:
        return f"municipality:{muni}", muni, chapter_name
    if chapter is not None:
        return f"chapter:{chapter.id}", chapter.name, chapter_name
    return CITY_WIDE, _("City-wide activities"), chapter_name


def _event_refs(s: Session, chapter_id: str | None) -> dict[str, _EventRef]:
    """Every live, not cancelled event of all years with its dates, filtered to a chapter."""
    chapters = _chapters(s)
    refs: dict[str, _EventRef] = {}
    stmt = select(
        Event.id, Event.chapter_id, Event.scope, Event.municipality, Event.starts_at
    ).where(Event.deleted.is_(False), Event.status != CANCELLED)
    for row in s.execute(stmt):
        ref = _EventRef(row.id, row.chapter_id, row.scope, row.municipality or "", row.starts_at)
        ref.group_key, ref.group_label, ref.chapter_name = _group_of(ref, chapters)
        if chapter_id is not None and ref.group_key != f"chapter:{chapter_id}":
            continue
        refs[ref.id] = ref
    occ = select(EventOccurrence.event_id, EventOccurrence.starts_at).where(
        EventOccurrence.deleted.is_(False), EventOccurrence.status != CANCELLED
    )
    for event_id, starts in s.execute(occ):
        found = refs.get(event_id)
        if found is not None:
            found.dates.append(starts.date())
    for ref in refs.values():
        if not ref.dates and ref.starts_at is not None:
            # An event without date rows (made before they existed) is held on its own date.
            ref.dates.append(ref.starts_at.date())
        ref.dates.sort()
    return refs


def _scope_label(ctx: Context, s: Session, chapter: ChapterChoice | None) -> str:
    if chapter is not None:
        return chapter.name
    if ctx.db.mode == "hq":
        return _("All chapters")
    own = s.get(Chapter, ctx.db.chapter_id) if ctx.db.chapter_id else None
    return own.name if own is not None else ""


def fiscal_years(ctx: Context, today: date | None = None) -> list[int]:
    """The fiscal years with events or watch-over visits, and the current one; newest first."""
    ctx.require(Permission.REPORTS_READ)
    years = {fiscal_year(today or date.today())}
    with ctx.db.transaction() as s:
        for (starts,) in s.execute(select(Event.starts_at).where(Event.deleted.is_(False))):
            if starts is not None:
                years.add(fiscal_year(starts.date()))
        for (starts,) in s.execute(
            select(EventOccurrence.starts_at).where(EventOccurrence.deleted.is_(False))
        ):
            years.add(fiscal_year(starts.date()))
        first_visit = s.scalar(select(func.min(Visit.visited_at)).where(Visit.deleted.is_(False)))
        if first_visit is not None:
            years.update(range(fiscal_year(first_visit.date()), max(years) + 1))
    return sorted(years, reverse=True)


def latest_year_with_activities(ctx: Context, today: date | None = None) -> int:
    """The newest fiscal year up to this one with an activity held (the one people report
    on); this fiscal year when there is none."""
    ctx.require(Permission.REPORTS_READ)
    current = fiscal_year(today or date.today())
    last = datetime.combine(fiscal_year_range(current)[1], time.max)
    with ctx.db.transaction() as s:
        found = s.scalar(
            select(func.max(Event.starts_at)).where(
                Event.deleted.is_(False), Event.status != CANCELLED, Event.starts_at <= last
            )
        )
        dated = s.scalar(
            select(func.max(EventOccurrence.starts_at))
            .join(Event, Event.id == EventOccurrence.event_id)
            .where(
                Event.deleted.is_(False),
                Event.status != CANCELLED,
                EventOccurrence.deleted.is_(False),
                EventOccurrence.status != CANCELLED,
                EventOccurrence.starts_at <= last,
            )
        )
    latest = max((d for d in (found, dated) if d is not None), default=None)
    return fiscal_year(latest.date()) if latest is not None else current
