"""Who has stopped coming: regulars of the chapter's events not seen for some months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.safety import strip_bidi
from app.events.regulars import regulars
from app.events.vocabulary import KINDS
from app.roster import people
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

    A coordinator's list: it reads the roster against the event history. Computed from
    every member's attendances cached for the open database (app/events/regulars.py) and
    brought up to date from the change feed on each call; tests check it against the SQL.
    """
    ctx.require(Permission.ROSTER_READ)
    ctx.require(Permission.EVENTS_WRITE)
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
    since, cutoff, until = lapsed_window(today or date.today(), months)
    with ctx.db.transaction() as s:
        summary = regulars(s, ctx.db)
    return summary.lapsed(since, cutoff, until, min_visits, kind or None, LapsedMember)


def lapsed_window(day: date, months: int) -> tuple[datetime, datetime, datetime]:
    """(since, cutoff, until) of the lapsed list for `day`: attendances from `since` up to
    the cutoff count towards being a regular; none from the cutoff to the end of `day`."""
    cutoff = datetime.combine(months_before(day, months), time(0, 0))
    since = datetime.combine(months_before(cutoff.date(), REGULAR_WINDOW_MONTHS), time(0, 0))
    return since, cutoff, datetime.combine(day, time(23, 59, 59))


MAX_CALL_NOTE = 500


def note_call(ctx: Context, member_id: str, text: str, today: date | None = None) -> str:
    """Add a dated line about a phone call to the member's notes (one transaction); the
    line added. For the coordinator working down the lapsed list."""
    ctx.require(Permission.ROSTER_WRITE)
    said = " ".join(strip_bidi(text).split())
    if not said:
        raise UserError(_("Write what was said on the call."))
    if len(said) > MAX_CALL_NOTE:
        raise UserError(
            _("A call note may have at most {count} characters.").format(count=MAX_CALL_NOTE)
        )
    line = _("{date} phone call: {text}").format(
        date=(today or date.today()).isoformat(), text=said
    )
    with ctx.db.transaction() as s:
        row = s.get(Member, member_id)
        if row is None or row.deleted:
            raise UserError(_("No such member: {id}").format(id=member_id))
        row.note = f"{row.note.rstrip()}\n{line}" if row.note.strip() else line
    return line


# --- one member's history ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One registration of a member: when, which event, what kind, and whether they came."""

    id: str
    on: date | None
    event_id: str
    event_title: str
    kind: str
    kind_label: str
    status: str
    attended: bool
    walk_in: bool


@dataclass(frozen=True)
class YearCounts:
    """A fiscal year (年度) of one member's events: registered, attended, attended per kind."""

    id: str
    fiscal_year: int
    registered: int
    attended: int
    attended_by_kind: dict[str, int]


@dataclass(frozen=True)
class MemberHistory:
    """Every registration and attendance of a member (guest visits merged in included)."""

    id: str
    name: str
    reading: str
    entries: list[HistoryEntry]
    fiscal_years: list[YearCounts]

    @property
    def attended_total(self) -> int:
        """How many times the member came, in all."""
        return sum(1 for e in self.entries if e.attended)


def member_history(ctx: Context, member_id: str) -> MemberHistory:
    """A member's registrations, newest first, with counts per fiscal year (newest first).

    Lists of who came where are the event-people permission's (coordinators).
    """
    from app.core.dates import fiscal_year
    from app.events.vocabulary import kind_label

    ctx.require(Permission.ROSTER_READ)
    ctx.require(Permission.EVENTS_PEOPLE)
    when = func.coalesce(EventOccurrence.starts_at, Event.starts_at)
    with ctx.db.transaction() as s:
        member = s.get(Member, member_id)
        if member is None or member.deleted:
            raise UserError(_("No such member: {id}").format(id=member_id))
        rows = s.execute(
            select(
                Registration.id,
                when,
                Event.id,
                Event.title,
                Event.kind,
                Registration.status,
                Registration.attended,
                Registration.walk_in,
            )
            .join(Event, Event.id == Registration.event_id)
            .outerjoin(EventOccurrence, EventOccurrence.id == Registration.occurrence_id)
            .where(
                Registration.member_id == member.id,
                Registration.deleted.is_(False),
                Event.deleted.is_(False),
            )
        ).all()
        name = people.full_name(member.family_name, member.given_name)
        reading = people.full_kana(member.family_kana, member.given_kana)
    entries = [
        HistoryEntry(
            id=r[0],
            on=r[1].date() if r[1] else None,
            event_id=r[2],
            event_title=r[3],
            kind=r[4],
            kind_label=kind_label(r[4]),
            status=r[5],
            attended=bool(r[6]),
            walk_in=bool(r[7]),
        )
        for r in rows
    ]
    entries.sort(key=lambda e: (e.on or date.min, e.event_title, e.id), reverse=True)
    years: dict[int, list[HistoryEntry]] = {}
    for entry in entries:
        if entry.on is not None:
            years.setdefault(fiscal_year(entry.on), []).append(entry)
    counts = []
    for year in sorted(years, reverse=True):
        came = [e for e in years[year] if e.attended]
        by_kind: dict[str, int] = {}
        for e in came:
            by_kind[e.kind] = by_kind.get(e.kind, 0) + 1
        counts.append(YearCounts(str(year), year, len(years[year]), len(came), by_kind))
    return MemberHistory(member.id, name, reading, entries, counts)
