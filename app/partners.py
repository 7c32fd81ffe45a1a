"""The partner directories: organisations (co-ops, councils, food banks …) and lecturers."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.core.phone import clean_phone
from app.core.text.kana import normalize_reading, reading_sort_key, search_fold
from app.core.text.safety import refuse_bad_name, strip_bidi
from app.roster.people import clean_names, person_search_columns
from db.models import EventLecturer, EventPartner, Lecturer, Organisation

# Organisation.kind -> label (translated when shown); the seed's kinds are all here.
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


def organisation_kind_label(kind: str) -> str:
    """The kind of an organisation in the current language (unknown kinds as stored)."""
    label = ORGANISATION_KINDS.get(kind)
    return _(label) if label else kind


@dataclass(frozen=True)
class OrganisationInput:
    """What the organisation form holds."""

    name: str = ""
    short_name: str = ""
    kana: str = ""
    kind: str = "other"
    municipality: str = ""
    phone: str = ""
    address: str = ""
    note: str = ""


@dataclass(frozen=True)
class OrganisationView(OrganisationInput):
    """A stored organisation."""

    id: str = ""
    version: str = ""

    @property
    def kind_label(self) -> str:
        """The kind, translated."""
        return organisation_kind_label(self.kind)

    @property
    def display_name(self) -> str:
        """The short name where there is one (as on a flyer), else the full name."""
        return self.short_name or self.name


@dataclass(frozen=True)
class LecturerInput:
    """What the lecturer form holds; `organisation_id` links the affiliation to the directory."""

    family_name: str = ""
    given_name: str = ""
    family_kana: str = ""
    given_kana: str = ""
    title: str = ""
    organisation_id: str | None = None
    affiliation: str = ""
    note: str = ""


@dataclass(frozen=True)
class LecturerView(LecturerInput):
    """A stored lecturer with the name of the organisation linked to."""

    id: str = ""
    organisation_name: str = ""
    version: str = ""

    @property
    def full_name(self) -> str:
        """The name as printed on a flyer (family, space, given)."""
        return " ".join(p for p in (self.family_name, self.given_name) if p)

    @property
    def full_kana(self) -> str:
        """The reading, family then given."""
        return " ".join(p for p in (self.family_kana, self.given_kana) if p)

    @property
    def affiliation_text(self) -> str:
        """Affiliation and title as printed: the typed text, else the linked organisation."""
        base = self.affiliation or self.organisation_name
        if self.title and self.title not in base:
            return f"{base}\u3000{self.title}".strip("\u3000")
        return base


# --- organisations -----------------------------------------------------------------------


def _clean_org(data: OrganisationInput) -> OrganisationInput:
    name = " ".join(refuse_bad_name(data.name).split())
    if not name:
        raise UserError(_("An organisation needs a name."))
    kind = data.kind.strip() or "other"
    if kind not in ORGANISATION_KINDS:
        raise UserError(_("Unknown kind of organisation: {kind}").format(kind=kind))
    return replace(
        data,
        name=name,
        short_name=data.short_name.strip(),
        kana=normalize_reading(data.kana),
        kind=kind,
        municipality=data.municipality.strip(),
        phone=clean_phone(data.phone),
        address=data.address.strip(),
        note=strip_bidi(data.note.strip()),
    )


def _org_view(row: Organisation) -> OrganisationView:
    return OrganisationView(
        id=row.id,
        name=row.name,
        short_name=row.short_name,
        kana=row.kana,
        kind=row.kind,
        municipality=row.municipality,
        phone=row.phone,
        address=row.address,
        note=row.note,
        version=row.version,
    )


def _load_org(s: Session, org_id: str) -> Organisation:
    row = s.get(Organisation, org_id)
    if row is None or row.deleted:
        raise UserError(_("No such organisation: {id}").format(id=org_id))
    return row


def _refuse_duplicate_org(s: Session, name: str, own_id: str | None) -> None:
    q = select(Organisation.id).where(Organisation.name == name, Organisation.deleted.is_(False))
    if any(i != own_id for i in s.scalars(q)):
        raise UserError(_("{name} is already in the directory.").format(name=name))


def add_organisation(ctx: Context, data: OrganisationInput) -> OrganisationView:
    """Add an organisation to the directory."""
    ctx.require(Permission.EVENTS_WRITE)
    clean = _clean_org(data)
    with ctx.db.transaction() as s:
        _refuse_duplicate_org(s, clean.name, None)
        row = Organisation()
        _apply_org(row, clean)
        s.add(row)
        s.flush()
        return _org_view(row)


def _apply_org(row: Organisation, data: OrganisationInput) -> None:
    row.name = data.name
    row.short_name = data.short_name
    row.kana = data.kana
    row.kind = data.kind
    row.municipality = data.municipality
    row.phone = data.phone
    row.address = data.address
    row.note = data.note


def update_organisation(ctx: Context, org_id: str, data: OrganisationInput) -> OrganisationView:
    """Change an organisation's details."""
    ctx.require(Permission.EVENTS_WRITE)
    clean = _clean_org(data)
    with ctx.db.transaction() as s:
        row = _load_org(s, org_id)
        _refuse_duplicate_org(s, clean.name, row.id)
        _apply_org(row, clean)
        s.flush()
        return _org_view(row)


def remove_organisation(ctx: Context, org_id: str) -> None:
    """Take an organisation out of the directory; refused while events or lecturers use it."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        row = _load_org(s, org_id)
        used = s.scalar(
            select(EventPartner.id)
            .where(EventPartner.organisation_id == org_id, EventPartner.deleted.is_(False))
            .limit(1)
        ) or s.scalar(
            select(Lecturer.id)
            .where(Lecturer.organisation_id == org_id, Lecturer.deleted.is_(False))
            .limit(1)
        )
        if used:
            raise UserError(
                _("{name} is named by events or lecturers and stays in the directory.").format(
                    name=row.name
                )
            )
        row.deleted = True


def get_organisation(ctx: Context, org_id: str) -> OrganisationView:
    """One organisation."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        return _org_view(_load_org(s, org_id))


def _org_sort_key(view: OrganisationView) -> tuple[str, str]:
    return (reading_sort_key(view.kana) if view.kana else "\uffff", view.name)


def list_organisations(ctx: Context, query: str = "") -> list[OrganisationView]:
    """Organisations matching `query` (name, short name, reading), by reading then name."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        rows = [
            _org_view(r)
            for r in s.scalars(select(Organisation).where(Organisation.deleted.is_(False)))
        ]
    terms = [search_fold(t) for t in query.split()]
    if terms:
        rows = [
            v
            for v in rows
            if all(t in search_fold(f"{v.name}\n{v.short_name}\n{v.kana}") for t in terms)
        ]
    return sorted(rows, key=_org_sort_key)


def find_organisation(ctx: Context, name: str) -> OrganisationView | None:
    """The organisation whose full or short name is exactly `name` (spaces ignored)."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        row = _org_by_name(s, name)
        return _org_view(row) if row is not None else None


def _org_by_name(s: Session, name: str) -> Organisation | None:
    wanted = search_fold(name)
    if not wanted:
        return None
    for row in s.scalars(select(Organisation).where(Organisation.deleted.is_(False))):
        if wanted in (search_fold(row.name), search_fold(row.short_name)):
            return row
    return None


def organisation_for_name(s: Session, name: str, kind: str = "other") -> Organisation:
    """The organisation called `name`, added to the directory if missing (imports use this)."""
    row = _org_by_name(s, name)
    if row is None:
        row = Organisation(
            name=" ".join(name.split()),
            kind=kind if kind in ORGANISATION_KINDS else "other",
        )
        s.add(row)
        s.flush()
    return row


# --- lecturers -----------------------------------------------------------------------------


def _clean_lecturer(data: LecturerInput) -> LecturerInput:
    names = clean_names(data, _("A lecturer needs a name."))
    return replace(
        data,
        **names,
        title=data.title.strip(),
        organisation_id=data.organisation_id or None,
        affiliation=data.affiliation.strip(),
        note=strip_bidi(data.note.strip()),
    )


def _lecturer_view(row: Lecturer, org_names: dict[str, str]) -> LecturerView:
    return LecturerView(
        id=row.id,
        family_name=row.family_name,
        given_name=row.given_name,
        family_kana=row.family_kana,
        given_kana=row.given_kana,
        title=row.title,
        organisation_id=row.organisation_id,
        affiliation=row.affiliation,
        note=row.note,
        organisation_name=org_names.get(row.organisation_id or "", ""),
        version=row.version,
    )


def _org_names(s: Session) -> dict[str, str]:
    return {
        r.id: r.short_name or r.name
        for r in s.scalars(select(Organisation).where(Organisation.deleted.is_(False)))
    }


def _apply_lecturer(s: Session, row: Lecturer, data: LecturerInput) -> None:
    if data.organisation_id:
        _load_org(s, data.organisation_id)
    row.family_name = data.family_name
    row.given_name = data.given_name
    row.family_kana = data.family_kana
    row.given_kana = data.given_kana
    row.title = data.title
    row.organisation_id = data.organisation_id
    row.affiliation = data.affiliation
    row.note = data.note
    row.reading_key, row.search_text = person_search_columns(
        data.family_name, data.given_name, data.family_kana, data.given_kana, data.affiliation
    )


def _load_lecturer(s: Session, lecturer_id: str) -> Lecturer:
    row = s.get(Lecturer, lecturer_id)
    if row is None or row.deleted:
        raise UserError(_("No such lecturer: {id}").format(id=lecturer_id))
    return row


def add_lecturer(ctx: Context, data: LecturerInput) -> LecturerView:
    """Add a lecturer to the directory."""
    ctx.require(Permission.EVENTS_WRITE)
    clean = _clean_lecturer(data)
    with ctx.db.transaction() as s:
        row = Lecturer()
        _apply_lecturer(s, row, clean)
        s.add(row)
        s.flush()
        return _lecturer_view(row, _org_names(s))


def update_lecturer(ctx: Context, lecturer_id: str, data: LecturerInput) -> LecturerView:
    """Change a lecturer's details."""
    ctx.require(Permission.EVENTS_WRITE)
    clean = _clean_lecturer(data)
    with ctx.db.transaction() as s:
        row = _load_lecturer(s, lecturer_id)
        _apply_lecturer(s, row, clean)
        s.flush()
        return _lecturer_view(row, _org_names(s))


def remove_lecturer(ctx: Context, lecturer_id: str) -> None:
    """Take a lecturer out of the directory; refused while an event names them."""
    ctx.require(Permission.EVENTS_WRITE)
    with ctx.db.transaction() as s:
        row = _load_lecturer(s, lecturer_id)
        used = s.scalar(
            select(EventLecturer.id)
            .where(EventLecturer.lecturer_id == lecturer_id, EventLecturer.deleted.is_(False))
            .limit(1)
        )
        if used:
            raise UserError(
                _("{name} speaks at an event and stays in the directory.").format(
                    name=f"{row.family_name} {row.given_name}".strip()
                )
            )
        row.deleted = True


def get_lecturer(ctx: Context, lecturer_id: str) -> LecturerView:
    """One lecturer."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        return _lecturer_view(_load_lecturer(s, lecturer_id), _org_names(s))


def list_lecturers(ctx: Context, query: str = "") -> list[LecturerView]:
    """Lecturers matching `query` (name, reading, affiliation), in gojūon order."""
    ctx.require(Permission.EVENTS_READ)
    with ctx.db.transaction() as s:
        orgs = _org_names(s)
        rows = list(s.scalars(select(Lecturer).where(Lecturer.deleted.is_(False))))
        views = [(r.reading_key or "\uffff", _lecturer_view(r, orgs)) for r in rows]
    terms = [search_fold(t) for t in query.split()]
    if terms:
        views = [
            (key, v)
            for key, v in views
            if all(
                t
                in search_fold(
                    f"{v.family_name}{v.given_name}\n{v.full_kana.replace(' ', '')}\n"
                    f"{v.affiliation}\n{v.organisation_name}"
                )
                for t in terms
            )
        ]
    views.sort(key=lambda kv: (kv[0], kv[1].family_name, kv[1].given_name))
    return [v for _key, v in views]


def lecturer_for_name(s: Session, name: str, affiliation: str) -> Lecturer:
    """The lecturer `name` of `affiliation`, added to the directory if missing (for imports)."""
    family, _sep, given = " ".join(name.replace("\u3000", " ").split()).partition(" ")
    for row in s.scalars(
        select(Lecturer).where(
            Lecturer.deleted.is_(False),
            Lecturer.family_name == family,
            Lecturer.given_name == given,
        )
    ):
        if not affiliation or row.affiliation == affiliation:
            return row
    org = _org_by_name(s, affiliation) if affiliation else None
    row = Lecturer()
    _apply_lecturer(
        s,
        row,
        LecturerInput(
            family_name=family,
            given_name=given,
            affiliation=affiliation,
            organisation_id=org.id if org is not None else None,
        ),
    )
    s.add(row)
    s.flush()
    return row
