"""People under watch (見守り): enrolment, consent, referral targets, retention and counts."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app import people
from app.audit import record_audit
from app.context import Context, Permission
from app.dates import fiscal_year_range
from app.errors import PermissionDenied, UserError
from app.i18n import N_
from app.i18n import gettext as _
from app.phone import clean_phone
from app.text.safety import refuse_bad_name, strip_bidi
from db.models import (
    Conflict,
    FollowUp,
    Member,
    ReferralTarget,
    Setting,
    Visit,
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


def label(codes: dict[str, str], code: str) -> str:
    """The translated label of a stored code (the code itself when unknown)."""
    return _(codes[code]) if code in codes else code


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


# --- who may see whom ----------------------------------------------------------------------


class NotYours(PermissionDenied):
    """A visitor asked for a person (or their visit) not assigned to them."""

    def __init__(self, entity: str, entity_id: str) -> None:
        super().__init__(_("This person is not assigned to you."))
        self.entity = entity
        self.entity_id = entity_id


P = ParamSpec("P")
R = TypeVar("R")


def audited_denials(fn: Callable[P, R]) -> Callable[P, R]:
    """Log a visitor's attempt on someone else's person once the refused transaction is over."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except NotYours as denied:
            ctx = args[0]
            if isinstance(ctx, Context):
                with ctx.db.transaction() as s:
                    record_audit(s, ctx, "denied", denied.entity, denied.entity_id, fn.__name__)
            raise

    return wrapper


def reads_all(ctx: Context) -> bool:
    """True for coordinators: every person, not only assigned ones."""
    return ctx.actor.can(Permission.WATCH_READ_ALL)


def require_access(ctx: Context) -> None:
    """Refuse anyone who may not see people under watch at all (viewers)."""
    if reads_all(ctx):
        return
    if ctx.actor.can(Permission.WATCH_OWN) and ctx.actor.member_id:
        return
    ctx.require(Permission.WATCH_READ_ALL)


def assigned_ids(member_id: str) -> Any:
    """The ids of people a member is assigned to, as a sub-select."""
    return select(WatchAssignment.person_id).where(
        WatchAssignment.member_id == member_id, WatchAssignment.deleted.is_(False)
    )


def visible_clause(ctx: Context, person_id: Any) -> ColumnElement[bool] | None:
    """A WHERE term keeping only the people the actor may see (None: everyone)."""
    require_access(ctx)
    if reads_all(ctx):
        return None
    return person_id.in_(assigned_ids(ctx.actor.member_id or ""))


def load_person(s: Session, ctx: Context, person_id: str) -> WatchedPerson:
    """The person row, refused when it does not exist or is not the visitor's."""
    require_access(ctx)
    row = s.get(WatchedPerson, person_id)
    if row is None or row.deleted or row.erased:
        raise UserError(_("No such person under watch: {id}").format(id=person_id))
    if not reads_all(ctx):
        assigned = s.scalar(
            select(func.count())
            .select_from(WatchAssignment)
            .where(
                WatchAssignment.person_id == person_id,
                WatchAssignment.member_id == (ctx.actor.member_id or ""),
                WatchAssignment.deleted.is_(False),
            )
        )
        if not assigned:
            raise NotYours("watched_person", person_id)
    return row


def has_consent(row: WatchedPerson) -> bool:
    """Consent is on record (date, scope and who obtained it)."""
    return bool(row.consent_on and row.consent_scope.strip() and row.consent_by.strip())


def require_consent(row: WatchedPerson, what: str) -> None:
    """Refuse to keep notes about someone before their consent is recorded."""
    if not has_consent(row):
        raise UserError(
            _(
                "Record the person's consent (date, scope, who obtained it) before saving {what}."
            ).format(what=what)
        )


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


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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


# --- referral targets ----------------------------------------------------------------------


def _clean_target(data: ReferralTargetInput) -> ReferralTargetInput:
    name = refuse_bad_name(data.name.strip())
    if not name:
        raise UserError(_("A referral target needs a name."))
    if data.kind not in REFERRAL_KINDS:
        raise UserError(_("Unknown kind of referral target: {value}").format(value=data.kind))
    return ReferralTargetInput(
        name=name,
        kind=data.kind,
        municipality=data.municipality.strip(),
        phone=clean_phone(data.phone),
        note=strip_bidi(data.note.strip()),
    )


def _target_view(row: ReferralTarget) -> ReferralTargetView:
    return ReferralTargetView(
        id=row.id,
        name=row.name,
        kind=row.kind,
        municipality=row.municipality,
        phone=row.phone,
        note=row.note,
    )


def list_referral_targets(ctx: Context, kind: str | None = None) -> list[ReferralTargetView]:
    """The configured referral targets (support centres first, then by kind and name)."""
    require_access(ctx)
    order = {k: i for i, k in enumerate(REFERRAL_KINDS)}
    stmt = select(ReferralTarget).where(ReferralTarget.deleted.is_(False))
    if kind:
        stmt = stmt.where(ReferralTarget.kind == kind)
    with ctx.db.transaction() as s:
        rows = [_target_view(r) for r in s.scalars(stmt)]
    return sorted(rows, key=lambda t: (order.get(t.kind, 99), t.name))


def add_referral_target(ctx: Context, data: ReferralTargetInput) -> ReferralTargetView:
    """Add a support centre, council, 民生委員, doctor … to refer follow-ups to."""
    ctx.require(Permission.WATCH_WRITE)
    clean = _clean_target(data)
    with ctx.db.transaction() as s:
        row = ReferralTarget(**clean.__dict__)
        s.add(row)
        s.flush()
        return _target_view(row)


def update_referral_target(
    ctx: Context, target_id: str, data: ReferralTargetInput
) -> ReferralTargetView:
    """Change a referral target's name, kind, phone or note."""
    ctx.require(Permission.WATCH_WRITE)
    clean = _clean_target(data)
    with ctx.db.transaction() as s:
        row = s.get(ReferralTarget, target_id)
        if row is None or row.deleted:
            raise UserError(_("No such referral target: {id}").format(id=target_id))
        for key, value in clean.__dict__.items():
            setattr(row, key, value)
        s.flush()
        return _target_view(row)


def remove_referral_target(ctx: Context, target_id: str) -> None:
    """Take a referral target off the list (kept as a tombstone; old follow-ups keep its name)."""
    ctx.require(Permission.WATCH_WRITE)
    with ctx.db.transaction() as s:
        row = s.get(ReferralTarget, target_id)
        if row is None or row.deleted:
            raise UserError(_("No such referral target: {id}").format(id=target_id))
        row.deleted = True


# --- settings ------------------------------------------------------------------------------


def get_setting(s: Session, key: str, default: Any) -> Any:
    """A value from the settings table."""
    row = s.get(Setting, key)
    return default if row is None or row.value is None else row.value


def put_setting(s: Session, key: str, value: Any) -> None:
    """Store a value in the settings table."""
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=value))
    else:
        row.value = value


def retention_years(ctx: Context) -> int:
    """After how many years an ended watch's personal data is due for erasure."""
    with ctx.db.transaction() as s:
        return int(get_setting(s, RETENTION_KEY, DEFAULT_RETENTION_YEARS))


def set_retention_years(ctx: Context, years: int) -> None:
    """Change the retention period (coordinators)."""
    ctx.require(Permission.WATCH_WRITE)
    if not 1 <= years <= 30:
        raise UserError(_("The retention period must be between 1 and 30 years."))
    with ctx.db.transaction() as s:
        put_setting(s, RETENTION_KEY, years)


# --- retention ------------------------------------------------------------------------------


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _blank_person(s: Session, row: WatchedPerson) -> None:
    for name in (
        "family_name",
        "given_name",
        "family_kana",
        "given_kana",
        "reading_key",
        "search_text",
        "postal_code",
        "address",
        "phone",
        "watch_for",
        "care_notes",
        "consent_scope",
        "consent_by",
    ):
        setattr(row, name, "")
    row.emergency_contacts = []
    row.erased = True
    if row.status != ENDED:
        row.status = ENDED
        row.ended_on = row.ended_on or date.today()
        row.end_reason = row.end_reason or "withdrew"
    visit_ids = list(s.scalars(select(Visit.id).where(Visit.person_id == row.id)))
    for visit in s.scalars(select(Visit).where(Visit.person_id == row.id)):
        if visit.notes or visit.signs:
            visit.notes = ""
            visit.signs = []
    follow_ids = []
    for follow in s.scalars(select(FollowUp).where(FollowUp.person_id == row.id)):
        follow_ids.append(follow.id)
        follow.result = ""
        if follow.referred_to_kind in ("family", "doctor") or follow.referred_to_id is None:
            # A family member's or doctor's name typed in is the person's data too.
            follow.referred_to_name = ""
    for link in s.scalars(select(WatchAssignment).where(WatchAssignment.person_id == row.id)):
        link.deleted = True
    # A losing concurrent edit keeps a full copy of the row: it goes too (local table).
    for conflict in s.scalars(
        select(Conflict).where(Conflict.row_id.in_([row.id, *visit_ids, *follow_ids]))
    ):
        s.delete(conflict)


def _scrub_file(ctx: Context) -> None:
    """Leave no copy of erased text in the file: fold the WAL in, then rebuild every page."""
    if ctx.db.engine.dialect.name != "sqlite":
        return
    # VACUUM cannot run inside the transaction SQLAlchemy would begin: use the bare driver.
    raw = ctx.db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()


@audited_denials
def erase_person(ctx: Context, person_id: str) -> None:
    """Erase one person's personal data on request, keeping an anonymous shell for counts."""
    ctx.require(Permission.WATCH_WRITE)
    ctx.require(Permission.ADMIN)
    with ctx.db.transaction() as s:
        row = load_person(s, ctx, person_id)
        _blank_person(s, row)
        s.flush()
        record_audit(s, ctx, "erase", "watched_person", row.id)
    _scrub_file(ctx)


def erasure_candidates(
    ctx: Context, years: int | None = None, today: date | None = None
) -> list[ErasureCandidate]:
    """People whose watch ended more than `years` (default: the setting) ago, for confirming."""
    ctx.require(Permission.WATCH_WRITE)
    years = retention_years(ctx) if years is None else years
    if years < 0:
        raise UserError(_("The retention period must be between 1 and 30 years."))
    cutoff = years_before(today or date.today(), years)
    stmt = (
        select(WatchedPerson)
        .where(
            WatchedPerson.deleted.is_(False),
            WatchedPerson.erased.is_(False),
            WatchedPerson.status == ENDED,
            WatchedPerson.ended_on < cutoff,
        )
        .order_by(WatchedPerson.ended_on, WatchedPerson.reading_key)
    )
    with ctx.db.transaction() as s:
        return [
            ErasureCandidate(
                r.id,
                people.full_name(r.family_name, r.given_name),
                r.ended_on or date.min,
                r.end_reason,
            )
            for r in s.scalars(stmt)
        ]


def erase_ended_before(ctx: Context, years: int | None = None, today: date | None = None) -> int:
    """Erase everyone whose watch ended more than `years` ago; returns how many."""
    ctx.require(Permission.WATCH_WRITE)
    ctx.require(Permission.ADMIN)
    ids = [c.id for c in erasure_candidates(ctx, years, today)]
    if not ids:
        return 0
    with ctx.db.transaction() as s:
        for person_id in ids:
            row = load_person(s, ctx, person_id)
            _blank_person(s, row)
        s.flush()
        record_audit(s, ctx, "erase", "watched_person", "", f"retention: {len(ids)} people")
    _scrub_file(ctx)
    return len(ids)


# --- anonymous counts ------------------------------------------------------------------------


def _by(s: Session, column: Any, *where: Any) -> dict[str, int]:
    stmt = select(column, func.count()).where(*where).group_by(column)
    return {str(k): int(n) for k, n in s.execute(stmt)}


def anonymous_counts(ctx: Context, fiscal_year: int) -> WatchCounts:
    """People under watch, visits and follow-ups in a fiscal year, as numbers only."""
    ctx.require(Permission.REPORTS_READ)
    first, last = fiscal_year_range(fiscal_year)
    start = datetime.combine(first, datetime.min.time())
    end = datetime.combine(last, datetime.max.time())
    person_alive = WatchedPerson.deleted.is_(False)
    overlapping = (
        person_alive,
        func.coalesce(WatchedPerson.started_on, first) <= last,
        (WatchedPerson.ended_on.is_(None)) | (WatchedPerson.ended_on >= first),
    )
    visit_in = (Visit.deleted.is_(False), Visit.visited_at >= start, Visit.visited_at <= end)
    follow_in = (
        FollowUp.deleted.is_(False),
        FollowUp.opened_at >= start,
        FollowUp.opened_at <= end,
    )
    with ctx.db.transaction() as s:
        under_watch = s.scalar(select(func.count()).select_from(WatchedPerson).where(*overlapping))
        started = s.scalar(
            select(func.count())
            .select_from(WatchedPerson)
            .where(person_alive, WatchedPerson.started_on.between(first, last))
        )
        ended = _by(
            s,
            WatchedPerson.end_reason,
            person_alive,
            WatchedPerson.status == ENDED,
            WatchedPerson.ended_on.between(first, last),
        )
        visits = s.scalar(select(func.count()).select_from(Visit).where(*visit_in))
        closed = s.scalar(
            select(func.count())
            .select_from(FollowUp)
            .where(
                FollowUp.deleted.is_(False),
                FollowUp.closed_at >= start,
                FollowUp.closed_at <= end,
            )
        )
        return WatchCounts(
            fiscal_year=fiscal_year,
            people_under_watch=int(under_watch or 0),
            people_started=int(started or 0),
            people_ended=ended,
            visits=int(visits or 0),
            visits_by_method=_by(s, Visit.method, *visit_in),
            visits_by_outcome=_by(s, Visit.outcome, *visit_in),
            follow_ups_opened=sum(_by(s, FollowUp.urgency, *follow_in).values()),
            follow_ups_by_urgency=_by(s, FollowUp.urgency, *follow_in),
            follow_ups_closed=int(closed or 0),
        )
