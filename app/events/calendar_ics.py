"""Events as an iCalendar file (RFC 5545) for members who keep a phone calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.core.context import Context, Permission
from app.core.dates import fiscal_year_range
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.events.vocabulary import series_label
from app.storage.fileio import write_atomically
from db.models import Event, EventOccurrence

# Japan has had no daylight saving time since 1951: one STANDARD block says it all.
_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Tokyo",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0900",
    "TZOFFSETTO:+0900",
    "TZNAME:JST",
    "END:STANDARD",
    "END:VTIMEZONE",
)
# Events with no end are put in calendars as two hours long.
_DEFAULT_LENGTH = timedelta(hours=2)


@dataclass(frozen=True)
class IcsResult:
    """What `export_ics` wrote: how many dates, and how many events it left out and why."""

    path: Path
    written: int
    undated: int
    estimated: int


def escape(value: str) -> str:
    """A TEXT value as RFC 5545 §3.3.11 writes it."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (§3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _local(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%M%S")


def export_ics(ctx: Context, path: Path, fiscal_year: int | None = None) -> IcsResult:
    """Write one VEVENT per date (a monthly event's every date) in Asia/Tokyo time.

    Events whose date is only estimated, or that have none, are left out (and counted):
    a wrong date in someone's phone is worse than none.
    """
    ctx.require(Permission.EVENTS_READ)
    if path.suffix.lower() != ".ics":
        raise UserError(_("Choose a file name ending in .ics: {path}").format(path=path))
    if fiscal_year is not None and not 1989 <= fiscal_year <= 2200:
        raise UserError(
            _("The fiscal year must be between {first} and {last}.").format(first=1989, last=2200)
        )
    window = fiscal_year_range(fiscal_year) if fiscal_year is not None else None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tsunagu//Tsunagu//JA",
        "CALSCALE:GREGORIAN",
    ]
    lines += _VTIMEZONE
    written = undated = estimated = 0
    with ctx.db.transaction() as s:
        rows = s.scalars(select(Event).where(Event.deleted.is_(False)).order_by(Event.starts_at))
        for event in rows:
            dates: list[tuple[str, datetime, datetime | None, str]] = []
            occurrences = list(
                s.scalars(
                    select(EventOccurrence)
                    .where(EventOccurrence.event_id == event.id, EventOccurrence.deleted.is_(False))
                    .order_by(EventOccurrence.starts_at)
                )
            )
            if occurrences:
                dates = [(o.id, o.starts_at, o.ends_at, o.status) for o in occurrences]
            elif event.starts_at is not None:
                dates = [(event.id, event.starts_at, event.ends_at, event.status)]
            if not dates:
                undated += 1
                continue
            if event.dates_estimated:
                estimated += 1
                continue
            for uid, starts, ends, status in dates:
                if window is not None and not window[0] <= starts.date() <= window[1]:
                    continue
                lines += _vevent(event, uid, starts, ends, status, stamp)
                written += 1
    lines.append("END:VCALENDAR")
    data = "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")
    write_atomically(path, data)
    return IcsResult(path, written, undated, estimated)


def _vevent(
    event: Event, uid: str, starts: datetime, ends: datetime | None, status: str, stamp: str
) -> list[str]:
    label = series_label(event.series, event.series_number)
    summary = f"{label} {event.title}" if label else event.title
    description = "\n".join(p for p in (event.description, event.apply_how, event.contact) if p)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@tsunagu",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID=Asia/Tokyo:{_local(starts)}",
        f"DTEND;TZID=Asia/Tokyo:{_local(ends or starts + _DEFAULT_LENGTH)}",
        f"SUMMARY:{escape(summary)}",
    ]
    if event.venue:
        lines.append(f"LOCATION:{escape(event.venue)}")
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if status == "cancelled" or event.status == "cancelled":
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    return lines
