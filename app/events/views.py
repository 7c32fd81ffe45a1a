"""Events as the window and the command line see them: plain values, read back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.core.codes import like_escape as _like_escape
from app.core.context import Context, Permission
from app.core.dates import fiscal_year, fiscal_year_range
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.core.text.kana import search_fold
from app.events.vocabulary import (
    MONTHLY,
    NO_RECURRENCE,
    PLANNED,
    REG_CANCELLED,
    WAITLISTED,
    kind_label,
    partner_role_label,
    registration_status_label,
    series_label,
    status_label,
    theme_key,
)
from db.models import (
    Event,
    EventLecturer,
    EventOccurrence,
    EventPartner,
    Lecturer,
    Organisation,
    Registration,
)

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


def _check_fiscal_year(fy: int) -> int:
    from app.core.argtypes import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR

    if not FIRST_FISCAL_YEAR <= fy <= LAST_FISCAL_YEAR:
        raise UserError(
            _("The fiscal year must be between {low} and {high}: {value}").format(
                low=FIRST_FISCAL_YEAR, high=LAST_FISCAL_YEAR, value=fy
            )
        )
    return fy


def _occurrence_rows(s: Session, event_id: str) -> list[EventOccurrence]:
    return list(
        s.scalars(
            select(EventOccurrence)
            .where(EventOccurrence.event_id == event_id, EventOccurrence.deleted.is_(False))
            .order_by(EventOccurrence.starts_at)
        )
    )


def _load_event(s: Session, event_id: str) -> Event:
    row = s.get(Event, event_id)
    if row is None or row.deleted:
        raise UserError(_("No such event: {id}").format(id=event_id))
    return row


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
