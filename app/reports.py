"""The year at a glance: the annual activity report, its statistics, and the home page's list.

Report data is read straight from db/models.py with this module's own queries, so it does not
move when the event, watch-over or sync services change. A report holds no personal data:
members and people under watch appear only as counts. Lecturers and organisations are named,
as in the co-ops' own printed yearly report.

The home page is different: it is a coordinator's to-do list and does name people, and it
asks the other services (watch-over, sync, backups) through small adapters that say "not
available yet" while a service is missing.
"""

from __future__ import annotations

import importlib
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.chapter import ChapterChoice, known_chapters, resolve_chapter
from app.context import Context, Permission
from app.dates import MONTHS_EN, WEEKDAYS_EN, WEEKDAYS_JA, fiscal_year, fiscal_year_range, show_date
from app.dates import format_fiscal_year as _format_fiscal_year
from app.errors import PermissionDenied, UserError
from app.events import KIND_ALIASES, KINDS, THEME_ALIASES, THEMES
from app.i18n import N_, current_language
from app.i18n import gettext as _
from db.models import (
    Chapter,
    Event,
    EventLecturer,
    EventOccurrence,
    EventPartner,
    FollowUp,
    Lecturer,
    Member,
    Organisation,
    Registration,
    Visit,
    WatchedPerson,
)

GROUP_BY_MONTH = "month"
GROUP_BY_CHAPTER = "chapter"
GROUP_CHOICES = (GROUP_BY_MONTH, GROUP_BY_CHAPTER)

CITY_WIDE = "city-wide"
CANCELLED = "cancelled"

NO_THEME = ""
ORGANISATION_KINDS: dict[str, str] = {
    "coop": N_("Co-op"),
    "coop_federation": N_("Co-op federation"),
    "medical_coop": N_("Medical co-op"),
    "social_welfare_council": N_("Social welfare council"),
    "food_bank": N_("Food bank / pantry"),
    "npo": N_("NPO"),
    "municipality": N_("Municipal office"),
    "support_centre": N_("Community support centre"),
    "community_group": N_("Community group"),
    "company": N_("Company"),
    "other": N_("Other"),
}
CONNECTION_ROLES: dict[str, str] = {
    "organiser": N_("Organiser"),
    "co_host": N_("Co-host"),
    "supporter": N_("Supporter"),
    "donor": N_("Donor"),
    "recipient": N_("Recipient"),
    "lecturer": N_("Lecturer's organisation"),
}
VISIT_METHODS: dict[str, str] = {
    "visit": N_("Home visit"),
    "phone": N_("Phone call"),
    "outside": N_("Seen from outside"),
    "delivery": N_("At delivery"),
}
VISIT_OUTCOMES: dict[str, str] = {
    "no_change": N_("No change"),
    "watch": N_("Something to watch"),
    "contact": N_("Contact needed"),
    "emergency": N_("Emergency"),
}
FOLLOW_UP_URGENCIES: dict[str, str] = {
    "contact": N_("Contact needed"),
    "emergency": N_("Emergency"),
}
END_REASONS: dict[str, str] = {
    "moved": N_("Moved away"),
    "in_care": N_("Moved into care"),
    "hospital": N_("In hospital"),
    "died": N_("Died"),
    "withdrew": N_("Withdrew"),
}
# Quantities of food drives and donations, normalised to kilograms.
KG_PER_UNIT = {"kg": 1.0, "t": 1000.0, "g": 0.001}


def _label(codes: dict[str, str], code: str) -> str:
    return _(codes[code]) if code in codes else code


def kind_label(kind: str) -> str:
    """The kind of an event in the current language."""
    return _label(KINDS, KIND_ALIASES.get(kind, kind))


def theme_key(text: str) -> str:
    """The stored key of a theme given as key or Japanese word; else as typed."""
    text = " ".join(text.split())
    if text in THEMES:
        return text
    return THEME_ALIASES.get(text, text)


def theme_label(theme: str) -> str:
    """A theme in the current language ("No theme" for the empty key)."""
    if theme == NO_THEME:
        return _("No theme")
    key = theme_key(theme)
    return _(THEMES[key]) if key in THEMES else theme


def series_label(series: str, number: int | None) -> str:
    """まちづくり講座 第18講 (a 講座 counts 講, anything else 回)."""
    series = series.strip()
    if number is None:
        return series
    counter = "講" if series.endswith("講座") else "回"
    return f"{series} 第{number}{counter}".strip()


def format_fiscal_year(fy: int) -> str:
    """令和4年度 in Japanese, FY2022 in English."""
    return _format_fiscal_year(fy, "ja" if current_language() == "ja" else "en")


def month_label(year: int, month: int) -> str:
    """2022年4月 / Apr 2022."""
    if current_language() == "ja":
        return f"{year}年{month}月"
    return f"{MONTHS_EN[month - 1]} {year}"


def short_month_label(month: int) -> str:
    """4月 / Apr: the month axis of a chart."""
    return f"{month}月" if current_language() == "ja" else MONTHS_EN[month - 1]


def day_label(d: date) -> str:
    """2022年6月19日(日) / Sun 19 Jun 2022, without the era (a report page is dense)."""
    if current_language() == "ja":
        return f"{d.year}年{d.month}月{d.day}日({WEEKDAYS_JA[d.weekday()]})"
    return f"{WEEKDAYS_EN[d.weekday()]} {d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def format_quantity(kg: float) -> str:
    """A weight in the larger unit that keeps it readable: 26 t, 850 kg, 1.25 t."""
    if kg >= 1000:
        value, unit = kg / 1000, "t"
    else:
        value, unit = kg, "kg"
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def fiscal_months(fy: int) -> list[tuple[int, int]]:
    """(year, month) of the twelve months of fiscal year `fy`, April first."""
    return [(fy if m >= 4 else fy + 1, m) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LecturerLine:
    """A lecturer as printed: 出野 紀子さん（Studio-L）."""

    name: str
    affiliation: str
    title: str = ""


@dataclass(frozen=True)
class ActivityRow:
    """One activity of the year, as the report prints it. No personal data."""

    id: str
    kind: str
    kind_label: str
    catch_copy: str
    title: str
    series_label: str
    themes: tuple[str, ...]  # theme keys (or the text as typed)
    theme_labels: tuple[str, ...]
    first_date: date
    dates: tuple[date, ...]  # the dates held inside the fiscal year
    ends_on: date | None
    dates_estimated: bool
    period_label: str
    recurrence: str
    status: str
    venue: str
    municipality: str
    chapter_name: str
    scope: str
    group_key: str
    group_label: str
    lecturers: tuple[LecturerLine, ...]
    organisers: tuple[str, ...]
    co_hosts: tuple[str, ...]
    supporters: tuple[str, ...]
    donors: tuple[str, ...]
    recipients: tuple[str, ...]
    detail: str
    quantity_kg: float | None
    quantity_text: str
    registered: int | None  # None: no registrations were taken for it
    attended: int | None
    walk_ins: int
    attended_registered: int

    @property
    def participants(self) -> int:
        """People who took part (0 when nobody was counted)."""
        return self.attended or 0

    @property
    def is_monthly(self) -> bool:
        """Held on many dates (a monthly café)."""
        return self.recurrence == "monthly" or len(self.dates) > 1


@dataclass(frozen=True)
class ActivityGroup:
    """A month, a chapter or a municipality, with its activities in date order."""

    key: str
    label: str
    activities: tuple[ActivityRow, ...]


@dataclass(frozen=True)
class ThemeLine:
    """A theme of the year: how many activities, people and kilograms it gathered."""

    key: str
    label: str
    activities: int
    participants: int
    quantity_kg: float
    quantity_text: str


@dataclass(frozen=True)
class Connection:
    """An organisation worked with for the first time this year (no earlier event)."""

    organisation: str
    kind_label: str
    roles: tuple[str, ...]
    first_activity: str
    first_date: date


@dataclass(frozen=True)
class CountLine:
    """A code, its label and a count (anonymous figures)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class WatchFigures:
    """Watch-over in numbers only: never a name, an address or a note."""

    people_under_watch: int
    people_started: int
    people_ended: int
    ended_by_reason: tuple[CountLine, ...]
    visits: int
    visits_by_method: tuple[CountLine, ...]
    visits_by_outcome: tuple[CountLine, ...]
    follow_ups_opened: int
    follow_ups_by_urgency: tuple[CountLine, ...]
    follow_ups_closed: int
    follow_ups_open_at_year_end: int


@dataclass(frozen=True)
class MonthStat:
    """One month of the fiscal year in numbers."""

    year: int
    month: int
    label: str
    short_label: str
    events: int  # dates held (a monthly café counts once a month)
    participants: int
    visits: int
    follow_ups: int
    members_joined: int
    members_retired: int


@dataclass(frozen=True)
class GroupStat:
    """Activities and participants for one kind or one theme."""

    key: str
    label: str
    activities: int
    participants: int


@dataclass(frozen=True)
class ReportStats:
    """The year's statistics; every total equals the sum of its rows."""

    fiscal_year: int
    fiscal_year_label: str
    scope_label: str
    activities: int
    event_dates: int
    participants: int
    registered: int
    attended_registered: int
    attendance_rate: float | None  # attended / registered, walk-ins aside
    quantity_kg: float
    visits: int
    follow_ups: int
    members_joined: int
    members_retired: int
    months: tuple[MonthStat, ...]
    by_kind: tuple[GroupStat, ...]
    by_theme: tuple[GroupStat, ...]


@dataclass(frozen=True)
class AnnualReport:
    """The annual activity report of one fiscal year (令和4年度 まちづくり活動報告)."""

    fiscal_year: int
    fiscal_year_label: str
    title: str
    scope_label: str
    chapter_filter: str | None
    group_by: str
    first_day: date
    last_day: date
    groups: tuple[ActivityGroup, ...]
    themes: tuple[ThemeLine, ...]
    quantity_kg: float
    quantity_text: str
    connections: tuple[Connection, ...]
    watch: WatchFigures
    stats: ReportStats
    any_estimated: bool
    made_on: date

    @property
    def activities(self) -> list[ActivityRow]:
        """Every activity, in group order."""
        return [a for g in self.groups for a in g.activities]


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


# --- activities --------------------------------------------------------------------------------


def _quantity_kg(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    factor = KG_PER_UNIT.get(unit.strip().lower())
    return None if factor is None else value * factor


def _quantity_text(value: float | None, unit: str) -> str:
    kg = _quantity_kg(value, unit)
    if kg is not None:
        return format_quantity(kg)
    if value is None:
        return ""
    number = f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{number} {unit}".strip()


@dataclass
class _Attendance:
    registered: int = 0
    attended: int = 0
    walk_ins: int = 0
    attended_registered: int = 0
    any: bool = False
    by_month: Counter[tuple[int, int]] = field(default_factory=Counter)


def _attendance(
    s: Session, refs: dict[str, _EventRef], first: date, last: date
) -> dict[str, _Attendance]:
    """Registrations of the year per event: only counts, never who."""
    ids = list(refs)
    occ_dates: dict[str, date] = {}
    out: dict[str, _Attendance] = defaultdict(_Attendance)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for date_id, starts in s.execute(
            select(EventOccurrence.id, EventOccurrence.starts_at).where(
                EventOccurrence.event_id.in_(chunk)
            )
        ):
            occ_dates[date_id] = starts.date()
        stmt = select(
            Registration.event_id,
            Registration.occurrence_id,
            Registration.status,
            Registration.attended,
            Registration.walk_in,
        ).where(Registration.deleted.is_(False), Registration.event_id.in_(chunk))
        for event_id, occ_id, status, attended, walk_in in s.execute(stmt):
            ref = refs[event_id]
            when: date | None = occ_dates.get(occ_id or "")
            if when is None and ref.starts_at is not None:
                when = ref.starts_at.date()
            if when is None and ref.dates:
                when = ref.dates[0]
            if when is None or not first <= when <= last or status == CANCELLED:
                continue
            a = out[event_id]
            a.any = True
            if walk_in:
                a.walk_ins += 1
            elif status == "registered":
                a.registered += 1
                if attended:
                    a.attended_registered += 1
            if attended:
                a.attended += 1
                a.by_month[(when.year, when.month)] += 1
    return out


@dataclass(frozen=True)
class _Org:
    id: str
    name: str
    short_name: str
    kind: str

    @property
    def shown(self) -> str:
        """The name as the report prints it: the short form people use (日本生協連)."""
        return self.short_name or self.name


@dataclass(frozen=True)
class _Lec:
    name: str
    affiliation: str
    title: str
    organisation_id: str | None


def _organisations(s: Session) -> dict[str, _Org]:
    # Plain columns, not ORM objects: headquarters reads thousands of these per report.
    stmt = select(
        Organisation.id, Organisation.name, Organisation.short_name, Organisation.kind
    ).where(Organisation.deleted.is_(False))
    return {row.id: _Org(row.id, row.name, row.short_name, row.kind) for row in s.execute(stmt)}


def _chunks(ids: Sequence[str] | None) -> Iterable[list[str] | None]:
    """IN-lists of at most 500 ids; one None (no filter) for every row."""
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), 500):
        yield list(ids[start : start + 500])


def _partners(s: Session, ids: Sequence[str] | None) -> dict[str, list[tuple[str, str]]]:
    """(role, organisation id) per event, in the order entered; `ids` None: every event."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for chunk in _chunks(ids):
        stmt = (
            select(EventPartner.event_id, EventPartner.role, EventPartner.organisation_id)
            .where(EventPartner.deleted.is_(False))
            .order_by(EventPartner.event_id, EventPartner.position)
        )
        if chunk is not None:
            stmt = stmt.where(EventPartner.event_id.in_(chunk))
        for event_id, role, org_id in s.execute(stmt):
            out[event_id].append((role, org_id))
    return out


def _lecturers(s: Session, ids: Sequence[str] | None) -> dict[str, list[_Lec]]:
    """The lecturers per event, in the order entered; `ids` None: every event."""
    out: dict[str, list[_Lec]] = defaultdict(list)
    for chunk in _chunks(ids):
        stmt = (
            select(
                EventLecturer.event_id,
                Lecturer.family_name,
                Lecturer.given_name,
                Lecturer.affiliation,
                Lecturer.title,
                Lecturer.organisation_id,
            )
            .join(Lecturer, Lecturer.id == EventLecturer.lecturer_id)
            .where(EventLecturer.deleted.is_(False))
            .order_by(EventLecturer.event_id, EventLecturer.position)
        )
        if chunk is not None:
            stmt = stmt.where(EventLecturer.event_id.in_(chunk))
        for event_id, family, given, affiliation, title, org_id in s.execute(stmt):
            name = " ".join(p for p in (family, given) if p)
            out[event_id].append(_Lec(name, affiliation, title, org_id))
    return out


def _rows(
    s: Session, refs: dict[str, _EventRef], first: date, last: date
) -> tuple[list[ActivityRow], dict[str, _Attendance]]:
    in_year = {
        ref.id: [d for d in ref.dates if first <= d <= last]
        for ref in refs.values()
        if any(first <= d <= last for d in ref.dates)
    }
    ids = list(in_year)
    orgs = _organisations(s)
    partners = _partners(s, ids)
    lecturers = _lecturers(s, ids)
    attendance = _attendance(s, {i: refs[i] for i in ids}, first, last)
    events: dict[str, Event] = {}
    for start in range(0, len(ids), 500):
        for ev in s.scalars(select(Event).where(Event.id.in_(ids[start : start + 500]))):
            events[ev.id] = ev
    rows: list[ActivityRow] = []
    for event_id, dates in in_year.items():
        ev, ref = events[event_id], refs[event_id]
        roles: dict[str, list[str]] = defaultdict(list)
        for role, org_id in partners.get(event_id, []):
            if org_id in orgs:
                roles[role].append(orgs[org_id].shown)
        att = attendance.get(event_id)
        kg = _quantity_kg(ev.quantity_value, ev.quantity_unit)
        themes = tuple(theme_key(t) for t in ev.themes or [] if t.strip())
        rows.append(
            ActivityRow(
                id=ev.id,
                kind=KIND_ALIASES.get(ev.kind, ev.kind),
                kind_label=kind_label(ev.kind),
                catch_copy=ev.catch_copy,
                title=ev.title,
                series_label=series_label(ev.series, ev.series_number),
                themes=themes,
                theme_labels=tuple(theme_label(t) for t in themes),
                first_date=dates[0],
                dates=tuple(dates),
                ends_on=ev.ends_at.date() if ev.ends_at else None,
                dates_estimated=ev.dates_estimated,
                period_label=ev.period_label,
                recurrence=ev.recurrence,
                status=ev.status,
                venue=ev.venue,
                municipality=ev.municipality,
                chapter_name=ref.chapter_name,
                scope=ev.scope,
                group_key=ref.group_key,
                group_label=ref.group_label,
                lecturers=tuple(
                    LecturerLine(lec.name, lec.affiliation, lec.title)
                    for lec in lecturers.get(event_id, [])
                ),
                organisers=tuple(roles["organiser"]),
                co_hosts=tuple(roles["co_host"]),
                supporters=tuple(roles["supporter"]),
                donors=tuple(roles["donor"]),
                recipients=tuple(roles["recipient"]) + tuple(ev.recipients or ()),
                detail=ev.detail,
                quantity_kg=kg,
                quantity_text=_quantity_text(ev.quantity_value, ev.quantity_unit),
                registered=att.registered if att and att.any else None,
                attended=att.attended if att and att.any else None,
                walk_ins=att.walk_ins if att else 0,
                attended_registered=att.attended_registered if att else 0,
            )
        )
    rows.sort(key=lambda r: (r.first_date, r.title))
    return rows, attendance


def _group(rows: Sequence[ActivityRow], group_by: str) -> tuple[ActivityGroup, ...]:
    buckets: dict[str, list[ActivityRow]] = defaultdict(list)
    labels: dict[str, str] = {}
    if group_by == GROUP_BY_MONTH:
        for r in rows:
            key = f"{r.first_date.year:04d}-{r.first_date.month:02d}"
            buckets[key].append(r)
            labels[key] = month_label(r.first_date.year, r.first_date.month)
        order = sorted(buckets)
    else:
        for r in rows:
            buckets[r.group_key].append(r)
            labels[r.group_key] = r.group_label
            if r.group_key.startswith("municipality:"):
                labels[r.group_key] = _("{municipality} (a new municipality)").format(
                    municipality=r.group_label
                )

        def rank(key: str) -> tuple[int, date, str]:
            # City-wide first, then new municipalities, then the chapters: the seed's order.
            kind = 0 if key == CITY_WIDE else 1 if key.startswith("municipality:") else 2
            return kind, buckets[key][0].first_date, labels[key]

        order = sorted(buckets, key=rank)
    return tuple(ActivityGroup(k, labels[k], tuple(buckets[k])) for k in order)


def _themes(rows: Sequence[ActivityRow]) -> tuple[ThemeLine, ...]:
    counts: Counter[str] = Counter()
    people: Counter[str] = Counter()
    kg: defaultdict[str, float] = defaultdict(float)
    for r in rows:
        for t in r.themes:
            counts[t] += 1
            people[t] += r.participants
            kg[t] += r.quantity_kg or 0.0
    ordered = sorted(counts, key=lambda t: (-counts[t], theme_label(t)))
    return tuple(
        ThemeLine(
            key=t,
            label=theme_label(t),
            activities=counts[t],
            participants=people[t],
            quantity_kg=kg[t],
            quantity_text=format_quantity(kg[t]) if kg[t] else "",
        )
        for t in ordered
    )


def _connections(
    s: Session, refs: dict[str, _EventRef], first: date, last: date
) -> tuple[Connection, ...]:
    """Organisations whose earliest event in scope falls in the year: partners (any role),
    lecturers' organisations (or their affiliation as written), and named recipients."""
    first_date: dict[str, tuple[date, str]] = {}
    roles: dict[str, set[str]] = defaultdict(set)
    names: dict[str, tuple[str, str]] = {}
    titles: dict[str, str] = {}
    recipients: dict[str, list[str]] = {}
    for event_id, title, named in s.execute(
        select(Event.id, Event.title, Event.recipients).where(Event.deleted.is_(False))
    ):
        if event_id in refs and refs[event_id].dates:
            titles[event_id] = title
            recipients[event_id] = list(named or [])
    orgs = _organisations(s)
    by_name: dict[str, _Org] = {}
    for o in orgs.values():
        by_name.setdefault(o.name, o)
        if o.short_name:
            by_name.setdefault(o.short_name, o)

    def note(key: str, name: str, kind: str, event_id: str, role: str) -> None:
        if event_id not in titles:
            return  # another chapter's event, or one without a date
        when = refs[event_id].dates[0]
        names.setdefault(key, (name, kind))
        if key not in first_date or (when, titles.get(event_id, "")) < first_date[key]:
            first_date[key] = (when, titles.get(event_id, ""))
        if first <= when <= last:
            roles[key].add(role)

    for event_id, pairs in _partners(s, None).items():
        for role, org_id in pairs:
            partner = orgs.get(org_id)
            if partner is not None:
                note(partner.id, partner.name, partner.kind, event_id, role)
    for event_id, lecs in _lecturers(s, None).items():
        for lec in lecs:
            org = orgs.get(lec.organisation_id or "")
            if org is not None:
                note(org.id, org.name, org.kind, event_id, "lecturer")
            elif lec.affiliation.strip():
                text = lec.affiliation.strip()
                note(f"text:{text}", text, "", event_id, "lecturer")
    for event_id, named in recipients.items():
        for text in named:
            named_org = by_name.get(text.strip())
            if named_org is not None:
                note(named_org.id, named_org.name, named_org.kind, event_id, "recipient")
    found = []
    for key, (when, title) in first_date.items():
        if first <= when <= last:
            name, kind = names[key]
            found.append(
                Connection(
                    organisation=name,
                    kind_label=_label(ORGANISATION_KINDS, kind) if kind else "",
                    roles=tuple(
                        _label(CONNECTION_ROLES, r) for r in CONNECTION_ROLES if r in roles[key]
                    ),
                    first_activity=title,
                    first_date=when,
                )
            )
    found.sort(key=lambda c: (c.first_date, c.organisation))
    return tuple(found)


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


# --- the report ----------------------------------------------------------------------------------


def _check_year(fy: int) -> None:
    if not 1900 <= fy <= 2200:
        raise UserError(_("{year} is not a fiscal year Tsunagu can report on.").format(year=fy))


def _stats(
    fy: int,
    scope_label: str,
    rows: Sequence[ActivityRow],
    attendance: dict[str, _Attendance],
    watch: WatchFigures,
    visits: Counter[tuple[int, int]],
    follows: Counter[tuple[int, int]],
    joined: Counter[tuple[int, int]],
    retired: Counter[tuple[int, int]],
) -> ReportStats:
    dates_by_month: Counter[tuple[int, int]] = Counter()
    people_by_month: Counter[tuple[int, int]] = Counter()
    for r in rows:
        for d in r.dates:
            dates_by_month[(d.year, d.month)] += 1
        att = attendance.get(r.id)
        if att is not None:
            people_by_month.update(att.by_month)
    months = tuple(
        MonthStat(
            year=y,
            month=m,
            label=month_label(y, m),
            short_label=short_month_label(m),
            events=dates_by_month[(y, m)],
            participants=people_by_month[(y, m)],
            visits=visits[(y, m)],
            follow_ups=follows[(y, m)],
            members_joined=joined[(y, m)],
            members_retired=retired[(y, m)],
        )
        for y, m in fiscal_months(fy)
    )
    kinds: Counter[str] = Counter()
    kind_people: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    theme_people: Counter[str] = Counter()
    for r in rows:
        kinds[r.kind] += 1
        kind_people[r.kind] += r.participants
        for t in r.themes or (NO_THEME,):
            themes[t] += 1
            theme_people[t] += r.participants
    by_kind = tuple(
        GroupStat(k, kind_label(k), kinds[k], kind_people[k])
        for k in sorted(kinds, key=lambda k: (-kinds[k], kind_label(k)))
    )
    by_theme = tuple(
        GroupStat(t, theme_label(t), themes[t], theme_people[t])
        for t in sorted(themes, key=lambda t: (t == NO_THEME, -themes[t], theme_label(t)))
    )
    registered = sum((a.registered for a in attendance.values()), 0)
    attended_registered = sum((a.attended_registered for a in attendance.values()), 0)
    return ReportStats(
        fiscal_year=fy,
        fiscal_year_label=format_fiscal_year(fy),
        scope_label=scope_label,
        activities=len(rows),
        event_dates=sum(len(r.dates) for r in rows),
        participants=sum(r.participants for r in rows),
        registered=registered,
        attended_registered=attended_registered,
        attendance_rate=attended_registered / registered if registered else None,
        quantity_kg=sum(r.quantity_kg or 0.0 for r in rows),
        visits=watch.visits,
        follow_ups=watch.follow_ups_opened,
        members_joined=sum(joined.values()),
        members_retired=sum(retired.values()),
        months=months,
        by_kind=by_kind,
        by_theme=by_theme,
    )


def annual_report(
    ctx: Context,
    fy: int,
    group_by: str = GROUP_BY_MONTH,
    chapter: str | None = None,
    today: date | None = None,
) -> AnnualReport:
    """The fiscal year's report: activities (by month or by chapter/municipality), themes and
    quantities, new connections, watch-over counts and statistics. `chapter` is a chapter's
    name or id prefix (headquarters reports on one chapter)."""
    ctx.require(Permission.REPORTS_READ)
    _check_year(fy)
    if group_by not in GROUP_CHOICES:
        raise UserError(
            _("Group the report by one of: {choices}").format(choices=", ".join(GROUP_CHOICES))
        )
    chosen = resolve_chapter(ctx, chapter) if chapter else None
    chapter_id = chosen.id if chosen else None
    first, last = fiscal_year_range(fy)
    with ctx.db.transaction() as s:
        refs = _event_refs(s, chapter_id)
        rows, attendance = _rows(s, refs, first, last)
        connections = _connections(s, refs, first, last)
        watch, visits, follows = _watch(s, first, last, chapter_id)
        joined, retired = _members(s, first, last, chapter_id)
        scope = _scope_label(ctx, s, chosen)
    stats = _stats(fy, scope, rows, attendance, watch, visits, follows, joined, retired)
    fy_label = format_fiscal_year(fy)
    return AnnualReport(
        fiscal_year=fy,
        fiscal_year_label=fy_label,
        title=_("{year} community-building activity report").format(year=fy_label),
        scope_label=scope,
        chapter_filter=chosen.name if chosen else None,
        group_by=group_by,
        first_day=first,
        last_day=last,
        groups=_group(rows, group_by),
        themes=_themes(rows),
        quantity_kg=stats.quantity_kg,
        quantity_text=format_quantity(stats.quantity_kg) if stats.quantity_kg else "",
        connections=connections,
        watch=watch,
        stats=stats,
        any_estimated=any(r.dates_estimated for r in rows),
        made_on=today or date.today(),
    )


def report_stats(ctx: Context, fy: int, chapter: str | None = None) -> ReportStats:
    """Only the statistics of `annual_report` (for `reports stats` and the XLSX export)."""
    return annual_report(ctx, fy, GROUP_BY_MONTH, chapter).stats


# --- statistics out: JSON and XLSX ------------------------------------------------------------


def stats_as_dict(stats: ReportStats) -> dict[str, Any]:
    """The statistics as plain JSON-ready data (`reports stats --json`)."""
    return {
        "fiscal_year": stats.fiscal_year,
        "fiscal_year_label": stats.fiscal_year_label,
        "scope": stats.scope_label,
        "activities": stats.activities,
        "event_dates": stats.event_dates,
        "participants": stats.participants,
        "registered": stats.registered,
        "attended_registered": stats.attended_registered,
        "attendance_rate": None
        if stats.attendance_rate is None
        else round(stats.attendance_rate, 4),
        "quantity_kg": stats.quantity_kg,
        "visits": stats.visits,
        "follow_ups": stats.follow_ups,
        "members_joined": stats.members_joined,
        "members_retired": stats.members_retired,
        "months": [
            {
                "month": f"{m.year:04d}-{m.month:02d}",
                "events": m.events,
                "participants": m.participants,
                "visits": m.visits,
                "follow_ups": m.follow_ups,
                "members_joined": m.members_joined,
                "members_retired": m.members_retired,
            }
            for m in stats.months
        ],
        "by_kind": [
            {
                "kind": k.key,
                "label": k.label,
                "activities": k.activities,
                "participants": k.participants,
            }
            for k in stats.by_kind
        ],
        "by_theme": [
            {
                "theme": t.key,
                "label": t.label,
                "activities": t.activities,
                "participants": t.participants,
            }
            for t in stats.by_theme
        ],
    }


def percent(rate: float | None) -> str:
    """88.2% (or — when nothing was counted)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def stats_workbook_bytes(stats: ReportStats, watch: WatchFigures | None = None) -> bytes:
    """The statistics as an Excel workbook: summary, months, kinds, themes, watch-over."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    bold = Font(bold=True)

    def sheet(
        title: str, header: Sequence[str], rows: Iterable[Sequence[Any]], first: bool
    ) -> None:
        ws = wb.active if first else wb.create_sheet()
        ws.title = title[:31]
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(list(row))
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.data_type == "f":
                    # openpyxl reads a text starting with "=" as a formula; ours are names.
                    cell.data_type = "s"
        for i, _h in enumerate(header, start=1):
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = 18 if i > 1 else 28

    sheet(
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            (_("Fiscal year"), stats.fiscal_year_label),
            (_("Covers"), stats.scope_label),
            (_("Activities"), stats.activities),
            (_("Events held"), stats.event_dates),
            (_("Participants"), stats.participants),
            (_("Registered"), stats.registered),
            (_("Attended of those registered"), stats.attended_registered),
            (_("Attendance rate"), percent(stats.attendance_rate)),
            (_("Food drives and donations (kg)"), stats.quantity_kg),
            (_("Watch-over visits"), stats.visits),
            (_("Follow-ups opened"), stats.follow_ups),
            (_("Members joined"), stats.members_joined),
            (_("Members retired"), stats.members_retired),
        ],
        True,
    )
    month_rows: list[Sequence[Any]] = [
        (
            m.label,
            m.events,
            m.participants,
            m.visits,
            m.follow_ups,
            m.members_joined,
            m.members_retired,
        )
        for m in stats.months
    ]
    month_rows.append(
        (
            _("Total"),
            stats.event_dates,
            stats.participants,
            stats.visits,
            stats.follow_ups,
            stats.members_joined,
            stats.members_retired,
        )
    )
    sheet(
        _("By month"),
        [
            _("Month"),
            _("Events held"),
            _("Participants"),
            _("Watch-over visits"),
            _("Follow-ups opened"),
            _("Members joined"),
            _("Members retired"),
        ],
        month_rows,
        False,
    )
    sheet(
        _("By kind"),
        [_("Kind"), _("Activities"), _("Participants")],
        [(k.label, k.activities, k.participants) for k in stats.by_kind],
        False,
    )
    sheet(
        _("By theme"),
        [_("Theme"), _("Activities"), _("Participants")],
        [(t.label, t.activities, t.participants) for t in stats.by_theme],
        False,
    )
    if watch is not None:
        lines: list[Sequence[Any]] = [
            (_("People under watch"), watch.people_under_watch),
            (_("Started this year"), watch.people_started),
            (_("Ended this year"), watch.people_ended),
            (_("Visits and calls"), watch.visits),
        ]
        lines += [("  " + c.label, c.count) for c in watch.visits_by_outcome]
        lines.append((_("Follow-ups opened"), watch.follow_ups_opened))
        lines += [("  " + c.label, c.count) for c in watch.follow_ups_by_urgency]
        lines.append((_("Follow-ups closed"), watch.follow_ups_closed))
        lines.append((_("Follow-ups still open at year end"), watch.follow_ups_open_at_year_end))
        sheet(_("Watch-over"), [_("Figure"), _("Count")], lines, False)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_stats_xlsx(ctx: Context, fy: int, out: Path, chapter: str | None = None) -> ReportStats:
    """Write the year's statistics to `out` (.xlsx), atomically; returns them."""
    from app.fileio import write_atomically

    if Path(out).suffix.lower() != ".xlsx":
        raise UserError(_("The statistics file must end in .xlsx: {path}").format(path=out))
    report = annual_report(ctx, fy, GROUP_BY_MONTH, chapter)
    write_atomically(out, stats_workbook_bytes(report.stats, report.watch))
    return report.stats


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
    """A block of the home page; `available` is False while its service is missing."""

    key: str
    title: str
    items: tuple[HomeItem, ...]
    available: bool = True


def optional_module(name: str) -> ModuleType | None:
    """Another engineer's module, or None while it does not exist yet.

    Only that exact module's absence is forgiven: an import error inside it is a bug to see.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _not_yet(key: str, title: str, page: str) -> HomeSection:
    return HomeSection(
        key, title, (HomeItem(page, _("Not available yet in this version.")),), available=False
    )


def _days_text(days: int) -> str:
    if days == 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return _("{days} days ago").format(days=days)


def _watch_section(ctx: Context, today: date) -> HomeSection | None:
    title = _("Watch-over: overdue visits and open follow-ups")
    visits = optional_module("app.visits")
    due_list: Callable[..., list[Any]] | None = getattr(visits, "due_list", None)
    if due_list is None:
        return _not_yet(HOME_WATCH, title, HOME_WATCH)
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
    exchange = optional_module("app.sync.exchange")
    sync_status: Callable[[Context], Any] | None = getattr(exchange, "sync_status", None)
    if sync_status is None:
        return _not_yet(HOME_SYNC, title, HOME_SYNC)
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
    backup = optional_module("app.backup")
    list_backups: Callable[[Context], list[Any]] | None = getattr(backup, "list_backups", None)
    if list_backups is None:
        return _not_yet(HOME_BACKUPS, title, HOME_BACKUPS)
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

    Sections the account may not see are left out; a service not written yet shows as
    "not available yet" rather than failing the page.
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
