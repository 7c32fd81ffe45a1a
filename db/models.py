"""Typed SQLAlchemy models of every Tsunagu entity (see DESIGN.md, Data)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncMixin

# Deferred checks let one sync package insert children before their parents.
DEFERRED: dict[str, Any] = {"deferrable": True, "initially": "DEFERRED"}


def fk(target: str, **kw: Any) -> ForeignKey:
    """A foreign key to a synced table, checked at commit, not per statement."""
    return ForeignKey(target, **DEFERRED, **kw)


class PersonNameMixin:
    """Name columns shared by members, lecturers and people under watch.

    Names are stored exactly as typed; readings are normalised katakana; `reading_key` is the
    precomputed gojūon sort key and `search_text` the folded text that searches match against.
    """

    family_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    given_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    family_kana: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    given_kana: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    reading_key: Mapped[str] = mapped_column(String(600), nullable=False, default="")
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")


# --- organisation ------------------------------------------------------------------------


class Chapter(SyncMixin, Base):
    """A local chapter (まちづくりグループ); headquarters holds every chapter."""

    __tablename__ = "chapters"
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    municipality: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Organisation(SyncMixin, Base):
    """A partner: co-op, social-welfare council, food bank, NPO, municipal office, centre."""

    __tablename__ = "organisations"
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    short_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    kana: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(40), nullable=False, default="other")
    municipality: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Lecturer(SyncMixin, PersonNameMixin, Base):
    """A lecturer with title and affiliation (shared directory)."""

    __tablename__ = "lecturers"
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    organisation_id: Mapped[str | None] = mapped_column(String(36), fk("organisations.id"))
    affiliation: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Member(SyncMixin, PersonNameMixin, Base):
    """A member of the chapter's roster; retired, never deleted, by the roster screens."""

    __tablename__ = "members"
    member_number: Mapped[str] = mapped_column(String(40), nullable=False, default="", index=True)
    coop: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    postal_code: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    mobile: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    roles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    consent_contact: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    consent_photo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    # 世帯番号: members who share it are one household (one piece of mail, 連名).
    household: Mapped[str] = mapped_column(String(40), nullable=False, default="", index=True)
    # Groups the coordinator makes up (班, 地区, 配達コース, 年賀状 …).
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # Set with `deleted` when this record was merged into another: the tombstone names the
    # kept member, so a replica that still refers to this id follows it (app/roster/duplicates.py).
    merged_into: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_members_list", "deleted", "reading_key"),)


# --- events --------------------------------------------------------------------------------


class Event(SyncMixin, Base):
    """An activity (活動): lecture, study session, café, food drive, tour, donation …"""

    __tablename__ = "events"
    kind: Mapped[str] = mapped_column(String(40), nullable=False, default="lecture")
    series: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    series_number: Mapped[int | None] = mapped_column(Integer)
    catch_copy: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(400), nullable=False)
    themes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    dates_estimated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    period_label: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    venue: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    venue_access: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    municipality: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    scope: Mapped[str] = mapped_column(String(20), nullable=False, default="chapter")
    capacity: Mapped[int | None] = mapped_column(Integer)
    fee_yen: Mapped[int | None] = mapped_column(Integer)
    apply_how: Mapped[str] = mapped_column(Text, nullable=False, default="")
    apply_by: Mapped[date | None] = mapped_column(Date)
    contact: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recurrence: Mapped[str] = mapped_column(String(20), nullable=False, default="none")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="planned")
    quantity_value: Mapped[float | None] = mapped_column(Float)
    quantity_unit: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    recipients: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    qr_url: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    image_path: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class EventOccurrence(SyncMixin, Base):
    """One date of an event; a monthly café has many, each with its own attendance."""

    __tablename__ = "event_occurrences"
    event_id: Mapped[str] = mapped_column(String(36), fk("events.id"), nullable=False, index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="planned")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class EventPartner(SyncMixin, Base):
    """An organisation's part in an event: organiser, co-host, donor or recipient."""

    __tablename__ = "event_partners"
    event_id: Mapped[str] = mapped_column(String(36), fk("events.id"), nullable=False, index=True)
    organisation_id: Mapped[str] = mapped_column(
        String(36), fk("organisations.id"), nullable=False, index=True
    )
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="organiser")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class EventLecturer(SyncMixin, Base):
    """A lecturer who speaks at an event."""

    __tablename__ = "event_lecturers"
    event_id: Mapped[str] = mapped_column(String(36), fk("events.id"), nullable=False, index=True)
    lecturer_id: Mapped[str] = mapped_column(String(36), fk("lecturers.id"), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Registration(SyncMixin, PersonNameMixin, Base):
    """A member or guest registered for an event (or one date of it), with attendance.

    For a guest the name columns hold what was given; for a member they are a copy kept for
    printing, and `member_id` is the link.
    """

    __tablename__ = "registrations"
    event_id: Mapped[str] = mapped_column(String(36), fk("events.id"), nullable=False, index=True)
    occurrence_id: Mapped[str | None] = mapped_column(
        String(36), fk("event_occurrences.id"), index=True
    )
    member_id: Mapped[str | None] = mapped_column(String(36), fk("members.id"), index=True)
    contact: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="registered")
    registered_at: Mapped[datetime | None] = mapped_column(DateTime)
    attended: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    walk_in: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class DutyRole(SyncMixin, Base):
    """A job at an event's dates (受付, 調理, 会場設営 …) and how many people it needs."""

    __tablename__ = "duty_roles"
    event_id: Mapped[str] = mapped_column(String(36), fk("events.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    needed: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class DutyAssignment(SyncMixin, Base):
    """A member on duty in one role at one date of an event (当番表)."""

    __tablename__ = "duty_assignments"
    event_id: Mapped[str] = mapped_column(String(36), fk("events.id"), nullable=False, index=True)
    # The date of a monthly event; NULL for an event with one date.
    occurrence_id: Mapped[str | None] = mapped_column(
        String(36), fk("event_occurrences.id"), index=True
    )
    role_id: Mapped[str] = mapped_column(
        String(36), fk("duty_roles.id"), nullable=False, index=True
    )
    member_id: Mapped[str] = mapped_column(String(36), fk("members.id"), nullable=False, index=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


# --- watch-over (要配慮個人情報) -----------------------------------------------------------


class ReferralTarget(SyncMixin, Base):
    """Where a follow-up is referred: the ward's support centre, council, 民生委員 …"""

    __tablename__ = "referral_targets"
    name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(30), nullable=False, default="support_centre")
    municipality: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class WatchedPerson(SyncMixin, PersonNameMixin, Base):
    """A person under watch (見守り対象者); health and care notes are special-care data."""

    __tablename__ = "watched_persons"
    postal_code: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    household: Mapped[str] = mapped_column(String(30), nullable=False, default="alone")
    emergency_contacts: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, nullable=False, default=list
    )
    support_centre_id: Mapped[str | None] = mapped_column(String(36), fk("referral_targets.id"))
    visit_interval_days: Mapped[int] = mapped_column(Integer, nullable=False, default=14)
    preferred_method: Mapped[str] = mapped_column(String(20), nullable=False, default="visit")
    watch_for: Mapped[str] = mapped_column(Text, nullable=False, default="")
    care_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    consent_on: Mapped[date | None] = mapped_column(Date)
    consent_scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    consent_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    consent_emergency_sharing: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    erased: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class WatchAssignment(SyncMixin, Base):
    """A volunteer (a member) assigned to a person under watch."""

    __tablename__ = "watch_assignments"
    person_id: Mapped[str] = mapped_column(
        String(36), fk("watched_persons.id"), nullable=False, index=True
    )
    member_id: Mapped[str] = mapped_column(String(36), fk("members.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="main")


class Visit(SyncMixin, Base):
    """One watch-over contact: a visit, a phone call, a look from outside, at delivery."""

    __tablename__ = "visits"
    person_id: Mapped[str] = mapped_column(
        String(36), fk("watched_persons.id"), nullable=False, index=True
    )
    visited_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    visitor_member_id: Mapped[str | None] = mapped_column(String(36), fk("members.id"))
    method: Mapped[str] = mapped_column(String(20), nullable=False, default="visit")
    contact_result: Mapped[str] = mapped_column(String(20), nullable=False, default="met")
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default="no_change")
    signs: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    next_visit_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_visits_person_time", "person_id", "visited_at"),
        # Covers the due list's last contact per person (app/watch/visits.py): one index seek
        # each, no table reads, whatever the parameters.
        Index("ix_visits_last_contact", "person_id", "visited_at", "deleted", "contact_result"),
    )


class FollowUp(SyncMixin, Base):
    """A follow-up opened by a visit that needs contact: referral, result, closing."""

    __tablename__ = "follow_ups"
    visit_id: Mapped[str | None] = mapped_column(String(36), fk("visits.id"), index=True)
    person_id: Mapped[str] = mapped_column(
        String(36), fk("watched_persons.id"), nullable=False, index=True
    )
    opened_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    urgency: Mapped[str] = mapped_column(String(20), nullable=False, default="contact")
    referred_to_kind: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    referred_to_id: Mapped[str | None] = mapped_column(String(36), fk("referral_targets.id"))
    referred_to_name: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    referred_at: Mapped[datetime | None] = mapped_column(DateTime)
    referred_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    result: Mapped[str] = mapped_column(Text, nullable=False, default="")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class TakeOutLog(SyncMixin, Base):
    """What personal data left the machine: printed, exported, packaged or backed up."""

    __tablename__ = "take_out_log"
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    user_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    what: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    people_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    special_care: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    encrypted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    destination: Mapped[str] = mapped_column(String(500), nullable=False, default="")


# --- local only (never travels) ---------------------------------------------------------------


class User(Base):
    """A local account; `wrapped_key` is the database key wrapped by the passphrase's key."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="coordinator")
    member_id: Mapped[str | None] = mapped_column(String(36))
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    kdf_params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class AuditEntry(Base):
    """Who saw, changed, exported or printed which sensitive record, and when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    user_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")


class SyncPeer(Base):
    """What this database knows of a sync partner: keys, receipts, last packages."""

    __tablename__ = "sync_peers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="chapter")
    public_keys: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # Highest local_seq of ours the peer has acknowledged.
    acked_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Highest peer-side seq we have applied from it (sent back as its receipt).
    received_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_package_id: Mapped[str] = mapped_column(String(36), nullable=False, default="")
    last_package_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_receipt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_counts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)


class Conflict(Base):
    """A concurrent edit that lost the merge, kept for a person to decide."""

    __tablename__ = "conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(40), nullable=False)
    row_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    winner_version: Mapped[str] = mapped_column(String(48), nullable=False)
    loser_version: Mapped[str] = mapped_column(String(48), nullable=False)
    loser_data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    detected_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str] = mapped_column(String(20), nullable=False, default="")


class Setting(Base):
    """A local setting (chapter identity, language, text size, retention …)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)


class LocalMeta(Base):
    """Counters kept per database file: the change sequence and the clock's last stamp."""

    __tablename__ = "local_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    int_value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    text_value: Mapped[str] = mapped_column(String(200), nullable=False, default="")


SYNCED_MODELS: tuple[type[SyncMixin], ...] = (
    Chapter,
    Organisation,
    Lecturer,
    Member,
    Event,
    EventOccurrence,
    EventPartner,
    EventLecturer,
    Registration,
    DutyRole,
    DutyAssignment,
    ReferralTarget,
    WatchedPerson,
    WatchAssignment,
    Visit,
    FollowUp,
    TakeOutLog,
)
