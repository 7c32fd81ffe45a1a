"""The people watched over: plain values, checks, storing and reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codes import label as label
from app.core.codes import like_escape as _like_escape
from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.core.phone import clean_phone
from app.core.text.safety import refuse_bad_name, strip_bidi
from app.roster import people
from app.storage.audit import record_audit
from app.watch.access import (
    assigned_ids,
    audited_denials,
    has_consent,
    load_person,
    reads_all,
    require_access,
    require_consent,
    visible_clause,
)
from db.models import (
    Member,
    ReferralTarget,
    WatchAssignment,
    WatchedPerson,
)

ACTIVE = "active"
ENDED = "ended"

# Codes are stored; the labels are translated when shown.
HOUSEHOLDS: dict[str, str] = {
    "alone": N_("Living alone"),
    "elderly_couple": N_("Elderly couple"),
    "elderly_only": N_("Elderly-only household"),
    "alone_by_day": N_("Alone during the day"),
    "other": N_("Other household"),
}
END_REASONS: dict[str, str] = {
    "moved": N_("Moved away"),
    "in_care": N_("Moved into care"),
    "hospital": N_("In hospital"),
    "died": N_("Died"),
    "withdrew": N_("Withdrew"),
}
METHODS: dict[str, str] = {
    "visit": N_("Home visit"),
    "phone": N_("Phone call"),
    "outside": N_("Seen from outside"),
    "delivery": N_("At delivery"),
}
REFERRAL_KINDS: dict[str, str] = {
    "support_centre": N_("Community support centre"),
    "shakyo": N_("Social-welfare council"),
    "minsei": N_("Welfare commissioner"),
    "family": N_("Family member"),
    "doctor": N_("Doctor"),
    "police_fire": N_("Police / fire brigade (110/119)"),
}
MIN_INTERVAL, MAX_INTERVAL = 1, 365
RETENTION_KEY = "watch.retention_years"
DEFAULT_RETENTION_YEARS = 3


# --- plain values -------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyContact:
    """Someone to call when the person cannot be reached."""

    name: str
    relation: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Consent:
    """The person's consent to having their watch-over data kept (要配慮個人情報)."""

    on: date
    scope: str
    obtained_by: str
    emergency_sharing: bool = False


@dataclass(frozen=True)
class PersonInput:
    """What the person form holds. `consent=None` on an edit keeps the consent on record."""

    family_name: str = ""
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    household: str = "alone"
    emergency_contacts: tuple[EmergencyContact, ...] = ()
    support_centre_id: str | None = None
    volunteer_ids: tuple[str, ...] = ()
    visit_interval_days: int = 14
    preferred_method: str = "visit"
    watch_for: str = ""
    care_notes: str = ""
    started_on: date | None = None
    consent: Consent | None = None


@dataclass(frozen=True)
class PersonView(PersonInput, people.NamedView):
    """A stored person under watch, as services return it."""

    id: str = ""
    status: str = ACTIVE
    ended_on: date | None = None
    end_reason: str = ""
    erased: bool = False
    support_centre_name: str = ""
    volunteer_names: tuple[str, ...] = ()
    version: str = ""


@dataclass(frozen=True)
class PersonRow:
    """One line of the people list."""

    id: str
    name: str
    kana: str
    address: str
    phone: str
    household: str
    volunteers: tuple[str, ...]
    visit_interval_days: int
    status: str
    end_reason: str
    has_consent: bool


@dataclass(frozen=True)
class ReferralTargetInput:
    """A place or person a follow-up can be referred to."""

    name: str
    kind: str = "support_centre"
    municipality: str = ""
    phone: str = ""
    note: str = ""


@dataclass(frozen=True)
class ReferralTargetView(ReferralTargetInput):
    """A stored referral target."""

    id: str = ""


@dataclass(frozen=True)
class VolunteerChoice:
    """A member who can be assigned to visit people."""

    id: str
    name: str
    kana: str
    phone: str


@dataclass(frozen=True)
class ErasureCandidate:
    """A person whose watch ended long enough ago for their data to be erased."""

    id: str
    name: str
    ended_on: date
    end_reason: str


@dataclass(frozen=True)
class WatchCounts:
    """Anonymous figures for a fiscal year's report: never a name."""

    fiscal_year: int
    people_under_watch: int
    people_started: int
    people_ended: dict[str, int]
    visits: int
    visits_by_method: dict[str, int]
    visits_by_outcome: dict[str, int]
    follow_ups_opened: int
    follow_ups_by_urgency: dict[str, int]
    follow_ups_closed: int


# --- validation ------------------------------------------------------------------------------


def _clean_consent(consent: Consent | None, today: date) -> Consent | None:
    if consent is None:
        return None
    scope = consent.scope.strip()
    by = consent.obtained_by.strip()
    if not scope or not by:
        raise UserError(_("Consent needs its scope and who obtained it."))
    if consent.on > today:
        raise UserError(_("The consent date cannot be in the future."))
    return Consent(consent.on, scope, by, consent.emergency_sharing)


def normalise_person(data: PersonInput, today: date | None = None) -> PersonInput:
    """Validate and normalise the person form; names stay exactly as typed."""
    today = today or date.today()
    names = people.clean_names(data, _("A person under watch needs a name."))
    postal = people.clean_postal_code(data.postal_code)
    if data.household not in HOUSEHOLDS:
        raise UserError(_("Unknown household: {value}").format(value=data.household))
    if data.preferred_method not in METHODS:
        raise UserError(_("Unknown way of contact: {value}").format(value=data.preferred_method))
    if not MIN_INTERVAL <= data.visit_interval_days <= MAX_INTERVAL:
        raise UserError(
            _("The visit interval must be between {low} and {high} days.").format(
                low=MIN_INTERVAL, high=MAX_INTERVAL
            )
        )
    contacts = []
    for c in data.emergency_contacts:
        name = refuse_bad_name(c.name.strip())
        if not name and not c.phone.strip():
            continue
        if not name:
            raise UserError(_("An emergency contact needs a name."))
        contacts.append(EmergencyContact(name, c.relation.strip(), clean_phone(c.phone)))
    volunteers = tuple(dict.fromkeys(v for v in data.volunteer_ids if v))
    return replace(
        data,
        **names,
        postal_code=postal,
        address=data.address.strip(),
        phone=clean_phone(data.phone),
        emergency_contacts=tuple(contacts),
        support_centre_id=data.support_centre_id or None,
        volunteer_ids=volunteers,
        watch_for=data.watch_for.strip(),
        care_notes=strip_bidi(data.care_notes.strip()),
        started_on=data.started_on or today,
        consent=_clean_consent(data.consent, today),
    )


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def refresh_keys(row: WatchedPerson) -> None:
    """Recompute the gojūon sort key and the search text after a change of names."""
    row.reading_key, row.search_text = people.person_search_columns(
        row.family_name,
        row.given_name,
        row.family_kana,
        row.given_kana,
        _digits(row.phone),
        row.address,
    )


def _check_references(s: Session, data: PersonInput) -> None:
    if data.support_centre_id:
        target = s.get(ReferralTarget, data.support_centre_id)
        if target is None or target.deleted:
            raise UserError(_("No such referral target: {id}").format(id=data.support_centre_id))
    for member_id in data.volunteer_ids:
        member = s.get(Member, member_id)
        if member is None or member.deleted:
            raise UserError(_("No such member: {id}").format(id=member_id))


def _apply(s: Session, row: WatchedPerson, data: PersonInput) -> None:
    if (data.care_notes or data.watch_for) and data.consent is None:
        require_consent(row, _("notes about the person"))
    row.family_name = data.family_name
    row.given_name = data.given_name
    row.family_kana = data.family_kana
    row.given_kana = data.given_kana
    row.postal_code = data.postal_code
    row.address = data.address
    row.phone = data.phone
    row.household = data.household
    row.emergency_contacts = [
        {"name": c.name, "relation": c.relation, "phone": c.phone} for c in data.emergency_contacts
    ]
    row.support_centre_id = data.support_centre_id
    row.visit_interval_days = data.visit_interval_days
    row.preferred_method = data.preferred_method
    row.watch_for = data.watch_for
    row.care_notes = data.care_notes
    row.started_on = data.started_on
    if data.consent is not None:
        row.consent_on = data.consent.on
        row.consent_scope = data.consent.scope
        row.consent_by = data.consent.obtained_by
        row.consent_emergency_sharing = data.consent.emergency_sharing
    refresh_keys(row)


def _assign(s: Session, person_id: str, volunteer_ids: Sequence[str]) -> None:
    current = {
        a.member_id: a
        for a in s.scalars(select(WatchAssignment).where(WatchAssignment.person_id == person_id))
    }
    for member_id, link in current.items():
        wanted = member_id in volunteer_ids
        if link.deleted == wanted:
            link.deleted = not wanted
    for position, member_id in enumerate(volunteer_ids):
        existing = current.get(member_id)
        role = "main" if position == 0 else "sub"
        if existing is None:
            s.add(WatchAssignment(person_id=person_id, member_id=member_id, role=role))
        elif existing.role != role:
            existing.role = role


def member_name(m: Member) -> str:
    """A member's name as lists show it."""
    return people.full_name(m.family_name, m.given_name)


def volunteers_of(s: Session, person_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """(member id, name) of each person's volunteers, main volunteer first."""
    out: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(person_ids), 500):
        chunk = list(person_ids[start : start + 500])
        stmt = (
            select(WatchAssignment.person_id, Member.id, Member.family_name, Member.given_name)
            .join(Member, Member.id == WatchAssignment.member_id)
            .where(WatchAssignment.person_id.in_(chunk), WatchAssignment.deleted.is_(False))
            .order_by(WatchAssignment.role, Member.reading_key)
        )
        for person_id, member_id, family, given in s.execute(stmt):
            out.setdefault(person_id, []).append((member_id, people.full_name(family, given)))
    return out


def _view(s: Session, row: WatchedPerson) -> PersonView:
    volunteers = volunteers_of(s, [row.id]).get(row.id, [])
    centre = s.get(ReferralTarget, row.support_centre_id) if row.support_centre_id else None
    consent = (
        Consent(row.consent_on, row.consent_scope, row.consent_by, row.consent_emergency_sharing)
        if row.consent_on
        else None
    )
    return PersonView(
        id=row.id,
        family_name=row.family_name,
        given_name=row.given_name,
        family_kana=row.family_kana,
        given_kana=row.given_kana,
        postal_code=row.postal_code,
        address=row.address,
        phone=row.phone,
        household=row.household,
        emergency_contacts=tuple(
            EmergencyContact(c.get("name", ""), c.get("relation", ""), c.get("phone", ""))
            for c in row.emergency_contacts or []
        ),
        support_centre_id=row.support_centre_id,
        volunteer_ids=tuple(v[0] for v in volunteers),
        visit_interval_days=row.visit_interval_days,
        preferred_method=row.preferred_method,
        watch_for=row.watch_for,
        care_notes=row.care_notes,
        started_on=row.started_on,
        consent=consent,
        status=row.status,
        ended_on=row.ended_on,
        end_reason=row.end_reason,
        erased=row.erased,
        support_centre_name=centre.name if centre is not None and not centre.deleted else "",
        volunteer_names=tuple(v[1] for v in volunteers),
        version=row.version,
    )


# --- people ------------------------------------------------------------------------------------


def add_person(ctx: Context, data: PersonInput) -> PersonView:
    """Enrol a person under watch (coordinators)."""
    ctx.require(Permission.WATCH_WRITE)
    clean = normalise_person(data)
    with ctx.db.transaction() as s:
        _check_references(s, clean)
        row = WatchedPerson(status=ACTIVE)
        _apply(s, row, clean)
        s.add(row)
        s.flush()
        _assign(s, row.id, clean.volunteer_ids)
        s.flush()
        record_audit(s, ctx, "create", "watched_person", row.id)
        return _view(s, row)


@audited_denials
def update_person(ctx: Context, person_id: str, data: PersonInput) -> PersonView:
    """Change a person's details; consent on record is kept unless new consent is given."""
    ctx.require(Permission.WATCH_WRITE)
    clean = normalise_person(data)
    with ctx.db.transaction() as s:
        row = load_person(s, ctx, person_id)
        _check_references(s, clean)
        _apply(s, row, clean)
        _assign(s, row.id, clean.volunteer_ids)
        s.flush()
        record_audit(s, ctx, "change", "watched_person", row.id)
        return _view(s, row)


@audited_denials
def record_consent(ctx: Context, person_id: str, consent: Consent) -> PersonView:
    """Record (or renew) the person's consent."""
    ctx.require(Permission.WATCH_WRITE)
    clean = _clean_consent(consent, date.today())
    assert clean is not None
    with ctx.db.transaction() as s:
        row = load_person(s, ctx, person_id)
        row.consent_on = clean.on
        row.consent_scope = clean.scope
        row.consent_by = clean.obtained_by
        row.consent_emergency_sharing = clean.emergency_sharing
        s.flush()
        record_audit(s, ctx, "change", "watched_person", row.id, "consent")
        return _view(s, row)


@audited_denials
def end_watch(ctx: Context, person_id: str, reason: str, on: date | None = None) -> PersonView:
    """End the watch over a person (moved, in care, hospital, died, withdrew)."""
    ctx.require(Permission.WATCH_WRITE)
    if reason not in END_REASONS:
        raise UserError(_("Unknown end reason: {value}").format(value=reason))
    with ctx.db.transaction() as s:
        row = load_person(s, ctx, person_id)
        row.status = ENDED
        row.end_reason = reason
        row.ended_on = on or date.today()
        s.flush()
        record_audit(s, ctx, "change", "watched_person", row.id, f"ended:{reason}")
        return _view(s, row)


@audited_denials
def resume_watch(ctx: Context, person_id: str) -> PersonView:
    """Take an ended watch up again."""
    ctx.require(Permission.WATCH_WRITE)
    with ctx.db.transaction() as s:
        row = load_person(s, ctx, person_id)
        row.status = ACTIVE
        row.end_reason = ""
        row.ended_on = None
        s.flush()
        record_audit(s, ctx, "change", "watched_person", row.id, "resumed")
        return _view(s, row)


@audited_denials
def get_person(ctx: Context, person_id: str) -> PersonView:
    """One person's whole record (the view is written to the audit log)."""
    require_access(ctx)
    with ctx.db.transaction() as s:
        row = load_person(s, ctx, person_id)
        record_audit(s, ctx, "view", "watched_person", row.id)
        return _view(s, row)


def list_people(
    ctx: Context,
    query: str = "",
    include_ended: bool = False,
    volunteer_id: str | None = None,
    *,
    chapter_id: str | None = None,
) -> list[PersonRow]:
    """The people the actor may see, in gojūon order (erased people never appear).

    `chapter_id` keeps one chapter's people (headquarters); it only ever narrows what the
    actor may see: a visitor still sees only their own people.
    """
    require_access(ctx)
    stmt = select(WatchedPerson).where(
        WatchedPerson.deleted.is_(False), WatchedPerson.erased.is_(False)
    )
    if chapter_id is not None:
        stmt = stmt.where(WatchedPerson.chapter_id == chapter_id)
    visible = visible_clause(ctx, WatchedPerson.id)
    if visible is not None:
        stmt = stmt.where(visible)
    if volunteer_id:
        stmt = stmt.where(WatchedPerson.id.in_(assigned_ids(volunteer_id)))
    if not include_ended:
        stmt = stmt.where(WatchedPerson.status == ACTIVE)
    for folded in people.search_terms(query):
        stmt = stmt.where(WatchedPerson.search_text.like(f"%{_like_escape(folded)}%", escape="\\"))
    stmt = stmt.order_by(WatchedPerson.reading_key, WatchedPerson.id)
    with ctx.db.transaction() as s:
        rows = list(s.scalars(stmt))
        volunteers = volunteers_of(s, [r.id for r in rows])
        return [
            PersonRow(
                id=r.id,
                name=people.full_name(r.family_name, r.given_name),
                kana=people.full_kana(r.family_kana, r.given_kana),
                address=r.address,
                phone=r.phone,
                household=r.household,
                volunteers=tuple(v[1] for v in volunteers.get(r.id, [])),
                visit_interval_days=r.visit_interval_days,
                status=r.status,
                end_reason=r.end_reason,
                has_consent=has_consent(r),
            )
            for r in rows
        ]


def resolve_person(ctx: Context, value: str) -> str:
    """A person's id from any unique prefix of it (among those the actor may see)."""
    require_access(ctx)
    value = value.strip()
    if not value:
        raise UserError(_("No person given."))
    stmt = select(WatchedPerson.id).where(
        WatchedPerson.deleted.is_(False),
        WatchedPerson.erased.is_(False),
        WatchedPerson.id.like(f"{_like_escape(value)}%", escape="\\"),
    )
    visible = visible_clause(ctx, WatchedPerson.id)
    if visible is not None:
        stmt = stmt.where(visible)
    with ctx.db.transaction() as s:
        ids = list(s.scalars(stmt.limit(2)))
    if not ids:
        raise UserError(_("No person under watch matches “{text}”.").format(text=value))
    if len(ids) > 1:
        raise UserError(_("More than one person under watch matches “{text}”.").format(text=value))
    return ids[0]


def volunteer_choices(ctx: Context) -> list[VolunteerChoice]:
    """Active members who volunteer or visit, in gojūon order, for assigning people."""
    require_access(ctx)
    stmt = (
        select(Member)
        .where(Member.deleted.is_(False), Member.status == "active")
        .order_by(Member.reading_key, Member.id)
    )
    with ctx.db.transaction() as s:
        out = []
        for m in s.scalars(stmt):
            roles = set(m.roles or ())
            if not roles & {"volunteer", "visitor", "coordinator"}:
                continue
            if not reads_all(ctx) and m.id != ctx.actor.member_id:
                continue
            out.append(
                VolunteerChoice(
                    m.id, member_name(m), people.full_kana(m.family_kana, m.given_kana), m.phone
                )
            )
        return out


def assigned_volunteers(ctx: Context) -> list[VolunteerChoice]:
    """The members who have at least one active person assigned (for round sheets)."""
    require_access(ctx)
    stmt = (
        select(Member)
        .where(
            Member.id.in_(
                select(WatchAssignment.member_id)
                .join(WatchedPerson, WatchedPerson.id == WatchAssignment.person_id)
                .where(
                    WatchAssignment.deleted.is_(False),
                    WatchedPerson.deleted.is_(False),
                    WatchedPerson.erased.is_(False),
                    WatchedPerson.status == ACTIVE,
                )
            )
        )
        .order_by(Member.reading_key, Member.id)
    )
    if not reads_all(ctx):
        stmt = stmt.where(Member.id == (ctx.actor.member_id or ""))
    with ctx.db.transaction() as s:
        return [
            VolunteerChoice(
                m.id, member_name(m), people.full_kana(m.family_kana, m.given_kana), m.phone
            )
            for m in s.scalars(stmt)
        ]
