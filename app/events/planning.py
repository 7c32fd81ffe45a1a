"""Planning events: checking what was typed and storing it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.core.text.safety import strip_bidi
from app.events.recurrence import fiscal_year_dates, parse_rule
from app.events.registrations import _fill_from_waitlist, _registration_groups
from app.events.views import (
    EventInput,
    EventView,
    OccurrenceInput,
    OccurrenceView,
    PartnerLink,
    RegistrationCounts,
    _counts_by_group,
    _event_view,
    _load_event,
    _occurrence_rows,
    _occurrence_view,
)
from app.events.vocabulary import (
    CANCELLED,
    KIND_ALIASES,
    KINDS,
    MONTHLY,
    PARTNER_ROLES,
    PLANNED,
    QUANTITY_UNITS,
    RECURRENCES,
    SCOPES,
    STATUSES,
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

# --- validation ------------------------------------------------------------------------------

# Far above any real event, far below SQLite's 64-bit limit: a typo, not a crash.
MAX_CAPACITY = 1_000_000
MAX_FEE_YEN = 100_000_000
MAX_SERIES_NUMBER = 100_000


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
    """Add a fiscal year of dates to a monthly event from a rule (weekly or monthly); dates
    it has are kept."""
    ctx.require(Permission.EVENTS_WRITE)
    generated = fiscal_year_dates(rule_text, fy)
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
        period_label=view.period_label or parse_rule(rule_text).describe(),
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
