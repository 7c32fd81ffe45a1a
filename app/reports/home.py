"""What the home page says: the week ahead and what needs attention."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from app.backups import list_backups
from app.core.codes import label as _label
from app.core.context import Context, Permission
from app.core.dates import (
    show_date,
)
from app.core.errors import PermissionDenied, UserError
from app.core.i18n import gettext as _
from app.reports.common import CANCELLED, FOLLOW_UP_URGENCIES, series_label
from app.watch.visits import due_list
from db.models import (
    Event,
    EventOccurrence,
    Member,
    Registration,
)

# --- the home page ----------------------------------------------------------------------------

HOME_WATCH = "watch"
HOME_EVENTS = "events"
HOME_SYNC = "sync"
HOME_BACKUPS = "backups"
HOME_MEMBERS = "members"
HOME_REPORTS = "reports"
UPCOMING_DAYS = 60
UPCOMING_LIMIT = 8
# A receipt or a backup older than this is worth a line of its own.
STALE_SYNC_DAYS = 30
STALE_BACKUP_DAYS = 7


@dataclass(frozen=True)
class HomeItem:
    """One line of the home page; `page` is where it is dealt with."""

    page: str
    text: str
    urgent: bool = False
    target_id: str | None = None


@dataclass(frozen=True)
class HomeSection:
    """A block of the home page."""

    key: str
    title: str
    items: tuple[HomeItem, ...]


def _days_text(days: int) -> str:
    if days == 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return _("{days} days ago").format(days=days)


def _watch_section(ctx: Context, today: date) -> HomeSection | None:
    title = _("Watch-over: overdue visits and open follow-ups")
    if not ctx.actor.can(Permission.WATCH_READ_ALL) and not (
        ctx.actor.can(Permission.WATCH_OWN) and ctx.actor.member_id
    ):
        # Asked for nothing the role may not see: a refusal would be audited on every paint.
        return None
    try:
        due = due_list(ctx, today)
    except PermissionDenied:
        return None
    overdue: list[HomeItem] = []
    follow: list[HomeItem] = []
    soon: list[HomeItem] = []
    for item in due:
        kind = getattr(item, "kind", "")
        name = getattr(item, "name", "")
        if kind == "follow_up":
            opened = getattr(item, "opened_at", None)
            urgency = _label(FOLLOW_UP_URGENCIES, getattr(item, "urgency", ""))
            text = _("{name}: follow-up open since {date} ({urgency})").format(
                name=name, date=show_date(opened.date()) if opened else "—", urgency=urgency
            )
            follow.append(HomeItem(HOME_WATCH, text, True, getattr(item, "id", None)))
        elif kind == "overdue":
            if getattr(item, "never_contacted", False):
                text = _("{name}: not visited yet, due {days} days ago").format(
                    name=name, days=getattr(item, "days_late", 0)
                )
            else:
                text = _("{name}: visit overdue by {days} days").format(
                    name=name, days=getattr(item, "days_late", 0)
                )
            overdue.append(HomeItem(HOME_WATCH, text, True, getattr(item, "id", None)))
        else:
            due_on = getattr(item, "due_on", None)
            text = _("{name}: visit due {date}").format(
                name=name, date=show_date(due_on) if due_on else "—"
            )
            soon.append(HomeItem(HOME_WATCH, text, False, getattr(item, "id", None)))
    items = overdue + follow + soon
    if not items:
        items = [HomeItem(HOME_WATCH, _("Nobody is due for a visit, and no follow-up is open."))]
    return HomeSection(HOME_WATCH, title, tuple(items))


def _events_section(ctx: Context, today: date) -> HomeSection | None:
    if not ctx.actor.can(Permission.EVENTS_READ):
        return None
    title = _("Coming events")
    start = datetime.combine(today, time.min)
    until = start + timedelta(days=UPCOMING_DAYS + 1)
    with ctx.db.transaction() as s:
        upcoming: list[tuple[datetime, str, str | None]] = []
        occs = s.execute(
            select(EventOccurrence.starts_at, EventOccurrence.event_id, EventOccurrence.id)
            .join(Event, Event.id == EventOccurrence.event_id)
            .where(
                EventOccurrence.deleted.is_(False),
                EventOccurrence.status != CANCELLED,
                Event.deleted.is_(False),
                Event.status != CANCELLED,
                EventOccurrence.starts_at >= start,
                EventOccurrence.starts_at < until,
            )
        ).all()
        with_dates = {event_id for _at, event_id, _occ in occs}
        upcoming += [(at, event_id, occ) for at, event_id, occ in occs]
        for at, event_id in s.execute(
            select(Event.starts_at, Event.id).where(
                Event.deleted.is_(False),
                Event.status != CANCELLED,
                Event.starts_at >= start,
                Event.starts_at < until,
            )
        ):
            if event_id not in with_dates and at is not None:
                upcoming.append((at, event_id, None))
        upcoming.sort(key=lambda u: (u[0], u[1]))
        upcoming = upcoming[:UPCOMING_LIMIT]
        items = []
        for at, event_id, occ_id in upcoming:
            ev = s.get(Event, event_id)
            if ev is None:
                continue
            monthly = ev.recurrence == "monthly"
            where: list[Any] = [Registration.event_id == event_id, Registration.deleted.is_(False)]
            if monthly and occ_id is not None:
                where.append(Registration.occurrence_id == occ_id)
            counts = dict(
                s.execute(
                    select(Registration.status, func.count())
                    .where(*where)
                    .group_by(Registration.status)
                ).all()
            )
            registered = int(counts.get("registered", 0))
            waiting = int(counts.get("waitlisted", 0))
            name = " ".join(p for p in (series_label(ev.series, ev.series_number), ev.title) if p)
            when = show_date(at.date()) + f" {at.hour}:{at.minute:02d}"
            if ev.capacity:
                places = _("{registered} of {capacity} places taken").format(
                    registered=registered, capacity=ev.capacity
                )
            else:
                places = _("{registered} registered").format(registered=registered)
            if waiting:
                places += _(", {count} on the waiting list").format(count=waiting)
            full = bool(ev.capacity) and registered >= (ev.capacity or 0)
            items.append(HomeItem(HOME_EVENTS, f"{when}  {name} — {places}", full, event_id))
    if not items:
        items = [
            HomeItem(
                HOME_EVENTS,
                _("No event in the next {days} days. Plan the next one on the Events page.").format(
                    days=UPCOMING_DAYS
                ),
            )
        ]
    return HomeSection(HOME_EVENTS, title, tuple(items))


def _sync_section(ctx: Context, today: date) -> HomeSection | None:
    if not ctx.actor.can(Permission.SYNC):
        return None
    title = _("Sync with headquarters")
    # Here, not at the top: the sync room (and its cryptography) loads only for a sync account.
    from app.sync.exchange import sync_status

    status = sync_status(ctx)
    items: list[HomeItem] = []
    if getattr(status, "mode", "") == "hq":
        chapters = list(getattr(status, "chapters", []) or [])
        for ch in chapters:
            age = getattr(ch, "age_days", None)
            if age is None:
                items.append(
                    HomeItem(
                        HOME_SYNC,
                        _("{chapter}: no package received yet").format(chapter=ch.name),
                        True,
                    )
                )
            elif age > STALE_SYNC_DAYS:
                items.append(
                    HomeItem(
                        HOME_SYNC,
                        _("{chapter}: last package {age}").format(
                            chapter=ch.name, age=_days_text(int(age))
                        ),
                        True,
                    )
                )
        if not items:
            items.append(HomeItem(HOME_SYNC, _("Every chapter has sent a package recently.")))
    else:
        waiting = int(getattr(status, "waiting_total", 0) or 0)
        joined = bool(getattr(status, "joined", False))
        if not joined:
            items.append(
                HomeItem(
                    HOME_SYNC,
                    _(
                        "Not joined to headquarters yet: {count} changes will go in the first "
                        "package."
                    ).format(count=waiting),
                )
            )
        else:
            items.append(
                HomeItem(
                    HOME_SYNC,
                    _("{count} changes waiting to be sent to headquarters").format(count=waiting),
                    waiting > 0,
                )
            )
            receipt = getattr(status, "last_receipt_at", None)
            if receipt is None:
                items.append(HomeItem(HOME_SYNC, _("No receipt from headquarters yet"), True))
            else:
                days = (today - receipt.date()).days
                items.append(
                    HomeItem(
                        HOME_SYNC,
                        _("Last receipt from headquarters: {age} ({date})").format(
                            age=_days_text(days), date=show_date(receipt.date())
                        ),
                        days > STALE_SYNC_DAYS,
                    )
                )
    conflicts = int(getattr(status, "open_conflicts", 0) or 0)
    if conflicts:
        items.append(
            HomeItem(
                HOME_SYNC,
                _("{count} sync conflicts to decide").format(count=conflicts),
                True,
            )
        )
    return HomeSection(HOME_SYNC, title, tuple(items))


def _backup_section(ctx: Context, today: date) -> HomeSection | None:
    if not ctx.actor.can(Permission.ADMIN):
        return None
    title = _("Backups")
    try:
        found = list_backups(ctx)
    except UserError as exc:
        return HomeSection(HOME_BACKUPS, title, (HomeItem(HOME_BACKUPS, exc.message, True),))
    if not found:
        item = HomeItem(HOME_BACKUPS, _("No backup yet. Make one on the Backups page."), True)
    else:
        taken: datetime = found[0].taken_at
        days = (today - taken.date()).days
        item = HomeItem(
            HOME_BACKUPS,
            _("Last backup: {age} ({date} {time})").format(
                age=_days_text(days),
                date=show_date(taken.date()),
                time=f"{taken.hour}:{taken.minute:02d}",
            ),
            days > STALE_BACKUP_DAYS,
        )
    return HomeSection(HOME_BACKUPS, title, (item,))


def _members_section(ctx: Context) -> HomeSection | None:
    """Only when the roster is empty: the first thing to do in a new database."""
    if not ctx.actor.can(Permission.ROSTER_WRITE):
        return None
    with ctx.db.transaction() as s:
        count = s.scalar(select(func.count()).select_from(Member).where(Member.deleted.is_(False)))
    if count:
        return None
    return HomeSection(
        HOME_MEMBERS,
        _("Members"),
        (HomeItem(HOME_MEMBERS, _("The roster is empty. Add members or import them."), True),),
    )


def home_overview(ctx: Context, today: date | None = None) -> list[HomeSection]:
    """What needs doing today, most urgent first: watch-over, events, sync, backups.

    Sections the account may not see are left out.
    """
    today = today or date.today()
    if not ctx.actor.can(Permission.REPORTS_READ):
        return []
    makers: list[Callable[[], HomeSection | None]] = [
        lambda: _watch_section(ctx, today),
        lambda: _members_section(ctx),
        lambda: _events_section(ctx, today),
        lambda: _sync_section(ctx, today),
        lambda: _backup_section(ctx, today),
    ]
    sections = [section for make in makers if (section := make()) is not None]
    if not sections:
        # An account that only reads reports (a viewer) still gets somewhere to go.
        sections.append(
            HomeSection(
                HOME_REPORTS,
                _("Reports"),
                (
                    HomeItem(
                        HOME_REPORTS,
                        _("The year's activities and figures are on the Reports page."),
                    ),
                ),
            )
        )
    return sections
