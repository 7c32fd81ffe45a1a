"""Watch-over settings and how long records are kept."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import Context, Permission
from app.core.errors import UserError
from app.core.i18n import gettext as _
from app.roster import people
from app.storage.audit import record_audit
from app.watch.access import audited_denials, load_person
from app.watch.people import DEFAULT_RETENTION_YEARS, ENDED, RETENTION_KEY, ErasureCandidate
from db.models import (
    Conflict,
    FollowUp,
    Setting,
    Visit,
    WatchAssignment,
    WatchedPerson,
)

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
