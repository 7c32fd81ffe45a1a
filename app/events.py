"""Events (活動): plan, edit and cancel them; registrations, the wait-list and the reception desk.

An event has one date (`starts_at`) or, with `recurrence == "monthly"`, many: one
EventOccurrence per date, each with its own registrations and attendance. A single-date
event keeps one occurrence row mirroring its date (reports count dates from them); its
registrations carry no occurrence id. A monthly event's rule as typed ("第3水曜日 10:00") is
kept in `period_label`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from app.context import Context, Permission
from app.dates import WEEKDAYS_EN, WEEKDAYS_JA, fiscal_year, fiscal_year_range
from app.errors import UserError
from app.i18n import N_, current_language
from app.i18n import gettext as _
from app.text.kana import normalize_reading, reading_sort_key, search_fold
from app.text.safety import refuse_bad_name, shown, strip_bidi
from db.models import (
    Event,
    EventLecturer,
    EventOccurrence,
    EventPartner,
    Lecturer,
    Member,
    Organisation,
    Registration,
)

# --- vocabularies ----------------------------------------------------------------------------

KINDS: dict[str, str] = {
    "lecture": N_("Lecture"),
    "study_session": N_("Study session"),
    "exchange_meeting": N_("Exchange meeting"),
    "community_cafe": N_("Community café"),
    "food_drive": N_("Food drive"),
    "site_tour": N_("Site tour"),
    "workshop": N_("Workshop"),
    "town_meeting": N_("Town meeting"),
    "festival_booth": N_("Festival booth"),
    "donation": N_("Donation"),
    "other": N_("Other"),
}
# Names other files use for the same kinds (the seed's "festival_online", a plain "cafe").
KIND_ALIASES = {"festival_online": "festival_booth", "cafe": "community_cafe"}
# Kinds with people in a room: these take registrations and print attendance sheets.
KINDS_WITH_PEOPLE = (
    "lecture",
    "study_session",
    "exchange_meeting",
    "community_cafe",
    "site_tour",
    "workshop",
    "town_meeting",
)

PLANNED = "planned"
HELD = "held"
CANCELLED = "cancelled"
STATUSES: dict[str, str] = {
    PLANNED: N_("Planned"),
    HELD: N_("Held"),
    CANCELLED: N_("Cancelled"),
}

# Theme keys -> English label (translated when shown); the Japanese words of the seed are aliases.
THEMES: dict[str, str] = {
    "disaster": N_("Disaster preparedness"),
    "food_support": N_("Food support"),
    "welfare": N_("Welfare"),
    "dementia": N_("Dementia"),
    "health": N_("Health"),
    "poverty": N_("Support for people in need"),
    "watch_over": N_("Watch-over"),
    "community": N_("Community building"),
    "child_care": N_("Child-raising"),
    "environment": N_("Environment"),
}
THEME_ALIASES = {
    "防災": "disaster",
    "食の支援": "food_support",
    "福祉": "welfare",
    "認知症": "dementia",
    "健康": "health",
    "生活困窮者支援": "poverty",
    "見守り": "watch_over",
    "まちづくり": "community",
    "子育て": "child_care",
    "環境": "environment",
}

PARTNER_ROLES: dict[str, str] = {
    "organiser": N_("Organiser"),
    "co_host": N_("Co-host"),
    "supporter": N_("Supporter"),
    "donor": N_("Donor"),
    "recipient": N_("Recipient"),
}

QUANTITY_UNITS: dict[str, str] = {"kg": N_("kg"), "t": N_("t"), "items": N_("items")}

NO_RECURRENCE = "none"
MONTHLY = "monthly"
RECURRENCES: dict[str, str] = {NO_RECURRENCE: N_("One date"), MONTHLY: N_("Monthly")}

SCOPES: dict[str, str] = {"chapter": N_("This chapter"), "city-wide": N_("City-wide")}

# Registration.status
REGISTERED = "registered"
WAITLISTED = "waitlisted"
REG_CANCELLED = "cancelled"
REGISTRATION_STATUSES: dict[str, str] = {
    REGISTERED: N_("Registered"),
    WAITLISTED: N_("Wait-listed"),
    REG_CANCELLED: N_("Cancelled"),
}


def kind_label(kind: str) -> str:
    """The kind of event in the current language."""
    label = KINDS.get(kind)
    return _(label) if label else kind


def status_label(status: str) -> str:
    """An event's status in the current language."""
    label = STATUSES.get(status)
    return _(label) if label else status


def registration_status_label(status: str) -> str:
    """A registration's status in the current language."""
    label = REGISTRATION_STATUSES.get(status)
    return _(label) if label else status


def partner_role_label(role: str) -> str:
    """An organisation's part in an event, in the current language."""
    label = PARTNER_ROLES.get(role)
    return _(label) if label else role


def unit_label(unit: str) -> str:
    """A quantity unit for people (kg, t, items)."""
    label = QUANTITY_UNITS.get(unit)
    return _(label) if label else unit


def theme_key(text: str) -> str:
    """The stored key of a theme given as key, Japanese word or English label; else as typed."""
    text = " ".join(text.split())
    if text in THEMES:
        return text
    if text in THEME_ALIASES:
        return THEME_ALIASES[text]
    folded = text.casefold()
    for key, label in THEMES.items():
        if folded in (label.casefold(), _(label).casefold()):
            return key
    return text


def theme_label(theme: str) -> str:
    """A theme in the current language (a theme typed freely is shown as typed)."""
    key = theme_key(theme)
    label = THEMES.get(key)
    return _(label) if label else theme


def series_label(series: str, number: int | None) -> str:
    """As printed: まちづくり講座 第18講 (a 講座 counts 講, anything else 回)."""
    series = series.strip()
    if number is None:
        return series
    counter = "講" if series.endswith("講座") else "回"
    return f"{series} 第{number}{counter}".strip()


# --- monthly rule ----------------------------------------------------------------------------

_ORDINALS = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "5th": 5,
    "fifth": 5,
    "last": -1,
}
_EN_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = r"(\d{1,2})(?::(\d{2})|時(?:(\d{1,2})分|(半))?)"
_TIME_RANGE = rf"{_TIME}(?:\s*[-~〜～]\s*{_TIME})?"
_RULE_EN = re.compile(
    r"^(?:every\s+)?(?:(?P<nth>1st|2nd|3rd|4th|5th|first|second|third|fourth|fifth|last)\s+"
    r"(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*|(?:day\s+)?(?P<day>\d{1,2})(?:st|nd|rd|th)?)"
    r"(?:\s+of\s+(?:the|each)\s+month)?[\s,]+(?:at\s+)?" + _TIME_RANGE + "$"
)
_RULE_JA = re.compile(
    r"^(?:毎月)?\s*(?:(?:第(?P<nth>\d)|(?P<last>最終))\s*(?P<wd>[月火水木金土日])曜?日?|"
    r"(?P<day>\d{1,2})日)\s*" + _TIME_RANGE + "$"
)


@dataclass(frozen=True)
class MonthlyRule:
    """A date each month: the nth (or last, -1) weekday, or a day of the month; and the time."""

    start: time
    end: time | None = None
    nth: int | None = None
    weekday: int | None = None  # 0 = Monday
    day: int | None = None

    def date_in(self, year: int, month: int) -> date | None:
        """This rule's date in one month (None when the month has no such day)."""
        if self.day is not None:
            try:
                return date(year, month, self.day)
            except ValueError:
                return None
        assert self.nth is not None and self.weekday is not None
        first = date(year, month, 1)
        offset = (self.weekday - first.weekday()) % 7
        days = [first + timedelta(days=offset + 7 * k) for k in range(5)]
        days = [d for d in days if d.month == month]
        if self.nth == -1:
            return days[-1]
        return days[self.nth - 1] if self.nth <= len(days) else None

    def dates_in_fiscal_year(self, fy: int) -> list[tuple[datetime, datetime | None]]:
        """(start, end) of every date from April of `fy` to March of the next year."""
        out: list[tuple[datetime, datetime | None]] = []
        for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3):
            year = fy if month >= 4 else fy + 1
            day = self.date_in(year, month)
            if day is None:
                continue
            end = datetime.combine(day, self.end) if self.end else None
            out.append((datetime.combine(day, self.start), end))
        return out

    def describe(self) -> str:
        """The rule in words, Japanese or English as the program speaks."""
        times = self.start.strftime("%H:%M")
        if self.end:
            times += ("～" if current_language() == "ja" else "–") + self.end.strftime("%H:%M")
        if current_language() == "ja":
            if self.day is not None:
                return f"毎月{self.day}日 {times}"
            nth = "最終" if self.nth == -1 else f"第{self.nth}"
            return f"毎月{nth}{WEEKDAYS_JA[self.weekday or 0]}曜日 {times}"
        if self.day is not None:
            return f"day {self.day} of each month, {times}"
        names = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}
        return f"{names[self.nth or 1]} {WEEKDAYS_EN[self.weekday or 0]} of each month, {times}"


def _time(groups: Sequence[str | None]) -> time | None:
    hour, minute, ja_minute, half = groups
    if hour is None:
        return None
    m = int(minute or ja_minute or 0) + (30 if half else 0)
    h = int(hour)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError
    return time(h, m)


def parse_monthly_rule(text: str) -> MonthlyRule:
    """A monthly rule typed by a person: "3rd Wednesday 10:00", "last Fri 13:30-15:00",
    "day 15 10:00", "毎月第3水曜日 10:00～12:00", "第2土曜 14時", "毎月15日 10時半"."""
    plain = unicodedata.normalize("NFKC", text).strip().lower()
    plain = " ".join(plain.split())
    bad = UserError(
        _("“{text}” is not a monthly rule; write for example “3rd Wednesday 10:00”.").format(
            text=text
        )
    )
    match = _RULE_EN.match(plain) or _RULE_JA.match(plain)
    if match is None:
        raise bad
    parts = match.groupdict()
    groups = match.groups()
    times = groups[-8:]
    try:
        start = _time(times[:4])
        end = _time(times[4:])
    except ValueError:
        raise bad from None
    if start is None or (end is not None and end <= start):
        raise bad
    if parts.get("day"):
        day = int(parts["day"])
        if not 1 <= day <= 31:
            raise bad
        return MonthlyRule(start=start, end=end, day=day)
    if parts.get("last"):
        nth = -1
    elif parts["nth"] in _ORDINALS:
        nth = _ORDINALS[parts["nth"]]
    else:
        nth = int(parts["nth"])
    if nth not in (1, 2, 3, 4, 5, -1):
        raise bad
    wd = parts["wd"]
    weekday = _EN_WEEKDAYS.index(wd) if wd in _EN_WEEKDAYS else WEEKDAYS_JA.index(wd)
    return MonthlyRule(start=start, end=end, nth=nth, weekday=weekday)


def monthly_dates(rule_text: str, fy: int) -> list[OccurrenceInput]:
    """A fiscal year of dates from a rule, ready to put in EventInput.occurrences."""
    rule = parse_monthly_rule(rule_text)
    return [OccurrenceInput(starts_at=s, ends_at=e) for s, e in rule.dates_in_fiscal_year(fy)]


# --- data in and out -------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerLink:
    """An organisation's part in an event (input side)."""

    organisation_id: str
    role: str = "organiser"


@dataclass(frozen=True)
class PartnerRef:
    """An organisation's part in an event, with its name (output side)."""

    organisation_id: str
    name: str
    short_name: str
    role: str

    @property
    def display_name(self) -> str:
        """As printed on a flyer."""
        return self.short_name or self.name

    @property
    def role_label(self) -> str:
        """The role, translated."""
        return partner_role_label(self.role)


@dataclass(frozen=True)
class LecturerRef:
    """A lecturer of an event: name, reading and affiliation as printed."""

    lecturer_id: str
    name: str
    kana: str
    affiliation: str


@dataclass(frozen=True)
class OccurrenceInput:
    """One date of a monthly event; `id` keeps a date (and its registrations) when it moves."""

    starts_at: datetime
    ends_at: datetime | None = None
    status: str = PLANNED
    note: str = ""
    id: str | None = None


@dataclass(frozen=True)
class OccurrenceView:
    """One stored date with its counts."""

    id: str
    starts_at: datetime
    ends_at: datetime | None
    status: str
    note: str
    registered: int = 0
    waitlisted: int = 0
    attended: int = 0
    walk_ins: int = 0


@dataclass(frozen=True)
class EventInput:
    """Everything the event form holds."""

    title: str = ""
    kind: str = "lecture"
    series: str = ""
    series_number: int | None = None
    catch_copy: str = ""
    themes: tuple[str, ...] = ()
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    dates_estimated: bool = False
    period_label: str = ""
    venue: str = ""
    venue_access: str = ""
    municipality: str = ""
    scope: str = "chapter"
    capacity: int | None = None
    fee_yen: int | None = None
    apply_how: str = ""
    apply_by: date | None = None
    contact: str = ""
    description: str = ""
    recurrence: str = NO_RECURRENCE
    status: str = PLANNED
    quantity_value: float | None = None
    quantity_unit: str = ""
    recipients: tuple[str, ...] = ()
    detail: str = ""
    qr_url: str = ""
    image_path: str = ""
    partners: tuple[PartnerLink, ...] = ()
    lecturer_ids: tuple[str, ...] = ()
    occurrences: tuple[OccurrenceInput, ...] = ()


@dataclass(frozen=True)
class RegistrationCounts:
    """How many are registered (walk-ins apart), waiting, cancelled, and came."""

    capacity: int | None = None
    registered: int = 0
    waitlisted: int = 0
    cancelled: int = 0
    attended: int = 0
    walk_ins: int = 0

    @property
    def expected(self) -> int:
        """Everyone on the list for the day: registered plus walk-ins."""
        return self.registered + self.walk_ins

    @property
    def free_places(self) -> int | None:
        """Places left before the wait-list starts (None when there is no limit)."""
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.registered)


@dataclass(frozen=True)
class EventView:
    """A stored event with its partners, lecturers, dates and counts."""

    id: str
    title: str
    kind: str
    series: str
    series_number: int | None
    catch_copy: str
    themes: tuple[str, ...]
    starts_at: datetime | None
    ends_at: datetime | None
    dates_estimated: bool
    period_label: str
    venue: str
    venue_access: str
    municipality: str
    scope: str
    capacity: int | None
    fee_yen: int | None
    apply_how: str
    apply_by: date | None
    contact: str
    description: str
    recurrence: str
    status: str
    quantity_value: float | None
    quantity_unit: str
    recipients: tuple[str, ...]
    detail: str
    qr_url: str
    image_path: str
    chapter_id: str | None
    version: str
    partners: tuple[PartnerRef, ...] = ()
    lecturers: tuple[LecturerRef, ...] = ()
    occurrences: tuple[OccurrenceView, ...] = ()
    counts: RegistrationCounts = field(default_factory=RegistrationCounts)

    @property
    def series_label(self) -> str:
        """まちづくり講座 第18講, or the series alone."""
        return series_label(self.series, self.series_number)

    @property
    def kind_label(self) -> str:
        """The kind, translated."""
        return kind_label(self.kind)

    @property
    def status_label(self) -> str:
        """The status, translated."""
        return status_label(self.status)

    @property
    def is_monthly(self) -> bool:
        """True for an event held on many dates (a monthly café)."""
        return self.recurrence == MONTHLY

    def to_input(self) -> EventInput:
        """The form's content for this event (to edit and save again)."""
        return EventInput(
            title=self.title,
            kind=self.kind,
            series=self.series,
            series_number=self.series_number,
            catch_copy=self.catch_copy,
            themes=self.themes,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            dates_estimated=self.dates_estimated,
            period_label=self.period_label,
            venue=self.venue,
            venue_access=self.venue_access,
            municipality=self.municipality,
            scope=self.scope,
            capacity=self.capacity,
            fee_yen=self.fee_yen,
            apply_how=self.apply_how,
            apply_by=self.apply_by,
            contact=self.contact,
            description=self.description,
            recurrence=self.recurrence,
            status=self.status,
            quantity_value=self.quantity_value,
            quantity_unit=self.quantity_unit,
            recipients=self.recipients,
            detail=self.detail,
            qr_url=self.qr_url,
            image_path=self.image_path,
            partners=tuple(PartnerLink(p.organisation_id, p.role) for p in self.partners),
            lecturer_ids=tuple(lec.lecturer_id for lec in self.lecturers),
            occurrences=tuple(
                OccurrenceInput(o.starts_at, o.ends_at, o.status, o.note, o.id)
                for o in self.occurrences
            ),
        )


@dataclass(frozen=True)
class EventRow:
    """One line of the event list (also what `events list --json` prints)."""

    id: str
    title: str
    series_label: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    starts_at: datetime | None
    ends_at: datetime | None
    dates_estimated: bool
    period_label: str
    venue: str
    recurrence: str
    occurrences: int
    capacity: int | None
    registered: int
    waitlisted: int
    attended: int
    walk_ins: int
    fiscal_year: int | None


@dataclass(frozen=True)
class GuestInput:
    """A guest (not in the roster) at registration: name, reading and how to reach them."""

    family_name: str = ""
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    contact: str = ""
    note: str = ""


@dataclass(frozen=True)
class RegistrationView:
    """A registration as services return it."""

    id: str
    event_id: str
    occurrence_id: str | None
    member_id: str | None
    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    contact: str
    status: str
    registered_at: datetime | None
    attended: bool
    checked_in_at: datetime | None
    walk_in: bool
    note: str
    sort_key: str
    waitlist_position: int | None = None

    @property
    def name(self) -> str:
        """Family and given name, as written on paper."""
        return "\u3000".join(p for p in (self.family_name, self.given_name) if p)

    @property
    def reading(self) -> str:
        """The reading, family then given."""
        return " ".join(p for p in (self.family_kana, self.given_kana) if p)

    @property
    def is_member(self) -> bool:
        """True when the registration is linked to the roster."""
        return self.member_id is not None

    @property
    def status_label(self) -> str:
        """The status, translated."""
        return registration_status_label(self.status)


# --- validation ------------------------------------------------------------------------------

# Far above any real event, far below SQLite's 64-bit limit: a typo, not a crash.
MAX_CAPACITY = 1_000_000
MAX_FEE_YEN = 100_000_000
MAX_SERIES_NUMBER = 100_000


def _check_fiscal_year(fy: int) -> int:
    from app.argtypes import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR

    if not FIRST_FISCAL_YEAR <= fy <= LAST_FISCAL_YEAR:
        raise UserError(
            _("The fiscal year must be between {low} and {high}: {value}").format(
                low=FIRST_FISCAL_YEAR, high=LAST_FISCAL_YEAR, value=fy
            )
        )
    return fy


def _clean_text(value: str) -> str:
    return value.strip()


def normalise_event(data: EventInput) -> EventInput:
    """Validate an event's fields; refused input raises UserError with the reason."""
    title = " ".join(data.title.split())
    if not title:
        raise UserError(_("An event needs a title."))
    kind = KIND_ALIASES.get(data.kind, data.kind)
    if kind not in KINDS:
        raise UserError(_("Unknown kind of event: {kind}").format(kind=data.kind))
    if data.status not in STATUSES:
        raise UserError(_("Unknown event status: {status}").format(status=data.status))
    if data.recurrence not in RECURRENCES:
        raise UserError(_("Unknown recurrence: {value}").format(value=data.recurrence))
    if data.scope not in SCOPES:
        raise UserError(_("Unknown scope: {value}").format(value=data.scope))
    if data.series_number is not None and data.series_number < 1:
        raise UserError(_("The number in the series starts at 1."))
    if data.capacity is not None and data.capacity < 0:
        raise UserError(_("The capacity cannot be negative."))
    if data.capacity is not None and data.capacity > MAX_CAPACITY:
        raise UserError(
            _("The capacity can be at most {limit:,} people.").format(limit=MAX_CAPACITY)
        )
    if data.fee_yen is not None and data.fee_yen < 0:
        raise UserError(_("The fee cannot be negative."))
    if data.fee_yen is not None and data.fee_yen > MAX_FEE_YEN:
        raise UserError(_("The fee can be at most {limit:,} yen.").format(limit=MAX_FEE_YEN))
    if data.series_number is not None and data.series_number > MAX_SERIES_NUMBER:
        raise UserError(
            _("The number in the series can be at most {limit:,}.").format(limit=MAX_SERIES_NUMBER)
        )
    if data.quantity_unit and data.quantity_unit not in QUANTITY_UNITS:
        raise UserError(
            _("Unknown unit: {unit} (use kg, t or items).").format(unit=data.quantity_unit)
        )
    if data.quantity_value is not None and data.quantity_value < 0:
        raise UserError(_("The quantity cannot be negative."))
    if data.starts_at and data.ends_at and data.ends_at < data.starts_at:
        raise UserError(_("The event ends before it starts."))
    for link in data.partners:
        if link.role not in PARTNER_ROLES:
            raise UserError(_("Unknown partner role: {role}").format(role=link.role))
    occurrences = tuple(sorted(data.occurrences, key=lambda o: o.starts_at))
    for occ in occurrences:
        if occ.status not in STATUSES:
            raise UserError(_("Unknown event status: {status}").format(status=occ.status))
        if occ.ends_at and occ.ends_at < occ.starts_at:
            raise UserError(_("The event ends before it starts."))
    starts_at, ends_at = data.starts_at, data.ends_at
    if data.recurrence == MONTHLY and occurrences:
        starts_at, ends_at = occurrences[0].starts_at, occurrences[0].ends_at
    themes: list[str] = []
    for theme in data.themes:
        key = theme_key(theme)
        if key and key not in themes:
            themes.append(key)
    seen_links: list[PartnerLink] = []
    for link in data.partners:
        if link not in seen_links:
            seen_links.append(link)
    lecturers: list[str] = []
    for lid in data.lecturer_ids:
        if lid not in lecturers:
            lecturers.append(lid)
    return replace(
        data,
        title=title,
        kind=kind,
        series=_clean_text(data.series),
        catch_copy=_clean_text(data.catch_copy),
        themes=tuple(themes),
        starts_at=starts_at,
        ends_at=ends_at,
        period_label=_clean_text(data.period_label),
        venue=_clean_text(data.venue),
        venue_access=_clean_text(data.venue_access),
        municipality=_clean_text(data.municipality),
        apply_how=_clean_text(data.apply_how),
        contact=_clean_text(data.contact),
        description=data.description.strip(),
        quantity_unit=data.quantity_unit if data.quantity_value is not None else "",
        recipients=tuple(r.strip() for r in data.recipients if r.strip()),
        detail=data.detail.strip(),
        qr_url=data.qr_url.strip(),
        image_path=data.image_path.strip(),
        partners=tuple(seen_links),
        lecturer_ids=tuple(lecturers),
        occurrences=occurrences if data.recurrence == MONTHLY else (),
    )


# --- storing ---------------------------------------------------------------------------------

_EVENT_FIELDS = (
    "title",
    "kind",
    "series",
    "series_number",
    "catch_copy",
    "starts_at",
    "ends_at",
    "dates_estimated",
    "period_label",
    "venue",
    "venue_access",
    "municipality",
    "scope",
    "capacity",
    "fee_yen",
    "apply_how",
    "apply_by",
    "contact",
    "description",
    "recurrence",
    "status",
    "quantity_value",
    "quantity_unit",
    "detail",
    "qr_url",
    "image_path",
)


def _apply_event(s: Session, row: Event, data: EventInput) -> None:
    for name in _EVENT_FIELDS:
        setattr(row, name, getattr(data, name))
    row.themes = list(data.themes)
    row.recipients = list(data.recipients)
    s.flush()
    _sync_partners(s, row, data.partners)
    _sync_lecturers(s, row, data.lecturer_ids)
    if data.recurrence == MONTHLY:
        _sync_occurrences(s, row, data.occurrences)
    else:
        _mirror_single_date(s, row)


def _sync_partners(s: Session, event: Event, links: Sequence[PartnerLink]) -> None:
    existing = list(
        s.scalars(
            select(EventPartner).where(
                EventPartner.event_id == event.id, EventPartner.deleted.is_(False)
            )
        )
    )
    by_key = {(p.organisation_id, p.role): p for p in existing}
    keep: set[str] = set()
    for position, link in enumerate(links):
        org = s.get(Organisation, link.organisation_id)
        if org is None or org.deleted:
            raise UserError(_("No such organisation: {id}").format(id=link.organisation_id))
        row = by_key.get((link.organisation_id, link.role))
        if row is None:
            row = EventPartner(
                event_id=event.id,
                organisation_id=link.organisation_id,
                role=link.role,
                position=position,
            )
            row.chapter_id = event.chapter_id
            s.add(row)
            s.flush()
        elif row.position != position:
            row.position = position
        keep.add(row.id)
    for row in existing:
        if row.id not in keep:
            row.deleted = True


def _sync_lecturers(s: Session, event: Event, lecturer_ids: Sequence[str]) -> None:
    existing = list(
        s.scalars(
            select(EventLecturer).where(
                EventLecturer.event_id == event.id, EventLecturer.deleted.is_(False)
            )
        )
    )
    by_id = {link.lecturer_id: link for link in existing}
    for position, lecturer_id in enumerate(lecturer_ids):
        lecturer = s.get(Lecturer, lecturer_id)
        if lecturer is None or lecturer.deleted:
            raise UserError(_("No such lecturer: {id}").format(id=lecturer_id))
        row = by_id.pop(lecturer_id, None)
        if row is None:
            row = EventLecturer(event_id=event.id, lecturer_id=lecturer_id, position=position)
            row.chapter_id = event.chapter_id
            s.add(row)
        elif row.position != position:
            row.position = position
    for row in by_id.values():
        row.deleted = True


HAS_REGISTRATIONS = N_("{date} has registrations and cannot be removed; cancel that date instead.")


def _occurrence_rows(s: Session, event_id: str) -> list[EventOccurrence]:
    return list(
        s.scalars(
            select(EventOccurrence)
            .where(EventOccurrence.event_id == event_id, EventOccurrence.deleted.is_(False))
            .order_by(EventOccurrence.starts_at)
        )
    )


def _has_registrations(s: Session, occurrence_id: str) -> bool:
    return (
        s.scalar(
            select(Registration.id)
            .where(Registration.occurrence_id == occurrence_id, Registration.deleted.is_(False))
            .limit(1)
        )
        is not None
    )


def _sync_occurrences(s: Session, event: Event, wanted: Sequence[OccurrenceInput]) -> None:
    existing = _occurrence_rows(s, event.id)
    by_id = {o.id: o for o in existing}
    by_start = {o.starts_at: o for o in existing}
    keep: set[str] = set()
    for item in wanted:
        row = by_id.get(item.id or "") or by_start.get(item.starts_at)
        if row is None or row.id in keep:
            row = EventOccurrence(event_id=event.id, starts_at=item.starts_at)
            row.chapter_id = event.chapter_id
            s.add(row)
            s.flush()
        row.starts_at = item.starts_at
        row.ends_at = item.ends_at
        row.status = CANCELLED if event.status == CANCELLED else item.status
        row.note = strip_bidi(item.note.strip())
        keep.add(row.id)
    for row in existing:
        if row.id not in keep:
            if _has_registrations(s, row.id):
                raise UserError(
                    _(HAS_REGISTRATIONS).format(date=row.starts_at.strftime("%Y-%m-%d"))
                )
            row.deleted = True


def _mirror_single_date(s: Session, event: Event) -> None:
    """A single-date event keeps exactly one occurrence with its date and status."""
    existing = _occurrence_rows(s, event.id)
    first = existing[0] if existing else None
    for extra in existing[1:]:
        if _has_registrations(s, extra.id):
            raise UserError(
                _(
                    "{date} has registrations and cannot be removed; cancel that date instead."
                ).format(date=extra.starts_at.strftime("%Y-%m-%d"))
            )
        extra.deleted = True
    if event.starts_at is None:
        if first is not None:
            first.deleted = True
        return
    if first is None:
        first = EventOccurrence(event_id=event.id, starts_at=event.starts_at)
        first.chapter_id = event.chapter_id
        s.add(first)
    first.starts_at = event.starts_at
    first.ends_at = event.ends_at
    first.status = event.status


def _load_event(s: Session, event_id: str) -> Event:
    row = s.get(Event, event_id)
    if row is None or row.deleted:
        raise UserError(_("No such event: {id}").format(id=event_id))
    return row


def create_event(ctx: Context, data: EventInput) -> EventView:
    """Plan a new event (with its partners, lecturers and, for a monthly one, its dates)."""
    ctx.require(Permission.EVENTS_WRITE)
    clean = normalise_event(data)
    with ctx.db.transaction() as s:
        row = Event(title=clean.title)
        row.chapter_id = ctx.db.chapter_id
        s.add(row)
        s.flush()
        _apply_event(s, row, clean)
        s.flush()
        return _event_view(s, row)


def update_event(ctx: Context, event_id: str, data: EventInput) -> EventView:
    """Change an event; more places move people up from the wait-list."""
    ctx.require(Permission.EVENTS_WRITE)
    clean = normalise_event(data)
    with ctx.db.transaction() as s:
        row = _load_event(s, event_id)
        _apply_event(s, row, clean)
        s.flush()
        if row.capacity is None or row.capacity > 0:
            for occurrence_id in _registration_groups(s, row.id):
                _fill_from_waitlist(s, row, occurrence_id)
        s.flush()
        return _event_view(s, row)


def copy_event(ctx: Context, event_id: str, day: date) -> EventView:
    """A new planned event like `event_id` on `day`: same times, venue, partners, lecturers
    and texts, no registrations. A monthly event's copy starts with that one date."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        clean = normalise_event(_copy_input(_event_view(s, _load_event(s, event_id)), day))
        row = Event(title=clean.title)
        row.chapter_id = ctx.db.chapter_id
        s.add(row)
        s.flush()
        _apply_event(s, row, clean)
        s.flush()
        return _event_view(s, row)


def _copy_input(source: EventView, day: date) -> EventInput:
    starts = ends = None
    if source.starts_at is not None:
        starts = datetime.combine(day, source.starts_at.time())
        if source.ends_at is not None:
            ends = starts + (source.ends_at - source.starts_at)
    elif source.recurrence != MONTHLY:
        starts = datetime.combine(day, time(0, 0))
    shift = (day - source.starts_at.date()) if source.starts_at is not None else None
    apply_by = source.apply_by + shift if source.apply_by and shift is not None else None
    occurrences: tuple[OccurrenceInput, ...] = ()
    if source.recurrence == MONTHLY:
        first = source.occurrences[0] if source.occurrences else None
        at = datetime.combine(day, first.starts_at.time() if first else time(10, 0))
        length = first.ends_at - first.starts_at if first and first.ends_at else None
        occurrences = (OccurrenceInput(at, at + length if length else None),)
    return EventInput(
        title=source.title,
        kind=source.kind,
        series=source.series,
        series_number=source.series_number,
        catch_copy=source.catch_copy,
        themes=source.themes,
        starts_at=starts,
        ends_at=ends,
        dates_estimated=False,
        period_label="" if starts is not None else source.period_label,
        venue=source.venue,
        venue_access=source.venue_access,
        municipality=source.municipality,
        scope=source.scope,
        capacity=source.capacity,
        fee_yen=source.fee_yen,
        apply_how=source.apply_how,
        apply_by=apply_by,
        contact=source.contact,
        description=source.description,
        recurrence=source.recurrence,
        status=PLANNED,
        quantity_value=None,
        quantity_unit="",
        recipients=(),
        detail=source.detail,
        qr_url=source.qr_url,
        image_path=source.image_path,
        partners=tuple(PartnerLink(p.organisation_id, p.role) for p in source.partners),
        lecturer_ids=tuple(lecturer.lecturer_id for lecturer in source.lecturers),
        occurrences=occurrences,
    )


def set_event_status(ctx: Context, event_id: str, status: str) -> EventView:
    """Mark an event planned, held or cancelled (cancelling cancels its remaining dates)."""
    ctx.require(Permission.EVENTS_WRITE)
    if status not in STATUSES:
        raise UserError(_("Unknown event status: {status}").format(status=status))
    with ctx.db.transaction() as s:
        row = _load_event(s, event_id)
        row.status = status
        for occ in _occurrence_rows(s, row.id):
            if status == CANCELLED and occ.status == PLANNED:
                occ.status = CANCELLED
            elif row.recurrence != MONTHLY:
                occ.status = status
        s.flush()
        return _event_view(s, row)


def cancel_event(ctx: Context, event_id: str) -> EventView:
    """Cancel an event; its registrations stay, so the people can be told."""
    return set_event_status(ctx, event_id, CANCELLED)


def set_occurrence_status(ctx: Context, occurrence_id: str, status: str) -> OccurrenceView:
    """Mark one date of a monthly event planned, held or cancelled."""
    ctx.require(Permission.EVENTS_WRITE)
    if status not in STATUSES:
        raise UserError(_("Unknown event status: {status}").format(status=status))
    with ctx.db.transaction() as s:
        occ = s.get(EventOccurrence, occurrence_id)
        if occ is None or occ.deleted:
            raise UserError(_("No such date: {id}").format(id=occurrence_id))
        occ.status = status
        s.flush()
        counts = _counts_by_group(s, occ.event_id).get(occ.id, RegistrationCounts())
        return _occurrence_view(occ, counts)


def add_year_of_dates(ctx: Context, event_id: str, rule_text: str, fy: int) -> EventView:
    """Add a fiscal year of dates to a monthly event from a rule; dates it has are kept."""
    ctx.require(Permission.EVENTS_WRITE)
    generated = monthly_dates(rule_text, fy)
    with ctx.db.transaction() as s:
        row = _load_event(s, event_id)
        view = _event_view(s, row)
    if not view.is_monthly:
        raise UserError(_("Only a monthly event has a list of dates."))
    have = {o.starts_at.date() for o in view.occurrences}
    added = [o for o in generated if o.starts_at.date() not in have]
    data = replace(
        view.to_input(),
        occurrences=view.to_input().occurrences + tuple(added),
        period_label=view.period_label or parse_monthly_rule(rule_text).describe(),
    )
    return update_event(ctx, event_id, data)


def remove_event(ctx: Context, event_id: str) -> None:
    """Remove an event typed by mistake; one with registrations is cancelled instead."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        row = _load_event(s, event_id)
        has = s.scalar(
            select(Registration.id)
            .where(Registration.event_id == row.id, Registration.deleted.is_(False))
            .limit(1)
        )
        if has:
            raise UserError(
                _("{title} has registrations; cancel the event instead of removing it.").format(
                    title=row.title
                )
            )
        row.deleted = True
        links: list[EventOccurrence | EventPartner | EventLecturer] = [
            *_occurrence_rows(s, row.id),
            *s.scalars(
                select(EventPartner).where(
                    EventPartner.event_id == row.id, EventPartner.deleted.is_(False)
                )
            ),
            *s.scalars(
                select(EventLecturer).where(
                    EventLecturer.event_id == row.id, EventLecturer.deleted.is_(False)
                )
            ),
        ]
        for link in links:
            link.deleted = True


# --- reading ---------------------------------------------------------------------------------


def _occurrence_view(row: EventOccurrence, counts: RegistrationCounts) -> OccurrenceView:
    return OccurrenceView(
        id=row.id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status=row.status,
        note=row.note,
        registered=counts.registered,
        waitlisted=counts.waitlisted,
        attended=counts.attended,
        walk_ins=counts.walk_ins,
    )


def _counts_by_group(s: Session, event_id: str) -> dict[str | None, RegistrationCounts]:
    """Counts per occurrence id (None: registrations for the event as a whole)."""
    stmt = (
        select(
            Registration.occurrence_id,
            Registration.status,
            Registration.walk_in,
            Registration.attended,
            func.count(),
        )
        .where(Registration.event_id == event_id, Registration.deleted.is_(False))
        .group_by(
            Registration.occurrence_id,
            Registration.status,
            Registration.walk_in,
            Registration.attended,
        )
    )
    tallies: dict[str | None, dict[str, int]] = {}
    for occurrence_id, status, walk_in, attended, n in s.execute(stmt):
        _tally(tallies.setdefault(occurrence_id, {}), status, walk_in, attended, n)
    return {k: RegistrationCounts(**v) for k, v in tallies.items()}


def _tally(t: dict[str, int], status: str, walk_in: bool, attended: bool, n: int) -> None:
    for key in ("registered", "waitlisted", "cancelled", "attended", "walk_ins"):
        t.setdefault(key, 0)
    if status == REG_CANCELLED:
        t["cancelled"] += n
        return
    if walk_in:
        t["walk_ins"] += n
    elif status == WAITLISTED:
        t["waitlisted"] += n
    else:
        t["registered"] += n
    if attended:
        t["attended"] += n


def _sum_counts(counts: Iterable[RegistrationCounts], capacity: int | None) -> RegistrationCounts:
    total = RegistrationCounts(capacity=capacity)
    for c in counts:
        total = replace(
            total,
            registered=total.registered + c.registered,
            waitlisted=total.waitlisted + c.waitlisted,
            cancelled=total.cancelled + c.cancelled,
            attended=total.attended + c.attended,
            walk_ins=total.walk_ins + c.walk_ins,
        )
    return total


def _event_view(s: Session, row: Event) -> EventView:
    partners = []
    for link in s.scalars(
        select(EventPartner)
        .where(EventPartner.event_id == row.id, EventPartner.deleted.is_(False))
        .order_by(EventPartner.position)
    ):
        org = s.get(Organisation, link.organisation_id)
        if org is not None:
            partners.append(PartnerRef(org.id, org.name, org.short_name, link.role))
    lecturers = []
    for lec_link in s.scalars(
        select(EventLecturer)
        .where(EventLecturer.event_id == row.id, EventLecturer.deleted.is_(False))
        .order_by(EventLecturer.position)
    ):
        lec = s.get(Lecturer, lec_link.lecturer_id)
        if lec is None:
            continue
        org = s.get(Organisation, lec.organisation_id) if lec.organisation_id else None
        affiliation = lec.affiliation or (org.short_name or org.name if org else "")
        if lec.title and lec.title not in affiliation:
            affiliation = f"{affiliation}\u3000{lec.title}".strip("\u3000")
        lecturers.append(
            LecturerRef(
                lecturer_id=lec.id,
                name=" ".join(p for p in (lec.family_name, lec.given_name) if p),
                kana=" ".join(p for p in (lec.family_kana, lec.given_kana) if p),
                affiliation=affiliation,
            )
        )
    groups = _counts_by_group(s, row.id)
    occurrences = tuple(
        _occurrence_view(o, groups.get(o.id, RegistrationCounts()))
        for o in _occurrence_rows(s, row.id)
    )
    return EventView(
        id=row.id,
        title=row.title,
        kind=row.kind,
        series=row.series,
        series_number=row.series_number,
        catch_copy=row.catch_copy,
        themes=tuple(theme_key(t) for t in row.themes or ()),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        dates_estimated=row.dates_estimated,
        period_label=row.period_label,
        venue=row.venue,
        venue_access=row.venue_access,
        municipality=row.municipality,
        scope=row.scope,
        capacity=row.capacity,
        fee_yen=row.fee_yen,
        apply_how=row.apply_how,
        apply_by=row.apply_by,
        contact=row.contact,
        description=row.description,
        recurrence=row.recurrence,
        status=row.status,
        quantity_value=row.quantity_value,
        quantity_unit=row.quantity_unit,
        recipients=tuple(row.recipients or ()),
        detail=row.detail,
        qr_url=row.qr_url,
        image_path=row.image_path,
        chapter_id=row.chapter_id,
        version=row.version,
        partners=tuple(partners),
        lecturers=tuple(lecturers),
        occurrences=occurrences,
        counts=_sum_counts(groups.values(), row.capacity),
    )


def get_event(ctx: Context, event_id: str) -> EventView:
    """One event with everything about it."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        return _event_view(s, _load_event(s, event_id))


def _row_of(row: Event, occurrences: int, counts: RegistrationCounts) -> EventRow:
    return EventRow(
        id=row.id,
        title=row.title,
        series_label=series_label(row.series, row.series_number),
        kind=row.kind,
        kind_label=kind_label(row.kind),
        status=row.status,
        status_label=status_label(row.status),
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        dates_estimated=row.dates_estimated,
        period_label=row.period_label,
        venue=row.venue,
        recurrence=row.recurrence,
        occurrences=occurrences,
        capacity=row.capacity,
        registered=counts.registered,
        waitlisted=counts.waitlisted,
        attended=counts.attended,
        walk_ins=counts.walk_ins,
        fiscal_year=fiscal_year(row.starts_at.date()) if row.starts_at else None,
    )


def list_events(
    ctx: Context,
    fiscal_year: int | None = None,
    *,
    kind: str | None = None,
    status: str | None = None,
    query: str = "",
    chapter_id: str | None = None,
) -> list[EventRow]:
    """Events by date (undated ones last), optionally of one fiscal year, kind, status or
    chapter (`chapter_id`, at headquarters; None: every chapter's).

    An event belongs to a fiscal year when its date, or any of its dates, falls in it.
    """
    ctx.require(Permission.EVENTS_READ)
    stmt = select(Event).where(Event.deleted.is_(False))
    if chapter_id is not None:
        stmt = stmt.where(Event.chapter_id == chapter_id)
    if kind:
        stmt = stmt.where(Event.kind == kind)
    if status:
        stmt = stmt.where(Event.status == status)
    with ctx.db.transaction() as s:
        if fiscal_year is not None:
            first, last = fiscal_year_range(_check_fiscal_year(fiscal_year))
            lo = datetime.combine(first, time.min)
            hi = datetime.combine(last + timedelta(days=1), time.min)
            in_year = select(EventOccurrence.event_id).where(
                EventOccurrence.deleted.is_(False),
                EventOccurrence.starts_at >= lo,
                EventOccurrence.starts_at < hi,
            )
            stmt = stmt.where(
                or_(Event.id.in_(in_year), (Event.starts_at >= lo) & (Event.starts_at < hi))
            )
        events = list(s.scalars(stmt))
        occ_counts = dict(
            s.execute(
                select(EventOccurrence.event_id, func.count())
                .where(EventOccurrence.deleted.is_(False))
                .group_by(EventOccurrence.event_id)
            ).all()
        )
        counts: dict[str, dict[str, int]] = {}
        for event_id, reg_status, walk_in, attended, n in s.execute(
            select(
                Registration.event_id,
                Registration.status,
                Registration.walk_in,
                Registration.attended,
                func.count(),
            )
            .where(Registration.deleted.is_(False))
            .group_by(
                Registration.event_id,
                Registration.status,
                Registration.walk_in,
                Registration.attended,
            )
        ):
            _tally(counts.setdefault(event_id, {}), reg_status, walk_in, attended, n)
        rows = [
            _row_of(
                e,
                int(occ_counts.get(e.id, 0)),
                RegistrationCounts(capacity=e.capacity, **counts.get(e.id, {})),
            )
            for e in events
        ]
    terms = [search_fold(t) for t in query.split()]
    if terms:
        rows = [
            r
            for r in rows
            if all(t in search_fold(f"{r.title}\n{r.series_label}\n{r.venue}") for t in terms)
        ]
    rows.sort(key=lambda r: (r.starts_at is None, r.starts_at or datetime.min, r.title))
    return rows


def events_for_fiscal_year(ctx: Context, fy: int) -> list[EventRow]:
    """The events of fiscal year `fy` (April to March), by date."""
    return list_events(ctx, fy)


def fiscal_years(ctx: Context) -> list[int]:
    """The fiscal years that have events, newest first (for the year filter)."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        starts: list[datetime | None] = list(
            s.scalars(select(EventOccurrence.starts_at).where(EventOccurrence.deleted.is_(False)))
        )
        starts += s.scalars(
            select(Event.starts_at).where(Event.deleted.is_(False), Event.starts_at.is_not(None))
        ).all()
    return sorted({fiscal_year(d.date()) for d in starts if d is not None}, reverse=True)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve_event(ctx: Context, text: str) -> str:
    """An event id from any unique id prefix, the exact title, or the exact series label."""
    ctx.require(Permission.EVENTS_READ)
    wanted = text.strip()
    if not wanted:
        raise UserError(_("No event given."))
    with ctx.db.transaction() as s:
        by_id = list(
            s.scalars(
                select(Event.id)
                .where(
                    Event.deleted.is_(False),
                    Event.id.like(f"{_like_escape(wanted)}%", escape="\\"),
                )
                .limit(2)
            )
        )
        if len(by_id) == 1:
            return by_id[0]
        title = " ".join(wanted.split())
        found = [
            e.id
            for e in s.scalars(select(Event).where(Event.deleted.is_(False)))
            if e.title == title or series_label(e.series, e.series_number) == title
        ]
    if len(found) == 1:
        return found[0]
    if len(by_id) > 1 or len(found) > 1:
        raise UserError(_("More than one event matches “{text}”.").format(text=wanted))
    raise UserError(_("No event matches “{text}”.").format(text=wanted))


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


# --- import ----------------------------------------------------------------------------------

# Column names a spreadsheet may use (English key or Japanese heading) -> field.
IMPORT_COLUMNS: dict[str, str] = {
    "kind": "kind",
    "種類": "kind",
    "title": "title",
    "タイトル": "title",
    "名称": "title",
    "series": "series",
    "シリーズ": "series",
    "series_number": "series_number",
    "回": "series_number",
    "catch": "catch",
    "catch_copy": "catch",
    "キャッチコピー": "catch",
    "themes": "themes",
    "theme": "themes",
    "テーマ": "themes",
    "date": "date",
    "日付": "date",
    "開催日": "date",
    "start": "start",
    "開始": "start",
    "end": "end",
    "終了": "end",
    "months": "period_label",
    "period": "period_label",
    "時期": "period_label",
    "venue": "venue",
    "会場": "venue",
    "access": "access",
    "アクセス": "access",
    "municipality": "municipality",
    "市区町村": "municipality",
    "scope": "scope",
    "capacity": "capacity",
    "定員": "capacity",
    "fee": "fee",
    "参加費": "fee",
    "apply_how": "apply_how",
    "申込方法": "apply_how",
    "apply_by": "apply_by",
    "申込締切": "apply_by",
    "contact": "contact",
    "問合せ": "contact",
    "organisers": "organisers",
    "organizers": "organisers",
    "主催": "organisers",
    "co_hosts": "co_hosts",
    "共催": "co_hosts",
    "donor": "donors",
    "寄贈元": "donors",
    "lecturers": "lecturers",
    "講師": "lecturers",
    "status": "status",
    "状態": "status",
    "quantity": "quantity",
    "数量": "quantity",
    "unit": "unit",
    "単位": "unit",
    "recipients": "recipients",
    "寄贈先": "recipients",
    "recurrence": "recurrence",
    "繰り返し": "recurrence",
    "rule": "rule",
    "日程ルール": "rule",
    "fiscal_year": "fiscal_year",
    "年度": "fiscal_year",
    "description": "description",
    "内容": "description",
    "detail": "detail",
    "詳細": "detail",
}
KIND_WORDS = {
    "講座": "lecture",
    "学習会": "study_session",
    "交流会": "exchange_meeting",
    "カフェ": "community_cafe",
    "フードドライブ": "food_drive",
    "見学会": "site_tour",
    "ワークショップ": "workshop",
    "体験会": "workshop",
    "タウンミーティング": "town_meeting",
    "出展": "festival_booth",
    "寄贈": "donation",
    "その他": "other",
}
STATUS_WORDS = {"予定": PLANNED, "開催済み": HELD, "実施": HELD, "中止": CANCELLED}
_LIST_SPLIT = re.compile(r"\s*[;；、,，\n]\s*")
_LECTURER = re.compile(r"^(?P<name>[^（(]+?)\s*(?:[（(](?P<aff>.*)[）)])?$")


@dataclass
class EventImportReport:
    """What `import_events` did."""

    added: int = 0
    updated: int = 0
    organisations_added: int = 0
    lecturers_added: int = 0


@dataclass
class _Planned:
    """One event read from a file, before it is stored."""

    where: str
    data: EventInput
    organisers: list[tuple[str, str]]  # (name, role)
    lecturers: list[tuple[str, str]]  # (name, affiliation)
    rule: str = ""
    fiscal_year: int | None = None


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p for p in _LIST_SPLIT.split(str(value).strip()) if p]


def _as_int(value: object, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(what)
    if isinstance(value, float) and not value.is_integer():
        # nan, inf, 1e400 and 2.5 alike: no whole number of people or yen.
        raise UserError(_("“{value}” is not a whole number.").format(value=value))
    if isinstance(value, int | float):
        return int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    text = text.removesuffix("円").removesuffix("名").removesuffix("人")
    if text in ("無料", "free"):
        return 0
    digits = text.removeprefix("-")
    # 20 digits would overflow SQLite's 64 bits; 5,000 would stall int() itself.
    if not digits.isascii() or not digits.isdigit():
        raise UserError(_("“{value}” is not a whole number.").format(value=shown(str(value))))
    if len(digits) > 18:
        raise UserError(_("“{value}” is too large a number.").format(value=shown(str(value))))
    return int(text)


def _as_date(value: object) -> date | None:
    from app.dates import parse_date

    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if "T" in text or (len(text) > 10 and text[4] == "-" and text[10] == " "):
        return datetime.fromisoformat(text).date()
    return parse_date(text)


def _as_time(value: object) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, datetime):
        return value.time()
    text = unicodedata.normalize("NFKC", str(value)).strip()
    found = re.fullmatch(_TIME, text)
    if found is None:
        raise ValueError(text)
    parsed = _time(found.groups())
    if parsed is None:
        raise ValueError(text)
    return parsed


def _as_datetime(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(unicodedata.normalize("NFKC", str(value)).strip())


def _kind_of(value: object) -> str:
    text = str(value or "").strip()
    lowered = text.lower()
    if lowered in KINDS:
        return lowered
    if lowered in KIND_ALIASES:
        return KIND_ALIASES[lowered]
    if text in KIND_WORDS:
        return KIND_WORDS[text]
    for key, label in KINDS.items():
        if text in (label, _(label)):
            return key
    raise ValueError(text)


def _status_of(value: object) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    if text.lower() in STATUSES:
        return text.lower()
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    for key, label in STATUSES.items():
        if text in (label, _(label)):
            return key
    raise ValueError(text)


def _lecturers_of(value: object) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                name = str(item.get("name", "")).strip()
                if name:
                    out.append((name, str(item.get("affiliation", "")).strip()))
            elif str(item).strip():
                out.extend(_lecturers_of(str(item)))
        return out
    for part in _as_list(value):
        found = _LECTURER.match(part)
        if found:
            out.append((found["name"].strip(), (found["aff"] or "").strip()))
    return out


def _plan_item(item: dict[str, object], where: str, today: date) -> _Planned:
    """One event object (JSON) or row (spreadsheet, keys already mapped) as input."""
    get = item.get
    kind = _kind_of(get("kind"))
    day = _as_date(get("date"))
    starts = _as_datetime(get("starts_at"))
    ends = _as_datetime(get("ends_at"))
    if day is not None and starts is None:
        starts = datetime.combine(day, _as_time(get("start")) or time(0, 0))
        end_time = _as_time(get("end"))
        ends = datetime.combine(day, end_time) if end_time else None
    quantity = get("quantity")
    q_value: float | None = None
    q_unit = str(get("unit") or get("quantity_unit") or "").strip()
    if isinstance(quantity, dict):
        q_value = float(quantity["value"]) if quantity.get("value") is not None else None
        q_unit = str(quantity.get("unit", q_unit))
    elif quantity not in (None, ""):
        q_value = float(str(quantity).replace(",", ""))
    elif get("quantity_value") not in (None, ""):
        q_value = float(str(get("quantity_value")))
    q_unit = {"トン": "t", "個": "items", "点": "items"}.get(q_unit, q_unit)
    status = _status_of(get("status"))
    if status is None:
        status = HELD if starts is not None and starts.date() < today else PLANNED
    recurrence = str(get("recurrence") or NO_RECURRENCE).strip().lower()
    recurrence = {"毎月": MONTHLY, "": NO_RECURRENCE}.get(recurrence, recurrence)
    organisers: list[tuple[str, str]] = []
    for key, role in (
        ("organiser", "organiser"),
        ("organizer", "organiser"),
        ("organisers", "organiser"),
        ("organizers", "organiser"),
        ("co_hosts", "co_host"),
        ("co_host", "co_host"),
        ("donor", "donor"),
        ("donors", "donor"),
    ):
        organisers += [(name, role) for name in _as_list(get(key))]
    occurrences = tuple(
        OccurrenceInput(starts_at=d) for d in (_as_datetime(x) for x in _as_list(get("dates"))) if d
    )
    fy = _as_int(get("fiscal_year"), "fiscal_year")
    if fy is not None:
        _check_fiscal_year(fy)
    data = EventInput(
        title=str(get("title") or ""),
        kind=kind,
        series=str(get("series") or ""),
        series_number=_as_int(get("series_number"), "series_number"),
        catch_copy=str(get("catch") or get("catch_copy") or ""),
        themes=tuple(_as_list(get("themes")) + _as_list(get("theme"))),
        starts_at=starts,
        ends_at=ends,
        period_label=str(get("period_label") or get("months") or ""),
        venue=str(get("venue") or ""),
        venue_access=str(get("access") or get("venue_access") or ""),
        municipality=str(get("municipality") or ""),
        scope=str(get("scope") or "chapter"),
        capacity=_as_int(get("capacity"), "capacity"),
        fee_yen=_as_int(get("fee") if get("fee") is not None else get("fee_yen"), "fee"),
        apply_how=str(get("apply_how") or ""),
        apply_by=_as_date(get("apply_by")),
        contact=str(get("contact") or ""),
        description=str(get("description") or ""),
        recurrence=recurrence,
        status=status,
        quantity_value=q_value,
        quantity_unit=q_unit if q_value is not None else "",
        recipients=tuple(_as_list(get("recipients"))),
        detail=str(get("detail") or ""),
        occurrences=occurrences,
    )
    return _Planned(
        where=where,
        data=data,
        organisers=organisers,
        lecturers=_lecturers_of(get("lecturers")),
        rule=str(get("rule") or ""),
        fiscal_year=fy,
    )


def _read_rows(path: Path) -> tuple[list[tuple[str, dict[str, object]]], dict[str, str]]:
    """(where, item) per event from a JSON, CSV or XLSX file, and organisation kinds named."""
    import json

    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(_("Cannot read {path}: {reason}").format(path=path, reason=exc)) from None
    if suffix == ".json":
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(
                _("{path} is not a JSON file: {reason}").format(path=path.name, reason=exc)
            ) from None
        kinds: dict[str, str] = {}
        if isinstance(doc, dict):
            for org in doc.get("organizations") or doc.get("organisations") or []:
                if isinstance(org, dict) and org.get("name"):
                    kinds[str(org["name"])] = str(org.get("kind", "other"))
                    if org.get("short"):
                        kinds[str(org["short"])] = str(org.get("kind", "other"))
            items = doc.get("activities", doc.get("events", []))
        else:
            items = doc
        if not isinstance(items, list):
            raise UserError(_("{path} holds no list of events.").format(path=path.name))
        return [
            (_("Event {n}").format(n=n), item if isinstance(item, dict) else {})
            for n, item in enumerate(items, start=1)
        ], kinds
    from app.roster_files.reading import MAX_COLUMNS, check_size, check_text, check_workbook

    if suffix in (".csv", ".txt"):
        import csv
        import io

        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(_("{path} is neither UTF-8 nor Shift_JIS.").format(path=path.name))
        check_text(text, path.name)
        table = []
        for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            check_size(line, cells, path.name)
            table.append(cells)
    elif suffix == ".xlsx":
        import openpyxl

        check_workbook(path)
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise UserError(
                _("{path} is not an Excel workbook: {reason}").format(path=path.name, reason=exc)
            ) from None
        sheet = book.worksheets[0]
        table = []
        try:
            for line, values in enumerate(
                sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), start=1
            ):
                cells = ["" if v is None else v for v in values]
                check_size(line, [str(v) for v in cells], path.name)
                table.append(cells)
        finally:
            book.close()
    else:
        raise UserError(
            _("{path}: events are imported from .json, .csv or .xlsx files.").format(path=path.name)
        )
    if not table:
        return [], {}
    header = [
        IMPORT_COLUMNS.get(str(h).strip().lower(), IMPORT_COLUMNS.get(str(h).strip(), ""))
        for h in table[0]
    ]
    if "title" not in header or "kind" not in header:
        raise UserError(_("The first row must name the columns; “kind” and “title” are needed."))
    rows: list[tuple[str, dict[str, object]]] = []
    for n, values in enumerate(table[1:], start=2):
        if all(str(v).strip() == "" for v in values):
            continue
        item: dict[str, object] = {
            key: value for key, value in zip(header, values, strict=False) if key
        }
        rows.append((_("Line {line}").format(line=n), item))
    return rows, {}


def import_events(ctx: Context, path: Path, today: date | None = None) -> EventImportReport:
    """Import events from a JSON, CSV or XLSX file (format: app/commands_events.py), whole or
    not at all. An event already present (same title, number and date) is updated; named
    organisations and lecturers missing from the directories are added."""
    ctx.require(Permission.EVENTS_WRITE)
    today = today or date.today()
    items, org_kinds = _read_rows(path)
    problems: list[str] = []
    planned: list[_Planned] = []
    for where, item in items:
        try:
            plan = _plan_item(item, where, today)
            if plan.rule and plan.data.recurrence == MONTHLY and not plan.data.occurrences:
                fy = plan.fiscal_year or fiscal_year(
                    plan.data.starts_at.date() if plan.data.starts_at else today
                )
                plan.data = replace(
                    plan.data,
                    occurrences=tuple(monthly_dates(plan.rule, fy)),
                    period_label=plan.data.period_label or plan.rule,
                )
            plan.data = normalise_event(plan.data)
            planned.append(plan)
        except UserError as exc:
            problems.append(f"{where}: {exc.message}")
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(
                _("{where}: cannot read the value “{value}”.").format(where=where, value=exc)
            )
    if problems:
        raise UserError(
            _("The file was not imported: {count} events have problems.").format(
                count=len(problems)
            ),
            details=problems,
        )
    from app.partners import lecturer_for_name, organisation_for_name

    report = EventImportReport()
    with ctx.db.transaction() as s:
        existing = list(s.scalars(select(Event).where(Event.deleted.is_(False))))

        def key(title: str, number: int | None, when: datetime | None) -> tuple[object, ...]:
            return (title, number, when.date() if when else None)

        by_key = {key(e.title, e.series_number, e.starts_at): e for e in existing}
        org_before = s.scalar(select(func.count()).select_from(Organisation)) or 0
        lec_before = s.scalar(select(func.count()).select_from(Lecturer)) or 0
        for plan in planned:
            links = tuple(
                PartnerLink(organisation_for_name(s, name, org_kinds.get(name, "other")).id, role)
                for name, role in plan.organisers
            )
            lecturer_ids = tuple(lecturer_for_name(s, n, a).id for n, a in plan.lecturers)
            data = replace(plan.data, partners=links, lecturer_ids=lecturer_ids)
            row = by_key.get(key(data.title, data.series_number, data.starts_at))
            if row is None:
                row = Event(title=data.title)
                row.chapter_id = ctx.db.chapter_id
                s.add(row)
                s.flush()
                by_key[key(data.title, data.series_number, data.starts_at)] = row
                report.added += 1
            else:
                report.updated += 1
            _apply_event(s, row, data)
        s.flush()
        report.organisations_added = (
            s.scalar(select(func.count()).select_from(Organisation)) or 0
        ) - org_before
        report.lecturers_added = (
            s.scalar(select(func.count()).select_from(Lecturer)) or 0
        ) - lec_before
    return report


# When a chapter's lectures and cafés usually begin, before it has any of its own.
DEFAULT_START = time(13, 30)
DEFAULT_LENGTH = timedelta(hours=2)


def usual_time(ctx: Context, kind: str) -> tuple[time, time]:
    """The start and end a new event of `kind` most likely has: the commonest among this
    chapter's events of that kind, else among all its events, else 13:30–15:30."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        for condition in (Event.kind == kind, Event.kind.is_not(None)):
            rows = s.execute(
                select(Event.starts_at, Event.ends_at)
                .where(Event.deleted.is_(False), Event.starts_at.is_not(None), condition)
                .order_by(Event.starts_at.desc())
                .limit(200)
            ).all()
            starts = [r.starts_at.time() for r in rows if r.starts_at.time() != time(0, 0)]
            if starts:
                start = max(set(starts), key=lambda t: (starts.count(t), t))
                lengths = [
                    r.ends_at - r.starts_at
                    for r in rows
                    if r.ends_at and r.starts_at.time() == start and r.ends_at > r.starts_at
                ]
                length = max(set(lengths), key=lengths.count) if lengths else DEFAULT_LENGTH
                end = (datetime.combine(date(2000, 1, 1), start) + length).time()
                return start, end if end > start else time(23, 59)
    end = (datetime.combine(date(2000, 1, 1), DEFAULT_START) + DEFAULT_LENGTH).time()
    return DEFAULT_START, end
