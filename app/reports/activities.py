"""The activities of a year, counted by kind and month."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codes import label as _label
from app.core.i18n import gettext as _
from app.events.vocabulary import KIND_ALIASES
from app.reports.common import (
    CANCELLED,
    CITY_WIDE,
    CONNECTION_ROLES,
    GROUP_BY_MONTH,
    KG_PER_UNIT,
    ORGANISATION_KINDS,
    format_quantity,
    kind_label,
    month_label,
    series_label,
    theme_key,
    theme_label,
)
from app.reports.results import ActivityGroup, ActivityRow, Connection, LecturerLine, ThemeLine
from app.reports.scope import _EventRef
from db.models import (
    Event,
    EventLecturer,
    EventOccurrence,
    EventPartner,
    Lecturer,
    Organisation,
    Registration,
)

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
