"""Synced columns in plain words: field labels, readable values and referenced records' names."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Table, select

from app.core.context import Context, Permission
from app.core.dates import format_date
from app.core.i18n import N_, current_language, list_separator
from app.core.i18n import gettext as _
from app.events.vocabulary import (
    KINDS,
    PARTNER_ROLES,
    QUANTITY_UNITS,
    RECURRENCES,
    REGISTRATION_STATUSES,
    SCOPES,
    STATUSES,
    theme_label,
)
from app.partners import ORGANISATION_KINDS
from app.sync.rows import TABLES
from app.watch.people import END_REASONS, HOUSEHOLDS, METHODS, REFERRAL_KINDS
from app.watch.signs import CONTACT_RESULTS, OUTCOMES, sign_labels

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.sync.exchange import ConflictDetail

# Sync's own bookkeeping, and text derived from what was typed (sort keys, search folds):
# nobody typed these, so nobody should have to compare them.
HIDDEN_COLUMNS = frozenset(
    {"id", "chapter_id", "version", "local_seq", "seen_version", "reading_key", "search_text"}
)
# A tombstone is worth a line only when the two versions disagree about it.
DELETED = "deleted"

_NAMES: tuple[tuple[str, str], ...] = (
    ("family_name", N_("Family name")),
    ("given_name", N_("Given name")),
    ("family_kana", N_("Family name in kana")),
    ("given_kana", N_("Given name in kana")),
)

# Per table, the columns people edit, in the order a person reads them (names first), with
# the label the forms already use where its wording fits.
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "chapters": (
        ("name", N_("Chapter name")),
        ("municipality", N_("Municipality")),
        ("note", N_("Notes")),
    ),
    "organisations": (
        ("name", N_("Organisation name")),
        ("kana", N_("Reading (katakana)")),
        ("short_name", N_("Short name")),
        ("kind", N_("Kind")),
        ("municipality", N_("Municipality")),
        ("phone", N_("Phone")),
        ("address", N_("Address")),
        ("note", N_("Notes")),
    ),
    "lecturers": (
        *_NAMES,
        ("title", N_("Job title")),
        ("organisation_id", N_("Organisation")),
        ("affiliation", N_("Affiliation")),
        ("note", N_("Notes")),
    ),
    "members": (
        *_NAMES,
        ("member_number", N_("Member no.")),
        ("coop", N_("Co-op")),
        ("roles", N_("Roles")),
        ("status", N_("Status")),
        ("postal_code", N_("Postal code")),
        ("address", N_("Address")),
        ("phone", N_("Phone")),
        ("mobile", N_("Mobile")),
        ("email", N_("E-mail")),
        ("joined_on", N_("Joined")),
        ("left_on", N_("Retired on")),
        ("consent_contact", N_("Agrees to be contacted")),
        ("consent_photo", N_("Agrees to photos")),
        ("household", N_("Household no.")),
        ("tags", N_("Groups")),
        ("note", N_("Notes")),
        ("merged_into", N_("Merged into member")),
    ),
    "events": (
        ("title", N_("Title")),
        ("series", N_("Series")),
        ("series_number", N_("Number in the series")),
        ("catch_copy", N_("Catch copy")),
        ("kind", N_("Kind")),
        ("status", N_("Status")),
        ("themes", N_("Themes")),
        ("scope", N_("For")),
        ("starts_at", N_("Date and time")),
        ("ends_at", N_("Ends at")),
        ("dates_estimated", N_("The date is an estimate")),
        ("recurrence", N_("Schedule")),
        ("period_label", N_("Period")),
        ("venue", N_("Venue")),
        ("venue_access", N_("Access")),
        ("municipality", N_("Municipality")),
        ("capacity", N_("Capacity")),
        ("fee_yen", N_("Fee")),
        ("apply_how", N_("How to apply")),
        ("apply_by", N_("Apply by")),
        ("contact", N_("Contact")),
        ("description", N_("Description")),
        ("quantity_value", N_("Quantity")),
        ("quantity_unit", N_("Unit")),
        ("recipients", N_("Recipients")),
        ("detail", N_("Details")),
        ("qr_url", N_("QR code link")),
        ("image_path", N_("Photo or illustration")),
    ),
    "event_occurrences": (
        ("event_id", N_("Event")),
        ("starts_at", N_("Date and time")),
        ("ends_at", N_("Ends at")),
        ("status", N_("Status")),
        ("note", N_("Notes")),
    ),
    "event_partners": (
        ("event_id", N_("Event")),
        ("organisation_id", N_("Organisation")),
        ("role", N_("Role")),
        ("position", N_("Order in the list")),
    ),
    "event_lecturers": (
        ("event_id", N_("Event")),
        ("lecturer_id", N_("Lecturer")),
        ("position", N_("Order in the list")),
    ),
    "registrations": (
        *_NAMES,
        ("event_id", N_("Event")),
        ("occurrence_id", N_("Event date")),
        ("member_id", N_("Member")),
        ("contact", N_("Phone or e-mail")),
        ("status", N_("Status")),
        ("registered_at", N_("Registered on")),
        ("attended", N_("Attended")),
        ("checked_in_at", N_("Checked in at")),
        ("walk_in", N_("Walk-in")),
        ("note", N_("Note")),
    ),
    "duty_roles": (
        ("event_id", N_("Event")),
        ("name", N_("Duty")),
        ("needed", N_("People needed")),
        ("position", N_("Order in the list")),
    ),
    "duty_assignments": (
        ("event_id", N_("Event")),
        ("occurrence_id", N_("Event date")),
        ("role_id", N_("Duty")),
        ("member_id", N_("Member")),
        ("note", N_("Note")),
    ),
    "referral_targets": (
        ("name", N_("Name of the referral contact")),
        ("kind", N_("Kind")),
        ("municipality", N_("Municipality")),
        ("phone", N_("Phone")),
        ("note", N_("Notes")),
    ),
    "watched_persons": (
        *_NAMES,
        ("postal_code", N_("Postal code")),
        ("address", N_("Address")),
        ("phone", N_("Phone")),
        ("household", N_("Household")),
        ("emergency_contacts", N_("Emergency contacts")),
        ("support_centre_id", N_("Support centre")),
        ("visit_interval_days", N_("Visit every")),
        ("preferred_method", N_("Preferred way")),
        ("watch_for", N_("What to watch for")),
        ("care_notes", N_("Care notes (special-care data)")),
        ("status", N_("Status")),
        ("started_on", N_("Watch since")),
        ("ended_on", N_("Watch ended on")),
        ("end_reason", N_("Why the watch ended")),
        ("consent_on", N_("Consent given on")),
        ("consent_scope", N_("Scope of the consent")),
        ("consent_by", N_("Obtained by")),
        (
            "consent_emergency_sharing",
            N_("May be shared with the support centre in an emergency"),
        ),
        ("erased", N_("Personal data erased")),
    ),
    "watch_assignments": (
        ("person_id", N_("Person under watch")),
        ("member_id", N_("Volunteer")),
        ("role", N_("Role")),
    ),
    "visits": (
        ("person_id", N_("Person under watch")),
        ("visited_at", N_("When")),
        ("visitor_member_id", N_("Visitor")),
        ("method", N_("How")),
        ("contact_result", N_("Result")),
        ("outcome", N_("Outcome")),
        ("signs", N_("Signs")),
        ("notes", N_("Notes")),
        ("next_visit_on", N_("Next visit")),
    ),
    "follow_ups": (
        ("person_id", N_("Person under watch")),
        ("visit_id", N_("Visit")),
        ("opened_at", N_("Noticed")),
        ("urgency", N_("Outcome")),
        ("referred_to_kind", N_("Kind of contact")),
        ("referred_to_id", N_("Referral target")),
        ("referred_to_name", N_("Referred to")),
        ("referred_at", N_("Referred on")),
        ("referred_by", N_("Referred by")),
        ("result", N_("Result")),
        ("closed_at", N_("Closed on")),
    ),
    "take_out_log": (
        ("at", N_("When")),
        ("user_name", N_("User name")),
        ("action", N_("What")),
        ("what", N_("What was taken out")),
        ("people_count", N_("People")),
        ("special_care", N_("Special-care data")),
        ("encrypted", N_("Encrypted")),
        ("destination", N_("Destination")),
    ),
}
_COMMON: dict[str, str] = {DELETED: N_("Deleted"), "id": N_("Record id")}
_EXPLICIT: dict[tuple[str, str], str] = {
    (table, column): label for table, pairs in FIELDS.items() for column, label in pairs
}
_ORDER: dict[tuple[str, str], int] = {
    (table, column): n
    for table, pairs in FIELDS.items()
    for n, (column, _label) in enumerate(pairs)
}

# Stored codes and their words; the services' own tables where they exist.
_MEMBER_ROLES = {
    "coordinator": N_("Coordinator"),
    "volunteer": N_("Volunteer"),
    "visitor": N_("Watch-over visitor"),
}
_MEMBER_STATUSES = {"active": N_("active"), "retired": N_("retired")}
_WATCH_STATUSES = {"active": N_("under watch"), "ended": N_("ended")}
_ASSIGNMENT_ROLES = {"main": N_("Main volunteer"), "sub": N_("Second volunteer")}
_TAKE_OUT_ACTIONS = {
    "export": N_("exported"),
    "print": N_("printed"),
    "backup": N_("backed up"),
    "sync": N_("Sync"),
}
CODES: dict[tuple[str, str], Mapping[str, str]] = {
    ("organisations", "kind"): ORGANISATION_KINDS,
    ("members", "roles"): _MEMBER_ROLES,
    ("members", "status"): _MEMBER_STATUSES,
    ("events", "kind"): KINDS,
    ("events", "status"): STATUSES,
    ("events", "scope"): SCOPES,
    ("events", "recurrence"): RECURRENCES,
    ("events", "quantity_unit"): QUANTITY_UNITS,
    ("event_occurrences", "status"): STATUSES,
    ("event_partners", "role"): PARTNER_ROLES,
    ("registrations", "status"): REGISTRATION_STATUSES,
    ("referral_targets", "kind"): REFERRAL_KINDS,
    ("watched_persons", "household"): HOUSEHOLDS,
    ("watched_persons", "preferred_method"): METHODS,
    ("watched_persons", "status"): _WATCH_STATUSES,
    ("watched_persons", "end_reason"): END_REASONS,
    ("watch_assignments", "role"): _ASSIGNMENT_ROLES,
    ("visits", "method"): METHODS,
    ("visits", "contact_result"): CONTACT_RESULTS,
    ("visits", "outcome"): OUTCOMES,
    ("follow_ups", "urgency"): OUTCOMES,
    ("follow_ups", "referred_to_kind"): REFERRAL_KINDS,
    ("take_out_log", "action"): _TAKE_OUT_ACTIONS,
}


def hidden_field(column: str) -> bool:
    """True for columns nobody typed (sync bookkeeping, sort keys, search text): never shown."""
    return column in HIDDEN_COLUMNS


def explicit_label(table: str, column: str) -> str | None:
    """The translated label written down for this column, or None when there is none."""
    label = _EXPLICIT.get((table, column)) or _COMMON.get(column)
    return _(label) if label else None


def humanised(column: str) -> str:
    """A column name as words, for a column without a label: `visit_interval_days` ->
    "Visit interval days", `member_id` -> "Member"."""
    words = column.removesuffix("_id").replace("_", " ").strip() or column.replace("_", " ")
    return words[:1].upper() + words[1:]


def field_label(table: str, column: str) -> str:
    """The field's name for people, in the current language; never a raw column name."""
    return explicit_label(table, column) or humanised(column)


def field_order(table: str, column: str) -> tuple[int, int]:
    """Sort key: labelled fields in reading order, then any others, "Deleted" last."""
    if column == DELETED:
        return (2, 0)
    position = _ORDER.get((table, column))
    if position is not None:
        return (0, position)
    columns = [c.name for c in TABLES[table].columns] if table in TABLES else []
    return (1, columns.index(column) if column in columns else len(columns))


def reference_target(table: str, column: str) -> str | None:
    """The table a foreign-key column points into, or None."""
    if table not in TABLES or column not in TABLES[table].columns:
        return None
    for fk in TABLES[table].columns[column].foreign_keys:
        return str(fk.column.table.name)
    return None


# --- values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookups:
    """What a value needs from the database to read well: names of referenced records by id,
    and the labels of visit signs by code."""

    records: Mapping[str, str] = field(default_factory=dict)
    signs: Mapping[str, str] = field(default_factory=dict)


def _date_text(value: Any) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return format_date(day, current_language())


def _datetime_text(value: Any) -> str:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return f"{format_date(moment.date(), current_language())} {moment:%H:%M}"


def _number_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _code_text(codes: Mapping[str, str], code: Any) -> str:
    text = str(code)
    return _(codes[text]) if text in codes else text


def _contacts_text(contacts: Sequence[Any]) -> str:
    ja = current_language() == "ja"
    parts = []
    for contact in contacts:
        if not isinstance(contact, Mapping):
            parts.append(str(contact))
            continue
        name = str(contact.get("name") or "")
        relation = str(contact.get("relation") or "")
        phone = str(contact.get("phone") or "")
        if relation:
            name += f"（{relation}）" if ja else f" ({relation})"
        parts.append(" ".join(p for p in (name, phone) if p))
    return " / ".join(parts)


def _special(table: str, column: str) -> Callable[[Any, Lookups], str] | None:
    if column == "themes":
        return lambda v, _lk: list_separator().join(theme_label(str(t)) for t in v)
    if column == "signs":
        return lambda v, lk: list_separator().join(lk.signs.get(str(c), str(c)) for c in v)
    if column == "emergency_contacts":
        return lambda v, _lk: _contacts_text(v)
    if column == "fee_yen":
        return lambda v, _lk: _("Free") if v == 0 else _number_text(v) + _(" yen")
    if column == "visit_interval_days":
        return lambda v, _lk: _("every {days} days").format(days=v)
    return None


def field_value(table: str, column: str, value: Any, lookups: Lookups | None = None) -> str:
    """A stored value (as JSON or as loaded) the way the rest of the app shows it: dates the
    app's way, yes/no, codes as words, referenced records by name; empty for nothing."""
    lookups = lookups or Lookups()
    if value is None:
        return ""
    if reference_target(table, column) is not None:
        return lookups.records.get(str(value)) or _("(not on this computer)")
    special = _special(table, column)
    codes = CODES.get((table, column))
    try:
        if special is not None:
            return special(value, lookups)
        if isinstance(value, list):
            if codes is not None:
                return list_separator().join(_code_text(codes, v) for v in value)
            return list_separator().join(
                json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v)
                for v in value
            )
        if codes is not None:
            return _code_text(codes, value)
        kind = TABLES[table].columns[column].type if table in TABLES else None
        if isinstance(value, bool) or isinstance(kind, Boolean):
            return _("yes") if value else _("no")
        if isinstance(value, datetime) or isinstance(kind, DateTime):
            return _datetime_text(value)
        if isinstance(value, date) or isinstance(kind, Date):
            return _date_text(value)
        if isinstance(kind, Integer | Float):
            return _number_text(value)
        if isinstance(value, dict) or isinstance(kind, JSON):
            return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        pass  # a value of an unexpected shape is still worth showing as it is
    return str(value)


# --- a conflict, readable ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShownField:
    """One line of a conflict for people: the label and both sides as text."""

    column: str
    label: str
    kept: str
    other: str
    differs: bool


def _person_name(row: Mapping[str, Any]) -> str:
    return "\u3000".join(str(row.get(c) or "") for c in ("family_name", "given_name") if row.get(c))


def _names_of(s: Session, table_name: str, ids: set[str]) -> dict[str, str]:
    """Display names of rows of `table_name`, by id; missing rows are simply absent."""
    if not ids or table_name not in TABLES:
        return {}
    table: Table = TABLES[table_name]
    rows = list(s.connection().execute(select(table).where(table.c.id.in_(ids))).mappings())
    if table_name == "event_occurrences":
        titles = _names_of(s, "events", {str(r["event_id"]) for r in rows})
        return {
            str(r["id"]): " ".join(
                p for p in (titles.get(str(r["event_id"]), ""), _datetime_text(r["starts_at"])) if p
            )
            for r in rows
        }
    names: dict[str, str] = {}
    for r in rows:
        if "family_name" in r:
            text = _person_name(dict(r)) or _("(none)")
        elif table_name == "events":
            text = str(r["title"])
        elif table_name == "visits":
            text = _datetime_text(r["visited_at"])
        else:
            text = str(r.get("name") or r.get("title") or "") or _("(none)")
        names[str(r["id"])] = text
    return names


# What names a record in a sentence, when it has no name of its own: a visit is the person
# and the time, a link row the two records it links.
_TITLE_FIELDS: dict[str, tuple[str, ...]] = {
    "chapters": ("name",),
    "organisations": ("name",),
    "referral_targets": ("name",),
    "events": ("title",),
    "event_occurrences": ("event_id", "starts_at"),
    "event_partners": ("event_id", "organisation_id"),
    "event_lecturers": ("event_id", "lecturer_id"),
    "duty_roles": ("event_id", "name"),
    "duty_assignments": ("role_id", "member_id"),
    "watch_assignments": ("person_id", "member_id"),
    "visits": ("person_id", "visited_at"),
    "follow_ups": ("person_id", "opened_at"),
    "take_out_log": ("at", "what"),
}


def _references(table: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Referenced table -> the ids these rows point at."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for column, value in row.items():
            target = reference_target(table, column)
            if target is not None and value is not None:
                wanted.setdefault(target, set()).add(str(value))
    return wanted


def _lookups(s: Session, table: str, rows: Sequence[Mapping[str, Any]]) -> Lookups:
    records: dict[str, str] = {}
    for target, ids in _references(table, rows).items():
        records.update(_names_of(s, target, ids))
    return Lookups(records=records)


def _title(table: str, row: Mapping[str, Any], lookups: Lookups) -> str:
    if "family_name" in row or "given_name" in row:
        return _person_name(row)
    parts = (field_value(table, c, row.get(c), lookups) for c in _TITLE_FIELDS.get(table, ()))
    return " ".join(p for p in parts if p)


def record_title(s: Session, table: str, row: Mapping[str, Any]) -> str:
    """How a sentence names one synced row (its values as stored or as JSON), e.g.
    "大川　トメ Mon 10 Jun 2024 10:30" for a visit; "" when nothing names it."""
    return _title(table, row, _lookups(s, table, [row]))[:80]


@dataclass(frozen=True)
class ReadableConflict:
    """A conflict as people read it: what the record is, and its fields side by side."""

    title: str
    fields: list[ShownField]


def readable_conflict(ctx: Context, detail: ConflictDetail) -> ReadableConflict:
    """A conflict for people (`detail` from `exchange.conflict_detail`): fields labelled, in
    reading order, bookkeeping left out, "Deleted" only when the versions disagree on it,
    referenced records by name; the title names the record (falling back to `detail.label`)."""
    ctx.require(Permission.SYNC)
    table, fields = detail.table, detail.fields
    kept = {p.name: p.kept for p in fields}
    other = {p.name: p.other for p in fields}
    with ctx.db.transaction() as s:
        found = _lookups(s, table, [kept, other])
    signs = sign_labels(ctx) if any(p.name == "signs" for p in fields) else {}
    lookups = Lookups(records=found.records, signs=signs)
    shown = [
        ShownField(
            column=pair.name,
            label=field_label(table, pair.name),
            kept=field_value(table, pair.name, pair.kept, lookups),
            other=field_value(table, pair.name, pair.other, lookups),
            differs=pair.differs,
        )
        for pair in fields
        if not hidden_field(pair.name) and (pair.name != DELETED or pair.differs)
    ]
    # The row in use may be gone (the conflict outlived it); then the other side names it.
    in_use = any(v is not None for v in kept.values())
    title = _title(table, kept if in_use else other, lookups)[:80]
    if not title:
        # An id names nothing for a person.
        title = detail.label if detail.label != detail.row_id else _("(no name)")
    return ReadableConflict(
        title=title, fields=sorted(shown, key=lambda f: field_order(table, f.column))
    )
